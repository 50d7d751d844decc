"""Legend entries of a layer, from the same classes the map is drawn with (``styling.symbolize``)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..layer import RasterLayer, VectorLayer
from ..numbers import format_number
from ..style import ProportionalStyle
from .styling import circle_diameters, symbolize
from .vector import geometry_kind


def pretty_name(name: str) -> str:
    """``population_2023`` → ``Population 2023`` (names the officer typed with capitals are kept)."""
    text = str(name).replace("_", " ").strip()
    return text[:1].upper() + text[1:] if text == text.lower() else text


def legend_title(layer) -> str:
    """A layer's heading in the print and web legends: the mapped field (``Population 2023``), or ""
    for a single-symbol layer, whose one row names the layer (``single_label``)."""
    field = getattr(layer.style, "field", "")
    return pretty_name(field) if field else ""


def single_label(layer) -> str:
    """The row naming a single-symbol layer (and the heading of a raster): ``Line of control``."""
    return pretty_name(layer.name)


@dataclass(frozen=True)
class LegendItem:
    """One legend row: a swatch and its label.

    ``kind``: ``fill`` (polygon swatch), ``line``, ``marker`` (``marker`` names the symbol) or
    ``circle`` (proportional: ``size_mm`` is the true diameter on the page). ``color`` fills the
    swatch, ``stroke``/``stroke_width`` (mm) outline it; ``opacity`` applies to the fill (the symbol's
    opacity times its fill opacity; a line's own opacity).
    """

    label: str
    kind: str
    color: str
    stroke: str | None = None
    stroke_width: float = 0.0
    size_mm: float = 0.0
    marker: str | None = None
    opacity: float = 1.0
    nodata: bool = False
    line_style: str = "solid"  # lines and outlines: solid, dash or dot


def _layer_kind(layer: VectorLayer) -> str:
    if layer.point_columns is not None:  # plain points: no shapely objects needed to know
        return "point"
    kinds = {k for k in geometry_kind(layer.data.geometry.values) if k}
    for k in ("polygon", "line", "point"):  # mixed layers: show the most area-like swatch
        if k in kinds:
            return k
    return "polygon"


def legend_items(layer, threshold: int | None = None) -> list[LegendItem]:
    """The legend rows of ``layer`` (rasters: the ramp's end values are left to the legend drawer).

    Graduated: one row per class (``Classes.labels()``: a count field's small values are one "<5"
    row) plus "No data" when values are missing; categorized: one per value; proportional: two or
    three round-number circles, largest first, and the one "<5" circle of a count field's small
    values; single symbol: one row named after the layer.
    """
    if isinstance(layer, RasterLayer) or not isinstance(layer, VectorLayer):
        return []
    sym = symbolize(layer, threshold)
    s = sym.symbol
    if isinstance(layer.style, ProportionalStyle):
        values = list(sym.legend_values) + ([float(sym.below)] if sym.below is not None else [])
        texts = [format_number(v) for v in sym.legend_values] + ([f"<{sym.below}"] if sym.below is not None else [])
        max_size, max_value = sym.circle_scale
        sizes = circle_diameters(np.array(values, dtype=float), max_value, max_size)
        return [
            LegendItem(text, "circle", s.fill, s.stroke, s.stroke_width, float(d), None, s.fill_alpha)
            for text, d in zip(texts, sizes)
        ]
    geom = _layer_kind(layer)
    items = []
    for c in sym.classes:
        if geom == "line":
            items.append(
                LegendItem(
                    c.label,
                    "line",
                    c.fill,
                    None,
                    max(s.stroke_width, 0.1),
                    0.0,
                    None,
                    s.opacity,
                    c.nodata,
                    s.line_style,
                )
            )
        elif geom == "point":
            items.append(
                LegendItem(
                    c.label, "marker", c.fill, s.stroke, s.stroke_width, s.size, s.marker, s.fill_alpha, c.nodata
                )
            )
        else:
            items.append(
                LegendItem(
                    c.label, "fill", c.fill, s.stroke, s.stroke_width, 0.0, None, s.fill_alpha, c.nodata, s.line_style
                )
            )
    return items
