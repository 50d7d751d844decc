"""QGIS symbol XML (``<symbol>`` with its symbol layers) from pakmap symbols, and back.

Sizes stay in millimetres (QGIS's ``MM`` unit), colours become QGIS's ``r,g,b,a``. Markers pakmap
draws as pictograms (settlement, camp, capital) go over as SVG markers whose SVG is embedded in the
style (``base64:``), coloured through QGIS's ``param(fill)`` / ``param(outline)``, so the file
needs nothing beside it.
"""

from __future__ import annotations

import base64
import xml.etree.ElementTree as ET

from ..resources import read_data_file, style_file
from ..style import DOT_PATTERN, Symbol

SIMPLE_MARKERS = {"circle": "circle", "square": "square", "triangle": "triangle", "diamond": "diamond"}
QGIS_LINE_STYLES = {"solid": "solid", "dash": "dash", "dot": "dot"}
SYMBOL_TYPES = {"polygon": "fill", "line": "line", "point": "marker"}
MIN_LINE_WIDTH_MM = 0.1  # pakmap's renderer draws no line thinner (pakmap.render.vector)


def qgis_color(color: str, opacity: float = 1.0) -> str:
    """``#RRGGBB`` (or ``none``) as QGIS's ``r,g,b,a``."""
    if not color or color.lower() == "none":
        return "0,0,0,0"
    c = color.lstrip("#")
    return f"{int(c[0:2], 16)},{int(c[2:4], 16)},{int(c[4:6], 16)},{round(255 * opacity)}"


def hex_color(text: str) -> tuple[str, float]:
    """QGIS's ``r,g,b,a`` (or ``#RRGGBB``) as ``(#RRGGBB, alpha 0–1)``; unreadable: ``("#000000", 1)``."""
    text = (text or "").strip()
    if text.startswith("#") and len(text) in (7, 9):
        return text[:7].upper(), (int(text[7:9], 16) / 255 if len(text) == 9 else 1.0)
    parts = [p for p in text.split(",") if p.strip()]
    try:
        rgb = [max(0, min(255, int(float(p)))) for p in parts[:4]]
    except ValueError:
        return "#000000", 1.0
    if len(rgb) < 3:
        return "#000000", 1.0
    alpha = rgb[3] / 255 if len(rgb) == 4 else 1.0
    return "#{:02X}{:02X}{:02X}".format(*rgb[:3]), alpha


def _options(parent: ET.Element, props: dict[str, str]) -> None:
    """Symbol-layer properties both ways QGIS reads them (``<Option>`` map since 3.x, ``<prop>`` before)."""
    options = ET.SubElement(parent, "Option", type="Map")
    for key, value in props.items():
        ET.SubElement(options, "Option", type="QString", name=key, value=str(value))
    for key, value in props.items():
        ET.SubElement(parent, "prop", k=key, v=str(value))


def _data_defined(parent: ET.Element, properties: dict[str, str]) -> None:
    dd = ET.SubElement(parent, "data_defined_properties")
    outer = ET.SubElement(dd, "Option", type="Map")
    ET.SubElement(outer, "Option", type="QString", name="name", value="")
    if properties:
        props = ET.SubElement(outer, "Option", type="Map", name="properties")
        for key, expression in properties.items():
            prop = ET.SubElement(props, "Option", type="Map", name=key)
            ET.SubElement(prop, "Option", type="bool", name="active", value="true")
            ET.SubElement(prop, "Option", type="QString", name="expression", value=expression)
            ET.SubElement(prop, "Option", type="int", name="type", value="3")  # an expression
    else:
        ET.SubElement(outer, "Option", name="properties")
    ET.SubElement(outer, "Option", type="QString", name="type", value="collection")


def _symbol_layer(parent: ET.Element, cls: str, props: dict[str, str], data_defined: dict[str, str] | None = None):
    layer = ET.SubElement(parent, "layer", {"class": cls, "enabled": "1", "locked": "0", "pass": "0"})
    _options(layer, props)
    _data_defined(layer, data_defined or {})
    return layer


