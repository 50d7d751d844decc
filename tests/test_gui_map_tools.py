"""The Map tools, driven with the mouse and keys on the real districts: exclusive tools, identify
that leaves the selection alone, select by click, rectangle and polygon with QGIS's modifiers,
previous/next view, and geodesic measurement at 30°N in degrees and in Web Mercator."""

from __future__ import annotations

import pytest
import shapely
from gui_helpers import add_files, wait_rendered
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QToolBar

from pakmap.measure import geodesic_area, geodesic_length

pytestmark = [pytest.mark.gui, pytest.mark.realdata]

SHIFT, CTRL = Qt.KeyboardModifier.ShiftModifier, Qt.KeyboardModifier.ControlModifier
LEFT = Qt.MouseButton.LeftButton
LAHORE = (74.40794, 31.45709)
CHAGAI = (63.44009, 28.88433)
ALONG_30N = 96_485.974  # metres from (70°E, 30°N) to (71°E, 30°N), GeographicLib (see test_measure.py)
CELL_AREA_KM2 = 10_642.456  # the 1° cell 30–31°N, 70–71°E


@pytest.fixture
def districts(window, qtbot, districts_path):
    (layer,) = add_files(window, qtbot, districts_path)
    wait_rendered(window, qtbot)
    window.identify_dock.show()  # the canvas keeps its size from here on
    qtbot.waitUntil(lambda: not window.canvas._timer.isActive())
    return layer


def names(window, layer) -> set[str]:
    return set(layer.data["name"].iloc[window.document.selected(layer.name)])


def screen(window, lon, lat) -> QPoint:
    return window.canvas.to_screen(lon, lat).toPoint()


