"""Point layers read as columns (pakmap.point_columns): the same features as the GeoDataFrame reader,
drawn and checked without ever making shapely objects."""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from geopandas.testing import assert_geodataframe_equal
from pyproj import CRS
from PySide6.QtGui import QImage, QPainter

from pakmap.layer import VectorLayer
from pakmap.point_columns import PointColumns, decode_wkb_points
from pakmap.render import MapView, render_map
from pakmap.render.legend_items import legend_items
from pakmap.sources import gdal_frame, open_layer
from pakmap.style import GraduatedStyle, ProportionalStyle, SingleSymbolStyle, Symbol

pa = pytest.importorskip("pyarrow")


def _villages(n: int = 3) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(4)
    return gpd.GeoDataFrame(
        {
            "name": [f"Village {i}" if i % 3 else None for i in range(n)],
            "households": pd.array(
                [int(v) if i % 4 else None for i, v in enumerate(rng.integers(1, 900, n))], dtype="Int64"
            ),
            "share": rng.random(n),
            "camp": pd.array([None if i % 5 == 0 else bool(i % 2) for i in range(n)], dtype="boolean"),
            "since": [dt.date(2020, 1, 1 + i % 28) if i % 6 else None for i in range(n)],
        },
        geometry=shapely.points(np.column_stack([rng.uniform(61, 77, n), rng.uniform(24, 37, n)])),
        crs=4326,
    )


@pytest.mark.parametrize("suffix", [".gpkg", ".geojson", ".shp", ".fgb"])
def test_columns_describe_exactly_the_frame_the_reader_gives(tmp_path, suffix):
    path = tmp_path / f"villages{suffix}"
    _villages(50).to_file(path, engine="pyogrio")
    columns = gdal_frame.read_frame(str(path), None, None, points_as_columns=True)
    frame = gdal_frame.read_frame(str(path), None, None)
    assert isinstance(columns, PointColumns) and isinstance(frame, gpd.GeoDataFrame)
    assert_geodataframe_equal(columns.frame(), frame, check_less_precise=False)
    assert columns.total_bounds == pytest.approx(tuple(frame.total_bounds))


@pytest.mark.parametrize(
    "geometry",
    [
        shapely.points([[70, 30], [np.nan, np.nan]]),  # an empty point
        [shapely.Point(70, 30), None],  # a null geometry
        shapely.points([[70, 30, 5], [71, 31, 6]]),  # Z values would be lost
        [shapely.MultiPoint([(70, 30), (71, 31)]), shapely.MultiPoint([(72, 32)])],
        shapely.buffer(shapely.points([[70, 30], [71, 31]]), 0.1),
    ],
    ids=["empty", "null", "z", "multipoint", "polygon"],
)
def test_anything_but_plain_points_stays_a_frame(tmp_path, geometry):
    path = tmp_path / "features.gpkg"
    gpd.GeoDataFrame({"id": [1, 2]}, geometry=list(geometry), crs=4326).to_file(path)
    read = gdal_frame.read_frame(str(path), None, None, points_as_columns=True)
    assert isinstance(read, gpd.GeoDataFrame) and len(read) == 2


def test_date_time_fields_keep_pyogrios_own_parsing(tmp_path):
    path = tmp_path / "visits.gpkg"
    frame = _villages(3)
    frame["visited"] = pd.to_datetime(["2024-01-02 10:00", "2024-03-04 11:30", None])
    frame.to_file(path)
    read = gdal_frame.read_frame(str(path), None, None, points_as_columns=True)
    assert isinstance(read, gpd.GeoDataFrame) and str(read["visited"].dtype).startswith("datetime64")


