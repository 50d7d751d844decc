"""One linear system over every table an export publishes, and one set of hidden cells per project.

Each layer's complementary suppression (``complementary``) takes the totals of its parents as known.
Across the layers of one export that is not enough. A provinces layer hides Sindh (3 households more
than its districts: differencing) and, so that the national total does not give Sindh back, the
smallest other province, Islamabad. The districts layer of the same map shows Islamabad's one
district, so Sindh = national total − the other provinces, Islamabad read from the districts.

So the tables of one export — its layers, and the totals per group its charts show — are solved as
one system:

* each table's own relations (``complementary.relations``: the national total, parent groups, row sums);
* a **link** wherever a unit's figure in one table is the sum of its parts in another: its rows in a
  parent group (the districts of province "Sindh") or its one row of the same name, matched by the
  unit names and codes that ``differencing`` matches totals by, and only where the figures agree (two
  figures a few people apart are differencing's business). A linked group's total is that table's
  cell — known when it is shown, an unknown when it is hidden — instead of a total taken as known.

The hidden cells (small counts, "x", a partner's own "<5") are the unknowns. While the rank test finds
one that the published cells of all the tables determine, more cells are hidden
(``close``: the cheapest cell that frees it, found by the rank test itself).

The same count published by two exports of one project must be hidden in the same cells: the
cells hidden for the union of what the exports publish (``SharedCells``, worked out by
``pakmap.protection.exports``) are hidden by each export as well, and closed again here.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..field_kinds import SUPPRESSED_CELL, numeric_values
from .complementary import SECONDARY_MARK, Relation, parent_columns, relations
from .differencing import name_columns

_TOLERANCE = 1e-9

# layer → field → rows hidden for the whole project; ("chart", layer, by, value) → group labels hidden
SharedCells = dict[str, dict[str, np.ndarray]]


@dataclass
class Table:
    """One table an export publishes: a layer, or the totals per group of a chart."""

    name: str
    original: pd.DataFrame  # the figures before protection, one row per published row
    published: pd.DataFrame  # as published so far: "x", a partner's "<5"; small counts still numbers
    fields: list[str]  # its count fields
    groups: tuple[str, ...] = ()  # more columns whose group totals are published (a chart's groups)
    shared: dict[str, np.ndarray] = field(default_factory=dict)  # field → rows the project hides


def _key(value) -> str:
    """A unit as the tables name it: "Sindh", " sindh " and "SINDH" are one unit."""
    return " ".join(str(value).split()).casefold()


def _hidden_text(cell) -> bool:
    return isinstance(cell, str) and (cell.strip() == SECONDARY_MARK or bool(SUPPRESSED_CELL.match(cell.strip())))


def _cells(table: Table, threshold: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The table's figures (NaN where missing, 1 for a partner's "<5"), which are hidden, and which
    are exact (a partner's "<5" is not)."""
    n = len(table.original)
    values = np.full((n, len(table.fields)), np.nan)
    hidden = np.zeros(values.shape, dtype=bool)
    exact = np.ones(values.shape, dtype=bool)
    for i, name in enumerate(table.fields):
        numbers = numeric_values(table.original[name])
        if numbers is None:
            continue
        column = numbers.to_numpy(dtype=float, copy=True)
        marked = table.original[name].map(_hidden_text).to_numpy(dtype=bool)
        column[marked] = 1.0
        with np.errstate(invalid="ignore"):
            small = (column > 0) & (column < threshold)
        shown_hidden = table.published[name].map(_hidden_text).to_numpy(dtype=bool)
        shared = np.asarray(table.shared.get(name, np.zeros(n, dtype=bool)), dtype=bool)
        if len(shared) != n:
            raise ValueError(f"shared cells of '{table.name}.{name}' do not match its rows")
        values[:, i] = column
        hidden[:, i] = (small | marked | shown_hidden | shared) & ~np.isnan(column)
        exact[:, i] = ~marked
    return values, hidden, exact


def _units(table: Table) -> tuple[dict[str, int], dict[str, list[tuple[str, np.ndarray]]]]:
    """The units the table publishes: as a row (its name column) and as a group of rows (a parent
    column, a chart's group column): unit → row, unit → [(column, rows)]."""
    frame = table.original
    parents = parent_columns(frame)
    rows: dict[str, int] = {}
    for column in name_columns(frame, parents):
        for r, unit in enumerate(frame[column].astype(str)):
            rows.setdefault(_key(unit), r)
    groups: dict[str, list[tuple[str, np.ndarray]]] = {}
    for column in dict.fromkeys([*parents, *(g for g in table.groups if g in frame.columns)]):
        present = frame[column].notna().to_numpy()
        codes, labels = pd.factorize(frame[column].astype(str))
        for g, label in enumerate(labels):
            members = np.flatnonzero((codes == g) & present)
            if len(members):
                groups.setdefault(_key(label), []).append((column, members))
    return rows, groups


