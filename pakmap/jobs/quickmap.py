"""Build a project in memory from a layer, an optional table and a field: ``pakmap map``.

The officer gets a UNHCR-styled map without writing a project first, and can save the project that
was built (``--save-project``) to edit and re-render it next month.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from ..catalog import load_catalog
from ..errors import PakmapError
from ..field_kinds import numeric_values
from ..postgis.address import PgSource, as_source, is_database_address
from ..project.model import JoinSpec, LayerSpec, LayoutSpec, MapSpec, Project
from ..sources.detect import RASTER, detect
from ..style import CategorizedStyle, GraduatedStyle, LabelStyle, VectorStyle
from .credits import DataFacts, data_facts, map_title, sources_line, title_from_name


def choose_style(data: pd.DataFrame | None, by: str | None, palette: str = "unhcr_blue") -> VectorStyle | None:
    """Graduated for numbers, categorized for text, a plain UNHCR fill (``None``: the default) without ``--by``."""
    if not by:
        return None
    # A partner's text column of numbers ("1,204", "-" for none) is mapped as numbers, not categories.
    if data is not None and by in data.columns and numeric_values(data[by]) is None:
        return CategorizedStyle(field=by)
    return GraduatedStyle(field=by, method="natural_breaks", classes=5, palette=palette)


def catalog_style(layer_path: Path, layer: str | None = None) -> VectorStyle | None:
    """The layer catalog's default style for a standard layer (the Line of Control dotted), else ``None``."""
    entry = load_catalog().for_file(layer_path, layer)
    return entry.style if entry is not None else None


def quick_project(
    layer_path: str | Path,
    *,
    table: str | Path | None = None,
    on: Sequence[Sequence[str]] = (),
    by: str | None = None,
    fields: Sequence[str] = (),
    title: str | None = None,
    layer: str | None = None,
    base: Path | None = None,
) -> Project:
    """A complete project (layers, join, style, default A4 UNHCR layout) around one layer.

    Without ``by`` the layer is drawn in its catalog style when it is a standard layer."""
    located = _located(layer_path)
    if isinstance(located, Path) and is_raster(located):
        return _raster_project(located, title=title, base=base, table=table, on=on, by=by, fields=fields, layer=layer)
    name = layer or _stem(located)
    layers = [
        LayerSpec(
            name=name,
            path=str(located),
            layer=layer,
            style=catalog_style(located, layer) if isinstance(located, Path) and not by else None,
            labels=LabelStyle(field=fields[0]) if fields else None,
            popup_fields=list(fields) + ([by] if by and by not in fields else []),
        )
    ]
    joins = []
    if table:
        table_path = _located(table)
        table_name = _stem(table_path) if _stem(table_path) != name else f"{_stem(table_path)}_table"
        if not on:
            raise PakmapError("--table needs --on LAYER_FIELD=TABLE_FIELD", fix="e.g. --on name=district")
        layers.insert(0, LayerSpec(name=table_name, path=str(table_path), visible=False, legend=False))
        joins.append(JoinSpec(layer=name, table=table_name, on=[list(pair) for pair in on]))
    project = _project(layers, joins, title or "", "", base)
    describe(project, located, layer, table=table, by=by, title=title)
    return project


def describe(
    project: Project,
    layer_path: str | Path | PgSource,
    layer: str | None = None,
    *,
    table: str | Path | None = None,
    by: str | None = None,
    title: str | None = None,
    fields: Sequence[str] | None = None,
) -> DataFacts:
    """Title and sources of a quick map from what is known of its data (``pakmap.jobs.credits``):
    "Population 2023 by district", "Boundaries: © OpenStreetMap contributors…", never a file name.
    ``fields``: the layer's fields once read (a COD-AB layer is known by its P-codes)."""
    located = _located(layer_path)
    facts = _facts(located, layer, list(fields) if fields is not None else None)
    stats = _facts(_located(table), None) if table else None
    if not title:
        title = map_title(by, facts.unit) if by else facts.title or title_from_name(layer or _stem(located))
    project.map.title = project.layout.title = title
    project.layout.sources = sources_line(facts, stats)
    return facts


def _located(path: str | Path | PgSource) -> Path | PgSource:
    """A file as an absolute path, a database table as its address (a password in it is refused)."""
    return as_source(path) if is_database_address(path) else Path(path).resolve()


def _stem(location: Path | PgSource) -> str:
    return location.name if isinstance(location, PgSource) else location.stem


def _facts(location: Path | PgSource, layer: str | None, fields: list[str] | None = None) -> DataFacts:
    """A file's facts; a database table is in no catalog, but its P-code fields still name its unit."""
    if isinstance(location, PgSource):
        return data_facts(Path(location.name), None, fields)
    return data_facts(location, layer, fields)


def is_raster(path: Path) -> bool:
    """Whether ``path`` is a GeoTIFF. Only a regular file is looked into: a missing one, a pipe (whose
    reading would hang) or a device is left for the reader to report."""
    return path.is_file() and detect(path).kind == RASTER


# The options of ``pakmap map`` that only a layer with fields can take (quick_project's keyword → option).
_VECTOR_OPTIONS = {"table": "--table", "on": "--on", "by": "--by", "fields": "--fields", "layer": "--layer-name"}


def _raster_project(path: Path, *, title: str | None, base: Path | None, **vector_options) -> Project:
    """A raster mapped on its own, drawn with its colour ramp and ramp legend (the default raster style)."""
    given = ", ".join(_VECTOR_OPTIONS[key] for key, value in vector_options.items() if value)
    if given:
        raise PakmapError(
            f"is a raster, and {given} only apply to boundary or point layers",
            path=path,
            fix=f"drop {given} (a raster is drawn with its colour ramp), or map a boundary or point layer",
        )
    project = _project([LayerSpec(name=path.stem, path=str(path))], [], title or "", "", base)
    describe(project, path, title=title)
    return project


def _project(layers: list[LayerSpec], joins: list[JoinSpec], title: str, sources: str, base: Path | None) -> Project:
    project = Project(
        map=MapSpec(title=title), layers=layers, joins=joins, layout=LayoutSpec(title=title, sources=sources)
    )
    project.path = (base or Path.cwd()) / "untitled.toml"
    return project
