"""Layer styles: what a layer looks like, as plain data.

Styles are declared in project files (``[layers.style]`` / ``[layers.labels]`` tables) and read by
every surface that draws a layer: the renderer (canvas, PNG, PDF, SVG), the legend and the web map.
Colours are CSS hex strings; sizes are in millimetres on the page (points for text) so a map looks
the same at 96 and at 600 dpi. Palette names refer to ``styles/palettes.toml``.
"""

from __future__ import annotations

import dataclasses
import math
import numbers
import re
from dataclasses import dataclass, field
from typing import Any, ClassVar, Union

from . import limits
from .errors import StyleError
from .field_format import parse_expression
from .numbers import exact_number_text
from .palettes import palette

KEEP = "keep"  # GraduatedStyle.breaks: compute once, then keep the bounds month after month
CLASSIFICATION_METHODS = ("quantiles", "natural_breaks", "equal_interval", "std_mean", "manual")
MARKERS = ("circle", "square", "triangle", "diamond", "settlement", "camp", "capital")
LINE_STYLES = ("solid", "dash", "dot")
# A dotted line in line widths (on, off), for print and web alike: a dash of almost no length whose
# round caps make a dot one line width across, then a clear gap as wide again.
DOT_PATTERN = (0.01, 2.0)
LABEL_PLACEMENTS = ("line", "horizontal")


@dataclass
class Symbol:
    """Fill, outline and marker shared by every style kind."""

    fill: str = "#0072BC"  # "none": outline only (province borders over a choropleth)
    stroke: str = "#FFFFFF"
    stroke_width: float = 0.2  # mm
    marker: str = "circle"  # point layers only; see MARKERS
    size: float = 2.5  # mm, marker diameter
    opacity: float = 1.0  # the whole symbol: fill, outline and a marker's pictogram
    # The fill alone (polygons, marker bodies, circles), so a choropleth over a raster lets it show
    # through while its boundaries stay crisp; multiplied with ``opacity``.
    fill_opacity: float = 1.0
    line_style: str = "solid"  # solid | dash | dot: lines and outlines (the Line of Control is dotted)

    @property
    def fill_alpha(self) -> float:
        """The opacity a fill is drawn with: the symbol's times the fill's own."""
        return float(self.opacity) * float(self.fill_opacity)


@dataclass
class SingleSymbolStyle:
    kind: ClassVar[str] = "single"
    symbol: Symbol = field(default_factory=Symbol)


@dataclass
class CategorizedStyle:
    """Unique values of ``field`` coloured from a categorical palette (or explicit colours)."""

    kind: ClassVar[str] = "categorized"
    field: str = ""
    palette: str = "unhcr_categorical"
    colors: dict[str, str] = dataclasses.field(default_factory=dict)  # value -> colour overrides
    other_color: str = "#CCCCCC"
    symbol: Symbol = dataclasses.field(default_factory=Symbol)


@dataclass
class GraduatedStyle:
    """A numeric ``field`` classified (``pakmap.classify``) and coloured from a sequential ramp."""

    kind: ClassVar[str] = "graduated"
    field: str = ""
    method: str = "natural_breaks"  # one of CLASSIFICATION_METHODS
    classes: int = 5
    # Upper bounds, for method = "manual"; or "keep": the bounds the method computes are recorded
    # here (with breaks_kept_from) when the project is saved, and next month's map uses them.
    breaks: list[float] | str | None = None
    breaks_kept_from: str = ""  # the data the kept bounds were computed from (set by pakmap)
    breaks_lower: float | None = None  # the first class's lower bound when the bounds were kept
    # Computed bounds rounded to readable numbers before classifying (6,400 – 15,000); false: exact
    round_bounds: bool = True
    palette: str = "unhcr_blue"
    # Explicit class colours, light to dark (a style imported from QGIS); used instead of the palette
    # when the classification yields exactly as many classes.
    colors: list[str] | None = None
    nodata_color: str = "#E6E6E6"
    nodata_label: str = "No data"
    symbol: Symbol = dataclasses.field(default_factory=Symbol)


@dataclass
class ProportionalStyle:
    """Area-true circles sized by a count (refugees per district), at polygon centroids for areas."""

    kind: ClassVar[str] = "proportional"
    field: str = ""
    max_size: float = 14.0  # mm, diameter of the circle for max_value
    max_value: float | None = None  # None: the largest value in the data
    legend_values: list[float] | None = None  # None: chosen automatically (round numbers)
    symbol: Symbol = dataclasses.field(
        default_factory=lambda: Symbol(fill="#0072BC", stroke="#FFFFFF", stroke_width=0.3, opacity=0.75)
    )


