"""The pure part of the scaling suggestions: scores and the joint match. No Django, no database.

`score_pair(inputs)` scores one candidate for one request from the plain inputs that are stored
with the suggestion, so recomputing from them gives the same score. `solve()` chooses candidates
for ALL open requests at once: a 0/1 integer program (SciPy's `milp`, the HiGHS solver)

    maximise   Σ weight(r, p) · x(r, p)
    subject to Σ_{r ∈ s, p} x(r, p) ≤ 1                  for every slot s (a pod and skill; see below)
               Σ_r need(r, p, w) · x(r, p) ≤ free(p, w)  for every person p and week w
               Σ_{r, p} cost(r, p, b) · x(r, p) ≤ room(b)  for every limited budget b (a pod's quarter)
               Σ_{r ∈ P} x(r, p) ≤ 1                  for every person p and pod P (one assignment each)
               x ∈ {0, 1}

so nobody is committed past their cap in any single week of any window, and the suggestions of a
pod together never spend more than its budget has left in any quarter. A slot is what keys the
open suggestion (one per pod, kind and skill): two requests of one pod for the same key skill share
one, so at most one of them is suggested at a time. The greedy answer (requests by priority, each
taking its best remaining candidate) is computed too: the joint
answer is returned unless the solver failed or hit its time limit with something worse, so the
result is never worse than greedy.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

# Weights of the score's parts (they sum to 100).
W_SKILL, W_HEADROOM, W_CONTINUITY, W_COST = 45.0, 20.0, 20.0, 15.0
EPS = 1e-6


def priority_factor(priority: int) -> float:
    """How much more a filled critical request is worth than a low one, in the joint objective."""
    return 1.0 + 0.5 * (max(1, min(4, int(priority))) - 1)


def inputs_hash(inputs: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(inputs, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def hard_filter(inputs: dict[str, Any]) -> str | None:
    """Why this candidate is out (None: it passes). Skills at or above the level, within the cap in
    every week of the window (one week over is out), not on time off."""
    for _sid, name, min_level, level in inputs["skills"]:
        if level is None or level < min_level:
            return f"{name} below level {min_level}"
    off = set(inputs.get("off_weeks", []))
    for i, (need, free) in enumerate(zip(inputs["need"], inputs["free"], strict=True)):
        if i in off:
            return f"on time off in week {i + 1}"
        if need > free + EPS:
            return f"over the cap in week {i + 1}"
    return None


def score_parts(inputs: dict[str, Any]) -> dict[str, float]:
    skills = inputs["skills"]
    skill_fit = sum(0.7 + 0.3 * (level - min_level) / max(1, 5 - min_level)
                    for _sid, _n, min_level, level in skills) / max(1, len(skills))
    headroom = min(((free - need) / cap if cap > 0 else 0.0)
                   for need, free, cap in zip(inputs["need"], inputs["free"], inputs["cap"], strict=True))
    max_rate = float(inputs.get("max_rate") or 0)
    cost_fit = 1.0 - (float(inputs.get("rate") or 0) / max_rate if max_rate > 0 else 0.0)
    return {
        "skills": round(W_SKILL * min(1.0, skill_fit), 3),
        "headroom": round(W_HEADROOM * max(0.0, min(1.0, headroom)), 3),
        "continuity": W_CONTINUITY if inputs.get("continuity") else 0.0,
        "cost": round(W_COST * max(0.0, min(1.0, cost_fit)), 3),
    }


def score_pair(inputs: dict[str, Any]) -> float:
    """The candidate's score, 0–100, from its stored inputs alone."""
    return round(sum(score_parts(inputs).values()), 3)


def rationale(inputs: dict[str, Any]) -> list[str]:
    """The score in plain words."""
    parts = score_parts(inputs)
    skills = ", ".join(f"{name} at level {level} (needs {min_level})" for _s, name, min_level, level in inputs["skills"])
    lines = [f"Skills: {skills}." if skills else "No skill was required."]
    spare = [round(f - n, 1) for n, f in zip(inputs["need"], inputs["free"], strict=True)]
    lines.append(f"Free in every one of the {len(spare)} week(s): needs {max(inputs['need'], default=0):g} h/week, "
                 f"leaves {min(spare, default=0):g}–{max(spare, default=0):g} h spare.")
    lines.append("Has worked in this pod before: continuity." if inputs.get("continuity")
                 else "New to this pod.")
    cost = float(inputs.get("rate") or 0) * sum(inputs["need"])
    lines.append(f"Cost {cost:,.0f} at {float(inputs.get('rate') or 0):g}/h over the window."
                 if cost else "No bench cost (internal capacity).")
    lines.append("Score " + " + ".join(f"{k} {v:g}" for k, v in parts.items()) + f" = {score_pair(inputs):g}.")
    return lines


@dataclass(frozen=True)
class Candidate:
    """A (request, person) pair that passed the hard filters."""

    request_id: int
    person_id: int
    score: float
    priority: int
    need: tuple[tuple[int, float], ...]  # (absolute week index, hours) for each week of the window
    incumbent: float = 0.0  # a bonus for the open suggestion's person: small gains do not flap
    slot: Any = None  # what keys its suggestion (a pod and skill); None: the request alone
    once: Any = None  # at most one chosen candidate per value (a person and pod: one assignment each)
    costs: tuple[tuple[Any, float], ...] = ()  # (limited budget, what accepting would hold on it)

    @property
    def slot_key(self) -> Any:
        return ("request", self.request_id) if self.slot is None else self.slot

    @property
    def weight(self) -> float:
        return (self.score + self.incumbent) * priority_factor(self.priority)


