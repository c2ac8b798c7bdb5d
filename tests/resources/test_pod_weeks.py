"""Per pod per week snapshots: people in FTE from assignments, compute as average units held."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from resources import services
from resources.models import PodWeekSnapshot
from tests.factories import AssignmentFactory, PersonFactory, member
from tests.resources.helpers import compute_setup

pytestmark = pytest.mark.django_db


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def test_fte_counts_the_days_each_assignment_runs_and_compute_the_units_held(org):
    c = compute_setup(org)
    today = dt.date(2030, 5, 15)  # a Wednesday; the window of the recompute is around it
    week = _monday(today)
    AssignmentFactory(organization=org, pod=c.pod_a, person=PersonFactory(organization=org),
                      allocation_percent=100, start_date=week - dt.timedelta(days=60))
    # Half time from Wednesday to Saturday (end date included): 0.5 × 4 / 7 this week, nothing after.
    AssignmentFactory(organization=org, pod=c.pod_a, person=PersonFactory(organization=org),
                      allocation_percent=50, start_date=week + dt.timedelta(days=2),
                      end_date=week + dt.timedelta(days=5))
    # Next week: A holds 2 units for the whole week, B 6 units (2 borrowed) for half of it.
    nxt = dt.datetime.combine(week + dt.timedelta(days=7), dt.time(), tzinfo=dt.UTC)
    services.allocation_request(organization=org, actor=c.lead_a.user, pod=c.pod_a, pool=c.pool, amount=2,
                                start=nxt, end=nxt + dt.timedelta(days=7))
    services.allocation_request(organization=org, actor=c.lead_b.user, pod=c.pod_b, pool=c.pool, amount=6,
                                start=nxt, end=nxt + dt.timedelta(days=3, hours=12))
    services.capacity_recompute(organization=org, today=today)
    rows = {(r.pod_id, r.week): r for r in PodWeekSnapshot.objects.for_org(org)}
    this_a = rows[(c.pod_a.pk, week)]
    # Each pod's lead runs full time (compute_setup), A has one more full-time person.
    assert this_a.fte == pytest.approx(2 + 0.5 * 4 / 7, abs=1e-3)
    next_a, next_b = rows[(c.pod_a.pk, week + dt.timedelta(days=7))], rows[(c.pod_b.pk, week + dt.timedelta(days=7))]
    assert (next_a.fte, next_a.compute_units, next_a.borrowed_units) == (2.0, 2.0, 0.0)
    assert (next_b.fte, next_b.compute_units, next_b.borrowed_units) == (1.0, 3.0, 1.0)
    assert all(r.week.weekday() == 0 for r in rows.values())
    # A recompute replaces the set: the same rows, not twice as many.
    services.capacity_recompute(organization=org, today=today)
    assert PodWeekSnapshot.objects.for_org(org).count() == len(rows)


def test_capacity_page_and_pod_panel_show_the_weeks(client, org):
    c = compute_setup(org)
    c.ask(amount=2, start=0, end=24)
    services.capacity_recompute(organization=org)
    client.force_login(member(org).user)
    page = client.get(reverse("resources:capacity", kwargs={"org_slug": org.slug})).content.decode()
    assert "Pods this week" in page and c.pod_a.name in page and 'aria-label="Pods this week' in page
    client.force_login(c.lead_a.user)
    panel = client.get(reverse("resources:pod_panel", kwargs={"org_slug": org.slug, "pk": c.pod_a.pk}),
                       HTTP_HX_REQUEST="true").content.decode()
    assert "Week of" in panel and 'aria-current="date"' in panel


def test_capacity_page_without_snapshots_says_so(client, org):
    client.force_login(member(org).user)
    page = client.get(reverse("resources:capacity", kwargs={"org_slug": org.slug})).content.decode()
    assert "No pod figures for this week yet" in page
