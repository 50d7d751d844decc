"""The main map frame: which extent it shows, and drawing it with the renderer inside its box.

The frame is painted by ``pakmap.render.render_map`` — the same code path as the canvas and the
plain PNG export — after translating and clipping the painter to the frame's box at the device's dpi.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF
from PySide6.QtGui import QPainter, QPen

from ..map_scale import extent_for_scale
from ..mapview import MapView
from ..project.loaded import LoadedProject
from ..render import render_map
from ..render.context import RenderContext
from ..render.qt import qcolor
from .box import Box

_PRECISION = 100  # the fitted extent is computed on a 1/100 mm grid: independent of the output dpi


def requested_extent(loaded: LoadedProject, frame: Box, extent=None) -> tuple[float, float, float, float]:
    """The extent asked for (a layer, a feature, bounds; or a fixed scale around its centre), unfitted."""
    extent = tuple(extent) if extent is not None else loaded.extent()
    scale = loaded.project.layout.extent.scale
    if not scale:
        return extent
    centre = ((extent[0] + extent[2]) / 2, (extent[1] + extent[3]) / 2)
    exact = extent_for_scale(loaded.crs, centre, scale, frame.width, frame.height)
    # map_view pads by the project's margin: ask for less so the padded extent is the exact scale.
    shrink = 1 + 2 * loaded.project.layout.extent.margin
    half_w, half_h = (exact[2] - exact[0]) / 2 / shrink, (exact[3] - exact[1]) / 2 / shrink
    return (centre[0] - half_w, centre[1] - half_h, centre[0] + half_w, centre[1] + half_h)


def frame_view(loaded: LoadedProject, frame: Box, extent, dpi: float | None = None, overlay: tuple = ()) -> MapView:
    """The frame's MapView at ``dpi`` (None: a dpi-independent fine grid, for layout decisions);
    ``overlay`` layers are drawn over the project's (an atlas page's outlined feature)."""
    if dpi is None:
        w, h, dpi_used = frame.width * _PRECISION, frame.height * _PRECISION, 96.0
    else:
        w, h, dpi_used = frame.to_px(dpi)[2], frame.to_px(dpi)[3], dpi
    layers = loaded.drawable + tuple(overlay) if overlay else None
    return loaded.map_view(max(int(round(w)), 1), max(int(round(h)), 1), dpi_used, extent=extent, layers=layers)


def draw_map_frame(
    painter: QPainter,
    loaded: LoadedProject,
    frame: Box,
    extent,
    dpi: float,
    stroke: str | None,
    overlay: tuple = (),
    context: RenderContext | None = None,
) -> MapView:
    """Render the project's layers (and ``overlay``) into ``frame`` with ``context`` and outline it;
    returns the view drawn."""
    view = frame_view(loaded, frame, extent, dpi, overlay)
    x, y, _, _ = frame.to_px(dpi)
    painter.save()
    try:  # restored on errors too (a label expression's unknown field): Qt warns about unended saves
        painter.translate(x, y)
        painter.setClipRect(QRectF(0, 0, view.width, view.height))
        render_map(view, painter, context)
        painter.setClipping(False)
        if stroke:
            painter.setPen(QPen(qcolor(stroke), 0.25 * dpi / 25.4))
            painter.setBrush(qcolor("#000000", 0.0))
            painter.drawRect(QRectF(0, 0, view.width, view.height))
    finally:
        painter.restore()
    return view
