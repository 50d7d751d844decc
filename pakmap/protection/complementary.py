"""Complementary (secondary) suppression: a "<5" that subtraction cannot undo.

A district's 3 refugees printed as "<5" are back in the open when the province total is known (it is
published: by UNHCR, on the same page, in a totals row) and every other district of the province is
printed: Tank = province − the others. The same holds across a row, when a total column is the sum
of others (men + women + boys + girls = total): Kohat girls = 57 − 18 − 21 − 14 = 4. Statistical
agencies (sdcMicro, tau-Argus) therefore suppress more cells: enough that no suppressed cell can be
solved for from the published ones.

The relations a table declares, each a sum whose total is known:

* **column groups**: each count field summed over the whole layer (the national total), and over
  each group of a parent column (province, division, ``ADM1_EN``…; groups of two rows or more);
* **row sums**: a count field equal, in every row, to the sum of other count fields (found from the
  values, so a "total" column and its parts need no declaration).

Cells under the threshold (primary suppression, "<5") are the unknowns. A suppressed cell can be
recovered exactly when its unit vector lies in the row space of the relations restricted to the
suppressed cells (linear algebra, not a rule of thumb). Each primary cell is put on the cheapest
"rectangle" of suppressed cells that can be shifted without changing any published sum (tau-Argus's
hypercube method; one rectangle serves several primary cells), then the rank test checks the whole
and closes what is left with the smallest other cell of a relation (a zero only when no other cell
is left). Those
secondary cells are written as ``SECONDARY_MARK`` ("x", the statisticians' mark, which every pakmap
reader and formatter takes as an empty, suppressed cell): never as "<5", which would be false.

Missing figures (NaN) are in no relation. Only count fields are touched: rates, shares and areas
never change.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..field_kinds import SUPPRESSED_CELL, name_tokens, numeric_values
from .rectangles import CellIndex, CheapestRows

SECONDARY_MARK = "x"
# Columns whose values name the larger unit a feature belongs to (its total is published there).
PARENT_WORDS = {"province", "provinces", "division", "divisions", "region", "state", "parent", "admin1", "adm1"}
_ADMIN_LEVEL = re.compile(r"^adm(\d)", re.IGNORECASE)
_MAX_ROW_FIELDS = 14  # count fields searched for a total = sum of parts (combinations grow fast)
_MAX_PARTS = 6
_TOLERANCE = 1e-9
_SAMPLE_ROWS = 256
_MAX_PATTERN = 4  # fields moved together in one row (girls, total; men, women)


@dataclass(frozen=True)
class Relation:
    """Parts (row, field) whose sum is a known total: published elsewhere, or the table's own cell
    ``total`` (then coefficient −1 and the sum is 0)."""

    parts: tuple[tuple[int, int], ...]
    total: tuple[int, int] | None = None

    def cells(self) -> tuple[tuple[int, int], ...]:
        return self.parts + ((self.total,) if self.total is not None else ())


def parent_columns(frame: pd.DataFrame) -> list[str]:
    """Columns naming a larger unit (province, division, ``ADM1_EN``): each partitions the rows into
    groups whose totals are known. A column with a different value on every row is a name, not a
    parent; two columns with the same groups (``ADM1_EN``, ``ADM1_PCODE``) count once."""
    out, seen = [], set()
    levels = [int(m.group(1)) for c in frame.columns if (m := _ADMIN_LEVEL.match(str(c)))]
    deepest = max(levels, default=None)
    for column in frame.columns:
        name = str(column)
        level = _ADMIN_LEVEL.match(name)
        parent = (level is not None and int(level.group(1)) < (deepest or 0)) or bool(
            set(name_tokens(name)) & PARENT_WORDS
        )
        if not parent or frame[column].dtype.kind in "fc":
            continue
        codes = tuple(pd.factorize(frame[column].astype(str))[0])
        if len(set(codes)) >= len(frame) or codes in seen:
            continue
        seen.add(codes)
        out.append(name)
    return out


def _sums_to(values: np.ndarray, total: int, parts) -> bool:
    block, t = values[:, parts], values[:, total]
    rows = ~np.isnan(block).any(axis=1) & ~np.isnan(t)
    return bool(np.all(np.abs(block[rows].sum(axis=1) - t[rows]) < _TOLERANCE))


def row_sums(values: np.ndarray) -> list[tuple[int, tuple[int, ...]]]:
    """``(total, parts)`` field positions where field ``total`` equals the sum of ``parts`` in every
    row that has all of them (at least two rows, one of them not all zero). Only minimal sets of
    parts: a column of zeros added to a sum is no new relation."""
    n_fields = values.shape[1]
    if n_fields < 3 or n_fields > _MAX_ROW_FIELDS:
        return []
    usable = [f for f in range(n_fields) if np.nansum(np.abs(values[:, f])) > 0]
    found: list[tuple[int, tuple[int, ...]]] = []
    for total in usable:
        t = values[:, total]
        with np.errstate(invalid="ignore"):
            candidates = [f for f in usable if f != total and np.all(~(values[:, f] > t))]
        for size in range(2, min(_MAX_PARTS, len(candidates)) + 1):
            for parts in itertools.combinations(candidates, size):
                if any(set(p) <= set(parts) for tt, p in found if tt == total):
                    continue
                if not _sums_to(values[:_SAMPLE_ROWS], total, parts):
                    continue  # most combinations fail on the first rows: the whole table is not read for them
                block = values[:, parts]
                rows = ~np.isnan(block).any(axis=1) & ~np.isnan(t)
                if rows.sum() < 2 or not np.any(t[rows] != 0):
                    continue
                if np.all(np.abs(block[rows].sum(axis=1) - t[rows]) < _TOLERANCE):
                    found.append((total, parts))
    return found


def relations(frame: pd.DataFrame, fields: list[str], values: np.ndarray, groups=()) -> list[Relation]:
    """Every sum the published table declares over ``fields`` (see the module's docstring);
    ``groups``: more columns whose group totals are published (a chart's totals per group)."""
    present = ~np.isnan(values)
    out: list[Relation] = []
    parents = parent_columns(frame) + [c for c in groups if c in frame.columns]
    groupings = [np.zeros(len(frame), dtype=int)] + [pd.factorize(frame[c].astype(str))[0] for c in parents]
    for groups in groupings:
        # Rows by group, each in row order: one sort, not one pass over the layer per group.
        order = np.argsort(groups, kind="stable")
        bounds = np.flatnonzero(np.diff(groups[order])) + 1
        for rows in np.split(order, bounds):
            if len(rows) < 2:
                continue  # a unit alone in its parent is its parent's total: nothing can hide it
            for f in range(len(fields)):
                cells = tuple(zip(rows[present[rows, f]].tolist(), itertools.repeat(f)))
                if len(cells) >= 2:
                    out.append(Relation(cells))
    for total, parts in row_sums(values):
        for r in np.flatnonzero(present[:, total] & present[:, list(parts)].all(axis=1)).tolist():
            out.append(Relation(tuple((r, p) for p in parts), (r, total)))
    return out


def _field_patterns(rels: list[Relation], n_fields: int) -> dict[int, list[np.ndarray]]:
    """Field → the smallest-support weightings ``v`` of one row's fields that keep its row sums true
    (``v[total] = Σ v[parts]``) and move that field: men +1 and women −1, or girls +1 and total +1."""
    structures = sorted({(rel.total[1], tuple(sorted(f for _, f in rel.parts))) for rel in rels if rel.total})
    sums = np.zeros((len(structures), n_fields))
    for i, (total, parts) in enumerate(structures):
        sums[i, list(parts)] = 1.0
        sums[i, total] = -1.0
    out: dict[int, list[np.ndarray]] = {}
    for f in range(n_fields):
        found: list[np.ndarray] = []
        others = [g for g in range(n_fields) if g != f]
        for size in range(min(_MAX_PATTERN, n_fields)):
            for extra in itertools.combinations(others, size):
                support = [f, *extra]
                if any(set(np.flatnonzero(v)) <= set(support) for v in found):
                    continue  # a smaller pattern already moves f within these fields
                block = sums[:, support]
                if not block.any():
                    null = np.eye(len(support))[:1] if size == 0 else np.zeros((0, len(support)))
                else:
                    _, sv, vt = np.linalg.svd(block)
                    null = vt[int(np.sum(sv > 1e-9)) :]
                for basis in null:
                    if abs(basis[0]) > 1e-9 and np.all(np.abs(basis) > 1e-9):
                        v = np.zeros(n_fields)
                        v[support] = np.round(basis / basis[0], 9)
                        found.append(v)
                        break
        out[f] = found
    return out


def _exchangeable_rows(index: CellIndex, shape: tuple[int, int]) -> np.ndarray:
    """Per cell, a class number: two rows whose cells of a field have the same class are held by the
    same column sums (districts of one division), so a unit moved from one to the other changes no
    published total."""
    return index.exchange_classes(shape)


def _balanced(moves: dict[tuple[int, int], float], by_cell: CellIndex) -> bool:
    """Whether changing the cells by ``moves`` leaves every relation that holds one of them true."""
    return by_cell.balanced(moves)


def _cheapest_rectangle(
    cell: tuple[int, int],
    suppressed: np.ndarray,
    present: np.ndarray,
    patterns: dict[int, list[np.ndarray]],
    rows: CheapestRows,
    by_cell: CellIndex,
) -> list[tuple[int, int]] | None:
    """The cells, besides the suppressed ones, of the cheapest rectangle through ``cell``: its row's
    pattern ``v`` and the opposite ``−v`` in an exchangeable row. Such a set of suppressed cells
    can be shifted (+t, −t…) without changing any published sum, so none of them is determined.
    Cheapest: fewest zeros (a hidden 0 next to a primary cell bounds it exactly), then fewest new
    cells (a rectangle through cells already suppressed protects several primaries at once), then
    the smallest values hidden (the least information lost). ``rows`` keeps the exchangeable rows of
    each pattern in order of that cost, so each cell reads a few rows, not the whole layer."""
    r, f = cell
    best: tuple | None = None
    for v in patterns[f]:
        support = tuple(np.flatnonzero(v).tolist())
        if not present[r, list(support)].all():
            continue

        def moves_to(other: int, v=v, support=support) -> dict[tuple[int, int], float]:
            moves = {(r, g): float(v[g]) for g in support}
            moves.update({(other, g): -float(v[g]) for g in support})
            return moves

        found = rows.first(r, support, lambda other: _balanced(moves_to(other), by_cell))
        if found is None:
            continue
        zeros, count, lost, other = found
        own = rows.cost(r, support)
        key = (zeros + own[0], count + own[1], lost + own[2])
        if best is None or key < best[0]:
            best = (key, [c for c in moves_to(other) if not suppressed[c]])
    return None if best is None else best[1]


def secondary_cells(values: np.ndarray, primary: np.ndarray, rels: list[Relation]) -> np.ndarray:
    """The cells to suppress besides ``primary`` so that no suppressed cell is determined by ``rels``.

    Each primary cell is put on the cheapest "rectangle" of suppressed cells (``_cheapest_rectangle``,
    the hypercube method of tau-Argus): a rectangle already suppressed costs nothing, so one
    complementary cell serves several primary ones and the cells hidden stay close to the minimum.
    Then the rank test checks the whole: while it finds a determined cell (a primary cell no
    rectangle could hold: a unit alone in its groups), a cell of its relations is added.
    """
    suppressed_mask = primary.astype(bool).copy()
    secondary = np.zeros_like(primary, dtype=bool)
    if not suppressed_mask.any():
        return secondary
    by_cell = CellIndex(rels, values.shape[1])
    present = ~np.isnan(values)
    patterns = _field_patterns(rels, values.shape[1])
    rows = CheapestRows(values, suppressed_mask, present, _exchangeable_rows(by_cell, values.shape))
    # Largest primary cells first: their rectangles, through other small cells where possible, are
    # then reused by the smaller ones.
    order = sorted(zip(*np.nonzero(primary)), key=lambda c: (-values[c], c))
    for r, f in order:
        cells = _cheapest_rectangle((int(r), int(f)), suppressed_mask, present, patterns, rows, by_cell)
        for c in cells or []:
            suppressed_mask[c] = secondary[c] = True
            rows.hidden(c)
    _close_remaining(values, suppressed_mask, secondary, rels, by_cell)
    return secondary


def _close_remaining(
    values: np.ndarray,
    mask: np.ndarray,
    secondary: np.ndarray,
    rels: list[Relation],
    by_cell: CellIndex,
) -> None:
    """Add cells until the rank test finds no determined suppressed cell: the smallest other cell of
    a relation that holds one (a zero only when no other cell is left). A cell the relations
    determine even with every cell suppressed (a unit alone in its division, beside divisions whose
    totals are known) is a published total in disguise: suppressing more would hide the whole table
    and protect nothing, so it is left as it is."""
    suppressed = {(int(r), int(f)) for r, f in zip(*np.nonzero(mask))}

    def hide(rel: Relation) -> bool:
        options = [
            (bool(values[c] == 0), float(values[c]), rel.total == c, c) for c in rel.cells() if c not in suppressed
        ]
        if options:
            cell = min(options)[-1]
            suppressed.add(cell)
            mask[cell] = secondary[cell] = True
        return bool(options)

    hopeless: set[tuple[int, int]] = set()
    checked = False
    for _ in range(values.size):
        exposed = by_cell.exposed(sorted(suppressed))
        if exposed and not checked:
            hopeless, checked = set(by_cell.exposed(by_cell.all_cells())), True
        exposed = [c for c in exposed if c not in hopeless]
        if not exposed:
            break
        cell = exposed[0]
        if not any(hide(rel) for rel in by_cell.get(cell, [])):
            hopeless.add(cell)  # its relations hold nothing else (a unit alone with its total)


def complementary_suppression(
    frame: pd.DataFrame,
    fields: list[str],
    threshold: int,
    hidden: dict[str, np.ndarray] | None = None,
    groups=(),
) -> tuple[pd.DataFrame, dict[str, int]]:
    """``frame`` with the secondary cells of its count ``fields`` written as ``SECONDARY_MARK``, and
    how many per field. Primary cells (under ``threshold``) keep their numbers: every formatter shows
    them as "<threshold". ``hidden``: field → rows already suppressed otherwise (values of too few
    contributors), unknowns as well. ``groups``: columns whose group totals are published besides
    the parent columns found by name (``relations``)."""
    hidden = hidden or {}
    fields = [f for f in fields if f in frame.columns]
    found = {f: numeric_values(frame[f]) for f in fields}
    columns = {f: v for f, v in found.items() if v is not None}
    fields = [f for f in fields if f in columns]
    if not fields or len(frame) == 0:
        return frame, {}
    values = np.column_stack([columns[f].to_numpy(dtype=float) for f in fields])
    # A partner's own "<5" is a suppressed cell of unknown value: an unknown of the relations too.
    marked = np.column_stack(
        [
            frame[f].map(lambda v: isinstance(v, str) and bool(SUPPRESSED_CELL.match(v.strip()))).to_numpy(dtype=bool)
            if not pd.api.types.is_numeric_dtype(frame[f].dtype)
            else np.zeros(len(frame), dtype=bool)  # a column of numbers holds no text mark
            for f in fields
        ]
    )
    for i, f in enumerate(fields):
        if f in hidden:
            marked[:, i] |= np.asarray(hidden[f], dtype=bool)
    values[marked] = 1.0
    with np.errstate(invalid="ignore"):
        primary = (values > 0) & (values < threshold) | marked
    if not primary.any():
        return frame, {}
    secondary = secondary_cells(values, primary, relations(frame.reset_index(drop=True), fields, values, groups))
    counts = {f: int(secondary[:, i].sum()) for i, f in enumerate(fields) if secondary[:, i].any()}
    if not counts:
        return frame, {}
    out = frame.copy()
    for i, f in enumerate(fields):
        if secondary[:, i].any():
            column = out[f].astype(object)
            column.iloc[np.flatnonzero(secondary[:, i])] = SECONDARY_MARK
            out[f] = column
    return out, counts


__all__ = [
    "SECONDARY_MARK",
    "Relation",
    "parent_columns",
    "row_sums",
    "relations",
    "secondary_cells",
    "complementary_suppression",
]
