"""The scaling suggestions: recompute them for a whole organization (`suggestions_recompute`, what
the worker runs), and act on one (accept, dismiss)."""

from __future__ import annotations

import datetime
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from bench import matching_selectors as ms
from bench import solver
from bench.models import (
    BenchEntry,
    BenchRun,
    BenchStatus,
    RequestStatus,
    ScalingSuggestion,
    StaffingRequest,
    SuggestionKind,
    SuggestionStatus,
)
from bench.services.budget import budget_holds_for_request
from bench.services.requests import CONTINUITY_DAYS, add_inputs, staffing_requests_expire
from pods.models import Assignment, PodStatus
from pods.selectors import assignments_overlapping, pod_members
from pods.services import assignment_create, assignment_end, assignment_update
from tenancy.audit import snapshot
from tenancy.cache import BENCH, STAFFING
from tenancy.models import Organization, Person, User
from tenancy.notifications import notify
from tenancy.writes import current_write, org_write

TOP_K = 30  # candidates kept per request for the joint solve (by score)
TOLERANCE = 2.0  # score points: a change smaller than this keeps the open suggestion as it is
STABILISATION_DAYS = 7
RELEASE_WITHIN_DAYS = 14


@dataclass
class Proposal:
    kind: str
    pod_id: int
    subject: str
    summary: str
    score: float
    rationale: list[str]
    inputs: dict[str, Any]
    person_id: int | None = None
    request_id: int | None = None
    other_request_id: int | None = None
    assignment_id: int | None = None
    skill_id: int | None = None
    changes: list[dict[str, Any]] = field(default_factory=list)

    @property
    def key(self) -> tuple[int, str, str]:
        return (self.pod_id, self.kind, self.subject)


@dataclass
class AddResult:
    proposals: list[Proposal]
    candidates: int
    objective: float
    greedy_objective: float
    unmatched: list[dict[str, Any]]


def _recent_opposites(organization: Organization, today: datetime.date) -> dict[str, set[tuple[int, int]]]:
    """(person, pod) pairs with an add / a release in the stabilisation window."""
    since = timezone.now() - datetime.timedelta(days=STABILISATION_DAYS)
    out: dict[str, set[tuple[int, int]]] = {SuggestionKind.ADD: set(), SuggestionKind.RELEASE: set()}
    for row in ScalingSuggestion.objects.for_org(organization).filter(
            kind__in=list(out), computed_at__gte=since, person__isnull=False).exclude(
            status=SuggestionStatus.WITHDRAWN).values("kind", "person_id", "pod_id"):
        out[row["kind"]].add((row["person_id"], row["pod_id"]))
    return out


