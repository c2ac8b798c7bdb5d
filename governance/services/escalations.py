"""Escalations: filing (routed by the published matrix), the review workflow, SLA breaches and
the approval cycle-time snapshot."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from governance import selectors
from governance.models import (
    DecisionType,
    Escalation,
    EscalationEvent,
    EscalationStatus,
    Gate,
    Outcome,
    RiskTier,
)
from governance.search_selectors import escalation_search_entry
from governance.signals import escalation_decided
from integrations.payloads import webhook_data
from integrations.services import event_emit
from pods.models import Pod
from pods.signals import pod_decision_recorded
from tenancy.audit import audit_record, snapshot
from tenancy.cache import ESCALATION_THREADS, ESCALATIONS, GOVERNANCE, pod_scope
from tenancy.models import Organization, User
from tenancy.notifications import notify
from tenancy.outbox import enqueue
from tenancy.registry import registry
from tenancy.writes import org_write, same_org

Kind = EscalationEvent.Kind
AUDIT_FIELDS = ("status", "outcome", "current_tier", "due_at", "breached", "decided_by", "decision_note")


def _url(escalation: Escalation) -> str:
    return reverse("governance:escalation_detail",
                   kwargs={"org_slug": escalation.organization.slug, "pk": escalation.pk})


def _event(escalation: Escalation, kind: str, actor: User | None, body: str = "",
           at: datetime.datetime | None = None) -> EscalationEvent:
    return EscalationEvent.objects.create(organization_id=escalation.organization_id, escalation=escalation,
                                          kind=kind, actor=actor, body=body, created_at=at or timezone.now())


def _pod_lead_users(organization: Organization, escalation: Escalation) -> list[User]:
    return [u for u in [escalation.filed_by] if u is not None]


def _recompute_later(organization: Organization) -> None:
    # Not `governance.tasks`: that module calls these services, and must not be imported back.
    from governance.cycle_time_tasks import cycle_time_recompute_task

    org_id = organization.pk
    enqueue(cycle_time_recompute_task, org_id)


def escalation_file(*, organization: Organization, actor: User, pod: Pod, decision_type: DecisionType,
                    risk_tier: RiskTier, title: str, amount: Decimal | None = None, context: str = "",
                    options: str = "", recommendation: str = "",
                    needed_by: datetime.date | None = None) -> Escalation:
    """File for a pod; the matrix routes it. Tiers the pod decides itself are logged as decided."""
    same_org(organization, "pod", pod)
    same_org(organization, "decision_type", decision_type)
    same_org(organization, "risk_tier", risk_tier)
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": "Give the escalation a title."})
    if decision_type.has_amount and amount is None:
        raise ValidationError({"amount": f"“{decision_type}” needs an amount."})
    if not decision_type.has_amount:
        amount = None
    if amount is not None and amount < 0:
        raise ValidationError({"amount": "The amount cannot be negative."})
    routing = selectors.routing_for(organization=organization, decision_type=decision_type,
                                    risk_tier=risk_tier, amount=amount)
    if not routing.allowed:
        raise ValidationError({"risk_tier": routing.message})
    assert routing.tier is not None
    now = timezone.now()
    with org_write(organization, actor, ESCALATIONS) as w:
        esc = Escalation(organization=organization, pod=pod, filed_by=actor, decision_type=decision_type,
                         risk_tier=risk_tier, amount=amount, title=title, context=context, options=options,
                         recommendation=recommendation, needed_by=needed_by, filed_at=now,
                         matrix_version=routing.version, routed_tier=routing.tier.level,
                         current_tier=routing.tier)
        if routing.tier.needs_approval:
            esc.due_at = now + datetime.timedelta(hours=routing.tier.sla_hours)
        else:
            esc.status, esc.outcome, esc.self_decided = EscalationStatus.DECIDED, Outcome.APPROVED, True
            esc.decided_at, esc.decided_by = now, actor
            esc.decision_note = f"Decided by the pod ({routing.tier.name.lower()})."
        esc.save()
        _event(esc, Kind.FILED, actor, at=now)
        if routing.tier.needs_approval:
            esc.approvers.set(routing.approvers)
            names = ", ".join(str(m.user) for m in routing.approvers) or "nobody yet"
            _event(esc, Kind.ROUTED, None, f"Tier {routing.tier.level} ({routing.tier.name}) under matrix "
                   f"v{routing.version.number if routing.version else '?'}: {names}; "
                   f"SLA {routing.tier.sla_hours} h.", at=now)
            notify(organization=organization, users=[m.user for m in routing.approvers],
                   kind="governance.escalation_routed", title=f"Escalation to decide: {title}",
                   body=f"{pod} asks for a decision on {decision_type} ({risk_tier} risk).",
                   url=_url(esc), email=True)
        else:
            _event(esc, Kind.DECIDED, actor, esc.decision_note, at=now)
            if routing.tier.informs_guild:
                pod_decision_recorded.send(
                    sender=Escalation, organization=organization, pod=pod, actor=actor,
                    title=f"{pod} decided: {title}",
                    body=f"{decision_type} ({risk_tier} risk). {recommendation}".strip(),
                    url=_url(esc),
                )
        audit_record(organization=organization, actor=actor, action="governance.escalation_filed",
                     target=esc, after=snapshot(esc))
        event_emit(organization=organization, type="escalation.filed", data=webhook_data(esc))
        registry.search_upsert(escalation_search_entry(esc))  # the header's search, for who may see it
        w.touch(pod_scope(pod.pk))
    return esc


def _locked(organization: Organization, escalation: Escalation) -> Escalation:
    return (Escalation.objects.for_org(organization).select_for_update(of=("self",))
            .select_related("pod", "current_tier", "filed_by").get(pk=escalation.pk))


def escalation_comment(*, organization: Organization, actor: User, escalation: Escalation,
                       body: str) -> EscalationEvent:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "Write a comment."})
    with org_write(organization, actor, ESCALATION_THREADS) as w:
        esc = _locked(organization, escalation)
        event = _event(esc, Kind.COMMENT, actor, body)
        if esc.status == EscalationStatus.OPEN and actor.pk != esc.filed_by_id:
            esc.status = EscalationStatus.IN_REVIEW
            esc.save(update_fields=["status"])
            w.touch(ESCALATIONS, pod_scope(esc.pod_id))  # lists and pod health show the status
        recipients = [esc.filed_by] if actor.pk != esc.filed_by_id else [m.user for m in esc.approvers.select_related("user")]
        notify(organization=organization, users=recipients, kind="governance.escalation_comment",
               title=f"New comment on “{esc.title}”", body=body[:300], url=_url(esc))
    return event


def escalation_start_review(*, organization: Organization, actor: User, escalation: Escalation) -> Escalation:
    with org_write(organization, actor, ESCALATIONS) as w:
        esc = _locked(organization, escalation)
        if esc.status != EscalationStatus.OPEN:
            raise ValidationError("Only an open escalation can go into review.")
        esc.status = EscalationStatus.IN_REVIEW
        esc.save(update_fields=["status"])
        _event(esc, Kind.REVIEW, actor)
        audit_record(organization=organization, actor=actor, action="governance.escalation_review",
                     target=esc, after={"status": esc.status})
        w.touch(pod_scope(esc.pod_id))
    return esc


def escalation_decide(*, organization: Organization, actor: User, escalation: Escalation, outcome: str,
                      note: str = "") -> Escalation:
    """Approve, reject or ask for info. The row lock makes exactly one of concurrent decisions win."""
    if outcome not in (Outcome.APPROVED, Outcome.REJECTED, EscalationStatus.NEEDS_INFO):
        raise ValidationError({"outcome": "Choose approved, rejected or needs_info."})
    if outcome == EscalationStatus.NEEDS_INFO and not (note or "").strip():
        raise ValidationError({"note": "Say what information is needed."})
    if outcome == Outcome.REJECTED and not (note or "").strip():
        raise ValidationError({"note": "Give the reason for rejecting."})
    now = timezone.now()
    with org_write(organization, actor, ESCALATIONS, GOVERNANCE) as w:
        esc = _locked(organization, escalation)
        if esc.status not in (EscalationStatus.OPEN, EscalationStatus.IN_REVIEW):
            raise ValidationError({"outcome": f"This escalation is {esc.get_status_display().lower()}; "
                                              "it cannot be decided now."})
        before = snapshot(esc, AUDIT_FIELDS)
        if outcome == EscalationStatus.NEEDS_INFO:
            esc.status, esc.waiting_since = EscalationStatus.NEEDS_INFO, now
            _event(esc, Kind.NEEDS_INFO, actor, note, at=now)
            title = f"More information needed: {esc.title}"
        else:
            esc.status, esc.outcome = EscalationStatus.DECIDED, outcome
            esc.decided_at, esc.decided_by, esc.decision_note = now, actor, note
            _event(esc, Kind.DECIDED, actor, f"{Outcome(outcome).label}. {note}".strip(), at=now)
            title = f"Escalation {Outcome(outcome).label.lower()}: {esc.title}"
            _update_review_gate(esc)
        esc.save()
        if esc.status == EscalationStatus.DECIDED:
            escalation_decided.send(sender=Escalation, organization=organization, escalation=esc, actor=actor)
        audit_record(organization=organization, actor=actor, action="governance.escalation_decided",
                     target=esc, before=before, after=snapshot(esc, AUDIT_FIELDS))
        event_emit(organization=organization, type="escalation.decided", data=webhook_data(esc))
        notify(organization=organization, users=_pod_lead_users(organization, esc),
               kind="governance.escalation_decided", title=title, body=note, url=_url(esc), email=True)
        if esc.status == EscalationStatus.DECIDED:
            _recompute_later(organization)
        w.touch(pod_scope(esc.pod_id))
    return esc


def _update_review_gate(esc: Escalation) -> None:
    from governance.models import DeploymentReview

    review = DeploymentReview.objects.for_org(esc.organization_id).filter(escalation=esc).first()
    if review is not None:
        review.gate = Gate.PASS if esc.outcome == Outcome.APPROVED else Gate.FAIL
        if esc.outcome == Outcome.REJECTED:
            review.failures = [*review.failures, {"check": "approval", "reason": esc.decision_note or "Rejected."}]
        review.save(update_fields=["gate", "failures", "updated_at"])


def escalation_provide_info(*, organization: Organization, actor: User, escalation: Escalation,
                            body: str) -> Escalation:
    """The pod answers a needs-info; the time it took is the pod's, so the SLA moves with it."""
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "Write the information asked for."})
    now = timezone.now()
    with org_write(organization, actor, ESCALATIONS, GOVERNANCE) as w:
        esc = _locked(organization, escalation)
        if esc.status != EscalationStatus.NEEDS_INFO:
            raise ValidationError({"body": "Nobody asked for information."})
        waited = now - (esc.waiting_since or now)
        esc.pod_wait_seconds += int(waited.total_seconds())
        if esc.due_at:
            esc.due_at += waited
        esc.status, esc.waiting_since = EscalationStatus.IN_REVIEW, None
        esc.save()
        _event(esc, Kind.INFO, actor, body, at=now)
        notify(organization=organization, users=[m.user for m in esc.approvers.select_related("user")],
               kind="governance.escalation_info", title=f"Information provided: {esc.title}",
               body=body[:300], url=_url(esc))
        audit_record(organization=organization, actor=actor, action="governance.escalation_info",
                     target=esc, after={"status": esc.status, "pod_wait_seconds": esc.pod_wait_seconds})
        w.touch(pod_scope(esc.pod_id))
    return esc


