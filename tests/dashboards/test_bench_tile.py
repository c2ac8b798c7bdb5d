"""The elastic bench's contributions: fill rate on the overview, late staffing in the queue."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from bench.models import StaffingRequest
from dashboards import selectors
from dashboards.periods import Period
from dashboards.services import snapshot_recompute
from tests.bench.factories import file_request, skill

pytestmark = pytest.mark.django_db


def test_fill_rate_and_late_requests(world):
    py = skill(world.org, "Python")
    filled = file_request(world.org, world.healthy, {py: 3}, actor=world.lead[0].user, title="Filled")
    file_request(world.org, world.at_risk, {py: 3}, actor=world.lead[0].user, title="Waiting")
    StaffingRequest.objects.for_org(world.org).filter(pk=filled.pk).update(status="fulfilled")
    late_start = timezone.localdate() - datetime.timedelta(days=3)
    StaffingRequest.objects.for_org(world.org).filter(title="Waiting").update(start_date=late_start)
    today = timezone.localdate()
    snapshot_recompute(organization=world.org)
    tiles = {t.key: t for t in selectors.overview_tiles(organization=world.org, membership=world.leader,
                                                         filters=selectors.Filters(Period(today, today)))}
    figures = {f.label: f.value for f in tiles["bench"].figures}
    assert figures == {"Fill rate": 50.0, "Requests": 2.0, "Waiting now": 1.0}
    late = [r for r in selectors.attention_queue(organization=world.org, membership=world.leader)
            if r.item.source == "staffing_past_start"]
    assert [r.item.pod_id for r in late] == [world.at_risk.pk]
