"""Tables as partners send them: text coordinates, merged cells, totals rows, the file's own row numbers.

The workbook is generated here (openpyxl) as the messiest a partner might email: a title block above
the header, a region merged down over its districts, degrees-minutes-seconds and degree-suffixed
coordinates with hemisphere letters and decimal commas, and totals rows at the bottom.
"""

from __future__ import annotations

import openpyxl
import pytest

from pakmap.cli import main
from pakmap.jobs.info import describe
from pakmap.join import join_attributes
from pakmap.layer import TableLayer, VectorLayer
from pakmap.sources import open_layer
from pakmap.sources.degrees import parse_degrees

pytestmark = pytest.mark.filterwarnings("ignore:Could not parse column:UserWarning")


@pytest.mark.parametrize(
    "text, axis, degrees",
    [
        ("32.33192629° N", "latitude", 32.33192629),
        ("70.07° E", "longitude", 70.07),
        ("33°35'12\"N", "latitude", 33 + 35 / 60 + 12 / 3600),
        ("33 35 12 N", "latitude", 33 + 35 / 60 + 12 / 3600),
        ("33°35′12″N", "latitude", 33 + 35 / 60 + 12 / 3600),
        ("N 33° 35.5'", "latitude", 33 + 35.5 / 60),
        ("71°30'00\" E", "longitude", 71.5),
        ("33,6844", "latitude", 33.6844),
        ("12° S", "latitude", -12.0),
        ("30 W", "longitude", -30.0),
        ("-33.5", "latitude", -33.5),
    ],
)
def test_degrees_as_text(text, axis, degrees):
    value, _ = parse_degrees(text, axis)
    assert value == pytest.approx(degrees)


@pytest.mark.parametrize(
    "text, axis",
    [
        ("71.5 N", "longitude"),
        ("33 E", "latitude"),
        ("33 60 00 N", "latitude"),
        ("33.5 35 N", "latitude"),
        ("-33 N", "latitude"),
        ("N 33 S", "latitude"),
        ("abc", "latitude"),
        ("33..5", "latitude"),
    ],
)
def test_degrees_that_are_not_guessed(text, axis):
    assert parse_degrees(text, axis) is None


def test_csv_with_dms_and_decimal_commas_reports_the_conversion(tmp_path):
    path = tmp_path / "sites.csv"
    path.write_text(
        "Sites visited in October\n\nsite;latitude;longitude\n"
        "Peshawar;34°00'45\"N;71°34'44\"E\nQuetta;30,1958;67,0172\nKohat;33.58° N;71.44° E\n",
        encoding="utf-8",
    )
    layer = open_layer(path)
    assert isinstance(layer, VectorLayer) and len(layer.data) == 3
    peshawar = layer.data.geometry.iloc[0]
    assert (peshawar.x, peshawar.y) == pytest.approx((71 + 34 / 60 + 44 / 3600, 34 + 45 / 3600))
    assert layer.data.geometry.iloc[1].y == pytest.approx(30.1958)
    notes = " | ".join(layer.source.notes)
    assert "latitudes in column 'latitude' read from text written with" in notes
    assert "degrees-minutes-seconds (1)" in notes and "decimal commas (1)" in notes
    assert "degree signs (1)" in notes and "hemisphere letters (2)" in notes
    text = describe(path)
    assert "converted:" in text and "degrees-minutes-seconds" in text
    assert "row numbers: as the file numbers them (file lines)" in text


