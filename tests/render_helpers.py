"""Helpers for renderer tests: a map view rendered to SVG text."""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QIODevice, QRect, QSize
from PySide6.QtGui import QPainter
from PySide6.QtSvg import QSvgGenerator

from pakmap.render import render_map
from pakmap.render.qt import ensure_gui_app


def svg_of(view) -> str:
    """``view`` painted by ``render_map`` into a QSvgGenerator, as the SVG document's text."""
    ensure_gui_app()
    buf = QBuffer()
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    gen = QSvgGenerator()
    gen.setOutputDevice(buf)
    gen.setSize(QSize(view.width, view.height))
    gen.setViewBox(QRect(0, 0, view.width, view.height))
    painter = QPainter(gen)
    render_map(view, painter)
    painter.end()
    return bytes(buf.data()).decode("utf-8")
