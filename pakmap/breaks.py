"""Class bounds as an officer types them, and as a legend should read them.

The style dialog's manual breaks box takes upper bounds one per line (or separated by ``;``), with
thousands separators as people type or paste them; the bounds a classification computes are offered
rounded to three significant figures. Both are plain functions of text and numbers, so the command
line and the tests use the same rules as the dialog.
"""

from __future__ import annotations

import math

from .errors import StyleError
from .numbers import significant
from .style import check_breaks


def parse_breaks(text: str) -> list[float]:
    """Upper bounds typed one per line (or separated by ';'), ``1,000,000`` and ``1 000 000`` allowed.

    Raises ``StyleError`` naming the first bound that is not a number or not above the one before.
    """
    entries = [e.strip() for line in text.splitlines() for e in line.split(";")]
    entries = [e for e in entries if e]
    if not entries:
        raise StyleError(
            "manual classification needs at least one upper bound", fix="type one upper bound per line, e.g. 10,000"
        )
    values = []
    for i, entry in enumerate(entries, 1):
        value = typed_number(entry)
        if not math.isfinite(value):
            raise StyleError(f"break {i} ('{entry}') is not a number", fix="type one upper bound per line, e.g. 10,000")
        values.append(value)
    return check_breaks(values, "the breaks box")


def typed_number(text: str) -> float:
    """A number as people type or paste it (``1,000,000``, ``1 000 000``, ``-9999``, ``0.25``); NaN if it is none."""
    cleaned = text.strip()
    for separator in (",", "_", " ", "\u00a0", "\u202f"):  # thousands separators
        cleaned = cleaned.replace(separator, "")
    try:
        return float(cleaned)
    except ValueError:
        return math.nan


def round_bounds(bins) -> list[float]:
    """Class bounds rounded to three significant figures (1,234,567 → 1,230,000), the top one kept
    exact so the largest value stays in the last class; unrounded if rounding would merge two."""
    bins = [float(b) for b in bins]
    rounded = []
    for b in bins[:-1]:
        rounded.append(significant(b))
    rounded += bins[-1:]
    return rounded if all(b < a for b, a in zip(rounded, rounded[1:])) else bins
