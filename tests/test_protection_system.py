"""One system across the layers and charts of one export: no hidden cell of any table comes back from
the published cells of all of them.

The reader's relations are declared here, independently of the code under test: each table's total
over all its rows is known (the national figure), and where a unit's figure in one table is the sum of
its parts in another (a province row and the province's district rows, a chart's total per province)
the two are equal; a group whose unit no table of the export shows has a known total. A hidden cell is
recoverable when its unit vector lies in the row space of those relations restricted to the hidden
cells — unless the known totals alone pin it down (it is then a published total in disguise: a unit
alone in its parent beside known totals), which no suppression can change.
"""

from __future__ import annotations

import html
import json
import re

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import box

from pakmap.cli import main
from pakmap.layer import SourceInfo, TableLayer, VectorLayer
from pakmap.project.loaded import LoadedProject
from pakmap.project.model import ChartSpec, LayerSpec, LayoutSpec, Project
from pakmap.protection.complementary import SECONDARY_MARK
from pakmap.protection.policy import guard_export
from pakmap.style import GraduatedStyle

pytestmark = pytest.mark.filterwarnings("ignore:Could not parse column:UserWarning")

Cell = tuple[str, int, str]  # table, row, field


def _number(cell) -> float | None:
    if isinstance(cell, str):
        text = cell.replace(",", "").strip()
        if text == SECONDARY_MARK or text.startswith("<"):
            return None
        cell = text
    value = pd.to_numeric(pd.Series([cell]), errors="coerce").iloc[0]
    return None if pd.isna(value) else float(value)


def hidden_cells(published: dict[str, pd.DataFrame], field: str, threshold: int = 5) -> set[Cell]:
    """Cells shown as "x" or "<5", or as a count under the threshold (which every output prints "<5")."""
    out = set()
    for name, frame in published.items():
        for r, cell in enumerate(frame[field]):
            number = _number(cell)
            if number is None and not pd.isna(cell) or number is not None and 0 < number < threshold:
                out.add((name, r, field))
    return out


def recoverable(hidden: set[Cell], sums: list[list[Cell]], links: list[tuple[Cell, list[Cell]]]) -> list[Cell]:
    """The hidden cells that ``sums`` (cells whose total is known) and ``links`` (a cell = the sum of
    others) determine, and that the known totals alone (every cell unknown) do not."""

    def determined(unknown: list[Cell]) -> set[Cell]:
        index = {c: i for i, c in enumerate(unknown)}
        signed = [[(index.get(c), 1.0) for c in cells] for cells in sums]
        signed += [[(index.get(whole), -1.0)] + [(index.get(c), 1.0) for c in parts] for whole, parts in links]
        a = np.zeros((len(signed), len(unknown)))
        for i, terms in enumerate(signed):
            for j, coefficient in terms:
                if j is not None:
                    a[i, j] += coefficient
        if not len(unknown):
            return set()
        rank = np.linalg.matrix_rank(a)
        out = set()
        for c, i in index.items():
            unit = np.zeros(len(unknown))
            unit[i] = 1.0
            if np.linalg.matrix_rank(np.vstack([a, unit])) == rank:
                out.add(c)
        return out

    everything = sorted({c for cells in sums for c in cells} | {c for w, p in links for c in [w, *p]})
    public = determined(everything)
    return sorted(determined(sorted(hidden)) - public)


def hierarchy_relations(
    truth: dict[str, pd.DataFrame], levels: list[tuple[str, str, dict[str, str]]], field: str
) -> tuple[list[list[Cell]], list[tuple[Cell, list[Cell]]]]:
    """The reader's relations for tables ``levels`` (name, its unit column, its parent columns → the
    table showing those units): each table's national total; each group of a parent column = the
    parent table's row where it shows that unit with the same figure, else a known total."""
    sums: list[list[Cell]] = []
    links: list[tuple[Cell, list[Cell]]] = []
    rows_of = {name: {str(u): r for r, u in enumerate(truth[name][unit])} for name, unit, _ in levels}
    for name, _unit, parents in levels:
        frame = truth[name]
        sums.append([(name, r, field) for r in range(len(frame))])
        for parent, owner in parents.items():
            for unit, rows in frame.groupby(parent).indices.items():
                cells = [(name, int(r), field) for r in rows]
                r = rows_of[owner].get(str(unit))
                if r is not None and truth[owner][field].iloc[r] == frame[field].iloc[rows].sum():
                    links.append(((owner, r, field), cells))
                else:
                    sums.append(cells)
    return sums, links


