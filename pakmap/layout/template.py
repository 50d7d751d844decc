"""Page templates: ``styles/templates/*.toml`` read and validated into a ``Template``.

A template is data an officer edits (page size, margins, where each element sits in mm, fonts and
colours, the disclaimer and Jammu and Kashmir wording). Every mistake is a ``StyleError`` naming the
file, the key and the fix, so a typo never silently drops the disclaimer from a map.
"""

from __future__ import annotations

import dataclasses
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import limits
from ..crs import as_bounds
from ..errors import PakmapError, StyleError
from ..field_format import parse_expression
from ..resources import is_template_file, read_data_file, style_file
from .box import Box, overlaps

# The elements a template may place. ``map`` and ``title`` are required; any other may be left out.
ELEMENTS = (
    "title",
    "subtitle",
    "dates",
    "map_id",
    "map",
    "legend",
    "scalebar",
    "north_arrow",
    "locator",
    "sources",
    "disclaimer",
    "kashmir_note",
    "logo",
    "contact",
    "banner",
    "charts",  # the panel of the project's charts and tables; without it the map frame makes room
)
REQUIRED = ("title", "map")
TEXTS = ("disclaimer", "kashmir_note", "banner", "as_of", "created", "map_id", "sources", "contact", "logo_text")
_HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")
# A font family name: letters of any script, digits, spaces, hyphens, underscores, dots. The name is
# written into SVG and PDF files as it is (Qt's SVG writer does not escape it): a quote or an angle
# bracket would put markup, even script, into an exported map.
FONT_FAMILY = re.compile(r"\w[\w .-]{0,79}")


@dataclass(frozen=True)
class ElementSpec:
    """Where one element sits and how its text looks (sizes in pt, lengths in mm)."""

    name: str
    box: Box
    size: float = 8.0  # pt: the text size (legend labels, scale bar numbers…)
    min_size: float | None = None  # pt: text may shrink down to this to fit its box
    max_size: float | None = None  # pt: legend: a short legend grows up to this to fill its box
    bold: bool = False
    color: str = "#000000"
    align: str = "left"  # left | center | right
    fill: str | None = None  # background (banner, logo mark, locator land)
    stroke: str | None = None  # outline (map frame, locator extent box)
    layer: str | None = None  # locator: boundary layer of the project
    path: str | None = None  # locator: boundary file; logo: SVG file (relative to the template)
    title_size: float | None = None  # legend: size of layer names


@dataclass(frozen=True)
class Template:
    name: str
    path: Path
    width: float  # mm
    height: float  # mm
    margin: float  # mm
    font: str
    elements: dict[str, ElementSpec]
    texts: dict[str, str]
    kashmir_bbox: tuple[float, float, float, float]  # lon/lat box of the J&K area
    kashmir_layers: tuple[str, ...] = ()  # layers whose presence in view means J&K is in view

    @property
    def page(self) -> Box:
        return Box(0.0, 0.0, self.width, self.height)

    def element(self, name: str) -> ElementSpec | None:
        return self.elements.get(name)

    def resolve(self, relative: str) -> Path:
        p = Path(relative).expanduser()
        return p if p.is_absolute() else self.path.parent / p


_ELEMENT_KEYS = {f.name for f in dataclasses.fields(ElementSpec)} - {"name"}


def template_path(name_or_path: str | os.PathLike, folder: str | os.PathLike | None = None) -> Path:
    """A template name (``a4_landscape``) from ``styles/templates/``, or a path to a TOML file.

    A relative path is found in ``folder`` (the project's: a template sent with the project sits
    beside it), else, for a bare file name, among the built-in templates.
    """
    text = os.fspath(name_or_path)
    if not is_template_file(text):
        return style_file(f"templates/{text}.toml")
    path = Path(text).expanduser()
    if path.is_absolute():
        return path
    beside = Path(folder) / path if folder is not None else path
    if not beside.is_file() and path.name == text:
        built_in = style_file(f"templates/{text}")
        if built_in.is_file():
            return built_in
    return beside


def available_templates() -> list[str]:
    folder = style_file("templates")
    return sorted(p.stem for p in folder.glob("*.toml")) if folder.is_dir() else []


def load_template(
    name_or_path: str | os.PathLike = "a4_landscape", folder: str | os.PathLike | None = None
) -> Template:
    """Read and validate a page template (a relative path: from ``folder``, the project's); every
    problem is a one-line ``StyleError``."""
    path = template_path(name_or_path, folder)
    if not path.is_file():
        raise StyleError(
            "page template not found",
            path=path,
            fix=f"use one of: {', '.join(available_templates())}, or a path to a .toml template",
        )
    data = read_data_file(path, "template")
    try:
        return _build(path, data)
    except PakmapError as exc:  # StyleError, or LimitError for sizes beyond pakmap's limits
        raise type(exc)(exc.problem, path=path, fix=exc.fix) from None


