"""The north arrow points to true north at the map's centre: pyproj's meridian convergence in a UTM map,
nothing in EPSG:4326 or Web Mercator; turned, it stays inside its box."""

from __future__ import annotations

import math

import numpy as np
import pytest
from pyproj import CRS, Proj, Transformer
from PySide6.QtCore import QRectF
from PySide6.QtGui import QImage, QPainter
from test_layout_helpers import real_project

from pakmap.layout.box import overlaps
from pakmap.layout.compose import compose_page
from pakmap.layout.northarrow import draw_north_arrow, true_north_rotation
from pakmap.layout.template import load_template
from pakmap.render.qt import ensure_gui_app

UTM42N = CRS.from_epsg(32642)  # central meridian 69°E; Pakistan reaches 61°E–78°E


def _extent_around(crs, lon, lat, half=50_000.0):
    x, y = Transformer.from_crs(4326, crs, always_xy=True).transform(lon, lat)
    return (x - half, y - half, x + half, y + half)


@pytest.mark.parametrize(
    "lon, lat", [(75.0, 35.0), (77.0, 35.5), (63.0, 27.0), (66.0, 25.0), (69.0, 30.0), (71.5, 34.0)]
)
def test_rotation_is_pyproj_meridian_convergence_in_utm_42n(lon, lat):
    rotation = true_north_rotation(UTM42N, _extent_around(UTM42N, lon, lat))
    convergence = Proj(UTM42N).get_factors(lon, lat).meridian_convergence
    # Convergence is the angle from true north to grid north; the arrow turns the other way.
    assert rotation == pytest.approx(-convergence, abs=0.01)
    if abs(lon - 69.0) >= 6:
        assert abs(rotation) > 2.5  # a few degrees at the edges of the zone
    if lon > 69:
        assert rotation < 0  # east of the central meridian true north leans left (anticlockwise)


@pytest.mark.parametrize(
    "epsg, extent", [(4326, (60.9, 23.6, 77.9, 37.1)), (3857, (6_780_000, 2_700_000, 8_670_000, 4_450_000))]
)
def test_no_rotation_in_geographic_and_web_mercator_maps(epsg, extent):
    assert true_north_rotation(CRS.from_epsg(epsg), extent) == pytest.approx(0.0, abs=1e-9)


def _ink(rotation: float, rect: QRectF, size=(400, 500)) -> tuple[np.ndarray, np.ndarray, object]:
    """The north arrow drawn at ``rotation`` in ``rect`` of a white 300-dpi image: ink pixel coordinates."""
    ensure_gui_app()
    image = QImage(*size, QImage.Format.Format_ARGB32)
    image.setDotsPerMeterX(round(300 / 0.0254))
    image.setDotsPerMeterY(round(300 / 0.0254))
    image.fill(0xFFFFFFFF)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    tip = draw_north_arrow(painter, load_template("a4_landscape").elements["north_arrow"], rect, "Lato", 300, rotation)
    painter.end()
    arr = np.frombuffer(image.constBits(), np.uint8).reshape(size[1], size[0], 4)[:, :, :3].astype(int)
    ys, xs = np.nonzero(arr.sum(axis=2) < 3 * 250)
    return xs + 0.5, ys + 0.5, tip


@pytest.mark.parametrize("rotation", [0.0, -3.45, 12.0, -35.0, 90.0])
def test_turned_arrow_points_its_way_and_stays_inside_its_box(rotation):
    spec = load_template("a4_landscape").elements["north_arrow"]
    w, h = spec.box.width * 300 / 25.4, spec.box.height * 300 / 25.4  # the template's 9 × 14 mm box
    rect = QRectF(100, 150, w, h)
    xs, ys, tip = _ink(rotation, rect)
    assert len(xs) > 200
    assert xs.min() >= rect.left() - 1 and xs.max() <= rect.right() + 1
    assert ys.min() >= rect.top() - 1 and ys.max() <= rect.bottom() + 1
    # The ink is the upright arrow's turned ``rotation`` clockwise about the box's centre: so is its
    # centre of mass (off the box's centre: the needle's left half is filled, its right half white).
    cx, cy = rect.center().x(), rect.center().y()
    xs0, ys0, _ = _ink(0.0, rect)
    upright_offset = math.degrees(math.atan2(xs0.mean() - cx, cy - ys0.mean()))
    turned_offset = math.degrees(math.atan2(xs.mean() - cx, cy - ys.mean()))
    assert math.hypot(xs0.mean() - cx, ys0.mean() - cy) > 5  # far enough off centre to tell the turn
    assert (turned_offset - upright_offset - rotation + 180) % 360 - 180 == pytest.approx(0, abs=1.5)
    # The tip is the end towards which the arrow points: from the box's centre, in that direction.
    assert math.degrees(math.atan2(tip.x() - cx, cy - tip.y())) == pytest.approx(rotation, abs=0.01)


@pytest.mark.realdata
def test_utm_page_turns_the_arrow_by_the_convergence_and_keeps_the_layout_checks(admin_gpkg):
    loaded = real_project(admin_gpkg)
    loaded.crs = UTM42N
    gilgit = tuple(loaded.layer("provinces").data.to_crs(UTM42N).query("name == 'Gilgit-Baltistan'").total_bounds)
    for extent in (None, gilgit):
        page = compose_page(loaded, extent=extent)
        x0, y0, x1, y1 = page.map_extent
        lon, lat = Transformer.from_crs(UTM42N, 4326, always_xy=True).transform((x0 + x1) / 2, (y0 + y1) / 2)
        assert page.north_rotation == pytest.approx(-Proj(UTM42N).get_factors(lon, lat).meridian_convergence, abs=0.01)
        printable = page.template.page.inset(page.template.margin)
        assert all(box.inside(printable) for box in page.boxes.values()) and overlaps(page.boxes) == []
    assert page.north_rotation < -3  # Gilgit-Baltistan lies 5°–8° east of the zone's central meridian
    assert compose_page(real_project(admin_gpkg)).north_rotation == pytest.approx(0.0, abs=1e-9)  # in EPSG:4326