def drag(qtbot, canvas, a: QPoint, b: QPoint, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.mousePress(canvas, LEFT, modifiers, a)
    qtbot.mouseMove(canvas, (a + b) / 2)
    qtbot.mouseMove(canvas, b)
    qtbot.mouseRelease(canvas, LEFT, modifiers, b)


def double_click(qtbot, canvas, p: QPoint) -> None:
    """What Qt sends for a real double-click: press, release, double-click, release."""
    qtbot.mouseClick(canvas, LEFT, pos=p)
    qtbot.mouseDClick(canvas, LEFT, pos=p)
    qtbot.mouseRelease(canvas, LEFT, pos=p)


def touching(layer, geometry) -> set[str]:
    """The districts a map-CRS (WGS 84) geometry touches, computed without the canvas."""
    return set(layer.data["name"][layer.data.geometry.intersects(geometry)])


def test_map_tools_are_exclusive_checkable_actions_in_a_menu_and_a_toolbar(window):
    a = window.actions_by_name
    tools = ["pan", "identify", "select", "select_polygon", "measure_line", "measure_area"]
    assert window.canvas.tool.name == "pan" and a["tool_pan"].isChecked()  # QGIS starts with Pan
    for name in tools:
        a[f"tool_{name}"].trigger()
        assert window.canvas.tool.name == name
        assert [n for n in tools if a[f"tool_{n}"].isChecked()] == [name]
    menu = next(m.menu() for m in window.menuBar().actions() if m.text() == "&Map tools")
    toolbar = window.findChild(QToolBar, "map_tools_toolbar")
    for target in (menu, toolbar):
        shown = target.actions()
        for key in [f"tool_{n}" for n in tools] + ["zoom_selection", "zoom_previous", "zoom_next"]:
            assert a[key] in shown, key
    assert all(not a[f"tool_{n}"].icon().isNull() for n in tools)


def test_identify_never_replaces_the_selection(window, qtbot, districts):
    canvas = window.canvas
    window.actions_by_name["tool_select"].trigger()
    qtbot.mouseClick(canvas, LEFT, pos=screen(window, *LAHORE))
    assert names(window, districts) == {"Lahore"}
    window.actions_by_name["tool_identify"].trigger()
    qtbot.mouseClick(canvas, LEFT, pos=screen(window, *CHAGAI))
    assert window.identify_panel.topLevelItem(0).text(0) == "pak_districts: Chagai"
    assert names(window, districts) == {"Lahore"}  # Chagai identified, Lahore still selected
    qtbot.mouseClick(canvas, LEFT, pos=QPoint(3, 3))  # nothing there: the panel empties, the selection stays
    assert names(window, districts) == {"Lahore"}


def test_select_by_click_with_shift_adding_and_ctrl_toggling(window, qtbot, districts):
    canvas = window.canvas
    window.actions_by_name["tool_select"].trigger()
    qtbot.mouseClick(canvas, LEFT, pos=screen(window, *LAHORE))
    assert names(window, districts) == {"Lahore"}
    qtbot.mouseClick(canvas, LEFT, SHIFT, screen(window, *CHAGAI))
    assert names(window, districts) == {"Lahore", "Chagai"}
    qtbot.mouseClick(canvas, LEFT, CTRL, screen(window, *LAHORE))
    assert names(window, districts) == {"Chagai"}
    qtbot.mouseClick(canvas, LEFT, CTRL, screen(window, *LAHORE))
    assert names(window, districts) == {"Chagai", "Lahore"}  # Ctrl-click toggles back
    qtbot.mouseClick(canvas, LEFT, pos=QPoint(3, 3))  # outside Pakistan: a plain click clears
    assert names(window, districts) == set()


def test_select_by_rectangle_adds_with_shift_and_removes_with_ctrl(window, qtbot, districts):
    canvas = window.canvas
    extent = canvas.extent()
    window.actions_by_name["tool_select"].trigger()
    a, b = screen(window, 73.5, 32.0), screen(window, 74.6, 31.0)  # around Lahore
    drag(qtbot, canvas, a, b)
    (x0, y1), (x1, y0) = canvas.to_map(a), canvas.to_map(b)
    first = touching(districts, shapely.box(x0, y0, x1, y1))
    assert "Lahore" in first and len(first) >= 4
    assert names(window, districts) == first

    c, d = screen(window, 66.8, 25.1), screen(window, 67.3, 24.8)  # around Karachi
    drag(qtbot, canvas, c, d, SHIFT)
    (x0, y1), (x1, y0) = canvas.to_map(c), canvas.to_map(d)
    second = touching(districts, shapely.box(x0, y0, x1, y1))
    assert second and not second & first
    assert names(window, districts) == first | second

    drag(qtbot, canvas, c, d, CTRL)
    assert names(window, districts) == first
    assert canvas.extent() == extent  # the select tool's drag never pans or zooms


def test_select_by_polygon_closes_on_double_click_or_enter(window, qtbot, districts):
    canvas = window.canvas
    window.actions_by_name["tool_select_polygon"].trigger()
    corners = [(73.6, 31.9), (74.7, 31.9), (74.2, 31.0)]  # a triangle over Lahore and its neighbours
    points = [screen(window, *c) for c in corners]
    for p in points[:-1]:
        qtbot.mouseClick(canvas, LEFT, pos=p)
    assert names(window, districts) == set()  # still drawing
    double_click(qtbot, canvas, points[-1])
    polygon = shapely.Polygon([canvas.to_map(p) for p in points])
    expected = touching(districts, polygon)
    assert "Lahore" in expected and expected != touching(districts, shapely.box(*polygon.bounds))
    assert names(window, districts) == expected

    # Shift held: the next polygon (closed with Enter) adds Karachi's districts.
    karachi = [screen(window, *c) for c in ((66.8, 25.1), (67.3, 25.1), (67.1, 24.8))]
    for p in karachi:
        qtbot.mouseClick(canvas, LEFT, SHIFT, p)
    qtbot.keyClick(canvas, Qt.Key.Key_Return)
    more = touching(districts, shapely.Polygon([canvas.to_map(p) for p in karachi]))
    assert more and names(window, districts) == expected | more


def test_previous_and_next_view(window, qtbot, districts):
    canvas = window.canvas
    a = window.actions_by_name
    full = canvas.extent()
    assert not a["zoom_previous"].isEnabled()
    canvas.set_extent((73.5, 30.5, 75.5, 32.5))  # Lahore
    wait_rendered(window, qtbot)
    lahore = canvas.extent()
    drag(qtbot, canvas, QPoint(400, 300), QPoint(300, 300))  # a pan to the east
    wait_rendered(window, qtbot)
    panned = canvas.extent()
    assert panned[0] > lahore[0]
    a["zoom_previous"].trigger()
    assert canvas.extent() == pytest.approx(lahore)
    a["zoom_previous"].trigger()
    assert canvas.extent() == pytest.approx(full)
    assert not a["zoom_previous"].isEnabled() and a["zoom_next"].isEnabled()
    a["zoom_next"].trigger()
    a["zoom_next"].trigger()
    assert canvas.extent() == pytest.approx(panned)
    assert not a["zoom_next"].isEnabled()
    wait_rendered(window, qtbot)  # going back and forth adds no views of its own
    a["zoom_previous"].trigger()
    assert canvas.extent() == pytest.approx(lahore)
    canvas.zoom_by(0.5)  # a new view from here ends the "next" branch
    wait_rendered(window, qtbot)
    assert not a["zoom_next"].isEnabled()
    a["zoom_previous"].trigger()
    assert canvas.extent() == pytest.approx(lahore)
    canvas.zoom_by(0.5, QPoint(200, 200))  # a wheel step: "previous" before it settles comes back here
    assert canvas._timer.isActive()
    wheeled = canvas.extent()
    a["zoom_previous"].trigger()
    assert canvas.extent() == pytest.approx(lahore)
    a["zoom_next"].trigger()
    assert canvas.extent() == pytest.approx(wheeled)
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)  # the shortcut, not a pan
    assert canvas.extent() == pytest.approx(lahore)


