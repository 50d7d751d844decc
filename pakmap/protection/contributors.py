"""Means, sums and rates made of fewer than k contributors: suppressed.

A count of 3 households prints as "<5", but their mean household size (7.5), their summed members
(15) or a literacy rate over a population of 2 tells as much about them. The k rule counts the
contributors (households, persons, table rows), not the value shown: wherever that number is known,
a value computed from 1 … k − 1 contributors is written as ``SECONDARY_MARK`` ("x"):

* points aggregated to admin units (``[protection.aggregate]``): every summed field of a unit with
  fewer than k households or persons (the count itself is a count: "<5");
* a join that adds up or averages (``aggregate = "sum"`` / ``"mean"``) the rows of a table of
  households or persons: each joined field of a feature made of fewer than k rows;
* a field with a declared denominator (``[layers.denominators] literacy_rate = "population"``):
  each row whose denominator is from 1 to k − 1.

Missing values stay missing; rows of k or more contributors, and rows of none, are unchanged.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..field_kinds import numeric_values
from .complementary import SECONDARY_MARK


def few_contributors(
    frame: pd.DataFrame, counts: dict[str, np.ndarray], threshold: int
) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """``frame`` with each field of ``counts`` (field → contributors per row) written as "x" in the
    rows of 1 … ``threshold`` − 1 contributors; and, per field changed, the rows written so (they are
    unknowns of the complementary suppression that follows)."""
    out, changed = frame, {}
    for field, n in counts.items():
        if field not in frame.columns:
            continue
        n = np.asarray(n, dtype=float)
        if len(n) != len(frame):
            continue
        cells = frame[field]
        with np.errstate(invalid="ignore"):
            hit = (n > 0) & (n < threshold) & cells.notna().to_numpy()
        if not hit.any():
            continue
        if out is frame:
            out = frame.copy()
        column = out[field].astype(object)
        column.iloc[np.flatnonzero(hit)] = SECONDARY_MARK
        out[field] = column
        changed[field] = hit
    return out, changed


def denominator_counts(frame: pd.DataFrame, denominators: dict[str, str]) -> dict[str, np.ndarray]:
    """Field → its declared denominator's values (``[layers.denominators]``), for ``few_contributors``."""
    out = {}
    for field, denominator in denominators.items():
        if field in frame.columns and denominator in frame.columns:
            values = numeric_values(frame[denominator])
            if values is not None:
                out[field] = values.to_numpy(dtype=float)
    return out


__all__ = ["few_contributors", "denominator_counts"]
