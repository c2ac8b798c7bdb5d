"""Golden tests for derived progress and status (strategy/progress.py, quarters)."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest

from strategy.progress import AT_RISK, BEHIND, ON_TRACK, STALE, outcome_state, progress_of, theme_progress
from strategy.quarters import quarter_from_key, quarter_of

UTC = datetime.UTC


@pytest.mark.parametrize(("direction", "baseline", "target", "target_max", "current", "expected"), [
    ("decrease", 100, 60, None, 80, 0.5),  # the example
    ("increase", 70, 80, None, 75, 0.5),
    ("increase", 10, 20, None, 22.5, 1.25),  # unclamped: 125%
    ("increase", 10, 20, None, 5, -0.5),  # went the wrong way
    ("decrease", 100, 60, None, 50, 1.25),
    ("stay_above", 0, 99.5, None, 99.7, 1.0),
    ("stay_above", 0, 99.5, None, 99.4, 0.0),
    ("stay_below", 0, 200, None, 180, 1.0),
    ("stay_below", 0, 200, None, 201, 0.0),
    ("within_range", 0, 40, 60, 50, 1.0),
    ("within_range", 0, 40, 60, 61, 0.0),
    ("increase", 70, 80, None, None, None),
])
def test_progress_by_direction(direction, baseline, target, target_max, current, expected):
    got = progress_of(direction=direction, baseline=baseline, target=target, target_max=target_max,
                      current=current)
    assert got == pytest.approx(expected) if expected is not None else got is None


def _outcome(**kw):
    fields = dict(pk=1, direction="increase", baseline=0.0, target=100.0, target_max=None,
                  start_date=datetime.date(2026, 1, 1), due_date=datetime.date(2026, 3, 31),
                  cadence_days=7, weight=1, current_value=None, current_at=None)
    fields.update(kw)
    return SimpleNamespace(**fields)


def test_pace_against_time_elapsed():
    now = datetime.datetime(2026, 2, 15, tzinfo=UTC)  # about half the outcome's time
    fresh = now - datetime.timedelta(days=1)
    assert outcome_state(_outcome(current_value=50, current_at=fresh), now).status == ON_TRACK
    assert outcome_state(_outcome(current_value=35, current_at=fresh), now).status == BEHIND
    assert outcome_state(_outcome(current_value=10, current_at=fresh), now).status == AT_RISK
    assert outcome_state(_outcome(current_value=120, current_at=fresh), now).status == ON_TRACK


def test_stale_is_never_on_track():
    now = datetime.datetime(2026, 2, 15, tzinfo=UTC)
    ahead_but_old = _outcome(current_value=90, current_at=now - datetime.timedelta(days=8))
    state = outcome_state(ahead_but_old, now)
    assert state.pace == ON_TRACK and state.stale and state.status == STALE
    within_cadence = _outcome(current_value=90, current_at=now - datetime.timedelta(days=6))
    assert outcome_state(within_cadence, now).status == ON_TRACK
    never_measured = _outcome(start_date=datetime.date(2026, 2, 1))
    assert outcome_state(never_measured, now).status == STALE  # 14 days > a weekly cadence


def test_kept_threshold_is_on_track_when_met():
    now = datetime.datetime(2026, 2, 15, tzinfo=UTC)
    kept = _outcome(direction="stay_above", target=99.5, current_value=99.9, current_at=now)
    broken = _outcome(direction="stay_above", target=99.5, current_value=98.0, current_at=now)
    assert outcome_state(kept, now).status == ON_TRACK
    assert outcome_state(broken, now).status == AT_RISK


def test_theme_progress_is_the_weighted_mean():
    now = datetime.datetime(2026, 2, 15, tzinfo=UTC)
    a = _outcome(pk=1, weight=3, current_value=100, current_at=now)  # 100%
    b = _outcome(pk=2, weight=1, current_value=20, current_at=now)  # 20%
    c = _outcome(pk=3, weight=1)  # not measured: counts 0
    states = {o.pk: outcome_state(o, now) for o in (a, b, c)}
    assert theme_progress([a, b, c], states) == pytest.approx((3 * 1.0 + 0.2) / 5)
    assert theme_progress([], {}) is None


@pytest.mark.parametrize(("start_month", "day", "label", "key"), [
    (1, datetime.date(2026, 5, 10), "Q2 2026 · Apr–Jun 2026", "2026-04"),
    (4, datetime.date(2026, 5, 10), "Q1 2026 · Apr–Jun 2026", "2026-04"),
    (4, datetime.date(2027, 2, 1), "Q4 2026 · Jan–Mar 2027", "2027-01"),
    (11, datetime.date(2026, 12, 31), "Q1 2026 · Nov–Jan 2027", "2026-11"),
])
def test_quarters_follow_the_organizations_start_month(start_month, day, label, key):
    q = quarter_of(day, start_month)
    assert (q.label, q.key) == (label, key)
    assert q.contains(day) and not q.contains(q.end + datetime.timedelta(days=1))
    assert quarter_from_key(key, start_month) == q
    assert q.next(start_month).start == q.end + datetime.timedelta(days=1)
