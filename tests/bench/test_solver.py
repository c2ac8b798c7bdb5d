"""The pure solver: the joint answer never exceeds anyone's free hours in any week, and is never
worse than choosing one request at a time; a case where it is strictly better."""

from __future__ import annotations

from collections import defaultdict

from hypothesis import given, settings
from hypothesis import strategies as st

from bench import solver
from bench.solver import Candidate


def _used(chosen):
    used = defaultdict(float)
    for c in chosen.values():
        for w, h in c.need:
            used[(c.person_id, w)] += h
    return used


@st.composite
def problems(draw):
    people = draw(st.integers(1, 5))
    weeks = draw(st.integers(1, 4))
    free = {(p, w): float(draw(st.integers(0, 40))) for p in range(people) for w in range(weeks)}
    cands = []
    for r in range(draw(st.integers(1, 7))):
        start = draw(st.integers(0, weeks - 1))
        end = draw(st.integers(start, weeks - 1))
        hours = float(draw(st.sampled_from([8, 10, 16, 20, 30, 40])))
        priority = draw(st.integers(1, 4))
        for p in draw(st.sets(st.integers(0, people - 1), max_size=people)):
            cands.append(Candidate(request_id=r, person_id=p, score=float(draw(st.integers(1, 100))),
                                   priority=priority, need=tuple((w, hours) for w in range(start, end + 1))))
    return cands, free


@settings(max_examples=150, deadline=None)
@given(problems())
def test_joint_never_over_commits_and_is_no_worse_than_greedy(problem):
    cands, free = problem
    sol = solver.solve(cands, free)
    for key, hours in _used(sol.chosen).items():
        assert hours <= free[key] + 1e-6
    assert sol.objective >= solver.total(solver.greedy(cands, free)) - 1e-6
    assert all(c.request_id == rid for rid, c in sol.chosen.items())


def test_joint_strictly_better_than_greedy():
    x, y = 1, 2
    cands = [
        Candidate(request_id=10, person_id=x, score=90, priority=4, need=((0, 30),)),
        Candidate(request_id=10, person_id=y, score=70, priority=4, need=((0, 30),)),
        Candidate(request_id=11, person_id=x, score=80, priority=2, need=((0, 30),)),
    ]
    free = {(x, 0): 40.0, (y, 0): 40.0}
    greedy = solver.greedy(cands, free)
    assert {r: c.person_id for r, c in greedy.items()} == {10: x}
    sol = solver.solve(cands, free)
    assert {r: c.person_id for r, c in sol.chosen.items()} == {10: y, 11: x}
    assert sol.method == "joint" and sol.objective > sol.greedy_objective


def test_score_is_a_function_of_the_stored_inputs():
    inputs = {"skills": [[1, "CV", 3, 4]], "need": [20.0, 20.0], "free": [40.0, 30.0], "cap": [40.0, 40.0],
              "off_weeks": [], "continuity": True, "rate": 50.0, "max_rate": 100.0}
    assert solver.hard_filter(inputs) is None
    assert solver.score_pair(inputs) == solver.score_pair(dict(inputs)) == 70.75  # 38.25 skills + 5 headroom + 20 continuity + 7.5 cost
    assert solver.hard_filter({**inputs, "free": [40.0, 19.0]}) == "over the cap in week 2"
    assert solver.hard_filter({**inputs, "off_weeks": [0]}) == "on time off in week 1"


def test_one_candidate_per_slot_even_with_people_to_spare():
    """Two requests keyed to one slot (a pod and skill): one is chosen, the better one."""
    cands = [Candidate(request_id=r, person_id=p, score=s, priority=2, need=((0, 10),), slot=(7, 1))
             for r, p, s in ((1, 1, 60), (2, 2, 80))]
    sol = solver.solve(cands, {(1, 0): 40.0, (2, 0): 40.0})
    assert {r: c.person_id for r, c in sol.chosen.items()} == {2: 2}
    assert solver.greedy(cands, {(1, 0): 40.0, (2, 0): 40.0}).keys() == {1}  # first come, first served


def test_the_budget_limits_what_is_chosen_together():
    """Both requests fit the pod's budget alone, not together; the dear candidate does not fit at all."""
    b = (7, "2026Q4")
    cands = [
        Candidate(request_id=1, person_id=1, score=90, priority=2, need=((0, 10),), costs=((b, 700.0),)),
        Candidate(request_id=1, person_id=2, score=60, priority=2, need=((0, 10),), costs=((b, 400.0),)),
        Candidate(request_id=2, person_id=3, score=70, priority=2, need=((0, 10),), costs=((b, 500.0),)),
    ]
    free = {(p, 0): 40.0 for p in (1, 2, 3)}
    sol = solver.solve(cands, free, budget={b: 1000.0})
    assert {r: c.person_id for r, c in sol.chosen.items()} == {1: 2, 2: 3}  # 900 of 1,000
    assert solver.feasible(sol.chosen, free, {b: 1000.0})
    assert sum(cost for c in solver.greedy(cands, free, {b: 1000.0}).values() for _b, cost in c.costs) <= 1000


@settings(max_examples=100, deadline=None)
@given(problems(), st.integers(0, 3000), st.data())
def test_joint_never_exceeds_a_budget_or_fills_a_slot_twice(problem, room, data):
    cands, free = problem
    b = "pod-quarter"
    priced = [Candidate(request_id=c.request_id, person_id=c.person_id, score=c.score, priority=c.priority,
                        need=c.need, slot=c.request_id % 3,
                        costs=((b, float(data.draw(st.integers(0, 1500)))),)) for c in cands]
    sol = solver.solve(priced, free, budget={b: float(room)})
    assert sum(cost for c in sol.chosen.values() for _b, cost in c.costs) <= room + 1e-6
    assert len({c.slot_key for c in sol.chosen.values()}) == len(sol.chosen)
    assert sol.objective >= solver.total(solver.greedy(priced, free, {b: float(room)})) - 1e-6
