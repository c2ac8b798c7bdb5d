"""`release` and `rebalance` proposals: people back to the bench on time, people over their cap,
pods below the protected-time share, and pods competing for one scarce skill."""

from __future__ import annotations

import datetime
from collections import defaultdict

from bench import matching_selectors as ms
from bench import solver
from bench.models import (
    BenchEntry,
    StaffingRequest,
    SuggestionKind,
)
from bench.services.add_proposals import AddResult, Proposal
from pods.models import Assignment, PodStatus
from pods.selectors import assignments_overlapping
from tenancy.models import Organization

RELEASE_WITHIN_DAYS = 14


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
