"""The compact feature encoding: every geometry type round-trips, on the rounding grid."""

from __future__ import annotations

import json

import numpy as np
import shapely

from pakmap.web.encoding import decode, encode

MIXED = np.array(
    [
        shapely.Point(71.123, 34.5),
        shapely.Polygon([(70, 30), (71, 30), (71, 31), (70, 31)], holes=[[(70.2, 30.2), (70.4, 30.2), (70.4, 30.4)]]),
        shapely.MultiPolygon([shapely.box(72, 30, 73, 31), shapely.box(74.5, 30, 75, 30.25)]),
        shapely.LineString([(60, 25), (61.5, 26.25), (62, 24)]),
        shapely.Point(-10.001, -20.002),
        shapely.MultiLineString([[(0, 0), (1, 1)], [(2, 2), (3, 3), (4, 5)]]),
        shapely.MultiPoint([(1, 2), (3, 4)]),
    ],
    dtype=object,
)


def test_every_geometry_type_round_trips():
    payload = encode(MIXED, 3, [0, 1, 1, 2, 0, 2, 0], [f"h{i}" for i in range(7)], [[str(i)] for i in range(7)])
    features = decode(json.loads(json.dumps(payload)))
    assert [f["properties"]["s"] for f in features] == [0, 1, 1, 2, 0, 2, 0]
    assert [f["properties"]["h"] for f in features] == [f"h{i}" for i in range(7)]
    back = shapely.from_geojson([json.dumps(f["geometry"]) for f in features])
    assert shapely.equals_exact(back, MIXED, tolerance=1e-9).all()
    assert [f["geometry"]["type"] for f in features] == [
        "Point",
        "Polygon",
        "MultiPolygon",
        "LineString",
        "Point",
        "MultiLineString",
        "MultiPoint",
    ]


def test_coordinates_are_small_deltas_on_the_grid():
    ring = shapely.Polygon([(70.001, 30.0), (70.002, 30.0), (70.002, 30.003), (70.001, 30.003)])
    chunk = encode(np.array([ring], dtype=object), 3, [0])["g"][0]
    assert chunk["k"] == 1000
    assert chunk["c"][:2] == [70001, 30000]  # the ring's first vertex: absolute
    assert chunk["c"][2:] == [1, 0, 0, 3, -1, 0, 0, -3]  # then differences


def test_texts_are_left_out_when_there_are_none():
    payload = encode(np.array([shapely.Point(1, 2)], dtype=object), 2, [0], [""], [[]])
    assert set(payload) == {"s", "g"}
    assert decode(payload)[0]["properties"] == {"s": 0}


def test_collections_are_refused():
    import pytest

    with pytest.raises(ValueError):
        encode(np.array([shapely.GeometryCollection([shapely.Point(0, 0)])], dtype=object), 2, [0])
