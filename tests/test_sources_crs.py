"""CRS helpers: user strings with clear errors, cached always-xy transforms."""

from __future__ import annotations

import pytest

from pakmap.crs import crs_label, parse_crs, transform_bounds, transform_xy, transformer
from pakmap.errors import SourceError


def test_parse_user_strings():
    assert parse_crs("EPSG:32642").to_epsg() == 32642
    assert parse_crs("4326").to_epsg() == 4326
    assert parse_crs(" epsg:3857 ").to_epsg() == 3857
    with pytest.raises(SourceError) as err:
        parse_crs("UTM zone 42", path="villages.csv")
    message = str(err.value)
    assert message.startswith("villages.csv: the CRS 'UTM zone 42' is not a coordinate reference system")
    assert "EPSG:32642" in message and "\n" not in message


def test_labels():
    assert crs_label(parse_crs(4326)) == "EPSG:4326 (WGS 84)"
    assert crs_label(None).startswith("none") and "not assumed to be WGS 84" in crs_label(None)


def test_transforms_are_xy_and_cached():
    assert transformer("EPSG:4326", "EPSG:3857") is transformer(4326, "3857")
    # UTM 42N: the central meridian 69°E is easting 500 000; 34°N lies about 3.76 million m north.
    x, y = transform_xy([69.0, 71.5], [34.0, 34.0], "EPSG:4326", "EPSG:32642")
    assert x[0] == pytest.approx(500_000, abs=0.01) and 3_750_000 < y[0] < 3_770_000
    assert 725_000 < x[1] < 735_000  # 2.5° east of the meridian at 34°N: about 231 km
    xs, ys = transform_xy([1.0], [2.0], 4326, "EPSG:4326")
    assert (xs.tolist(), ys.tolist()) == ([1.0], [2.0])
    box = transform_bounds((60.87, 24.05, 77.12, 37.09), 4326, 3857)
    assert box[0] == pytest.approx(6_776_000, rel=1e-3) and box[3] == pytest.approx(4_452_000, rel=1e-3)
