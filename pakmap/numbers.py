"""Numbers as people read them on maps: thousands separators, and small counts suppressed.

Every surface that writes a number (labels, legends, popups, exported tables) formats it here, so
small-count suppression ("<5") cannot be forgotten on one of them. The caller passes the threshold
only for a count field (``pakmap.field_kinds``): a rate of 0.36 or a share of 3.54 % is never "<5".
"""

from __future__ import annotations

import math
from numbers import Number
from typing import SupportsFloat, cast


def is_missing(value) -> bool:
    if value is None:
        return True
    try:
        return isinstance(value, float) and math.isnan(value) or value != value  # NaN, pd.NA-safe
    except TypeError:  # pd.NA raises on bool()
        return True


def significant(value: float, digits: int = 3) -> float:
    """``value`` rounded to ``digits`` significant figures, as a reader wants a limit: 40.1, 1,560 —
    not 40.1372 or 1,559.87 (zero and non-finite values unchanged)."""
    if value == 0 or not math.isfinite(value):
        return value
    return float(round(value, digits - 1 - int(math.floor(math.log10(abs(value))))))


def exact_number_text(value: float) -> str:
    """A number as the officer typed it, exactly (it is read back): ``1,000,000`` (not 1e+06), ``0.125``."""
    value = float(value)
    return f"{int(value):,}" if value.is_integer() else f"{value:,}"


def format_number(value, *, decimals: int | None = None, threshold: int | None = None) -> str:
    """``1234.0`` → ``"1,234"``; with ``threshold=5``, ``3`` → ``"<5"`` (0 stays ``"0"``).

    ``decimals=None`` shows whole numbers without decimals and others with up to two.
    """
    if is_missing(value):
        return ""
    if not isinstance(value, Number):
        return str(value)
    v = float(cast(SupportsFloat, value))  # mypy does not model the numbers ABCs (PEP 484)
    if threshold is not None and 0 < v < threshold:
        return f"<{threshold}"
    if decimals is None:
        decimals = 0 if v.is_integer() or abs(v) >= 1000 else 2
    text = f"{v:,.{decimals}f}"
    if decimals and "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def format_range(lower, upper, *, integer: bool = True) -> str:
    """A class range as people read it: ``1,001 – 5,000``.

    No threshold here: a count field's small values are a class of their own ("<5",
    ``pakmap.classify.Classes``), so a range never mixes "<5" with a bound ("<5 – 14").
    """
    d = 0 if integer else None
    if integer and lower == upper:  # a class of one whole number (1 partner): "1", not "1 – 1"
        return format_number(lower, decimals=0)
    return f"{format_number(lower, decimals=d)} – {format_number(upper, decimals=d)}"
