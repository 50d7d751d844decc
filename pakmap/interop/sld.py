"""A layer's style as OGC SLD 1.1 with Symbology Encoding 1.1 (GeoServer, ArcGIS Pro, QGIS).

One rule per class pakmap draws, each with the filter that selects its features: graduated classes
by their bounds (upper bounds inclusive, as pakmap classifies), categories by value, the "no data"
class by ``PropertyIsNull`` (categorized: ``ElseFilter``). Sizes are converted from millimetres to
SE's standard pixels of 0.28 mm; proportional circles get their diameter as an expression.
"""

from __future__ import annotations

import base64
import string
import xml.etree.ElementTree as ET

import pandas as pd

from ..layer import VectorLayer
from ..render.styling import Symbolization, symbolize
from ..style import DOT_PATTERN, CategorizedStyle, GraduatedStyle, LabelStyle, ProportionalStyle, Symbol
from .qgis_symbols import MIN_LINE_WIDTH_MM, SIMPLE_MARKERS, marker_svg
from .qml import class_ranges, geometry_kind

SLD = "http://www.opengis.net/sld"
SE = "http://www.opengis.net/se"
OGC = "http://www.opengis.net/ogc"
XLINK = "http://www.w3.org/1999/xlink"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA = "http://www.opengis.net/sld http://schemas.opengis.net/sld/1.1.0/StyledLayerDescriptor.xsd"
MM_PER_PIXEL = 0.28  # SE's standardized rendering pixel
POINTS_PER_PIXEL = MM_PER_PIXEL * 72 / 25.4

ET.register_namespace("", SLD)
ET.register_namespace("se", SE)
ET.register_namespace("ogc", OGC)
ET.register_namespace("xlink", XLINK)
ET.register_namespace("xsi", XSI)


def _se(parent: ET.Element, tag: str, text: str | None = None, **attrs) -> ET.Element:
    element = ET.SubElement(parent, f"{{{SE}}}{tag}", attrs)
    if text is not None:
        element.text = text
    return element


