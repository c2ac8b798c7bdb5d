"""The outcome chart, laid out server-side as SVG coordinates (no script, no CDN): readings over
time, the baseline and target lines, and the pace line from the baseline at the start to the
target at the due date (where a steady pace would be)."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

W, H, PAD_L, PAD_R, PAD_T, PAD_B = 640, 220, 56, 16, 14, 34


def _fmt(v: float) -> str:
    return f"{v:,.4g}"


def outcome_chart(outcome: Any, readings: list[Any]) -> dict[str, Any]:
    """Coordinates for `templates/strategy/_outcome_chart.html`; readings are Measurement rows."""
    start = datetime.datetime.combine(outcome.start_date, datetime.time.min, tzinfo=datetime.UTC)
    due = datetime.datetime.combine(outcome.due_date, datetime.time.max, tzinfo=datetime.UTC)
    times = [m.measured_at for m in readings]
    t0 = min([start, *times])
    t1 = max([due, *times, timezone.now()]) if times else max(due, start + datetime.timedelta(days=1))
    values = [m.value for m in readings] + [outcome.baseline, outcome.target]
    if outcome.target_max is not None:
        values.append(outcome.target_max)
    lo, hi = min(values), max(values)
    if hi == lo:
        hi, lo = hi + 1, lo - 1
    margin = (hi - lo) * 0.08
    lo, hi = lo - margin, hi + margin
    span = (t1 - t0).total_seconds() or 1.0
    plot_w, plot_h = W - PAD_L - PAD_R, H - PAD_T - PAD_B

    def x(t: datetime.datetime) -> float:
        return round(PAD_L + plot_w * (t - t0).total_seconds() / span, 1)

    def y(v: float) -> float:
        return round(PAD_T + plot_h * (hi - v) / (hi - lo), 1)

    ordered = sorted(readings, key=lambda m: m.measured_at)
    points = [{"x": x(m.measured_at), "y": y(m.value), "label": f"{m.measured_at:%Y-%m-%d}: {_fmt(m.value)}"}
              for m in ordered]
    now_x = x(min(max(timezone.now(), t0), t1))
    return {
        "w": W, "h": H, "left": PAD_L, "right": W - PAD_R, "top": PAD_T, "bottom": H - PAD_B,
        "points": points, "polyline": " ".join(f"{p['x']},{p['y']}" for p in points),
        "baseline_y": y(outcome.baseline), "target_y": y(outcome.target),
        "target_max_y": y(outcome.target_max) if outcome.target_max is not None else None,
        "pace": {"x1": x(start), "y1": y(outcome.baseline), "x2": x(due), "y2": y(outcome.target)}
        if outcome.direction in ("increase", "decrease") else None,
        "now_x": now_x, "hi": _fmt(hi), "lo": _fmt(lo), "label_x": PAD_L - 6,
        "start_label": f"{t0:%Y-%m-%d}", "end_label": f"{t1:%Y-%m-%d}", "label_y": H - 12,
        "baseline": _fmt(outcome.baseline), "target": _fmt(outcome.target),
    }


def theme_chart(outcomes: list[Any]) -> dict[str, Any] | None:
    """One bar per outcome (progress, clamped to the plot at 0–150%) with a tick where a steady
    pace would be; the label beside it says the unclamped figure."""
    if not outcomes:
        return None
    row, left, width = 26, 210, 360
    top = 1.5
    rows = []
    for i, o in enumerate(outcomes):
        p = o.state.progress or 0.0
        rows.append({
            "y": i * row + 4, "ty": i * row + 13, "metric": o.metric[:30], "status": o.state.status,
            "w": round(width * min(max(p, 0.0), top) / top, 1), "pace_x": round(left + width * o.state.expected / top, 1),
            "progress": None if o.state.progress is None else round(o.state.progress * 100),
            "expected": round(o.state.expected * 100),
        })
    return {"rows": rows, "w": 640, "h": len(rows) * row + 4, "left": left, "width": width,
            "full_x": round(left + width / top, 1), "value_x": 636}
