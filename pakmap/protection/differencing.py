"""Differencing between the tables of one export: two totals of one count that differ by a few people.

A map with a provinces layer and a districts layer publishes Sindh's refugees twice: as the province's
own figure (161,399) and as the sum of its districts (161,396). Each table is safe alone; together
they say that 3 refugees are counted in one and not in the other. The same holds for two layers of
one count summed over all their rows (two versions of a national total).

A total is published by a layer as a row (a feature whose name is the unit: the provinces layer's
"Sindh") or as a sum of rows (the rows of one group of a parent column, the districts of province
"Sindh", or all the rows) when every cell of the sum is shown as a number. Totals of the same count
field for the same unit from two layers that differ by 1 … k − 1 are a disclosure. It is removed by
suppressing ("x") the total that is a row, else the largest cell of one of the sums (the sum is then
unknown); the layer's complementary suppression then runs again with that cell as an unknown, so
its own sums do not give it back.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..field_kinds import numeric_values
from .complementary import SECONDARY_MARK, complementary_suppression, parent_columns

ALL_ROWS = ""  # the unit of a sum over every row of a layer
_MAX_ROUNDS = 50


@dataclass(frozen=True)
class Total:
    """One published total of ``field``: the cell ``rows[0]`` of a row (``row=True``) or the sum of ``rows``."""

    layer: str
    field: str
    unit: str
    value: float
    rows: tuple[int, ...]
    row: bool


def _shown(frame: pd.DataFrame, field: str, threshold: int) -> tuple[np.ndarray, np.ndarray]:
    """The field's numbers and where each is published as a number (not "x", "<5" nor missing)."""
    numbers = numeric_values(frame[field])
    if numbers is None:
        return np.full(len(frame), np.nan), np.zeros(len(frame), dtype=bool)
    values = numbers.to_numpy(dtype=float)
    text = frame[field].map(lambda v: isinstance(v, str) and not any(ch.isdigit() for ch in v)).to_numpy()
    with np.errstate(invalid="ignore"):
        shown = ~np.isnan(values) & ~text & ~((values > 0) & (values < threshold))
    return values, shown


def name_columns(frame: pd.DataFrame, parents: list[str]) -> list[str]:
    """Text columns naming each row's unit (a different value on every row)."""
    out = []
    for column in frame.columns:
        if str(column) in parents or frame[column].dtype.kind in "fciub":
            continue
        values = frame[column].dropna().astype(str)
        if len(values) and values.is_unique:
            out.append(str(column))
    return out


def published_totals(name: str, frame: pd.DataFrame, fields: list[str], threshold: int) -> list[Total]:
    """Every total of the count ``fields`` that the layer ``name`` publishes (see the module's docstring)."""
    frame = frame.reset_index(drop=True)
    parents = parent_columns(frame)
    names = name_columns(frame, parents)
    groupings = [(ALL_ROWS, np.zeros(len(frame), dtype=int), [ALL_ROWS])]
    for column in parents:
        codes, labels = pd.factorize(frame[column].astype(str))
        groupings.append((column, codes, [str(v) for v in labels]))
    out: list[Total] = []
    for field in fields:
        values, shown = _shown(frame, field, threshold)
        for column in names:
            for r, unit in enumerate(frame[column].astype(str)):
                if shown[r]:
                    out.append(Total(name, field, unit, float(values[r]), (r,), True))
        for _, codes, labels in groupings:
            for g, unit in enumerate(labels):
                rows = np.flatnonzero(codes == g)
                if len(rows) and shown[rows].all():
                    out.append(Total(name, field, unit, float(values[rows].sum()), tuple(map(int, rows)), False))
    return out


def disclosures(totals: list[Total], threshold: int) -> list[tuple[Total, Total]]:
    """Pairs of totals of one field and one unit, from two layers, that differ by 1 … ``threshold`` − 1."""
    by_key: dict[tuple[str, str], list[Total]] = {}
    for total in totals:
        by_key.setdefault((total.field, total.unit), []).append(total)
    out = []
    for group in by_key.values():
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                if a.layer != b.layer and 0 < abs(a.value - b.value) < threshold:
                    out.append((a, b))
    return out


def _cell_to_hide(pair: tuple[Total, Total], frames: dict[str, pd.DataFrame]) -> tuple[str, str, int]:
    """(layer, field, row) of the cell whose suppression makes one total of the pair unknown."""
    rows = [t for t in pair if t.row]
    total = rows[0] if rows else max(pair, key=lambda t: (len(t.rows), t.layer))
    if total.row:
        return total.layer, total.field, total.rows[0]
    values, _ = _shown(frames[total.layer], total.field, 0)
    row = max(total.rows, key=lambda r: (values[r], -r))
    return total.layer, total.field, row


def protect_differences(
    frames: dict[str, pd.DataFrame], fields: dict[str, list[str]], threshold: int
) -> tuple[dict[str, pd.DataFrame], dict[str, dict[str, int]]]:
    """``frames`` (layer → its published table, small counts and complementary cells already
    suppressed) with no two totals of one count differing by 1 … k − 1, and per layer and field how
    many cells were suppressed for it. ``fields``: each layer's count fields."""
    frames = {name: frame.reset_index(drop=True) for name, frame in frames.items()}
    hidden: dict[str, dict[str, np.ndarray]] = {}
    counts: dict[str, dict[str, int]] = {}
    for _ in range(_MAX_ROUNDS):
        totals = [t for name, f in frames.items() for t in published_totals(name, f, fields.get(name, []), threshold)]
        found = disclosures(totals, threshold)
        if not found:
            break
        # A row first: hiding it makes the sums of its layer unknown too, often all that was needed.
        pair = min(found, key=lambda p: (not (p[0].row or p[1].row), p[0].field, p[0].unit))
        layer, field, row = _cell_to_hide(pair, frames)
        frame = frames[layer]
        column = frame[field].astype(object)
        column.iloc[row] = SECONDARY_MARK
        frame = frame.assign(**{field: column})
        masks = hidden.setdefault(layer, {})
        for f in fields[layer]:
            marks = frame[f].map(lambda v: v == SECONDARY_MARK).to_numpy()
            masks[f] = masks.get(f, np.zeros(len(frame), dtype=bool)) | marks
        frames[layer], _ = complementary_suppression(frame, fields[layer], threshold, masks)
        counts.setdefault(layer, {})[field] = counts.get(layer, {}).get(field, 0) + 1
    return frames, counts


__all__ = ["Total", "name_columns", "published_totals", "disclosures", "protect_differences"]
