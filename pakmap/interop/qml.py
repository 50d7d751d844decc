"""A layer's style as a QGIS ``.qml``, and a ``.qml`` read back into a pakmap style.

Writing works from the layer with its data: a graduated style is written with the class bounds and
colours pakmap computed (natural breaks on this month's data, "<5" classes merged), so QGIS draws
the same classes rather than classifying again. Features without a value, which pakmap draws in the
"no data" colour, go to a class of their own: the renderer classifies
``coalesce(field, NODATA_VALUE)`` and ``NODATA_VALUE`` is a range of its own.

Reading takes single-symbol, categorized and graduated renderers with simple fill, line and marker
symbols, and simple labels; everything else is listed in ``ImportedStyle.not_carried``.
"""

from __future__ import annotations

import math
import os
import re
import string
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

import pandas as pd

from ..classify import Classes
from ..errors import StyleError
from ..layer import VectorLayer
from ..palettes import palettes
from ..render.styling import Symbolization, symbolize
from ..style import (
    CategorizedStyle,
    GraduatedStyle,
    LabelStyle,
    ProportionalStyle,
    SingleSymbolStyle,
    Symbol,
    VectorStyle,
    validate_style,
)
from .qgis_symbols import hex_color, qgis_color, read_symbol, symbol_element
from .xml_safe import parse_xml

QGIS_VERSION = "3.22.0"  # the oldest QGIS these files are written for (Debian 12's)
NODATA_VALUE = -1e300  # what the graduated renderer's expression gives features without a value
OPEN_HIGH = 1e300  # the upper bound of a last class that takes in every larger value
LABEL_FONT = "Lato"
# QGIS label placements (QgsPalLayerSettings::Placement) as pakmap places labels.
_PLACEMENT = {"polygon": "1", "point": "6", "line": "2", "line-horizontal": "4"}
# pakmap's point-label positions in the order it tries them (pakmap.render.labels).
_POINT_ORDER = "R,L,TR,BR,T,B,TL,BL"
_LABEL_GAP_MM = 0.6


def geometry_kind(layer: VectorLayer) -> str:
    """``polygon``, ``line`` or ``point``: what QGIS symbol type the layer needs."""
    return {"Point": "point", "LineString": "line"}.get(layer.geometry_type, "polygon")


def quote_field(name: str) -> str:
    return '"' + str(name).replace('"', '""') + '"'


def quote_text(text: str) -> str:
    return "'" + str(text).replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n") + "'"


def numeric_expression(name: str, published: pd.DataFrame | None = None) -> str:
    """A QGIS expression for the number in field ``name``. A count field with suppressed values is
    published as text ("1,234", "<5"): read it back as a number, "<5" as 0 (the lowest class)."""
    if published is None or name not in published or pd.api.types.is_numeric_dtype(published[name]):
        return quote_field(name)
    return _published_count(name)


def _published_count(name: str) -> str:
    column = quote_field(name)
    return f"CASE WHEN {column} LIKE '<%' THEN 0 ELSE to_real(replace({column}, ',', '')) END"


def proportional_size_expression(
    field_name: str, max_size: float, max_value: float, published: pd.DataFrame | None = None
) -> str:
    """The area-true diameter pakmap draws (``max_size·√(value/max_value)`` mm), 0 without a value."""
    value = numeric_expression(field_name, published)
    return f"CASE WHEN {value} > 0 THEN {max_size!r} * sqrt({value} / {max_value!r}) ELSE 0 END"


# --- writing ----------------------------------------------------------------------------------


def class_ranges(classes: Classes | None) -> list[tuple[float, float]]:
    """Each class as a QGIS range ``(lower, upper)``: the first range a value falls in wins and
    bounds are inclusive, as pakmap's upper bounds are. A "<5" class (``classes.below``, counts
    under the protection threshold) runs from 0 to just under 5: the published "<5" reads back as
    0, and 5 itself opens the next class. Bounds kept from an earlier month that this month's
    values exceed leave the last class open."""
    if classes is None or not classes.k:
        return []
    out = []
    lower = float(classes.lower)
    if classes.below is not None:
        out.append((0.0, math.nextafter(float(classes.below), -math.inf)))
        lower = float(classes.below)
    for upper in classes.bounds:
        out.append((lower, float(upper)))
        lower = float(upper)
    if classes.open_high and out:
        out[-1] = (out[-1][0], OPEN_HIGH)
    return out


