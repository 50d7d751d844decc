"""Small-count suppression: counts below the project's threshold are published as "<5".

Counts stay numbers in memory (classification, proportional circles and label placement need them);
every surface that turns a number into text goes through ``pakmap.numbers.format_number`` with the
threshold, and every surface that publishes a table (web-map data, exported layers) goes through
``published_frame`` here. Only count fields are suppressed (``pakmap.field_kinds``): a rate, a share
or an area identifies no one. Legends put a count field's small values in one "<5" class
(``pakmap.classify.classify(below=…)``), so two colours can never tell "1–2" from "3–4".
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..field_kinds import FieldKind, field_kinds, numeric_values
from ..numbers import format_number


def count_fields(df: pd.DataFrame, declared: dict[str, FieldKind] | None = None) -> list[str]:
    """The fields of ``df`` that are counts (``pakmap.field_kinds``: declared, else inferred by name
    and values): the only fields suppressed. A layer's own declarations: ``count_fields_of(layer)``."""
    return [f for f, k in field_kinds(df, declared).items() if k.kind == "count"]


def suppressed_mask(values, threshold: int) -> np.ndarray:
    """True where a count is shown as "<threshold" (0 < value < threshold; zero stays zero)."""
    series = pd.Series(values)
    numbers = numeric_values(series)
    v = (pd.to_numeric(series, errors="coerce") if numbers is None else numbers).to_numpy(dtype=float)
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
    GeoPackage or in web-map data; columns without small counts keep their numeric type. A count
    column holding text cells (complementary "x", a partner's "-") is written as text as well.
    """
    out = df.copy()
    fields = count_fields(df) if fields is None else fields
    marked = [f for f in fields if df[f].dtype == object and df[f].map(lambda v: isinstance(v, str)).any()]
    for field in {*suppression_counts(df, threshold, fields), *marked}:
        numbers = numeric_values(df[field])
        if numbers is None:  # suppression_counts lists numeric fields only
            continue
        out[field] = [
            cell if v != v else format_number(v, threshold=threshold)
            for cell, v in zip(df[field].tolist(), numbers.tolist())
        ]
    return out


__all__ = ["count_fields", "suppressed_mask", "suppression_counts", "published_frame"]
