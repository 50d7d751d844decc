"""Zonal statistics on small generated GeoTIFFs with known values (no rasters in ../shared/data)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import rasterio
from affine import Affine
from shapely.geometry import box

from pakmap.errors import JoinError, SourceError
from pakmap.join.zonal import zonal_statistics

NODATA = -9999.0


@pytest.fixture()
def population_tif(tmp_path):
    """4 x 4 cells of 1 km in UTM 42N, values 1..16 row by row, the top-left cell nodata."""
    values = np.arange(1, 17, dtype="float32").reshape(4, 4)
    values[0, 0] = NODATA
    path = tmp_path / "population.tif"
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        width=4,
        height=4,
        count=1,
        dtype="float32",
        crs="EPSG:32642",
        transform=Affine(1000, 0, 500_000, 0, -1000, 3_000_000),
        nodata=NODATA,
    ) as ds:
        ds.write(values, 1)
    return path


@pytest.fixture()
def zones() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"name": ["top-left 2x2", "whole raster", "right half of one cell", "outside", "only nodata"]},
        geometry=[
            box(500_000, 2_998_000, 502_000, 3_000_000),
            box(500_000, 2_996_000, 504_000, 3_000_000),
            box(503_500, 2_996_000, 504_000, 2_997_000),  # half of the bottom-right cell (value 16)
            box(600_000, 2_900_000, 601_000, 2_901_000),
            box(500_000, 2_999_000, 501_000, 3_000_000),
        ],
        crs="EPSG:32642",
    )


def test_known_sums_means_counts_with_nodata(population_tif, zones):
    result = zonal_statistics(zones, population_tif, {"pop": "sum", "pop_mean": "mean", "cells": "count"})
    data = result.data.set_index("name")
    # Top-left 2x2: cells 1 (nodata), 2, 5, 6.
    assert data.loc["top-left 2x2", "pop"] == pytest.approx(13)
    assert data.loc["top-left 2x2", "pop_mean"] == pytest.approx(13 / 3)
    assert data.loc["top-left 2x2", "cells"] == pytest.approx(3)
    assert data.loc["whole raster", "pop"] == pytest.approx(sum(range(2, 17)))
    assert data.loc["whole raster", "cells"] == pytest.approx(15)
    # Fractional coverage: half a cell of 16 is 8.
    assert data.loc["right half of one cell", "pop"] == pytest.approx(8)
    assert data.loc["right half of one cell", "pop_mean"] == pytest.approx(16)
    # No valid cell: no data, not zero.
    assert np.isnan(data.loc["outside", "pop"]) and data.loc["outside", "cells"] == 0
    assert np.isnan(data.loc["only nodata", "pop"]) and np.isnan(data.loc["only nodata", "pop_mean"])
    assert result.report.no_data_polygons == [3, 4]
    assert result.report.nodata == NODATA
    assert "2 polygon(s) cover no valid cell" in result.report.warnings[0]
    assert list(result.data["name"]) == list(zones["name"])  # every polygon kept, in order
    result.report.to_csv(population_tif.parent / "zonal.csv")
    assert (
        population_tif.parent / "zonal.csv"
    ).read_text() == "section,polygon_row\nno_valid_cell,3\nno_valid_cell,4\n"


def test_polygons_in_another_crs_are_reprojected(population_tif, zones):
    in_wgs84 = zones.to_crs("EPSG:4326")
    result = zonal_statistics(in_wgs84, population_tif, {"pop": "sum"})
    assert result.report.reprojected == "EPSG:4326 → EPSG:32642"
    assert result.data["pop"].iloc[0] == pytest.approx(13, rel=1e-4)
    assert result.data["pop"].iloc[1] == pytest.approx(135, rel=1e-4)
    assert result.data.crs == in_wgs84.crs  # the output keeps the layer's own CRS


def test_errors(population_tif, zones, tmp_path):
    with pytest.raises(JoinError, match="unknown zonal statistic"):
        zonal_statistics(zones, population_tif, {"x": "mode"})
    with pytest.raises(JoinError, match="band"):
        zonal_statistics(zones, population_tif, {"x": "sum"}, band=2)
    with pytest.raises(JoinError, match="already have"):
        zonal_statistics(zones, population_tif, {"name": "sum"})
    with pytest.raises(JoinError, match="no coordinate reference system"):
        zonal_statistics(zones.set_crs(None, allow_override=True), population_tif, {"x": "sum"})
    broken = tmp_path / "broken.tif"
    broken.write_bytes(b"not a tiff")
    with pytest.raises(SourceError, match="cannot read the raster"):
        zonal_statistics(zones, broken, {"x": "sum"})


# --- zonal statistics as a project step --------------------------------------------------------


def _zonal_project(tmp_path, zones, population_tif, **join):
    from pakmap.project.model import JoinSpec, LayerSpec, Project

    zones.to_file(tmp_path / "zones.gpkg", layer="zones")
    spec = {
        "layer": "zones",
        "kind": "zonal",
        "raster": "population",
        "stats": {"pop": "sum", "pop_mean": "mean"},
        **join,
    }
    # The exported GeoPackage carries the fields the map shows: here the popups'.
    project = Project(
        layers=[
            LayerSpec("zones", "zones.gpkg", layer="zones", popup_fields=["name", "pop", "pop_mean"]),
            LayerSpec("population", population_tif.name),
        ],
        joins=[JoinSpec(**spec)],
    )
    project.path = tmp_path / "project.toml"
    return project


def test_zonal_step_round_trips_and_is_rerun_on_every_render(tmp_path, population_tif, zones):
    import tomllib

    from pakmap.cli import main
    from pakmap.project import load_project, save_project

    save_project(_zonal_project(tmp_path, zones, population_tif, band=1))
    saved = tomllib.loads((tmp_path / "project.toml").read_text(encoding="utf-8"))["joins"][0]
    assert saved["kind"] == "zonal" and saved["raster"] == "population" and saved["stats"]["pop"] == "sum"
    assert load_project(tmp_path / "project.toml").joins[0].raster == "population"

    out = tmp_path / "out.gpkg"
    assert main(["render", str(tmp_path / "project.toml"), "-o", str(out)]) == 0
    first = gpd.read_file(out, layer="zones").set_index("name")
    assert first.loc["top-left 2x2", "pop"] == pytest.approx(13)
    # Next month: a new raster under the same name; the project re-runs the step.
    with rasterio.open(population_tif, "r+") as ds:
        ds.write(np.full((4, 4), 10, dtype="float32"), 1)
    assert main(["render", str(tmp_path / "project.toml"), "-o", str(out)]) == 0
    second = gpd.read_file(out, layer="zones").set_index("name")
    assert second.loc["top-left 2x2", "pop"] == pytest.approx(40)
    assert second.loc["whole raster", "pop_mean"] == pytest.approx(10)


@pytest.mark.parametrize(
    "join, message",
    [
        ({"raster": ""}, "need a raster and stats"),
        ({"stats": {"pop": "average"}}, "unknown statistic 'average'"),
        ({"raster": "zones"}, "is not a raster layer"),
        ({"band": 0}, "band 0"),
    ],
)
def test_bad_zonal_steps_are_one_line_project_errors(tmp_path, population_tif, zones, capsys, join, message):
    from pakmap.cli import main
    from pakmap.project import save_project

    path = save_project(_zonal_project(tmp_path, zones, population_tif, **join))  # written as an officer might
    assert main(["render", str(path), "-o", str(tmp_path / "m.png")]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