def _line_props(color: str, width: float, line_style: str, opacity: float = 1.0) -> dict[str, str]:
    props = {
        "line_color": qgis_color(color, 1.0),
        "line_width": f"{width:g}",
        "line_width_unit": "MM",
        "line_style": QGIS_LINE_STYLES.get(line_style, "solid"),
        "joinstyle": "round",
        "capstyle": "round",
        "offset": "0",
        "offset_unit": "MM",
        "use_custom_dash": "0",
    }
    if line_style == "dot":
        # pakmap's dots: a dash of almost no length with round caps, then a gap of two line widths.
        on, off = (width * f for f in DOT_PATTERN)
        props.update(use_custom_dash="1", customdash=f"{on:g};{off + width:g}", customdash_unit="MM")
    return props


def marker_svg(name: str) -> str:
    """pakmap's marker ``name`` (styles/symbols/markers.toml) as an SVG QGIS colours with its params."""
    spec = _marker_specs()[name]
    shapes = []
    for part in spec["parts"]:
        paint = (
            'fill="param(fill)" fill-opacity="param(fill-opacity)" stroke="param(outline)" '
            'stroke-opacity="param(outline-opacity)" stroke-width="param(outline-width)"'
            if part.get("role", "body") == "body"
            else 'fill="param(outline)" stroke="none"'
        )
        shape = part["shape"]
        if shape == "circle":
            shapes.append(f'<circle cx="{part["cx"]}" cy="{part["cy"]}" r="{part["r"]}" {paint}/>')
        elif shape == "rect":
            r = part.get("radius", 0)
            shapes.append(
                f'<rect x="{part["x"]}" y="{part["y"]}" width="{part["w"]}" height="{part["h"]}" '
                f'rx="{r}" ry="{r}" {paint}/>'
            )
        else:
            points = " ".join(f"{x},{y}" for x, y in part["points"])
            shapes.append(f'<polygon points="{points}" {paint}/>')
    # The unit box is -1..1 (markers.toml); stroke widths from QGIS are in the SVG's units: scale them.
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100" viewBox="-1.05 -1.05 2.1 2.1">'
        + "".join(shapes)
        + "</svg>"
    )


def _marker_specs() -> dict:
    return read_data_file(style_file("symbols/markers.toml"), "marker file")


def marker_svg_uri(name: str) -> str:
    return "base64:" + base64.b64encode(marker_svg(name).encode("utf-8")).decode("ascii")


def _marker_layer(parent, symbol: Symbol, fill: str, size_expression: str | None) -> None:
    data_defined = {"size": size_expression} if size_expression else None
    stroke_width = f"{symbol.stroke_width:g}" if symbol.stroke_width > 0 else "0"
    common = {
        "color": qgis_color(fill, symbol.fill_opacity),  # the symbol's own opacity is its alpha
        "outline_color": qgis_color(symbol.stroke, 1.0),
        "outline_width": stroke_width,
        "outline_width_unit": "MM",
        "size": f"{symbol.size:g}",
        "size_unit": "MM",
        "scale_method": "diameter",
        "angle": "0",
        "offset": "0,0",
        "offset_unit": "MM",
        "horizontal_anchor_point": "1",
        "vertical_anchor_point": "1",
    }
    if symbol.marker in SIMPLE_MARKERS:
        props = dict(
            common,
            name=SIMPLE_MARKERS[symbol.marker],
            outline_style="solid" if symbol.stroke_width > 0 else "no",
            joinstyle="bevel",
        )
        _symbol_layer(parent, "SimpleMarker", props, data_defined)
    else:
        props = dict(common, name=marker_svg_uri(symbol.marker), fixedAspectRatio="0")
        _symbol_layer(parent, "SvgMarker", props, data_defined)


