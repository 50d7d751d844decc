"""Web generalization: shared borders stay shared, rounding follows the zoom, bad coverages repaired."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import shapely
import shapely.affinity

from pakmap.web import simplify


def grid_coverage(n: int = 6, samples: int = 120, seed: int = 1) -> np.ndarray:
    """n×n cells bounded by wiggly grid lines: neighbours share their borders vertex for vertex.

    The lines are noded and polygonized, as a coverage from a GIS would be built.
    """
    rng = np.random.default_rng(seed)
    t = np.linspace(0, n, samples)
    lines = []
    for k in range(n + 1):
        amp = 0 if k in (0, n) else 0.12  # the outer frame stays straight
        wiggle = k + amp * np.sin(rng.uniform(3, 9) * t) * np.cos(rng.uniform(1, 4) * t)
        lines.append(shapely.LineString(np.column_stack([wiggle, t])))  # "vertical"
        lines.append(shapely.LineString(np.column_stack([t, wiggle])))  # "horizontal"
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(shapely.union_all(lines))))
    return np.asarray(faces, dtype=object)


def overlap_and_gap(before: np.ndarray, after: np.ndarray) -> tuple[float, float]:
    """(overlap, gap) as fractions of the area: sum of areas vs union, and holes the union gained."""
    union = shapely.union_all(after)
    overlap = (shapely.area(after).sum() - union.area) / union.area
    holes_before = (
        shapely.area(shapely.polygons(shapely.get_interior_ring(shapely.union_all(before), 0)))
        if shapely.get_num_interior_rings(shapely.union_all(before))
        else 0.0
    )
    filled_after = shapely.union_all([shapely.polygons(shapely.get_exterior_ring(p)) for p in shapely.get_parts(union)])
    gap = (filled_after.area - union.area - holes_before) / union.area
    return overlap, gap


def test_grid_coverage_fixture_is_valid():
    cells = grid_coverage()
    assert shapely.is_valid(cells).all()
    assert shapely.coverage_is_valid(cells)


def test_simplification_keeps_shared_borders():
    cells = grid_coverage()
    out = simplify.simplify_coverage(cells, 0.05)
    assert shapely.get_num_coordinates(out).sum() < 0.6 * shapely.get_num_coordinates(cells).sum()
    assert shapely.coverage_is_valid(out)
    overlap, gap = overlap_and_gap(cells, out)
    assert abs(overlap) < 1e-9
    assert abs(gap) < 1e-9
    # The outline is simplified too, but the total area hardly moves.
    assert shapely.area(out).sum() == pytest.approx(36.0, rel=1e-2)


def test_the_topology_check_catches_gaps_and_overlaps():
    """The check must be able to fail: a shifted cell overlaps, a shrunk inner cell leaves a gap."""
    cells = grid_coverage()
    inner = int(np.argmin([shapely.distance(c.centroid, shapely.Point(3, 3)) for c in cells]))
    shifted = cells.copy()
    shifted[inner] = shapely.affinity.translate(cells[inner], 0.02, 0.0)
    assert overlap_and_gap(cells, shifted)[0] > 1e-4
    shrunk = cells.copy()
    shrunk[inner] = cells[inner].buffer(-0.02)
    assert overlap_and_gap(cells, shrunk)[1] > 1e-4


def test_rounding_keeps_shared_vertices_shared():
    cells = simplify.simplify_coverage(grid_coverage(), 0.02)
    rounded = simplify.round_coordinates(cells, 2)
    xy = shapely.get_coordinates(rounded)
    assert np.allclose(xy, np.round(xy, 2))
    overlap, gap = overlap_and_gap(cells, rounded)
    assert abs(overlap) < 1e-9 and abs(gap) < 1e-9


def test_overlapping_neighbours_are_repaired_before_simplifying():
    a = shapely.box(0, 0, 1, 1)
    b = shapely.box(0.99, 0, 2, 1)  # 1 % overlap, as published boundaries sometimes have
    bowtie = shapely.Polygon([(2, 0), (3, 1), (3, 0), (2, 1)])  # invalid: self-intersecting
    fixed = simplify.repair_coverage(np.array([a, b, bowtie], dtype=object))
    assert shapely.is_valid(fixed).all()
    assert shapely.coverage_is_valid(fixed)
    assert shapely.area(fixed[0]) == pytest.approx(1.0)
    assert shapely.area(fixed[1]) == pytest.approx(1.01 - 0.01)  # the overlap went to the first
    assert shapely.get_type_id(fixed[2]) in (3, 6)


def test_points_and_lines_are_only_rounded():
    pts = np.array([shapely.Point(71.123456, 34.987654), shapely.LineString([(70, 30), (70.00001, 30.5), (71, 31)])])
    out = simplify.generalize(pts, 0.01, 3)
    assert shapely.get_coordinates(out[0]).tolist() == [[71.123, 34.988]]
    assert shapely.get_num_coordinates(out[1]) == 3


def test_zoom_drives_tolerance_and_rounding():
    pakistan = (60.9, 23.7, 77.8, 37.1)
    assert simplify.fit_zoom(pakistan) == 5
    assert simplify.fit_zoom((73.0, 33.5, 73.3, 33.8)) > 9  # Islamabad: much closer
    assert simplify.detail_zoom(pakistan, 4, 12) == 7
    assert simplify.detail_zoom(pakistan, 4, 6) == 6  # capped by the map's max zoom
    assert simplify.degrees_per_pixel(8) == pytest.approx(360 / 65536)
    assert simplify.decimals_for(simplify.degrees_per_pixel(7)) == 3
    assert simplify.decimals_for(simplify.degrees_per_pixel(12)) == 5


@pytest.mark.realdata
def test_real_districts_no_gaps_no_overlaps(districts_path):
    import geopandas as gpd

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        districts = gpd.read_file(districts_path)
    geoms = districts.geometry.values
    repaired = simplify.repair_coverage(geoms)
    tolerance = simplify.degrees_per_pixel(7)
    out = simplify.round_coordinates(simplify.simplify_coverage(geoms, tolerance), simplify.decimals_for(tolerance))
    assert len(out) == 156 and not shapely.is_empty(out).any()
    assert shapely.get_num_coordinates(out).sum() < 0.35 * shapely.get_num_coordinates(geoms).sum()
    union = shapely.union_all(out)
    # No overlaps: the union is as large as the parts together.
    assert shapely.area(out).sum() / union.area == pytest.approx(1.0, abs=1e-6)
    # No gaps: the union has no holes the original coverage did not have, and the same outline area.
    assert (
        shapely.get_num_interior_rings(shapely.get_parts(union)).sum()
        == shapely.get_num_interior_rings(shapely.get_parts(shapely.union_all(repaired))).sum()
    )
    assert union.area == pytest.approx(shapely.union_all(repaired).area, rel=1e-3)
