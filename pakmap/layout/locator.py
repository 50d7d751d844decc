"""The locator (inset) map: Pakistan's provinces in grey, the main map's extent as a red box.

The boundary layer is, in order: the template's ``[elements.locator] layer`` (a project layer) or
``path`` (a boundary file); the map's own admin-1 layer (named like provinces/adm1, or one feature
per value of an admin-1 field such as ``province`` or COD-AB's ``ADM1_EN``), else an admin-2 layer
dissolved by its admin-1 field. When that gives a single province (a map of Sindh's districts) or
nothing, the built-in outline of Pakistan's provinces (``styles/locator/pakistan_provinces.geojson``)
is used if the map is in Pakistan: an inset that only repeats the main map locates nothing. The
boundaries are simplified to the inset's resolution (a 4 cm inset needs no 90,000-vertex
coastline), which also keeps PDFs small.
"""

from __future__ import annotations

import functools
import hashlib
from collections import OrderedDict
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from PySide6.QtCore import QRectF
from PySide6.QtGui import QPainter, QPen

from ..crs import WGS84, transform_bounds
from ..errors import PakmapError, StyleError
from ..layer import VectorLayer
from ..mapview import MapView, fit_extent
from ..project.loaded import LoadedProject
from ..render import render_map
from ..render.qt import qcolor
from ..resources import style_file
from ..style import LabelStyle, SingleSymbolStyle, Symbol
from .template import ElementSpec, Template

PROVINCE_NAMES = ("provinces", "province", "adm1", "admin1", "pak_provinces")
# Fields naming a feature's province (admin level 1), compared case-blind, most telling first:
# OSM-style sets, OCHA COD-AB (ADM1_EN, ADM1_PCODE), geoBoundaries/HDX variants.
ADMIN1_FIELDS = (
    "province",
    "adm1_en",
    "adm1_name",
    "admin1name_en",
    "admin1name",
    "adm1name",
    "admin1",
    "province_name",
    "adm1_pcode",
    "admin1pcode",
)
BUILTIN_OUTLINE = "locator/pakistan_provinces.geojson"
# The countries around Pakistan (Natural Earth): an inset of the country alone does not say where it is.
NEIGHBOURS = "locator/neighbours.geojson"
NEIGHBOUR_FILL = "#F4F4F4"
NEIGHBOUR_BORDER = "#C8C8C8"
NEIGHBOUR_LABEL = "#8C8C8C"
COUNTRY_FILL = "#CFCFCF"  # the inset's own country, darker than its neighbours
INSET_MARGIN = 0.3  # of the country's size on each side: room for the neighbours' names
MIN_BOX_MM = 1.5  # the extent box never shrinks below this, so a district's box is still visible


def admin1_field(columns) -> str | None:
    """The column holding the province (admin-1 unit) of each feature, if any."""
    by_folded = {str(c).casefold(): str(c) for c in columns}
    return next((by_folded[f] for f in ADMIN1_FIELDS if f in by_folded), None)


def locator_boundaries(
    loaded: LoadedProject, spec: ElementSpec, template: Template, extent=None
) -> gpd.GeoDataFrame | None:
    """Province polygons for the inset, or None if there is nothing to draw it from.

    ``extent``: the main map's extent (map CRS), to tell whether the built-in outline of Pakistan
    locates it; by default the extent of the project's layers.
    """
    if spec.layer:
        layer = loaded.layer(spec.layer)
        if not isinstance(layer, VectorLayer):
            raise StyleError(
                f"locator layer '{spec.layer}' has no geometry",
                path=template.path,
                fix="name a boundary layer in [elements.locator] layer",
            )
        return layer.data
    if spec.path:
        return _read_boundaries(str(template.resolve(spec.path)))
    own = _own_provinces(loaded)
    if own is not None and len(own) > 1:
        return own
    builtin = _read_boundaries(str(style_file(BUILTIN_OUTLINE)))
    return builtin if _locates(loaded, builtin, extent) else own