def symbol_element(
    kind: str,
    symbol: Symbol,
    fill: str,
    name: str,
    *,
    size_expression: str | None = None,
    at_surface_point: bool = False,
) -> ET.Element:
    """A QGIS ``<symbol>`` drawing ``symbol`` with ``fill`` as pakmap draws a feature of ``kind``
    (polygon, line or point). ``size_expression``: data-defined marker diameter (proportional
    circles); ``at_surface_point``: a polygon drawn as a marker at its point on surface."""
    qgis_type = "fill" if at_surface_point else SYMBOL_TYPES[kind]
    element = ET.Element(
        "symbol",
        {"type": qgis_type, "name": name, "alpha": f"{symbol.opacity:g}", "clip_to_extent": "1", "force_rhr": "0"},
    )
    _data_defined(element, {})
    if at_surface_point:
        layer = _symbol_layer(
            element,
            "CentroidFill",
            {"point_on_surface": "1", "point_on_all_parts": "0", "clip_points": "0", "clip_on_current_part_only": "0"},
        )
        marker = ET.SubElement(
            layer, "symbol", {"type": "marker", "name": "@0@0", "alpha": "1", "clip_to_extent": "1", "force_rhr": "0"}
        )
        _data_defined(marker, {})
        _marker_layer(marker, symbol, fill, size_expression)
    elif qgis_type == "fill":
        props = {
            "color": qgis_color(fill, symbol.fill_opacity),
            "style": "no" if fill.lower() == "none" else "solid",
            "outline_color": qgis_color(symbol.stroke),
            "outline_style": QGIS_LINE_STYLES.get(symbol.line_style, "solid") if symbol.stroke_width > 0 else "no",
            "outline_width": f"{symbol.stroke_width:g}",
            "outline_width_unit": "MM",
            "joinstyle": "bevel",
            "offset": "0,0",
            "offset_unit": "MM",
        }
        _symbol_layer(element, "SimpleFill", props)
    elif qgis_type == "line":
        width = max(symbol.stroke_width, MIN_LINE_WIDTH_MM)
        if symbol.line_style == "dot":
            # pakmap lays dots on a band of the stroke colour so a border along the same course cannot join them.
            _symbol_layer(element, "SimpleLine", _line_props(symbol.stroke, width + 0.4, "solid"))
        _symbol_layer(element, "SimpleLine", _line_props(fill, width, symbol.line_style))
    else:
        _marker_layer(element, symbol, fill, size_expression)
    return element


# --- reading ----------------------------------------------------------------------------------


def layer_props(layer: ET.Element) -> dict[str, str]:
    """A QGIS symbol layer's properties, from its ``<Option>`` map or its ``<prop>`` list."""
    options = layer.find("Option")
    if options is not None and options.get("type") == "Map":
        return {o.get("name", ""): o.get("value", "") for o in options.findall("Option") if o.get("name")}
    return {p.get("k", ""): p.get("v", "") for p in layer.findall("prop")}


def data_defined_expressions(layer: ET.Element) -> dict[str, str]:
    out = {}
    for prop in layer.findall("./data_defined_properties/Option/Option[@name='properties']/Option"):
        values = {o.get("name"): o.get("value") for o in prop.findall("Option")}
        expression = values.get("expression")
        if values.get("active") == "true" and expression:
            out[prop.get("name", "")] = expression
    return out


def _float(text: str | None, default: float) -> float:
    try:
        return float(text) if text not in (None, "") else default
    except ValueError:
        return default


def _mm(value: str | None, unit: str | None, default: float, what: str, notes: list[str]) -> float:
    size = _float(value, default)
    unit = (unit or "MM").upper()
    if unit in ("MM", ""):
        return size
    if unit == "POINT":
        return size * 25.4 / 72
    if unit == "PIXEL":
        return size * 25.4 / 96
    notes.append(f"{what} in {unit.lower()} units (taken as mm)")
    return size