def test_a_coordinate_that_cannot_be_read_names_file_column_line_and_value(tmp_path, capsys):
    path = tmp_path / "sites.csv"
    path.write_text('Sites\nsite,lat,lon\nA,33°35\'12"N,71.5\nB,"33,5",71.6\nC,33°75\'00"N,71.7\n', encoding="utf-8")
    assert main(["info", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "Traceback" not in err
    assert str(path) in err and "column 'lat'" in err and "'33°75'00\"N' on file line 5" in err


def _partner_workbook(path):
    """A partners' sheet: title block, merged region cells, text coordinates, totals rows."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sites"
    ws.append(["Displaced persons sites — Sindh, October 2026"])  # row 1, merged across the columns
    ws.merge_cells("A1:F1")
    ws.append(["Source: partners' reports"])  # row 2
    ws.append([])  # row 3
    ws.append(["Region", "District", "Site", "Latitude", "Longitude", "Households"])  # row 4
    rows = [
        ("Karachi", "Karachi East", "Site 1", "24°53'30\"N", "67°04'12\"E", 120),  # row 5
        (None, "Malir", "Site 2", "24.93° N", "67.20° E", 80),  # row 6
        (None, "Korangi", "Site 3", "24,83", "67,13", 45),  # row 7
        ("Hyderabad", "Hyderabad", "Site 4", "25 23 31 N", "68 22 25 E", 200),  # row 8
        (None, "Tando Allahyar", "Site 5", "25.46", "68.72", 30),  # row 9
    ]
    for row in rows:
        ws.append(list(row))
    ws.merge_cells("A5:A7")  # "Karachi" over three rows
    ws.merge_cells("A8:A9")
    ws.append([])  # row 10: blank line before the totals
    ws.append(["Total Sindh", None, None, None, None, 475])  # row 11
    ws.append(["Grand Total", None, None, None, None, 475])  # row 12
    wb.save(path)


def test_xlsx_merged_cells_filled_down_and_sheet_rows_kept(tmp_path):
    path = tmp_path / "partner sites.xlsx"
    _partner_workbook(path)
    table = open_layer(path, as_table=True)
    assert isinstance(table, TableLayer) and table.source.options["header_row"] == 4
    # Every row under a merged range carries its value; the title merged across one row does not
    # become a header.
    assert table.data["Region"].tolist()[:5] == ["Karachi"] * 3 + ["Hyderabad"] * 2
    assert table.data.index.tolist() == [5, 6, 7, 8, 9, 11, 12]  # sheet rows, blank row 10 counted
    notes = " ".join(table.source.notes)
    assert "2 merged cell range(s) filled down" in notes and "A5:A7 ('Karachi')" in notes
    assert "A1" not in notes  # a one-row title merge is not filled
    text = describe(path)
    assert "merged cell range(s) filled down" in text and "(sheet rows)" in text


def test_xlsx_totals_rows_and_text_coordinates_as_points(tmp_path):
    path = tmp_path / "sites.xlsx"
    _partner_workbook(path)
    points = open_layer(path)  # the totals rows have no position: null geometry, reported
    assert isinstance(points, VectorLayer) and len(points.data) == 7
    located = points.data[points.data.geometry.notna()]
    assert located["Site"].tolist() == ["Site 1", "Site 2", "Site 3", "Site 4", "Site 5"]
    assert located.geometry.iloc[0].y == pytest.approx(24 + 53 / 60 + 30 / 3600)
    assert located.geometry.iloc[2].x == pytest.approx(67.13)
    assert any("degrees-minutes-seconds (2)" in n for n in points.source.notes)


def test_join_report_names_sheet_rows_and_leaves_totals_out(tmp_path, shared_data):
    import geopandas as gpd

    path = tmp_path / "sites.xlsx"
    _partner_workbook(path)
    table = open_layer(path, as_table=True)
    districts = gpd.read_file(shared_data / "pak_districts.geojson")
    # "Total Sindh" sits in the Region column, the District cell of its row is empty.
    by_district = table.data.drop(columns=["Site", "Latitude", "Longitude"])
    result = join_attributes(districts, by_district, on=[("name", "District")], table_name="sites.xlsx")
    report = result.report
    assert report.row_kind == "sheet row"
    rows = report.rows.set_index("table_row")
    assert rows.loc[5, "layer_key"] == "Karachi East" and rows.loc[9, "layer_key"] == "Tando Allah Yar"
    assert rows.loc[11, "how"] == "total" and rows.loc[12, "how"] == "total"
    assert report.ok  # totals rows carry values but are not lost data
    assert (
        "totals rows, left out of the join: 2 (sheet row 11: 'Total Sindh' is a total, "
        "sheet row 12: 'Grand Total' is a total)"
    ) in report.summary()
    assert result.data.set_index("name").loc["Hyderabad", "Households"] == 200
    out = tmp_path / "report.csv"
    report.to_csv(out)
    header = out.read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("section,table row (sheet row),")
