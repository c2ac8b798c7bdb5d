"""The events the later apps emit through the one event model: compute admissions and preemptions,
accepted staffing, outcomes gone stale (announced once per stale spell); each delivered signed as
the Standard Webhooks reference library verifies."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from bench.models import ScalingSuggestion, SuggestionKind, SuggestionStatus
from bench.services.decisions import suggestion_accept
from bench.services.recompute import suggestions_recompute
from integrations import services as integrations
from integrations.models import WebhookEvent
from resources import services as compute
from resources.models import AllocationState
from strategy import services as strategy
from strategy.models import Cadence
from strategy.tasks import outcomes_stale_announce_all
from tests.bench.factories import file_request, skill, specialist
from tests.factories import OrganizationFactory, PodFactory, member, pod_lead
from tests.strategy.factories import outcome, theme

pytestmark = pytest.mark.django_db


def _events(org, type):
    return list(WebhookEvent.objects.for_org(org).filter(type=type).order_by("timestamp", "id"))


def test_admission_and_preemption_are_announced_and_verify(org, receiver, allow_local,
                                                          django_capture_on_commit_callbacks):
    admin = member(org, "admin").user
    ep = integrations.endpoint_create(organization=org, actor=admin, url=receiver.url,
                                      event_types=["allocation.admitted", "allocation.preempted"])
    a, b = PodFactory(organization=org), PodFactory(organization=org)
    pool = compute.pool_create(organization=org, actor=admin, name="H100", capacity=8)
    compute.quota_set(organization=org, actor=admin, pool=pool, pod=a, nominal=4, reclaim="any")
    compute.quota_set(organization=org, actor=admin, pool=pool, pod=b, nominal=4)
    begun = timezone.now().replace(minute=0, second=0, microsecond=0) - dt.timedelta(hours=1)

    def ask(pod, amount):
        return compute.allocation_request(organization=org, actor=admin, pod=pod, pool=pool, amount=amount,
                                          start=begun, end=begun + dt.timedelta(hours=6))

    with django_capture_on_commit_callbacks(execute=True):
        ask(b, 4)
        borrowed = ask(b, 4)  # B borrows all of A's nominal
        mine = ask(a, 2)  # A reclaims: B's borrowing is preempted
    borrowed.refresh_from_db()
    assert borrowed.state == AllocationState.PREEMPTED
    [preempted] = _events(org, "allocation.preempted")
    assert preempted.data["id"] == borrowed.pk and preempted.data["preempted_by_id"] == mine.pk
    assert preempted.data["pod_id"] == b.pk and preempted.data["pool_id"] == pool.pk
    assert {e.data["id"] for e in _events(org, "allocation.admitted")} >= {mine.pk}
    bodies = [Webhook(ep.secret).verify(got.body, got.headers) for got in receiver.received]
    assert {p["type"] for p in bodies} == {"allocation.admitted", "allocation.preempted"}
    assert all(p["data"]["pool_id"] == pool.pk for p in bodies)


def test_accepting_a_staffing_suggestion_is_announced(org, django_capture_on_commit_callbacks):
    lead, _p, pod = pod_lead(org)
    ml = skill(org, "ML")
    e = specialist(org, {ml: 4}, hours=40)
    req = file_request(org, pod, {ml: 3}, hours=20, weeks=4)
    suggestions_recompute(organization=org)
    [s] = ScalingSuggestion.objects.for_org(org).filter(kind=SuggestionKind.ADD, status=SuggestionStatus.OPEN)
    assert _events(org, "staffing.accepted") == []
    suggestion_accept(organization=org, actor=lead.user, suggestion=s)
    [event] = _events(org, "staffing.accepted")
    assert event.data["id"] == req.pk and event.data["person_id"] == e.person.pk
    assert event.data["pod_id"] == pod.pk and event.data["assignment_id"]


def _started_a_month_ago(org):
    today = dt.date.today()
    return outcome(org, theme(org), cadence_days=Cadence.WEEKLY, start_date=today - dt.timedelta(days=30),
                   due_date=today + dt.timedelta(days=30))


def test_a_stale_outcome_is_announced_once_per_stale_spell(org):
    other = OrganizationFactory()
    o = _started_a_month_ago(org)  # a week's cadence ran out long ago without a reading
    _started_a_month_ago(other)
    fresh = outcome(org, theme(org, title="Fresh"), cadence_days=Cadence.WEEKLY)  # started today
    assert strategy.outcomes_stale_announce(organization=org) == 1
    assert strategy.outcomes_stale_announce(organization=org) == 0  # not twice
    [event] = _events(org, "outcome.stale")
    assert event.data["id"] == o.pk and event.data["theme_id"] == o.theme_id and event.data["pod_id"] == o.pod_id
    assert fresh.pk != event.data["id"]
    assert _events(other, "outcome.stale") == []  # each organization's own outcomes only
    strategy.measurement_record(organization=org, actor=None, outcome=o, value=72.0)
    now = timezone.now()
    assert strategy.outcomes_stale_announce(organization=org, now=now + dt.timedelta(days=1)) == 0
    # A week later both have gone stale: the first for a second spell, the fresh one for its first.
    assert strategy.outcomes_stale_announce(organization=org, now=now + dt.timedelta(days=9)) == 2
    assert len(_events(org, "outcome.stale")) == 3


def test_the_hourly_task_covers_every_organization(org):
    _started_a_month_ago(org)
    assert outcomes_stale_announce_all() >= 1
    assert outcomes_stale_announce_all() == 0


def test_triaging_a_signal_group_is_announced_once_for_the_group(org):
    from strategy.services import signals as signal_services
    from tests.strategy.test_signals import pod_member, raise_

    leader = member(org, "leader")
    (m1, p1), (m2, p2) = pod_member(org), pod_member(org)
    a = raise_(org, m1, p1, "Data retention rules change in March")
    b = raise_(org, m2, p2, "Data retention rules change in March 2027")
    assert b.group_id == a.pk
    signal_services.signal_triage(organization=org, actor=leader.user, signal=b, triaged_by=leader,
                                  status="parked", reason="Legal reviews it in Q3")
    [event] = _events(org, "signal.triaged")
    assert event.data["id"] == a.pk and event.data["status"] == "parked"
    assert event.data["reason"] == "Legal reviews it in Q3" and sorted(event.data["signal_ids"]) == [a.pk, b.pk]


def test_governance_and_knowledge_services_announce_their_events(org, receiver, allow_local,
                                                                  django_capture_on_commit_callbacks):
    """Every event type of the first apps, emitted by the service that makes it happen (not by a
    direct emit), delivered signed, and verified by the reference library."""
    from governance.services.escalations import escalation_decide
    from governance.services.guardrails import deployment_metrics_push, deployment_submit
    from governance.services.matrix import governance_seed_defaults
    from knowledge import services as knowledge
    from tests.governance.helpers import file, rtier

    governance_seed_defaults(organization=org)
    admin, leader = member(org, "admin").user, member(org, "leader").user
    lead = pod_lead(org)
    ep = integrations.endpoint_create(organization=org, actor=admin, url=receiver.url)
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        esc = file(org, lead, title="Onboard a vendor")
    with django_capture_on_commit_callbacks(execute=True):
        escalation_decide(organization=org, actor=leader, escalation=esc, outcome="approved")
    with django_capture_on_commit_callbacks(execute=True):
        review = deployment_submit(organization=org, actor=lead[0].user, pod=lead[2], model_name="churn",
                                   version="1", risk_tier=rtier(org, "low"),
                                   results={"performance": 0.9, "security": 0.9})
    with django_capture_on_commit_callbacks(execute=True):
        deployment_metrics_push(organization=org, actor=lead[0].user, review=review, metrics={"performance": 0.1})
    with django_capture_on_commit_callbacks(execute=True):
        incident = knowledge.incident_create(organization=org, actor=admin, title="Feature store down",
                                             system="features", started_at=now, detected_at=now)
    with django_capture_on_commit_callbacks(execute=True):
        guild = knowledge.guild_create(organization=org, actor=admin, name="ML guild")
        knowledge.lesson_create(organization=org, actor=admin, guild=guild, title="Cache features",
                                body="Because.")
    bodies = [Webhook(ep.secret).verify(got.body, got.headers) for got in receiver.received]
    by_type = {b["type"]: b["data"] for b in bodies}
    assert {"escalation.filed", "escalation.decided", "deployment.gated", "exception.raised",
            "incident.opened", "lesson.published"} <= set(by_type)
    assert by_type["escalation.filed"]["id"] == esc.pk and by_type["escalation.decided"]["id"] == esc.pk
    assert by_type["deployment.gated"]["id"] == review.pk and by_type["incident.opened"]["id"] == incident.pk
