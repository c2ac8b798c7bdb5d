"""`add` proposals: candidates for every open request, chosen jointly (`bench.solver`) so that
nobody's hours are over-committed in any week nor any pod's services budget in any quarter, one per
pod and key skill, each with its rationale and the inputs it came from."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError

from bench import matching_selectors as ms
from bench import solver
from bench.models import (
    ScalingSuggestion,
    StaffingRequest,
    SuggestionKind,
    SuggestionStatus,
)
from bench.services.budget import (
    engagement_cost,
    engagement_quarters,
    rationale_budget_line,
    services_budget_room,
    weeks_by_quarter,
)
from bench.services.requests import CONTINUITY_DAYS, add_inputs
from tenancy.models import Organization, Person

TOP_K = 30  # candidates kept per request for the joint solve (by score)
TOLERANCE = 2.0  # score points: a change smaller than this keeps the open suggestion as it is


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
    # The budget is a constraint of the joint solve: what each pod's services budget has left per
    # quarter (those without overrun), which no pod's suggestions together may exceed.
    room = services_budget_room(organization=organization, pod_ids={r.pod_id for r in requests},
                                quarters=engagement_quarters(requests))
    limits = {k: float(left) for k, (left, overrun) in room.items() if not overrun}
    cands: list[solver.Candidate] = []
    inputs_of: dict[tuple[int, int], dict[str, Any]] = {}
    counts: dict[int, int] = {}
    over_budget: dict[int, int] = defaultdict(int)
    dismissed_pairs = {(rid, pid) for rid, pid, _h in dismissed}
    for rid, r in by_id.items():
        # Per request once, not per candidate: its skills (names, levels), its weeks, its slot and the
        # weeks it spends in each quarter whose budget limits it.
        r_skills = [(rs.skill_id, rs.skill.name, rs.min_level) for rs in r.skills.all()]
        weeks = ms.window_weeks(r.start_date, r.end_date)
        slot = (r.pod_id, r.key_skill_id())
        limited = [(q, n) for q, n in sorted(weeks_by_quarter(r.start_date, r.end_date).items())
                   if (r.pod_id, q) in limits]
        mine: list[solver.Candidate] = []
        for pid in pairs.get(rid, ()):
            if pid not in pw or (pid, r.pod_id) in blocked:
                continue
            p, need = pw[pid], ms.need_hours(r, pw[pid].capacity)
            if need is None:
                continue
            free_of, limit = p.free, need - solver.EPS
            if (p.off and any(w in p.off for w in weeks)) or any(free_of(w) < limit for w in weeks):
                continue  # away or over the cap in some week: out before its inputs are built
            inputs = add_inputs(request=r, person_weeks=pw[pid],
                                levels={s: levels.get((pid, s)) for s, _n, _l in r_skills},
                                continuity=(r.pod_id, pid) in history, max_rate=max_rate, skills=r_skills)
            if inputs is None or solver.hard_filter(inputs):
                continue
            # Hashing every candidate's inputs is costly at scale: only a pair once dismissed needs it.
            if (rid, pid) in dismissed_pairs and (rid, pid, solver.inputs_hash(inputs)) in dismissed:
                continue
            costs = tuple(((r.pod_id, q), float(engagement_cost(
                rate_per_hour=Decimal(str(inputs["rate"] or 0)), hours_per_week=inputs["need"][0], weeks=n)))
                for q, n in limited) if inputs["rate"] else ()
            if any(cost > limits[b] + solver.EPS for b, cost in costs):
                over_budget[rid] += 1  # alone it would already be refused: never suggested
                continue
            mine.append(solver.Candidate(request_id=rid, person_id=pid, score=solver.score_pair(inputs),
                                         priority=r.priority, need=tuple((w, inputs["need"][0]) for w in weeks),
                                         incumbent=TOLERANCE if (rid, pid) in incumbents else 0.0,
                                         slot=slot, once=(pid, r.pod_id), costs=tuple((b, c) for b, c in costs if c > 0)))
            inputs_of[(rid, pid)] = inputs
        mine.sort(key=lambda c: (-c.score, c.person_id))
        cands.extend(mine[:TOP_K])
        counts[rid] = len(mine)
    free = {(c.person_id, w): pw[c.person_id].free(w) for c in cands for w, _h in c.need}
    sol = solver.solve(cands, free, budget=limits)
    # Requests left without anyone: a skill gap when nobody fits at all, else lost to a rival (or to
    # the pod's budget, or to its own open suggestion for the same skill).
    unmatched = [{"request": rid, "pod": r.pod_id, "title": r.title, "candidates": counts[rid],
                  "skills": sorted(rs.skill.name for rs in r.skills.all()),
                  "skill_holders": len(pairs.get(rid, ())), "over_budget": over_budget.get(rid, 0)}
                 for rid, r in by_id.items() if rid not in sol.chosen]
    greedy_pick = solver.greedy(cands, free, limits)
    names = dict(Person.objects.for_org(organization).filter(pk__in={c.person_id for c in cands})
                 .values_list("pk", "full_name")) if cands else {}
    out: list[Proposal] = []
    joint_of_person = defaultdict(list)
    for rid, c in sol.chosen.items():
        joint_of_person[c.person_id].append(rid)
    for rid, c in sorted(sol.chosen.items()):
        r, inputs = by_id[rid], inputs_of[(rid, c.person_id)]
        try:
            lines = rationale_budget_line(solver.rationale(inputs), request=r, inputs=inputs, room=room)
        except ValidationError:  # the solve keeps within every budget; a cent of rounding never slips through
            continue
        g = greedy_pick.get(rid)
        if g is not None and g.person_id != c.person_id:
            where = [by_id[x].title for x in joint_of_person.get(g.person_id, [])]
            lines.append(f"Chosen jointly: one request at a time, {names.get(g.person_id)} (score {g.score:g}) "
                         f"would have taken this" + (f", but is needed for {', '.join(where)}" if where else "")
                         + "; the joint answer fills more requests in total.")
        skill_id = r.key_skill_id()
        out.append(Proposal(kind=SuggestionKind.ADD, pod_id=r.pod_id, subject=f"skill:{skill_id}",
                            summary=f"Add {names.get(c.person_id)} to {r.pod} as {r.title}",
                            score=c.score, rationale=lines, inputs=inputs, person_id=c.person_id,
                            request_id=rid, skill_id=skill_id))
    return AddResult(out, len(cands), sol.objective, sol.greedy_objective, unmatched)
