"""The pod intake inbox: anyone asks a pod; the pod lead answers, routes to one member, or
declines. The lead's first move is the time to first answer; a routed request is an interruption
that reached an engineer. Rows are locked while they move, so two leads cannot both act."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from pods.models import Pod
from pods.selectors import pod_lead_users, pod_members
from strategy.models import IntakeKind, IntakeRequest, IntakeStatus
from tenancy.audit import snapshot
from tenancy.cache import STRATEGY, pod_scope
from tenancy.models import Membership, Organization, Person, User
from tenancy.notifications import notify
from tenancy.writes import current_write, org_write

INTAKE_FIELDS = ("status", "routed_to", "answer", "answered_by", "first_response_at", "closed_at")


def intake_url(req: IntakeRequest) -> str:
    return reverse("strategy:intake_detail", args=[req.organization.slug, req.pk])


def _text(field: str, value: str, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: "This field is required."})
    return value


def _locked(organization: Organization, req: IntakeRequest, *allowed: str) -> IntakeRequest:
    current_write().same_org("request", req)
    locked = IntakeRequest.objects.for_org(organization).select_for_update().get(pk=req.pk)
    if locked.status not in allowed:
        raise ValidationError({"status": f"The request is already {locked.get_status_display().lower()}."})
    return locked


def _moved(organization: Organization, locked: IntakeRequest, before: dict[str, object], action: str,
           users: list[User | None], title: str) -> IntakeRequest:
    w = current_write()
    locked.save()
    w.audit(action, target=locked, before=before, after=snapshot(locked, INTAKE_FIELDS))
    w.touch(pod_scope(locked.pod_id))
    notify(organization=organization, users=users, kind=action, title=title, body=locked.answer[:500],
           url=intake_url(locked))
    return locked


def _asker(req: IntakeRequest) -> User | None:
    return req.asked_by.user if req.asked_by is not None else None


@org_write.service(STRATEGY)
def intake_ask(*, organization: Organization, actor: User | None, pod: Pod, kind: str, title: str,
               asked_by: Membership | None = None, body: str = "") -> IntakeRequest:
    """Ask the pod; its lead is notified (not its engineers)."""
    w = current_write()
    w.same_org("pod", pod)
    if kind not in IntakeKind.values:
        raise ValidationError({"kind": f"Use one of {', '.join(IntakeKind.values)}."})
    req = IntakeRequest.objects.create(organization=organization, pod=pod, asked_by=asked_by, kind=kind,
                                       title=_text("title", title), body=_text("body", body, required=False))
    w.audit("intake.asked", target=req, after={"pod": pod.pk, "kind": kind, "title": req.title})
    w.touch(pod_scope(pod.pk))
    notify(organization=organization, users=pod_lead_users(organization=organization, pod_ids=[pod.pk]).get(pod.pk, []),
           kind="strategy.intake_asked", title=f"{pod.name} was asked: {req.title}", body=req.body[:500],
           url=intake_url(req))
    return req


@org_write.service(STRATEGY)
def intake_answer(*, organization: Organization, actor: User | None, request: IntakeRequest,
                  answer: str) -> IntakeRequest:
    """The lead answers an open request, or the member it was routed to answers it."""
    locked = _locked(organization, request, IntakeStatus.OPEN, IntakeStatus.ROUTED)
    before = snapshot(locked, INTAKE_FIELDS)
    now = timezone.now()
    locked.answer, locked.answered_by, locked.status, locked.closed_at = _text("answer", answer), actor, \
        IntakeStatus.ANSWERED, now
    locked.first_response_at = locked.first_response_at or now
    return _moved(organization, locked, before, "intake.answered", [_asker(locked)],
                  f"Your question to the pod was answered: {locked.title}")


@org_write.service(STRATEGY)
def intake_route(*, organization: Organization, actor: User | None, request: IntakeRequest,
                 person: Person, note: str = "") -> IntakeRequest:
    """The lead hands an open request to one current member of the pod."""
    locked = _locked(organization, request, IntakeStatus.OPEN)
    current_write().same_org("person", person)
    if person.pk not in {a.person_id for a in pod_members(organization=organization, pod=locked.pod)}:
        raise ValidationError({"person": "Route to someone who is in the pod now."})
    before = snapshot(locked, INTAKE_FIELDS)
    locked.status, locked.routed_to = IntakeStatus.ROUTED, person
    locked.answer = _text("note", note, required=False)
    locked.first_response_at = locked.first_response_at or timezone.now()
    return _moved(organization, locked, before, "intake.routed", [person.user, _asker(locked)],
                  f"Routed to {person.full_name}: {locked.title}")


@org_write.service(STRATEGY)
def intake_decline(*, organization: Organization, actor: User | None, request: IntakeRequest,
                   reason: str) -> IntakeRequest:
    locked = _locked(organization, request, IntakeStatus.OPEN)
    before = snapshot(locked, INTAKE_FIELDS)
    now = timezone.now()
    locked.status, locked.answer, locked.answered_by, locked.closed_at = IntakeStatus.DECLINED, \
        _text("reason", reason), actor, now
    locked.first_response_at = locked.first_response_at or now
    return _moved(organization, locked, before, "intake.declined", [_asker(locked)],
                  f"The pod declined your request: {locked.title}")
