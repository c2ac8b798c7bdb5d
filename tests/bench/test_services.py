"""Bench services: filing, the worker's suggestions of each kind, acting on them."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from bench import solver
from bench.models import (
    BenchStatus,
    RequestStatus,
    ScalingSuggestion,
    SuggestionKind,
    SuggestionStatus,
    TimeOff,
)
from bench.services.decisions import suggestion_accept, suggestion_dismiss
from bench.services.recompute import suggestions_recompute
from bench.services.requests import (
    staffing_request_propose,
    staffing_request_withdraw,
    staffing_requests_expire,
)
from pods.models import Assignment
from tenancy.models import AuditEvent
from tests.bench.factories import file_request, next_monday, skill, specialist
from tests.factories import AssignmentFactory, PersonFactory, PersonSkillFactory, PodFactory, pod_lead

pytestmark = pytest.mark.django_db


def _open(org, kind=SuggestionKind.ADD):
    return list(ScalingSuggestion.objects.for_org(org).filter(status=SuggestionStatus.OPEN, kind=kind))


def test_bad_input_names_the_field(org, other_org):
    pod = PodFactory(organization=org)
    ml = skill(org, "ML")
    foreign = skill(other_org, "ML")
    with pytest.raises(ValidationError) as e:
        file_request(org, pod, {foreign: 3})
    assert "skills" in e.value.message_dict
    with pytest.raises(ValidationError) as e:
        file_request(org, pod, {ml: 3}, hours=81)
    assert "hours_per_week" in e.value.message_dict
    with pytest.raises(ValidationError) as e:
        file_request(org, pod, {ml: 3}, weeks=-1)
    assert "end_date" in e.value.message_dict
    with pytest.raises(ValidationError) as e:
        file_request(org, pod, {ml: 9})
    assert "skills" in e.value.message_dict


def test_worker_suggests_a_specialist_with_a_rationale_and_the_score_replays(org):
    pod = PodFactory(organization=org)
    ml = skill(org, "Computer vision")
    alice = specialist(org, {ml: 4}, name="Alice")
    specialist(org, {ml: 1}, name="Too junior")
    req = file_request(org, pod, {ml: 3}, hours=20)
    run = suggestions_recompute(organization=org)
    [s] = _open(org)
    assert s.person_id == alice.person_id and s.request_id == req.pk
    assert any("Computer vision at level 4 (needs 3)" in line for line in s.rationale)
    assert solver.score_pair(s.inputs) == s.score  # golden: replay from the stored inputs
    assert solver.inputs_hash(s.inputs) == s.inputs_hash
    req.refresh_from_db()
    assert req.status == RequestStatus.PROPOSED and run.requests == 1


def test_over_the_cap_in_one_single_week_is_out(org):
    pod, other = PodFactory(organization=org), PodFactory(organization=org)
    ml = skill(org, "NLP")
    busy = specialist(org, {ml: 5}, name="Busy in week three", hours=40, cap=75)  # 30 h/week cap
    start = next_monday()
    AssignmentFactory(organization=org, pod=other, person=busy.person, allocation_percent=50,
                      start_date=start + datetime.timedelta(weeks=2), end_date=start + datetime.timedelta(weeks=2, days=2))
    file_request(org, pod, {ml: 3}, hours=20, start=start, weeks=4)  # 20 + 20 > 30 in week 3 only
    suggestions_recompute(organization=org)
    assert _open(org) == []
    file_request(org, pod, {ml: 3}, hours=10, start=start, weeks=4, title="Smaller")  # 10 + 20 = 30: fits
    suggestions_recompute(organization=org)
    assert [s.person_id for s in _open(org)] == [busy.person_id]


def test_time_off_in_the_window_is_out(org):
    pod = PodFactory(organization=org)
    ml = skill(org, "NLP")
    away = specialist(org, {ml: 5})
    start = next_monday()
    TimeOff.objects.create(organization=org, entry=away, start_date=start + datetime.timedelta(days=8),
                           end_date=start + datetime.timedelta(days=10))
    file_request(org, pod, {ml: 3}, start=start)
    suggestions_recompute(organization=org)
    assert _open(org) == []


def test_joint_beats_one_request_at_a_time(org):
    """X is the best for the critical request, but the only one for the other; Y can do the first."""
    pod_a, pod_b = PodFactory(organization=org), PodFactory(organization=org)
    cv, nlp = skill(org, "CV"), skill(org, "NLP")
    x = specialist(org, {cv: 5, nlp: 3}, name="X", rate="50")
    y = specialist(org, {cv: 3}, name="Y", rate="50")
    critical = file_request(org, pod_a, {cv: 3}, hours=30, priority=4)
    other = file_request(org, pod_b, {nlp: 3}, hours=30, priority=2)
    run = suggestions_recompute(organization=org)
    chosen = {s.request_id: s.person_id for s in _open(org)}
    assert chosen == {critical.pk: y.person_id, other.pk: x.person_id}
    assert run.objective > run.greedy_objective
    rationale = next(s for s in _open(org) if s.request_id == critical.pk).rationale
    assert any("Chosen jointly" in line and "X" in line for line in rationale)


def test_stable_then_withdrawn_when_it_no_longer_holds(org):
    pod = PodFactory(organization=org)
    ml = skill(org, "ML")
    specialist(org, {ml: 4})
    req = file_request(org, pod, {ml: 3})
    suggestions_recompute(organization=org)
    [first] = _open(org)
    run = suggestions_recompute(organization=org)
    assert [s.pk for s in _open(org)] == [first.pk] and run.created == 0 and run.withdrawn == 0
    staffing_request_withdraw(organization=org, actor=None, request=req)
    first.refresh_from_db()
    assert first.status == SuggestionStatus.WITHDRAWN


def test_a_better_candidate_replaces_but_a_small_change_does_not(org):
    pod = PodFactory(organization=org)
    ml = skill(org, "ML")
    a = specialist(org, {ml: 3}, rate="100")
    file_request(org, pod, {ml: 3})
    suggestions_recompute(organization=org)
    [s] = _open(org)
    assert s.person_id == a.person_id
    specialist(org, {ml: 3}, rate="99")  # a hair cheaper: within the tolerance
    suggestions_recompute(organization=org)
    assert [x.pk for x in _open(org)] == [s.pk]
    b = specialist(org, {ml: 5}, rate="10")  # clearly better
    suggestions_recompute(organization=org)
    assert [x.person_id for x in _open(org)] == [b.person_id]


def test_dismissed_is_not_proposed_again_unless_inputs_change(org):
    pod = PodFactory(organization=org)
    ml = skill(org, "ML")
    e = specialist(org, {ml: 4})
    file_request(org, pod, {ml: 3})
    suggestions_recompute(organization=org)
    [s] = _open(org)
    with pytest.raises(ValidationError) as err:
        suggestion_dismiss(organization=org, actor=None, suggestion=s, reason=" ")
    assert "reason" in err.value.message_dict
    suggestion_dismiss(organization=org, actor=None, suggestion=s, reason="Not this quarter")
    suggestions_recompute(organization=org)
    assert _open(org) == []
    e.person.skills.filter(skill=ml).update(level=5)  # the inputs change
    suggestions_recompute(organization=org)
    assert [x.person_id for x in _open(org)] == [e.person_id]


def test_accept_creates_the_assignment_through_pods_and_audits(org):
    lead, _p, pod = pod_lead(org)
    ml = skill(org, "ML")
    e = specialist(org, {ml: 4}, hours=40)
    req = file_request(org, pod, {ml: 3}, hours=20, weeks=6)
    suggestions_recompute(organization=org)
    [s] = _open(org)
    suggestion_accept(organization=org, actor=lead.user, suggestion=s)
    req.refresh_from_db()
    a = Assignment.objects.for_org(org).get(pod=pod, person=e.person)
    assert (a.allocation_percent, a.start_date, a.end_date) == (
        50, req.start_date, req.end_date - datetime.timedelta(days=1))
    assert req.status == RequestStatus.ACCEPTED and req.assignment_id == a.pk and req.filled_at
    actions = set(AuditEvent.objects.for_org(org).values_list("action", flat=True))
    assert {"assignment.created", "staffing_request.filled", "scaling_suggestion.accepted"} <= actions
    with pytest.raises(ValidationError):
        suggestion_accept(organization=org, actor=lead.user, suggestion=s)


def test_accept_rechecks_capacity(org):
    pod_a, pod_b = PodFactory(organization=org), PodFactory(organization=org)
    ml = skill(org, "ML")
    e = specialist(org, {ml: 4}, hours=40)
    r1 = file_request(org, pod_a, {ml: 3}, hours=30)
    lead_person = PersonFactory(organization=org)
    staffing_request_propose(organization=org, actor=None, request=r1, person=e.person)
    r2 = file_request(org, pod_b, {ml: 3}, hours=30)
    s2 = staffing_request_propose(organization=org, actor=None, request=r2, person=e.person)
    s1 = ScalingSuggestion.objects.for_org(org).get(request=r1)
    suggestion_accept(organization=org, actor=None, suggestion=s1)
    with pytest.raises(ValidationError) as err:
        suggestion_accept(organization=org, actor=None, suggestion=s2)
    assert "person" in err.value.message_dict
    assert Assignment.objects.for_org(org).filter(person=e.person).count() == 1
    assert lead_person.pk


def test_a_lead_can_propose_someone_from_another_pod_with_spare_time(org):
    pod, home = PodFactory(organization=org), PodFactory(organization=org)
    ml = skill(org, "ML")
    person = PersonFactory(organization=org)
    PersonSkillFactory(organization=org, person=person, skill=ml, level=4)
    AssignmentFactory(organization=org, pod=home, person=person, allocation_percent=50)
    req = file_request(org, pod, {ml: 3}, hours=20)
    s = staffing_request_propose(organization=org, actor=None, request=req, person=person)
    assert s.manual and s.score == solver.score_pair(s.inputs)
    full = PersonFactory(organization=org)
    PersonSkillFactory(organization=org, person=full, skill=ml, level=4)
    AssignmentFactory(organization=org, pod=home, person=full, allocation_percent=100)
    with pytest.raises(ValidationError) as err:
        staffing_request_propose(organization=org, actor=None, request=req, person=full)
    assert "over the cap" in str(err.value)


def test_release_when_the_assignment_ends_soon_and_accepting_returns_to_bench(org):
    pod = PodFactory(organization=org)
    e = specialist(org, {})
    e.status = BenchStatus.ENGAGED
    e.save()
    today = timezone.localdate()
    a = AssignmentFactory(organization=org, pod=pod, person=e.person, end_date=today + datetime.timedelta(days=10))
    AssignmentFactory(organization=org, pod=pod, end_date=today + datetime.timedelta(days=10))  # not on the bench
    suggestions_recompute(organization=org)
    [s] = _open(org, SuggestionKind.RELEASE)
    assert s.assignment_id == a.pk and "ends on" in s.rationale[0]
    suggestion_accept(organization=org, actor=None, suggestion=s)
    e.refresh_from_db()
    assert e.status == BenchStatus.AVAILABLE


def test_release_when_the_pod_is_paused(org):
    pod = PodFactory(organization=org, status="paused")
    e = specialist(org, {})
    AssignmentFactory(organization=org, pod=pod, person=e.person)
    suggestions_recompute(organization=org)
    [s] = _open(org, SuggestionKind.RELEASE)
    suggestion_accept(organization=org, actor=None, suggestion=s)
    assert Assignment.objects.for_org(org).get(person=e.person).end_date == timezone.localdate()


def test_no_opposite_suggestion_within_the_stabilisation_window(org):
    pod = PodFactory(organization=org, status="paused")
    ml = skill(org, "ML")
    e = specialist(org, {ml: 4}, hours=40)
    req = file_request(org, pod, {ml: 3}, hours=20)
    s = staffing_request_propose(organization=org, actor=None, request=req, person=e.person)
    suggestion_accept(organization=org, actor=None, suggestion=s)
    AssignmentFactory(organization=org, pod=pod, person=e.person, start_date=timezone.localdate() - datetime.timedelta(days=3),
                      end_date=timezone.localdate())
    suggestions_recompute(organization=org)
    assert _open(org, SuggestionKind.RELEASE) == []  # the add was a moment ago


def test_rebalance_over_the_cap_across_pods(org):
    p1, p2 = PodFactory(organization=org), PodFactory(organization=org)
    person = PersonFactory(organization=org)
    AssignmentFactory(organization=org, pod=p1, person=person, allocation_percent=80)
    newest = AssignmentFactory(organization=org, pod=p2, person=person, allocation_percent=40,
                               start_date=timezone.localdate() - datetime.timedelta(days=2))
    suggestions_recompute(organization=org)
    [s] = [x for x in _open(org, SuggestionKind.REBALANCE) if x.subject.startswith("person:")]
    assert s.changes == [{"op": "set_allocation", "assignment": newest.pk, "allocation_percent": 20}]
    suggestion_accept(organization=org, actor=None, suggestion=s)
    newest.refresh_from_db()
    assert newest.allocation_percent == 20


def test_rebalance_cites_two_pods_competing_for_a_scarce_skill(org):
    pod_a, pod_b = PodFactory(organization=org), PodFactory(organization=org)
    rare = skill(org, "Causal inference")
    specialist(org, {rare: 4}, hours=40)
    r1 = file_request(org, pod_a, {rare: 3}, hours=30, priority=3)
    r2 = file_request(org, pod_b, {rare: 3}, hours=30)
    run = suggestions_recompute(organization=org)
    [s] = [x for x in _open(org, SuggestionKind.REBALANCE) if x.subject.startswith("skill:")]
    assert {s.request_id, s.other_request_id} == {r1.pk, r2.pk}
    assert run.unmatched and run.unmatched[0]["request"] == r2.pk


def test_requests_past_start_expire(org):
    pod = PodFactory(organization=org)
    ml = skill(org, "ML")
    req = file_request(org, pod, {ml: 3})
    assert staffing_requests_expire(organization=org, today=req.start_date + datetime.timedelta(days=1)) == 1
    req.refresh_from_db()
    assert req.status == RequestStatus.EXPIRED
