"""Households counted per admin unit and per hexagon: no point, no attribute leaves."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pytest
import shapely
from test_protection_data import PLACES, households

from pakmap.errors import ProtectionError
from pakmap.layer import SourceInfo, VectorLayer
from pakmap.project.loaded import LoadedProject
from pakmap.project.model import LayerSpec, Project, ProtectionSpec
from pakmap.protection.aggregate import aggregate_points, hex_cells, hex_polygons
from pakmap.protection.complementary import SECONDARY_MARK
from pakmap.protection.policy import guard_export


@pytest.fixture(scope="module")
def provinces(shared_data):
    return gpd.read_file(shared_data / "pak_provinces.geojson")


def test_households_counted_per_province(provinces):
    gdf = households()
    out = aggregate_points(
        gdf, "admin", provinces, count_name="households", sums={"individuals": "household_size"}, threshold=5
    )
    assert list(out.columns) == ["name", "kind", "geometry", "households", "individuals"]
    expected = gdf.groupby(gdf["district"].map(lambda p: PLACES[p][2]))
    by_name = out.set_index("name")
    for province, group in expected:
        assert by_name.loc[province, "households"] == len(group)
        assert by_name.loc[province, "individuals"] == group["household_size"].sum()
    assert by_name.loc["Punjab", "households"] == 0
    assert out["households"].sum() == len(gdf)
    assert out.attrs["outside"] == 0 and out.attrs["skipped"] == 0
    assert out.crs == provinces.crs


def test_admin_counts_report_suppression(provinces):
    gdf = households().iloc[[0, 1, 2]]  # three households: every non-empty unit is below 5
    out = aggregate_points(gdf, "admin", provinces, threshold=5)
    nonzero = int((out["count"] > 0).sum())
    assert out.attrs["suppressed"] == {"count": nonzero}


def test_points_in_another_crs_are_reprojected(provinces):
    gdf = households()
    out = aggregate_points(gdf.to_crs(32642), "admin", provinces)
    assert out["count"].sum() == len(gdf)


def test_hex_grid_counts_and_cell_geometry():
    gdf = households()
    size_km = 5.0
    grid = aggregate_points(
        gdf, "hex", size_km=size_km, count_name="households", sums={"individuals": "household_size"}
    )
    assert grid["households"].sum() == len(gdf)
    assert grid["individuals"].sum() == gdf["household_size"].sum()
    assert set(grid.columns) == {"hex_q", "hex_r", "households", "individuals", "geometry"}
    assert grid.crs == gdf.crs
    metric = grid.to_crs(grid.geometry.estimate_utm_crs())
    # Regular hexagons of 5 km edge: area 3√3/2·s².
    np.testing.assert_allclose(metric.area, 3 * math.sqrt(3) / 2 * (size_km * 1000) ** 2, rtol=1e-6)
    # Every household lies in the cell that counts it.
    joined = gpd.sjoin(gdf, grid, predicate="within")
    assert len(joined) == len(gdf)
    assert (
        joined.groupby("index_right").size().sort_index().to_numpy()
        == grid.loc[sorted(joined["index_right"].unique()), "households"].to_numpy()
    ).all()
    assert "suppressed" not in grid.attrs  # no threshold given: every cell kept, nothing suppressed


def test_hex_cells_round_to_the_nearest_centre():
    size = 1000.0
    q = np.array([0, 1, -2, 3])
    r = np.array([0, -1, 2, 5])
    centres = shapely.centroid(hex_polygons(q, r, size))
    x, y = shapely.get_x(centres), shapely.get_y(centres)
    # Points near each centre (within the inscribed circle) land in that cell.
    rng = np.random.default_rng(0)
    angle = rng.uniform(0, 2 * np.pi, 4)
    radius = 0.85 * size * math.sqrt(3) / 2
    qq, rr = hex_cells(x + radius * np.cos(angle), y + radius * np.sin(angle), size)
    assert qq.tolist() == q.tolist() and rr.tolist() == r.tolist()


def test_tiny_hexagons_and_unknown_targets_refused(provinces):
    gdf = households()
    with pytest.raises(ProtectionError, match="at least 1 km"):
        aggregate_points(gdf, "hex", size_km=0.2)
    with pytest.raises(ProtectionError, match="admin"):
        aggregate_points(gdf, "squares")
    with pytest.raises(ProtectionError, match="polygon layer"):
        aggregate_points(gdf, "admin")
    with pytest.raises(ProtectionError, match="no such field"):
        aggregate_points(gdf, "admin", provinces, sums={"x": "members"})


def test_hexagons_of_fewer_than_k_households_are_not_published():
    gdf = households(200, seed=3)
    everything = aggregate_points(gdf, "hex", size_km=2.0, count_name="households")
    small = int((everything["households"] < 5).sum())
    assert small >= 3  # the premise: the generated survey has sparse cells
    grid = aggregate_points(gdf, "hex", size_km=2.0, count_name="households", threshold=5)
    assert (grid["households"] >= 5).all()
    assert grid.attrs["dropped_cells"] == small and len(grid) == len(everything) - small
    assert "households" not in grid.attrs["suppressed"]  # nothing left to write as "<5"


def test_hexagon_centres_are_the_grids_not_the_households():
    """A published cell is a cell of the fixed grid: its centre is where the grid puts it, whoever
    lives in it; moving every household within its cell changes no published geometry, and no centre
    is the mean of the points (which would sit among the homes)."""
    gdf = households(200, seed=3)
    grid = aggregate_points(gdf, "hex", size_km=2.0, count_name="households", threshold=5)
    metric = gdf.estimate_utm_crs()
    points = gdf.to_crs(metric)
    q, r = hex_cells(points.geometry.x.to_numpy(), points.geometry.y.to_numpy(), 2000.0)
    centres = grid.to_crs(metric).geometry.centroid
    cell_of = {}
    for i, (cq, cr) in enumerate(zip(q, r)):
        cell_of.setdefault((int(cq), int(cr)), []).append(i)
    expected = shapely.centroid(
        hex_polygons(np.array([k[0] for k in cell_of]), np.array([k[1] for k in cell_of]), 2000.0)
    )
    grid_centres = {(round(p.x), round(p.y)) for p in expected}
    assert {(round(p.x), round(p.y)) for p in centres} <= grid_centres
    for centre in centres:
        members = [i for k, rows in cell_of.items() for i in rows if centre.distance(shapely.Point(*_centre(k))) < 1]
        mean = points.geometry.iloc[members].union_all().centroid
        assert centre.distance(mean) > 1.0  # metres: not the households' mean
    # Households moved 300 m within their cells: the same cells, the same numbers.
    moved = points.copy()
    shift = np.where(np.arange(len(moved)) % 2 == 0, 150.0, -150.0)
    moved["geometry"] = shapely.points(points.geometry.x + shift, points.geometry.y)
    mq, mr = hex_cells(moved.geometry.x.to_numpy(), moved.geometry.y.to_numpy(), 2000.0)
    same_cell = (mq == q) & (mr == r)
    again = aggregate_points(moved[same_cell].to_crs(gdf.crs), "hex", size_km=2.0, count_name="households", threshold=5)
    before = aggregate_points(gdf[same_cell], "hex", size_km=2.0, count_name="households", threshold=5)
    assert again.geometry.normalize().geom_equals_exact(before.geometry.normalize(), 1e-9).all()
    assert again["households"].tolist() == before["households"].tolist()


def _centre(cell: tuple[int, int]) -> tuple[float, float]:
    q, r = cell
    return 2000.0 * math.sqrt(3.0) * (q + r / 2), 2000.0 * 1.5 * r


def _anchors(geom) -> list:
    """The points a map draws for a unit: centroid, proportional circle, label."""
    return [geom.centroid, geom.point_on_surface(), shapely.get_point(shapely.maximum_inscribed_circle(geom), 0)]


def test_no_unit_of_few_households_is_drawn_within_a_kilometre_of_one(districts_path):
    """One household lives where Islamabad's label would be drawn: that district publishes none of
    its figures ("x": no "<5" label, no circle at its centre). Two households in Lahore, tens of
    kilometres from its centre, keep their "<5"; five in Peshawar around its centre are a count."""
    districts = gpd.read_file(districts_path)
    shape = districts.set_index("name").geometry
    islamabad = _anchors(shape["Islamabad"])[2]
    lahore = shape["Lahore"]
    grid = shapely.points(
        np.stack(np.meshgrid(np.linspace(*lahore.bounds[::2], 40), np.linspace(*lahore.bounds[1::2], 40)), -1).reshape(
            -1, 2
        )
    )
    metric = districts.estimate_utm_crs()
    anchors = gpd.GeoSeries(_anchors(lahore), crs=4326).to_crs(metric)
    inside = gpd.GeoSeries(grid[shapely.contains(lahore, grid)], crs=4326)
    distance = np.array([anchors.distance(p).min() for p in inside.to_crs(metric)])
    far = list(inside[distance > 10_000].iloc[:2])
    peshawar = _anchors(shape["Peshawar"])[0]
    gdf = households(10).iloc[:8].reset_index(drop=True)
    points = [islamabad, *far, *[shapely.Point(peshawar.x + 0.003 * i, peshawar.y) for i in range(5)]]
    gdf = gdf.set_geometry(gpd.GeoSeries(points, crs=gdf.crs))

    out = aggregate_points(gdf, "admin", districts, count_name="households", threshold=5)
    near = dict(zip(out["name"], out.attrs["centre_near_home"]))
    assert near["Islamabad"] and not near["Lahore"] and not near["Peshawar"]
    assert int(out.attrs["centre_near_home"].sum()) == 1

    homes = VectorLayer("households", gdf, SourceInfo(None))
    boundaries = VectorLayer("districts", districts, SourceInfo(districts_path))
    project = Project(
        layers=[LayerSpec("districts"), LayerSpec("households")],
        protection=ProtectionSpec(aggregate={"households": "admin:districts"}),
    )
    safe, plan = guard_export(LoadedProject(project, [boundaries, homes]), None)
    published = safe.layer("households").data.set_index("name")["households"]
    assert published["Islamabad"] == SECONDARY_MARK
    assert published["Lahore"] == 2 and published["Peshawar"] == 5
    assert plan.summary()["units_with_a_centre_near_a_home"] == {"households": 1}
