"""Small trend charts, laid out on the server as SVG coordinates (no script, no CDN)."""

from __future__ import annotations

import datetime
from typing import Any

W, H, PAD = 240, 64, 4


def sparkline(points: list[tuple[datetime.date, float | None]], unit: str = "") -> dict[str, Any] | None:
    """A polyline over the known values (gaps skipped), scaled to the range [0, max]; None if empty."""
    known = [(i, v) for i, (_, v) in enumerate(points) if v is not None]
    if not known:
        return None
    top = max(v for _, v in known) or 1.0
    step = (W - 2 * PAD) / max(1, len(points) - 1)

    def xy(i: int, v: float) -> tuple[float, float]:
        return round(PAD + i * step, 1), round(H - PAD - (H - 2 * PAD) * v / top, 1)

    coords = [xy(i, v) for i, v in known]
    last_i, last_v = known[-1]
    first_day, last_day = points[0][0], points[-1][0]
    summary = (f"From {first_day.isoformat()} to {last_day.isoformat()}: "
               f"lowest {min(v for _, v in known):g}{unit}, highest {top:g}{unit}, latest {last_v:g}{unit}.")
    return {"w": W, "h": H, "points": " ".join(f"{x},{y}" for x, y in coords),
            "dot_x": coords[-1][0], "dot_y": coords[-1][1], "top": top, "unit": unit, "summary": summary,
            "baseline_y": H - PAD, "single": len(coords) == 1}
