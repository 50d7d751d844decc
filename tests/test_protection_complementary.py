"""Complementary suppression: no "<5" can be recovered by subtracting published cells from a total.

District tables with cells of 1–4 beside larger ones, a total column that is the sum of its parts
(men + women + boys + girls) and parents (division, province) whose totals are published anyway.
Each test checks recoverability independently of the code under test: a suppressed cell is exposed
when adding its unit vector to the relations restricted to the suppressed cells leaves their rank
unchanged.
"""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from pakmap.cli import main
from pakmap.layer import SourceInfo, VectorLayer
from pakmap.project.loaded import LoadedProject
from pakmap.project.model import LayerSpec, Project
from pakmap.protection.complementary import SECONDARY_MARK, complementary_suppression, parent_columns, row_sums
from pakmap.protection.policy import guard_export
from pakmap.style import GraduatedStyle

pytestmark = pytest.mark.filterwarnings("ignore:Could not parse column:UserWarning")

PARTS = ["men", "women", "boys", "girls"]


def _hidden(cell) -> bool:
    return isinstance(cell, str) and (cell == SECONDARY_MARK or cell.startswith("<"))


def _present(cell) -> bool:
    return not (cell is None or (isinstance(cell, float) and np.isnan(cell)) or str(cell).strip() == "")


def _is_suppressed(cell, threshold: int = 5) -> bool:
    if _hidden(cell):
        return True
    number = pd.to_numeric(pd.Series([cell]), errors="coerce").iloc[0]
    return bool(0 < number < threshold)


def exposed_cells(frame: pd.DataFrame, fields: list[str], groups: list[str], sums: list[tuple[str, list[str]]]):
    """Suppressed cells ``(row, field)`` that the declared sums determine exactly: column totals over
    the whole table and within each group of ``groups``, and row sums ``total = parts``."""
    hidden = [(r, f) for r in range(len(frame)) for f in fields if _is_suppressed(frame[f].iloc[r])]
    if not hidden:
        return []
    index = {c: i for i, c in enumerate(hidden)}
    rows = []
    alone: set[tuple[int, str]] = set()
    partitions = [np.zeros(len(frame), dtype=int)] + [pd.factorize(frame[g])[0] for g in groups]
    for part in partitions:
        for g in np.unique(part):
            for f in fields:
                members = [r for r in np.flatnonzero(part == g) if _present(frame[f].iloc[r])]
                if len(members) < 2:
                    # A unit alone with figures in its parent is that parent's total: as public as the
                    # parent's own figure (which its publisher suppresses), whatever this table hides.
                    alone.update((r, f) for r in members)
                    continue
                row = np.zeros(len(hidden))
                for r in members:
                    if (r, f) in index:
                        row[index[(r, f)]] = 1
                rows.append(row)
    for total, parts in sums:
        for r in range(len(frame)):
            row = np.zeros(len(hidden))
            for f in parts:
                if (r, f) in index:
                    row[index[(r, f)]] = 1
            if (r, total) in index:
                row[index[(r, total)]] = -1
            rows.append(row)
    a = np.array(rows)
    rank = np.linalg.matrix_rank(a)
    out = []
    for cell, i in index.items():
        unit = np.zeros(len(hidden))
        unit[i] = 1
        if np.linalg.matrix_rank(np.vstack([a, unit])) == rank and cell not in alone:
            out.append(cell)
    return out


def district_table(seed: int = 3) -> pd.DataFrame:
    """Districts in divisions in provinces; men + women + boys + girls = total; cells of 1–4 here and there."""
    rng = np.random.default_rng(seed)
    rows = []
    for p, province in enumerate(["Khyber Pakhtunkhwa", "Balochistan", "Sindh"]):
        for d in range(2):
            for k in range(3):
                parts = rng.integers(10, 400, 4)
                rows.append([f"District {p}{d}{k}", f"Division {p}{d}", province, *parts])
    frame = pd.DataFrame(rows, columns=["district", "division", "province", *PARTS])
    frame.loc[0, "girls"] = 4  # Kohat: 57 − 18 − 21 − 14 = 4
    frame.loc[3, "boys"] = 2
    frame.loc[7, "men"] = 1
    frame.loc[8, "women"] = 3
    frame.loc[12, ["men", "women", "boys", "girls"]] = [3, 0, 1, 0]  # a tiny total too
    frame["total"] = frame[PARTS].sum(axis=1)
    return frame


