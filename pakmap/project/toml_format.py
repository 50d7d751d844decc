"""Reading and writing project files (TOML).

The mapping between TOML tables and the dataclasses of ``pakmap.project.model`` is generic: a key is
a field, a sub-table is a nested dataclass, an array of tables is a list of them. Unknown keys are
errors that name the key, the table and the keys allowed there — a typo such as ``titel`` must not
be silently ignored. Styles and labels are validated on load too, so a wrong style is reported when
the project opens, not half-way through an export.
"""

from __future__ import annotations

import dataclasses
import math
import os
import re
import tomllib
import types
import typing
from pathlib import Path
from typing import Any

import tomli_w

from .. import __version__
from ..atomic import write_text_atomic
from ..errors import PakmapError, ProjectError
from ..field_format import parse_expression
from ..field_kinds import KINDS
from ..file_guard import check_outputs, regular_file
from ..join.aliases import group_entries
from ..join.zonal import ZONAL_STATS
from ..limits import DPI_RANGE
from ..postgis.address import as_source, is_database_address, source_from_table
from ..resources import is_template_file
from ..style import (
    RasterStyle,
    labels_from_dict,
    raster_style_from_dict,
    style_from_dict,
    style_table,
)
from .files import project_sources
from .model import (
    CHART_KINDS,
    FORMAT_VERSION,
    INSETS_LIMIT,
    JOIN_KINDS,
    JOIN_ROLES,
    MAX_CHART_ROWS,
    PRODUCT_FILES,
    PRODUCT_KINDS,
    LayerSpec,
    Project,
    ViewSpec,
)

_HEADER = "# pakmap project — see docs/project-format.md for every key\n"


def load_project(path: str | os.PathLike) -> Project:
    """Read a project file; every problem is a ``ProjectError`` naming the file and the fix."""
    path = regular_file(path, "project file")
    if not path.exists():
        raise ProjectError(
            "project file not found", path=path, fix="check the path, or create one with `pakmap map … --save-project`"
        )
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ProjectError(
            "not a text file (a project is TOML text in UTF-8)",
            path=path,
            fix="open the .toml project file, not a data or output file",
        ) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProjectError(
            f"malformed project file: {exc}",
            path=path,
            fix="fix the TOML syntax at that line, or restore the last good copy",
        ) from None
    except RecursionError:  # arrays or tables nested thousands deep: no project is written so
        raise ProjectError(
            "malformed project file: values nested too deeply",
            path=path,
            fix="restore the last good copy, or create the project again with pakmap",
        ) from None
    header = data.pop("pakmap", None)
    if not isinstance(header, dict) or "format" not in header:
        raise ProjectError(
            "not a pakmap project (no [pakmap] table with a format number)",
            path=path,
            fix="start the file with [pakmap] format = 1, or create it with pakmap",
        )
    version = header.get("format")
    if not isinstance(version, int) or version < 1:
        raise ProjectError(f"unknown project format {version!r}", path=path, fix=f"set format = {FORMAT_VERSION}")
    if version > FORMAT_VERSION:
        raise ProjectError(
            f"written by a newer pakmap (format {version}; this pakmap reads up to {FORMAT_VERSION})",
            path=path,
            fix="update pakmap to open this project",
        )
    try:
        project = _from_table(Project, data, "project")
        validate(project)
    except PakmapError as exc:
        raise ProjectError(exc.problem, path=path, fix=exc.fix) from None
    project.path = path.resolve()
    return project