def test_decoder_reads_sliced_large_binary_and_refuses_big_endian():
    xy = np.array([[70.5, 30.25], [-1e-300, 1e300], [0.0, -0.0]])
    wkb = shapely.to_wkb(shapely.points(xy), byte_order=1)
    for kind in (pa.binary(), pa.large_binary()):
        array = pa.array(list(wkb) * 2, type=kind)
        np.testing.assert_array_equal(decode_wkb_points(array), np.vstack([xy, xy]))
        np.testing.assert_array_equal(decode_wkb_points(array.slice(2, 3)), np.vstack([xy[2:], xy[:2]]))
        np.testing.assert_array_equal(
            decode_wkb_points(pa.chunked_array([array[:1], array[1:4]])), np.vstack([xy, xy[:1]])
        )
    assert decode_wkb_points(pa.array(list(shapely.to_wkb(shapely.points(xy), byte_order=0)))) is None
    assert decode_wkb_points(pa.array([wkb[0], None])) is None
    assert decode_wkb_points(pa.array([], type=pa.binary())) is None


def test_layer_answers_from_columns_as_from_the_frame(tmp_path):
    path = tmp_path / "villages.gpkg"
    _villages(40).to_file(path)
    lazy = open_layer(path)
    eager = VectorLayer("villages", gdal_frame.read_frame(str(path), None, None))
    assert lazy.point_columns is not None and eager.point_columns is None
    assert lazy.fields == eager.fields and lazy.geometry_name == eager.geometry_name
    assert lazy.geometry_type == eager.geometry_type == "Point"
    assert lazy.bounds == pytest.approx(eager.bounds) and lazy.crs == eager.crs
    assert lazy.feature_count == eager.feature_count == 40
    pd.testing.assert_frame_equal(lazy.attributes, eager.attributes)
    pd.testing.assert_series_equal(lazy.values("share"), eager.values("share"))
    with pytest.raises(KeyError):
        lazy.values("geometry")
    pd.testing.assert_frame_equal(
        pd.DataFrame(lazy.data_without(["share"]).attributes), eager.attributes.drop(columns="share")
    )
    token = lazy.data_token
    assert lazy.data is lazy.data  # built once
    assert_geodataframe_equal(lazy.data, eager.data)
    assert lazy.data_token is token  # building the frame is not a change of data
    lazy.data = eager.data  # replacing it is, and the new data is what the layer answers from
    assert lazy.point_columns is None and lazy.data_token is not token


