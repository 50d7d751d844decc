"""The map canvas: real boundaries drawn in the background, pan, zoom, identify, scale and CRS."""

from __future__ import annotations

import numpy as np
import pytest
from gui_helpers import WAIT_MS, add_files, pixel_at, wait_rendered
from PySide6.QtCore import QPoint, Qt

pytestmark = [pytest.mark.gui, pytest.mark.realdata]

LAHORE = (74.40794, 31.45709)  # a point inside the Lahore district polygon
CHAGAI = (63.44009, 28.88433)


def test_real_boundaries_are_drawn_off_the_gui_thread(window, qtbot, districts_path):
    add_files(window, qtbot, districts_path)
    wait_rendered(window, qtbot)
    canvas = window.canvas
    assert canvas.image.width() == canvas.width() and canvas.image.height() == canvas.height()
    # Inside a district: the default UNHCR blue fill; far outside Pakistan: the white background.
    inside = pixel_at(window, *LAHORE)
    assert inside.blue() > 150 and inside.red() < 60, inside.name()
    xmin, ymin, xmax, ymax = canvas.extent()
    assert xmin <= 60.88 and xmax >= 77.12 and ymin <= 24.06 and ymax >= 37.09  # zoomed to the layer
    assert window.crs_button.text() == "EPSG:4326"
    scale = int(window.scale.currentText().replace("1:", "").replace(",", ""))
    assert 1_000_000 < scale < 50_000_000


def test_pan_with_arrow_keys_and_drag_zoom_with_wheel_and_box(window, qtbot, districts_path):
    add_files(window, qtbot, districts_path)
    wait_rendered(window, qtbot)
    canvas = window.canvas
    cx, cy = canvas.center
    res = canvas.resolution
    qtbot.keyClick(canvas, Qt.Key.Key_Right)
    assert canvas.center[0] == pytest.approx(cx + canvas.width() / 4 * res)
    qtbot.keyClick(canvas, Qt.Key.Key_Left)
    assert canvas.center[0] == pytest.approx(cx)

    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=QPoint(300, 300))
    qtbot.mouseMove(canvas, QPoint(350, 320))
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=QPoint(350, 320))
    assert canvas.center[0] == pytest.approx(cx - 50 * res) and canvas.center[1] == pytest.approx(cy + 20 * res)

    canvas.zoom_by(0.5, canvas.to_screen(*LAHORE))  # what one wheel step does, anchored at the cursor
    anchor = canvas.to_screen(*LAHORE)
    assert canvas.resolution == pytest.approx(res / 2)
    assert canvas.to_map(anchor) == pytest.approx(LAHORE)

    # Shift-drag a box around Lahore: the view becomes that box.
    a, b = canvas.to_screen(74.0, 32.0), canvas.to_screen(74.8, 31.0)
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier, a.toPoint())
    qtbot.mouseMove(canvas, b.toPoint())
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier, b.toPoint())
    xmin, ymin, xmax, ymax = canvas.extent()
    assert (
        xmin == pytest.approx(74.0, abs=0.2)
        and xmax == pytest.approx(74.8, abs=0.2)
        or ymin == pytest.approx(31.0, abs=0.2)
        and ymax == pytest.approx(32.0, abs=0.2)
    )
    wait_rendered(window, qtbot)
    assert pixel_at(window, *LAHORE).blue() > 150

    window.actions_by_name["zoom_full"].trigger()
    assert canvas.extent()[0] <= 60.88


def test_view_shows_last_image_moved_until_the_new_render_arrives(window, qtbot, districts_path):
    add_files(window, qtbot, districts_path)
    wait_rendered(window, qtbot)
    canvas = window.canvas
    before = canvas.rendered_generation
    image = canvas.image
    canvas.pan_pixels(100, 0)
    # Immediately: the same cached image, shown shifted (Lahore moved 100 px right on screen).
    assert canvas.image is image
    p = canvas.to_screen(*LAHORE)
    assert canvas.grab().toImage().pixelColor(int(p.x()), int(p.y())).blue() > 150
    for _ in range(5):  # a burst of changes: stale renders are cancelled, one image per final view
        canvas.zoom_by(0.9)
    wait_rendered(window, qtbot)
    assert canvas.rendered_generation == canvas.generation > before


def test_identify_shows_attributes_and_select_selects_the_feature(window, qtbot, districts_path):
    add_files(window, qtbot, districts_path)
    wait_rendered(window, qtbot)
    canvas = window.canvas
    p = canvas.to_screen(*LAHORE).toPoint()
    window.actions_by_name["tool_identify"].trigger()
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=p)
    layer = window.document.layer("pak_districts")
    top = window.identify_panel.topLevelItem(0)
    assert top.text(0) == "pak_districts: Lahore"
    fields = {top.child(i).text(0): top.child(i).text(1) for i in range(top.childCount())}
    assert fields["province"] == "Punjab"
    assert window.identify_dock.isVisible()
    assert not len(window.document.selected("pak_districts"))  # identifying is not selecting

    window.actions_by_name["tool_select"].trigger()
    p = canvas.to_screen(*LAHORE).toPoint()  # the identify dock opened: the canvas is narrower
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=p)
    rows = window.document.selected("pak_districts")
    assert list(layer.data["name"].iloc[rows]) == ["Lahore"]
    window.actions_by_name["zoom_selection"].trigger()
    xmin, ymin, xmax, ymax = canvas.extent()
    lahore = layer.data.geometry.iloc[rows[0]].bounds
    assert xmin <= lahore[0] and xmax >= lahore[2] and xmax - xmin < 3  # zoomed to Lahore


