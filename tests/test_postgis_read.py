"""PostGIS layers read from a real server (tests/pg_cluster.py): tables, views, queries, plain tables,
the view's bounding box pushed down, projects that name a database layer."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from pakmap.cli import main
from pakmap.layer import TableLayer
from pakmap.mapview import MapView
from pakmap.postgis.layer import PostgisLayer
from pakmap.project import load_project
from pakmap.project.loader import load_layers
from pakmap.render.offscreen import render_image
from pakmap.sources import list_layers, open_layer
from pakmap.style import LabelStyle, SingleSymbolStyle

pytestmark = [pytest.mark.timeout(300), pytest.mark.filterwarnings("ignore:Could not parse column:UserWarning")]

DISTRICTS = "postgresql:///public.districts?service=pakmap"


def _file_districts(districts_path) -> gpd.GeoDataFrame:
    return gpd.read_file(districts_path)


def test_table_reads_as_the_file_it_came_from(pg, districts_path):
    layer = open_layer(DISTRICTS)
    assert isinstance(layer, PostgisLayer)
    assert not layer.loaded  # opening sent no rows
    original = _file_districts(districts_path)
    assert layer.feature_count == len(original) == 156
    assert layer.crs.to_epsg() == 4326
    assert layer.geometry_type == "Polygon"
    assert np.allclose(layer.bounds, original.total_bounds)
    # The server's validity check agrees with pakmap's own on the file: the 4 invalid districts.
    assert layer.validity.invalid == 4
    assert set(layer.fields) == {"name", "division", "province", "osm_relations"}
    data = layer.data
    assert layer.loaded
    merged = data.merge(original, on="name", suffixes=("", "_file"))
    assert len(merged) == 156
    assert shapely.equals_exact(merged.geometry.values, gpd.GeoSeries(merged["geometry_file"]).values, 1e-12).all()


def test_socket_service_view_and_query(pg):
    pg.sql(
        "CREATE OR REPLACE VIEW kp_districts AS SELECT name, geometry FROM districts WHERE province = 'Khyber Pakhtunkhwa'",
        "ALTER VIEW kp_districts OWNER TO officer",
        database="pakmap",
    )
    view = open_layer("postgresql:///public.kp_districts?service=pakmap-socket")
    expected = pg_count(pg, "SELECT count(*) FROM districts WHERE province = 'Khyber Pakhtunkhwa'")
    assert view.feature_count == len(view.data) == expected > 20
    query = open_layer_from_project(
        pg,
        {
            "service": "pakmap",
            "query": "SELECT name, ST_Centroid(geometry) AS centre FROM districts",
            "geometry": "centre",
        },
    )
    assert query.geometry_type == "Point" and query.feature_count == 156


def pg_count(pg, statement: str) -> int:
    import psycopg

    with psycopg.connect(pg.superuser_dsn("pakmap")) as conn:
        return conn.execute(statement).fetchone()[0]


def open_layer_from_project(pg, source: dict, tmp_name: str = "q"):
    from pakmap.project.loader import open_layer_spec
    from pakmap.project.model import LayerSpec, Project

    return open_layer_spec(Project(), LayerSpec(tmp_name, source=source))


def test_plain_table_is_a_statistics_table_for_joins(pg, tmp_path, capsys):
    census = open_layer("postgresql:///public.census?service=pakmap")
    assert isinstance(census, TableLayer)
    assert len(census.data) == 136 and "population_2023" in census.fields
    # Joined from the database onto the districts from the database, as a file join would be.
    out = tmp_path / "joined.gpkg"
    code = main(
        ["join", DISTRICTS, "postgresql:///public.census?service=pakmap", "--on", "name=district", "-o", str(out)]
    )
    assert code == 0
    joined = gpd.read_file(out)
    assert joined["population_2023"].notna().sum() == 136
    assert "136 of 136 table rows matched" in capsys.readouterr().err


def test_listing_names_the_spatial_tables(pg):
    assert {"public.districts"} <= set(list_layers("postgresql:///?service=pakmap"))
    assert "public.census" not in list_layers("postgresql:///?service=pakmap")


def test_a_district_view_of_a_million_points_reads_only_that_district(pg, pg_million_points):
    layer = open_layer(pg_million_points)
    assert layer.geometry_type == "Point" and layer.crs.to_epsg() == 4326  # from the typed column
    layer.style = SingleSymbolStyle()
    peshawar = (71.35, 33.85, 71.75, 34.15)
    view = MapView((layer,), peshawar, layer.crs, 400, 300)
    part = layer.drawn_part(view.fitted().extent, view.crs)
    # A box 0.4° × 0.3° (+5% each side) out of 16° × 13°: about 0.07 % of the points.
    assert 300 < part.feature_count < 2_000
    image, _ = render_image(view)
    assert not layer.loaded and not layer.relation.measured  # the million were neither read nor counted
    drawn = _non_white(image)
    assert drawn > 1_000
    # The server answered from the spatial index (an index scan, not a sequential read).
    assert pg_count(pg, "SELECT idx_scan FROM pg_stat_user_tables WHERE relname = 'million_points'") >= 1
    assert layer.feature_count == 1_000_000  # counted on the server when asked


def _non_white(image) -> int:
    ptr = image.constBits()
    pixels = np.frombuffer(ptr, np.uint8).reshape(image.height(), image.bytesPerLine())[:, : image.width() * 4]
    return int((pixels.reshape(image.height(), image.width(), 4)[:, :, :3] < 200).any(axis=2).sum())


def test_drawn_part_matches_the_whole_layer_in_the_view(pg):
    layer = open_layer(DISTRICTS)
    layer.labels = LabelStyle(field="name")
    extent = (70.5, 33.0, 72.5, 35.0)
    part = layer.drawn_part(extent, layer.crs)
    assert part.fields == ["name"]  # only what the style and the labels use travels
    whole = layer.data  # read now, after the part
    box = shapely.box(*extent)
    under = set(whole.loc[whole.geometry.intersects(box), "name"])
    assert under <= set(part.data["name"])  # every district in the view is drawn
    assert len(part.data) < len(whole)


def test_project_with_database_layers_renders(pg, tmp_path, capsys):
    project = tmp_path / "shared.toml"
    project.write_text(
        "[pakmap]\nformat = 1\n\n"
        '[[layers]]\nname = "districts"\n'
        '[layers.source]\nservice = "pakmap"\ntable = "public.districts"\n'
        "\n"
        '[[layers]]\nname = "census"\npath = "postgresql:///public.census?service=pakmap"\nvisible = false\n\n'
        '[[joins]]\nlayer = "districts"\ntable = "census"\non = [["name", "district"]]\n',
        encoding="utf-8",
    )
    loaded = load_layers(load_project(project))
    assert loaded.layer("districts").values("population_2023").notna().sum() == 136
    assert main(["render", str(project), "-o", str(tmp_path / "map.png")]) == 0
    assert (tmp_path / "map.png").stat().st_size > 10_000
    record = (tmp_path / "map.png.record.json").read_text()
    assert "postgresql:///public.districts?service=pakmap" in record


def test_pakmap_map_on_a_database_table_saves_its_address(pg, tmp_path):
    out, project = tmp_path / "districts.png", tmp_path / "districts.toml"
    assert main(["map", DISTRICTS, "-o", str(out), "--save-project", str(project)]) == 0
    assert out.stat().st_size > 10_000
    assert 'path = "postgresql:///public.districts?service=pakmap"' in project.read_text()
    # Titled from the table's name, never from the address's pieces ("public", "service=pakmap").
    assert 'title = "Districts"' in project.read_text()
    # The saved project re-renders from the database, wherever it is moved.
    moved = tmp_path / "elsewhere" / "districts.toml"
    moved.parent.mkdir()
    moved.write_text(project.read_text())
    assert main(["render", str(moved), "-o", str(tmp_path / "again.png")]) == 0


def test_personal_fields_in_a_database_table_are_flagged_and_withheld(pg, tmp_path, capsys):
    pg.sql(
        "CREATE TABLE households AS SELECT i AS id, 'Person ' || i AS head_of_household_name, "
        "'0300-' || lpad((1234567 + i)::text, 7, '0') AS phone, (i % 9) AS members, "
        "ST_SetSRID(ST_MakePoint(71.5 + i * 0.001, 34.0), 4326)::geometry(Point, 4326) AS geom "
        "FROM generate_series(1, 300) AS i",
        "ALTER TABLE households OWNER TO officer",
        database="pakmap",
    )
    layer = open_layer("postgresql:///public.households?service=pakmap")
    assert {"head_of_household_name", "phone"} <= set(layer.sensitive_fields)
    assert not layer.loaded  # detected on the server's first rows
    # A point list of households is refused by an export unless aggregated, as from a CSV.
    assert main(["map", "postgresql:///public.households?service=pakmap", "-o", str(tmp_path / "h.png")]) == 2
    err = capsys.readouterr().err
    assert "phone" in err or "household" in err
