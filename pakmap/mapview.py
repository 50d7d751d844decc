"""The map view: everything one drawing of a map needs, as an immutable value.

QGIS's design (``QgsMapSettings`` + map renderer jobs): the canvas, the PNG/PDF/SVG exports and the
map frame of a page layout all build a ``MapView`` and hand it to one function,
``pakmap.render.render_map(view, painter)``, which paints into whatever QPainter it is given.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from pyproj import CRS

from .layer import Layer

MM_PER_INCH = 25.4


@dataclass(frozen=True)
class MapView:
    layers: tuple[Layer, ...]  # draw order: first is drawn first (bottom)
    extent: tuple[float, float, float, float]  # xmin, ymin, xmax, ymax in ``crs`` units
    crs: CRS
    width: int  # target size in device pixels (the painter's coordinate system, origin top-left)
    height: int
    dpi: float = 96.0  # device pixels per inch: converts mm/pt style sizes
    background: str | None = "#FFFFFF"  # None: transparent
    count_threshold: int | None = None  # small-count suppression for numeric labels ("<5")

    def mm(self, millimetres: float) -> float:
        """A page length in millimetres as device pixels."""
        return millimetres * self.dpi / MM_PER_INCH

    def pt(self, points: float) -> float:
        """A font size in points as device pixels."""
        return points * self.dpi / 72.0

    @property
    def scale_x(self) -> float:
        """Device pixels per map unit (the same in y: extents are fitted to the aspect ratio)."""
        return self.width / (self.extent[2] - self.extent[0])

    def fitted(self) -> "MapView":
        """The same view with the extent grown (never shrunk) to the target's aspect ratio."""
        return replace(self, extent=fit_extent(self.extent, self.width, self.height))


def fit_extent(extent, width: float, height: float, margin: float = 0.0):
    """Grow ``extent`` around its centre to the aspect ratio width:height, plus a relative margin."""
    xmin, ymin, xmax, ymax = extent
    w = max(xmax - xmin, 1e-9) * (1 + 2 * margin)
    h = max(ymax - ymin, 1e-9) * (1 + 2 * margin)
    cx, cy = (xmin + xmax) / 2, (ymin + ymax) / 2
    target = width / height
    if w / h < target:
        w = h * target
    else:
        h = w / target
    return (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