@dataclass
class LabelStyle:
    """Text drawn for each feature: a field, or an expression such as ``"{name}\\n{refugees:,.0f}"``."""

    field: str | None = None
    expression: str | None = None
    size: float = 7.0  # pt
    color: str = "#000000"
    bold: bool = False
    halo_color: str = "#FFFFFF"
    halo_width: float = 0.4  # mm
    priority: str | None = None  # numeric field: larger values placed first; default: feature size
    visible: bool = True
    # Line features only: "line" turns the text along the line, "horizontal" sets it level at the middle.
    placement: str = "line"

    @property
    def text_expression(self) -> str:
        """The expression as formatted: a typed "\\n" (a text box, not a TOML string) breaks the line too."""
        return (self.expression or "").replace("\\n", "\n")


_TWO_LINES = re.compile(r"\{(\w+)\}\n\{(\w+)\}")


def two_line_fields(labels: LabelStyle) -> tuple[str, str] | None:
    """The two fields of a two-line label (``"{name}\\n{name_local}"``: English above Urdu), as the
    style dialog shows it; None for any other label."""
    match = _TWO_LINES.fullmatch(labels.text_expression) if labels.expression else None
    return (match.group(1), match.group(2)) if match else None


@dataclass
class RasterStyle:
    band: int = 1
    palette: str = "unhcr_blue"
    vmin: float | None = None  # None: 2nd percentile of the visible data
    vmax: float | None = None  # None: 98th percentile
    opacity: float = 1.0
    # A value drawn as no data (transparent) besides the file's own: a file that writes -9999 or 0
    # for "no data" without declaring it would otherwise stretch the ramp to that value.
    nodata: float | None = None


NEW_LAYER_PALETTE = "unhcr_layers"  # styles/palettes.toml: the colours new layers take in turn
OVERLAY_STROKE_MM = 0.5  # the outline of a polygon layer added over another: it must read above the fills


def new_layer_style(geometry: str, taken: int, over_polygons: bool) -> SingleSymbolStyle:
    """The style of a layer just added to a map: the next colour of the ``unhcr_layers`` palette
    (``taken``: the vector layers already on the map), so a second layer never looks like the first.

    ``geometry`` is ``VectorLayer.geometry_type``. A polygon layer added over another polygon layer
    (provinces over districts) is an outline in that colour, so the layer beneath stays visible.
    """
    colors = palette(NEW_LAYER_PALETTE).colors
    color = colors[taken % len(colors)]
    if geometry == "Polygon" and over_polygons:
        return SingleSymbolStyle(Symbol(fill="none", stroke=color, stroke_width=OVERLAY_STROKE_MM))
    return SingleSymbolStyle(Symbol(fill=color))


VectorStyle = Union[SingleSymbolStyle, CategorizedStyle, GraduatedStyle, ProportionalStyle]
STYLE_KINDS: dict[str, type] = {
    cls.kind: cls for cls in (SingleSymbolStyle, CategorizedStyle, GraduatedStyle, ProportionalStyle)
}


# --- (de)serialization -------------------------------------------------------------------------


def _from_mapping(cls: type, data: dict[str, Any], where: str) -> Any:
    known = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - set(known) - {"kind"})
    if unknown:
        raise StyleError(f"unknown key(s) {', '.join(unknown)} in {where}", fix=f"use only: {', '.join(sorted(known))}")
    values: dict[str, Any] = {}
    for name, value in data.items():
        if name == "kind":
            continue
        if name == "symbol":
            if not isinstance(value, dict):
                raise StyleError(f"'symbol' in {where} must be a table", fix="write [....symbol] with fill, stroke…")
            value = _from_mapping(Symbol, value, f"{where}.symbol")
        values[name] = value
    try:
        return cls(**values)
    except TypeError as exc:  # pragma: no cover - defensive
        raise StyleError(f"invalid {where}: {exc}") from None