def validate(project: Project) -> None:
    """Cross-checks the generic reader cannot do: styles, unique names, joins naming real layers."""
    names = [spec.name for spec in project.layers]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ProjectError(f"layer name(s) used twice: {', '.join(duplicates)}", fix="give every layer its own name")
    for spec in project.layers:
        for field, kind in spec.fields.items():
            if kind not in KINDS:
                raise ProjectError(
                    f"layer '{spec.name}' declares field '{field}' as {kind!r}, not a field kind",
                    fix=f"use one of: {', '.join(KINDS)}",
                )
    for spec in project.layers:
        _validate_source(spec, [n for n in names if n != spec.name])
    _check_dissolve_chains(project)
    _validate_view(project.view)
    if project.layout.atlas is not None:
        parse_expression(project.layout.atlas.title, "[layout.atlas] title")
    for i, join in enumerate(project.joins, 1):
        try:
            group_entries(join.groups)
        except PakmapError as exc:
            raise ProjectError(f"join {i}: {exc.problem}", fix=exc.fix) from None
        for role in JOIN_ROLES:
            ref = getattr(join, role)
            if ref and ref not in names:
                raise ProjectError(
                    f"join {i} names {role} '{ref}', which is not a layer of the project",
                    fix=f"use one of: {', '.join(names) or '(no layers)'}",
                )
        if join.kind not in JOIN_KINDS:
            raise ProjectError(f"join {i} has kind '{join.kind}'", fix='use kind = "attribute", "spatial" or "zonal"')
        if join.kind == "attribute" and (not join.table or not join.on):
            raise ProjectError(
                f"attribute join {i} needs a table and on = [[layer_field, table_field]]",
                fix='e.g. on = [["name", "district"]]',
            )
        if any(len(pair) != 2 for pair in join.on):
            raise ProjectError(
                f"join {i}: every 'on' entry must be [layer_field, table_field]",
                fix='e.g. on = [["pcode", "admin2_pcode"]]',
            )
        if join.kind == "spatial" and (not join.points or not join.stats):
            raise ProjectError(
                f"spatial join {i} needs points and stats",
                fix='e.g. points = "villages", stats = { villages = "count" }',
            )
        if join.kind == "zonal":
            _validate_zonal(join, i)
    for i, export in enumerate(project.exports, 1):
        _validate_export(export, i, names)
        if export.dashboard and not export.path.lower().endswith((".html", ".htm")):
            raise ProjectError(
                f"export {i} ('{export.path}') asks for a dashboard, which is a web page",
                fix="end its path with .html, or remove dashboard = true",
            )
    for i, product in enumerate(project.products, 1):
        _validate_product(product, i)
    for i, chart in enumerate(project.layout.charts, 1):
        _validate_chart(chart, i, names)
    _check_numbers(project)


def _validate_export(export, i: int, names: list[str]) -> None:
    """A database export names its table and the layer it publishes; a file export uses neither key."""
    if not is_database_address(export.path):
        if export.layer or export.replace:
            raise ProjectError(
                f"export {i} ('{export.path}') is a file, but gives {'layer' if export.layer else 'replace'}",
                fix='layer and replace are for a database table (path = "postgresql://…/schema.table"); remove them',
            )
        return
    target = as_source(export.path)
    if not target.table or target.query:
        raise ProjectError(
            f"export {i} ('{target}') names no table", fix="end the address with /SCHEMA.TABLE, e.g. /public.monthly"
        )
    if export.layer not in names:
        raise ProjectError(
            f"export {i} to table {target.table_name} publishes "
            + (f"layer '{export.layer}', which is not a layer of the project" if export.layer else "no layer"),
            fix=f'add layer = "NAME" with one of: {", ".join(names) or "(no layers)"}',
        )
    if export.atlas or export.world_file:
        raise ProjectError(
            f"export {i} to table {target.table_name} asks for {'an atlas' if export.atlas else 'a world file'}",
            fix="atlas and world_file are for print files (.pdf, .png); remove them from the database export",
        )


def _validate_chart(chart, i: int, names: list[str]) -> None:
    where = f"[[layout.charts]] {i}"
    if chart.kind not in CHART_KINDS:
        raise ProjectError(f"{where} has kind '{chart.kind}'", fix='use kind = "bar" or "table"')
    if chart.layer not in names:
        raise ProjectError(
            f"{where} names layer '{chart.layer}', which is not a layer of the project",
            fix=f"use one of: {', '.join(names) or '(no layers)'}",
        )
    if not 1 <= chart.top <= MAX_CHART_ROWS:
        raise ProjectError(f"{where} top = {chart.top}", fix=f"give a whole number from 1 to {MAX_CHART_ROWS}")


