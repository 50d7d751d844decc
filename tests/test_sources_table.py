"""Tables: CSV encodings and delimiters, XLSX sheets and header rows, coordinates and WKT to points."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest

from pakmap.errors import SourceError
from pakmap.layer import TableLayer, VectorLayer
from pakmap.sources import list_layers, open_layer
from pakmap.sources.coordinates import find_lat_lon
from pakmap.sources.table import detect_header_row, infer_types

ROWS = "district;refugees;note\nPeshawar;1,250;Café\nNowshera;75;Ñ test\n"


@pytest.mark.parametrize(
    "encoding,expected", [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("cp1252", "cp1252"), ("utf-16", "utf-16")]
)  # Excel "Unicode Text"
def test_csv_encodings_decoded_without_mojibake(tmp_path, encoding, expected):
    path = tmp_path / "stats.csv"
    path.write_bytes(ROWS.encode(encoding))
    layer = open_layer(path)
    assert isinstance(layer, TableLayer)
    assert list(layer.data.columns) == ["district", "refugees", "note"]  # no BOM glued to "district"
    assert layer.data["note"].tolist() == ["Café", "Ñ test"]
    assert layer.data["refugees"].tolist() == [1250, 75]  # thousands separator understood
    assert layer.source.options == {"encoding": expected, "delimiter": ";"}


def test_csv_in_another_code_page_is_refused_then_read_when_told(tmp_path):
    path = tmp_path / "urdu.csv"
    path.write_bytes("district,name_ur\nLahore,لاهور\nMultan,ملتان\n".encode("cp1256"))
    with pytest.raises(SourceError, match="garbled characters .*encoding=cp1256"):
        open_layer(path)
    assert open_layer(path, encoding="cp1256").data["name_ur"].tolist() == ["لاهور", "ملتان"]
    with pytest.raises(SourceError, match="is not valid utf-8"):
        open_layer(path, encoding="utf-8")


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_csv_delimiters_sniffed_respecting_quotes(tmp_path, delimiter):
    d = delimiter
    path = tmp_path / "stats.csv"
    path.write_text(
        f'district{d}province{d}pcode\n"Kachhi (Bolan), Kalat"{d}Balochistan{d}PK0101\nAwaran{d}Balochistan{d}PK0102\n',
        encoding="utf-8",
    )
    layer = open_layer(path)
    assert layer.source.options["delimiter"] == delimiter
    assert layer.data["district"].tolist() == ["Kachhi (Bolan), Kalat", "Awaran"]
    assert layer.data["pcode"].tolist() == ["PK0101", "PK0102"]


def test_csv_header_below_a_title_block_and_hxl_row(tmp_path):
    path = tmp_path / "report.csv"
    path.write_text(
        "Afghan refugees by district,,\nas of 30 June 2026,,\n,,\n"
        "District,Code,Refugees\n#adm2+name,#adm2+code,#affected+refugees\n"
        "Peshawar,0401,120\nQuetta,0501,45\n",
        encoding="utf-8",
    )
    layer = open_layer(path)
    assert layer.source.options["header_row"] == 4
    assert layer.data.to_dict("list") == {
        "District": ["Peshawar", "Quetta"],
        "Code": ["0401", "0501"],
        "Refugees": [120, 45],
    }  # codes keep their leading zero
    again = open_layer(path, **layer.source.options)
    assert again.data.equals(layer.data)


def test_header_detection_and_types_unit():
    rows = [["Title", None], [None, None], ["name", "value"], ["a", 1]]
    assert detect_header_row(rows) == 2
    assert detect_header_row([["name", "value"], ["a", 1]]) == 0
    assert detect_header_row([["Census", None, None], ["district", 2017, 2023], ["Awaran", 121_821, 178_958]]) == 1
    typed = infer_types(pd.DataFrame({"n": ["1", "2.5", None], "code": ["007", "010", "100"], "t": ["x", "1", "2"]}))
    assert typed["n"].tolist()[:2] == [1.0, 2.5] and pd.isna(typed["n"].iloc[2])
    assert typed["code"].tolist() == ["007", "010", "100"] and typed["t"].tolist() == ["x", "1", "2"]


@pytest.mark.parametrize(
    "lat,lon",
    [
        ("lat", "lon"),
        ("Latitude", "Longitude"),
        ("_gps_latitude", "_gps_longitude"),
        ("_location_latitude", "_location_longitude"),
        ("GPS Latitude", "GPS Longitude"),
        ("Y", "X"),
    ],
)
def test_coordinate_columns_detected(lat, lon):
    columns = ["start", "village", lat, lon, "_gps_altitude", "_gps_precision"]
    assert find_lat_lon(columns) == (lat, lon)


def test_kobo_export_becomes_points_with_missing_positions_reported(tmp_path):
    path = tmp_path / "kobo survey export.csv"
    path.write_text(
        "start,village,_gps_latitude,_gps_longitude,_gps_altitude,_gps_precision\n"
        "2026-05-01,Khurasan camp,33.9981,71.4913,350,5\n"
        "2026-05-01,Kababian,,,,\n"
        "2026-05-02,Jalozai,33.9176,71.7312,320,4.5\n",
        encoding="utf-8",
    )
    layer = open_layer(path)
    assert isinstance(layer, VectorLayer) and layer.crs.to_epsg() == 4326
    assert layer.source.options["lat"] == "_gps_latitude" and layer.source.options["lon"] == "_gps_longitude"
    assert layer.validity.null == 1 and layer.validity.total == 3  # the row without GPS is counted
    assert layer.bounds == pytest.approx((71.4913, 33.9176, 71.7312, 33.9981))


def test_forced_columns_and_as_table(tmp_path):
    path = tmp_path / "sites.csv"
    path.write_text("site,northing_deg,easting_deg,lat\nA,34.0,71.5,x\n", encoding="utf-8")
    layer = open_layer(path, lat="northing_deg", lon="easting_deg")
    assert layer.bounds == pytest.approx((71.5, 34.0, 71.5, 34.0))
    assert isinstance(open_layer(path, as_table=True), TableLayer)
    with pytest.raises(SourceError, match="give both lat= and lon="):
        open_layer(path, lat="northing_deg")


def test_decimal_comma_coordinates(tmp_path):
    path = tmp_path / "sites.csv"
    path.write_text('site;lat;lon\nA;"34,01";"71,58"\n', encoding="utf-8")
    assert open_layer(path).bounds == pytest.approx((71.58, 34.01, 71.58, 34.01))


def test_wkt_column(tmp_path):
    path = tmp_path / "areas.csv"
    path.write_text(
        'name,WKT\nzone,"POLYGON ((71 34, 72 34, 72 35, 71 35, 71 34))"\nsite,POINT (71.5 34.5)\n', encoding="utf-8"
    )
    layer = open_layer(path)
    assert layer.source.options["wkt"] == "WKT" and layer.fields == ["name"]
    assert list(layer.data.geom_type) == ["Polygon", "Point"] and layer.crs.to_epsg() == 4326
    utm = tmp_path / "utm.csv"
    utm.write_text("name,geom\nA,POINT (500000 3760000)\n", encoding="utf-8")
    with pytest.raises(SourceError, match="outside ±90 degrees"):
        open_layer(utm)
    assert open_layer(utm, crs="EPSG:32642").crs.to_epsg() == 32642


def _workbook(path, sheets):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(path)


def test_xlsx_header_row_and_sheet_choice(tmp_path):
    path = tmp_path / "partner 5W.xlsx"
    data = [
        ["UNHCR Pakistan — 5W", None, None],
        ["Period: Q2 2026"],
        [],
        ["District", "Latitude", "Longitude"],
        ["Peshawar", 34.0124, 71.5788],
        ["Quetta", 30.1958, 67.0172],
    ]
    _workbook(path, {"Readme": [["About this file"], ["Sources: partners"]], "Data": data})
    assert list_layers(path) == ["Readme", "Data"]
    with pytest.raises(SourceError, match="has 2 sheets with data \\(Readme, Data\\).*--layer SHEET"):
        open_layer(path)
    layer = open_layer(path, layer="Data")
    assert isinstance(layer, VectorLayer) and layer.name == "Data" and len(layer.data) == 2
    assert layer.source.layer == "Data" and layer.source.options["header_row"] == 4
    assert layer.data["District"].tolist() == ["Peshawar", "Quetta"]
    assert open_layer(path, sheet="data").name == "Data"  # case-insensitive, `sheet=` alias


def test_xlsx_single_sheet_table(tmp_path):
    path = tmp_path / "stats.xlsx"
    _workbook(
        path, {"Sheet1": [["district", "pcode", "refugees"], ["Peshawar", "PK0401", 120], ["Quetta", "PK0501", None]]}
    )
    layer = open_layer(path)
    assert isinstance(layer, TableLayer) and layer.name == "Sheet1"
    assert layer.data["pcode"].tolist() == ["PK0401", "PK0501"]
    assert layer.data["refugees"].iloc[0] == 120 and pd.isna(layer.data["refugees"].iloc[1])


def test_real_census_and_admin_centres(shared_data):
    census = open_layer(shared_data / "pak_census2023_districts.csv")
    assert isinstance(census, TableLayer) and len(census.data) == 136
    assert census.data["population_2023"].dtype.kind == "i"
    assert census.data.loc[census.data["district"] == "Awaran", "population_2023"].item() == 178958
    centres = open_layer(shared_data / "pak_admin_centres.csv")
    assert isinstance(centres, VectorLayer) and len(centres.data) == 7 and centres.geometry_type == "Point"
    karachi = centres.data[centres.data["name"] == "Karachi"].geometry.item()
    assert (karachi.x, karachi.y) == pytest.approx((67.0207055, 24.8546842))
    assert centres.data["name_local"].iloc[0] == "گلگت"


def test_wkt_with_swapped_axes(tmp_path):
    path = tmp_path / "swapped.csv"
    path.write_text("name,wkt\nA,POINT (34.0 71.5)\nB,POINT (30.2 67.0)\n", encoding="utf-8")
    with pytest.raises(SourceError, match="look swapped.*WKT is x \\(longitude\\) first"):
        open_layer(path)


def test_xlsx_typed_cells_and_unicode_path(tmp_path):
    import datetime as dt

    folder = tmp_path / "رپورٹ June"
    folder.mkdir()
    path = folder / "données partenaires.xlsx"
    _workbook(
        path,
        {
            "5W": [
                ["site", "date", "households", "share", "code"],
                ["Jalozai", dt.datetime(2026, 6, 1), 120, 0.5, "0401"],
                ["Kababian", dt.datetime(2026, 6, 2), None, 1, "0402"],
            ]
        },
    )
    df = open_layer(path).data
    assert df["date"].dtype.kind == "M" and df["date"].iloc[1] == pd.Timestamp("2026-06-02")
    assert df["households"].iloc[0] == 120 and pd.isna(df["households"].iloc[1])
    assert df["share"].tolist() == [0.5, 1.0] and df["code"].tolist() == ["0401", "0402"]
    csv = folder / "مہاجر sites.csv"
    csv.write_text("site,lat,lon\nJalozai,33.9176,71.7312\n", encoding="utf-8-sig")
    assert len(open_layer(csv).data) == 1


def test_trailing_delimiters_and_bad_header_row(tmp_path):
    path = tmp_path / "excel export.csv"
    path.write_text("district,refugees,,\nPeshawar,120,,\nQuetta,45,,\n", encoding="utf-8")
    layer = open_layer(path)
    assert list(layer.data.columns) == ["district", "refugees"]  # Excel's empty trailing columns dropped
    with pytest.raises(SourceError, match="header_row must be 1 or more"):
        open_layer(path, header_row=0)
    with pytest.raises(SourceError, match="has no row 9 to use as the header"):
        open_layer(path, header_row=9)


def test_a_table_has_no_crs_to_set(shared_data):
    from pakmap.sources import set_crs

    census = open_layer(shared_data / "pak_census2023_districts.csv")
    with pytest.raises(SourceError, match="is a table without geometry.*lat=, lon= or wkt="):
        set_crs(census, "EPSG:4326")