def _own_provinces(loaded: LoadedProject) -> gpd.GeoDataFrame | None:
    vectors = [l for l in loaded.layers if isinstance(l, VectorLayer) and l.geometry_type == "Polygon"]
    for layer in vectors:
        if layer.name.lower() in PROVINCE_NAMES:
            return layer.data
    with_field = [(layer, field) for layer in vectors if (field := admin1_field(layer.data.columns)) is not None]
    for layer, field in with_field:
        values = layer.data[field]
        if len(values) > 1 and values.notna().all() and values.is_unique:
            return layer.data  # one feature per province: the admin-1 layer itself
    for layer, field in with_field:
        return _dissolved(layer, field)
    return None


def _locates(loaded: LoadedProject, outline: gpd.GeoDataFrame, extent) -> bool:
    """Whether the main map (its ``extent``) lies in the ``outline`` (lon/lat)."""
    try:
        bounds = extent if extent is not None else loaded.extent()
        lonlat = transform_bounds(tuple(bounds), loaded.crs, WGS84)
    except PakmapError:
        return False  # no extent to place (no drawable layer with a CRS): nothing to locate
    return bool(outline.geometry.intersects(shapely.box(*lonlat)).any())


@functools.lru_cache(maxsize=8)
def _read_boundaries(path: str) -> gpd.GeoDataFrame:
    if not Path(path).is_file():
        raise StyleError(
            "locator boundary file not found", path=path, fix="fix [elements.locator] path in the template"
        )
    return gpd.read_file(path)


INSET_GRID = 1 / 500  # of the layer's width: ~0.1 mm in a 5 cm inset, below the inset's 2-pixel simplification
# Provinces dissolved lately, by the content of the districts and their province names: each export
# gets its own protected copy of a layer (the same shapes in a new frame), an atlas one per page.
_DISSOLVED: OrderedDict[bytes, dict[str, shapely.Geometry]] = OrderedDict()
DISSOLVED_KEPT = 4


def _dissolved(layer: VectorLayer, field: str = "province") -> gpd.GeoDataFrame:
    """Districts dissolved to provinces (by ``field``) at the inset's precision.

    Snapping to a grid first (``set_precision``) keeps shared borders shared, makes the polygons
    valid and leaves a fifth of the vertices; districts that then meet vertex to vertex (a noded
    coverage) are merged by ``coverage_union_all``, which only drops their shared edges, the others
    by a full union.
    """
    frame = layer.data
    geometries = frame.geometry.values
    provinces = frame[field].astype(str).to_numpy()
    digest = hashlib.blake2b(digest_size=20)
    for wkb in shapely.to_wkb(np.asarray(geometries)):
        digest.update(wkb or b"\0")  # a missing geometry
    digest.update("\0".join(provinces).encode())
    key = digest.digest()
    merged = _DISSOLVED.get(key)
    if merged is None:
        xmin, _, xmax, _ = frame.total_bounds
        snapped = shapely.set_precision(np.asarray(geometries), (xmax - xmin) * INSET_GRID)
        merged = {name: _union(snapped[provinces == name]) for name in sorted(set(provinces))}
        _DISSOLVED[key] = merged
        while len(_DISSOLVED) > DISSOLVED_KEPT:
            _DISSOLVED.popitem(last=False)
    _DISSOLVED.move_to_end(key)
    return gpd.GeoDataFrame({field: list(merged)}, geometry=list(merged.values()), crs=frame.crs)


def _union(parts: np.ndarray) -> shapely.Geometry:
    try:
        return shapely.coverage_union_all(parts)
    except shapely.errors.GEOSException:  # "incorrectly noded": borders that meet off each other's vertices
        return shapely.union_all(parts)


def locator_layer(boundaries: gpd.GeoDataFrame, spec: ElementSpec, tolerance: float, crs) -> VectorLayer:
    """The inset's boundaries in the map CRS, simplified to ``tolerance`` map units, in the inset style."""
    data = boundaries if boundaries.crs is None or boundaries.crs == crs else boundaries.to_crs(crs)
    simplified = shapely.simplify(np.asarray(data.geometry.values), tolerance, preserve_topology=True)
    data = data.set_geometry(
        gpd.GeoSeries(_without_pinholes(simplified, (2 * tolerance) ** 2), index=data.index, crs=data.crs)
    )
    symbol = Symbol(fill=spec.fill or COUNTRY_FILL, stroke="#FFFFFF", stroke_width=0.15)
    return VectorLayer("locator", data, style=SingleSymbolStyle(symbol))


