"""Acting on a suggestion: accept (an `add` books the assignment and the budget hold; a `release`
or `rebalance` applies its changes together) or dismiss with a reason."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

from bench import matching_selectors as ms
from bench import solver
from bench.models import (
    BenchEntry,
    BenchStatus,
    RequestStatus,
    ScalingSuggestion,
    StaffingRequest,
    SuggestionKind,
    SuggestionStatus,
)
from bench.services.budget import budget_holds_for_request
from integrations.payloads import webhook_data
from integrations.services import event_emit
from pods.models import Assignment
from pods.selectors import pod_members
from pods.services import assignment_create, assignment_end, assignment_update
from tenancy.audit import snapshot
from tenancy.cache import BENCH
from tenancy.models import Organization, Person, User
from tenancy.notifications import notify
from tenancy.writes import current_write, org_write


def _load_open(organization: Organization, suggestion: ScalingSuggestion) -> ScalingSuggestion:
    s = ScalingSuggestion.objects.for_org(organization).select_for_update(of=("self",)).select_related(
        "pod", "person", "request").get(pk=suggestion.pk)
    if s.status != SuggestionStatus.OPEN:
        raise ValidationError({"suggestion": f"This suggestion is already {s.get_status_display().lower()}."})
    return s


def _accept_add(organization: Organization, actor: User, s: ScalingSuggestion,
                today: datetime.date) -> None:
    person = s.person
    if s.request_id is None or person is None:  # an add suggestion always names both
        raise ValidationError({"suggestion": "This suggestion names no request or person."})
    request = StaffingRequest.objects.for_org(organization).select_for_update(of=("self",)).select_related(
        "pod", "role").get(pk=s.request_id)
    if request.status not in (RequestStatus.OPEN, RequestStatus.PROPOSED):
        raise ValidationError({"request": f"The request is already {request.get_status_display().lower()}."})
    if request.start_date < today:
        raise ValidationError({"request": "The request's start has passed; it can no longer be filled."})
    weeks = ms.window_weeks(request.start_date, request.end_date)
    pw = ms.people_weeks(organization=organization, person_ids=[person.pk], first=weeks[0],
                         last=weeks[-1]).get(person.pk)
    pct = ms.allocation_for(request.hours_per_week, request.allocation_percent, pw.capacity if pw else 0)
    if pw is None or pct is None:
        raise ValidationError({"person": "This person can no longer take the request."})
    need = round(pct * pw.capacity / 100, 2)
    for wk in weeks:
        if wk in pw.off or need > pw.free(wk) + solver.EPS:
            raise ValidationError({"person": f"{person} no longer has {need:g} h free in the week of "
                                             f"{ms.week_start(wk):%d %b %Y}: someone else was given that time."})
    a = assignment_create(organization=organization, actor=actor, pod=request.pod, person=person,
                          role=request.role, allocation_percent=pct, start_date=request.start_date,
                          end_date=request.end_date - datetime.timedelta(days=1))
    before = snapshot(request, ("status",))
    request.status = RequestStatus.FULFILLED if request.start_date <= today else RequestStatus.ACCEPTED
    request.assignment, request.filled_at, request.booked_rate = a, timezone.now(), pw.rate
    request.save(update_fields=["status", "assignment", "filled_at", "booked_rate", "updated_at"])
    current_write().audit("staffing_request.filled", target=request, before=before,
                          after={"status": request.status, "assignment": a.pk, "person": person.pk})
    event_emit(organization=organization, type="staffing.accepted",
               data=webhook_data(request, person_id=person.pk, assignment_id=a.pk, allocation_percent=pct,
                                 start_date=request.start_date, end_date=request.end_date))
    ScalingSuggestion.objects.for_org(organization).filter(request=request, status=SuggestionStatus.OPEN).exclude(
        pk=s.pk).update(status=SuggestionStatus.WITHDRAWN, decided_at=timezone.now(),
                        dismiss_reason="Another candidate was accepted.")
    entry = BenchEntry.objects.for_org(organization).filter(person_id=person.pk).first()
    if entry is not None and request.start_date <= today and entry.status == BenchStatus.AVAILABLE:
        entry.status = BenchStatus.ENGAGED
        entry.save(update_fields=["status", "updated_at"])
    budget_holds_for_request(organization=organization, actor=actor, request=request,
                             rate_per_hour=pw.rate, hours_per_week=need)
    leads = [m.person.user for m in pod_members(organization=organization, pod=request.pod)
             if m.role.is_lead and m.person.user_id]
    notify(organization=organization, users=[*leads, person.user], kind="bench.staffed",
           title=f"{person} joins {request.pod} as {request.title} from {request.start_date:%d %b %Y}",
           body=f"{pct}% until {a.end_date:%d %b %Y}.", url=f"/o/{organization.slug}/pods/{request.pod_id}/")


def _apply_changes(organization: Organization, actor: User, s: ScalingSuggestion) -> None:
    for change in s.changes:
        a = Assignment.objects.for_org(organization).filter(pk=change.get("assignment")).first()
        if a is None:
            raise ValidationError({"suggestion": "An assignment it would change no longer exists."})
        if change["op"] == "end":
            assignment_end(organization=organization, actor=actor, assignment=a,
                           end_date=max(a.start_date, datetime.date.fromisoformat(change["end_date"])))
        elif change["op"] == "set_allocation":
            assignment_update(organization=organization, actor=actor, assignment=a,
                              allocation_percent=int(change["allocation_percent"]))
    if s.kind == SuggestionKind.RELEASE and s.person_id:
        BenchEntry.objects.for_org(organization).filter(person_id=s.person_id).exclude(
            status=BenchStatus.OFF).update(status=BenchStatus.AVAILABLE, updated_at=timezone.now())


@org_write.service(BENCH)
def suggestion_accept(*, organization: Organization, actor: User, suggestion: ScalingSuggestion,
                      today: datetime.date | None = None) -> ScalingSuggestion:
    """Accept in one transaction. Locks in a fixed order: the person first (as pods' assignment
    services do), then the request, then the suggestion; capacity is re-checked under the lock, so of
    two pods taking a person's last free hours exactly one wins and the other gets a clear 400."""
    today = today or timezone.localdate()
    current_write().same_org("suggestion", suggestion)
    person_ids = [suggestion.person_id] if suggestion.person_id else []
    for c in suggestion.changes or ():
        pid = Assignment.objects.for_org(organization).filter(pk=c.get("assignment")).values_list(
            "person_id", flat=True).first()
        if pid:
            person_ids.append(pid)
    if person_ids:  # person-first lock order, in pk order
        list(Person.objects.for_org(organization).select_for_update().filter(
            pk__in=sorted(set(person_ids))).order_by("pk").values_list("pk", flat=True))
    s = _load_open(organization, suggestion)
    if s.kind == SuggestionKind.ADD:
        _accept_add(organization, actor, s, today)
    else:
        _apply_changes(organization, actor, s)
    s.status, s.decided_at, s.decided_by = SuggestionStatus.ACCEPTED, timezone.now(), actor
    s.save(update_fields=["status", "decided_at", "decided_by"])
    current_write().audit("scaling_suggestion.accepted", target=s,
                          after=snapshot(s, ("kind", "person", "pod", "request", "score", "status")))
    # Staffing is touched by the assignment services above, each with its pod's scope: touching
    # STAFFING here with no pod would re-derive (and lock) the health row of every pod.
    return s


@org_write.service(BENCH)
def suggestion_dismiss(*, organization: Organization, actor: User | None, suggestion: ScalingSuggestion,
                       reason: str) -> ScalingSuggestion:
    """Dismissing asks why; the same suggestion from the same inputs is not proposed again."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why you dismiss it."})
    current_write().same_org("suggestion", suggestion)
    s = _load_open(organization, suggestion)
    s.status, s.decided_at, s.decided_by, s.dismiss_reason = (SuggestionStatus.DISMISSED, timezone.now(), actor,
                                                              reason[:300])
    s.save(update_fields=["status", "decided_at", "decided_by", "dismiss_reason"])
    current_write().audit("scaling_suggestion.dismissed", target=s, after={"reason": s.dismiss_reason})
    if s.request_id and not ScalingSuggestion.objects.for_org(organization).filter(
            request_id=s.request_id, status=SuggestionStatus.OPEN).exists():
        StaffingRequest.objects.for_org(organization).filter(pk=s.request_id, status=RequestStatus.PROPOSED).update(
            status=RequestStatus.OPEN)
    return s
