"""Geodesic measurement of drawn shapes: one length and area on the ground whatever the map CRS.

Reference values from GeographicLib 2.1 (Karney's Python implementation, ``Geodesic.WGS84``):
``Inverse(30, 70, 30, 71)``, ``Inverse(30, 70, 31, 70)`` and ``Polygon`` over the 1° cell
30–31°N, 70–71°E.
"""

from __future__ import annotations

import pytest
from pyproj import Transformer

from pakmap.measure import geodesic_area, geodesic_length, geodesic_perimeter

ALONG_30N = 96_485.9740837231  # metres, (70°E, 30°N) to (71°E, 30°N)
MERIDIAN_30_31 = 110_860.92556607969  # metres, (70°E, 30°N) to (70°E, 31°N)
CELL_AREA = 10_642_455_822.3266  # m², the ring (70, 30) (71, 30) (71, 31) (70, 31)
CELL_PERIMETER = 413_711.7660337577  # metres
CELL = [(70.0, 30.0), (71.0, 30.0), (71.0, 31.0), (70.0, 31.0)]


def in_crs(crs: str, lonlat):
    to_map = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    return [to_map.transform(lon, lat) for lon, lat in lonlat]


@pytest.mark.parametrize("crs", ["EPSG:4326", "EPSG:3857", "EPSG:32642"])
def test_lengths_at_30n_are_the_geodesic_ones_in_any_map_crs(crs):
    assert geodesic_length(crs, in_crs(crs, CELL[:2])) == pytest.approx(ALONG_30N, abs=1e-3)
    assert geodesic_length(crs, in_crs(crs, [CELL[0], CELL[3]])) == pytest.approx(MERIDIAN_30_31, abs=1e-3)
    # A path of several vertices is the sum of its edges.
    three = in_crs(crs, CELL[:3])
    assert geodesic_length(crs, three) == pytest.approx(ALONG_30N + geodesic_length(crs, three[1:]))


@pytest.mark.parametrize("crs", ["EPSG:4326", "EPSG:3857", "EPSG:32642"])
def test_area_and_perimeter_at_30n_are_the_geodesic_ones_in_any_map_crs(crs):
    ring = in_crs(crs, CELL)
    assert geodesic_area(crs, ring) == pytest.approx(CELL_AREA, rel=1e-9)
    assert geodesic_area(crs, ring[::-1]) == pytest.approx(CELL_AREA, rel=1e-9)  # drawn either way round
    assert geodesic_perimeter(crs, ring) == pytest.approx(CELL_PERIMETER, abs=1e-3)


def test_web_mercator_metres_are_not_ground_metres():
    """Measuring Web Mercator coordinates as metres would overstate 30°N by sec²(30.5°) ≈ 1.35."""
    import shapely

    ring = in_crs("EPSG:3857", CELL)
    planar = shapely.Polygon(ring).area
    assert planar / CELL_AREA > 1.3
    assert geodesic_area("EPSG:3857", ring) == pytest.approx(CELL_AREA, rel=1e-9)


def test_a_crs_on_another_datum_is_measured_on_its_own_ellipsoid():
    """Kalianpur 1962 / UTM 42N (Everest 1830): its datum's ellipsoid, not WGS 84's."""
    crs = "EPSG:24312"
    ring = in_crs(crs, CELL)
    area = geodesic_area(crs, ring)
    assert area == pytest.approx(CELL_AREA, rel=2e-3)  # the same patch of ground…
    assert area != pytest.approx(CELL_AREA, rel=1e-6)  # …on a smaller ellipsoid


def test_too_few_vertices_measure_nothing():
    assert geodesic_length("EPSG:4326", [(70.0, 30.0)]) == 0.0
    assert geodesic_area("EPSG:4326", CELL[:2]) == 0.0
    assert geodesic_perimeter("EPSG:4326", []) == 0.0


@pytest.mark.parametrize("crs", ["EPSG:4326", "EPSG:3857", "EPSG:32642"])
def test_a_drawn_measure_line_follows_the_geodesic_it_measures(crs):
    from pyproj import Geod

    from pakmap.measure import geodesic_path

    ends = in_crs(crs, [(62.0, 35.0), (76.0, 35.0)])
    path = geodesic_path(crs, ends)
    assert path[0] == ends[0] and path[-1] == ends[-1] and len(path) == 33
    back = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    lon, lat = back.transform(*path[16])
    # Halfway along the geodesic from 62°E to 76°E at 35°N: 69°E, 0.2° north of the parallel.
    ((mid_lon, mid_lat),) = Geod(ellps="WGS84").npts(62, 35, 76, 35, 1)
    assert (lon, lat) == pytest.approx((mid_lon, mid_lat), abs=1e-6)
    assert mid_lat > 35.19
    ring = geodesic_path(crs, [*ends, *in_crs(crs, [(69.0, 30.0)])], closed=True)
    assert len(ring) == 3 * 32 + 1 and ring[-1] == ends[0]
    assert geodesic_path(crs, ends[:1]) == ends[:1]
