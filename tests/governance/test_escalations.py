from __future__ import annotations

import datetime
import threading
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from governance import selectors
from governance.models import Escalation, EscalationEvent, EscalationStatus
from governance.services import escalations as services
from governance.services.escalations import cycle_time_recompute
from pods.health_selectors import pod_health_attach
from pods.selectors import pod_list
from tenancy.models import Notification
from tenancy.permissions import can
from tests.factories import member, pod_lead
from tests.governance.helpers import file

pytestmark = pytest.mark.django_db


def test_tier_one_is_logged_as_decided_by_the_pod(gorg, lead):
    esc = file(gorg, lead, "select_model", "low", title="Use model X")
    assert esc.self_decided and esc.status == EscalationStatus.DECIDED and esc.outcome == "approved"
    assert esc.routed_tier == 1 and esc.matrix_version.number == 1 and esc.due_at is None
    assert not esc.approvers.exists()


def test_tier_three_is_routed_to_leaders_with_sla_and_email(gorg, lead, leader):
    mail.outbox.clear()
    with pytest.MonkeyPatch.context():
        esc = file(gorg, lead, "onboard_vendor", "high")
    assert esc.status == EscalationStatus.OPEN and esc.current_tier.level == 3
    assert list(esc.approvers.all()) == [leader]
    assert (esc.due_at - esc.filed_at) == datetime.timedelta(hours=72)
    assert Notification.objects.for_org(gorg).filter(user=leader.user).count() == 1
    kinds = list(EscalationEvent.objects.for_org(gorg).filter(escalation=esc).values_list("kind", flat=True))
    assert kinds == ["filed", "routed"]


def test_banded_spend_routes_by_amount(gorg, lead, leader):
    assert file(gorg, lead, "compute_spend", "low", amount=Decimal("9999.99")).self_decided
    esc = file(gorg, lead, "compute_spend", "low", amount=Decimal("10000"))
    assert esc.current_tier.level == 3 and not esc.self_decided
    with pytest.raises(ValidationError):
        file(gorg, lead, "compute_spend", "low", amount=None)


def test_not_allowed_is_refused(gorg, lead):
    with pytest.raises(ValidationError) as err:
        file(gorg, lead, "select_model", "unacceptable")
    assert "Not allowed" in str(err.value)


def test_permissions(gorg, lead, leader, admin):
    lead_m, _p, pod = lead
    other_lead, _, other_pod = pod_lead(gorg)
    plain = member(gorg, "member")
    assert can(lead_m, "governance.file_escalation", pod)
    assert not can(lead_m, "governance.file_escalation", other_pod)
    assert not can(leader, "governance.file_escalation", pod)
    assert not can(plain, "governance.file_escalation")
    esc = file(gorg, lead)
    assert can(leader, "governance.decide_escalation", esc)  # routed
    assert can(admin, "governance.decide_escalation", esc)
    assert not can(lead_m, "governance.decide_escalation", esc)
    assert not can(other_lead, "governance.view_escalation", esc)
    assert can(lead_m, "governance.view_escalation", esc) and can(leader, "governance.view_escalation", esc)
    assert not can(plain, "governance.view_escalation", esc)
    assert can(admin, "governance.edit_matrix") and not can(leader, "governance.edit_matrix")


