"""Layer ▸ Spatial join… and Layer ▸ Zonal statistics…: each adds a step to the open project, the map
shows the result, and the saved project re-runs the step when it is opened again."""

from __future__ import annotations

import numpy as np
import pytest
from gui_helpers import WAIT_MS, add_files, wait_rendered

from pakmap.project import load_project
from pakmap.project.loader import load_layers

pytestmark = [pytest.mark.gui, pytest.mark.realdata]


def _apply(dialog, qtbot, window):
    reports, errors = [], len(window.errors)
    dialog.apply(on_done=reports.append)
    qtbot.waitUntil(lambda: bool(reports) or len(window.errors) > errors, timeout=WAIT_MS)
    assert reports, window.last_error
    return reports[0]


@pytest.fixture
def flood_tif(tmp_path, shared_data):
    """A made-up flood extent over Sindh (no rasters in ../shared/data): 1 flooded, 0 dry, west of 68.5° E
    flooded, and a nodata strip along the top."""
    import rasterio
    from rasterio.transform import from_bounds

    west, south, east, north = 66.5, 23.5, 71.5, 28.6
    width, height = 500, 510
    lon = np.linspace(west, east, width, endpoint=False) + (east - west) / width / 2
    values = np.repeat((lon < 68.5).astype("float32")[None, :], height, axis=0)
    values[:5, :] = 255
    path = tmp_path / "flood.tif"
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        width=width,
        height=height,
        count=1,
        dtype="float32",
        crs="EPSG:4326",
        transform=from_bounds(west, south, east, north, width, height),
        nodata=255,
    ) as ds:
        ds.write(values, 1)
    return path


def test_spatial_join_dialog_counts_points_in_polygons_and_the_project_keeps_the_step(
    window, qtbot, shared_data, tmp_path
):
    add_files(window, qtbot, shared_data / "pak_districts.geojson", shared_data / "pak_admin_centres.csv")
    dialog = window.open_spatial_join_dialog()
    assert dialog.layer.currentText() == "pak_districts" and dialog.source.currentText() == "pak_admin_centres"
    dialog.statistic.setCurrentText("count")
    assert dialog.output.text() == "pak_admin_centres_count"
    dialog.output.setText("capitals")
    report = _apply(dialog, qtbot, window)
    assert report.assigned == 7
    (step,) = window.document.project.joins
    assert (step.kind, step.layer, step.points, step.stats) == (
        "spatial",
        "pak_districts",
        "pak_admin_centres",
        {"capitals": "count"},
    )
    districts = window.document.layer("pak_districts")
    capitals = districts.data.set_index("name")["capitals"]
    assert capitals.sum() == 7 and capitals["Lahore"] == 1 and capitals["Okara"] == 0
    wait_rendered(window, qtbot)
    dialog.close()

    path = tmp_path / "capitals.toml"
    assert window.files.save_as(str(path))
    reloaded = load_layers(load_project(path))  # next month: the step runs again
    assert reloaded.layer("pak_districts").data["capitals"].sum() == 7


def test_zonal_statistics_dialog_adds_the_flooded_share_per_district(window, qtbot, shared_data, flood_tif, tmp_path):
    add_files(window, qtbot, shared_data / "sindh_cod_adm2_pcodes.geojson", flood_tif)
    dialog = window.open_zonal_dialog()
    assert dialog.source.currentText() == "flood" and dialog.statistic.currentText() == "mean"
    assert dialog.output.text() == "flood_mean"
    report = _apply(dialog, qtbot, window)
    assert report.raster == "flood.tif"
    (step,) = window.document.project.joins
    assert (step.kind, step.raster, step.band, step.stats) == ("zonal", "flood", 1, {"flood_mean": "mean"})
    share = window.document.layer("sindh_cod_adm2_pcodes").data.set_index("ADM2_EN")["flood_mean"]
    assert share["Dadu"] == pytest.approx(1.0, abs=0.001)  # wholly west of 68.5° E
    assert share["Ghotki"] == pytest.approx(0.0, abs=0.001)  # wholly east of it
    assert 0.2 < share["Jacobabad"] < 0.8  # across it
    wait_rendered(window, qtbot)
    # A second statistic from the same raster joins the same step.
    dialog.statistic.setCurrentText("max")
    _apply(dialog, qtbot, window)
    (step,) = window.document.project.joins
    assert step.stats == {"flood_mean": "mean", "flood_max": "max"}
    dialog.close()

    path = tmp_path / "flood.toml"
    assert window.files.save_as(str(path))
    reloaded = load_layers(load_project(path))
    assert reloaded.layer("sindh_cod_adm2_pcodes").data.set_index("ADM2_EN").loc["Jacobabad", "flood_max"] == 1


def test_step_dialogs_say_what_is_missing(window, qtbot, shared_data):
    add_files(window, qtbot, shared_data / "pak_districts.geojson")
    assert window.open_zonal_dialog() is None
    assert "has no raster" in window.last_error
    assert window.open_spatial_join_dialog() is None
    assert "points" in window.last_error