def compute_adds(organization: Organization, requests: list[StaffingRequest], today: datetime.date,
                 blocked: set[tuple[int, int]]) -> AddResult:
    """`add` proposals for every open request at once."""
    if not requests:
        return AddResult([], 0, 0.0, 0.0, [])
    by_id = {r.pk: r for r in requests}
    pairs = ms.candidate_pairs(organization=organization, request_ids=list(by_id))
    first = min(ms.week_of(r.start_date) for r in requests)
    last = max(ms.window_weeks(r.start_date, r.end_date)[-1] for r in requests)
    person_ids = sorted({p for ps in pairs.values() for p in ps})
    pw = ms.people_weeks(organization=organization, person_ids=person_ids, first=first, last=last)
    skill_ids = {rs.skill_id for r in requests for rs in r.skills.all()}
    levels = ms.skill_levels(organization=organization, person_ids=person_ids, skill_ids=skill_ids)
    history = ms.pod_history(organization=organization, pod_ids={r.pod_id for r in requests},
                             since=today - datetime.timedelta(days=CONTINUITY_DAYS))
    max_rate = float(ms.max_bench_rate(organization=organization))
    dismissed = set(ScalingSuggestion.objects.for_org(organization).filter(
        kind=SuggestionKind.ADD, status=SuggestionStatus.DISMISSED, request_id__in=list(by_id)).values_list(
        "request_id", "person_id", "inputs_hash"))
    incumbents = set(ScalingSuggestion.objects.for_org(organization).filter(
        kind=SuggestionKind.ADD, status=SuggestionStatus.OPEN, manual=False, request_id__in=list(by_id))
        .values_list("request_id", "person_id"))
    cands: list[solver.Candidate] = []
    inputs_of: dict[tuple[int, int], dict[str, Any]] = {}
    counts: dict[int, int] = {}
    for rid, r in by_id.items():
        r_skills = {rs.skill_id for rs in r.skills.all()}
        mine: list[solver.Candidate] = []
        for pid in pairs.get(rid, ()):
            if pid not in pw or (pid, r.pod_id) in blocked:
                continue
            inputs = add_inputs(request=r, person_weeks=pw[pid],
                                levels={s: levels.get((pid, s)) for s in r_skills},
                                continuity=(r.pod_id, pid) in history, max_rate=max_rate)
            if inputs is None or solver.hard_filter(inputs):
                continue
            h = solver.inputs_hash(inputs)
            if (rid, pid, h) in dismissed:
                continue
            weeks = ms.window_weeks(r.start_date, r.end_date)
            mine.append(solver.Candidate(request_id=rid, person_id=pid, score=solver.score_pair(inputs),
                                         priority=r.priority, need=tuple((w, inputs["need"][0]) for w in weeks),
                                         incumbent=TOLERANCE if (rid, pid) in incumbents else 0.0))
            inputs_of[(rid, pid)] = inputs
        mine.sort(key=lambda c: (-c.score, c.person_id))
        cands.extend(mine[:TOP_K])
        counts[rid] = len(mine)
    free = {(c.person_id, w): pw[c.person_id].free(w) for c in cands for w, _h in c.need}
    sol = solver.solve(cands, free)
    # Requests left without anyone: a skill gap when nobody fits at all, else lost to a rival.
    unmatched = [{"request": rid, "pod": r.pod_id, "title": r.title, "candidates": counts[rid],
                  "skills": sorted(rs.skill.name for rs in r.skills.all()),
                  "skill_holders": len(pairs.get(rid, ()))}
                 for rid, r in by_id.items() if rid not in sol.chosen]
    greedy_pick = solver.greedy(cands, free)
    names = dict(Person.objects.for_org(organization).filter(pk__in={c.person_id for c in cands})
                 .values_list("pk", "full_name")) if cands else {}
    out: list[Proposal] = []
    joint_of_person = defaultdict(list)
    for rid, c in sol.chosen.items():
        joint_of_person[c.person_id].append(rid)
    for rid, c in sorted(sol.chosen.items()):
        r, inputs = by_id[rid], inputs_of[(rid, c.person_id)]
        lines = solver.rationale(inputs)
        g = greedy_pick.get(rid)
        if g is not None and g.person_id != c.person_id:
            where = [by_id[x].title for x in joint_of_person.get(g.person_id, [])]
            lines.append(f"Chosen jointly: one request at a time, {names.get(g.person_id)} (score {g.score:g}) "
                         f"would have taken this" + (f", but is needed for {', '.join(where)}" if where else "")
                         + "; the joint answer fills more requests in total.")
        out.append(Proposal(kind=SuggestionKind.ADD, pod_id=r.pod_id, subject=f"request:{rid}",
                            summary=f"Add {names.get(c.person_id)} to {r.pod} as {r.title}",
                            score=c.score, rationale=lines, inputs=inputs, person_id=c.person_id,
                            request_id=rid, skill_id=min(rs.skill_id for rs in r.skills.all())))
    return AddResult(out, len(cands), sol.objective, sol.greedy_objective, unmatched)


def compute_releases(organization: Organization, today: datetime.date,
                     blocked: set[tuple[int, int]]) -> list[Proposal]:
    """A bench person goes back to the bench on time: their assignment ends within 14 days, their
    pod is paused or sunset, or the request they came for has passed."""
    bench_people = set(BenchEntry.objects.for_org(organization).values_list("person_id", flat=True))
    if not bench_people:
        return []
    need_passed = dict(StaffingRequest.objects.for_org(organization).filter(
        assignment__isnull=False, end_date__lte=today).values_list("assignment_id", "title"))
    out = []
    horizon = today + datetime.timedelta(days=RELEASE_WITHIN_DAYS)
    for a in assignments_overlapping(organization=organization, start=today, end=today + datetime.timedelta(days=1),
                                     person_ids=bench_people).select_related("pod", "person", "role"):
        if (a.person_id, a.pod_id) in blocked:
            continue
        if a.pod.status in (PodStatus.PAUSED, PodStatus.SUNSET):
            why, on, score = f"{a.pod} is {a.pod.get_status_display().lower()}.", today, 80.0
        elif a.pk in need_passed:
            why, on, score = f"The need it was staffed for (“{need_passed[a.pk]}”) has passed.", today, 70.0
        elif a.end_date is not None and a.end_date <= horizon:
            why, on, score = f"The assignment ends on {a.end_date:%d %b %Y}.", a.end_date, 50.0
        else:
            continue
        inputs = {"assignment": a.pk, "pod_status": a.pod.status, "end_date": str(a.end_date),
                  "need_passed": a.pk in need_passed, "release_on": on.isoformat()}
        out.append(Proposal(kind=SuggestionKind.RELEASE, pod_id=a.pod_id, subject=f"assignment:{a.pk}",
                            summary=f"Release {a.person} from {a.pod} on {on:%d %b %Y}", score=score,
                            rationale=[why, f"{a.person} returns to the bench with {a.allocation_percent}% "
                                            "of their week free again."],
                            inputs=inputs, person_id=a.person_id, assignment_id=a.pk,
                            changes=[{"op": "end", "assignment": a.pk, "end_date": on.isoformat()}]))
    return out