def test_the_relations_are_found_from_the_table():
    frame = district_table()
    assert parent_columns(frame) == ["division", "province"]
    values = frame[[*PARTS, "total"]].to_numpy(dtype=float)
    assert row_sums(values) == [(4, (0, 1, 2, 3))]
    # A name column differs on every row: not a parent. Rates are not summed.
    assert "district" not in parent_columns(frame)


def test_without_complementary_cells_every_small_cell_is_recoverable():
    """The premise: primary suppression alone is undone by subtraction (the audit's Kohat girls)."""
    frame = district_table()
    fields = [*PARTS, "total"]
    exposed = exposed_cells(frame, fields, ["division", "province"], [("total", PARTS)])
    assert (0, "girls") in exposed and (3, "boys") in exposed


def test_no_suppressed_cell_is_recoverable_after_complementary_suppression():
    frame = district_table()
    fields = [*PARTS, "total"]
    out, counts = complementary_suppression(frame, fields, 5)
    assert counts and sum(counts.values()) >= 5
    assert exposed_cells(out, fields, ["division", "province"], [("total", PARTS)]) == []
    # Primary cells keep their numbers (every formatter prints "<5"); secondary ones are "x", never "<5".
    assert out.loc[0, "girls"] == 4
    marked = [(r, f) for f in fields for r in range(len(out)) if out[f].iloc[r] == SECONDARY_MARK]
    assert all(frame[f].iloc[r] >= 5 or frame[f].iloc[r] == 0 for r, f in marked)
    # Only cells the relations need: far from the whole table.
    assert len(marked) < len(frame) * len(fields) // 4
    # The district names and the parents are untouched.
    pd.testing.assert_frame_equal(
        out[["district", "division", "province"]], frame[["district", "division", "province"]]
    )


def test_a_partners_own_suppressed_cell_is_protected_too():
    frame = pd.DataFrame(
        {"district": ["Tank", "Kohat", "Bannu", "Karak"], "province": ["KP"] * 4, "refugees": ["<5", "120", "77", "31"]}
    )
    out, counts = complementary_suppression(frame, ["refugees"], 5)
    assert counts == {"refugees": 1}
    assert out["refugees"].tolist() == ["<5", "120", "77", SECONDARY_MARK]


def test_rates_and_areas_are_never_touched(districts_path):
    """Complementary suppression reaches only count fields: a rate map is exactly the same."""
    districts = gpd.read_file(districts_path)
    rng = np.random.default_rng(1)
    districts["refugees"] = rng.integers(5, 5000, len(districts))
    districts.loc[::17, "refugees"] = 2
    districts["literacy_rate"] = rng.uniform(0.2, 0.9, len(districts)).round(3)
    districts["area_km2"] = districts.to_crs(6933).area / 1e6
    layer = VectorLayer("districts", districts, SourceInfo(districts_path))
    loaded = LoadedProject(Project(layers=[LayerSpec("districts")]), [layer])
    safe, plan = guard_export(loaded, None)
    published = safe.layer("districts").data
    assert published["literacy_rate"].tolist() == districts["literacy_rate"].tolist()
    assert published["area_km2"].tolist() == districts["area_km2"].tolist()
    assert plan.layers["districts"].secondary["refugees"] >= 1
    assert (published["refugees"] == SECONDARY_MARK).sum() == plan.layers["districts"].secondary["refugees"]
    assert exposed_cells(published, ["refugees"], ["division", "province"], []) == []