def test_map_crs_can_be_changed_and_the_view_follows(window, qtbot, districts_path):
    add_files(window, qtbot, districts_path)
    wait_rendered(window, qtbot)
    assert window.set_crs("EPSG:32642")
    canvas = window.canvas
    assert window.crs_button.text() == "EPSG:32642"
    xmin, ymin, xmax, ymax = canvas.extent()
    assert -1_000_000 < xmin < 500_000 < xmax < 2_500_000 and 2_000_000 < ymin < ymax < 4_500_000  # UTM 42N metres
    wait_rendered(window, qtbot)
    from pyproj import Transformer

    x, y = Transformer.from_crs(4326, 32642, always_xy=True).transform(*LAHORE)
    p = canvas.to_screen(x, y)
    assert canvas.grab().toImage().pixelColor(int(p.x()), int(p.y())).blue() > 150
    assert not window.set_crs("EPSG:99999999")
    assert "not a coordinate reference system" in window.last_error


def test_scale_typed_in_the_status_bar_zooms(window, qtbot, districts_path):
    add_files(window, qtbot, districts_path)
    wait_rendered(window, qtbot)
    window.scale.setEditText("1:1,000,000")
    window._scale_entered()
    assert window.canvas.scale_denominator() == pytest.approx(1_000_000, rel=1e-6)
    assert np.isfinite(window.canvas.resolution)


@pytest.mark.timeout(120)
def test_a_raster_without_crs_is_left_off_and_the_canvas_stops_rendering(window, qtbot, tmp_path, districts_path):
    """The canvas kept 'rendering' for ever after a raster without a CRS, and drew nothing more."""
    import numpy as np
    import rasterio
    from rasterio.transform import from_origin

    raster = tmp_path / "no_crs.tif"
    with rasterio.open(
        raster,
        "w",
        driver="GTiff",
        width=40,
        height=40,
        count=1,
        dtype="uint8",
        transform=from_origin(66, 30, 0.1, 0.1),
    ) as dst:
        dst.write(np.full((1, 40, 40), 200, dtype="uint8"))
    add_files(window, qtbot, districts_path)
    wait_rendered(window, qtbot)
    window.add_files([str(raster)])
    qtbot.waitUntil(lambda: window.canvas.unplaced == ("no_crs",), timeout=WAIT_MS)
    wait_rendered(window, qtbot)  # returns: the render of the other layers finished
    assert not window.canvas.is_rendering
    assert "'no_crs' not drawn: no coordinate reference system" in window.statusBar().currentMessage()
    assert window.last_error in (None, "")  # not an error dialog: the rest of the map is drawn


@pytest.mark.timeout(120)
def test_identify_and_selection_on_many_points_build_no_shapely_points(window, qtbot, tmp_path):
    """The first identify on a million points froze the window for seconds: the tree and the
    identify panel built every point as a shapely object. Both read the coordinate columns now."""
    import geopandas as gpd

    rng = np.random.default_rng(7)
    n = 50_000
    points = gpd.GeoDataFrame(
        {"site": [f"site {i}" for i in range(n)], "households": rng.integers(5, 500, n)},
        geometry=gpd.points_from_xy(rng.uniform(66, 74, n), rng.uniform(25, 35, n)),
        crs="EPSG:4326",
    )
    path = tmp_path / "sites.gpkg"
    points.to_file(path, driver="GPKG")
    (layer,) = add_files(window, qtbot, path)
    wait_rendered(window, qtbot)
    assert layer.point_columns is not None
    canvas = window.canvas
    x, y = layer.point_columns.xy[123]
    canvas.identify(canvas.to_screen(x, y).toPoint())
    canvas.select_at(canvas.to_screen(x, y).toPoint())
    wait_rendered(window, qtbot)  # with the selection drawn
    assert 123 in window.document.selection[layer.name]
    assert window.identify_panel.topLevelItem(0).text(0).startswith(f"{layer.name}: ")
    assert layer._frame is None  # neither the query, the panel nor the selection made the GeoDataFrame


@pytest.mark.parametrize("code", ["EPSG:3857", "EPSG:4326"])
def test_the_canvas_scale_is_the_print_scale_bars_at_30_north(window, code):
    """The status bar's 1:N and the printed scale bar agree: at 30°N a Web Mercator unit is 0.867 m."""
    from pyproj import CRS, Transformer

    from pakmap.layout.scalebar import scale_bar

    assert window.set_crs(code)
    crs = CRS.from_user_input(code)
    canvas = window.canvas
    canvas.center = Transformer.from_crs(4326, crs, always_xy=True).transform(70.0, 30.0)
    canvas.resolution = 250.0 if code == "EPSG:3857" else 250.0 / 96_486  # about 250 m of ground per pixel
    width_mm = canvas.width() / canvas.logicalDpiX() * 25.4
    bar = scale_bar(crs, canvas.extent(), width_mm, 40.0)
    printed = bar.metres / bar.length_mm * 1000  # the scale the printed bar shows for this view
    assert canvas.scale_denominator() == pytest.approx(printed, rel=2e-3)
    metres_per_pixel = canvas.scale_denominator() / 1000 * 25.4 / canvas.logicalDpiX()
    expected = 250 * 0.867 if code == "EPSG:3857" else 250.0
    assert metres_per_pixel == pytest.approx(expected, rel=3e-3)
    window._show_scale()
    assert window.scale.currentText() == f"1:{round(canvas.scale_denominator()):,}"
