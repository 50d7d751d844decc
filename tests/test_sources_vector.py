"""Vector sources: every format, layer choice, CRS handling, portable paths, reopening from SourceInfo."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import shapely

from pakmap.errors import SourceError
from pakmap.layer import VectorLayer
from pakmap.sources import list_layers, open_layer, set_crs

CITIES = {"name": ["Peshawar", "Quetta", "Café Ñandú"], "refugees": [120, 45, 7]}
XS, YS = [71.5787, 67.0172, 73.0652], [34.0124, 30.1958, 33.6938]


def points(crs=4326) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(pd.DataFrame(CITIES), geometry=shapely.points(XS, YS), crs=crs)


def test_real_geopackage_lists_four_layers_and_refuses_to_guess(admin_gpkg):
    assert list_layers(admin_gpkg) == ["provinces", "divisions", "districts", "line_of_control"]
    with pytest.raises(SourceError) as err:
        open_layer(admin_gpkg)
    message = str(err.value)
    assert "provinces, divisions, districts, line_of_control" in message and "--layer" in message
    assert str(admin_gpkg) in message and "\n" not in message


def test_real_geopackage_layer_choice(admin_gpkg):
    divisions = open_layer(admin_gpkg, layer="divisions")
    assert isinstance(divisions, VectorLayer)
    assert (divisions.name, len(divisions.data), divisions.crs.to_epsg()) == ("divisions", 37, 4326)
    assert divisions.source.layer == "divisions"
    lines = open_layer(admin_gpkg, layer="LINE_OF_CONTROL")  # case-insensitive match
    assert lines.geometry_type == "LineString" and len(lines.data) == 1
    with pytest.raises(SourceError, match="has no layer 'district' .*use one of: provinces"):
        open_layer(admin_gpkg, layer="district")


def test_one_geometry_layer_among_tables_needs_no_choice(tmp_path):
    path = tmp_path / "mixed.gpkg"
    pyogrio.write_dataframe(pd.DataFrame({"a": [1, 2]}), path, layer="lookup")
    points().to_file(path, layer="villages")
    points().iloc[:0].to_file(path, layer="empty_draft")
    assert sorted(list_layers(path)) == ["empty_draft", "lookup", "villages"]
    assert open_layer(path).name == "villages"


def test_real_zipped_shapefile(shared_data):
    layer = open_layer(shared_data / "pak_districts_shp.zip")
    assert (layer.name, len(layer.data), layer.crs.to_epsg()) == ("pak_districts", 156, 4326)
    assert "osm_relati" in layer.fields  # shapefile field names are cut to 10 characters
    assert layer.source.options == {"encoding": "utf-8"}
    assert layer.validity.invalid == 4


def test_zip_with_shapefile_in_a_subfolder(tmp_path):
    folder = tmp_path / "shp"
    folder.mkdir()
    points().to_file(folder / "villages.shp", encoding="UTF-8")
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for f in folder.iterdir():
            z.write(f, f"data/{f.name}")
    assert list_layers(archive) == ["villages"]
    layer = open_layer(archive)
    assert layer.data["name"].tolist() == CITIES["name"]


@pytest.mark.parametrize(
    "ext,driver",
    [(".geojson", "GeoJSON"), (".fgb", "FlatGeobuf"), (".kml", "KML"), (".kmz", "LIBKML"), (".shp", "ESRI Shapefile")],
)
def test_formats_round_trip(tmp_path, ext, driver):
    path = tmp_path / f"villages{ext}"
    points().to_file(path, driver=driver)
    layer = open_layer(path)
    assert layer.name == "villages" and len(layer.data) == 3 and layer.crs.to_epsg() == 4326
    name_field = "Name" if ext in (".kml", ".kmz") else "name"
    # FlatGeobuf's spatial index reorders features: compare by name.
    data = layer.data.set_index(name_field).loc[CITIES["name"]]
    assert shapely.get_coordinates(data.geometry.values)[:, 0].tolist() == pytest.approx(XS)
    if ext in (".kml", ".kmz"):  # LIBKML's empty housekeeping fields are not shown as data
        assert not {"tessellate", "extrude", "visibility", "drawOrder"} & set(layer.fields)


def test_paths_with_spaces_and_non_ascii(tmp_path):
    folder = tmp_path / "données Pakistan" / "ضلع پشاور"
    folder.mkdir(parents=True)
    shp = folder / "villages réfugiés.shp"
    points().to_file(shp, encoding="UTF-8")
    assert open_layer(shp).data["name"].tolist() == CITIES["name"]
    archive = folder / "copie à envoyer.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for f in folder.glob("villages réfugiés.*"):
            z.write(f, f.name)
    assert len(open_layer(archive).data) == 3
    gpkg = folder / "مہاجر کیمپ.gpkg"
    points().to_file(gpkg, layer="camps")
    layer = open_layer(gpkg)
    assert (layer.name, layer.source.layer, len(layer.data)) == ("camps", "camps", 3)


def test_layer_without_crs_is_not_assumed_wgs84(tmp_path):
    shp = tmp_path / "no_prj.shp"
    points(crs=None).to_file(shp)
    assert not shp.with_suffix(".prj").exists()
    layer = open_layer(shp)
    assert layer.crs is None
    set_ = open_layer(shp, crs="32642")
    assert set_.crs.to_epsg() == 32642 and set_.source.options["crs"] == "32642"
    with pytest.raises(SourceError, match="'EPSG:99999999' is not a coordinate reference system"):
        open_layer(shp, crs="EPSG:99999999")


def test_set_crs_on_an_opened_layer(tmp_path):
    shp = tmp_path / "no_prj.shp"
    points(crs=None).to_file(shp)
    layer = open_layer(shp)
    seen = []
    layer.changed.connect(seen.append)
    set_crs(layer, "EPSG:4326")
    assert layer.crs.to_epsg() == 4326 and seen == [layer]
    again = open_layer(layer.source.path, layer=layer.source.layer, **layer.source.options)
    assert again.crs.to_epsg() == 4326 and not shp.with_suffix(".prj").exists()


def test_repair_on_request_only(tmp_path):
    bowtie = shapely.Polygon([(70, 30), (71, 31), (71, 30), (70, 31), (70, 30)])
    gdf = gpd.GeoDataFrame({"name": ["bow", "ok"]}, geometry=[bowtie, shapely.box(72, 30, 73, 31)], crs=4326)
    path = tmp_path / "bow.geojson"
    gdf.to_file(path)
    original = path.read_bytes()
    plain = open_layer(path)
    assert (plain.validity.invalid, plain.validity.repaired) == (1, 0)
    assert not plain.data.geometry.is_valid.all()
    fixed = open_layer(path, repair=True)
    assert (fixed.validity.invalid, fixed.validity.repaired) == (1 - 1, 1)
    assert fixed.data.geometry.is_valid.all() and set(fixed.data.geom_type) <= {"Polygon", "MultiPolygon"}
    assert fixed.source.options["repair"] is True
    assert path.read_bytes() == original  # the user's file is never modified


def test_file_geodatabase_folder(tmp_path):
    path = tmp_path / "operations.gdb"
    points().to_file(path, driver="OpenFileGDB", layer="camps")
    assert list_layers(path) == ["camps"]
    layer = open_layer(path)
    assert (layer.name, len(layer.data), layer.crs.to_epsg()) == ("camps", 3, 4326)


def test_source_info_reopens_identically(tmp_path, admin_gpkg):
    shp = tmp_path / "villages.shp"
    points(crs=None).to_file(shp, encoding="UTF-8")
    shp.with_suffix(".cpg").unlink()
    for path, layer, options in ((admin_gpkg, "districts", {}), (shp, None, {"crs": "EPSG:4326"})):
        first = open_layer(path, layer=layer, **options)
        again = open_layer(first.source.path, layer=first.source.layer, **first.source.options)
        assert again.name == first.name and again.data.equals(first.data) and again.crs == first.crs


def test_unknown_reader_option_is_reported(districts_path):
    with pytest.raises(SourceError, match="unknown reader option.*sheet.*use: crs, encoding, repair"):
        open_layer(districts_path, sheet="x")


def test_copy_of_real_geojson_in_unicode_folder(tmp_path, districts_path):
    target = tmp_path / "نقشہ maps" / Path(districts_path).name
    target.parent.mkdir()
    shutil.copy(districts_path, target)
    assert len(open_layer(target).data) == 156


def test_geopackage_attribute_table_opens_as_a_table(tmp_path, capsys):
    """A GeoPackage holds statistics tables beside its layers (no geometry column): they open as tables
    for joins, not an unexpected error."""
    from pakmap.cli import main
    from pakmap.layer import TableLayer

    path = tmp_path / "cod.gpkg"
    pyogrio.write_dataframe(points(), path, layer="camps")
    pyogrio.write_dataframe(
        pd.DataFrame({"district": ["Peshawar", "Quetta"], "refugees": [120, 45]}), path, layer="stats"
    )
    table = open_layer(path, layer="stats")
    assert isinstance(table, TableLayer)
    assert table.name == "stats" and table.data["refugees"].tolist() == [120, 45]
    assert table.source is not None and table.source.layer == "stats"
    assert isinstance(open_layer(path, layer="camps"), VectorLayer)
    assert main(["info", str(path), "--layer", "stats"]) == 0
    assert "a table for joins" in capsys.readouterr().out


def test_a_geojson_listed_then_opened_is_parsed_once(tmp_path, monkeypatch):
    """GDAL's GeoJSON driver parses the whole file at every open: ``pakmap info`` and the desktop app
    list a file's layers and then open one, and only the read opens it (no listing, no geometry type
    asked first)."""
    import pakmap.sources.gdal_frame as gdal_frame
    import pakmap.sources.vector as vector

    path = tmp_path / "areas.geojson"
    gpd.GeoDataFrame({"n": [1, 2]}, geometry=[shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1)], crs=4326).to_file(path)
    opened = []
    for module, name in (
        (vector.pyogrio, "list_layers"),
        (gdal_frame.pyogrio, "read_info"),
        (gdal_frame.pyogrio, "read_arrow"),
        (gdal_frame.pyogrio, "read_dataframe"),
    ):
        real = getattr(module, name)
        monkeypatch.setattr(
            module, name, lambda *a, _real=real, _name=name, **k: opened.append(_name) or _real(*a, **k)
        )
    assert list_layers(path) == ["areas"]
    layer = open_layer(path)
    assert len(layer.data) == 2 and opened == ["read_dataframe"]
    # Changed on disk: the new content is read.
    gpd.GeoDataFrame({"n": [1]}, geometry=[shapely.Point(0, 0)], crs=4326).to_file(path, layer="sites")
    points = open_layer(path)
    assert len(points.data) == 1 and points.geometry_type == "Point" and points.name == "areas"
    assert opened == ["read_dataframe", "read_dataframe"]


def test_a_geojson_named_inside_opens_by_its_file_name_and_by_its_own_name(tmp_path):
    """GDAL names a GeoJSON's layer after its ``name`` member; pakmap after the file. A project that
    names either opens the file."""
    path = tmp_path / "camps_2024.geojson"
    gpd.GeoDataFrame({"n": [1]}, geometry=[shapely.Point(70, 30)], crs=4326).to_file(path, layer="Refugee villages")
    assert '"name": "Refugee villages"' in path.read_text(encoding="utf-8")
    assert list_layers(path) == ["camps_2024"]
    for layer in (None, "camps_2024", "Refugee villages", "refugee villages"):
        opened = open_layer(path, layer=layer)
        assert opened.name == "camps_2024" and len(opened.data) == 1
    with pytest.raises(SourceError, match="has no layer 'wells'"):
        open_layer(path, layer="wells")


def test_topojson_objects_are_layers_to_choose_from(tmp_path):
    """A TopoJSON (even named .geojson) holds one layer per object: listed, never guessed."""
    path = tmp_path / "services.geojson"
    objects = {
        "wells": {"type": "GeometryCollection", "geometries": [{"type": "Point", "coordinates": [70, 30]}]},
        "schools": {
            "type": "GeometryCollection",
            "geometries": [{"type": "Point", "coordinates": [71, 31]}, {"type": "Point", "coordinates": [72, 31]}],
        },
    }
    path.write_text(json.dumps({"type": "Topology", "objects": objects, "arcs": []}), encoding="utf-8")
    assert list_layers(path) == ["wells", "schools"]
    with pytest.raises(SourceError, match="will not guess"):
        open_layer(path)
    assert len(open_layer(path, layer="schools").data) == 2


def test_a_file_listed_through_a_folder_since_removed_opens_through_another(tmp_path):
    """The kept listing holds the path GDAL opens: a route through a removed folder (a temporary
    folder of an earlier read) is never reused for the same file reached another way."""
    (tmp_path / "data").mkdir()
    gpd.GeoDataFrame({"n": [1]}, geometry=[shapely.box(0, 0, 1, 1)], crs=4326).to_file(tmp_path / "data" / "a.geojson")
    for name in ("first", "second"):
        (tmp_path / name).mkdir()
    assert list_layers(tmp_path / "first" / ".." / "data" / "a.geojson") == ["a"]
    (tmp_path / "first").rmdir()
    assert len(open_layer(tmp_path / "second" / ".." / "data" / "a.geojson").data) == 1