@dataclass
class Solution:
    chosen: dict[int, Candidate] = field(default_factory=dict)  # request id -> candidate
    objective: float = 0.0
    greedy_objective: float = 0.0
    method: str = "joint"


def _order(cands: Iterable[Candidate]) -> list[Candidate]:
    return sorted(cands, key=lambda c: (c.request_id, c.person_id))


def _fits(c: Candidate, left: dict[tuple[int, int], float], room: dict[Any, float]) -> bool:
    return (all(h <= left.get((c.person_id, w), 0.0) + EPS for w, h in c.need)
            and all(cost <= room.get(b, 0.0) + EPS for b, cost in c.costs))


def greedy(candidates: Iterable[Candidate], free: dict[tuple[int, int], float],
           budget: dict[Any, float] | None = None) -> dict[int, Candidate]:
    """One request at a time (priority, then id), each taking its best candidate still free (and
    within its pod's budget), one per slot."""
    left = dict(free)
    room = dict(budget or {})
    taken: set[Any] = set()
    by_request: dict[int, list[Candidate]] = defaultdict(list)
    for c in _order(candidates):
        by_request[c.request_id].append(c)
    chosen: dict[int, Candidate] = {}
    for rid in sorted(by_request, key=lambda r: (-by_request[r][0].priority, r)):
        for c in sorted(by_request[rid], key=lambda c: (-c.weight, c.person_id)):
            if c.slot_key not in taken and (c.once is None or ("once", c.once) not in taken) \
                    and _fits(c, left, room):
                for w, h in c.need:
                    left[(c.person_id, w)] = left.get((c.person_id, w), 0.0) - h
                for b, cost in c.costs:
                    room[b] = room.get(b, 0.0) - cost
                taken.add(c.slot_key)
                if c.once is not None:
                    taken.add(("once", c.once))
                chosen[rid] = c
                break
    return chosen


def total(chosen: dict[int, Candidate]) -> float:
    return round(sum(c.weight for c in chosen.values()), 6)


def feasible(chosen: dict[int, Candidate], free: dict[tuple[int, int], float],
             budget: dict[Any, float] | None = None) -> bool:
    used: dict[tuple[int, int], float] = defaultdict(float)
    spent: dict[Any, float] = defaultdict(float)
    slots = [c.slot_key for c in chosen.values()]
    onces = [c.once for c in chosen.values() if c.once is not None]
    for c in chosen.values():
        for w, h in c.need:
            used[(c.person_id, w)] += h
        for b, cost in c.costs:
            spent[b] += cost
    return (len(slots) == len(set(slots)) and len(onces) == len(set(onces)) and all(h <= free.get(k, 0.0) + EPS for k, h in used.items())
            and all(v <= (budget or {}).get(b, 0.0) + EPS for b, v in spent.items()))


def _joint(cands: list[Candidate], free: dict[tuple[int, int], float], budget: dict[Any, float],
           time_limit: float) -> dict[int, Candidate] | None:
    import numpy as np
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import coo_array

    n = len(cands)
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    upper: list[float] = []
    row_of: dict[Any, int] = {}

    def add(j: int, key: Any, bound: float, value: float) -> None:
        """Candidate j uses `value` of the constraint row `key`, whose upper bound is `bound`."""
        if key not in row_of:
            row_of[key] = len(upper)
            upper.append(bound)
        rows.append(row_of[key])
        cols.append(j)
        vals.append(value)

    for j, c in enumerate(cands):
        add(j, ("slot", c.slot_key), 1.0, 1.0)
        if c.once is not None:
            add(j, ("once", c.once), 1.0, 1.0)
        for b, cost in c.costs:
            add(j, ("budget", b), max(0.0, budget.get(b, 0.0)) + EPS, cost)
        for w, h in c.need:
            add(j, ("cell", c.person_id, w), max(0.0, free.get((c.person_id, w), 0.0)) + EPS, h)
    a = coo_array((vals, (rows, cols)), shape=(len(upper), n)).tocsr()
    weights = np.array([-c.weight for c in cands])
    res = milp(weights, constraints=LinearConstraint(a, -np.inf, np.array(upper)),
               integrality=np.ones(n), bounds=Bounds(0, 1),
               options={"time_limit": time_limit, "mip_rel_gap": 1e-9, "presolve": True})
    if res.x is None:
        return None
    return {c.request_id: c for c, x in zip(cands, res.x, strict=True) if x > 0.5}


def solve(candidates: Iterable[Candidate], free: dict[tuple[int, int], float],
          *, budget: dict[Any, float] | None = None, time_limit: float = 8.0) -> Solution:
    """Choose at most one candidate per slot (so per request), jointly, within every person's free
    hours in every week (`free[(person, week)]`) and within what every limited budget has left
    (`budget[b]`; a candidate's `costs` name the budgets it would draw on)."""
    cands = _order(candidates)
    room = dict(budget or {})
    greedy_pick = greedy(cands, free, room)
    sol = Solution(greedy_objective=total(greedy_pick))
    joint = _joint(cands, free, room, time_limit) if cands else {}
    if joint is not None and feasible(joint, free, room) and total(joint) >= sol.greedy_objective - EPS:
        sol.chosen, sol.method = joint, "joint"
    else:
        sol.chosen, sol.method = greedy_pick, "greedy"
    sol.objective = total(sol.chosen)
    return sol