_PRODUCT_OUTPUTS = {
    "quality": (".html", ".pdf", ".csv"),
    "exposure": (".csv", ".gpkg", ".pdf", ".png"),
    "3w": (".pdf", ".png", ".csv", ".xlsx", ".html"),
}
_PRODUCT_NEEDS = {"quality": ("input",), "exposure": ("hazard", "by"), "3w": ("input", "by")}
_PRODUCT_EXAMPLE = {
    "quality": 'input = "sites.csv"',
    "exposure": 'hazard = "flood.tif", by = "districts.gpkg"',
    "3w": 'input = "activities.xlsx", by = "districts.gpkg"',
}


def _validate_product(product, i: int) -> None:
    if product.kind not in PRODUCT_KINDS:
        raise ProjectError(f"product {i} has kind '{product.kind}'", fix='use kind = "quality", "exposure" or "3w"')
    missing = [key for key in _PRODUCT_NEEDS[product.kind] if not getattr(product, key)]
    if missing:
        example = _PRODUCT_EXAMPLE[product.kind]
        raise ProjectError(f"{product.kind} product {i} lacks {', '.join(missing)}", fix=f"e.g. {example}")
    if not product.outputs:
        raise ProjectError(f"{product.kind} product {i} has no outputs", fix='e.g. outputs = ["report.pdf"]')
    allowed = _PRODUCT_OUTPUTS[product.kind]
    for out in product.outputs:
        if Path(out).suffix.lower() not in allowed:
            raise ProjectError(
                f"{product.kind} product {i} cannot write '{out}'", fix=f"end its outputs with {', '.join(allowed)}"
            )
    if product.header_row is not None and product.header_row < 1:
        raise ProjectError(f"product {i}: header_row {product.header_row}", fix="rows are numbered from 1")


def _validate_zonal(join, i: int) -> None:
    if not join.raster or not join.stats:
        raise ProjectError(
            f"zonal statistics {i} need a raster and stats",
            fix='e.g. raster = "flood", stats = { flooded_share = "mean" }',
        )
    bad = {out: op for out, op in join.stats.items() if op not in ZONAL_STATS}
    if bad:
        out, op = next(iter(bad.items()))
        raise ProjectError(
            f"zonal statistics {i}: unknown statistic '{op}' for '{out}'", fix=f"use one of: {', '.join(ZONAL_STATS)}"
        )
    if join.band < 1:
        raise ProjectError(f"zonal statistics {i}: band {join.band}", fix="bands are numbered from 1")


def _validate_source(spec, others: list[str]) -> None:
    """A layer is read from a file (``path``) or made from another layer (``dissolve``), not both."""
    if spec.source and (spec.path or spec.dissolve is not None):
        raise ProjectError(
            f"layer '{spec.name}' has a database source and {'a path' if spec.path else 'dissolve'}",
            fix="a layer is read from one place: keep [layers.source] or the other",
        )
    if spec.source:
        source_from_table(spec.source, f"layer '{spec.name}'")  # a password or an unknown key: refused now
        return
    if spec.dissolve is None:
        if not spec.path:
            raise ProjectError(
                f"layer '{spec.name}' has no path",
                fix='give path = "FILE", or dissolve = '
                '{ source = "LAYER", by = "FIELD" } to make it from another layer',
            )
        if is_database_address(spec.path):
            as_source(spec.path)  # a password in the address: refused before the project is used
        return
    if spec.path:
        raise ProjectError(
            f"layer '{spec.name}' has both a path and dissolve",
            fix="a dissolved layer is made from its source layer: remove path",
        )
    fields = spec.dissolve.fields
    if not fields or not all(isinstance(f, str) and f.strip() for f in fields):
        raise ProjectError(
            f"layer '{spec.name}': dissolve.by must name one or more fields",
            fix='e.g. by = "province" or by = ["province", "division"]',
        )
    if spec.dissolve.source not in others:
        raise ProjectError(
            f"layer '{spec.name}' dissolves '{spec.dissolve.source}', which is not another layer of the project",
            fix=f"use one of: {', '.join(others) or '(no other layers)'}",
        )


def _check_dissolve_chains(project: Project) -> None:
    """Every dissolved layer is made, through its sources, from a layer read from somewhere.

    A dissolved layer may be listed (drawn) before its source: filled provinces under district outlines."""
    by_name = {spec.name: spec for spec in project.layers}
    for spec in project.layers:
        seen = [spec.name]
        current = spec
        while current.dissolve is not None:
            source = current.dissolve.source
            if source in seen:
                raise ProjectError(
                    f"layer '{spec.name}' is dissolved from itself ({' → '.join([*seen, source])})",
                    fix="dissolve a layer read from a file",
                )
            seen.append(source)
            current = by_name[source]


