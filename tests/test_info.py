"""``pakmap info`` on every real file in ../shared/data, plus a raster and a file without CRS."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import rasterio
import shapely
from rasterio.enums import Resampling
from rasterio.transform import from_origin

from pakmap.cli import main
from pakmap.jobs.info import describe


def block(text: str, layer: str) -> str:
    """The lines of one layer's block."""
    return text.split(f"layer: {layer}\n", 1)[1].split("\n\nlayer: ", 1)[0]


def field(text: str, name: str) -> str:
    line = next(l for l in text.splitlines() if l.strip().startswith(f"{name}:"))
    return line.split(":", 1)[1].strip()


def test_geopackage_four_layers(admin_gpkg):
    text = describe(admin_gpkg)
    assert text.splitlines()[0] == f"{admin_gpkg}: GeoPackage, 4 layers"
    expected = {
        "provinces": ("7", "MultiPolygon", "2 invalid"),
        "divisions": ("37", "MultiPolygon", "3 invalid"),
        "districts": ("156", "MultiPolygon", "4 invalid"),
        "line_of_control": ("1", "MultiLineString", "all 1 geometries valid"),
    }
    for layer, (count, geometry, validity) in expected.items():
        b = block(text, layer)
        assert field(b, "features") == count and field(b, "geometry") == geometry
        assert field(b, "CRS") == "EPSG:4326 (WGS 84)"
        assert field(b, "validity").startswith(validity)
    assert field(block(text, "districts"), "fields") == (
        "name (text), division (text), province (text), osm_relations (text)"
    )


def test_districts_geojson(districts_path):
    b = describe(districts_path)
    assert field(b, "features") == "156"
    assert field(b, "bounds").startswith("60.8729, 24.0516, 77.1204, 37.0917")
    assert field(b, "validity").startswith(
        "4 invalid (Ring Self-intersection: 1, Self-intersection: 3) of 156; invalid: Gwadar, Lasbela, "
        "Karachi South, Malir"
    )


def test_provinces_geojson(shared_data):
    b = describe(shared_data / "pak_provinces.geojson")
    assert field(b, "features") == "7"
    assert field(b, "validity").startswith("2 invalid (Ring Self-intersection: 2) of 7; invalid: Balochistan, Sindh")
    assert field(b, "fields") == "name (text), kind (text)"


def test_zipped_shapefile(shared_data):
    text = describe(shared_data / "pak_districts_shp.zip")
    assert text.startswith(f"{shared_data / 'pak_districts_shp.zip'}: zipped Shapefile")
    assert field(text, "features") == "156" and field(text, "text encoding") == "utf-8"
    assert "osm_relati (text)" in field(text, "fields")
    assert field(text, "validity").startswith("4 invalid")


def test_census_table(shared_data):
    text = describe(shared_data / "pak_census2023_districts.csv")
    assert field(text, "rows") == "136" and field(text, "columns") == "10"
    assert field(text, "read as") == "encoding utf-8, comma-separated, header on row 1"
    assert "population_2023 (integer)" in field(text, "fields") and "literacy_rate (decimal)" in field(text, "fields")
    assert field(text, "coordinates").startswith("none found")


def test_admin_centres_points(shared_data):
    text = describe(shared_data / "pak_admin_centres.csv")
    assert field(text, "geometry") == "Point" and field(text, "features") == "7"
    assert field(text, "coordinates") == "latitude 'lat', longitude 'lon' → points"
    assert field(text, "CRS") == "EPSG:4326 (WGS 84)"
    assert field(text, "bounds") == "67.0172, 24.8547, 74.3142, 35.9208 (xmin, ymin, xmax, ymax)"


def test_every_shared_file_through_the_cli(shared_data, capsys):
    files = sorted(p for p in shared_data.iterdir() if p.suffix != ".md")
    assert len(files) >= 8  # the national files and the Sindh COD-AB districts and tehsils
    for path in files:
        assert main(["info", str(path)]) == 0, path
    out = capsys.readouterr().out
    # the GeoPackage's four layers and one per other file
    assert out.count("layer: ") == 4 + len(files) - 1


def test_layer_option_and_repair(admin_gpkg, capsys):
    assert main(["info", str(admin_gpkg), "--layer", "provinces", "--repair"]) == 0
    out = capsys.readouterr().out
    assert "layer: divisions" not in out
    assert field(out, "validity") == "all 7 geometries valid (2 repaired)"


def test_raster_and_missing_crs(tmp_path):
    path = tmp_path / "elevation m.tif"
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        width=64,
        height=32,
        count=2,
        dtype="int16",
        crs="EPSG:32642",
        transform=from_origin(500_000, 3_800_000, 100, 100),
        nodata=-9999,
    ) as dst:
        dst.write(np.ones((2, 32, 64), dtype="int16"))
        dst.build_overviews([2, 4], Resampling.average)
    text = describe(path)
    assert field(text, "size") == "64 × 32 pixels" and field(text, "bands") == "2"
    assert field(text, "type") == "int16" and field(text, "nodata") == "-9999"
    assert field(text, "CRS") == "EPSG:32642 (WGS 84 / UTM zone 42N)"
    assert field(text, "bounds") == "500000, 3.7968e+06, 506400, 3.8e+06 (xmin, ymin, xmax, ymax)"
    assert field(text, "overviews") == "1/2, 1/4"
    shp = tmp_path / "no crs.shp"
    gpd.GeoDataFrame({"n": [1]}, geometry=[shapely.Point(500_000, 3_760_000)]).to_file(shp)
    assert field(describe(shp), "CRS").startswith("none (the file does not say; not assumed to be WGS 84) — set it")


def test_bad_input_exit_2(tmp_path, capsys):
    assert main(["info", str(tmp_path / "missing.gpkg")]) == 2
    assert "file not found" in capsys.readouterr().err


def test_empty_layer_among_others_is_described_not_fatal(tmp_path):
    path = tmp_path / "camps.gpkg"
    points = gpd.GeoDataFrame({"name": ["Jalozai"]}, geometry=[shapely.Point(71.73, 33.92)], crs=4326)
    points.iloc[:0].to_file(path, layer="draft")
    points.to_file(path, layer="final")
    text = describe(path)
    assert field(block(text, "draft"), "problem").startswith("layer 'draft' has no features — choose another layer")
    assert field(block(text, "final"), "features") == "1"


def test_workbook_with_kobo_coordinates(tmp_path):
    import openpyxl

    path = tmp_path / "kobo export.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "Sites"
    for row in (["UNHCR sites"], [], ["site", "_gps_latitude", "_gps_longitude"], ["Jalozai", 33.9176, 71.7312]):
        wb.active.append(row)
    wb.save(path)
    text = describe(path)
    assert field(text, "read as") == "sheet 'Sites', header on row 3"
    assert field(text, "coordinates") == "latitude '_gps_latitude', longitude '_gps_longitude' → points"
    assert field(text, "features") == "1"
