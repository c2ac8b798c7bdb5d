"""Catalog entries join the one search (issue #11): models, components, data products and
experiments are found on the search page, each linking to its catalog page."""

from __future__ import annotations

import pytest

from platform_catalog.services import tracking
from tests.platform_catalog.factories import catalog_model, component, data_product

pytestmark = pytest.mark.django_db


def test_catalog_entries_are_found_by_the_one_search(gorg, lead, client):
    m, _person, pod = lead
    model = catalog_model(gorg, pod, actor=m.user, name="quokka-ranker", description="Ranks quokka sightings.")
    comp = component(gorg, pod, actor=m.user, name="Quokka feature store")
    dp = data_product(gorg, pod, actor=m.user, name="Quokka sightings")
    exp = tracking.experiment_create(organization=gorg, actor=m.user, name="quokka tuning", owner_pod=pod)
    client.force_login(m.user)
    r = client.get(f"/o/{gorg.slug}/knowledge/search/", {"q": "quokka"})
    assert r.status_code == 200
    body = r.content.decode()
    for path in (f"/catalog/models/{model.pk}/", f"/catalog/components/{comp.pk}/",
                 f"/catalog/data-products/{dp.pk}/", f"/catalog/experiments/{exp.pk}/"):
        assert path in body, path
    # A kind filter narrows the results to one kind of entry.
    only = client.get(f"/o/{gorg.slug}/knowledge/search/", {"q": "quokka", "kind": "catalog_component"})
    assert f"/catalog/components/{comp.pk}/" in only.content.decode()
    assert f"/catalog/models/{model.pk}/" not in only.content.decode()
