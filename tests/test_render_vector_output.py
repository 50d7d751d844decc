"""Vector output: SVG holds real paths and text; a dense point layer keeps a PDF small."""

from __future__ import annotations

import re

import geopandas as gpd
import numpy as np
from pyproj import CRS
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QSizeF
from PySide6.QtGui import QPageSize, QPainter, QPdfWriter
from render_helpers import svg_of
from shapely.geometry import box

from pakmap.layer import VectorLayer
from pakmap.render import MapView, render_map
from pakmap.render.qt import ensure_gui_app
from pakmap.style import GraduatedStyle, LabelStyle, SingleSymbolStyle, Symbol

CRS_M = CRS.from_epsg(3857)


def test_svg_contains_class_coloured_paths_and_label_text():
    boxes = [box(0, 0, 50, 100), box(50, 0, 100, 100)]
    lyr = VectorLayer(
        "d",
        gpd.GeoDataFrame({"v": [1.0, 10.0], "name": ["Alpha", "Bravo"]}, geometry=boxes, crs=CRS_M),
        style=GraduatedStyle(field="v", method="manual", breaks=[5, 10], palette="unhcr_blue"),
        labels=LabelStyle(field="name", size=10),
    )
    svg = svg_of(MapView((lyr,), (0, 0, 100, 100), CRS_M, 300, 300, dpi=96))
    assert "<path" in svg
    fills = {f.upper() for f in re.findall(r'fill="(#[0-9a-fA-F]{6})"', svg)}
    assert {"#CDE3F1", "#0B3754"} <= fills
    assert ">Alpha<" in svg and ">Bravo<" in svg
    assert "Lato" in svg


def _pdf_bytes(view) -> bytes:
    ensure_gui_app()
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buf)
    writer.setResolution(int(view.dpi))
    writer.setPageSize(
        QPageSize(QSizeF(view.width / view.dpi * 25.4, view.height / view.dpi * 25.4), QPageSize.Unit.Millimeter)
    )
    writer.setPageMargins(QMarginsF(0, 0, 0, 0))
    p = QPainter(writer)
    render_map(view, p)
    p.end()
    buf.close()
    return bytes(data)


def test_dense_points_in_pdf_become_one_image_and_few_points_stay_vectors():
    rng = np.random.default_rng(0)
    xy = rng.uniform(0, 100, (60_000, 2))
    dense = VectorLayer(
        "p",
        gpd.GeoDataFrame(geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs=CRS_M),
        style=SingleSymbolStyle(Symbol(size=0.6, stroke_width=0)),
    )
    view = MapView((dense,), (0, 0, 100, 100), CRS_M, 600, 600, dpi=150)
    pdf = _pdf_bytes(view)
    assert b"/Subtype /Image" in pdf
    assert len(pdf) < 1_500_000  # 60,000 vector circles would be several MB

    few = VectorLayer("p", dense.data.iloc[:50], style=dense.style)
    pdf = _pdf_bytes(MapView((few,), (0, 0, 100, 100), CRS_M, 600, 600, dpi=150))
    assert b"/Subtype /Image" not in pdf
