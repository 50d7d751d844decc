"""Load a project's data: read every layer's file, apply the joins, return a ``LoadedProject``.

Reading goes through ``pakmap.sources`` (the same readers ``pakmap info`` and the GUI use) and joins
through ``pakmap.join`` (with their reports kept for the CLI, the GUI and the export record). Source
files are only ever read.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Callable

import geopandas as gpd
import pandas as pd

from ..calculate import with_calculated
from ..errors import ExpressionError, PakmapError, ProjectError
from ..field_kinds import declared
from ..join.attribute import join_attributes
from ..join.dissolve import dissolve_by
from ..join.report import JoinOutcome
from ..join.spatial import aggregate_points_in_polygons
from ..join.zonal import zonal_statistics
from ..layer import Layer, RasterLayer, SourceInfo, TableLayer, VectorLayer, replace_data
from ..point_columns import PointColumns
from ..postgis.address import is_database_address, source_from_table
from ..sources import open_layer
from ..style import RasterStyle, SingleSymbolStyle
from .loaded import LoadedProject
from .model import JOIN_ROLES, JoinSpec, LayerSpec, Project

Progress = Callable[[str, float], None]


def open_layer_spec(project: Project, spec: LayerSpec, layers: dict[str, Layer] | None = None) -> Layer:
    """Read one layer of the project (or make it from an earlier one of ``layers``: ``dissolve``) and
    give it the project's style, labels and visibility."""
    layer: Layer
    if spec.dissolve is not None:
        layer = dissolve_layer_spec(project, spec, layers or {})
    else:
        options = dict(spec.options)
        if spec.crs:
            options["crs"] = spec.crs
        if spec.repair:
            options["repair"] = True
        layer = open_layer(layer_location(project, spec), layer=spec.layer, **options)
    layer.name = spec.name
    layer.visible = spec.visible
    layer.opacity = spec.opacity
    if not isinstance(layer, RasterLayer):
        layer.declared_kinds = {**layer.declared_kinds, **declared(spec.fields)}
    if isinstance(layer, (VectorLayer, RasterLayer)):
        give_style(project, spec, layer)
    return layer


def give_style(project: Project, spec: LayerSpec, layer: VectorLayer | RasterLayer) -> None:
    """The spec's style objects on the layer (the same objects: one form, kept in step by the
    session); a layer without a style gets its kind's default, recorded in the spec too."""
    if spec.style is None:
        spec.style = RasterStyle() if isinstance(layer, RasterLayer) else SingleSymbolStyle()
    style = spec.style
    if isinstance(layer, RasterLayer) and isinstance(style, RasterStyle):
        layer.style = style
    elif isinstance(layer, VectorLayer) and not isinstance(style, RasterStyle):
        layer.style, layer.labels = style, spec.labels
    else:
        raster = isinstance(layer, RasterLayer)
        raise ProjectError(
            f"layer '{spec.name}' is {'a raster' if raster else 'a vector layer'} "
            f"but its style is a {'vector' if raster else 'raster'} style",
            path=project.path,
            fix="give it a style of its kind (see docs/project-format.md), or delete its style table",
        )


def layer_location(project: Project, spec: LayerSpec):
    """Where a layer's data is: its file (absolute), a database address, or its ``[layers.source]``."""
    if spec.source:
        return source_from_table(spec.source, f"{project.path or 'the project'}: layer '{spec.name}'")
    return project.resolve(spec.path)


