"""Small-count suppression: counts below the project's threshold are published as "<5".

Counts stay numbers in memory (classification, proportional circles and label placement need them);
every surface that turns a number into text goes through ``pakmap.numbers.format_number`` with the
threshold, and every surface that publishes a table (web-map data, exported layers) goes through
``published_frame`` here. Legends: ``suppressed_classes`` merges the classes that hold only
suppressed values, so two colours can never tell "1–2" from "3–4".
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..classify import Classes
from ..numbers import format_number
from .detect import normalize_field_name

# Whole-number fields that are codes, dates or measures, not counts of people or things.
_NOT_COUNT = re.compile(
    r"(?:^|_)(?:id|fid|ogc_fid|objectid|oid|code|pcode|p_code|year|month|day|date|rank|order|sort|zoom|"
    r"priority|lat|lon|lng|latitude|longitude|x|y|area|km2|sqkm|sq_km|ha|pct|percent|percentage|rate|"
    r"ratio|density|share|index|elevation|altitude|zip|postcode|postal|version|level|admin_level|"
    r"precision|accuracy)(?:_|$)|pcode$|code$")


def count_fields(df: pd.DataFrame) -> list[str]:
    """Numeric fields that hold counts: whole, non-negative numbers, not named like a code or measure."""
    fields = []
    for field in df.columns:
        values = df[field]
        if (pd.api.types.is_bool_dtype(values) or not pd.api.types.is_numeric_dtype(values)
                or _NOT_COUNT.search(normalize_field_name(field))):
            continue
        present = pd.to_numeric(values, errors="coerce").dropna().to_numpy(dtype=float)
        if len(present) and np.all(present >= 0) and np.all(np.mod(present, 1) == 0):
            fields.append(str(field))
    return fields


def suppressed_mask(values, threshold: int) -> np.ndarray:
    """True where a count is shown as "<threshold" (0 < value < threshold; zero stays zero)."""
    v = pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        return (v > 0) & (v < threshold)


def suppression_counts(df: pd.DataFrame, threshold: int, fields=None) -> dict[str, int]:
    """Field → how many of its values are suppressed (only fields with at least one)."""
    fields = count_fields(df) if fields is None else fields
    out = {}
    for field in fields:
        n = int(suppressed_mask(df[field], threshold).sum())
        if n:
            out[field] = n
    return out


def published_frame(df: pd.DataFrame, threshold: int, fields=None) -> pd.DataFrame:
    """A copy of ``df`` as it may be published: each count field whose values include a suppressed
    one becomes text written by ``format_number`` ("1,234", "<5"); other columns are unchanged.

    A column cannot hold both 1,234 and "<5" as numbers, so a suppressed column is text in a
    GeoPackage or in web-map data; columns without small counts keep their numeric type.
    """
    out = df.copy()
    for field in suppression_counts(df, threshold, fields):
        out[field] = [format_number(v, threshold=threshold) for v in df[field].tolist()]
    return out


def suppressed_classes(classes: Classes, threshold: int) -> Classes:
    """``classes`` with every class entirely below the threshold merged into one "<5" class
    (``Classes.suppressed``, which the renderer and so the legend and web map apply too)."""
    return classes.suppressed(threshold)


__all__ = ["count_fields", "suppressed_mask", "suppression_counts", "published_frame", "suppressed_classes"]