@dataclass(frozen=True)
class Link:
    """Table ``whole``'s cell (``row``, ``field``) = the sum of table ``part``'s ``rows`` of that field."""

    whole: int
    row: int
    part: int
    rows: tuple[int, ...]
    field: str
    grouped: bool  # the parts are a parent group of table ``part`` (its total was taken as known)
    exact: bool  # the figures are known to agree (no partner's "<5" among them)


def links(tables: list[Table], cells: list[tuple[np.ndarray, np.ndarray, np.ndarray]]) -> list[Link]:
    """Every link between two tables whose figures agree (see the module's docstring)."""
    units = [_units(t) for t in tables]
    out: list[Link] = []
    for a, (rows_a, _) in enumerate(units):
        for b, (rows_b, groups_b) in enumerate(units):
            if a == b:
                continue
            shared_fields = [f for f in tables[a].fields if f in tables[b].fields]
            for unit, r in rows_a.items():
                parts = [(tuple(map(int, rows)), True) for _, rows in groups_b.get(unit, [])]
                if unit in rows_b and a < b:  # one relation for two rows of the same unit
                    parts.append(((rows_b[unit],), False))
                for rows, grouped in parts:
                    for name in shared_fields:
                        fa, fb = tables[a].fields.index(name), tables[b].fields.index(name)
                        whole, part = cells[a][0][r, fa], cells[b][0][list(rows), fb]
                        if np.isnan(whole) or np.isnan(part).any():
                            continue
                        exact = bool(cells[a][2][r, fa] and cells[b][2][list(rows), fb].all())
                        if exact and abs(whole - part.sum()) > _TOLERANCE:
                            continue
                        out.append(Link(a, r, b, rows, name, grouped, exact))
    return out


def _joint_relations(
    tables: list[Table],
    cells: list[tuple[np.ndarray, np.ndarray, np.ndarray]],
    found: list[Link],
    offsets: list[int],
    columns: dict[str, int],
) -> tuple[list[Relation], set[int]]:
    """Each table's own relations in the joint cell numbering (row offset, one column per field
    name), a linked group's total-as-known replaced by its link; and the positions of the relations
    whose total is only assumed known: a parent group's (a division's) that no table of the export
    shows, neither linked nor a chart's group nor the table's whole column."""

    def cell(t: int, r: int, name: str) -> tuple[int, int]:
        return offsets[t] + r, columns[name]

    replaced = Counter(
        frozenset(cell(k.part, r, k.field) for r in k.rows) for k in found if k.grouped and k.exact and len(k.rows) > 1
    )
    out: list[Relation] = []
    assumed: set[int] = set()
    for t, table in enumerate(tables):
        frame = table.original.reset_index(drop=True)
        parents = parent_columns(frame)
        groups = [g for g in dict.fromkeys(table.groups) if g not in parents]  # each grouping once
        shown_groups = {
            frozenset(np.flatnonzero(codes == g).tolist())
            for column in groups
            for codes in [pd.factorize(frame[column].astype(str))[0]]
            for g in range(codes.max(initial=-1) + 1)
        }
        present = ~np.isnan(cells[t][0])
        for rel in relations(frame, table.fields, cells[t][0], groups):
            parts = tuple(cell(t, r, table.fields[f]) for r, f in rel.parts)
            total = cell(t, rel.total[0], table.fields[rel.total[1]]) if rel.total is not None else None
            key = frozenset(parts)
            if total is None and replaced[key] > 0:
                replaced[key] -= 1  # its total is a cell of another table now
                continue
            if total is None:
                rows = frozenset(r for r, _ in rel.parts)
                whole = len(rows) == int(present[:, rel.parts[0][1]].sum())
                if not whole and rows not in shown_groups:
                    assumed.add(len(out))
            out.append(Relation(parts, total))
    for k in found:
        out.append(Relation(tuple(cell(k.part, r, k.field) for r in k.rows), cell(k.whole, k.row, k.field)))
    return out, assumed