def test_district_table_joined_to_the_real_districts(districts_path, tmp_path, capsys):
    """A partner's table of cells 1–4 beside totals, joined through the CLI: no cell of the file can be
    recovered through the province, division or national totals nor through the row totals."""
    districts = gpd.read_file(districts_path)
    kp = districts[districts["province"] == "Khyber Pakhtunkhwa"].reset_index(drop=True)
    rng = np.random.default_rng(11)
    table = pd.DataFrame({"District": kp["name"]})
    for part in PARTS:
        table[part] = rng.integers(6, 300, len(table))
    for row, part in [(0, "girls"), (5, "boys"), (9, "men"), (14, "women"), (20, "girls")]:
        table.loc[row, part] = int(rng.integers(1, 5))
    table["total"] = table[PARTS].sum(axis=1)
    path = tmp_path / "kp_refugees.csv"
    pd.concat(
        [table, pd.DataFrame([{"District": "Total Khyber Pakhtunkhwa", **table[[*PARTS, "total"]].sum().to_dict()}])]
    ).to_csv(path, index=False)
    out = tmp_path / "joined.csv"
    assert main(["join", str(districts_path), str(path), "--on", "name=District", "-o", str(out)]) == 0
    joined = pd.read_csv(out, dtype=str, keep_default_na=False)
    joined = joined[joined["province"] == "Khyber Pakhtunkhwa"].reset_index(drop=True)
    fields = [*PARTS, "total"]
    assert (joined[fields] == SECONDARY_MARK).any().any()
    assert exposed_cells(joined, fields, ["division", "province"], [("total", PARTS)]) == []
    record = json.loads((tmp_path / "joined.csv.record.json").read_text(encoding="utf-8"))
    assert record["protection"]["secondary_suppressed"]["pak_districts"]
    assert "complementary" in record["protection"]["suppression_method"]


def test_the_legend_says_a_grey_district_may_be_suppressed(districts_path):
    districts = gpd.read_file(districts_path)
    districts["refugees"] = np.arange(len(districts)) * 10 + 100
    districts.loc[[0, 40], "refugees"] = [3, 2]
    layer = VectorLayer("districts", districts, SourceInfo(districts_path))
    layer.style = GraduatedStyle(field="refugees")
    loaded = LoadedProject(Project(layers=[LayerSpec("districts")]), [layer])
    safe, plan = guard_export(loaded, None)
    assert plan.layers["districts"].secondary
    assert safe.layer("districts").style.nodata_label == "No data or suppressed (x)"
    assert layer.style.nodata_label == "No data"  # the officer's own layer is untouched


def dense_census_table(shared_data) -> pd.DataFrame:
    """The census's real districts (two per division, in their divisions and provinces, Islamabad alone
    in its own) with a third of the part cells of 1–4: a dense table of small cells."""
    census = pd.read_csv(shared_data / "pak_census2023_districts.csv")
    table = census.groupby("division").head(2)[["district", "division", "province"]].reset_index(drop=True)
    rng = np.random.default_rng(0)
    for part in PARTS:
        values = rng.integers(5, 300, len(table))
        small = rng.random(len(table)) < 0.3
        values[small] = rng.integers(1, 5, small.sum())
        table[part] = values
    table.loc[table["district"] == "Islamabad", "girls"] = 3  # alone in its division and province
    table["total"] = table[PARTS].sum(axis=1)
    return table


@pytest.mark.timeout(300)
def test_a_dense_table_hides_close_to_the_minimum(shared_data):
    """Each small cell is put on a rectangle of hidden cells, shared where it can be; a unit alone in
    its groups (Islamabad: its figures are its division's and province's) cannot be hidden by more
    cells. Before: every one of the 305 cells hidden, after ~3 minutes. Now: about as many secondary
    cells as primary ones (59 primary, 56 secondary: 38% of the cells), none recoverable."""
    table = dense_census_table(shared_data)
    fields = [*PARTS, "total"]
    primary = int(((table[fields] > 0) & (table[fields] < 5)).to_numpy().sum())
    out, counts = complementary_suppression(table, fields, 5)
    secondary = sum(counts.values())
    assert 0 < secondary <= primary
    assert (primary + secondary) / table[fields].size <= 0.4
    assert exposed_cells(out, fields, ["division", "province"], [("total", PARTS)]) == []
