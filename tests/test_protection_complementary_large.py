"""Complementary suppression on a large layer: the same cells as a plain search, none recoverable.

A point layer of thousands of rows with a count field is one relation holding every row (its total
is published) and a small cell in every hundred. The search keeps each group's exchangeable rows in
order of cost instead of reading the whole layer per small cell (``pakmap.protection.rectangles``);
the cells it chooses are checked here against a plain search that reads every row for every cell.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_protection_complementary import exposed_cells

from pakmap.protection.complementary import (
    SECONDARY_MARK,
    _close_remaining,
    _field_patterns,
    complementary_suppression,
    relations,
    secondary_cells,
)
from pakmap.protection.rectangles import CellIndex


def plain_secondary_cells(values: np.ndarray, primary: np.ndarray, rels) -> np.ndarray:
    """The rectangle search read off its definition: for each primary cell (largest first), each
    pattern of its field, every other row held by the same column sums on the pattern's fields, the
    cheapest by (zeros, new cells, values hidden, row) that keeps every relation true."""
    n_rows, n_fields = values.shape
    present = ~np.isnan(values)
    held: dict[tuple[int, int], list[int]] = {}
    for i, rel in enumerate(rels):
        if rel.total is None:
            for c in rel.parts:
                held.setdefault(c, []).append(i)

    def balanced(moves) -> bool:
        for rel in rels:
            change = sum(moves.get(c, 0.0) for c in rel.parts) - (moves.get(rel.total, 0.0) if rel.total else 0.0)
            if abs(change) > 1e-9:
                return False
        return True

    def cost(row, support, mask):
        new = [g for g in support if not mask[row, g]]
        return sum(values[row, g] == 0 for g in new), len(new), float(sum(values[row, g] for g in new))

    mask, secondary = primary.copy(), np.zeros_like(primary)
    patterns = _field_patterns(rels, n_fields)
    for r, f in sorted(zip(*np.nonzero(primary)), key=lambda c: (-values[c], c)):
        best = None
        for v in patterns[f]:
            support = list(np.flatnonzero(v))
            if not present[r, support].all():
                continue
            same = [
                j
                for j in range(n_rows)
                if j != r
                and present[j, support].all()
                and all(held.get((j, g), []) == held.get((r, g), []) for g in support)
            ]
            own = cost(r, support, mask)
            for j in sorted(same, key=lambda j: (*cost(j, support, mask), j)):
                moves = {(r, g): v[g] for g in support} | {(j, g): -v[g] for g in support}
                if balanced(moves):
                    key = tuple(a + b for a, b in zip(own, cost(j, support, mask)))
                    if best is None or key < best[0]:
                        best = (key, [c for c in moves if not mask[c]])
                    break
        for c in best[1] if best else []:
            mask[c] = secondary[c] = True
    _close_remaining(values, mask, secondary, rels, CellIndex(rels, n_fields))
    return secondary


@st.composite
def count_tables(draw) -> tuple[pd.DataFrame, list[str]]:
    n = draw(st.integers(3, 30))
    n_parts = draw(st.integers(1, 4))
    cell = st.one_of(st.integers(0, 4), st.integers(5, 300), st.just(np.nan))
    frame = pd.DataFrame({f"part{i}": [float(draw(cell)) for _ in range(n)] for i in range(n_parts)})
    fields = list(frame.columns)
    if n_parts >= 2 and draw(st.booleans()):
        frame["total"] = frame[fields].sum(axis=1, min_count=1)
        fields.append("total")
    if draw(st.booleans()):
        frame["province"] = [draw(st.sampled_from(["KP", "Sindh", "Punjab"])) for _ in range(n)]
    return frame, fields


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(table=count_tables())
def test_the_cells_chosen_are_those_of_the_plain_search(table):
    frame, fields = table
    values = frame[fields].to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        primary = (values > 0) & (values < 5)
    rels = relations(frame, fields, values)
    assert np.array_equal(secondary_cells(values, primary, rels), plain_secondary_cells(values, primary, rels))


def households_layer(n: int, seed: int = 0) -> pd.DataFrame:
    """``n`` points with a count of households, one in a hundred of 1–4, in seven provinces."""
    rng = np.random.default_rng(seed)
    households = rng.integers(5, 500, n)
    small = rng.random(n) < 0.01
    households[small] = rng.integers(1, 5, small.sum())
    provinces = rng.choice(["Balochistan", "KP", "Punjab", "Sindh", "GB", "AJK", "ICT"], n)
    return pd.DataFrame({"households": households, "province": provinces})


@pytest.mark.parametrize("with_provinces", [False, True])
def test_a_large_layer_of_many_small_cells_hides_nothing_more(with_provinces):
    """The small cells of one relation hide each other: a rectangle through two of them costs nothing."""
    frame = households_layer(20_000)
    if not with_provinces:
        frame = frame.drop(columns="province")
    out, counts = complementary_suppression(frame, ["households"], 5)
    assert counts == {} and out is frame
    groups = ["province"] if with_provinces else []
    assert exposed_cells(out, ["households"], groups, []) == []


def test_a_large_layer_with_one_small_cell_in_a_province_hides_one_more():
    frame = households_layer(20_000)
    small = frame["households"] < 5
    ict = np.flatnonzero(frame["province"] == "ICT")
    frame.loc[ict, "households"] = np.where(small[ict], 50, frame.loc[ict, "households"])
    frame.loc[ict[3], "households"] = 2  # alone under 5 in its province: the province total gives it back
    out, counts = complementary_suppression(frame, ["households"], 5)
    assert counts == {"households": 1}
    hidden = np.flatnonzero(out["households"] == SECONDARY_MARK)
    # The least the map can lose: the smallest other count of the same province.
    others = frame.loc[ict[ict != ict[3]], "households"]
    assert frame.loc[hidden[0], "province"] == "ICT" and frame.loc[hidden[0], "households"] == others.min()
    assert exposed_cells(out, ["households"], ["province"], []) == []
