"""Property tests (hypothesis) over every export path: no generated personal value, no small count.

For any generated household list (names in Latin and Urdu script, phones in four formats, CNICs
with dashes or spaces, exact coordinates, household sizes from 1) and any district table with cells
of 0–4 beside larger ones and a total column:

* the print exports (PDF text and metadata, SVG, PNG text chunks), the web map, the GeoPackage,
  the QGIS project (.qgz and its GeoPackage), an atlas (its PDF and PNG page files, named after the
  features), ``pakmap join -o`` (CSV, GeoJSON, GeoPackage) and its report, and every export record,
  hold none of the household values, and no province label shows a count of 1–4;
* no suppressed district cell can be recovered from the published cells by the table's sums.

The desktop app's export action goes through the same ``write_output`` (tests/test_gui_protection.py
exports a generated household list through it).
"""

from __future__ import annotations

import re
import sqlite3
import string
import tempfile
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from test_protection_complementary import PARTS, exposed_cells
from test_protection_data import PLACES
from test_protection_exports import output_text

from pakmap.cli import main
from pakmap.jobs.outputs import write_output
from pakmap.jobs.qgis_project import export_qgis_project
from pakmap.project import load_project, save_project
from pakmap.project.loader import load_layers
from pakmap.project.model import JoinSpec, LayerSpec, LayoutSpec, Project, ProtectionSpec
from pakmap.style import GraduatedStyle, LabelStyle