def test_workflow_with_needs_info_clock(gorg, lead, leader, time_machine, django_capture_on_commit_callbacks):
    start = timezone.now()
    time_machine.move_to(start, tick=False)
    esc = file(gorg, lead)
    due = esc.due_at
    time_machine.move_to(start + datetime.timedelta(hours=2), tick=False)
    services.escalation_comment(organization=gorg, actor=leader.user, escalation=esc, body="Looking")
    esc.refresh_from_db()
    assert esc.status == EscalationStatus.IN_REVIEW
    services.escalation_decide(organization=gorg, actor=leader.user, escalation=esc, outcome="needs_info",
                               note="Which vendor contract?")
    esc.refresh_from_db()
    assert esc.status == EscalationStatus.NEEDS_INFO
    time_machine.move_to(start + datetime.timedelta(hours=7), tick=False)
    services.escalation_provide_info(organization=gorg, actor=lead[0].user, escalation=esc, body="Contract B")
    esc.refresh_from_db()
    assert esc.pod_wait_seconds == 5 * 3600 and esc.due_at == due + datetime.timedelta(hours=5)
    time_machine.move_to(start + datetime.timedelta(hours=10), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.escalation_decide(organization=gorg, actor=leader.user, escalation=esc, outcome="approved")
    esc.refresh_from_db()
    assert esc.status == EscalationStatus.DECIDED and esc.cycle_seconds == 10 * 3600
    assert esc.approver_wait_seconds == 5 * 3600
    with pytest.raises(ValidationError):
        services.escalation_decide(organization=gorg, actor=leader.user, escalation=esc, outcome="rejected")
    services.escalation_close(organization=gorg, actor=lead[0].user, escalation=esc)
    esc.refresh_from_db()
    assert esc.status == EscalationStatus.CLOSED
    snap = selectors.cycle_time_snapshot(organization=gorg)  # recomputed on commit of the decision
    assert snap is not None and snap.data["overall"]["n"] == 1
    assert snap.data["overall"]["median_h"] == 10.0 and snap.data["overall"]["approver_median_h"] == 5.0


def test_sla_breach_escalates_to_next_tier_and_notifies(gorg, lead, leader, owner, time_machine,
                                                       django_capture_on_commit_callbacks):
    start = timezone.now()
    time_machine.move_to(start, tick=False)
    esc = file(gorg, lead)  # tier 3, 72 h
    assert services.escalations_check_sla(organization=gorg) == 0
    mail.outbox.clear()
    time_machine.move_to(start + datetime.timedelta(hours=73), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.escalations_check_sla(organization=gorg) == 1
    esc.refresh_from_db()
    assert esc.current_tier.level == 4 and esc.breach_count == 1 and not esc.breached
    assert list(esc.approvers.all()) == [owner]
    assert esc.due_at == timezone.now() + datetime.timedelta(hours=120)
    kinds = set(Notification.objects.for_org(gorg).filter(kind__startswith="governance.escalation_")
                .values_list("kind", "user_id"))
    assert ("governance.escalation_escalated", owner.user_id) in kinds
    assert ("governance.escalation_breached", leader.user_id) in kinds
    assert ("governance.escalation_breached", lead[0].user_id) in kinds
    assert len(mail.outbox) >= 3
    assert services.escalations_check_sla(organization=gorg) == 0  # idempotent
    # Top tier: breached once, flagged, not escalated further.
    time_machine.move_to(start + datetime.timedelta(hours=73 + 121), tick=False)
    assert services.escalations_check_sla(organization=gorg) == 1
    esc.refresh_from_db()
    assert esc.breached and esc.breach_count == 2 and esc.current_tier.level == 4
    assert services.escalations_check_sla(organization=gorg) == 0


def test_needs_info_is_not_on_the_approver_clock(gorg, lead, leader, time_machine):
    start = timezone.now()
    time_machine.move_to(start, tick=False)
    esc = file(gorg, lead)
    services.escalation_decide(organization=gorg, actor=leader.user, escalation=esc, outcome="needs_info",
                               note="more")
    time_machine.move_to(start + datetime.timedelta(hours=100), tick=False)
    assert services.escalations_check_sla(organization=gorg) == 0


def test_pod_health_warns_on_overdue_escalations(gorg, lead, leader, django_assert_max_num_queries, time_machine):
    start = timezone.now()
    time_machine.move_to(start, tick=False)
    file(gorg, lead)
    _, _, pod = lead
    today = timezone.localdate()
    pods = pod_health_attach(gorg, pod_list(organization=gorg, today=today), today)
    assert not any(r.check == "escalations" for r in pods[0].health.reasons)
    time_machine.move_to(start + datetime.timedelta(hours=80), tick=False)
    for _ in range(3):
        pod_lead(gorg)
    with django_assert_max_num_queries(3):  # pods, their figures, governance's one check
        pods = pod_health_attach(gorg, pod_list(organization=gorg, today=today), today)
    assert len(pods) == 4
    mine = next(p for p in pods if p.pk == pod.pk)
    assert any(r.check == "escalations" and r.level == "warn" for r in mine.health.reasons)


@pytest.mark.django_db(transaction=True)
def test_concurrent_decisions_exactly_one_wins(org):
    from governance.services.matrix import governance_seed_defaults

    governance_seed_defaults(organization=org)
    lead = pod_lead(org)
    a, b = member(org, "leader"), member(org, "admin")
    esc = file(org, lead)
    results: list[str] = []
    barrier = threading.Barrier(2)

    def decide(m, outcome):
        try:
            barrier.wait()
            services.escalation_decide(organization=org, actor=m.user, escalation=esc, outcome=outcome)
            results.append("ok")
        except ValidationError:
            results.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=(a, "approved")),
               threading.Thread(target=decide, args=(b, "rejected"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["ok", "refused"]
    esc = Escalation.objects.for_org(org).get(pk=esc.pk)
    assert esc.status == EscalationStatus.DECIDED
    assert EscalationEvent.objects.for_org(org).filter(escalation=esc, kind="decided").count() == 1


def test_cycle_time_groups(gorg, lead, leader, time_machine):
    start = timezone.now()
    for hours in (2, 4, 6, 8, 100):
        time_machine.move_to(start, tick=False)
        esc = file(gorg, lead)
        time_machine.move_to(start + datetime.timedelta(hours=hours), tick=False)
        services.escalation_decide(organization=gorg, actor=leader.user, escalation=esc, outcome="approved")
    file(gorg, lead, "select_model", "low")  # self-decided: not counted
    data = cycle_time_recompute(organization=gorg).data
    assert data["overall"]["n"] == 5 and data["overall"]["median_h"] == 6.0 and data["overall"]["p90_h"] == 100.0
    assert data["by_tier"][0]["label"].startswith("Tier 3")
    assert data["by_type"][0]["label"] == "Onboard a vendor"
    assert data["by_approver"][0]["n"] == 5
    assert sum(m["n"] for m in data["by_month"]) == 5


def test_tier_two_informs_the_guilds_of_the_pods_people(gorg, lead):
    from knowledge import services as knowledge_services
    from tests.factories import AssignmentFactory, PersonFactory

    lead_membership, _, pod = lead
    colleague = member(gorg)
    AssignmentFactory(organization=gorg, pod=pod,
                      person=PersonFactory(organization=gorg, user=colleague.user))
    steward, outsider = member(gorg, "leader"), member(gorg)
    guild = knowledge_services.guild_create(organization=gorg, actor=steward.user, name="MLOps")
    knowledge_services.guild_join(organization=gorg, actor=colleague.user, guild=guild)
    other = knowledge_services.guild_create(organization=gorg, actor=outsider.user, name="Unrelated")

    esc = file(gorg, lead, "select_model", "medium", title="Switch to model Y")
    assert esc.self_decided and esc.routed_tier == 2
    told = set(Notification.objects.for_org(gorg).filter(kind="knowledge.pod_decision")
               .values_list("user_id", flat=True))
    assert told == {steward.user_id, colleague.user_id}
    assert other.pk and outsider.user_id not in told

    file(gorg, lead, "select_model", "low", title="Tier one stays quiet")
    assert Notification.objects.for_org(gorg).filter(kind="knowledge.pod_decision").count() == 2
