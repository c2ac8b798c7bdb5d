"""Progress and status of outcomes and themes: derived, never typed in. Pure functions.

- increase / decrease: (current − baseline) / (target − baseline), unclamped (1.25 is 125%);
- stay above / stay below / within range: 1.0 when met, 0.0 when not;
- a theme: the weighted mean of its outcomes' progress (an outcome not yet measured counts 0);
- status from the pace: the progress against the share of the outcome's time that has elapsed
  (on track at ≥ 90% of the expected progress, behind at ≥ 60%, at risk below); a kept
  threshold (above/below/range) is on track when met and at risk when not;
- stale: no measurement within the cadence. A stale outcome is never on track: its status is
  `stale` (the pace it had is kept apart, as `pace`).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

ON_TRACK, BEHIND, AT_RISK, STALE = "on_track", "behind", "at_risk", "stale"
STATUSES = (ON_TRACK, BEHIND, AT_RISK, STALE)
STATUS_LABELS = {ON_TRACK: "On track", BEHIND: "Behind", AT_RISK: "At risk", STALE: "Stale"}
STATUS_CHOICES = list(STATUS_LABELS.items())
ON_TRACK_PACE, BEHIND_PACE = 0.9, 0.6


def progress_of(*, direction: str, baseline: float, target: float, target_max: float | None,
                current: float | None) -> float | None:
    """The outcome's progress as a fraction (None until measured)."""
    if current is None:
        return None
    if direction in ("increase", "decrease"):
        if target == baseline:
            return None  # refused when written; never divide by zero on old rows
        return (current - baseline) / (target - baseline)
    if direction == "stay_above":
        return 1.0 if current >= target else 0.0
    if direction == "stay_below":
        return 1.0 if current <= target else 0.0
    if direction == "within_range":
        high = target_max if target_max is not None else target
        return 1.0 if target <= current <= high else 0.0
    raise ValueError(f"unknown direction {direction!r}")


def elapsed_share(start: datetime.date, due: datetime.date, today: datetime.date) -> float:
    """The share of [start, due] behind us, 0–1."""
    span = (due - start).days
    if span <= 0:
        return 1.0
    return min(1.0, max(0.0, (today - start).days / span))


def is_stale(*, cadence_days: int, last_at: datetime.datetime | None, start: datetime.date,
             now: datetime.datetime) -> bool:
    """No measurement within the cadence (counting from the start until the first one)."""
    grace = datetime.timedelta(days=cadence_days)
    if last_at is None:
        return now.date() > start + grace
    return now - last_at > grace


def pace_status(*, direction: str, progress: float | None, expected: float) -> str:
    if progress is None:
        return AT_RISK if expected >= 0.5 else BEHIND
    if direction not in ("increase", "decrease"):
        return ON_TRACK if progress >= 1 else AT_RISK
    if progress >= 1 or progress >= expected * ON_TRACK_PACE:
        return ON_TRACK
    if progress >= expected * BEHIND_PACE:
        return BEHIND
    return AT_RISK


@dataclass(frozen=True)
class OutcomeState:
    progress: float | None  # fraction, unclamped
    expected: float  # the share of the time elapsed: where a steady pace would be
    pace: str  # on_track / behind / at_risk by pace alone
    stale: bool
    status: str  # the pace, or `stale`

    @property
    def percent(self) -> int | None:
        return None if self.progress is None else round(self.progress * 100)

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]


def outcome_state(outcome: Any, now: datetime.datetime) -> OutcomeState:
    """Everything derived about one outcome row (no query: the row carries its latest reading)."""
    progress = progress_of(direction=outcome.direction, baseline=outcome.baseline, target=outcome.target,
                           target_max=outcome.target_max, current=outcome.current_value)
    expected = elapsed_share(outcome.start_date, outcome.due_date, now.date())
    pace = pace_status(direction=outcome.direction, progress=progress, expected=expected)
    stale = is_stale(cadence_days=outcome.cadence_days, last_at=outcome.current_at,
                     start=outcome.start_date, now=now)
    return OutcomeState(progress=progress, expected=expected, pace=pace, stale=stale,
                        status=STALE if stale else pace)


def theme_progress(outcomes: list[Any], states: dict[int, OutcomeState]) -> float | None:
    """Weighted mean of the outcomes' progress; an outcome not yet measured counts 0."""
    total = sum(o.weight for o in outcomes)
    if not total:
        return None
    return sum(o.weight * (states[o.pk].progress or 0.0) for o in outcomes) / total
