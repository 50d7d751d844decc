"""Points in polygons: counts, sums and means, boundary points, points outside, CRS differences."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import LineString, Point, box

from pakmap.errors import JoinError
from pakmap.join.spatial import aggregate_points_in_polygons

pytestmark = pytest.mark.filterwarnings("ignore:Could not parse column:UserWarning")


@pytest.fixture()
def squares() -> gpd.GeoDataFrame:
    # Two unit squares sharing the edge x = 1, in UTM zone 42N (metres).
    return gpd.GeoDataFrame(
        {"name": ["west", "east"]}, geometry=[box(0, 0, 1000, 1000), box(1000, 0, 2000, 1000)], crs="EPSG:32642"
    )


@pytest.fixture()
def villages() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"households": [10, 20, 30, np.nan, 50, 60, 70]},
        geometry=[
            Point(500, 500),
            Point(1000, 500),  # inside west; on the shared edge
            Point(1500, 500),
            Point(1600, 600),  # inside east (one without households)
            Point(1000, 1000),  # on the shared corner
            Point(5000, 5000),
            None,
        ],  # outside everything; no location
        index=[101, 102, 103, 104, 105, 106, 107],
        crs="EPSG:32642",
    )


def test_counts_sums_means_and_the_boundary_rule(squares, villages):
    before = villages.copy()
    result = aggregate_points_in_polygons(
        squares, villages, {"villages": "count", "hh": "sum:households", "hh_mean": "mean:households"}
    )
    data = result.data.set_index("name")
    # Boundary points (102 on the shared edge, 105 on the shared corner) go to the first polygon: west.
    assert data.loc["west", "villages"] == 3 and data.loc["east", "villages"] == 2
    assert data.loc["west", "hh"] == 10 + 20 + 50 and data.loc["east", "hh"] == 30
    assert data.loc["west", "hh_mean"] == pytest.approx(80 / 3) and data.loc["east", "hh_mean"] == 30
    report = result.report
    assert report.total == 7 and report.assigned == 5 and report.on_boundary == 2
    assert list(report.outside["point_row"]) == [106]
    assert report.outside[["x", "y"]].iloc[0].tolist() == [5000, 5000]
    assert report.no_location == [107]
    assert len(report.warnings) == 2 and "outside every polygon" in report.warnings[0]
    assert any("no 'households'" in n for n in report.notes)
    assert "outside every polygon: 1 (rows 106)" in report.summary()
    pd.testing.assert_frame_equal(villages, before)
    assert list(result.data.columns[:2]) == ["name", "geometry"]


def test_boundary_rule_follows_layer_order(squares, villages):
    flipped = squares.iloc[::-1].reset_index(drop=True)  # east first now
    data = aggregate_points_in_polygons(flipped, villages, {"villages": "count"}).data.set_index("name")
    assert data.loc["east", "villages"] == 4 and data.loc["west", "villages"] == 1


def test_points_are_reprojected_to_the_polygons_crs(squares, villages):
    in_wgs84 = villages.to_crs("EPSG:4326")
    result = aggregate_points_in_polygons(squares, in_wgs84.iloc[[0, 2, 3]], {"n": "count"})
    assert list(result.data["n"]) == [1, 2]
    assert result.report.reprojected == "EPSG:4326 → EPSG:32642"


def test_polygon_without_points_counts_zero_and_sums_zero(squares):
    pts = gpd.GeoDataFrame({"v": [1.0]}, geometry=[Point(100, 100)], crs="EPSG:32642")
    data = aggregate_points_in_polygons(squares, pts, {"n": "count", "s": "sum:v", "m": "mean:v"}).data
    assert data["n"].tolist() == [1, 0]
    assert data["s"].tolist() == [1.0, 0.0]
    assert data["m"].iloc[0] == 1.0 and np.isnan(data["m"].iloc[1])


def test_real_districts_with_generated_villages(districts_path):
    districts = gpd.read_file(districts_path)
    rng = np.random.default_rng(7)
    # 2,000 points inside chosen districts (sampled in their polygons), 5 in the Arabian Sea.
    sizes = {"Peshawar": 700, "Quetta": 800, "Lahore": 500}
    chosen = districts[districts["name"].isin(list(sizes))]
    points = chosen.geometry.sample_points(size=[sizes[n] for n in chosen["name"]], rng=rng)
    points = points.explode(index_parts=False)
    sea = [Point(64.0, 23.0 + i * 0.1) for i in range(5)]
    geoms = list(points.values) + sea
    villages = gpd.GeoDataFrame({"hh": np.ones(len(geoms))}, geometry=geoms, crs="EPSG:4326")
    result = aggregate_points_in_polygons(districts, villages, {"villages": "count", "hh": "sum:hh"})
    counts = result.data.set_index("name")["villages"]
    assert counts["Peshawar"] == 700 and counts["Quetta"] == 800 and counts["Lahore"] == 500
    assert counts.sum() == 2000
    assert len(result.report.outside) == 5


def test_errors(squares, villages):
    with pytest.raises(JoinError, match="unknown statistic"):
        aggregate_points_in_polygons(squares, villages, {"x": "median:households"})
    with pytest.raises(JoinError, match="no field 'hh'"):
        aggregate_points_in_polygons(squares, villages, {"x": "sum:hh"})
    with pytest.raises(JoinError, match="already have"):
        aggregate_points_in_polygons(squares, villages, {"name": "count"})
    text = villages.assign(label="a")
    with pytest.raises(JoinError, match="not numeric"):
        aggregate_points_in_polygons(squares, text, {"x": "sum:label"})
    lines = gpd.GeoDataFrame(geometry=[LineString([(0, 0), (1, 1)])], crs="EPSG:32642")
    with pytest.raises(JoinError, match="not points"):
        aggregate_points_in_polygons(squares, lines, {"n": "count"})
    no_crs = villages.set_crs(None, allow_override=True)
    with pytest.raises(JoinError, match="no coordinate reference system"):
        aggregate_points_in_polygons(squares, no_crs, {"n": "count"})