def read_symbol(element: ET.Element, notes: list[str]) -> tuple[Symbol, str, str | None]:
    """A QGIS ``<symbol>`` as ``(Symbol, fill colour, data-defined size expression)``; what could not
    be carried over is appended to ``notes``."""
    layers = [l for l in element.findall("layer") if l.get("enabled", "1") != "0"]
    symbol = Symbol(opacity=_float(element.get("alpha"), 1.0))
    fill = symbol.fill
    size_expression = None
    if not layers:
        notes.append("a symbol without layers")
        return symbol, fill, None
    kinds = [l.get("class", "") for l in layers]
    # Several symbol layers: pakmap draws one; a line casing under a dotted line is pakmap's own.
    main = layers[-1]
    if len(layers) > 1 and not (
        kinds == ["SimpleLine", "SimpleLine"] and layer_props(main).get("use_custom_dash") == "1"
    ):
        notes.append(f"{len(layers)} symbol layers (kept the top one, {kinds[-1]})")
    cls = main.get("class", "")
    props = layer_props(main)
    if cls == "CentroidFill":
        inner = main.find("symbol")
        if inner is not None:
            return read_symbol(inner, notes)
    if cls == "SimpleFill":
        color, alpha = hex_color(props.get("color", ""))
        fill = "none" if props.get("style") == "no" or alpha == 0 else color
        symbol.fill_opacity = _fill_opacity(alpha) if fill != "none" else 1.0
        if props.get("style") not in (None, "", "solid", "no"):
            notes.append(f"fill pattern '{props['style']}' (filled solid)")
        symbol.stroke, _ = hex_color(props.get("outline_color", ""))
        outline_style = props.get("outline_style", "solid")
        symbol.stroke_width = (
            0.0
            if outline_style == "no"
            else _mm(props.get("outline_width"), props.get("outline_width_unit"), 0.26, "outline width", notes)
        )
        symbol.line_style = _line_style(outline_style, props, notes)
    elif cls == "SimpleLine":
        fill, _ = hex_color(props.get("line_color", props.get("color", "")))
        symbol.stroke_width = _mm(props.get("line_width"), props.get("line_width_unit"), 0.26, "line width", notes)
        symbol.line_style = _line_style(props.get("line_style", "solid"), props, notes)
        if len(layers) == 2 and symbol.line_style == "dot":
            symbol.stroke, _ = hex_color(layer_props(layers[0]).get("line_color", ""))
    elif cls in ("SimpleMarker", "SvgMarker"):
        fill, alpha = hex_color(props.get("color", ""))
        symbol.fill_opacity = _fill_opacity(alpha)
        symbol.stroke, _ = hex_color(props.get("outline_color", ""))
        symbol.stroke_width = (
            0.0
            if props.get("outline_style") == "no"
            else _mm(props.get("outline_width"), props.get("outline_width_unit"), 0.0, "outline width", notes)
        )
        symbol.size = _mm(props.get("size"), props.get("size_unit"), 2.0, "marker size", notes)
        symbol.marker = _marker_name(cls, props, notes)
        size_expression = data_defined_expressions(main).get("size")
    else:
        notes.append(f"symbol layer type {cls or '(none)'} (drawn as a plain fill)")
    return symbol, fill, size_expression


def _fill_opacity(alpha: float) -> float:
    """A fill colour's alpha (0–1 of 255 steps) as the fill opacity pakmap writes back: 0.6, not 0.6000000001."""
    return round(alpha, 2)


def _line_style(name: str, props: dict[str, str], notes: list[str]) -> str:
    if props.get("use_custom_dash") == "1":
        parts = [_float(p, 0) for p in props.get("customdash", "").split(";") if p]
        return "dot" if len(parts) == 2 and parts[0] < parts[1] / 4 else "dash"
    if name in ("solid", "no", ""):
        return "solid"
    if name == "dot":
        return "dot"
    if name != "dash":
        notes.append(f"line style '{name}' (drawn dashed)")
    return "dash"


def _marker_name(cls: str, props: dict[str, str], notes: list[str]) -> str:
    if cls == "SimpleMarker":
        name = props.get("name", "circle")
        if name in SIMPLE_MARKERS:
            return name
        notes.append(f"marker shape '{name}' (drawn as a circle)")
        return "circle"
    uri = props.get("name", "")
    for marker in _marker_specs():
        if marker not in SIMPLE_MARKERS and uri == marker_svg_uri(marker):
            return marker
    notes.append("an SVG marker (drawn as a circle)")
    return "circle"
