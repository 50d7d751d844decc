"""The scale bar is true on the ground: checked against a geodesic measurement (pyproj.Geod) within 1%."""

from __future__ import annotations

import math

import pytest
from pyproj import CRS, Geod, Transformer

from pakmap.layout.scalebar import nice_length, scale_bar
from pakmap.map_scale import extent_for_scale, scale_denominator

GEOD = Geod(ellps="WGS84")


@pytest.mark.parametrize(
    "value, expected",
    [
        (1, 1),
        (1.9, 1),
        (2, 2),
        (4.99, 2),
        (5, 5),
        (9.9, 5),
        (10, 10),
        (237_000, 200_000),
        (0.73, 0.5),
        (51_000, 50_000),
    ],
)
def test_nice_length_is_1_2_5_times_a_power_of_ten(value, expected):
    assert nice_length(value) == pytest.approx(expected)


def _geodesic_bar_metres(crs, extent, frame_width_mm, length_mm):
    """Measure the bar independently: its ends laid on the map around the centre, distance by Geod."""
    units = length_mm * (extent[2] - extent[0]) / frame_width_mm
    cx, cy = (extent[0] + extent[2]) / 2, (extent[1] + extent[3]) / 2
    t = Transformer.from_crs(crs, CRS.from_epsg(4326), always_xy=True)
    (lon1, lon2), (lat1, lat2) = t.transform([cx - units / 2, cx + units / 2], [cy, cy])
    return GEOD.inv(lon1, lat1, lon2, lat2)[2]


CASES = [
    ("EPSG:4326", (60.9, 23.6, 77.8, 37.1)),  # all Pakistan, degrees
    ("EPSG:4326", (73.0, 34.0, 75.5, 36.5)),  # Gilgit-Baltistan: cos(35°) shrinks degrees of longitude
    ("EPSG:4326", (66.5, 24.6, 67.5, 25.3)),  # Karachi
    ("EPSG:32642", (300_000, 2_700_000, 900_000, 3_400_000)),  # UTM 42N, metres
    ("EPSG:3857", (6_780_000, 2_700_000, 8_660_000, 4_450_000)),  # Web Mercator: scale grows with latitude
]


@pytest.mark.parametrize("crs, extent", CASES)
def test_scale_bar_length_matches_geodesic_distance_within_one_percent(crs, extent):
    crs = CRS.from_user_input(crs)
    frame_width = 210.0
    bar = scale_bar(crs, extent, frame_width, max_length_mm=40.0)
    assert 0 < bar.length_mm <= 40.0
    assert bar.length_mm > 40.0 / 2.5 - 1e-9  # 1-2-5 steps: never less than 40 % of the room
    km = bar.metres / 1000
    mantissa = km / 10 ** math.floor(math.log10(km))
    assert round(mantissa, 6) in (1, 2, 5)
    measured = _geodesic_bar_metres(crs, extent, frame_width, bar.length_mm)
    assert measured == pytest.approx(bar.metres, rel=0.01)


def test_geographic_crs_is_not_treated_as_equatorial_degrees():
    """At 36°N one degree of longitude is ~90 km, not 111 km: the bar must know."""
    crs = CRS.from_epsg(4326)
    north = scale_bar(crs, (73.0, 35.5, 75.0, 36.5), 200.0, 40.0)
    equator = scale_bar(crs, (73.0, -0.5, 75.0, 0.5), 200.0, 40.0)
    # Same page length per degree; ground per mm is cos(36°) ≈ 0.81 times smaller up north.
    per_mm_north, per_mm_eq = north.metres / north.length_mm, equator.metres / equator.length_mm
    assert per_mm_north / per_mm_eq == pytest.approx(math.cos(math.radians(36)), rel=0.01)


def test_labels_are_round_km_with_the_unit_last():
    bar = scale_bar(CRS.from_epsg(4326), (60.9, 23.6, 77.8, 37.1), 210.0, 40.0)
    labels = [label for _, label in bar.tick_labels()]
    assert labels[0] == "0" and bar.unit == "km"
    assert float(labels[-1].replace(",", "")) * 1000 == pytest.approx(bar.metres)


def test_small_extent_switches_to_metres():
    bar = scale_bar(CRS.from_epsg(32642), (500_000, 3_000_000, 501_000, 3_001_000), 200.0, 40.0)
    assert bar.unit == "m" and bar.metres == 200


def test_fixed_scale_extent_round_trips_to_the_denominator():
    for crs in (CRS.from_epsg(4326), CRS.from_epsg(32642)):
        centre = (70.0, 30.0) if crs.is_geographic else (500_000, 3_300_000)
        extent = extent_for_scale(crs, centre, 2_000_000, 210.0, 158.0)
        assert scale_denominator(crs, extent, 210.0) == pytest.approx(2_000_000, rel=0.005)
