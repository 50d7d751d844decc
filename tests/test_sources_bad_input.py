"""Every bad input of issue 2 gives one line naming the file, the problem and the fix (exit 2 in the
CLI, no traceback). Each test makes its own small broken file."""

from __future__ import annotations

import zipfile

import geopandas as gpd
import pytest
import shapely

from pakmap.cli import main
from pakmap.errors import SourceError
from pakmap.sources import open_layer


def villages(names=("Peshawar", "Quetta")) -> gpd.GeoDataFrame:
    n = len(names)
    return gpd.GeoDataFrame(
        {"name": list(names)}, geometry=shapely.points([71.5, 67.0, 73.1][:n], [34.0, 30.2, 33.7][:n]), crs=4326
    )


def assert_one_line(err, path, *words):
    """The error names the file, says what is wrong and how to fix it, on one line."""
    message = str(err.value)
    assert "\n" not in message
    assert message.startswith(str(path))
    assert " — " in message, "no fix given"
    for word in words:
        assert word in message, f"{word!r} not in {message!r}"


def test_cli_missing_file_exit_2_one_line(tmp_path, capsys):
    missing = tmp_path / "nowhere" / "districts.shp"
    assert main(["info", str(missing)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert str(missing) in err and "file not found" in err and "check the path" in err


@pytest.mark.parametrize("part,role", [(".shx", "index"), (".dbf", "attribute table")])
def test_shapefile_without_its_parts(tmp_path, part, role):
    shp = tmp_path / "villages.shp"
    villages().to_file(shp)
    shp.with_suffix(part).unlink()
    with pytest.raises(SourceError) as err:
        open_layer(shp)
    assert_one_line(err, shp, f"{role} file (villages{part}) is missing", "copy all the files")


def test_zipped_shapefile_without_dbf(tmp_path):
    shp = tmp_path / "villages.shp"
    villages().to_file(shp)
    archive = tmp_path / "villages.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for ext in (".shp", ".shx", ".prj"):
            z.write(shp.with_suffix(ext), f"villages{ext}")
    with pytest.raises(SourceError) as err:
        open_layer(archive)
    assert_one_line(err, archive, "(villages.dbf) is missing")


@pytest.mark.parametrize("keep", [60, 130])  # inside the header; inside the records
def test_truncated_shp(tmp_path, keep):
    shp = tmp_path / "villages.shp"
    villages().to_file(shp)
    shp.write_bytes(shp.read_bytes()[:keep])
    with pytest.raises(SourceError) as err:
        open_layer(shp)
    assert_one_line(err, shp, "truncated", "download the shapefile again")


def test_prj_pyproj_cannot_read(tmp_path):
    shp = tmp_path / "villages.shp"
    villages().to_file(shp)
    shp.with_suffix(".prj").write_text('PROJCS["made up",GEOGCS[broken')
    with pytest.raises(SourceError) as err:
        open_layer(shp)
    assert_one_line(err, shp, ".prj file does not describe a coordinate reference system", "crs=EPSG")
    # The fix works: the user's CRS replaces the unreadable .prj, and the .prj stays as it was.
    layer = open_layer(shp, crs="EPSG:4326")
    assert layer.crs.to_epsg() == 4326 and len(layer.data) == 2
    assert shp.with_suffix(".prj").read_text() == 'PROJCS["made up",GEOGCS[broken'


def test_empty_layer(tmp_path):
    path = tmp_path / "empty.geojson"
    path.write_text('{"type": "FeatureCollection", "features": []}')
    with pytest.raises(SourceError) as err:
        open_layer(path)
    assert_one_line(err, path, "has no features", "the file is empty")


def test_empty_layer_in_geopackage_names_the_others(tmp_path):
    path = tmp_path / "camps.gpkg"
    villages().iloc[:0].to_file(path, layer="draft")
    villages().to_file(path, layer="final")
    with pytest.raises(SourceError) as err:
        open_layer(path, layer="draft")
    assert_one_line(err, path, "layer 'draft' has no features", "choose another layer (final)")


@pytest.mark.parametrize(
    "name,content", [("map.xyz", b"\x00\x01\x02binary"), ("notes", b"just some words\n"), ("empty.dat", b"")]
)
def test_unknown_format(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(SourceError) as err:
        open_layer(path)
    assert_one_line(err, path, "unknown format", "pakmap reads Shapefile")


def test_csv_latitude_out_of_range(tmp_path):
    path = tmp_path / "sites.csv"
    path.write_text("site,lat,lon\nA,33.7,73.1\nB,337.0,73.2\n")
    with pytest.raises(SourceError) as err:
        open_layer(path)
    assert_one_line(err, path, "column 'lat' has 1 value(s) outside ±90 degrees", "on file line 3")


def test_csv_latitude_longitude_swapped(tmp_path):
    path = tmp_path / "sites.csv"
    path.write_text("site,latitude,longitude\nPeshawar,71.58,34.01\nQuetta,67.02,30.20\nKarachi,67.02,24.85\n")
    with pytest.raises(SourceError) as err:
        open_layer(path)
    assert_one_line(err, path, "look swapped", "lat=longitude lon=latitude")
    layer = open_layer(path, lat="longitude", lon="latitude")  # the suggested fix works
    assert layer.bounds == pytest.approx((67.02, 24.85, 71.58, 34.01))


def test_csv_coordinate_that_is_not_a_number(tmp_path):
    path = tmp_path / "sites.csv"
    # A title line above the header: the error names the line a text editor shows, not the data row.
    path.write_text("Sites in October\nsite,lat,lon\nA,33.7,73.1\nB,33°41'E,73.2\n", encoding="utf-8")
    with pytest.raises(SourceError) as err:
        open_layer(path)
    assert_one_line(
        err, path, "column 'lat' has a value that is not a latitude", "'33°41'E' on file line 4", "decimal degrees"
    )


@pytest.mark.parametrize(
    "content,looks",
    [
        (b"district,refugees\nPeshawar,120\n", "looks like text"),
        (b"<html><body><table><tr><td>1</td></tr></table></body></html>", "web page (HTML)"),
        (b"PK\x03\x04 not really a zip", "is not an Excel workbook"),
    ],
)
def test_xlsx_that_is_not_a_workbook(tmp_path, content, looks):
    path = tmp_path / "refugees by district.xlsx"
    path.write_bytes(content)
    with pytest.raises(SourceError) as err:
        open_layer(path)
    assert_one_line(err, path, "not an Excel workbook", looks)


def test_old_xls(tmp_path):
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    with pytest.raises(SourceError) as err:
        open_layer(path)
    assert_one_line(err, path, "Excel 97-2003", "save it as .xlsx")


# --- DBF encodings -----------------------------------------------------------------------------

NAMES = ("Café Peshawar", "Ñowshera")  # Latin-1 range: exists in both UTF-8 and Windows-1252


def _shapefile(tmp_path, encoding, cpg: str | None, names=NAMES):
    shp = tmp_path / "villages.shp"
    villages(names).to_file(shp, encoding=encoding)
    cpg_path = shp.with_suffix(".cpg")
    if cpg is None:
        cpg_path.unlink(missing_ok=True)
    else:
        cpg_path.write_text(cpg)
    return shp


@pytest.mark.parametrize(
    "encoding,cpg", [("UTF-8", None), ("cp1252", None), ("cp1252", "UTF-8"), ("UTF-8", "1252"), ("cp1252", "ANSI 1252")]
)
def test_dbf_decoded_correctly_whatever_the_cpg_says(tmp_path, encoding, cpg):
    shp = _shapefile(tmp_path, encoding, cpg)
    layer = open_layer(shp)
    assert layer.data["name"].tolist() == list(NAMES)  # never "CafÃ© Peshawar"
    assert layer.source.options["encoding"] == {"UTF-8": "utf-8", "cp1252": "cp1252"}[encoding]


@pytest.mark.parametrize(
    "names,problem",
    [
        (("پشاور", "کوئٹہ"), "neither UTF-8 nor Windows-1252"),  # bytes Windows-1252 does not define
        (("لاهور", "ملتان"), "gives garbled characters such as 'áÇåæÑ'"),  # bytes it would read as gibberish
    ],
)
def test_dbf_in_another_code_page_is_reported_not_garbled(tmp_path, names, problem):
    shp = _shapefile(tmp_path, "cp1256", None, names=names)
    with pytest.raises(SourceError) as err:
        open_layer(shp)
    assert_one_line(err, shp, problem, "encoding=cp1256")
    assert open_layer(shp, encoding="cp1256").data["name"].tolist() == list(names)


def test_cli_bad_input_exit_status_2(tmp_path, capsys):
    path = tmp_path / "sites.csv"
    path.write_text("site,lat,lon\nPeshawar,71.58,34.01\nQuetta,67.02,30.20\n")
    assert main(["info", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("pakmap: error: ") and err.count("\n") == 1 and "swapped" in err
