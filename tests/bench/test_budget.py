"""Accepting an `add` holds the engagement's cost on the pod's services budget (one hold per quarter it
spans); a budget without room refuses the acceptance with a 400 naming `budget` and writes nothing."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from bench.models import RequestStatus, ScalingSuggestion, SuggestionKind, SuggestionStatus
from bench.services.budget import weeks_by_quarter
from bench.services.decisions import suggestion_accept
from bench.services.recompute import suggestions_recompute
from pods.models import Assignment
from pods.services import assignment_end
from resources import services as resources_services
from resources.budget_selectors import budget_figures
from resources.models import Budget, LedgerEntry, LedgerKind
from tenancy.models import AuditEvent
from tests.api.helpers import client_for, error_fields, url
from tests.bench.factories import file_request, skill, specialist
from tests.factories import pod_lead

pytestmark = pytest.mark.django_db


def _staffed_request(org, *, weeks):
    lead, _p, pod = pod_lead(org)
    ml = skill(org, "ML")
    e = specialist(org, {ml: 4}, hours=40, rate="90.00")
    req = file_request(org, pod, {ml: 3}, hours=20, weeks=weeks)
    suggestions_recompute(organization=org)
    [s] = ScalingSuggestion.objects.for_org(org).filter(kind=SuggestionKind.ADD, status=SuggestionStatus.OPEN)
    return lead, pod, e, req, s


def _budgets(org, pod, req, amount):
    quarters = weeks_by_quarter(req.start_date, req.end_date)
    for q in quarters:
        resources_services.budget_set(organization=org, actor=None, pod=pod, quarter=q, category="services",
                                      amount=amount)
    return quarters


def test_accepting_holds_the_cost_on_every_quarters_services_budget(org):
    lead, pod, e, req, s = _staffed_request(org, weeks=16)  # 112 days: always two quarters or more
    quarters = _budgets(org, pod, req, 100_000)
    assert len(quarters) >= 2
    suggestion_accept(organization=org, actor=lead.user, suggestion=s)
    holds = list(LedgerEntry.objects.for_org(org).filter(kind=LedgerKind.HOLD).select_related("budget"))
    assert {h.budget.quarter: h.amount for h in holds} == {
        q: Decimal("90.00") * 20 * n for q, n in quarters.items()}  # 50 % of 40 h at 90/h a week
    assert {h.reference for h in holds} == {f"bench:staffing:{req.pk}"}
    assert {h.budget.pod_id for h in holds} == {pod.pk} and all(h.actor_id == lead.user.pk for h in holds)
    assert AuditEvent.objects.for_org(org).filter(action="ledger.hold").count() == len(quarters)


def test_a_pod_without_a_services_budget_is_staffed_without_a_hold(org):
    lead, pod, e, req, s = _staffed_request(org, weeks=4)
    suggestion_accept(organization=org, actor=lead.user, suggestion=s)
    assert Assignment.objects.for_org(org).filter(pod=pod, person=e.person).exists()
    assert not LedgerEntry.objects.for_org(org).exists()


def test_a_budget_without_room_refuses_and_writes_nothing(org):
    lead, pod, e, req, s = _staffed_request(org, weeks=4)
    _budgets(org, pod, req, 100)  # the engagement costs 1,800 a week
    audit_before = AuditEvent.objects.for_org(org).count()
    with pytest.raises(ValidationError) as err:
        suggestion_accept(organization=org, actor=lead.user, suggestion=s)
    assert set(err.value.message_dict) == {"budget"}
    assert "services budget" in err.value.message_dict["budget"][0]
    _assert_nothing_written(org, pod, e, req, s, audit_before)


def test_the_api_answers_400_naming_budget_and_writes_nothing(org):
    lead, pod, e, req, s = _staffed_request(org, weeks=4)
    _budgets(org, pod, req, 100)
    audit_before = AuditEvent.objects.for_org(org).count()
    r = client_for(lead).post(url(org, "bench_api:suggestion-accept", pk=s.pk))
    assert r.status_code == 400 and error_fields(r) == {"budget"}, r.content
    _assert_nothing_written(org, pod, e, req, s, audit_before)


def _assert_nothing_written(org, pod, e, req, s, audit_before):
    assert not Assignment.objects.for_org(org).filter(pod=pod, person=e.person).exists()
    assert not LedgerEntry.objects.for_org(org).exists()
    req.refresh_from_db()
    s.refresh_from_db()
    assert req.status in (RequestStatus.OPEN, RequestStatus.PROPOSED) and req.assignment_id is None
    assert s.status == SuggestionStatus.OPEN
    assert AuditEvent.objects.for_org(org).count() == audit_before


def _ledger(org, kind):
    return {e.budget.quarter: e.amount for e in LedgerEntry.objects.for_org(org).filter(kind=kind)
            .select_related("budget")}


def test_an_engagement_that_ran_its_course_posts_its_holds_in_full(org):
    lead, pod, e, req, s = _staffed_request(org, weeks=16)
    quarters = _budgets(org, pod, req, 100_000)
    suggestion_accept(organization=org, actor=lead.user, suggestion=s)
    held = _ledger(org, LedgerKind.HOLD)
    suggestions_recompute(organization=org, today=req.end_date - datetime.timedelta(days=1))
    assert not LedgerEntry.objects.for_org(org).exclude(kind=LedgerKind.HOLD).exists()  # still running
    suggestions_recompute(organization=org, today=req.end_date)
    assert _ledger(org, LedgerKind.POST) == held and _ledger(org, LedgerKind.VOID) == {}
    for q in quarters:
        assert budget_figures(Budget.objects.for_org(org).get(pod=pod, quarter=q))["committed"] == 0
    suggestions_recompute(organization=org, today=req.end_date + datetime.timedelta(days=7))
    assert LedgerEntry.objects.for_org(org).count() == 2 * len(quarters)  # settled once


def test_an_engagement_ended_early_posts_the_weeks_it_ran_and_frees_the_rest(org):
    lead, pod, e, req, s = _staffed_request(org, weeks=16)
    quarters = _budgets(org, pod, req, 100_000)
    suggestion_accept(organization=org, actor=lead.user, suggestion=s)
    req.refresh_from_db()
    end = req.start_date + datetime.timedelta(days=20)  # three weeks
    assignment_end(organization=org, actor=lead.user, assignment=req.assignment, end_date=end)
    suggestions_recompute(organization=org, today=end + datetime.timedelta(days=1))
    ran = weeks_by_quarter(req.start_date, end + datetime.timedelta(days=1))
    assert sum(ran.values()) == 3
    week = Decimal("1800.00")
    assert _ledger(org, LedgerKind.POST) == {q: week * n for q, n in ran.items()}
    assert _ledger(org, LedgerKind.VOID) == {q: week * (n - ran.get(q, 0)) for q, n in quarters.items()
                                             if n > ran.get(q, 0)}
    assert sum(budget_figures(b)["used"] for b in Budget.objects.for_org(org).filter(pod=pod)) == week * 3


def test_the_rationale_weighs_the_cost_against_the_pods_budget(org):
    """The budget is a constraint of the joint solve: a candidate over it is not suggested (the open
    suggestion is withdrawn); within it, the rationale states the cost against what is left."""
    lead, _p, pod = pod_lead(org)
    ml = skill(org, "ML")
    specialist(org, {ml: 4}, hours=40, rate="90.00", name="Vera")
    req = file_request(org, pod, {ml: 3}, hours=20, weeks=4)

    def line():
        suggestions_recompute(organization=org)
        [s] = ScalingSuggestion.objects.for_org(org).filter(kind=SuggestionKind.ADD, status=SuggestionStatus.OPEN)
        return s, s.rationale[-2]

    first, text = line()
    assert text == "The pod has no services budget for these quarters: no limit, nothing is held."
    quarters = _budgets(org, pod, req, 100)  # the engagement costs 1,800 a week
    run = suggestions_recompute(organization=org)
    first.refresh_from_db()
    assert first.status == SuggestionStatus.WITHDRAWN and run.withdrawn == 1
    assert not ScalingSuggestion.objects.for_org(org).filter(kind=SuggestionKind.ADD,
                                                             status=SuggestionStatus.OPEN).exists()
    [miss] = run.unmatched
    assert miss["request"] == req.pk and miss["over_budget"] == 1 and miss["candidates"] == 0
    _budgets(org, pod, req, 100_000)
    again, text = line()
    assert text.startswith("Within the pod's services budget: ") and "100,000 left" in text
    assert all(q in text for q in quarters) and again.request_id == req.pk