pytestmark = [
    pytest.mark.filterwarnings("ignore:Could not parse column:UserWarning"),
    pytest.mark.filterwarnings("ignore:More than one layer found:UserWarning"),
]
URDU = "ابپتٹثجچحخدڈذرڑزژسشصضطظعغفقکگلمنوہیے"
PROPERTY = settings(
    max_examples=4,
    deadline=None,
    phases=(Phase.explicit, Phase.generate),  # each example exports everything: shrinking would take minutes
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

latin_word = st.text(string.ascii_lowercase, min_size=6, max_size=9).map(str.title)
urdu_word = st.text(URDU, min_size=4, max_size=7)
digits = st.integers(0, 9_999_999)


@st.composite
def phone(draw) -> str:
    operator, number = draw(st.sampled_from([300, 312, 321, 333, 345])), draw(digits)
    return draw(
        st.sampled_from(
            [
                f"0{operator}-{number:07d}",
                f"0{operator} {number // 10000:03d} {number % 10000:04d}",
                f"+92 {operator} {number:07d}",
                f"0{operator}{number:07d}",
            ]
        )
    )


@st.composite
def cnic(draw) -> str:
    a, b, c = draw(st.integers(10000, 79999)), draw(digits), draw(st.integers(1, 9))
    return draw(st.sampled_from([f"{a}-{b:07d}-{c}", f"{a} {b:07d} {c}", f"{a}{b:07d}{c}"]))


@st.composite
def household_lists(draw) -> pd.DataFrame:
    n = draw(st.integers(6, 24))
    names = [
        f"{draw(latin_word)} {draw(latin_word)}" if draw(st.booleans()) else f"{draw(urdu_word)} {draw(urdu_word)}"
        for _ in range(n)
    ]
    places = [draw(st.sampled_from(sorted(PLACES))) for _ in range(n)]
    jitter = draw(st.lists(st.floats(-0.03, 0.03), min_size=2 * n, max_size=2 * n))
    return pd.DataFrame(
        {
            "head_of_household": names,
            "phone": [draw(phone()) for _ in range(n)],
            "cnic": [draw(cnic()) for _ in range(n)],
            "province": [PLACES[p][2] for p in places],
            "household_size": [draw(st.integers(1, 12)) for _ in range(n)],
            "lat": [round(PLACES[p][1] + j, 6) for p, j in zip(places, jitter[:n])],
            "lon": [round(PLACES[p][0] + j, 6) for p, j in zip(places, jitter[n:])],
        }
    )


def personal(table: pd.DataFrame) -> list[str]:
    values = []
    for field in ("head_of_household", "phone", "cnic"):
        values += [str(v) for v in table[field]]
    for field in ("phone", "cnic"):
        values += [re.sub(r"\D", "", str(v)) for v in table[field]]
    return values


def _project(folder: Path, shared_data: Path, table: pd.DataFrame) -> Path:
    table.to_csv(folder / "households.csv", index=False)
    project = Project(
        layers=[
            LayerSpec(
                "provinces",
                str(shared_data / "pak_provinces.geojson"),
                style=GraduatedStyle(field="households", classes=3),
                labels=LabelStyle(expression="{name}: {households}", size=7),
                popup_fields=["name", "households"],
            ),
            # What a hurried officer sets up on the list itself: labels and popups of names and phones.
            LayerSpec(
                "households", "households.csv", labels=LabelStyle(field="head_of_household"), popup_fields=["phone"]
            ),
        ],
        joins=[JoinSpec(layer="provinces", kind="spatial", points="households", stats={"households": "count"})],
        layout=LayoutSpec(title="Surveyed households", sources="Generated test data"),
        protection=ProtectionSpec(aggregate={"households": "admin:provinces"}),
    )
    project.path = folder / "project.toml"
    return save_project(project)


def _gpkg_text(path: Path) -> str:
    with sqlite3.connect(path) as db:
        tables = [r[0] for r in db.execute("select name from sqlite_master where type='table'")]
        return "\n".join(str(row) for t in tables for row in db.execute(f'select * from "{t}"'))


def _all_text(path: Path) -> str:
    if path.suffix == ".gpkg":
        return _gpkg_text(path) + output_text(path)
    if path.suffix == ".qgz":
        with zipfile.ZipFile(path) as archive:
            return "\n".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
    if path.suffix in (".pdf", ".png"):
        return output_text(path) + path.name
    return path.read_text(encoding="utf-8", errors="replace")


SMALL_LABEL = re.compile(r"(?:Sindh|Balochistan|Khyber Pakhtunkhwa|Islamabad Capital Territory)\s*:\s*[1-4](?![\d,])")


@pytest.mark.timeout(900)
@PROPERTY
@given(table=household_lists())
def test_no_household_value_nor_small_count_on_any_export_path(shared_data, table):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        loaded = load_layers(load_project(_project(folder, shared_data, table)))
        out = folder / "out"
        out.mkdir()
        written = []
        for suffix in (".pdf", ".svg", ".html", ".gpkg"):
            written += write_output(loaded, out / f"map{suffix}", dpi=72)
        written += write_output(loaded, out / "atlas.pdf", atlas="provinces", dpi=72)
        written += write_output(loaded, out / "page.png", atlas="provinces", dpi=72)
        written += export_qgis_project(loaded, out / "qgis.qgz")
        households = folder / "households.csv"
        boundaries = str(shared_data / "pak_provinces.geojson")
        for suffix in (".csv", ".geojson", ".gpkg"):
            join = ["join", boundaries, str(households), "--on", "name=province", "--aggregate", "count"]
            assert main([*join, "-o", str(out / f"joined{suffix}"), "--report", str(out / "report.csv")]) == 0
        files = sorted(p for p in out.iterdir() if p.is_file())
        assert {p.suffix for p in files} >= {".pdf", ".svg", ".html", ".gpkg", ".png", ".qgz", ".csv", ".geojson"}
        values = personal(table)
        for path in files:
            text = _all_text(path)
            leaked = [v for v in values if len(v) >= 4 and v in text]
            assert not leaked, (path.name, leaked[:3])
            assert not SMALL_LABEL.search(text), (path.name, SMALL_LABEL.search(text).group(0))
        # Coordinates: no point reaches a data file (digits of a lat may well be a boundary vertex's).
        for name in ("map.gpkg", "qgis.gpkg", "joined.geojson", "joined.gpkg"):
            for layer, geometry in pyogrio.list_layers(out / name):
                assert geometry in ("Polygon", "MultiPolygon", None), (name, layer, geometry)
        counts = table.groupby("province").size()
        if (counts < 5).any():  # a province of 1–4 households shows "<5" where its count would be
            page = (out / "map.html").read_text(encoding="utf-8")
            assert any(mark in page for mark in ("&lt;5", "\\u0026lt;5", "\\u003c5"))


@st.composite
def district_tables(draw) -> tuple[list[str], pd.DataFrame]:
    n = draw(st.integers(6, 20))
    cell = st.one_of(st.integers(0, 4), st.integers(5, 400))
    rows = [[draw(cell) for _ in PARTS] for _ in range(n)]
    return n, pd.DataFrame(rows, columns=PARTS)


@pytest.mark.timeout(600)
@PROPERTY
@given(drawn=district_tables())
def test_no_suppressed_district_cell_is_recoverable(districts_path, drawn):
    n, table = drawn
    districts = gpd.read_file(districts_path)
    kp = districts[districts["province"] == "Khyber Pakhtunkhwa"]["name"].tolist()[:n]
    table.insert(0, "District", kp)
    table["total"] = table[PARTS].sum(axis=1)
    with tempfile.TemporaryDirectory() as tmp:
        path, out = Path(tmp) / "kp.csv", Path(tmp) / "joined.csv"
        table.to_csv(path, index=False)
        assert main(["join", str(districts_path), str(path), "--on", "name=District", "-o", str(out)]) == 0
        joined = pd.read_csv(out, dtype=str, keep_default_na=False)
    joined = joined[joined["name"].isin(kp)].reset_index(drop=True)
    fields = [*PARTS, "total"]
    for field in fields:
        shown = joined[field].str.replace(",", "").str.replace(r"\.0$", "", regex=True)
        assert not shown.isin(["1", "2", "3", "4"]).any(), field
    small = ((table[fields] > 0) & (table[fields] < 5)).to_numpy().sum()
    hidden = joined[fields].isin(["<5", "x"]).to_numpy().sum()
    assert hidden >= small
    assert exposed_cells(joined, fields, ["division", "province"], [("total", PARTS)]) == []
    # Nothing is withheld for nothing: without a small cell, the table is published as it came.
    if small == 0:
        shown = joined[fields].apply(lambda c: c.str.replace(",", "")).to_numpy(dtype=float)
        assert hidden == 0 and np.array_equal(shown, table[fields].to_numpy(dtype=float))