def _without_pinholes(geometries: np.ndarray, min_area: float) -> np.ndarray:
    """Polygons without the holes smaller than ``min_area``: at the inset's scale a sliver between
    two districts that the dissolve left open would be stroked as a white dot, not seen as a place."""
    out = geometries.copy()
    for i, geometry in enumerate(geometries):
        if geometry is None or shapely.get_num_interior_rings(shapely.get_parts(geometry)).sum() == 0:
            continue
        polygons = [
            shapely.Polygon(part.exterior, [ring for ring in part.interiors if shapely.Polygon(ring).area >= min_area])
            for part in shapely.get_parts(geometry)
            if isinstance(part, shapely.Polygon)
        ]
        out[i] = polygons[0] if len(polygons) == 1 else shapely.MultiPolygon(polygons)
    return out


def neighbours_layer(extent, crs, tolerance: float) -> VectorLayer | None:
    """The neighbouring countries inside the inset's ``extent`` (map CRS), named in small grey capitals;
    None where the built-in neighbours do not reach (a map outside the region)."""
    world = _read_boundaries(str(style_file(NEIGHBOURS)))
    try:
        lonlat = transform_bounds(tuple(extent), crs, WGS84)
    except PakmapError:
        return None
    near = world[world.geometry.intersects(shapely.box(*lonlat))]
    if near.empty:
        return None
    data = near if crs is None or near.crs == crs else near.to_crs(crs)
    data = data.assign(label=data["name"].str.upper())
    data = data.set_geometry(data.geometry.simplify(tolerance, preserve_topology=True))
    symbol = Symbol(fill=NEIGHBOUR_FILL, stroke=NEIGHBOUR_BORDER, stroke_width=0.1)
    labels = LabelStyle(field="label", size=4.5, color=NEIGHBOUR_LABEL, halo_width=0.0)
    return VectorLayer("neighbours", data, style=SingleSymbolStyle(symbol), labels=labels)


def extent_box(main_extent, data_extent) -> tuple[float, float, float, float]:
    """The box the inset outlines: the main map's extent where the map has data. A map frame wider
    than the country (a page's proportions) would otherwise outline more than the map shows."""
    if data_extent is None:
        return tuple(main_extent)
    shown = shapely.box(*main_extent).intersection(shapely.box(*data_extent))
    return tuple(shown.bounds) if not shown.is_empty else tuple(main_extent)


def draw_locator(
    painter: QPainter,
    loaded: LoadedProject,
    boundaries: gpd.GeoDataFrame,
    spec: ElementSpec,
    rect: QRectF,
    main_extent,
    dpi: float,
) -> None:
    """Render the inset into ``rect`` (device px) and outline ``main_extent`` (map CRS) on it."""
    bounds = transform_bounds(tuple(boundaries.total_bounds), boundaries.crs, loaded.crs)
    w, h = int(round(rect.width())), int(round(rect.height()))
    wide = fit_extent(bounds, w, h, margin=INSET_MARGIN)
    tolerance = (wide[2] - wide[0]) / w  # one device pixel
    neighbours = neighbours_layer(wide, loaded.crs, tolerance * max(dpi / 150.0, 1.0))
    # With neighbours, the country sits among them; alone, it fills the inset with room for the box.
    extent = wide if neighbours is not None else fit_extent(bounds, w, h, margin=0.1)
    tolerance = (extent[2] - extent[0]) / w
    layer = locator_layer(boundaries, spec, tolerance * max(dpi / 150.0, 1.0), loaded.crs)
    layers = (neighbours, layer) if neighbours is not None else (layer,)
    view = MapView(layers=layers, extent=extent, crs=loaded.crs, width=w, height=h, dpi=dpi, background=None)
    painter.save()
    painter.translate(rect.topLeft())
    painter.setClipRect(QRectF(0, 0, w, h))
    render_map(view, painter)
    try:
        data_extent = loaded.extent()
    except PakmapError:
        data_extent = None
    box = extent_box(main_extent, data_extent)
    # The main extent, in the inset's pixels (both views are in the map CRS: a plain rectangle).
    k = w / (extent[2] - extent[0])
    x0, x1 = (box[0] - extent[0]) * k, (box[2] - extent[0]) * k
    y0, y1 = (extent[3] - box[3]) * k, (extent[3] - box[1]) * k
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
