"""The locator (inset) map: Pakistan's provinces in grey, the main map's extent as a red box.

The boundary layer is, in order: the template's ``[elements.locator] layer`` (a project layer) or
``path`` (a boundary file), a project layer named like provinces/adm1, else a layer with a
``province`` field dissolved by it. It is simplified to the inset's resolution (a 4 cm inset needs
no 90,000-vertex coastline), which also keeps PDFs small.
"""

from __future__ import annotations

import functools
from pathlib import Path

import geopandas as gpd
import shapely
from PySide6.QtCore import QRectF
from PySide6.QtGui import QPainter, QPen

from ..errors import StyleError
from ..layer import VectorLayer
from ..crs import transform_bounds
from ..project.loaded import LoadedProject
from ..render.mapview import MapView, fit_extent
from ..render.qt import qcolor
from ..style import SingleSymbolStyle, Symbol
from .template import ElementSpec, Template

PROVINCE_NAMES = ("provinces", "province", "adm1", "admin1", "pak_provinces")
MIN_BOX_MM = 1.5  # the extent box never shrinks below this, so a district's box is still visible


def locator_boundaries(loaded: LoadedProject, spec: ElementSpec, template: Template) -> gpd.GeoDataFrame | None:
    """Province polygons for the inset, or None if the project has nothing to draw it from."""
    if spec.layer:
        layer = loaded.layer(spec.layer)
        if not isinstance(layer, VectorLayer):
            raise StyleError(f"locator layer '{spec.layer}' has no geometry", path=template.path,
                             fix="name a boundary layer in [elements.locator] layer")
        return layer.data
    if spec.path:
        return _read_boundaries(str(template.resolve(spec.path)))
    vectors = [l for l in loaded.layers if isinstance(l, VectorLayer) and l.geometry_type == "Polygon"]
    for layer in vectors:
        if layer.name.lower() in PROVINCE_NAMES:
            return layer.data
    for layer in vectors:
        if "province" in layer.data.columns:
            return _dissolved(layer)
    return None


@functools.lru_cache(maxsize=8)
def _read_boundaries(path: str) -> gpd.GeoDataFrame:
    if not Path(path).is_file():
        raise StyleError("locator boundary file not found", path=path, fix="fix [elements.locator] path in the template")
    return gpd.read_file(path)


_DISSOLVED: dict[int, tuple[object, gpd.GeoDataFrame]] = {}
INSET_GRID = 1 / 1000  # of the layer's width: ~0.05 mm in a 5 cm inset, far below what the eye sees


def _dissolved(layer: VectorLayer) -> gpd.GeoDataFrame:
    """Districts dissolved to provinces at the inset's precision, cached per data frame (an atlas
    draws it once per page).

    Snapping to a grid first (``set_precision``) keeps shared borders shared, makes the polygons
    valid and leaves a sixth of the vertices: the union is then several times faster.
    """
    key = id(layer.data)
    cached = _DISSOLVED.get(key)
    if cached is None or cached[0] is not layer.data:
        xmin, _, xmax, _ = layer.data.total_bounds
        snapped = shapely.set_precision(layer.data.geometry.values, (xmax - xmin) * INSET_GRID)
        provinces = layer.data["province"].astype(str).to_numpy()
        names = sorted(set(provinces))
        merged = []
        for name in names:
            parts = snapped[provinces == name]
            merged.append(shapely.union_all(parts))
        cached = (layer.data, gpd.GeoDataFrame({"province": names}, geometry=merged, crs=layer.data.crs))
        _DISSOLVED[key] = cached
    return cached[1]


def locator_layer(boundaries: gpd.GeoDataFrame, spec: ElementSpec, tolerance: float, crs) -> VectorLayer:
    """The inset's boundaries in the map CRS, simplified to ``tolerance`` map units, in the inset style."""
    data = boundaries if boundaries.crs is None or boundaries.crs == crs else boundaries.to_crs(crs)
    data = data.set_geometry(data.geometry.simplify(tolerance, preserve_topology=True))
    symbol = Symbol(fill=spec.fill or "#E6E6E6", stroke="#FFFFFF", stroke_width=0.15)
    return VectorLayer("locator", data, style=SingleSymbolStyle(symbol))


def draw_locator(painter: QPainter, loaded: LoadedProject, boundaries: gpd.GeoDataFrame, spec: ElementSpec,
                 rect: QRectF, main_extent, dpi: float) -> None:
    """Render the inset into ``rect`` (device px) and outline ``main_extent`` (map CRS) on it."""
    from ..render import render_map

    bounds = transform_bounds(tuple(boundaries.total_bounds), boundaries.crs, loaded.crs)
    w, h = int(round(rect.width())), int(round(rect.height()))
    extent = fit_extent(bounds, w, h, margin=0.1)  # room around the country: the extent box stays visible
    tolerance = (extent[2] - extent[0]) / w  # one device pixel
    layer = locator_layer(boundaries, spec, tolerance * max(dpi / 150.0, 1.0), loaded.crs)
    view = MapView(layers=(layer,), extent=extent, crs=loaded.crs, width=w, height=h, dpi=dpi, background=None)
    painter.save()
    painter.translate(rect.topLeft())
    painter.setClipRect(QRectF(0, 0, w, h))
    render_map(view, painter)
    # The main extent, in the inset's pixels (both views are in the map CRS: a plain rectangle).
    k = w / (extent[2] - extent[0])
    x0, x1 = (main_extent[0] - extent[0]) * k, (main_extent[2] - extent[0]) * k
    y0, y1 = (extent[3] - main_extent[3]) * k, (extent[3] - main_extent[1]) * k
    px = dpi / 25.4
    min_px = MIN_BOX_MM * px
    if x1 - x0 < min_px:
        x0, x1 = (x0 + x1 - min_px) / 2, (x0 + x1 + min_px) / 2
    if y1 - y0 < min_px:
        y0, y1 = (y0 + y1 - min_px) / 2, (y0 + y1 + min_px) / 2
    painter.setPen(QPen(qcolor(spec.stroke or "#EF4A60"), 0.4 * px))
    painter.setBrush(qcolor("#000000", 0.0))
    painter.drawRect(QRectF(x0, y0, x1 - x0, y1 - y0))
    painter.setClipping(False)
    painter.setPen(QPen(qcolor(spec.color), 0.15 * px))
    painter.drawRect(QRectF(0, 0, w, h))
    painter.restore()