def compute_rebalances(organization: Organization, today: datetime.date, adds: AddResult,
                       requests: list[StaffingRequest]) -> list[Proposal]:
    out: list[Proposal] = []
    week = ms.week_of(today)
    running = list(assignments_overlapping(organization=organization, start=today,
                                           end=today + datetime.timedelta(days=1))
                   .select_related("pod", "person").order_by("person_id", "-start_date", "-id"))
    by_person: dict[int, list[Assignment]] = defaultdict(list)
    for a in running:
        by_person[a.person_id].append(a)
    pw = ms.people_weeks(organization=organization, person_ids=list(by_person), first=week, last=week)
    # 1. Over the cap across pods: trim the newest assignment by the excess.
    for pid, assignments in by_person.items():
        p = pw.get(pid)
        if p is None or p.capacity <= 0 or p.free(week) >= -solver.EPS:
            continue
        excess = -p.free(week)
        newest = assignments[0]
        cut = int(-(-excess * 100 // p.capacity))
        change = ({"op": "end", "assignment": newest.pk, "end_date": today.isoformat()}
                  if newest.allocation_percent - cut < 1 else
                  {"op": "set_allocation", "assignment": newest.pk,
                   "allocation_percent": newest.allocation_percent - cut})
        out.append(Proposal(
            kind=SuggestionKind.REBALANCE, pod_id=newest.pod_id, subject=f"person:{pid}",
            summary=f"{newest.person} is over their cap by {excess:g} h/week", score=60.0,
            rationale=[f"{newest.person} is committed {p.committed.get(week, 0):g} h this week against a cap of "
                       f"{p.cap.get(week, 0):g} h across {len(assignments)} pod(s).",
                       f"Trim the newest assignment, in {newest.pod}, by {cut}%."],
            inputs={"person": pid, "committed": p.committed.get(week, 0), "cap": p.cap.get(week, 0)},
            person_id=pid, assignment_id=newest.pk, changes=[change]))
    # 2. Pods below the organization's protected-time share: raise the member with most spare time.
    thr, target = organization.protected_time_threshold, organization.protected_share_target
    by_pod: dict[int, list[Assignment]] = defaultdict(list)
    for a in running:
        if a.pod.status == PodStatus.ACTIVE:
            by_pod[a.pod_id].append(a)
    for pod_id, members in by_pod.items():
        protected = sum(1 for a in members if a.allocation_percent >= thr)
        if len(members) < 2 or protected * 100 >= target * len(members):
            continue
        raise_ = [a for a in members if a.allocation_percent < thr and a.person_id in pw
                  and pw[a.person_id].free(week) >= (thr - a.allocation_percent) * pw[a.person_id].capacity / 100]
        if not raise_:
            continue
        a = max(raise_, key=lambda x: (pw[x.person_id].free(week), -x.pk))
        out.append(Proposal(
            kind=SuggestionKind.REBALANCE, pod_id=pod_id, subject=f"protected:{pod_id}",
            summary=f"Protect {a.person}'s time in {a.pod}: {a.allocation_percent}% → {thr}%", score=40.0,
            rationale=[f"{protected} of {len(members)} members of {a.pod} have protected time (≥ {thr}%); "
                       f"the organization's target is {target}%.",
                       f"{a.person} has {pw[a.person_id].free(week):g} h free this week."],
            inputs={"pod": pod_id, "protected": protected, "members": len(members), "threshold": thr},
            person_id=a.person_id, assignment_id=a.pk,
            changes=[{"op": "set_allocation", "assignment": a.pk, "allocation_percent": thr}]))
    # 3. Two pods competing for one scarce skill: an unmatched request beside a matched one.
    matched = {p.request_id for p in adds.proposals}
    by_id = {r.pk: r for r in requests}
    for miss in adds.unmatched:
        r = by_id[miss["request"]]
        if miss["candidates"] == 0:
            continue  # nobody fits at all: a skill gap, not a competition
        skills = {rs.skill_id for rs in r.skills.all()}
        rival = next((o for o in requests if o.pk in matched and o.pod_id != r.pod_id
                      and skills & {rs.skill_id for rs in o.skills.all()}
                      and o.start_date < r.end_date and r.start_date < o.end_date), None)
        if rival is None:
            continue
        shared = sorted(skills & {rs.skill_id for rs in rival.skills.all()})[0]
        name = next(rs.skill.name for rs in r.skills.all() if rs.skill_id == shared)
        out.append(Proposal(
            kind=SuggestionKind.REBALANCE, pod_id=r.pod_id, subject=f"skill:{shared}",
            summary=f"{r.pod} and {rival.pod} compete for {name}", score=30.0,
            rationale=[f"“{r.title}” ({r.pod}) and “{rival.title}” ({rival.pod}) both need {name} over "
                       "overlapping weeks; the holders with time free can fill only one.",
                       "Move one request's dates, lower its hours, or agree which pod goes first."],
            inputs={"request": r.pk, "other_request": rival.pk, "skill": shared},
            request_id=r.pk, other_request_id=rival.pk, skill_id=shared))
    return out


def _sync(organization: Organization, proposals: list[Proposal], now: datetime.datetime) -> tuple[int, int]:
    """Make the open (worker) suggestions match the proposals: keep those within tolerance, withdraw
    those that no longer hold, create the new ones (not those dismissed with the same inputs)."""
    existing = {(s.pod_id, s.kind, s.subject): s for s in ScalingSuggestion.objects.for_org(organization)
                .select_for_update().filter(status=SuggestionStatus.OPEN, manual=False).order_by("pk")}
    dismissed = set(ScalingSuggestion.objects.for_org(organization).filter(
        status=SuggestionStatus.DISMISSED).values_list("kind", "subject", "person_id", "inputs_hash"))
    wanted = {p.key: p for p in proposals}
    withdraw: list[int] = []
    create: list[ScalingSuggestion] = []
    for key, s in existing.items():
        p = wanted.get(key)
        if p is None or p.person_id != s.person_id or abs(p.score - s.score) > TOLERANCE:
            withdraw.append(s.pk)
    for key, p in wanted.items():
        current = existing.get(key)
        if current is not None and current.pk not in withdraw:
            continue
        h = solver.inputs_hash(p.inputs)
        if (p.kind, p.subject, p.person_id, h) in dismissed:
            continue
        create.append(ScalingSuggestion(
            organization=organization, kind=p.kind, pod_id=p.pod_id, subject=p.subject, person_id=p.person_id,
            request_id=p.request_id, other_request_id=p.other_request_id, assignment_id=p.assignment_id,
            skill_id=p.skill_id, score=p.score, summary=p.summary[:300], rationale=p.rationale, inputs=p.inputs,
            inputs_hash=h, changes=p.changes, computed_at=now))
    if withdraw:
        ScalingSuggestion.objects.for_org(organization).filter(pk__in=withdraw).update(
            status=SuggestionStatus.WITHDRAWN, decided_at=now, dismiss_reason="No longer holds.")
    ScalingSuggestion.objects.bulk_create(create)
    return len(create), len(withdraw)


@org_write.service(BENCH)
def suggestions_recompute(*, organization: Organization, today: datetime.date | None = None) -> BenchRun:
    """Recompute every suggestion of the organization in one transaction (a killed worker leaves the
    last good set); concurrent runs for one organization queue on an advisory lock."""
    started = time.monotonic()
    today = today or timezone.localdate()
    with connection.cursor() as cur:
        cur.execute("SELECT pg_advisory_xact_lock(%s, %s)", [0x62656E63, organization.pk])
    staffing_requests_expire(organization=organization, today=today)
    requests = ms.open_requests(organization=organization)
    recent = _recent_opposites(organization, today)
    adds = compute_adds(organization, requests, today, blocked=recent[SuggestionKind.RELEASE])
    proposals = [*adds.proposals, *compute_releases(organization, today, blocked=recent[SuggestionKind.ADD]),
                 *compute_rebalances(organization, today, adds, requests)]
    now = timezone.now()
    created, withdrawn = _sync(organization, proposals, now)
    with_open = set(ScalingSuggestion.objects.for_org(organization).filter(
        status=SuggestionStatus.OPEN, kind=SuggestionKind.ADD).values_list("request_id", flat=True))
    for r in requests:
        status = RequestStatus.PROPOSED if r.pk in with_open else RequestStatus.OPEN
        if r.status != status:
            StaffingRequest.objects.for_org(organization).filter(
                pk=r.pk, status__in=(RequestStatus.OPEN, RequestStatus.PROPOSED)).update(status=status)
    return BenchRun.objects.create(
        organization=organization, finished_at=now, seconds=round(time.monotonic() - started, 3),
        requests=len(requests), candidates=adds.candidates, created=created, withdrawn=withdrawn,
        objective=adds.objective, greedy_objective=adds.greedy_objective, unmatched=adds.unmatched)


# --- Acting on a suggestion -----------------------------------------------------------------------


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
    request.assignment, request.filled_at = a, timezone.now()
    request.save(update_fields=["status", "assignment", "filled_at", "updated_at"])
    current_write().audit("staffing_request.filled", target=request, before=before,
                          after={"status": request.status, "assignment": a.pk, "person": person.pk})
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


@org_write.service(BENCH, STAFFING)
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
    current_write().touch(STAFFING)
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
