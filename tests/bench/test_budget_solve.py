"""The pod's services budget is a constraint of the joint solve: no suggestion would be refused for
budget on acceptance, alone or together with the pod's other suggestions; the solver picks within
budget (a cheaper candidate, or the more valuable of two requests), and the rationale still states
the cost against the budget."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from bench.models import ScalingSuggestion, SuggestionKind, SuggestionStatus
from bench.selectors import bench_measures
from bench.services.budget import weeks_by_quarter
from bench.services.decisions import suggestion_accept
from bench.services.recompute import suggestions_recompute
from bench.services.requests import staffing_request_propose
from resources import services as resources_services
from resources.models import LedgerEntry, LedgerKind
from tests.api.helpers import client_for, error_fields, url
from tests.bench.factories import file_request, skill, specialist
from tests.factories import member, pod_lead

pytestmark = pytest.mark.django_db
WEEK_AT_90 = 1800  # 20 h at 90/h


def _open_adds(org):
    return list(ScalingSuggestion.objects.for_org(org).filter(kind=SuggestionKind.ADD, status=SuggestionStatus.OPEN)
                .order_by("id"))


def _budget(org, pod, req, amount, allow_overrun=False):
    for q in weeks_by_quarter(req.start_date, req.end_date):
        resources_services.budget_set(organization=org, actor=None, pod=pod, quarter=q, category="services",
                                      amount=amount, allow_overrun=allow_overrun)


def test_the_solver_picks_the_candidate_the_budget_can_pay(org):
    _l, _p, pod = pod_lead(org)
    ml = skill(org, "ML")
    specialist(org, {ml: 5}, rate="150.00", name="Dear")
    cheap = specialist(org, {ml: 3}, rate="40.00", name="Cheap")
    req = file_request(org, pod, {ml: 3}, hours=20, weeks=1, start=None)
    suggestions_recompute(organization=org)
    [s] = _open_adds(org)
    assert s.person.full_name == "Dear"  # the better fit while money is no object
    _budget(org, pod, req, 1000)  # Dear costs 3,000 for the week, Cheap 800
    suggestions_recompute(organization=org)
    [s] = _open_adds(org)
    assert s.person_id == cheap.person_id
    assert any(line.startswith("Within the pod's services budget: ") and "800 of 1,000 left" in line
               for line in s.rationale)


def test_together_the_pods_suggestions_fit_its_budget_and_all_can_be_accepted(org):
    """Each of three requests fits the budget alone, two together do not: the joint solve suggests
    only what the budget holds together, and accepting every suggestion is never refused."""
    lead, _p, pod = pod_lead(org)
    a, b, c = skill(org, "A"), skill(org, "B"), skill(org, "C")
    for name in ("P1", "P2", "P3"):
        specialist(org, {a: 4, b: 4, c: 4}, rate="90.00", name=name)
    reqs = [file_request(org, pod, {sk: 3}, hours=20, weeks=2, priority=p, title=t)
            for sk, p, t in ((a, 4, "Urgent"), (b, 2, "Normal"), (c, 1, "Low"))]
    _budget(org, pod, reqs[0], 2 * WEEK_AT_90 * 2 - 1)  # room for one 2-week engagement, not two
    suggestions_recompute(organization=org)
    [s] = _open_adds(org)
    assert s.request_id == reqs[0].pk  # the one worth most
    assert not any("refused" in line for line in s.rationale)
    suggestion_accept(organization=org, actor=lead.user, suggestion=s)
    assert LedgerEntry.objects.for_org(org).filter(kind=LedgerKind.HOLD).exists()
    suggestions_recompute(organization=org)
    assert _open_adds(org) == []  # the rest of the budget pays for nobody else


@pytest.mark.parametrize("amount", [0, 1, 1800, 3599, 3600, 7200, 10_000, 100_000])
def test_no_suggestion_says_its_acceptance_would_be_refused_and_none_is(org, amount):
    lead, _p, pod = pod_lead(org)
    skills = [skill(org, n) for n in ("A", "B", "C")]
    for i, rate in enumerate(("30.00", "90.00", "120.00", "60.00")):
        specialist(org, dict.fromkeys(skills, 4), rate=rate, name=f"S{i}")
    reqs = [file_request(org, pod, {sk: 3}, hours=h, weeks=w, title=f"R{i}")
            for i, (sk, h, w) in enumerate(zip(skills, (10, 20, 30), (1, 2, 3), strict=True))]
    for r in reqs:
        _budget(org, pod, r, amount)
    suggestions_recompute(organization=org)
    suggestions = _open_adds(org)
    for s in suggestions:
        assert not any("refused" in line or "Over the pod" in line for line in s.rationale), s.rationale
        assert any("services budget" in line for line in s.rationale)
    for s in suggestions:  # every one of them, one after another: none is refused for budget
        suggestion_accept(organization=org, actor=lead.user, suggestion=s)
    if amount >= 100_000:
        assert len(suggestions) == 3


def test_overrun_allowed_does_not_limit_the_suggestions(org):
    _l, _p, pod = pod_lead(org)
    ml = skill(org, "ML")
    specialist(org, {ml: 4}, rate="90.00")
    req = file_request(org, pod, {ml: 3}, hours=20, weeks=2)
    _budget(org, pod, req, 10, allow_overrun=True)
    suggestions_recompute(organization=org)
    assert len(_open_adds(org)) == 1


def test_requests_lost_to_the_budget_are_not_skill_gaps(org, client):
    lead, _p, pod = pod_lead(org)
    ml = skill(org, "ML")
    specialist(org, {ml: 4}, rate="90.00")
    req = file_request(org, pod, {ml: 3}, hours=20, weeks=2, title="Too dear")
    _budget(org, pod, req, 10)
    suggestions_recompute(organization=org)
    m = bench_measures(organization=org)
    assert m["skill_gaps"] == [] and [u["request"] for u in m["unmatched"]] == [req.pk]
    client.force_login(member(org, "admin").user)
    page = client.get(f"/o/{org.slug}/bench/measures/").content.decode()
    assert "all over the pod" in page


def test_a_lead_cannot_propose_by_hand_someone_the_budget_would_refuse(org):
    lead, _p, pod = pod_lead(org)
    ml = skill(org, "ML")
    e = specialist(org, {ml: 4}, rate="90.00")
    req = file_request(org, pod, {ml: 3}, hours=20, weeks=2)
    _budget(org, pod, req, 10)
    r = client_for(lead).post(url(org, "bench_api:staffing-request-propose", pk=req.pk), {"person": e.person_id},
                              format="json")
    assert r.status_code == 400 and error_fields(r) == {"budget"}, r.content
    assert "Over the pod's services budget" in r.content.decode()
    assert not ScalingSuggestion.objects.for_org(org).exists()
    with pytest.raises(ValidationError, match="services budget"):
        staffing_request_propose(organization=org, actor=lead.user, request=req, person=e.person)