def _build(path: Path, data: dict[str, Any]) -> Template:
    _only(data, {"page", "font", "elements", "text", "kashmir"}, "the template")
    page = _table(data, "page")
    _only(page, {"width", "height", "margin"}, "[page]")
    width, height = _number(page, "width", "[page]"), _number(page, "height", "[page]")
    for key, side in (("width", width), ("height", height)):
        limits.check_size(limits.PAGE_SIDE, side, key, "[page]")
    margin = _number(page, "margin", "[page]", default=10.0)
    font = data.get("font", "Lato")
    if not isinstance(font, str) or not FONT_FAMILY.fullmatch(font):
        raise StyleError(
            f"font = {str(font)[:80]!r} is not a font family name",
            fix='write a family name of letters, digits, spaces and hyphens, e.g. font = "Lato"',
        )
    raw_elements = _table(data, "elements")
    unknown = sorted(set(raw_elements) - set(ELEMENTS))
    if unknown:
        raise StyleError(
            f"unknown element(s) {', '.join(unknown)} in [elements]", fix=f"use only: {', '.join(ELEMENTS)}"
        )
    missing = [n for n in REQUIRED if n not in raw_elements]
    if missing:
        raise StyleError(
            f"the template has no {', '.join(missing)} element", fix=f"add [elements.{missing[0]}] with a box"
        )
    elements = {name: _element(name, spec) for name, spec in raw_elements.items()}
    printable = Box(margin, margin, width - 2 * margin, height - 2 * margin)
    for spec in elements.values():
        if not spec.box.inside(printable):
            raise StyleError(
                f"element '{spec.name}' box {_fmt(spec.box)} is outside the page margins {_fmt(printable)}",
                fix="move or shrink the box (x, y, width, height in mm from the top-left corner)",
            )
    clashes = overlaps({n: s.box for n, s in elements.items()})
    if clashes:
        a, b = clashes[0]
        raise StyleError(f"elements '{a}' and '{b}' overlap", fix="move one of the two boxes so they do not overlap")
    texts = _table(data, "text", required=False)
    _only(texts, set(TEXTS), "[text]")
    for key, value in texts.items():
        if not isinstance(value, str):
            raise StyleError(f"[text] {key} must be a string", fix="put the wording in quotes")
        parse_expression(value, f"[text] {key}")
    kashmir = _table(data, "kashmir", required=False)
    _only(kashmir, {"bbox", "layers"}, "[kashmir]")
    bbox = kashmir.get("bbox", [72.5, 32.3, 77.9, 37.1])
    if not (isinstance(bbox, list) and len(bbox) == 4 and all(isinstance(v, (int, float)) for v in bbox)):
        raise StyleError("[kashmir] bbox must be [lon_min, lat_min, lon_max, lat_max]", fix="give four numbers")
    layers = kashmir.get("layers", ["line_of_control"])
    return Template(
        path.stem,
        path,
        width,
        height,
        margin,
        font,
        elements,
        dict(texts),
        as_bounds(bbox),
        tuple(str(v) for v in layers),
    )


def _element(name: str, spec: Any) -> ElementSpec:
    where = f"[elements.{name}]"
    if not isinstance(spec, dict):
        raise StyleError(f"{where} must be a table", fix="write [elements.NAME] with box = [x, y, width, height]")
    _only(spec, _ELEMENT_KEYS, where)
    box = spec.get("box")
    if not (isinstance(box, list) and len(box) == 4 and all(isinstance(v, (int, float)) for v in box)):
        raise StyleError(f"{where} needs box = [x, y, width, height] in mm", fix="give four numbers")
    if box[2] <= 0 or box[3] <= 0:
        raise StyleError(f"{where} box has no area", fix="width and height must be positive")
    values = {k: v for k, v in spec.items() if k != "box"}
    for key in ("color", "fill", "stroke"):
        if key in values and not (isinstance(values[key], str) and _HEX.match(values[key])):
            raise StyleError(
                f"{where} {key} = {values[key]!r} is not a colour", fix='write a hex colour such as "#0072BC"'
            )
    if values.get("align", "left") not in ("left", "center", "right"):
        raise StyleError(f"{where} align = {values['align']!r}", fix="use left, center or right")
    for key in ("size", "min_size", "max_size", "title_size"):
        if key in values and not (isinstance(values[key], (int, float)) and values[key] > 0):
            raise StyleError(f"{where} {key} must be a positive number of points", fix="e.g. size = 8")
        if key in values:
            limits.check_size(limits.LABEL_SIZE, values[key], key, where)
    return ElementSpec(name=name, box=Box(*(float(v) for v in box)), **values)


def _only(table: dict, allowed: set[str], where: str) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise StyleError(
            f"unknown key(s) {', '.join(unknown)} in {where}", fix=f"use only: {', '.join(sorted(allowed))}"
        )


def _table(data: dict, key: str, required: bool = True) -> dict:
    value = data.get(key)
    if value is None and not required:
        return {}
    if not isinstance(value, dict):
        raise StyleError(
            f"the template needs a [{key}] table", fix=f"add [{key}] (see styles/templates/a4_landscape.toml)"
        )
    return value


def _number(table: dict, key: str, where: str, default: float | None = None) -> float:
    value = table.get(key, default)
    if not isinstance(value, (int, float)) or isinstance(value, bool) or value <= 0:
        raise StyleError(f"{where} {key} must be a positive number of mm", fix=f"e.g. {key} = 297")
    return float(value)


def _fmt(box: Box) -> str:
    return f"[{box.x:g}, {box.y:g}, {box.width:g}, {box.height:g}]"