def test_drawing_and_checking_a_point_layer_never_builds_shapely_points(tmp_path, monkeypatch):
    path = tmp_path / "villages.gpkg"
    _villages(30_000).to_file(path)

    def refuse(self):
        raise AssertionError("the GeoDataFrame was built")

    monkeypatch.setattr(PointColumns, "frame", refuse)
    layer = open_layer(path)  # reading, validity and personal-data detection
    layer.style = GraduatedStyle(field="households", method="quantiles", classes=4, palette="unhcr_blue")
    assert [item.label for item in legend_items(layer)]
    view = MapView((layer,), (60.8, 23.6, 77.9, 37.1), CRS.from_epsg(3857), 300, 240)
    image = QImage(300, 240, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(0)
    painter = QPainter(image)
    render_map(view, painter)
    painter.end()
    assert _drawn(image) > 1000
    assert layer.validity.ok and layer.validity.total == 30_000


def _drawn(image: QImage) -> int:
    pixels = np.frombuffer(image.constBits(), np.uint32).reshape(image.height(), image.bytesPerLine() // 4)
    return int(np.count_nonzero(pixels >> 24))


def _render(layer: VectorLayer, crs: CRS, size=(240, 200)) -> np.ndarray:
    view = MapView((layer,), (60.8, 23.6, 77.9, 37.1), crs, *size)
    image = QImage(*size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(0)
    painter = QPainter(image)
    render_map(view, painter)
    painter.end()
    return np.frombuffer(image.constBits(), np.uint32).reshape(size[1], image.bytesPerLine() // 4).copy()


@pytest.mark.parametrize("n", [200, 20_000], ids=["vector markers", "stamped"])
@pytest.mark.parametrize("crs", [4326, 3857])
@pytest.mark.parametrize("style", ["single", "graduated", "proportional"])
def test_columns_and_frame_draw_the_same_pixels(tmp_path, n, crs, style):
    path = tmp_path / "villages.gpkg"
    _villages(n).to_file(path)
    layers = [open_layer(path), VectorLayer("villages", gdal_frame.read_frame(str(path), None, None))]
    assert layers[0].point_columns is not None and layers[1].point_columns is None
    for layer in layers:
        layer.style = {
            "single": SingleSymbolStyle(Symbol(fill="#EF4A60", size=1.2)),
            "graduated": GraduatedStyle(field="share", method="equal_interval", classes=3, palette="unhcr_blue"),
            "proportional": ProportionalStyle(field="households", max_size=4.0),
        }[style]
    lazy, eager = (_render(layer, CRS.from_epsg(crs)) for layer in layers)
    assert np.count_nonzero(lazy >> 24) > 50
    np.testing.assert_array_equal(lazy, eager)


def test_set_crs_and_export_plans_work_on_column_layers(tmp_path):
    path = tmp_path / "villages.gpkg"
    _villages(10).set_crs(None, allow_override=True).to_file(path)
    layer = open_layer(path, crs="EPSG:4326")
    assert layer.point_columns is not None and layer.crs == CRS.from_epsg(4326)
    assert layer.source.options["crs"] == "EPSG:4326"
    from pakmap.sources import set_crs

    set_crs(layer, "EPSG:32642")
    assert layer.crs == CRS.from_epsg(32642) and layer.data.crs == CRS.from_epsg(32642)


def test_csv_with_coordinates_on_every_row_is_read_as_columns(tmp_path):
    path = tmp_path / "households.csv"
    path.write_text("id,lat,lon,size\n1,34.01,71.57,6\n2,30.19,67.01,4\n3,33.69,73.06,9\n", encoding="utf-8")
    layer = open_layer(path)
    assert layer.point_columns is not None and layer.fields == ["id", "lat", "lon", "size"]
    assert layer.bounds == pytest.approx((67.01, 30.19, 73.06, 34.01))
    assert shapely.equals_exact(
        layer.data.geometry.values, shapely.points([[71.57, 34.01], [67.01, 30.19], [73.06, 33.69]])
    ).all()
    gaps = tmp_path / "gaps.csv"
    gaps.write_text("id,lat,lon\n1,34.01,71.57\n2,,\n", encoding="utf-8")
    with_gap = open_layer(gaps)  # a row without coordinates keeps its null geometry, reported
    assert with_gap.point_columns is None and with_gap.validity.null == 1


def test_rendering_a_project_to_png_never_builds_shapely_points(tmp_path, monkeypatch):
    # The export's protection plan counts small values in the attributes: it must not ask for the
    # GeoDataFrame (a million shapely points would double the memory of the whole render).
    from pakmap.cli import main

    rng = np.random.default_rng(5)
    n = 5_000
    gpd.GeoDataFrame(
        {"households": rng.integers(1, 500, n)},
        geometry=shapely.points(np.column_stack([rng.uniform(61, 77, n), rng.uniform(24, 37, n)])),
        crs=4326,
    ).to_file(tmp_path / "sites.gpkg")
    (tmp_path / "map.toml").write_text(
        '[pakmap]\nformat = 1\n\n[[layers]]\nname = "sites"\npath = "sites.gpkg"\n\n'
        '[layers.style]\nkind = "single"\nsymbol = { fill = "#EF4A60", stroke_width = 0, size = 0.6 }\n',
        encoding="utf-8",
    )

    def refuse(self):
        raise AssertionError("the GeoDataFrame was built")

    monkeypatch.setattr(PointColumns, "frame", refuse)
    assert main(["render", str(tmp_path / "map.toml"), "-o", str(tmp_path / "map.png"), "--dpi", "150"]) == 0
    assert (tmp_path / "map.png").stat().st_size > 1000