def renderer_element(layer: VectorLayer, threshold: int | None, published: pd.DataFrame | None = None) -> ET.Element:
    """The ``<renderer-v2>`` drawing ``layer`` as pakmap does (classes as computed on its data)."""
    style = layer.style
    sym = symbolize(layer, threshold)
    kind = geometry_kind(layer)
    if isinstance(style, GraduatedStyle):
        return _graduated_renderer(style, sym, kind, published)
    if isinstance(style, CategorizedStyle):
        renderer = ET.Element(
            "renderer-v2",
            type="categorizedSymbol",
            attr=style.field,
            symbollevels="0",
            enableorderby="0",
            forceraster="0",
        )
        categories = ET.SubElement(renderer, "categories")
        symbols = ET.SubElement(renderer, "symbols")
        for i, draw in enumerate(sym.classes):
            value = "" if draw.nodata else draw.label  # "": QGIS's "all other values", here the missing ones
            ET.SubElement(
                categories, "category", render="true", value=value, symbol=str(i), label=draw.label, type="string"
            )
            symbols.append(symbol_element(kind, sym.symbol, draw.fill, str(i)))
        return renderer
    renderer = ET.Element("renderer-v2", type="singleSymbol", symbollevels="0", enableorderby="0", forceraster="0")
    symbols = ET.SubElement(renderer, "symbols")
    if isinstance(style, ProportionalStyle):
        max_size, max_value = sym.circle_scale
        size = proportional_size_expression(style.field, float(max_size), float(max_value), published)
        marker = Symbol(**{**style.symbol.__dict__, "marker": "circle", "size": float(max_size)})
        symbols.append(
            symbol_element(
                kind, marker, style.symbol.fill, "0", size_expression=size, at_surface_point=kind == "polygon"
            )
        )
    else:
        symbols.append(symbol_element(kind, sym.symbol, sym.classes[0].fill, "0"))
    return renderer


def _graduated_renderer(
    style: GraduatedStyle, sym: Symbolization, kind: str, published: pd.DataFrame | None
) -> ET.Element:
    value = numeric_expression(style.field, published)
    has_nodata = any(d.nodata for d in sym.classes)
    attr = (
        f"coalesce({value}, {NODATA_VALUE!r})"
        if has_nodata
        else style.field
        if value == quote_field(style.field)
        else value
    )
    renderer = ET.Element(
        "renderer-v2",
        type="graduatedSymbol",
        attr=attr,
        graduatedMethod="GraduatedColor",
        symbollevels="0",
        enableorderby="0",
        forceraster="0",
    )
    ranges = ET.SubElement(renderer, "ranges")
    symbols = ET.SubElement(renderer, "symbols")
    bounds = class_ranges(sym.breaks)
    index = 0
    for draw in sym.classes:
        if draw.nodata:
            lo = hi = NODATA_VALUE
        else:
            lo, hi = bounds[index]
            index += 1
        ET.SubElement(
            ranges, "range", render="true", lower=repr(lo), upper=repr(hi), symbol=str(len(symbols)), label=draw.label
        )
        symbols.append(symbol_element(kind, sym.symbol, draw.fill, str(len(symbols))))
    ET.SubElement(renderer, "classificationMethod", id="Custom")
    return renderer


def label_expression(labels: LabelStyle, published: pd.DataFrame | None = None) -> tuple[str, bool]:
    """``(text, is_expression)`` for QGIS: a field name, or pakmap's ``"{name}\\n{refugees:,.0f}"`` as
    ``concat("name", '\\n', format_number("refugees", 0))``."""
    if labels.field and not labels.expression:
        return labels.field, False
    terms = []
    for literal, name, spec, _conversion in string.Formatter().parse(labels.expression or ""):
        if literal:
            terms.append(quote_text(literal))
        if name is None:
            continue
        terms.append(_format_term(name, spec or "", published))
    if len(terms) == 1 and terms[0].startswith('"'):
        return terms[0][1:-1].replace('""', '"'), False
    return f"concat({', '.join(terms)})", True


