"""Fills under an opaque outline are painted without antialiasing (fast) and look the same."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
from pyproj import CRS
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPen
from shapely.geometry import Polygon

from pakmap.layer import VectorLayer
from pakmap.render import MapView, vector
from pakmap.render.offscreen import render_image
from pakmap.style import GraduatedStyle, Symbol

CRS_M = CRS.from_epsg(3857)


def _districts(stroke_width: float) -> VectorLayer:
    """Two neighbours with slanted, shared borders (aliasing shows on slants), white outlines."""
    a = Polygon([(5, 5), (52, 8), (47, 95), (8, 90)])
    b = Polygon([(52, 8), (93, 12), (90, 88), (47, 95)])
    style = GraduatedStyle(
        field="v",
        method="manual",
        breaks=[10],
        palette="unhcr_blue",
        symbol=Symbol(stroke="#FFFFFF", stroke_width=stroke_width),
    )
    return VectorLayer("d", gpd.GeoDataFrame({"v": [5.0, 50.0]}, geometry=[a, b], crs=CRS_M), style=style)


def _pixels(layer, monkeypatch, aliased_fills: bool) -> np.ndarray:
    monkeypatch.setattr(vector, "_covers_edges", lambda pen, painter: aliased_fills)
    image, _ = render_image(MapView((layer,), (0, 0, 100, 100), CRS_M, 400, 400, dpi=300))
    return np.frombuffer(image.constBits(), np.uint8).reshape(400, -1)[:, :1600].astype(int)


def test_aliased_fills_under_an_outline_match_antialiased_ones(monkeypatch):
    layer = _districts(stroke_width=0.2)  # 2.4 device pixels at 300 dpi
    fast = _pixels(layer, monkeypatch, aliased_fills=True)
    exact = _pixels(layer, monkeypatch, aliased_fills=False)
    diff = np.abs(fast - exact)
    assert diff.max() <= 8 and (diff > 0).mean() < 0.002  # a few fringe pixels, by a few levels


def test_which_outlines_cover_the_fill_edges():
    image = QImage(10, 10, QImage.Format.Format_RGB32)
    painter = QPainter(image)
    try:
        solid = QPen(QColor("#FFFFFF"), 1.2)
        assert vector._covers_edges(solid, painter)
        assert not vector._covers_edges(QPen(QColor("#FFFFFF"), 0.6), painter)  # thinner than a pixel
        assert not vector._covers_edges(QPen(QColor(255, 255, 255, 128), 2.0), painter)  # translucent
        dashed = QPen(solid)
        dashed.setStyle(Qt.PenStyle.DashLine)
        assert not vector._covers_edges(dashed, painter)
        assert not vector._covers_edges(QPen(Qt.PenStyle.NoPen), painter)
        painter.setOpacity(0.5)  # a translucent layer
        assert not vector._covers_edges(solid, painter)
    finally:
        painter.end()
