"""A later change of an engagement's assignment re-settles its budget hold at once: shorter or
smaller voids the difference, longer or larger holds more (refused with the figures, the change
not written, when the budget has no room), removal voids it all; every step is audited."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from bench.models import ScalingSuggestion, SuggestionKind, SuggestionStatus
from bench.services.budget import weeks_by_quarter
from bench.services.decisions import suggestion_accept
from bench.services.recompute import suggestions_recompute
from pods.models import Assignment
from pods.services import assignment_end, assignment_update
from resources import services as resources_services
from resources.budget_selectors import budget_figures
from resources.models import Budget, LedgerEntry, LedgerKind
from tenancy.models import AuditEvent
from tests.api.helpers import client_for, error_fields, url
from tests.bench.factories import file_request, next_monday, skill, specialist
from tests.factories import pod_lead

pytestmark = pytest.mark.django_db
WEEK = Decimal("1800.00")  # 50 % of 40 h at 90/h


def _engaged(org, *, weeks=4, budget=100_000, start=None):
    lead, _p, pod = pod_lead(org)
    ml = skill(org, "ML")
    specialist(org, {ml: 4}, hours=40, rate="90.00")
    req = file_request(org, pod, {ml: 3}, hours=20, weeks=weeks, start=start)
    quarters = set(weeks_by_quarter(req.start_date, req.end_date + datetime.timedelta(weeks=8)))
    for q in quarters:
        resources_services.budget_set(organization=org, actor=None, pod=pod, quarter=q, category="services",
                                      amount=budget)
    suggestions_recompute(organization=org)
    [s] = ScalingSuggestion.objects.for_org(org).filter(kind=SuggestionKind.ADD, status=SuggestionStatus.OPEN)
    suggestion_accept(organization=org, actor=lead.user, suggestion=s)
    req.refresh_from_db()
    return lead, pod, req, req.assignment


def _reserved(org, pod):
    """What the pod's services budgets commit (held, not yet posted or voided), in total."""
    return sum((budget_figures(b)["committed"] for b in Budget.objects.for_org(org).filter(pod=pod)), Decimal(0))


def _resettles(org):
    return list(AuditEvent.objects.for_org(org).filter(action="staffing_request.budget_resettled").order_by("id"))


def test_a_smaller_allocation_voids_the_difference(org):
    lead, pod, req, a = _engaged(org, weeks=4)
    assert req.booked_rate == Decimal("90.00") and _reserved(org, pod) == WEEK * 4
    assignment_update(organization=org, actor=lead.user, assignment=a, allocation_percent=25)
    assert _reserved(org, pod) == WEEK * 2  # half the hours, half the cost
    voids = LedgerEntry.objects.for_org(org).filter(kind=LedgerKind.VOID)
    assert sum(v.amount for v in voids) == WEEK * 2 and all(v.actor_id == lead.user.pk for v in voids)
    [ev] = _resettles(org)
    assert sum(Decimal(v) for v in ev.before.values()) == WEEK * 4
    assert sum(Decimal(v) for k, v in ev.after.items() if k != "why") == WEEK * 2 and "25%" in ev.after["why"]
    assert AuditEvent.objects.for_org(org).filter(action="ledger.void").count() == voids.count()


def test_a_longer_engagement_holds_more_within_budget(org):
    lead, pod, req, a = _engaged(org, weeks=4)
    assignment_update(organization=org, actor=lead.user, assignment=a,
                      end_date=a.end_date + datetime.timedelta(weeks=2))
    assert _reserved(org, pod) == WEEK * 6
    assert LedgerEntry.objects.for_org(org).filter(kind=LedgerKind.HOLD).count() >= 2
    assert len(_resettles(org)) == 1


def test_more_than_the_budget_holds_is_refused_with_the_figures_and_nothing_changes(org):
    lead, pod, req, a = _engaged(org, weeks=4, budget=int(WEEK * 5), start=next_monday(1))
    entries, audits = LedgerEntry.objects.for_org(org).count(), AuditEvent.objects.for_org(org).count()
    with pytest.raises(ValidationError) as err:
        assignment_update(organization=org, actor=lead.user, assignment=a, allocation_percent=100)
    assert set(err.value.message_dict) == {"budget"}
    text = err.value.message_dict["budget"][0]
    assert "cannot hold" in text and "needed after this change" in text and any(ch.isdigit() for ch in text)
    a.refresh_from_db()
    assert a.allocation_percent == 50
    assert LedgerEntry.objects.for_org(org).count() == entries and AuditEvent.objects.for_org(org).count() == audits


def test_the_api_refuses_it_with_a_400_naming_budget(org):
    lead, pod, req, a = _engaged(org, weeks=4, budget=int(WEEK * 5), start=next_monday(1))
    r = client_for(lead).patch(url(org, "pods_api:assignment-detail", pk=a.pk), {"allocation_percent": 100},
                               format="json")
    assert r.status_code == 400 and error_fields(r) == {"budget"}, r.content
    assert Assignment.objects.for_org(org).get(pk=a.pk).allocation_percent == 50


def test_ending_early_voids_the_rest_at_once_and_the_worker_posts_what_ran(org):
    lead, pod, req, a = _engaged(org, weeks=6)
    end = req.start_date + datetime.timedelta(days=13)  # two weeks
    assignment_end(organization=org, actor=lead.user, assignment=a, end_date=end)
    assert _reserved(org, pod) == WEEK * 2  # voided now, not when the worker next runs
    suggestions_recompute(organization=org, today=end + datetime.timedelta(days=1))
    assert _reserved(org, pod) == 0
    posted = LedgerEntry.objects.for_org(org).filter(kind=LedgerKind.POST)
    assert sum(p.amount for p in posted) == WEEK * 2
    assert sum(v.amount for v in LedgerEntry.objects.for_org(org).filter(kind=LedgerKind.VOID)) == WEEK * 4


def test_moving_the_dates_moves_the_hold_between_quarters(org):
    lead, pod, req, a = _engaged(org, weeks=2)
    later = a.start_date + datetime.timedelta(weeks=6)
    assignment_update(organization=org, actor=lead.user, assignment=a, start_date=later,
                      end_date=later + datetime.timedelta(days=13))
    held = {b.quarter: budget_figures(b)["committed"] for b in Budget.objects.for_org(org).filter(pod=pod)}
    expected = {q: WEEK * n for q, n in weeks_by_quarter(later, later + datetime.timedelta(days=14)).items()}
    assert {q: v for q, v in held.items() if v} == expected


def test_removing_an_engagement_that_has_not_started_voids_its_hold(org):
    lead, pod, req, a = _engaged(org, weeks=3, start=next_monday(2))
    assignment_end(organization=org, actor=lead.user, assignment=a)  # not started: removed
    assert not Assignment.objects.for_org(org).filter(pk=a.pk).exists()
    assert _reserved(org, pod) == 0
    [ev] = _resettles(org)
    assert ev.after["why"] == "the assignment was removed"


def test_an_assignment_that_is_no_engagement_changes_no_budget(org):
    lead, pod, req, a = _engaged(org, weeks=2)
    other = Assignment.objects.for_org(org).exclude(pk=a.pk).first()
    assert other is not None  # the lead's own assignment
    assignment_update(organization=org, actor=lead.user, assignment=other, allocation_percent=40)
    assert _resettles(org) == [] and _reserved(org, pod) == WEEK * 2