@pytest.mark.parametrize("crs", ["EPSG:4326", "EPSG:3857"])
def test_measure_line_and_area_at_30n_show_the_geodesic_totals(window, qtbot, districts, crs):
    from pyproj import Transformer

    canvas = window.canvas
    assert window.set_crs(crs)
    to_map = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    (x0, y0), (x1, y1) = to_map.transform(69.9, 29.9), to_map.transform(71.1, 31.1)
    canvas.set_extent((x0, y0, x1, y1))  # a pixel is about 150 m here
    wait_rendered(window, qtbot)

    def click(lon, lat, modifiers=Qt.KeyboardModifier.NoModifier):
        qtbot.mouseClick(canvas, LEFT, modifiers, canvas.to_screen(*to_map.transform(lon, lat)).toPoint())

    window.actions_by_name["tool_measure_line"].trigger()
    click(70, 30)
    qtbot.mouseMove(canvas, canvas.to_screen(*to_map.transform(71, 30)).toPoint())
    readout = canvas.findChild(type(canvas.tool.readout), "measure_readout")
    assert readout.isVisible()
    assert float(readout.text().removesuffix(" km")) * 1000 == pytest.approx(ALONG_30N, abs=400)  # while moving
    click(71, 30)
    qtbot.keyClick(canvas, Qt.Key.Key_Return)
    clicked = canvas.tool.vertices
    assert len(clicked) == 2
    assert readout.text() == f"{geodesic_length(crs, clicked) / 1000:,.3f} km"
    assert float(readout.text().removesuffix(" km")) * 1000 == pytest.approx(ALONG_30N, abs=400)
    qtbot.keyClick(canvas, Qt.Key.Key_Escape)
    assert not readout.isVisible()

    window.actions_by_name["tool_measure_area"].trigger()
    assert not readout.isVisible()
    for lon, lat in ((70, 30), (71, 30), (71, 31)):
        click(lon, lat)
    double_click(qtbot, canvas, canvas.to_screen(*to_map.transform(70, 31)).toPoint())
    readout = canvas.findChild(type(canvas.tool.readout), "measure_readout")
    ring = canvas.tool.vertices
    assert len(ring) == 4 and canvas.tool.finished
    area_text, perimeter_text = readout.text().split(" · perimeter ")
    assert area_text == f"{geodesic_area(crs, ring) / 1e6:,.3f} km²"
    km2 = float(area_text.removesuffix(" km²").replace(",", ""))
    assert km2 == pytest.approx(CELL_AREA_KM2, rel=0.01)  # 1 % ≈ a pixel on each side
    assert float(perimeter_text.removesuffix(" km")) == pytest.approx(413.712, abs=2)


def test_polygon_drawing_keys_and_a_self_crossing_polygon(window, qtbot, districts):
    canvas = window.canvas
    window.actions_by_name["tool_select_polygon"].trigger()
    for corner in ((73.6, 31.9), (74.7, 31.9), (74.2, 31.0)):
        qtbot.mouseClick(canvas, LEFT, pos=screen(window, *corner))
    qtbot.keyClick(canvas, Qt.Key.Key_Escape)  # Esc drops the polygon being drawn: nothing selected
    qtbot.keyClick(canvas, Qt.Key.Key_Return)
    assert canvas.tool.vertices == [] and names(window, districts) == set()

    # A bow tie (its edges cross), with a stray vertex taken back with Backspace.
    bow_tie = [screen(window, *c) for c in ((73.6, 31.9), (74.7, 31.0), (74.7, 31.9), (73.6, 31.0))]
    for p in bow_tie:
        qtbot.mouseClick(canvas, LEFT, pos=p)
    qtbot.mouseClick(canvas, LEFT, pos=screen(window, 70.0, 27.0))
    qtbot.keyClick(canvas, Qt.Key.Key_Backspace)
    qtbot.keyClick(canvas, Qt.Key.Key_Return)
    drawn = shapely.make_valid(shapely.Polygon([canvas.to_map(p) for p in bow_tie]))
    expected = touching(districts, drawn)
    assert "Lahore" in expected
    assert names(window, districts) == expected


def test_measure_rubber_band_in_degrees_is_drawn_along_the_geodesic(window, qtbot, districts):
    canvas = window.canvas
    assert window.set_crs("EPSG:4326")
    canvas.set_extent((61.0, 32.0, 77.0, 38.0))
    wait_rendered(window, qtbot)
    window.actions_by_name["tool_measure_line"].trigger()
    for lon in (62, 76):
        qtbot.mouseClick(canvas, LEFT, Qt.KeyboardModifier.NoModifier, canvas.to_screen(lon, 35).toPoint())
    qtbot.keyClick(canvas, Qt.Key.Key_Return)
    image = canvas.grab().toImage()

    def red_near(lon, lat) -> bool:
        p = canvas.to_screen(lon, lat).toPoint()
        for dy in range(-1, 2):
            c = image.pixelColor(p.x(), p.y() + dy)
            if c.red() > 180 and c.green() < 90 and c.blue() < 110:
                return True
        return False

    # Halfway, the geodesic from 62°E to 76°E along 35°N runs 0.2° north of the parallel (about a
    # dozen pixels here): the band is drawn there, not along the straight line in degrees.
    assert red_near(69, 35.2026)
    assert not red_near(69, 35.0)
