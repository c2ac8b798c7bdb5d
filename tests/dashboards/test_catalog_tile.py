"""The platform catalog's contributions: the coordination-quality tile and contract breaches in
the attention queue."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from dashboards import selectors
from dashboards.periods import Period
from dashboards.services import snapshot_recompute
from platform_catalog.models import DataProduct
from platform_catalog.services.contracts import contract_check
from platform_catalog.services.relations import adoption_record
from tests.platform_catalog.factories import component, data_product

pytestmark = pytest.mark.django_db


def test_reuse_rate_and_adoptions(world):
    today = timezone.localdate()
    fs = component(world.org, world.healthy, actor=world.admin.user)
    adoption_record(organization=world.org, actor=world.admin.user, pod=world.at_risk, entity_kind="component",
                    entity_id=fs.pk, since=today - datetime.timedelta(days=3))
    # The owner using its own component is not reuse.
    adoption_record(organization=world.org, actor=world.admin.user, pod=world.healthy, entity_kind="component",
                    entity_id=fs.pk, since=today - datetime.timedelta(days=3))
    snapshot_recompute(organization=world.org, start=today - datetime.timedelta(days=20), end=today)
    tiles = {t.key: t for t in selectors.overview_tiles(
        organization=world.org, membership=world.leader,
        filters=selectors.Filters(Period(today - datetime.timedelta(days=1), today)))}
    figures = {f.label: f.value for f in tiles["coordination_quality"].figures}
    assert figures == {"Pods reusing": 33.3, "New adoptions": 0.0, "Open duplicates": 0.0}
    wide = {t.key: t for t in selectors.overview_tiles(
        organization=world.org, membership=world.leader,
        filters=selectors.Filters(Period(today - datetime.timedelta(days=10), today)))}
    assert {f.label: f.value for f in wide["coordination_quality"].figures}["New adoptions"] == 2.0


def test_a_breached_contract_needs_attention(world):
    dp = data_product(world.org, world.unhealthy, actor=world.admin.user)
    DataProduct.objects.for_org(world.org).filter(pk=dp.pk).update(
        last_refreshed_at=timezone.now() - datetime.timedelta(days=5))
    assert contract_check(organization=world.org, data_product=dp) == "breached"
    dp.refresh_from_db()
    rows = selectors.attention_queue(organization=world.org, membership=world.leader)
    breach = next(r for r in rows if r.item.source == "contract_breaches")
    assert breach.item.url == f"/o/{world.org.slug}/knowledge/incidents/{dp.breach_incident_id}/"
    assert breach.item.pod_id == world.unhealthy.pk
