"""Amount bands of a decision-rights cell: pure domain rules, no database.

Shared by the matrix services (which refuse a bad cell) and the selectors (which report the
problems of a matrix before it is published), so neither imports the other."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError

from governance.models import DecisionTier, DecisionType

Band = tuple[Decimal | None, Decimal | None, DecisionTier | None]


def validate_bands(decision_type: DecisionType, bands: list[Band]) -> list[Band]:
    """Bands of one cell, sorted; refuse gaps, overlaps and bands on types without amounts."""
    if not bands:
        raise ValidationError({"bands": "A cell needs a decision tier or “not allowed”."})
    if not decision_type.has_amount:
        if len(bands) != 1 or bands[0][0] is not None or bands[0][1] is not None:
            raise ValidationError({"bands": f"“{decision_type}” has no amounts: one band only."})
        return bands
    ordered = sorted(bands, key=lambda b: b[0] if b[0] is not None else Decimal(0))
    expected = Decimal(0)
    for i, (lo, hi, _tier) in enumerate(ordered):
        lo = Decimal(0) if lo is None else lo
        if lo != expected:
            word = "overlap" if lo < expected else "gap"
            raise ValidationError({"bands": f"Amount bands {word} at {min(lo, expected):,}: "
                                            "each band starts where the last one ends."})
        if hi is None:
            if i != len(ordered) - 1:
                raise ValidationError({"bands": "Only the last band may be open-ended."})
        elif hi <= lo:
            raise ValidationError({"bands": f"A band must end above its start ({lo:,})."})
        expected = hi if hi is not None else expected
    if ordered[-1][1] is not None:
        raise ValidationError({"bands": f"Amounts from {ordered[-1][1]:,} upwards have no tier."})
    return [(lo if lo is not None else Decimal(0), hi, tier) for lo, hi, tier in ordered]