# Ranges of the project's own numbers (style and label sizes are bounded in pakmap.style).
_RANGES = (
    ("opacity", 0.0, 1.0),
    ("margin", 0.0, 1.0),
    ("scale", 1.0, 1e10),
    ("zoom", 0, 24),
    ("threshold", 0, 1_000_000),
)


def _check_numbers(project: Project) -> None:
    """Numbers a renderer would choke on: out of range opacities, margins, scales, zooms, dpi, bounds."""

    def within(value, name: str, where: str) -> None:
        _, low, high = next(r for r in _RANGES if r[0] == name)
        if value is not None and not low <= value <= high:
            raise ProjectError(f"{where} = {value!r} is out of range", fix=f"give a value from {low:g} to {high:g}")

    for spec in project.layers:
        within(spec.opacity, "opacity", f"the opacity of layer '{spec.name}'")
    extent = project.layout.extent
    within(extent.margin, "margin", "[layout.extent] margin")
    within(extent.scale, "scale", "[layout.extent] scale")
    if extent.bounds:
        xmin, ymin, xmax, ymax = (extent.bounds + [0.0] * 4)[:4]
        if len(extent.bounds) != 4 or not (xmin < xmax and ymin < ymax):
            raise ProjectError(
                f"[layout.extent] bounds = {extent.bounds} is not a box",
                fix="give [xmin, ymin, xmax, ymax] in the map's CRS, with xmin < xmax and ymin < ymax",
            )
    inset = project.layout.inset
    if not isinstance(inset, bool) and not (isinstance(inset, int) and 0 <= inset <= INSETS_LIMIT):
        raise ProjectError(
            f"[layout] inset = {inset!r} is not true, false or a number of insets",
            fix=f"write inset = true (up to two), false, or a number from 0 to {INSETS_LIMIT}",
        )
    within(project.web.min_zoom, "zoom", "[web] min_zoom")
    within(project.web.max_zoom, "zoom", "[web] max_zoom")
    if project.web.min_zoom > project.web.max_zoom:
        raise ProjectError(
            f"[web] min_zoom {project.web.min_zoom} is above max_zoom {project.web.max_zoom}",
            fix="give min_zoom below max_zoom",
        )
    within(project.protection.threshold, "threshold", "[protection] threshold")
    low, high = DPI_RANGE
    for export in project.exports:
        if not low <= export.dpi <= high:
            raise ProjectError(
                f"the dpi of export '{export.path}' ({export.dpi}) is out of range",
                fix=f"use {low} to {high} (150, 300 or 600 for print)",
            )


def _validate_view(view: ViewSpec) -> None:
    extent = view.extent
    if extent and not (
        len(extent) == 4
        and all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in extent)
        and extent[0] < extent[2]
        and extent[1] < extent[3]
    ):
        raise ProjectError(
            f"[view] extent = {extent!r} is not a box", fix="give [xmin, ymin, xmax, ymax] in the map CRS, or delete it"
        )
    for name, shown in view.panels.items():
        if not isinstance(shown, bool):
            raise ProjectError(f"[view] panels.{name} = {shown!r}", fix="write true (open) or false (closed)")