def _format_term(name: str, spec: str, published: pd.DataFrame | None) -> str:
    column = quote_field(name)
    numeric = (
        published is not None
        and name in published
        and pd.api.types.is_numeric_dtype(published[name])
        and not pd.api.types.is_bool_dtype(published[name])
    )
    match = re.search(r"\.(\d+)[f%]", spec)
    if match:
        return f"format_number({column}, {int(match.group(1))})"
    if numeric or "," in spec:
        values = (
            pd.to_numeric(published[name], errors="coerce").dropna()
            if published is not None and name in published
            else pd.Series([], dtype=float)
        )
        decimals = 0 if values.empty or bool(((values % 1) == 0).all()) else 2
        return f"format_number({column}, {decimals})"
    return column


def labeling_element(layer: VectorLayer, published: pd.DataFrame | None = None) -> ET.Element | None:
    """The ``<labeling>`` of ``layer``'s labels, or None when it has none."""
    labels = layer.labels
    if labels is None:
        return None
    text, is_expression = label_expression(labels, published)
    labeling = ET.Element("labeling", type="simple")
    settings = ET.SubElement(labeling, "settings", calloutType="simple")
    color, _ = hex_color(labels.color)
    style = ET.SubElement(
        settings,
        "text-style",
        {
            "fieldName": text,
            "isExpression": "1" if is_expression else "0",
            "fontFamily": LABEL_FONT,
            "fontSize": f"{labels.size:g}",
            "fontSizeUnit": "Point",
            "fontWeight": "75" if labels.bold else "50",
            "textColor": qgis_color(color),
            "textOpacity": "1",
            "multilineHeight": "1",
            "namedStyle": "Bold" if labels.bold else "Regular",
        },
    )
    ET.SubElement(
        style,
        "text-buffer",
        {
            "bufferDraw": "1" if labels.halo_width > 0 else "0",
            "bufferSize": f"{labels.halo_width:g}",
            "bufferSizeUnits": "MM",
            "bufferColor": qgis_color(labels.halo_color),
            "bufferOpacity": "1",
            "bufferNoFill": "1",
            "bufferJoinStyle": "128",
        },
    )
    ET.SubElement(settings, "text-format", {"multilineAlign": "3", "wrapChar": "", "plussign": "0"})
    kind = geometry_kind(layer)
    placement = _PLACEMENT["line-horizontal" if kind == "line" and labels.placement == "horizontal" else kind]
    ET.SubElement(
        settings,
        "placement",
        {
            "placement": placement,
            "centroidInside": "1",
            "centroidWhole": "0",
            "fitInPolygonOnly": "0",
            "dist": f"{_LABEL_GAP_MM:g}",
            "distUnits": "MM",
            "predefinedPositionOrder": _POINT_ORDER,
            "placementFlags": "10" if kind == "line" else "0",
            "overrunDistance": "0",
        },
    )
    # pakmap keeps labels apart from each other only: features are no obstacles (QGIS would keep every
    # label out of the districts' interiors).
    ET.SubElement(
        settings,
        "rendering",
        {
            "obstacle": "0",
            "displayAll": "0",
            "upsidedownLabels": "0",
            "labelPerPart": "0",
            "mergeLines": "0",
            "drawLabels": "1",
        },
    )
    return labeling


def _qgis_root(labels_enabled: bool) -> ET.Element:
    return ET.Element(
        "qgis",
        {
            "version": QGIS_VERSION,
            "styleCategories": "Symbology|Labeling",
            "labelsEnabled": "1" if labels_enabled else "0",
        },
    )


def fill_style_elements(
    parent: ET.Element,
    layer: VectorLayer,
    threshold: int | None,
    published: pd.DataFrame | None = None,
    opacity: float = 1.0,
) -> None:
    """Renderer, labels and opacity of ``layer`` into ``parent`` (a ``.qml``'s root or a project's ``<maplayer>``)."""
    parent.append(renderer_element(layer, threshold, published))
    labeling = labeling_element(layer, published)
    if labeling is not None:
        parent.append(labeling)
    ET.SubElement(parent, "layerOpacity").text = f"{opacity:g}"


def style_to_qml(
    layer: VectorLayer, threshold: int | None = None, *, published: pd.DataFrame | None = None, opacity: float = 1.0
) -> str:
    """``layer``'s style and labels as the text of a QGIS ``.qml`` file."""
    labels_on = layer.labels is not None and layer.labels.visible
    root = _qgis_root(labels_on)
    fill_style_elements(root, layer, threshold, published, opacity)
    ET.indent(root)
    return "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n" + ET.tostring(root, encoding="unicode") + "\n"