def solve(tables: list[Table], threshold: int) -> list[dict[str, np.ndarray]]:
    """Per table, field → the rows to hide ("x") besides what is hidden already, so that no hidden
    cell of any table follows from the published cells of all of them. Tables that neither link to
    another nor carry shared cells were solved alone already and are left as they are."""
    empty: list[dict[str, np.ndarray]] = [{} for _ in tables]
    cells = [_cells(t, threshold) for t in tables]
    found = links(tables, cells) if len(tables) > 1 else []
    involved = sorted(
        {k.whole for k in found} | {k.part for k in found} | {i for i, t in enumerate(tables) if t.shared}
    )
    if not involved or not any(cells[i][1].any() for i in involved):
        return empty
    chosen = [tables[i] for i in involved]
    chosen_cells = [cells[i] for i in involved]
    renumber = {old: new for new, old in enumerate(involved)}
    found = [
        Link(renumber[k.whole], k.row, renumber[k.part], k.rows, k.field, k.grouped, k.exact)
        for k in found
        if k.whole in renumber and k.part in renumber
    ]
    columns = {name: i for i, name in enumerate(dict.fromkeys(f for t in chosen for f in t.fields))}
    offsets = list(np.cumsum([0] + [len(t.original) for t in chosen[:-1]]))
    total_rows = sum(len(t.original) for t in chosen)
    values = np.full((total_rows, len(columns)), np.nan)
    hidden = np.zeros(values.shape, dtype=bool)
    for t, table in enumerate(chosen):
        block = slice(offsets[t], offsets[t] + len(table.original))
        for i, name in enumerate(table.fields):
            values[block, columns[name]] = chosen_cells[t][0][:, i]
            hidden[block, columns[name]] = chosen_cells[t][1][:, i]
    rels, assumed = _joint_relations(chosen, chosen_cells, found, offsets, columns)
    twins = _twins(hidden, rels)
    added = twins | close(values, hidden | twins, rels)
    if assumed:
        # A cell that the totals taken as known pin down whatever is hidden (a province made of
        # divisions whose totals nobody published here) is still kept from what the export does
        # publish: closed again without those totals.
        shown = [rel for i, rel in enumerate(rels) if i not in assumed]
        added |= close(values, hidden | added, shown)
    out = empty
    for t, table in enumerate(chosen):
        block = slice(offsets[t], offsets[t] + len(table.original))
        new = {name: added[block, columns[name]] for name in table.fields}
        if table.shared:
            # The project's cells that this export would publish: hidden as well.
            own = _cells(dataclasses.replace(table, shared={}), threshold)[1]
            for name, mask in table.shared.items():
                new[name] = new[name] | (np.asarray(mask, dtype=bool) & ~own[:, table.fields.index(name)])
        out[involved[t]] = {name: mask for name, mask in new.items() if mask.any()}
    return out


Cell = tuple[int, int]


def _matrix(rels: list[Relation], cells: list[Cell]) -> np.ndarray:
    """The relations' coefficients on ``cells`` (+1 a part, −1 the total)."""
    index = {c: i for i, c in enumerate(cells)}
    a = np.zeros((len(rels), len(cells)))
    for i, rel in enumerate(rels):
        for c in rel.parts:
            if c in index:
                a[i, index[c]] += 1.0
        if rel.total in index:
            a[i, index[rel.total]] -= 1.0
    return a


def _rank(sv: np.ndarray) -> int:
    return int(np.sum(sv > 1e-9 * max(1.0, sv.max(initial=0.0))))


def _determined(a: np.ndarray) -> np.ndarray:
    """Per column of ``a``: whether the relations pin that unknown down (its unit vector lies in the
    row space)."""
    if not a.size:
        return np.zeros(a.shape[1], dtype=bool)
    _, sv, vt = np.linalg.svd(a, full_matrices=False)
    return np.sum(vt[: _rank(sv)] ** 2, axis=0) > 1 - 1e-7


def _twins(hidden: np.ndarray, rels: list[Relation]) -> np.ndarray:
    """The cells equal to a hidden one by a link of one part (a district's figure in two tables, a
    province of one district): shown, they would be the hidden figure itself. Hiding them first keeps
    each table's own complementary cells valid in the other (the cheapest closing)."""
    added = np.zeros(hidden.shape, dtype=bool)
    pairs = [(rel.parts[0], rel.total) for rel in rels if rel.total is not None and len(rel.parts) == 1]
    changed = True
    while changed:
        changed = False
        for a, b in pairs:
            shown_a, shown_b = not (hidden[a] or added[a]), not (hidden[b] or added[b])
            if shown_a != shown_b:
                added[a if shown_a else b] = changed = True
    return added


