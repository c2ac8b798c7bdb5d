"""The overview's pod-type filter (#13), from the Team API's team type (#12): every tile narrows to
the pods of the chosen type, the page offers the four types, and an unknown type is a 400."""

from __future__ import annotations

import pytest
from django.utils import timezone

from dashboards import selectors
from dashboards.periods import Period
from dashboards.services import snapshot_recompute
from pods.services import pod_update

pytestmark = pytest.mark.django_db


def _health_total(world, **dims):
    today = timezone.localdate()
    tiles = {t.key: t for t in selectors.overview_tiles(
        organization=world.org, membership=world.leader, filters=selectors.Filters(Period(today, today), dims))}
    return sum(f.value or 0 for f in tiles["pod_health"].figures)


def test_pod_type_filter_narrows_every_tile_to_pods_of_that_type(world):
    pod_update(organization=world.org, actor=world.leader.user, pod=world.healthy, team_type="platform")
    pod_update(organization=world.org, actor=world.leader.user, pod=world.unhealthy, team_type="stream_aligned")
    snapshot_recompute(organization=world.org)
    dims = {d["key"]: d for d in selectors.dimension_choices(organization=world.org)}
    assert [v for v, _ in dims["pod_type"]["choices"]] == [
        "stream_aligned", "platform", "enabling", "complicated_subsystem"]
    assert _health_total(world) == 3
    assert _health_total(world, pod_type="platform") == 1
    assert _health_total(world, pod_type="stream_aligned") == 1
    assert _health_total(world, pod_type="enabling") == 0  # the at-risk pod declared no type


def test_overview_page_offers_the_pod_type_filter(client, world):
    pod_update(organization=world.org, actor=world.leader.user, pod=world.healthy, team_type="platform")
    snapshot_recompute(organization=world.org)
    client.force_login(world.leader.user)
    html = client.get(f"/o/{world.org.slug}/overview/").content.decode()
    assert '<option value="platform">Platform</option>' in html
    assert client.get(f"/o/{world.org.slug}/overview/", {"pod_type": "platform"}).status_code == 200
    assert client.get(f"/o/{world.org.slug}/overview/", {"pod_type": "squad"}).status_code == 400