def protect(tables: dict[str, pd.DataFrame | gpd.GeoDataFrame], charts=()) -> tuple[dict[str, pd.DataFrame], object]:
    """The tables as one export publishes them (``guard_export``), and the plan."""
    layers = [
        VectorLayer(name, frame, SourceInfo(None))
        if isinstance(frame, gpd.GeoDataFrame)
        else TableLayer(name, frame, SourceInfo(None))
        for name, frame in tables.items()
    ]
    project = Project(layers=[LayerSpec(name) for name in tables], layout=LayoutSpec(charts=list(charts)))
    safe, plan = guard_export(LoadedProject(project, layers), None)
    return {name: safe.layer(name).attributes.reset_index(drop=True) for name in tables}, plan


@pytest.fixture(scope="module")
def boundaries(shared_data):
    districts = gpd.read_file(shared_data / "pak_districts.geojson")[["name", "province", "geometry"]]
    provinces = gpd.read_file(shared_data / "pak_provinces.geojson")[["name", "geometry"]]
    return districts, provinces


def refugees_by_district(boundaries, seed: int = 4):
    """Refugees per real district (20–2,000; Islamabad's one district 3) and the same per province."""
    districts, provinces = boundaries
    rng = np.random.default_rng(seed)
    districts = districts.copy()
    districts["refugees"] = rng.integers(20, 2_000, len(districts))
    districts.loc[districts["province"] == "Islamabad Capital Territory", "refugees"] = 3
    provinces = provinces.copy()
    provinces["refugees"] = provinces["name"].map(districts.groupby("province")["refugees"].sum()).astype(int)
    return districts, provinces


def province_district_relations(provinces, districts):
    """What a reader of the provinces and districts layers knows of their refugees: each layer's
    national total, and each province = its districts."""
    truth = {"provinces": provinces, "districts": districts}
    levels = [("provinces", "name", {}), ("districts", "name", {"province": "provinces"})]
    return hierarchy_relations(truth, levels, "refugees")


def test_a_small_province_stays_hidden_across_the_provinces_and_districts_layers(boundaries):
    """Islamabad's 3 refugees are hidden in both layers; its complementary province (the smallest other)
    must not be the sum of published districts, or Islamabad = national total − the other provinces."""
    districts, provinces = refugees_by_district(boundaries)
    published, plan = protect({"provinces": provinces, "districts": districts})
    sums, links = province_district_relations(provinces, districts)
    hidden = hidden_cells(published, "refugees")
    assert ("provinces", 6, "refugees") in hidden  # Islamabad Capital Territory
    assert recoverable(hidden, sums, links) == []
    # Few cells beyond the rectangle it needs: one more province and one district of it.
    assert len(hidden) <= 6
    summary = plan.summary()
    assert sum(n for fields in summary["suppressed_across_tables"].values() for n in fields.values()) >= 1
    assert "one system" in summary["suppression_method"]
    record = json.dumps(summary)  # counts of cells, never a figure
    assert not any(f"{v}" in record for v in provinces["refugees"])


def test_a_province_made_of_divisions_stays_hidden_across_the_layers(shared_data, boundaries):
    """The real districts as the file has them, with their division column: the divisions' totals
    are taken as known, which pins every province down whatever is hidden. Nobody publishes those
    totals here, so the hidden provinces are still kept from what the export does publish."""
    districts = gpd.read_file(shared_data / "pak_districts.geojson")[["name", "division", "province", "geometry"]]
    districts, provinces = refugees_by_district((districts, boundaries[1]))
    published, _ = protect({"provinces": provinces, "districts": districts})
    sums, links = province_district_relations(provinces, districts)
    hidden = hidden_cells(published, "refugees")
    assert ("provinces", 6, "refugees") in hidden  # Islamabad Capital Territory
    assert recoverable(hidden, sums, links) == []


def test_without_the_link_the_complementary_province_gives_islamabad_back(boundaries):
    """The premise, on each layer protected alone (as before): the provinces layer's complementary
    cell is the sum of published districts."""
    districts, provinces = refugees_by_district(boundaries)
    alone = {
        "provinces": protect({"provinces": provinces})[0]["provinces"],
        "districts": protect({"districts": districts})[0]["districts"],
    }
    sums, links = province_district_relations(provinces, districts)
    assert ("provinces", 6, "refugees") in recoverable(hidden_cells(alone, "refugees"), sums, links)