def _shift(target: int, cells: list[Cell], rels: list[Relation], weights: np.ndarray) -> np.ndarray | None:
    """The cheapest shift of the cells that keeps every relation and moves ``cells[target]``: the
    L1-smallest ``x`` (weighted by ``weights``) with ``Ax = 0`` and ``x[target] = 1``, a linear
    program as tau-Argus solves one per primary cell. The cells it moves, hidden, leave the target
    undetermined; None when no shift exists (the relations alone determine it)."""
    from scipy.optimize import linprog  # HiGHS, loaded only when a cell must be freed across tables
    from scipy.sparse import csr_matrix, hstack, vstack

    index = {c: i for i, c in enumerate(cells)}
    rows, columns, data = [], [], []
    for i, rel in enumerate(rels):
        for c in rel.parts:
            rows.append(i)
            columns.append(index[c])
            data.append(1.0)
        if rel.total is not None:
            rows.append(i)
            columns.append(index[rel.total])
            data.append(-1.0)
    n = len(cells)
    a = csr_matrix((data, (rows, columns)), shape=(len(rels), n))
    pin = csr_matrix(([1.0, -1.0], ([0, 0], [target, n + target])), shape=(1, 2 * n))
    equations = vstack([hstack([a, -a]), pin]).tocsr()
    right = np.zeros(len(rels) + 1)
    right[-1] = 1.0
    result = linprog(np.concatenate([weights, weights]), A_eq=equations, b_eq=right, bounds=(0, None), method="highs")
    if result.status != 0:
        return None
    x = result.x[:n] - result.x[n:]
    return np.abs(x) > 1e-7


def close(values: np.ndarray, hidden: np.ndarray, rels: list[Relation]) -> np.ndarray:
    """The cells to hide besides ``hidden`` so that no hidden cell is determined by ``rels``: for each
    determined one (rank test), the cells of its cheapest shift (``_shift``: hidden cells move for
    free; then fewest cells, smallest figures; a zero only when nothing else will do). A cell that no
    shift moves (a unit alone beside totals taken as known) is a published total in disguise and is
    left."""
    by_cell: dict[Cell, list[Relation]] = {}
    for rel in rels:
        for c in rel.cells():
            by_cell.setdefault(c, []).append(rel)
    cells = sorted(by_cell)
    index = {c: i for i, c in enumerate(cells)}
    figures = np.array([values[c] for c in cells])
    weights = np.where(figures == 0, 100.0, 1.0 + figures / (1.0 + np.nanmax(np.abs(figures), initial=0.0)))
    suppressed = {(int(r), int(f)) for r, f in zip(*np.nonzero(hidden))}
    added = np.zeros(hidden.shape, dtype=bool)
    hopeless: set[Cell] = set()
    for _ in range(len(cells) + 1):
        ordered = sorted(suppressed)
        touching = list({id(r): r for c in ordered for r in by_cell.get(c, [])}.values())
        exposed = [c for c, d in zip(ordered, _determined(_matrix(touching, ordered))) if d and c not in hopeless]
        if not exposed:
            break
        cost = weights.copy()
        cost[[index[c] for c in ordered if c in index]] = 0.0
        moved = _shift(index[exposed[0]], cells, rels, cost) if exposed[0] in index else None
        new = [] if moved is None else [cells[i] for i in np.flatnonzero(moved) if cells[i] not in suppressed]
        if not new:
            hopeless.add(exposed[0])
            continue
        suppressed.update(new)
        for c in new:
            added[c] = True
    return added


def hide(frame: pd.DataFrame, cells: dict[str, np.ndarray]) -> pd.DataFrame:
    """``frame`` with ``cells`` (field → rows) written as ``SECONDARY_MARK``."""
    if not cells:
        return frame
    out = frame.copy()
    for name, rows in cells.items():
        column = out[name].astype(object)
        column.iloc[np.flatnonzero(rows)] = SECONDARY_MARK
        out[name] = column
    return out


def published_hidden(frame: pd.DataFrame, fields: list[str], threshold: int) -> dict[str, np.ndarray]:
    """Field → the rows of a published ``frame`` that show no number: "x", "<5", or a count under
    ``threshold`` (which every formatter prints as "<5")."""
    out = {}
    for name in fields:
        if name not in frame.columns:
            continue
        marks = np.array(frame[name].map(_hidden_text).to_numpy(dtype=bool))
        numbers = numeric_values(frame[name])
        if numbers is not None:
            with np.errstate(invalid="ignore"):
                marks |= ((numbers > 0) & (numbers < threshold)).to_numpy(dtype=bool)
        if marks.any():
            out[name] = marks
    return out


def has_units(frame: pd.DataFrame) -> bool:
    """Whether the table names units (a name column, a parent column): only then can it link to another."""
    parents = parent_columns(frame)
    return bool(parents or name_columns(frame, parents))


__all__ = ["SharedCells", "Table", "Link", "links", "solve", "close", "hide", "published_hidden", "has_units"]