def _ogc(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
    element = ET.SubElement(parent, f"{{{OGC}}}{tag}")
    if text is not None:
        element.text = text
    return element


def px(mm: float) -> str:
    return f"{mm / MM_PER_PIXEL:.4g}"


def _param(parent: ET.Element, name: str, value: str) -> None:
    _se(parent, "SvgParameter", value, name=name)


def _stroke(parent: ET.Element, color: str, width_mm: float, line_style: str, opacity: float) -> None:
    stroke = _se(parent, "Stroke")
    _param(stroke, "stroke", color)
    if opacity < 1:
        _param(stroke, "stroke-opacity", f"{opacity:g}")
    _param(stroke, "stroke-width", px(width_mm))
    _param(stroke, "stroke-linejoin", "bevel")
    if line_style == "dash":
        _param(stroke, "stroke-dasharray", f"{px(width_mm * 4)} {px(width_mm * 2)}")
    elif line_style == "dot":
        on, off = (width_mm * f for f in DOT_PATTERN)
        _param(stroke, "stroke-linecap", "round")
        _param(stroke, "stroke-dasharray", f"{px(on)} {px(off + width_mm)}")


def _fill(parent: ET.Element, color: str, opacity: float) -> None:
    fill = _se(parent, "Fill")
    _param(fill, "fill", color)
    if opacity < 1:
        _param(fill, "fill-opacity", f"{opacity:g}")


def _mark_graphic(parent: ET.Element, symbol: Symbol, fill: str, size: ET.Element | str) -> None:
    graphic = _se(parent, "Graphic")
    if symbol.marker in SIMPLE_MARKERS:
        mark = _se(graphic, "Mark")
        _se(mark, "WellKnownName", SIMPLE_MARKERS[symbol.marker])
        _fill(mark, fill, symbol.fill_alpha)
        if symbol.stroke_width > 0:
            _stroke(mark, symbol.stroke, symbol.stroke_width, "solid", symbol.opacity)
    else:
        svg = (
            marker_svg(symbol.marker)
            .replace("param(fill-opacity)", f"{symbol.fill_alpha:g}")
            .replace("param(outline-opacity)", f"{symbol.opacity:g}")
            .replace("param(outline-width)", f"{2 * symbol.stroke_width / max(symbol.size, 0.1):.3g}")
            .replace("param(fill)", fill)
            .replace("param(outline)", symbol.stroke)
        )
        external = _se(graphic, "ExternalGraphic")
        _se(external, "InlineContent", base64.b64encode(svg.encode("utf-8")).decode("ascii"), encoding="base64")
        _se(external, "Format", "image/svg+xml")
    size_element = _se(graphic, "Size")
    if isinstance(size, str):
        size_element.text = size
    else:
        size_element.append(size)


def _symbolizers(rule: ET.Element, kind: str, symbol: Symbol, fill: str) -> None:
    if kind == "polygon":
        poly = _se(rule, "PolygonSymbolizer")
        if fill.lower() != "none":
            _fill(poly, fill, symbol.fill_alpha)
        if symbol.stroke_width > 0:
            _stroke(poly, symbol.stroke, symbol.stroke_width, symbol.line_style, symbol.opacity)
    elif kind == "line":
        width = max(symbol.stroke_width, MIN_LINE_WIDTH_MM)
        if symbol.line_style == "dot":
            _stroke(_se(rule, "LineSymbolizer"), symbol.stroke, width + 0.4, "solid", symbol.opacity)
        _stroke(_se(rule, "LineSymbolizer"), fill, width, symbol.line_style, symbol.opacity)
    else:
        _mark_graphic(_se(rule, "PointSymbolizer"), symbol, fill, px(symbol.size))


def _property(parent: ET.Element, tag: str, field_name: str, value) -> None:
    comparison = _ogc(parent, tag)
    _ogc(comparison, "PropertyName", field_name)
    _ogc(comparison, "Literal", str(value))


def _rule(style_element: ET.Element, name: str, title: str) -> ET.Element:
    rule = _se(style_element, "Rule")
    _se(rule, "Name", name)
    description = _se(rule, "Description")
    _se(description, "Title", title)
    return rule


def _graduated_rules(fts, style: GraduatedStyle, sym: Symbolization, kind: str) -> None:
    ranges = class_ranges(sym.breaks)
    below = sym.breaks.below if sym.breaks is not None else None
    index = 0
    for draw in sym.classes:
        rule = _rule(fts, draw.label, draw.label)
        flt = _ogc(rule, "Filter")
        if draw.nodata:
            null = _ogc(flt, "PropertyIsNull")
            _ogc(null, "PropertyName", style.field)
        elif index == 0 and below is not None:
            _property(flt, "PropertyIsLessThan", style.field, repr(float(below)))
            index += 1
        else:
            lower, upper = ranges[index]
            both = _ogc(flt, "And")
            first = index == 0 or (index == 1 and below is not None)
            _property(
                both, "PropertyIsGreaterThanOrEqualTo" if first else "PropertyIsGreaterThan", style.field, repr(lower)
            )
            _property(both, "PropertyIsLessThanOrEqualTo", style.field, repr(upper))
            index += 1
        _symbolizers(rule, kind, sym.symbol, draw.fill)


def _categorized_rules(fts, style: CategorizedStyle, sym: Symbolization, kind: str) -> None:
    for draw in sym.classes:
        rule = _rule(fts, draw.label, draw.label)
        if draw.nodata:
            _se(rule, "ElseFilter")
        else:
            _property(_ogc(rule, "Filter"), "PropertyIsEqualTo", style.field, draw.label)
        _symbolizers(rule, kind, sym.symbol, draw.fill)


def _proportional_rule(fts, style: ProportionalStyle, sym: Symbolization) -> None:
    max_size, max_value = sym.circle_scale
    rule = _rule(fts, style.field, style.field)
    flt = _ogc(rule, "Filter")
    _property(flt, "PropertyIsGreaterThan", style.field, "0")
    # diameter (px) = max_size · √(value / max_value) / 0.28 mm
    size = ET.Element(f"{{{OGC}}}Mul")
    _ogc(size, "Literal", f"{float(max_size) / MM_PER_PIXEL:.6g}")
    sqrt = ET.SubElement(size, f"{{{OGC}}}Function", name="sqrt")
    div = _ogc(sqrt, "Div")
    _ogc(div, "PropertyName", style.field)
    _ogc(div, "Literal", repr(float(max_value)))
    symbol = Symbol(**{**style.symbol.__dict__, "marker": "circle"})
    _mark_graphic(_se(rule, "PointSymbolizer"), symbol, style.symbol.fill, size)


def _label_content(parent: ET.Element, text: str | None, expression: str | None) -> None:
    label = _se(parent, "Label")
    if text is not None:
        _ogc(label, "PropertyName", text)
        return
    parts = []
    for literal, name, _spec, _conv in string.Formatter().parse(expression or ""):
        if literal:
            parts.append(("literal", literal))
        if name is not None:
            parts.append(("field", name))
    # Text and fields side by side inside <se:Label> are concatenated (SE 1.1, mixed content).
    last = None
    for kind, value in parts:
        if kind == "literal":
            if last is None:
                label.text = (label.text or "") + value
            else:
                last.tail = (last.tail or "") + value
        else:
            last = _ogc(label, "PropertyName", value)


def _text_rule(fts, layer: VectorLayer, labels: LabelStyle) -> None:
    rule = _rule(fts, "labels", "labels")
    text = _se(rule, "TextSymbolizer")
    _label_content(text, labels.field if labels.field and not labels.expression else None, labels.expression)
    font = _se(text, "Font")
    _param(font, "font-family", "Lato")
    _param(font, "font-size", f"{labels.size / POINTS_PER_PIXEL:.3g}")
    _param(font, "font-weight", "bold" if labels.bold else "normal")
    placement = _se(text, "LabelPlacement")
    if geometry_kind(layer) == "line" and labels.placement == "line":
        _se(placement, "LinePlacement")
    else:
        point = _se(placement, "PointPlacement")
        anchor = _se(point, "AnchorPoint")
        _se(anchor, "AnchorPointX", "0.5" if geometry_kind(layer) != "point" else "0")
        _se(anchor, "AnchorPointY", "0.5")
    if labels.halo_width > 0:
        halo = _se(text, "Halo")
        _se(halo, "Radius", px(labels.halo_width))
        _fill(halo, labels.halo_color, 1.0)
    _fill(text, labels.color, 1.0)


def style_to_sld(layer: VectorLayer, threshold: int | None = None, *, published: pd.DataFrame | None = None) -> str:
    """``layer``'s style and labels as the text of an SLD 1.1 file."""
    root = ET.Element(f"{{{SLD}}}StyledLayerDescriptor", {"version": "1.1.0", f"{{{XSI}}}schemaLocation": SCHEMA})
    named = ET.SubElement(root, f"{{{SLD}}}NamedLayer")
    _se(named, "Name", layer.name)
    user = ET.SubElement(named, f"{{{SLD}}}UserStyle")
    _se(user, "Name", layer.name)
    fts = _se(user, "FeatureTypeStyle")
    sym = symbolize(layer, threshold)
    kind = geometry_kind(layer)
    style = layer.style
    if isinstance(style, GraduatedStyle):
        _graduated_rules(fts, style, sym, kind)
    elif isinstance(style, CategorizedStyle):
        _categorized_rules(fts, style, sym, kind)
    elif isinstance(style, ProportionalStyle):
        _proportional_rule(fts, style, sym)
    else:
        _symbolizers(_rule(fts, layer.name, layer.name), kind, sym.symbol, sym.classes[0].fill)
    if layer.labels is not None and layer.labels.visible:
        _text_rule(fts, layer, layer.labels)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