def dissolve_layer_spec(project: Project, spec: LayerSpec, layers: dict[str, Layer]) -> VectorLayer:
    """The layer ``spec.dissolve`` makes: its source layer (as read) dissolved by the given fields."""
    dissolve = spec.dissolve
    if dissolve is None:
        raise ProjectError(f"layer '{spec.name}' dissolves nothing", path=project.path, fix="give dissolve.source")
    source = layers.get(dissolve.source)
    if not isinstance(source, VectorLayer):
        raise ProjectError(
            f"layer '{spec.name}' dissolves '{dissolve.source}', which is "
            f"{'not read yet' if source is None else 'not a layer with geometry'}",
            path=project.path,
            fix="list a boundary layer before it and name it in dissolve.source",
        )
    data, notes = dissolve_by(source.data, dissolve.fields, layer_name=dissolve.source)
    origin = source.source
    info = SourceInfo(origin.path if origin else project.folder, layer=origin.layer if origin else None, notes=notes)
    return VectorLayer(spec.name, data, info)


def apply_join(project: Project, layers: dict[str, Layer], join: JoinSpec) -> tuple[VectorLayer, Any]:
    """Run one join of the project; returns the joined layer and the join's report."""
    result: JoinOutcome
    target = layers[join.layer]
    if not isinstance(target, VectorLayer):
        raise ProjectError(
            f"join target '{join.layer}' has no geometry", path=project.path, fix="join tables onto a boundary layer"
        )
    if join.kind == "spatial":
        points = layers[join.points]
        if not isinstance(points, VectorLayer):
            raise ProjectError(
                f"spatial join points '{join.points}' is not a point layer",
                path=project.path,
                fix="name a layer of points",
            )
        result = aggregate_points_in_polygons(target.data, points.data, join.stats)
    elif join.kind == "zonal":
        raster = layers[join.raster]
        if not isinstance(raster, RasterLayer):
            raise ProjectError(
                f"zonal statistics raster '{join.raster}' is not a raster layer",
                path=project.path,
                fix="name a GeoTIFF layer of the project",
            )
        result = zonal_statistics(target.data, raster.path, join.stats, band=join.band)
    else:
        table = layers[join.table]
        if isinstance(table, RasterLayer):
            raise ProjectError(
                f"join table '{join.table}' is a raster",
                path=project.path,
                fix="use a spatial join or zonal statistics for rasters, or name a table",
            )
        result = join_attributes(
            target.data,
            table.attributes,
            on=[tuple(pair) for pair in join.on],
            within=(join.within[0], join.within[1]) if join.within else None,
            fields=join.fields or None,
            aggregate=join.aggregate,
            accepted=join.accepted,
            alias_files=[project.resolve(p) for p in join.aliases],
            strict=join.strict,
            groups=join.groups,
            layer_name=join.layer,
            table_name=join.table,
        )
    joined = replace_data(target, result.data)
    joined.contributors.update(getattr(result, "contributors", {}))  # zonal statistics have none
    if join.kind not in ("spatial", "zonal") and not isinstance(table, RasterLayer):
        # A table's fields keep the kinds declared for them (a rate joined onto districts stays a rate).
        brought = set(joined.fields) - set(target.fields)
        # What the project declares on the layer itself still wins.
        joined.declared_kinds.update(
            {f: k for f, k in table.declared_kinds.items() if f in brought and f not in joined.declared_kinds}
        )
    return joined, result.report


def with_calculations(project: Project, spec: LayerSpec, layer: Layer) -> Layer:
    """The layer with the spec's calculated fields (after its joins: a rate reads joined counts)."""
    if not spec.calculate:
        return layer
    if not isinstance(layer, VectorLayer):
        raise ProjectError(
            f"layer '{spec.name}' calculates fields but is {'a raster' if isinstance(layer, RasterLayer) else 'a table'}",
            path=project.path,
            fix="calculate fields on a boundary or point layer (join a table to it first)",
        )
    points = layer.point_columns
    try:
        if points is not None:  # a million points: columns stay columns, no shapely points made
            data: gpd.GeoDataFrame | PointColumns = dataclasses.replace(
                points, attributes=with_calculated(points.attributes, spec.calculate)
            )
        else:
            data = with_calculated(layer.data, spec.calculate)
    except ExpressionError as exc:
        raise ProjectError(f"layer '{spec.name}': {exc.problem}", path=project.path, fix=exc.fix) from None
    calculated = replace_data(layer, data)
    calculated.style, calculated.labels = layer.style, layer.labels  # the spec's own objects
    return calculated