def test_census_households_with_sindh_a_few_households_apart(shared_data, boundaries):
    """The brief's example on the real census: Sindh's province figure is 3 households more than its
    districts (hidden: differencing), and the provinces layer's complementary cell must not be a
    province whose one district the districts layer shows (Islamabad)."""
    census = pd.read_csv(shared_data / "pak_census2023_districts.csv")
    districts = boundaries[0].merge(census[["district", "households"]], left_on="name", right_on="district")
    districts = districts.drop(columns="district")
    provinces = boundaries[1].copy()
    provinces["households"] = provinces["name"].map(districts.groupby("province")["households"].sum())
    provinces = provinces[provinces["households"].notna()].reset_index(drop=True)
    provinces["households"] = provinces["households"].astype(np.int64)
    provinces.loc[provinces["name"] == "Sindh", "households"] += 3
    published, _ = protect({"provinces": provinces, "districts": districts})
    shown = published["provinces"].set_index(provinces["name"])["households"]
    assert shown["Sindh"] == SECONDARY_MARK
    # Every province hidden beside Sindh is hidden in the districts layer too: not one is the sum of
    # published districts, nor Islamabad's one district.
    for name in shown.index[shown == SECONDARY_MARK]:
        if name == "Sindh":
            continue
        rows = published["districts"][districts["province"].to_numpy() == name]["households"]
        assert (rows == SECONDARY_MARK).any(), name


def test_chart_totals_per_province_and_the_districts_are_one_system(boundaries):
    """A chart of refugees per province beside the districts layer: the chart hides Islamabad (3) and a
    complementary total; that total must not be the sum of districts the layer publishes."""
    districts, _ = refugees_by_district(boundaries)
    chart = ChartSpec("table", "districts", field="refugees", by="province")
    layer = VectorLayer("districts", districts, SourceInfo(None))
    layer.style = GraduatedStyle(field="refugees")
    project = Project(layers=[LayerSpec("districts")], layout=LayoutSpec(charts=[chart]))
    safe, plan = guard_export(LoadedProject(project, [layer]), None)
    ((spec, table),) = safe.published_charts
    totals = {row.label: (None if row.suppressed else row.value) for row in table.rows}
    sums_by_province = districts.groupby("province")["refugees"].sum()
    chart_frame = pd.DataFrame({"province": list(sums_by_province.index), "refugees": list(sums_by_province)})
    chart_published = pd.DataFrame(
        {
            "province": chart_frame["province"],
            "refugees": [
                totals.get(p, SECONDARY_MARK) if totals.get(p) is not None else SECONDARY_MARK
                for p in chart_frame["province"]
            ],
        }
    )
    published = {"chart": chart_published, "districts": safe.layer("districts").attributes.reset_index(drop=True)}
    truth = {"chart": chart_frame, "districts": districts}
    sums, links = hierarchy_relations(
        truth, [("chart", "province", {}), ("districts", "name", {"province": "chart"})], "refugees"
    )
    hidden = hidden_cells(published, "refugees")
    assert ("chart", list(chart_frame["province"]).index("Islamabad Capital Territory"), "refugees") in hidden
    assert recoverable(hidden, sums, links) == []
    assert plan.summary()["suppressed_across_tables"]
    # The district hidden for the chart is drawn in the no-data colour: the legend says why.
    assert safe.layer("districts").style.nodata_label == "No data or suppressed (x)"


# --- generated two- and three-level tables --------------------------------------------------------