# --- reading ----------------------------------------------------------------------------------


@dataclass
class ImportedStyle:
    """A QGIS style as pakmap understands it, with what could not be carried over."""

    style: VectorStyle
    labels: LabelStyle | None
    opacity: float = 1.0
    not_carried: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line for the officer: what of the QGIS style pakmap could not carry over."""
        if not self.not_carried:
            return "everything in the QGIS style was carried over"
        unique = list(dict.fromkeys(self.not_carried))
        return "not carried over: " + "; ".join(unique)


_NUMBER = r"-?[0-9.]+(?:[eE][+-]?[0-9]+)?"
_COALESCE = re.compile(rf"coalesce\((.*),\s*({_NUMBER})\s*\)", re.S)
_PROPORTIONAL = re.compile(rf"CASE WHEN (.+) > 0 THEN ({_NUMBER}) \* sqrt\((.+) / ({_NUMBER})\) ELSE 0 END", re.S)
_QUOTED = re.compile(r'"((?:[^"]|"")+)"')


def read_qml(data: bytes, path: str | os.PathLike | None = None) -> ImportedStyle:
    """A QGIS ``.qml`` (bytes as read from the file) as a pakmap style; bad files raise ``StyleError``."""
    root = parse_xml(data, path, "QGIS style")
    if root.tag != "qgis":
        raise StyleError(
            f"this is not a QGIS style (its root element is <{root.tag}>)",
            path=path,
            fix="save the style from QGIS as a .qml (Layer Properties ▸ Style ▸ Save Style)",
        )
    renderer = root.find("renderer-v2")
    if renderer is None:
        raise StyleError(
            "the QGIS style has no symbology (no <renderer-v2>)",
            path=path,
            fix="save the style with the Symbology category ticked",
        )
    notes: list[str] = []
    kind = renderer.get("type", "")
    symbols = {s.get("name"): s for s in renderer.findall("./symbols/symbol")}
    if kind == "singleSymbol":
        style = _read_single(symbols, notes, path)
    elif kind == "categorizedSymbol":
        style = _read_categorized(renderer, symbols, notes, path)
    elif kind == "graduatedSymbol":
        style = _read_graduated(renderer, symbols, notes, path)
    else:
        raise StyleError(
            f"pakmap cannot read a QGIS '{kind or '(unnamed)'}' renderer",
            path=path,
            fix="in QGIS choose Single symbol, Categorized or Graduated and save the style again",
        )
    size_scale = renderer.find("./sizescale")
    if size_scale is not None and len(size_scale.attrib):
        notes.append("size scale")
    try:
        validate_style(style, str(path or "the QGIS style"))
    except StyleError as exc:
        raise StyleError(exc.problem, path=path, fix=exc.fix) from None
    labels = _read_labels(root, notes)
    opacity_text = root.findtext("layerOpacity")
    opacity = float(opacity_text) if opacity_text and _is_float(opacity_text) else 1.0
    return ImportedStyle(style, labels, max(0.0, min(1.0, opacity)), notes)


def _is_float(text: str) -> bool:
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def _symbol(symbols: dict, name: str | None, notes: list[str], path) -> tuple[Symbol, str, str | None]:
    element = symbols.get(name)
    if element is None:
        raise StyleError(
            f"the QGIS style refers to symbol '{name}', which it does not contain",
            path=path,
            fix="save the style from QGIS again",
        )
    return read_symbol(element, notes)


def _read_single(symbols: dict, notes: list[str], path) -> VectorStyle:
    symbol, fill, size_expression = _symbol(symbols, "0", notes, path)
    symbol.fill = fill
    if size_expression:
        match = _PROPORTIONAL.fullmatch(size_expression.strip())
        field_name = _value_field(match.group(1)) if match and match.group(1) == match.group(3) else None
        if match and field_name:
            return ProportionalStyle(
                field=field_name, max_size=float(match.group(2)), max_value=float(match.group(4)), symbol=symbol
            )
        notes.append(f"data-defined size '{size_expression}'")
    return SingleSymbolStyle(symbol)


def _field_of(attr: str, notes: list[str], path) -> tuple[str, float | None]:
    """The field a renderer classifies, and the value it gives missing ones (pakmap's own files)."""
    attr = (attr or "").strip()
    missing = None
    match = _COALESCE.fullmatch(attr)
    if match:
        attr, missing = match.group(1).strip(), float(match.group(2))
    field_name = _value_field(attr)
    if field_name:
        return field_name, missing
    raise StyleError(
        f"the QGIS style classifies the expression {attr!r}, not a field",
        path=path,
        fix="classify a field in QGIS, or add the expression as a field and classify that",
    )


def _value_field(expression: str) -> str | None:
    """The field whose number ``expression`` is: a bare or quoted name, or a published count read back."""
    expression = expression.strip()
    if re.fullmatch(r"[^\"'()+*/|,<>=\s-](?:[^\"'()+*/|,<>=-]*[^\"'()+*/|,<>=\s-])?", expression):
        # A bare field name, as QGIS writes it (spaces included: "Refugee count").
        return expression
    names = _QUOTED.findall(expression)
    name = names[0].replace('""', '"') if names else None
    if name is not None and expression in (quote_field(name), _published_count(name)):
        return name
    return None


def _same_symbols(first: Symbol, others: list[Symbol], notes: list[str]) -> None:
    for other in others:
        looks = ("stroke", "stroke_width", "line_style", "marker", "size", "fill_opacity")
        if any(getattr(other, key) != getattr(first, key) for key in looks):
            notes.append("outlines, sizes or fill transparency that differ between classes (kept the first class's)")
            return


def _read_categorized(renderer, symbols: dict, notes: list[str], path) -> VectorStyle:
    field_name, _ = _field_of(renderer.get("attr", ""), notes, path)
    colors: dict[str, str] = {}
    other = "#CCCCCC"
    read = []
    for category in renderer.findall("./categories/category"):
        symbol, fill, _ = _symbol(symbols, category.get("symbol"), notes, path)
        read.append(symbol)
        value = category.get("value", "")
        if category.get("render", "true") == "false":
            notes.append(f"category '{value}' hidden in QGIS (drawn)")
        if value in ("", "NULL"):
            other = fill
        else:
            colors[value] = fill
        label = category.get("label", "")
        if label and label != value and value not in ("", "NULL"):
            notes.append("category labels that differ from their values")
    if not read:
        raise StyleError(
            "the QGIS categorized style has no categories",
            path=path,
            fix="classify the layer in QGIS and save the style again",
        )
    _same_symbols(read[0], read[1:], notes)
    symbol = read[0]
    symbol.fill = next(iter(colors.values()), other)
    return CategorizedStyle(field=field_name, colors=colors, other_color=other, symbol=symbol)


def _read_graduated(renderer, symbols: dict, notes: list[str], path) -> VectorStyle:
    field_name, missing_value = _field_of(renderer.get("attr", ""), notes, path)
    ranges = []
    nodata = None
    read = []
    for element in renderer.findall("./ranges/range"):
        try:
            lower, upper = float(element.get("lower", "")), float(element.get("upper", ""))
        except ValueError:
            raise StyleError(
                "a class of the QGIS graduated style has bounds that are not numbers",
                path=path,
                fix="save the style from QGIS again",
            ) from None
        symbol, fill, _ = _symbol(symbols, element.get("symbol"), notes, path)
        if missing_value is not None and lower == upper == missing_value:
            nodata = (fill, element.get("label", "No data"))
            continue
        read.append(symbol)
        # pakmap's "<5" class (counts under the protection threshold) is made again by pakmap
        # whenever the data has such counts: its colour is kept, its bound is not a break.
        suppressed = lower == 0 and re.fullmatch(r"<\s*\d+", element.get("label", "").strip()) is not None
        ranges.append((lower, upper, fill, suppressed))
    if not ranges:
        raise StyleError(
            "the QGIS graduated style has no classes",
            path=path,
            fix="classify the layer in QGIS and save the style again",
        )
    ranges.sort(key=lambda r: r[1])
    _same_symbols(read[0], read[1:], notes)
    colors = [r[2] for r in ranges]
    symbol = read[0]
    symbol.fill = colors[0]
    breaks = [r[1] for r in ranges if not r[3] and r[1] < OPEN_HIGH]
    if not breaks:
        raise StyleError(
            'the QGIS graduated style has no classes but "<5"',
            path=path,
            fix="classify the layer in QGIS and save the style again",
        )
    if len(set(breaks)) != len(breaks):
        raise StyleError(
            "two classes of the QGIS graduated style share an upper bound",
            path=path,
            fix="give each class its own upper bound in QGIS",
        )
    style = GraduatedStyle(
        field=field_name, method="manual", classes=min(len(breaks), 12), breaks=breaks, symbol=symbol
    )
    if len(breaks) > 12:
        raise StyleError(
            f"the QGIS graduated style has {len(breaks)} classes", path=path, fix="use 12 classes or fewer"
        )
    matching = [
        name
        for name, pal in palettes().items()
        if pal.kind == "sequential" and [c.upper() for c in pal.ramp(len(colors))] == [c.upper() for c in colors]
    ]
    if matching:
        style.palette = matching[0]
    else:
        style.colors = colors
    if nodata is not None:
        style.nodata_color, style.nodata_label = nodata
    if renderer.get("graduatedMethod", "GraduatedColor") != "GraduatedColor":
        notes.append("graduated sizes (drawn as graduated colours)")
    return style


def _read_labels(root: ET.Element, notes: list[str]) -> LabelStyle | None:
    labeling = root.find("labeling")
    if labeling is None:
        return None
    if labeling.get("type") != "simple":
        notes.append(f"'{labeling.get('type')}' labeling (rule-based labels)")
        return None
    text_style = labeling.find("./settings/text-style")
    if text_style is None:
        return None
    text = text_style.get("fieldName", "")
    labels = LabelStyle()
    if text_style.get("isExpression") == "1":
        expression = expression_to_format(text)
        if expression is None:
            notes.append(f"label expression {text!r}")
            return None
        if re.fullmatch(r"\{[^{}]+\}", expression):
            labels.field = expression[1:-1]
        else:
            labels.expression = expression
    elif text:
        labels.field = text
    else:
        return None
    labels.size = _float_attr(text_style, "fontSize", labels.size)
    if text_style.get("fontSizeUnit", "Point") not in ("Point", ""):
        notes.append(f"label size in {text_style.get('fontSizeUnit')} (taken as points)")
    labels.color, _ = hex_color(text_style.get("textColor", "0,0,0,255"))
    labels.bold = (
        int(_float_attr(text_style, "fontWeight", 50)) >= 63 or "bold" in text_style.get("namedStyle", "").lower()
    )
    family = text_style.get("fontFamily", LABEL_FONT)
    if family and family != LABEL_FONT:
        notes.append(f"label font {family} (labels are set in {LABEL_FONT})")
    buffer = text_style.find("text-buffer")
    if buffer is not None and buffer.get("bufferDraw") == "1":
        labels.halo_width = _float_attr(buffer, "bufferSize", labels.halo_width)
        labels.halo_color, _ = hex_color(buffer.get("bufferColor", "255,255,255,255"))
    else:
        labels.halo_width = 0.0
    placement = labeling.find("./settings/placement")
    if placement is not None and placement.get("placement") == "4":
        labels.placement = "horizontal"
    labels.visible = root.get("labelsEnabled", "1") != "0"
    return labels


def _float_attr(element: ET.Element, name: str, default: float) -> float:
    text = element.get(name)
    return float(text) if text and _is_float(text) else default


_TERM = re.compile(
    r"""\s*(?:"((?:[^"]|"")+)"|'((?:[^'\\]|\\.)*)'|format_number\(\s*"((?:[^"]|"")+)"\s*,\s*(\d+)\s*\))\s*"""
)


def expression_to_format(expression: str) -> str | None:
    """A QGIS label expression as pakmap's format string, when it only joins fields, text and
    ``format_number``: ``concat("name", '\\n', format_number("pop", 0))`` → ``"{name}\\n{pop:,.0f}"``."""
    text = expression.strip()
    match = re.fullmatch(r"concat\((.*)\)", text, re.S)
    body, separator = (match.group(1), ",") if match else (text, "||")
    out, pos = [], 0
    while pos < len(body):
        term = _TERM.match(body, pos)
        if term is None:
            return None
        field_name, literal, number_field, decimals = term.groups()
        if field_name is not None:
            out.append("{" + field_name.replace('""', '"') + "}")
        elif literal is not None:
            unescaped = re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), literal)
            out.append(unescaped.replace("{", "{{").replace("}", "}}"))
        else:
            out.append("{" + number_field.replace('""', '"') + f":,.{decimals}f}}")
        pos = term.end()
        if pos < len(body):
            if not body.startswith(separator, pos):
                return None
            pos += len(separator)
    return "".join(out) if out else None
