"""The Arrow reader (used when pyarrow is installed) gives the same frame as the classic reader."""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely

from pakmap.sources import gdal_frame, open_layer

pytest.importorskip("pyarrow")


def _frame() -> gpd.GeoDataFrame:
    """Every column kind where pyogrio's Arrow and classic readers could disagree."""
    return gpd.GeoDataFrame(
        {
            "name": ["Café Peshawar", None, "Quetta"],
            "count": pd.array([120, None, 7], dtype="Int64"),
            "share": [0.5, np.nan, 2.0],
            "camp": pd.array([True, None, False], dtype="boolean"),
            "open": [True, False, True],
            "since": [dt.date(2020, 1, 1), None, dt.date(2021, 5, 3)],
        },
        geometry=shapely.points([[71.57, 34.01], [67.01, 30.19], [73.06, 33.69]]),
        crs=4326,
    )


@pytest.mark.parametrize("suffix", [".gpkg", ".geojson", ".shp", ".fgb"])
def test_arrow_and_classic_readers_agree(tmp_path, suffix):
    path = tmp_path / f"villages{suffix}"
    _frame().to_file(path, engine="pyogrio")
    arrow = gdal_frame.read_frame(str(path), None, None)
    classic = pyogrio.read_dataframe(path)
    pd.testing.assert_frame_equal(
        pd.DataFrame(arrow.drop(columns="geometry")), pd.DataFrame(classic.drop(columns="geometry"))
    )
    assert arrow.crs == classic.crs
    assert shapely.equals_exact(arrow.geometry.values, classic.geometry.values).all()
    assert sorted(arrow.geometry.x) == [67.01, 71.57, 73.06]  # (FlatGeobuf reorders features)
    # What pakmap was written for: booleans with nulls as 1/0/NaN (the frames are equal above).
    camp = dict(zip(arrow["share"].fillna(-1), arrow["camp"].fillna(-1)))
    assert camp == {0.5: 1.0, -1: -1, 2.0: 0.0}


def test_binary_attributes_are_bytes_as_with_the_classic_reader(tmp_path):
    path = tmp_path / "photos.gpkg"
    frame = _frame()
    frame["photo"] = [b"\x89PNG\x00", None, b"jpeg"]
    pyogrio.write_dataframe(frame, path, use_arrow=True)  # (the classic writer would store str(bytes))
    arrow = gdal_frame.read_frame(str(path), None, None)
    classic = pyogrio.read_dataframe(path)
    assert arrow["photo"].tolist() == classic["photo"].tolist() == [b"\x89PNG\x00", None, b"jpeg"]
    assert arrow["photo"].dtype == classic["photo"].dtype == object


def test_without_pyarrow_the_classic_reader_is_used(tmp_path, monkeypatch):
    path = tmp_path / "villages.gpkg"
    _frame().to_file(path)
    calls = []
    real = pyogrio.read_dataframe
    monkeypatch.setattr(gdal_frame, "pyarrow", None)
    monkeypatch.setattr(
        gdal_frame.pyogrio, "read_dataframe", lambda *a, **k: calls.append(k.get("use_arrow")) or real(*a, **k)
    )
    layer = open_layer(path)
    assert calls == [None] and len(layer.data) == 3 and layer.data["name"][0] == "Café Peshawar"


def test_text_arrow_cannot_decode_falls_back_to_the_classic_reader(tmp_path, monkeypatch):
    path = tmp_path / "villages.gpkg"
    _frame().to_file(path)
    calls = []
    real = pyogrio.read_dataframe

    def reader(*args, **kwargs):
        calls.append(kwargs.get("use_arrow"))
        if kwargs.get("use_arrow"):
            raise pyogrio.errors.DataSourceError("The file being read is not encoded in UTF-8; please use_arrow=False")
        return real(*args, **kwargs)

    def arrow_reader(*args, **kwargs):
        calls.append("points")
        raise pyogrio.errors.DataSourceError("The file being read is not encoded in UTF-8; please use_arrow=False")

    monkeypatch.setattr(gdal_frame.pyogrio, "read_dataframe", reader)
    monkeypatch.setattr(gdal_frame.pyogrio, "read_arrow", arrow_reader)
    assert len(open_layer(path).data) == 3 and calls == ["points", True, None]