@st.composite
def hierarchies(draw):
    """Provinces → districts (→ tehsils), named ADM1_EN/ADM2_EN/ADM3_EN, counts with many of 0–4."""
    depth = draw(st.sampled_from([2, 3]))
    small = st.integers(0, 4)
    count = st.one_of(small, st.integers(5, 400))
    rows3, rows2 = [], []
    for p in range(draw(st.integers(2, 4))):
        for d in range(draw(st.integers(1, 4))):
            if depth == 3:
                for t in range(draw(st.integers(1, 3))):
                    rows3.append(
                        {"ADM3_EN": f"T{p}{d}{t}", "ADM2_EN": f"D{p}{d}", "ADM1_EN": f"P{p}", "refugees": draw(count)}
                    )
            else:
                rows2.append({"ADM2_EN": f"D{p}{d}", "ADM1_EN": f"P{p}", "refugees": draw(count)})
    tables = {}
    if depth == 3:
        tehsils = pd.DataFrame(rows3)
        tables["tehsils"] = tehsils
        districts = tehsils.groupby(["ADM2_EN", "ADM1_EN"], as_index=False, sort=False)["refugees"].sum()
    else:
        districts = pd.DataFrame(rows2)
    tables["districts"] = districts
    tables["provinces"] = districts.groupby("ADM1_EN", as_index=False, sort=False)["refugees"].sum()
    # Boundary layers, as a map publishes them (a table layer reaches no output but through them).
    return {
        name: gpd.GeoDataFrame(t, geometry=[box(i, 0, i + 1, 1) for i in range(len(t))]) for name, t in tables.items()
    }


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hierarchies())
def test_no_hidden_cell_of_any_level_is_recoverable(tables):
    published, _ = protect(tables)
    levels = [("provinces", "ADM1_EN", {}), ("districts", "ADM2_EN", {"ADM1_EN": "provinces"})]
    if "tehsils" in tables:
        levels.append(("tehsils", "ADM3_EN", {"ADM2_EN": "districts", "ADM1_EN": "provinces"}))
    sums, links = hierarchy_relations(tables, levels, "refugees")
    assert recoverable(hidden_cells(published, "refugees"), sums, links) == []


# --- the exports of one project ----------------------------------------------------------------------

DASHBOARD_DATA = re.compile(r"var pmDashboard = (\{.*?\});\n")
TOTAL_ROW = re.compile(r'<tr data-group="([^"]*)"><td>[^<]*</td><td class="pm-num[^"]*">([^<]*)</td></tr>')


def test_two_exports_of_one_project_hide_the_same_cells(boundaries, tmp_path):
    """A project rendered to a GeoPackage of the districts and a web dashboard (whose table of totals
    per province hides Islamabad's "<5" and a complementary province): the dashboard's own system
    hides a district of that province; the GeoPackage, which has no chart, must hide it too, or the
    two files together give the province back, and Islamabad with it."""
    districts, _ = refugees_by_district(boundaries)
    districts.to_file(tmp_path / "districts.geojson", driver="GeoJSON")
    project = tmp_path / "refugees.toml"
    project.write_text(
        f"""[pakmap]
format = 1

[[layers]]
name = "districts"
path = "{(tmp_path / "districts.geojson").as_posix()}"
style = {{ kind = "graduated", field = "refugees", classes = 4 }}

[layout]
title = "Refugees by district"

[[exports]]
path = "districts.gpkg"

[[exports]]
path = "dashboard.html"
dashboard = true
""",
        encoding="utf-8",
    )
    assert main(["render", str(project)]) == 0
    gpkg = pyogrio.read_dataframe(tmp_path / "districts.gpkg", layer="districts")
    text = (tmp_path / "dashboard.html").read_text(encoding="utf-8")
    rows = {r[5]: r[4] for r in json.loads(DASHBOARD_DATA.search(text).group(1))["rows"]}  # feature → as shown
    totals = {html.unescape(k): html.unescape(v) for k, v in TOTAL_ROW.findall(text)}
    assert totals["Islamabad Capital Territory"] == "<5"
    # Every cell that either file shows as a number is published (the GeoPackage keeps the features' order).
    in_gpkg = list(gpkg["refugees"])
    combined = [in_gpkg[i] if _number(in_gpkg[i]) is not None else rows[i] for i in range(len(districts))]
    published = {
        "districts": pd.DataFrame({"name": districts["name"], "refugees": combined}),
        "chart": pd.DataFrame({"province": list(totals), "refugees": list(totals.values())}),
    }
    by_province = districts.groupby("province")["refugees"].sum()
    truth = {
        "districts": districts,
        "chart": pd.DataFrame({"province": list(totals), "refugees": by_province[list(totals)].to_numpy()}),
    }
    levels = [("chart", "province", {}), ("districts", "name", {"province": "chart"})]
    sums, links = hierarchy_relations(truth, levels, "refugees")
    assert recoverable(hidden_cells(published, "refugees"), sums, links) == []
    # Both files hide the same districts.
    hidden_gpkg = {i for i, v in enumerate(in_gpkg) if _number(v) is None or _number(v) < 5}
    hidden_dashboard = {i for i, v in rows.items() if _number(v) is None or _number(v) < 5}
    assert hidden_gpkg == hidden_dashboard
    record = json.loads((tmp_path / "districts.gpkg.record.json").read_text(encoding="utf-8"))
    assert record["protection"]["suppressed_across_exports"]["districts"]["refugees"] >= 2