def missing_layer(spec: LayerSpec, location) -> TableLayer:
    """What stands for a layer whose file is gone (skipped when the project was opened): no data,
    not drawn, kept in the project with its path, style and joins for when the file is back."""
    layer = TableLayer(spec.name, pd.DataFrame(), SourceInfo(location, layer=spec.layer))
    layer.missing = True
    layer.visible = False
    return layer


def missing_files(project: Project) -> list[LayerSpec]:
    """The layers whose file is not there (moved, renamed, on another computer), in project order."""
    found = []
    for spec in project.layers:
        if spec.path and not spec.source and not is_database_address(spec.path):
            if not project.resolve(spec.path).exists():
                found.append(spec)
    return found


def reading_order(specs: list[LayerSpec]) -> list[LayerSpec]:
    """The layers read from files in project order, then each dissolved layer once its source is
    read (a dissolved layer may be drawn under the layer it is made from)."""
    order: list[LayerSpec] = []
    read: set[str] = set()
    waiting = list(specs)
    while waiting:
        ready = [s for s in waiting if s.dissolve is None or s.dissolve.source in read]
        if not ready:  # a source that is not in the project: dissolve_layer_spec says which
            return order + waiting
        order += ready
        read |= {s.name for s in ready}
        waiting = [s for s in waiting if s.name not in read]
    return order


def load_layers(project: Project, progress: Progress | None = None, skip=()) -> LoadedProject:
    """Read all layers and apply all joins, in project order.

    ``skip``: names of layers not to read (their file is missing and the user chose to go on without
    it); each is a ``missing_layer``, and the joins and dissolves that need one are left out (kept in
    the project, not run)."""
    layers: dict[str, Layer] = {}
    skipped = set(skip)
    missing = {spec.name for spec in missing_files(project)} - skipped
    steps = len(project.layers) + len(project.joins)
    done = 0
    for spec in reading_order(project.layers):
        if progress:
            progress(f"reading {spec.name}", done / max(steps, 1))
        if spec.name in skipped or (spec.dissolve is not None and spec.dissolve.source in skipped):
            skipped.add(spec.name)
            layers[spec.name] = missing_layer(spec, layer_location(project, spec) if spec.path else project.folder)
            done += 1
            continue
        if spec.name in missing:
            raise ProjectError(
                f"the file of layer '{spec.name}' is not there",
                path=str(layer_location(project, spec)),
                fix="put it back, correct its path in the project, or open the project in pakmap-gui to find it",
            )
        try:
            layers[spec.name] = open_layer_spec(project, spec, layers)
        except PakmapError:
            raise
        except OSError as exc:
            raise ProjectError(
                f"layer '{spec.name}' cannot be read: {exc.strerror or exc}",
                path=str(layer_location(project, spec)),
                fix="check the file and its permissions",
            ) from None
        done += 1
    reports = []
    for join in project.joins:
        if progress:
            progress(f"joining {join.table or join.points or join.raster} to {join.layer}", done / max(steps, 1))
        if skipped & {getattr(join, role) for role in JOIN_ROLES}:
            done += 1
            continue
        layers[join.layer], report = apply_join(project, layers, join)
        reports.append(report)
        done += 1
    for spec in project.layers:
        if spec.name not in skipped:
            layers[spec.name] = with_calculations(project, spec, layers[spec.name])
    if progress:
        progress("loaded", 1.0)
    return LoadedProject(project, [layers[spec.name] for spec in project.layers], reports)


__all__ = [
    "load_layers",
    "open_layer_spec",
    "dissolve_layer_spec",
    "apply_join",
    "missing_files",
    "missing_layer",
    "with_calculations",
]