def escalation_close(*, organization: Organization, actor: User, escalation: Escalation) -> Escalation:
    with org_write(organization, actor, ESCALATIONS) as w:
        esc = _locked(organization, escalation)
        if esc.status != EscalationStatus.DECIDED:
            raise ValidationError("Only a decided escalation can be closed.")
        esc.status, esc.closed_at = EscalationStatus.CLOSED, timezone.now()
        esc.save(update_fields=["status", "closed_at"])
        _event(esc, Kind.CLOSED, actor)
        audit_record(organization=organization, actor=actor, action="governance.escalation_closed",
                     target=esc, after={"status": esc.status})
        w.touch(pod_scope(esc.pod_id))
    return esc


# --- SLA --------------------------------------------------------------------------------------


def escalations_check_sla(*, organization: Organization, now: datetime.datetime | None = None) -> int:
    """Mark breaches; move a breached escalation to the next tier, notifying both sides.

    Escalations waiting on the pod (needs info) are not on the approver's clock. Safe to run twice:
    an escalated one gets a fresh due time, one at the top tier is flagged `breached` once.
    """
    now = now or timezone.now()
    ids = list(Escalation.objects.for_org(organization)
               .filter(status__in=(EscalationStatus.OPEN, EscalationStatus.IN_REVIEW), due_at__lt=now,
                       breached=False).order_by("pk").values_list("pk", flat=True))
    done = 0
    for pk in ids:
        # ESCALATIONS is touched with the pod below: one that another run has handled meanwhile
        # writes nothing, and a bare ESCALATIONS would re-derive every pod's health row.
        with org_write(organization, None) as w:
            esc = (Escalation.objects.for_org(organization).select_for_update(of=("self",))
                   .select_related("current_tier", "filed_by", "pod").filter(pk=pk).first())
            if esc is None or esc.breached or esc.status not in (EscalationStatus.OPEN, EscalationStatus.IN_REVIEW) \
                    or esc.due_at is None or esc.due_at >= now:
                continue
            old_approvers = [m.user for m in esc.approvers.select_related("user")]
            before = snapshot(esc, AUDIT_FIELDS)
            esc.breach_count += 1
            _event(esc, Kind.BREACHED, None, f"SLA of {esc.current_tier.sla_hours} h passed.", at=now)
            nxt = selectors.next_tier(organization=organization, tier=esc.current_tier)
            if nxt is not None:
                new = selectors.approvers_for(organization=organization, tier=nxt)
                esc.current_tier, esc.due_at = nxt, now + datetime.timedelta(hours=nxt.sla_hours)
                esc.save()
                esc.approvers.set(new)
                _event(esc, Kind.ESCALATED, None, f"Escalated to tier {nxt.level} ({nxt.name}): "
                       + (", ".join(str(m.user) for m in new) or "nobody"), at=now)
                new_users = [m.user for m in new]
                notify(organization=organization, users=new_users, kind="governance.escalation_escalated",
                       title=f"Escalated to you after an SLA breach: {esc.title}", url=_url(esc), email=True)
            else:
                esc.breached = True
                esc.save()
                new_users = []
            notify(organization=organization, users=[*old_approvers, *_pod_lead_users(organization, esc)],
                   kind="governance.escalation_breached", title=f"SLA breached: {esc.title}",
                   body=("Escalated to tier %d." % esc.current_tier.level) if nxt else "At the top tier.",
                   url=_url(esc), email=True)
            audit_record(organization=organization, actor=None, action="governance.escalation_breached",
                         target=esc, before=before, after=snapshot(esc, AUDIT_FIELDS))
            w.touch(ESCALATIONS, pod_scope(esc.pod_id))
            done += 1
    return done


# Cycle time lives in `cycle_time.py`; re-exported for existing callers.
# Re-exported (`X as X`: explicitly, for the type checker): callers know cycle times as escalation services.
from governance.services.cycle_time import cycle_time_compute as cycle_time_compute  # noqa: E402
from governance.services.cycle_time import cycle_time_recompute as cycle_time_recompute  # noqa: E402
