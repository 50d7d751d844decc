"""Leaflet styles from the project's styles: the same classes and colours as the print map.

Colours come from ``pakmap.render.styling.symbolize`` — the one computation the print renderer and
its legend use (classification through ``pakmap.classify``, ramps from ``pakmap.palettes``) — so a
district is the same blue on paper and on screen, and the legends list the same classes. Sizes in
styles are millimetres on the page; on screen they become CSS pixels at 96 dpi.

Point layers get the print map's markers (``pakmap.web.markers``), one symbol per class, up to
``MAX_MARKER_ICONS`` points. Each marker is an element of the page, and a browser slows down with
many (opening and zooming; measured in bench/README.md). A denser layer is drawn as circles of the marker's size, fill and
outline in its class colours — the file size is not the limit, the points' coordinates cost the
same either way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import shapely

from ..errors import StyleError
from ..layer import VectorLayer
from ..render.styling import symbolize
from ..render.vector import DOT_CASING_MM, geometry_kind
from ..style import DOT_PATTERN, ProportionalStyle
from .markers import MarkerSymbol
from .page import nodata_pattern_id

PX_PER_MM = 96 / 25.4
MAX_MARKER_ICONS = 2_000  # points of one layer drawn as marker icons; more: circles (see above)
_HEX = re.compile(r"^#(?:[0-9A-Fa-f]{3}|[0-9A-Fa-f]{6}|[0-9A-Fa-f]{8})$")


def px(mm: float) -> float:
    """Millimetres on the page as CSS pixels, rounded (sub-0.01 px digits only cost bytes)."""
    return round(float(mm) * PX_PER_MM, 2)


NO_COLOR = ("none", "transparent")
MIN_DOT_PX = 2.5  # dots narrower than this are lost on a screen (a 0.4 mm print line is 1.5 px)


def dash_array(line_style: str, weight: float) -> str | None:
    """Leaflet's ``dashArray`` (CSS px) for a line style at a line ``weight`` (px); None when solid.

    Dots are the print renderer's (``pakmap.style.DOT_PATTERN``): a dash of almost no length that
    Leaflet's round caps make a dot one line width across, then as much gap.
    """
    if line_style == "dash":
        return "6 4"
    if line_style == "dot":
        on, off = DOT_PATTERN
        w = max(float(weight), 1.0)
        return f"{round(on * w, 3):g} {round(off * w, 2):g}"
    return None


def css_color(color: str, where: str) -> str | None:
    """A style colour checked to be a hex colour (anything else could inject CSS or script);
    ``None`` for "none"/"transparent" (an outline-only or fill-only symbol)."""
    if isinstance(color, str) and color.lower() in NO_COLOR:
        return None
    if not isinstance(color, str) or not _HEX.match(color):
        raise StyleError(f"colour {color!r} in {where} is not a hex colour", fix="write colours as #RRGGBB")
    return color


@dataclass(frozen=True)
class WebStyle:
    """Per-feature Leaflet path options."""

    kind: str  # "polygon", "line", "point" or "proportional" (circles at representative points)
    styles: list[dict]  # one per drawn feature: Leaflet path options, or {"icon": divIcon options} for points
    drawn: np.ndarray  # positional indices of the layer's features that are drawn, in draw order
    anchors: np.ndarray | None = None  # proportional: the circle centres (points), one per drawn feature
    symbols: tuple[MarkerSymbol, ...] = ()  # point layers: the marker of each class that is drawn
    hatched: frozenset[str] = frozenset()  # polygons: the colours of the "no data" hatch they use
    # () for a point layer with more than MAX_MARKER_ICONS points, drawn as circles

    @property
    def point_circles(self) -> bool:
        """Points drawn as circles instead of their marker (a dense layer)."""
        return self.kind == "point" and not self.symbols


def layer_kind(layer: VectorLayer) -> str:
    """How the layer is drawn: points and lines only if all its geometries are; else polygons."""
    kinds = set(geometry_kind(layer.data.geometry.values)) - {""}
    return kinds.pop() if len(kinds) == 1 else "polygon"


def web_style(layer: VectorLayer, threshold: int | None) -> WebStyle:
    """Leaflet styles for every feature of ``layer`` under its current style."""
    sym = symbolize(layer, threshold)
    symbol = sym.symbol
    where = f"the style of layer '{layer.name}'"
    fills = [css_color(c.fill, where) for c in sym.classes]
    stroke = css_color(symbol.stroke, where)
    opacity = round(float(symbol.opacity) * float(layer.opacity), 3)
    fill_opacity = round(symbol.fill_alpha * float(layer.opacity), 3)  # the fill alone fades (Symbol.fill_opacity)
    geoms = layer.data.geometry.values
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    sizes_mm = sym.sizes_mm  # each feature's circle: proportional styles only
    if isinstance(layer.style, ProportionalStyle) and sizes_mm is not None:
        ok = present & np.isfinite(sizes_mm)
        drawn = np.flatnonzero(ok)
        drawn = drawn[np.argsort(-sizes_mm[drawn], kind="stable")]  # small circles on top
        anchors = shapely.point_on_surface(geoms[drawn])
        styles = [
            {
                "radius": px(sizes_mm[i] / 2),
                "fillColor": fills[0] or "#0072BC",
                "color": stroke or "#FFFFFF",
                "weight": px(symbol.stroke_width),
                "fillOpacity": fill_opacity,
                "opacity": opacity,
            }
            for i in drawn
        ]
        return WebStyle("proportional", styles, drawn, anchors)
    kind = layer_kind(layer)
    drawn = np.flatnonzero(present)
    class_of = sym.class_of
    if kind == "point" and int(shapely.get_num_geometries(geoms[drawn]).sum()) <= MAX_MARKER_ICONS:
        # One symbol and one icon per class, shared by its points (hashing is per class, not per point).
        symbols = {
            int(c): MarkerSymbol(
                symbol.marker, fills[c], stroke, px(symbol.stroke_width), px(symbol.size), opacity, symbol.fill_opacity
            )
            for c in np.unique(class_of[drawn])
        }
        icons = {c: {"icon": s.icon_options()} for c, s in symbols.items()}
        return WebStyle(kind, [icons[int(class_of[i])] for i in drawn], drawn, symbols=tuple(symbols.values()))
    if kind == "line":
        weight = px(max(symbol.stroke_width, 0.1))
        if symbol.line_style == "dot":
            weight = max(weight, MIN_DOT_PX)
        dashes = dash_array(symbol.line_style, weight)
        # A dotted line lies on a band of its stroke colour, as in print (pakmap.render.vector).
        casing = (
            {
                "casing": {
                    "color": stroke,
                    "weight": round(weight + px(DOT_CASING_MM), 2),
                    "opacity": opacity,
                    "lineCap": "butt",
                }
            }
            if symbol.line_style == "dot" and stroke is not None
            else {}
        )
        styles = [
            {
                "color": fills[class_of[i]],
                "weight": weight,
                "lineCap": "round",
                "opacity": opacity,
                **({"dashArray": dashes} if dashes else {}),
                **casing,
            }
            for i in drawn
        ]
    else:
        has_stroke = stroke is not None and symbol.stroke_width > 0
        dashes = dash_array(symbol.line_style, px(symbol.stroke_width))
        base = {
            "color": stroke or "#000000",
            "weight": px(symbol.stroke_width) if has_stroke else 0,
            "fillOpacity": fill_opacity,
            "opacity": opacity if has_stroke else 0,
            **({"dashArray": dashes} if dashes and has_stroke else {}),
        }
        if kind == "point":
            base["radius"] = px(symbol.size / 2)
        hatched = {c for c, cls in enumerate(sym.classes) if cls.nodata and fills[c] and kind == "polygon"}
        paint = [f"url(#{nodata_pattern_id(f)})" if f and c in hatched else f for c, f in enumerate(fills)]
        styles = [
            {
                **base,
                "fillColor": paint[class_of[i]] or "#000000",
                **({"fillOpacity": 0, "fill": False} if fills[class_of[i]] is None else {}),
            }
            for i in drawn
        ]
        used = {fills[c] for c in np.unique(class_of[drawn]) if c in hatched} if len(drawn) else set()
        return WebStyle(kind, styles, drawn, hatched=frozenset(used))
    return WebStyle(kind, styles, drawn)