def save_project(project: Project, path: str | os.PathLike | None = None) -> Path:
    """Write the project atomically; layer paths are stored relative to the project file."""
    target = Path(path) if path is not None else project.path
    if target is None:
        raise ProjectError("the project has no file yet", fix="choose where to save it (save as…)")
    target = target.resolve()
    # Never over one of the project's own data files (its own file is what a save replaces).
    check_outputs([target], project_sources(project, with_project_file=False))
    old_folder = project.folder
    data = _to_table(project)
    for spec in data.get("layers", []):
        if spec.get("path"):  # a dissolved layer has no file of its own
            spec["path"] = _relative_to(old_folder, target.parent, spec["path"])
    for join in data.get("joins", []):
        if join.get("aliases"):
            join["aliases"] = [_relative_to(old_folder, target.parent, p) for p in join["aliases"]]
    for export in data.get("exports", []):
        export["path"] = _relative_to(old_folder, target.parent, export["path"])
    for product in data.get("products", []):
        for key in PRODUCT_FILES:
            if product.get(key):
                product[key] = _relative_to(old_folder, target.parent, product[key])
        product["outputs"] = [_relative_to(old_folder, target.parent, p) for p in product.get("outputs", [])]
    layout = data.get("layout", {})
    if _template_beside(layout.get("template"), old_folder):
        layout["template"] = _relative_to(old_folder, target.parent, layout["template"])
    document = {"pakmap": {"format": FORMAT_VERSION, "written_by": f"pakmap {__version__}"}, **data}
    write_text_atomic(target, _HEADER + _compact_arrays(tomli_w.dumps(document)))
    # Paths are now relative to the new location: reflect that in the model so it stays consistent.
    for spec, saved in zip(project.layers, data.get("layers", [])):
        spec.path = saved.get("path", "")
    for join, saved in zip(project.joins, data.get("joins", [])):
        join.aliases = list(saved.get("aliases", []))
    for export, saved in zip(project.exports, data.get("exports", [])):
        export.path = saved["path"]
    for product, saved in zip(project.products, data.get("products", [])):
        for key in PRODUCT_FILES:
            setattr(product, key, saved.get(key, ""))
        product.outputs = list(saved.get("outputs", []))
    if "template" in layout:
        project.layout.template = layout["template"]
    project.path = target
    return target


# An array whose items sit on their own lines (tomli_w writes every array that way).
_MULTILINE_ARRAY = re.compile(r"\[\n((?:[ \t]+(?![\]\s])[^\n]*,\n)+)[ \t]*\]")


def _compact_arrays(text: str) -> str:
    """Short arrays on one line (``on = [["name", "district"]]``), as an officer would write them.

    Collapsing runs innermost first; the result is only used if it parses to the same data.
    """
    compact = text
    while True:
        collapsed = _MULTILINE_ARRAY.sub(
            lambda m: (
                "[" + ", ".join(line.strip().rstrip(",") for line in m.group(1).splitlines()) + "]"
                if len(m.group(1)) < 200
                else m.group(0)
            ),
            compact,
        )
        if collapsed == compact:
            break
        compact = collapsed
    return compact if tomllib.loads(compact) == tomllib.loads(text) else text


def _template_beside(template: str | None, folder: Path) -> bool:
    """A template file found relative to the project's folder (not a built-in name, not absolute)."""
    if not template or not is_template_file(template) or Path(template).expanduser().is_absolute():
        return False
    return (folder / template).is_file()


def _relative_to(old_folder: Path, new_folder: Path, stored: str) -> str:
    if is_database_address(stored):
        return stored
    absolute = Path(stored).expanduser()
    if not absolute.is_absolute():
        absolute = old_folder / absolute
    try:
        rel = os.path.relpath(absolute, new_folder)
    except ValueError:  # another drive on Windows: keep it absolute
        return absolute.as_posix()
    return Path(rel).as_posix()


# --- styles: TOML tables in the file, pakmap.style objects in the model ---------------------------

_RASTER_STYLE_KEYS = {f.name for f in dataclasses.fields(RasterStyle)}


def _layer_from_table(data: Any, where: str) -> LayerSpec:
    """A layer's table with its ``style`` and ``labels`` tables read into style objects (validated)."""
    if not isinstance(data, dict):
        raise ProjectError(f"'{where}' must be a table", fix=f"write it as [{where}] with keys")
    rest = {k: v for k, v in data.items() if k not in ("style", "labels")}
    spec = _from_table(LayerSpec, rest, where, layer_tables=False)
    style, labels = data.get("style") or {}, data.get("labels") or {}
    for key, value in (("style", style), ("labels", labels)):
        if not isinstance(value, dict):
            raise ProjectError(f"'{where}.{key}' must be a table", fix=f"write [{where}.{key}] with keys")
    if style:
        if _is_raster_style(spec, style):
            spec.style = raster_style_from_dict(style, f"the style of layer '{spec.name}'")
        else:
            spec.style = style_from_dict(style, f"the style of layer '{spec.name}'")
    spec.labels = labels_from_dict(labels, f"the labels of layer '{spec.name}'")
    return spec


