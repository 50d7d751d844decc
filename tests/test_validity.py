"""Geometry validity: counted on load with reasons, repaired only on request, polygons stay polygons."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely

from pakmap.validity import check, repair

BOWTIE = shapely.Polygon([(0, 0), (2, 2), (2, 0), (0, 2), (0, 0)])
RING_TOUCH = shapely.Polygon([(0, 0), (4, 0), (4, 4), (2, 4), (2, 2), (1, 3), (2, 4), (0, 4), (0, 0)])


def frame():
    geoms = [BOWTIE, shapely.box(5, 5, 6, 6), shapely.Polygon(), None, RING_TOUCH]
    return gpd.GeoDataFrame({"name": list("abcde")}, geometry=geoms, crs=4326)


def test_check_counts_each_problem_once():
    report = check(frame())
    assert (report.total, report.invalid, report.empty, report.null) == (5, 2, 1, 1)
    assert report.reasons == {"Self-intersection": 1, "Ring Self-intersection": 1}
    assert not report.ok
    assert report.summary() == "2 invalid (Ring Self-intersection: 1, Self-intersection: 1), 1 empty, 1 null of 5"
    assert report.invalid_rows == (0, 4)


def test_repair_makes_valid_polygons_and_leaves_the_input_alone():
    original = frame()
    fixed, report = repair(original)
    assert (report.invalid, report.repaired, report.empty, report.null) == (0, 2, 1, 1)
    assert shapely.is_valid(fixed.geometry.values[[0, 1, 4]]).all()
    assert set(fixed.geometry.values[[0, 4]].geom_type) <= {"Polygon", "MultiPolygon"}
    assert fixed.geometry.values[0].area == pytest.approx(2.0)  # both triangles of the bow-tie kept
    assert not original.geometry.values[0].is_valid  # the input frame is not modified
    assert fixed.crs == original.crs and fixed.geometry.name == original.geometry.name


def test_lines_are_repaired_too():
    line = shapely.LineString([(0, 0), (0, 0)])  # zero length: invalid ("Too few points")
    fixed, report = repair(gpd.GeoDataFrame(geometry=[line, shapely.LineString([(0, 0), (1, 1)])]))
    assert report.repaired == 1 and report.invalid == 0


def test_real_districts_and_provinces(districts_path, shared_data):
    districts = gpd.read_file(districts_path, engine="pyogrio")
    report = check(districts)
    assert (report.total, report.invalid, report.empty, report.null) == (156, 4, 0, 0)
    bad = list(report.invalid_rows)
    assert districts.iloc[bad]["name"].tolist() == [
        "Gwadar",
        "Lasbela",
        "Karachi South",
        "Malir",
    ]
    fixed, after = repair(districts)
    assert after.ok and after.repaired == 4
    # Repair must not eat land: areas of the repaired districts change by well under 1 %.
    before_area = districts.geometry.values[bad].area
    assert (fixed.geometry.values[bad].area / before_area) == pytest.approx(1, rel=0.01)
    provinces = check(gpd.read_file(shared_data / "pak_provinces.geojson", engine="pyogrio"))
    assert (provinces.total, provinces.invalid, provinces.reasons) == (7, 2, {"Ring Self-intersection": 2})
