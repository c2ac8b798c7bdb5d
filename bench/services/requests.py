"""Staffing requests: filed by a pod lead, submitted, withdrawn, expired; a lead's own proposal."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from bench import matching_selectors as ms
from bench import solver
from bench.models import (
    MAX_WEEK_HOURS,
    OPEN_REQUEST_STATES,
    Priority,
    RequestSkill,
    RequestStatus,
    ScalingSuggestion,
    StaffingRequest,
    SuggestionKind,
    SuggestionStatus,
)
from bench.services.budget import engagement_quarters, rationale_budget_line, services_budget_room
from bench.services.recompute_trigger import bench_recompute_soon
from pods.models import Pod, PodRole
from tenancy.audit import snapshot
from tenancy.cache import BENCH
from tenancy.models import Organization, Person, Skill, User
from tenancy.writes import current_write, org_write

REQUEST_FIELDS = ("title", "hours_per_week", "allocation_percent", "start_date", "end_date", "priority",
                  "justification", "status")
CONTINUITY_DAYS = 180


def _skills(organization: Organization, skills: Iterable[Any]) -> list[tuple[Skill, int]]:
    """[(skill, min level)] from (skill, level) pairs or {"skill":…, "min_level":…} dicts."""
    out: dict[int, tuple[Skill, int]] = {}
    for item in skills or ():
        skill, level = (item["skill"], item.get("min_level", 2)) if isinstance(item, dict) else item
        if not isinstance(skill, Skill) or skill.organization_id != organization.pk:
            raise ValidationError({"skills": "A skill is not found in this organization."})
        try:
            level = int(level)
        except (TypeError, ValueError):
            level = 0
        if not 1 <= level <= 5:
            raise ValidationError({"skills": "A minimum level is from 1 to 5."})
        out[skill.pk] = (skill, level)
    if not out:
        raise ValidationError({"skills": "Name at least one required skill."})
    return list(out.values())


def _validate(r: StaffingRequest, *, new: bool) -> None:
    errors: dict[str, str] = {}
    if not (r.title or "").strip():
        errors["title"] = "Say what the request is for."
    if r.hours_per_week is None and r.allocation_percent is None:
        errors["hours_per_week"] = "Give hours per week or an allocation %."
    elif r.hours_per_week is not None and r.allocation_percent is not None:
        errors["allocation_percent"] = "Give hours per week or an allocation %, not both."
    elif r.hours_per_week is not None and not 1 <= int(r.hours_per_week) <= MAX_WEEK_HOURS:
        errors["hours_per_week"] = f"Hours per week must be from 1 to {MAX_WEEK_HOURS}."
    elif r.allocation_percent is not None and not 1 <= int(r.allocation_percent) <= 100:
        errors["allocation_percent"] = "Allocation is a whole percentage from 1 to 100."
    if r.start_date is None:
        errors["start_date"] = "A start date is required."
    elif new and r.start_date < timezone.localdate():
        errors["start_date"] = "The start date cannot be in the past."
    if r.end_date is None:
        errors["end_date"] = "An end date is required."
    elif r.start_date is not None and r.end_date <= r.start_date:
        errors["end_date"] = "The end date must be after the start date."
    elif r.start_date is not None and (r.end_date - r.start_date).days > 2 * 366:
        errors["end_date"] = "A request spans at most two years."
    if r.priority not in Priority.values:
        errors["priority"] = "Not a priority."
    if errors:
        raise ValidationError(errors)
    r.title, r.justification = r.title.strip(), (r.justification or "").strip()


@org_write.service(BENCH)
def staffing_request_file(*, organization: Organization, actor: User | None, pod: Pod, role: PodRole,
                          title: str, skills: Iterable[Any], start_date: datetime.date,
                          end_date: datetime.date, hours_per_week: int | None = None,
                          allocation_percent: int | None = None, priority: int = Priority.NORMAL,
                          justification: str = "", draft: bool = False) -> StaffingRequest:
    w = current_write()
    w.same_org("pod", pod)
    w.same_org("role", role)
    pairs = _skills(organization, skills)
    r = StaffingRequest(organization=organization, pod=pod, role=role, title=title or "",
                        hours_per_week=hours_per_week, allocation_percent=allocation_percent,
                        start_date=start_date, end_date=end_date, priority=priority,
                        justification=justification, filed_by=actor,
                        status=RequestStatus.DRAFT if draft else RequestStatus.OPEN)
    _validate(r, new=True)
    r.save()
    RequestSkill.objects.bulk_create(RequestSkill(organization=organization, request=r, skill=s, min_level=lvl)
                                     for s, lvl in pairs)
    w.audit("staffing_request.filed", target=r,
            after={**snapshot(r), "skills": [[s.name, lvl] for s, lvl in pairs]})
    if not draft:
        bench_recompute_soon(organization.pk)
    return r


def _lock(organization: Organization, request: StaffingRequest) -> StaffingRequest:
    return StaffingRequest.objects.for_org(organization).select_for_update(of=("self",)).select_related(
        "pod").get(pk=request.pk)


def _move(organization: Organization, request: StaffingRequest, to: str, allowed: tuple[str, ...],
          action: str) -> StaffingRequest:
    r = _lock(organization, request)
    if r.status not in allowed:
        raise ValidationError({"status": f"A {r.get_status_display().lower()} request cannot be {action}."})
    before = snapshot(r, REQUEST_FIELDS)
    r.status = to
    r.save(update_fields=["status", "updated_at"])
    current_write().audit(f"staffing_request.{action}", target=r, before=before, after=snapshot(r, REQUEST_FIELDS))
    return r


def _withdraw_open_suggestions(organization: Organization, request: StaffingRequest, why: str) -> int:
    return ScalingSuggestion.objects.for_org(organization).filter(
        request=request, status=SuggestionStatus.OPEN).update(status=SuggestionStatus.WITHDRAWN,
                                                              dismiss_reason=why, decided_at=timezone.now())


@org_write.service(BENCH)
def staffing_request_submit(*, organization: Organization, actor: User | None,
                            request: StaffingRequest) -> StaffingRequest:
    r = _move(organization, request, RequestStatus.OPEN, (RequestStatus.DRAFT,), "submitted")
    if r.start_date < timezone.localdate():
        raise ValidationError({"start_date": "The start date has passed: change it before submitting."})
    bench_recompute_soon(organization.pk)
    return r


@org_write.service(BENCH)
def staffing_request_withdraw(*, organization: Organization, actor: User | None,
                              request: StaffingRequest) -> StaffingRequest:
    r = _move(organization, request, RequestStatus.WITHDRAWN,
              (RequestStatus.DRAFT, *OPEN_REQUEST_STATES), "withdrawn")
    _withdraw_open_suggestions(organization, r, "The request was withdrawn.")
    bench_recompute_soon(organization.pk)
    return r


@org_write.service(BENCH)
def staffing_requests_expire(*, organization: Organization, today: datetime.date | None = None) -> int:
    """Past start with nobody accepted: expired. Accepted ones whose start came: fulfilled."""
    today = today or timezone.localdate()
    w = current_write()
    late = list(StaffingRequest.objects.for_org(organization).select_for_update().filter(
        status__in=OPEN_REQUEST_STATES, start_date__lt=today).order_by("pk"))
    for r in late:
        r.status = RequestStatus.EXPIRED
        r.save(update_fields=["status", "updated_at"])
        _withdraw_open_suggestions(organization, r, "The request expired: its start passed.")
        w.audit("staffing_request.expired", target=r, after={"status": r.status})
    StaffingRequest.objects.for_org(organization).filter(
        status=RequestStatus.ACCEPTED, start_date__lte=today).update(status=RequestStatus.FULFILLED)
    return len(late)


def add_inputs(*, request: StaffingRequest, person_weeks: ms.PersonWeeks, levels: dict[int, int | None],
               continuity: bool, max_rate: float,
               skills: list[tuple[int, str, int]] | None = None) -> dict[str, Any] | None:
    """The stored inputs of an `add` candidate (None: the request does not fit this person's week).
    `skills`: the request's (skill id, name, minimum level), when the caller read them once already."""
    need = ms.need_hours(request, person_weeks.capacity)
    if need is None:
        return None
    weeks = list(ms.window_weeks(request.start_date, request.end_date))
    first = weeks[0]
    if skills is None:
        skills = [(rs.skill_id, rs.skill.name, rs.min_level) for rs in request.skills.all()]
    return {
        "request": request.pk, "person": person_weeks.person_id, "priority": request.priority,
        "first_week": ms.week_start(first).isoformat(),
        "skills": [[sid, name, min_level, levels.get(sid)] for sid, name, min_level in skills],
        "need": [need] * len(weeks),
        "free": [person_weeks.free(wk) for wk in weeks],
        "cap": [person_weeks.cap.get(wk, 0.0) for wk in weeks],
        "off_weeks": [i for i, wk in enumerate(weeks) if wk in person_weeks.off] if person_weeks.off else [],
        "continuity": continuity,
        "rate": float(person_weeks.rate), "max_rate": max_rate,
        "on_bench": person_weeks.on_bench,
    }


@org_write.service(BENCH)
def staffing_request_propose(*, organization: Organization, actor: User | None, request: StaffingRequest,
                             person: Person) -> ScalingSuggestion:
    """A lead proposes someone by hand (a member of another pod with spare time, say): the same
    hard filters and score as the worker's, kept apart from its stability keys."""
    w = current_write()
    w.same_org("person", person)
    r = _lock(organization, request)
    if r.status not in OPEN_REQUEST_STATES:
        raise ValidationError({"status": "Only an open request takes proposals."})
    weeks = ms.window_weeks(r.start_date, r.end_date)
    pw = ms.people_weeks(organization=organization, person_ids=[person.pk], first=weeks[0], last=weeks[-1])
    if person.pk not in pw:
        raise ValidationError({"person": "This person is not active."})
    skill_ids = [rs.skill_id for rs in r.skills.all()]
    levels = ms.skill_levels(organization=organization, person_ids=[person.pk], skill_ids=skill_ids)
    history = ms.pod_history(organization=organization, pod_ids=[r.pod_id],
                             since=timezone.localdate() - datetime.timedelta(days=CONTINUITY_DAYS))
    inputs = add_inputs(request=r, person_weeks=pw[person.pk],
                        levels={s: levels.get((person.pk, s)) for s in skill_ids},
                        continuity=(r.pod_id, person.pk) in history,
                        max_rate=float(ms.max_bench_rate(organization=organization)))
    why = "their week is too small for this request" if inputs is None else solver.hard_filter(inputs)
    if why:
        raise ValidationError({"person": f"{person} cannot take this request: {why}."})
    assert inputs is not None
    subject = f"request:{r.pk}:person:{person.pk}"
    if ScalingSuggestion.objects.for_org(organization).filter(
            pod=r.pod, kind=SuggestionKind.ADD, subject=subject, status=SuggestionStatus.OPEN).exists():
        raise ValidationError({"person": f"{person} is already proposed for this request."})
    room = services_budget_room(organization=organization, pod_ids={r.pod_id}, quarters=engagement_quarters([r]))
    s = ScalingSuggestion.objects.create(
        organization=organization, kind=SuggestionKind.ADD, pod=r.pod, subject=subject, person=person,
        request=r, skill_id=r.key_skill_id(), score=solver.score_pair(inputs),
        summary=f"Add {person} to {r.pod} as {r.title}"[:300],
        rationale=[f"Proposed by {actor.full_name or actor.email}." if actor else "Proposed by hand.",
                   *rationale_budget_line(solver.rationale(inputs), request=r, inputs=inputs, room=room)],
        inputs=inputs, inputs_hash=solver.inputs_hash(inputs), manual=True, computed_at=timezone.now())
    if r.status == RequestStatus.OPEN:
        r.status = RequestStatus.PROPOSED
        r.save(update_fields=["status", "updated_at"])
    w.audit("scaling_suggestion.proposed", target=s, after=snapshot(s, ("kind", "person", "request", "score")))
    return s