def _is_raster_style(spec: LayerSpec, style: dict) -> bool:
    """A raster's style table: the layer is a GeoTIFF, or the table has only a raster style's keys
    (a vector style names its ``kind`` or has a ``symbol``)."""
    if spec.options.get("kind") == "raster" or Path(spec.path).suffix.lower() in (".tif", ".tiff"):
        return True
    return "kind" not in style and set(style) <= _RASTER_STYLE_KEYS


def _layer_to_table(spec: LayerSpec) -> dict:
    out = _to_table(dataclasses.replace(spec, style=None, labels=None))
    style = style_table(spec.style) if spec.style is not None else {}
    if style not in ({}, {"kind": "single"}):  # the default of the layer's kind: read back as it
        out["style"] = style
    if spec.labels is not None:
        out["labels"] = style_table(spec.labels)
    return out


# --- generic dataclass <-> TOML ------------------------------------------------------------------


def _from_table(cls: type, data: Any, where: str, layer_tables: bool = True) -> Any:
    if not isinstance(data, dict):
        raise ProjectError(f"'{where}' must be a table", fix=f"write it as [{where}] with keys")
    if cls is LayerSpec and layer_tables:
        return _layer_from_table(data, where)
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls) if f.init}
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise ProjectError(
            f"unknown key(s) {', '.join(repr(k) for k in unknown)} in {where}",
            fix=f"allowed keys there: {', '.join(sorted(fields))}",
        )
    missing = [
        n
        for n, f in fields.items()
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING and n not in data
    ]
    if missing:
        raise ProjectError(f"{where} lacks required key(s) {', '.join(missing)}", fix="add them")
    values = {name: _convert(hints[name], value, f"{where}.{name}") for name, value in data.items()}
    return cls(**values)


def _convert(hint: Any, value: Any, where: str) -> Any:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in args if a is not type(None)]
        return _convert(inner[0], value, where) if len(inner) == 1 else value
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _from_table(hint, value, where)
    if origin is list:
        if not isinstance(value, list):
            raise ProjectError(f"'{where}' must be a list", fix=f"write {where.rsplit('.', 1)[-1]} = [ … ]")
        item = args[0] if args else Any
        return [_convert(item, v, f"{where}[{i}]") for i, v in enumerate(value)]
    if origin is dict or hint is dict:
        if not isinstance(value, dict):
            raise ProjectError(f"'{where}' must be a table", fix=f"write [{where}] or {{ key = value }}")
        return dict(value)
    accepted: dict[Any, type | tuple[type, ...]] = {str: str, bool: bool, int: int, float: (int, float)}
    expected = accepted.get(hint)
    if expected is not None and (not isinstance(value, expected) or (hint is not bool and isinstance(value, bool))):
        raise ProjectError(
            f"'{where}' must be {hint.__name__}, not {type(value).__name__} ({value!r})", fix="correct the value's type"
        )
    if hint is float and not math.isfinite(value):  # TOML has nan and inf; no setting of a map means them
        raise ProjectError(f"'{where}' is {value!r}, not a finite number", fix="give an ordinary number")
    return float(value) if hint is float else value


def _to_table(obj: Any) -> Any:
    if isinstance(obj, LayerSpec) and (obj.style is not None or obj.labels is not None):
        return _layer_to_table(obj)
    if dataclasses.is_dataclass(obj):
        out = {}
        for f in dataclasses.fields(obj):
            value = getattr(obj, f.name)
            if (
                value is None
                or value == []
                or value == {}
                or (f.name == "path" and value == "")
                or (value == f.default and f.name not in ("name", "path", "layer"))
            ):
                continue  # absent means default: files stay short and readable
            converted = _to_table(value)
            if converted == {} and dataclasses.is_dataclass(value):
                continue
            out[f.name] = converted
        return out
    if isinstance(obj, list):
        return [_to_table(v) for v in obj]
    if isinstance(obj, dict):
        return {k: _to_table(v) for k, v in obj.items()}
    if isinstance(obj, Path):
        return obj.as_posix()
    return obj