def _to_mapping(obj: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    kind = getattr(type(obj), "kind", None)
    if isinstance(kind, str):
        out["kind"] = kind
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        if value is None:
            continue  # TOML has no null: absent means default
        if dataclasses.is_dataclass(value):
            value = _to_mapping(value)
        out[f.name] = value
    return out


def style_table(style: VectorStyle | RasterStyle | LabelStyle) -> dict[str, Any]:
    """A style as a project file writes it: its ``kind`` and what differs from that kind's defaults,
    so a saved file stays short and reads back to an equal style."""
    return _compact(_to_mapping(style), _to_mapping(type(style)()))


def _compact(values: dict[str, Any], defaults: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in values.items():
        default = defaults.get(key)
        if isinstance(value, dict) and isinstance(default, dict):
            value = _compact(value, default)
            if value:
                out[key] = value
        elif key == "kind" or value != default:
            out[key] = value
    return out


def style_from_dict(data: dict[str, Any] | None, where: str = "style") -> VectorStyle:
    """Build a vector style from a project-file table; ``kind`` picks the class (default single)."""
    if not data:
        return SingleSymbolStyle()
    kind = data.get("kind", "single")
    cls = STYLE_KINDS.get(kind)
    if cls is None:
        raise StyleError(f"unknown style kind '{kind}' in {where}", fix=f"use one of: {', '.join(STYLE_KINDS)}")
    style = _from_mapping(cls, data, where)
    validate_style(style, where)
    return style


def validate_style(style: VectorStyle, where: str = "style") -> None:
    if isinstance(style, (CategorizedStyle, GraduatedStyle, ProportionalStyle)) and not style.field:
        raise StyleError(f"{where} of kind '{style.kind}' needs a 'field'", fix="name the attribute to map")
    if isinstance(style, GraduatedStyle):
        if style.method not in CLASSIFICATION_METHODS:
            raise StyleError(
                f"unknown classification method '{style.method}' in {where}",
                fix=f"use one of: {', '.join(CLASSIFICATION_METHODS)}",
            )
        if style.method == "manual" and (not style.breaks or style.breaks == KEEP):
            raise StyleError(
                f"{where} uses manual classification without 'breaks'",
                fix="give breaks = [upper bound of each class, …]",
            )
        if isinstance(style.breaks, str) and style.breaks != KEEP:
            raise StyleError(
                f"'breaks' in {where} must be a list of numbers or \"keep\", not {style.breaks!r}",
                fix='write breaks = [1000, 10000, 100000], or breaks = "keep" to keep computed bounds',
            )
        if style.breaks and style.breaks != KEEP:
            check_breaks(style.breaks, where)
        if not isinstance(style.round_bounds, bool):
            raise StyleError(
                f"'round_bounds' in {where} must be true or false", fix="write round_bounds = false for exact bounds"
            )
        if style.breaks_lower is not None and not _is_number(style.breaks_lower):
            raise StyleError(f"'breaks_lower' in {where} is not a number", fix='delete it and set breaks = "keep"')
        if style.colors is not None and (
            not isinstance(style.colors, list)
            or not all(isinstance(c, str) and len(c) == 7 and c.startswith("#") for c in style.colors)
        ):
            raise StyleError(
                f"'colors' in {where} must be a list of colours like \"#0072BC\"",
                fix='write colors = ["#CDE3F1", "#0072BC"], or leave it out to use the palette',
            )
        if not 1 <= int(style.classes) <= 12:
            raise StyleError(f"{where} asks for {style.classes} classes", fix="use 1 to 12 classes")
    if style.symbol.line_style not in LINE_STYLES:
        raise StyleError(
            f"unknown line style '{style.symbol.line_style}' in {where}", fix=f"use one of: {', '.join(LINE_STYLES)}"
        )
    if style.symbol.marker not in MARKERS:
        raise StyleError(f"unknown marker '{style.symbol.marker}' in {where}", fix=f"use one of: {', '.join(MARKERS)}")
    _check_symbol(style.symbol, f"the symbol of {where}")
    if isinstance(style, ProportionalStyle):
        limits.check_size(limits.MARKER_SIZE, style.max_size, "max_size", where)


def _check_symbol(symbol: Symbol, where: str) -> None:
    """Sizes a renderer can draw (a marker a kilometre wide exhausts memory) and an opacity."""
    limits.check_size(limits.MARKER_SIZE, symbol.size, "size", where)
    limits.check_size(limits.LINE_WIDTH, symbol.stroke_width, "stroke_width", where)
    _check_opacity(symbol.opacity, where)
    _check_opacity(symbol.fill_opacity, where, "fill_opacity")


def _check_opacity(value, where: str, key: str = "opacity") -> None:
    if not _is_number(value) or not 0 <= value <= 1:
        raise StyleError(f"{key} {value!r} in {where} is not between 0 and 1", fix=f"write {key} = 0.8")


def check_breaks(breaks, where: str = "style") -> list[float]:
    """Manual class bounds as floats: numbers, strictly increasing (each the top of one class)."""
    if isinstance(breaks, (str, bytes)) or not isinstance(breaks, (list, tuple)):
        raise StyleError(
            f"'breaks' in {where} must be a list of numbers, not {breaks!r}", fix="write breaks = [1000, 10000, 100000]"
        )
    values = []
    for i, b in enumerate(breaks, 1):
        # bool is an int to Python, but `true` in a list of bounds is a typo, not a number.
        if isinstance(b, bool) or not isinstance(b, numbers.Real) or not math.isfinite(b):
            raise StyleError(
                f"break {i} ({b!r}) in {where} is not a number", fix="give each upper bound as a number, e.g. 10000"
            )
        values.append(float(b))
    for i in range(1, len(values)):
        if values[i] <= values[i - 1]:
            raise StyleError(
                f"the breaks in {where} must increase: break {i + 1} ({exact_number_text(values[i])}) is not "
                f"above break {i} ({exact_number_text(values[i - 1])})",
                fix="list the upper bounds from smallest to largest",
            )
    return values


def style_to_dict(style: VectorStyle) -> dict[str, Any]:
    return _to_mapping(style)


def kept_breaks(style: VectorStyle) -> bool:
    """A graduated style whose bounds were kept from an earlier map (``breaks = "keep"``, recorded)."""
    return (
        isinstance(style, GraduatedStyle)
        and style.method != "manual"
        and bool(style.breaks_kept_from)
        and isinstance(style.breaks, list)
        and bool(style.breaks)
    )


def labels_from_dict(data: dict[str, Any] | None, where: str = "labels") -> LabelStyle | None:
    if not data:
        return None
    labels = _from_mapping(LabelStyle, data, where)
    if not labels.field and not labels.expression:
        raise StyleError(f"{where} needs a 'field' or an 'expression'", fix='e.g. field = "name"')
    if labels.expression is not None:  # a one-line error now, not when drawing
        parse_expression(labels.text_expression if isinstance(labels.expression, str) else labels.expression, where)
    if labels.placement not in LABEL_PLACEMENTS:
        raise StyleError(
            f"unknown label placement {labels.placement!r} in {where}", fix=f"use one of: {', '.join(LABEL_PLACEMENTS)}"
        )
    limits.check_size(limits.LABEL_SIZE, labels.size, "size", where)
    limits.check_size(limits.LINE_WIDTH, labels.halo_width, "halo_width", where)
    return labels


def labels_to_dict(labels: LabelStyle | None) -> dict[str, Any] | None:
    return None if labels is None else _to_mapping(labels)


def raster_style_from_dict(data: dict[str, Any] | None, where: str = "style") -> RasterStyle:
    style = RasterStyle() if not data else _from_mapping(RasterStyle, {k: v for k, v in data.items()}, where)
    validate_raster_style(style, where)
    return style


def _is_number(value: Any) -> bool:
    return not isinstance(value, bool) and isinstance(value, numbers.Real) and math.isfinite(value)


def validate_raster_style(style: RasterStyle, where: str = "style") -> None:
    """A raster style that can be drawn: a band number, a known palette, min below max, opacity 0–1."""
    if isinstance(style.band, bool) or not isinstance(style.band, numbers.Integral) or style.band < 1:
        raise StyleError(f"band {style.band!r} in {where} is not a band number", fix="use band = 1 for the first band")
    palette(style.palette)  # an unknown palette names the ones there are
    for key in ("vmin", "vmax", "nodata"):
        value = getattr(style, key)
        if value is not None and not _is_number(value):
            raise StyleError(f"'{key}' in {where} ({value!r}) is not a number", fix=f"write {key} = 0, or leave it out")
    if style.vmin is not None and style.vmax is not None and not style.vmin < style.vmax:
        raise StyleError(
            f"the stretch in {where} runs from {style.vmin:g} to {style.vmax:g}",
            fix="give a 'vmin' below 'vmax', or leave one out to use the data's percentile",
        )
    _check_opacity(style.opacity, where)


def raster_style_to_dict(style: RasterStyle) -> dict[str, Any]:
    return _to_mapping(style)
