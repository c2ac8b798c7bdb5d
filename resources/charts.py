"""The capacity chart: one stacked bar per day (within nominal, borrowed, free) with a tick for
pending demand, as SVG geometry a template draws (no inline style: classes carry the colours)."""

from __future__ import annotations

from typing import Any

W, H, PAD, TOP, BOTTOM = 640, 200, 34, 10, 22


def timeline(snapshots: list[Any], today: Any = None) -> dict[str, Any] | None:
    if not snapshots:
        return None
    top = max(max(s.capacity, s.within_nominal + s.borrowed + s.pending) for s in snapshots) or 1
    plot_h = H - TOP - BOTTOM
    step = (W - PAD) / len(snapshots)
    bar_w = max(1.0, step * 0.8)

    def y(v: float) -> float:
        return round(TOP + plot_h - plot_h * v / top, 1)

    bars = []
    for i, s in enumerate(snapshots):
        x = round(PAD + i * step, 1)
        used = s.within_nominal + s.borrowed
        bars.append({
            "x": x, "w": round(bar_w, 1), "day": s.day, "s": s,
            "within_y": y(s.within_nominal), "within_h": round(y(0) - y(s.within_nominal), 1),
            "borrowed_y": y(used), "borrowed_h": round(y(s.within_nominal) - y(used), 1),
            "free_y": y(s.capacity), "free_h": round(max(0.0, y(used) - y(s.capacity)), 1),
            "pending_y": y(used + s.pending), "pending_h": round(y(used) - y(used + s.pending), 1),
            "label": i % 7 == 0, "tx": round(x + bar_w / 2, 1), "today": s.day == today,
        })
    return {"w": W, "h": H, "pad": PAD, "axis_y": y(0), "top_y": y(top), "top": round(top, 1),
            "label_x": PAD - 4, "label_y": H - 6, "bars": bars,
            "nominal_y": y(snapshots[-1].nominal), "capacity_y": y(snapshots[-1].capacity)}
