"""The open project: the one object that changes it, with undo and redo.

A ``Session`` holds a ``Project`` (what is saved) and its ``LoadedProject`` (the layers in memory)
and is the only thing that changes either: adding, removing, renaming and reordering layers (a
rename or removal carries through to the joins, the page layout and the protection decisions that
name the layer), styles, labels, field kinds, visibility, opacity, the map CRS, the layout's fields,
joins, the regular products kept in it. A layer's spec and the layer share the same style objects (``pakmap.style``), so the two can
never disagree and nothing is copied back before a save.

Every change is a ``Command``: the attributes it sets, each with its value before and after, so
undo puts the before values back and redo the after ones, in one ``History``. The desktop app, the
command line (``pakmap render``, ``pakmap map``) and the tests drive this same object; views follow
its typed signals. No Qt here.
"""

from __future__ import annotations

import copy
import dataclasses
import os
from collections.abc import Hashable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, TypeVar

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import CRS

from . import validity
from .calculate import parse as parse_expression
from .crs import check_placeable, parse_crs
from .errors import ExpressionError, ProjectError
from .events import Signal
from .field_kinds import FieldKind, from_project, project_declarations
from .layer import Layer, RasterLayer, TableLayer, ValidityReport, VectorLayer, replace_data
from .point_columns import PointColumns
from .postgis.address import is_database_address
from .project import JoinSpec, LayerSpec, Project, load_project, save_project
from .project.kept_breaks import record_kept_breaks
from .project.loaded import LoadedProject
from .project.loader import Progress, apply_join, dissolve_layer_spec, load_layers, with_calculations
from .project.model import JOIN_ROLES, DissolveSpec, LayoutSpec, ProductSpec
from .style import RasterStyle, SingleSymbolStyle, Symbol, new_layer_style, validate_raster_style, validate_style

LAYER_KINDS = (VectorLayer, TableLayer, RasterLayer)
LAYOUT_FIELDS = tuple(f.name for f in dataclasses.fields(LayoutSpec) if f.name not in ("extent", "atlas"))
_UNSET: Any = object()
T = TypeVar("T")


# --- commands and their history ------------------------------------------------------------------


@dataclass
class Edit:
    """One attribute a command sets: ``setattr(target, attribute, after)``, undone with ``before``."""

    target: Any
    attribute: str
    before: Any
    after: Any


@dataclass
class Command:
    """A reversible change of the project: its edits, what it changed for the views, its menu text.

    Commands with the same ``merge_key`` pushed one after another become one (every move of an
    opacity slider, every live change in a style dialog is one undo step together)."""

    text: str
    edits: list[Edit]
    structure: bool = False  # layers added, removed, renamed, reordered or replaced (joins)
    layers: tuple[Layer, ...] = ()  # layers whose look changed (style, labels, visibility…)
    crs: bool = False
    layout: bool = False
    merge_key: Hashable | None = None

    def redo(self) -> None:
        for edit in self.edits:
            setattr(edit.target, edit.attribute, edit.after)

    def undo(self) -> None:
        for edit in reversed(self.edits):
            setattr(edit.target, edit.attribute, edit.before)

    def absorb(self, later: "Command") -> None:
        """Become this command followed by ``later``: this one's before values, the later after values."""
        mine = {(id(e.target), e.attribute): e for e in self.edits}
        for edit in later.edits:
            known = mine.get((id(edit.target), edit.attribute))
            if known is None:
                self.edits.append(edit)
            else:
                known.after = edit.after
        self.layers = tuple(dict.fromkeys(self.layers + later.layers))
        self.structure |= later.structure
        self.crs |= later.crs
        self.layout |= later.layout

    def changes_nothing(self) -> bool:
        return all(_same(e.before, e.after) for e in self.edits)


def _same(a: Any, b: Any) -> bool:
    if a is b:
        return True
    try:
        return bool(a == b)
    except (TypeError, ValueError):  # arrays and frames have no single truth value
        return False


class History:
    """The undo stack: commands done, an index between done and undone, and the saved position.

    What a command holds stays in memory while it can be undone (a removed layer, the data a join
    replaced), so the stack keeps the last ``limit`` steps, as QGIS's undo stack does."""

    def __init__(self, limit: int = 100) -> None:
        self.limit = limit
        self.commands: list[Command] = []
        self.index = 0  # commands[:index] are done
        self.clean_index: int | None = 0  # where the project was last saved (None: unreachable)

    def clear(self) -> None:
        """Forget every step (and what the steps held); the current state stays as it is."""
        clean = self.clean
        self.commands, self.index = [], 0
        self.clean_index = 0 if clean else None

    def push(self, command: Command) -> None:
        """Record a command that has just been done; what could be redone is forgotten."""
        if command.changes_nothing() and not self._merges(command):
            return
        if self.clean_index is not None and self.clean_index > self.index:
            self.clean_index = None
        if self._merges(command):
            top = self.commands[self.index - 1]
            del self.commands[self.index :]
            if self.clean_index == self.index:
                self.clean_index = None  # the saved state is inside the merged command now
            top.absorb(command)
            if top.changes_nothing():
                self.commands.pop()
                self.index -= 1
            return
        del self.commands[self.index :]
        self.commands.append(command)
        self.index += 1
        if len(self.commands) > self.limit:
            del self.commands[0]
            self.index -= 1
            self.clean_index = self.clean_index - 1 if self.clean_index else None

    def _merges(self, command: Command) -> bool:
        top = self.commands[self.index - 1] if self.index else None
        return command.merge_key is not None and top is not None and top.merge_key == command.merge_key

    def undo(self) -> Command | None:
        if not self.index:
            return None
        self.index -= 1
        command = self.commands[self.index]
        command.undo()
        return command

    def redo(self) -> Command | None:
        if self.index == len(self.commands):
            return None
        command = self.commands[self.index]
        command.redo()
        self.index += 1
        return command

    @property
    def can_undo(self) -> bool:
        return self.index > 0

    @property
    def can_redo(self) -> bool:
        return self.index < len(self.commands)

    @property
    def undo_text(self) -> str:
        return self.commands[self.index - 1].text if self.can_undo else ""

    @property
    def redo_text(self) -> str:
        return self.commands[self.index].text if self.can_redo else ""

    @property
    def clean(self) -> bool:
        return self.clean_index == self.index

    def set_clean(self) -> None:
        self.clean_index = self.index
        # A merge into the saved command would change what was saved without a new step.
        if self.commands and self.index:
            self.commands[self.index - 1].merge_key = None


# --- the session ---------------------------------------------------------------------------------


def unique_name(wanted: str, taken: set[str]) -> str:
    """``wanted``, or ``wanted (2)``, ``wanted (3)``… so layer names stay unique in the project."""
    if wanted not in taken:
        return wanted
    n = 2
    while f"{wanted} ({n})" in taken:
        n += 1
    return f"{wanted} ({n})"


class Session:
    """The project being edited: specs, layers, joins, selection, history and the unsaved flag."""

    def __init__(self, project: Project | None = None, loaded: LoadedProject | None = None) -> None:
        self.project = project or Project()
        self.loaded = loaded or LoadedProject(self.project, [])
        # Each joined layer's data before its joins, so a join can be redone (new accepted matches)
        # without stacking the table's columns twice.
        self._unjoined: dict[str, VectorLayer] = {}
        self.join_reports: dict[tuple, object] = {}
        self.selection: dict[str, np.ndarray] = {}  # layer name -> positional row numbers
        self.history = History()
        self._changed_outside = False  # work restored from a recovery file: unsaved, but no command
        self.layers_changed: Signal[[]] = Signal()  # structure: added, removed, reordered, renamed, joined
        self.layer_changed: Signal[[Layer]] = Signal(LAYER_KINDS)  # style, visibility, opacity… (a repaint)
        self.crs_changed: Signal[[CRS]] = Signal(CRS)
        self.layout_changed: Signal[[]] = Signal()  # a field of the page layout
        self.selection_changed: Signal[[str, object]] = Signal(str, object)  # (layer, the view that selected)
        self.dirty_changed: Signal[[bool]] = Signal(bool)
        self.history_changed: Signal[[]] = Signal()  # what undo and redo would do changed

    # --- opening -----------------------------------------------------------------------------

    @classmethod
    def open(cls, project: Project, progress: Progress | None = None) -> "Session":
        """A project's layers read and its joins applied, as every command and the GUI open one."""
        return cls(project, load_layers(project, progress))

    @classmethod
    def from_file(cls, path: str | os.PathLike, progress: Progress | None = None) -> "Session":
        return cls.open(load_project(path), progress)

    @classmethod
    def open_without(cls, project: Project, skip, progress: Progress | None = None) -> "Session":
        """A project opened without the layers named in ``skip`` (their files are missing): each is
        kept in the project, shown as missing, and saved as it was."""
        return cls(project, load_layers(project, progress, skip=skip))

    @property
    def layers(self) -> list[Layer]:
        """Bottom first, as drawn."""
        return self.loaded.layers

    @property
    def crs(self) -> CRS:
        assert self.loaded.crs is not None  # LoadedProject always decides one
        return self.loaded.crs

    def layer(self, name: str) -> Layer:
        return self.loaded.layer(name)

    # --- running commands --------------------------------------------------------------------

    @property
    def dirty(self) -> bool:
        return self._changed_outside or not self.history.clean

    def mark_dirty(self, dirty: bool = True) -> None:
        """Unsaved work that is not a command (restored from a recovery file)."""
        was = self.dirty
        self._changed_outside = dirty
        if not dirty:
            self.history.set_clean()
        self._after(was)

    def _after(self, was_dirty: bool) -> None:
        if self.dirty != was_dirty:
            self.dirty_changed.emit(self.dirty)
        self.history_changed.emit()

    def run(self, command: Command) -> None:
        """Do a command and record it for undo; views follow the signals it implies."""
        was = self.dirty
        command.redo()
        self.history.push(command)
        self._announce(command)
        self._after(was)

    def undo(self) -> Command | None:
        return self._travel(self.history.undo)

    def redo(self) -> Command | None:
        return self._travel(self.history.redo)

    def _travel(self, move: Callable[[], Command | None]) -> Command | None:
        was = self.dirty
        command = move()
        if command is not None:
            self._announce(command)
        self._after(was)
        return command

    def _announce(self, command: Command) -> None:
        if command.structure:
            names = {l.name for l in self.layers}
            for gone in [n for n in self.selection if n not in names]:
                del self.selection[gone]
            self.layers_changed.emit()
        for layer in command.layers:
            if any(l is layer for l in self.layers):
                self.layer_changed.emit(layer)
        if command.crs:
            self.crs_changed.emit(self.crs)
        if command.layout:
            self.layout_changed.emit()

    # --- layers ------------------------------------------------------------------------------

    def add_layer(
        self, layer: Layer, path: str | os.PathLike, sublayer: str | None = None, options: dict | None = None
    ) -> Layer:
        """Put a layer read by ``pakmap.sources.open_layer`` on top of the map, with its spec.

        A vector layer still in the plain default style takes the next colour of the new-layer
        palette, and a polygon layer over other polygons is an outline (``pakmap.style.new_layer_style``)."""
        layer.name = unique_name(layer.name, {l.name for l in self.layers})
        if isinstance(layer, VectorLayer) and layer.style == SingleSymbolStyle():
            vectors = [l for l in self.layers if isinstance(l, VectorLayer)]
            polygons = any(l.geometry_type == "Polygon" for l in vectors)
            layer.style = new_layer_style(layer.geometry_type, len(vectors), polygons)
        where = str(path) if is_database_address(path) else str(Path(path).resolve())
        spec = LayerSpec(name=layer.name, path=where, layer=sublayer, options=dict(options or {}))
        if isinstance(layer, TableLayer):
            layer.visible = False  # tables are joined, not drawn
            spec.legend = False
        else:
            spec.style = layer.style
            if isinstance(layer, VectorLayer):
                spec.labels = layer.labels
        spec.visible, spec.opacity = layer.visible, layer.opacity
        if not isinstance(layer, RasterLayer):
            spec.fields = project_declarations(layer)
        edits = self._appended(spec, layer)
        first_drawn = not any(not isinstance(l, TableLayer) for l in self.layers) and not isinstance(layer, TableLayer)
        crs = first_drawn and layer.crs is not None and not self.project.map.crs
        if crs:  # the first drawn layer decides the map CRS
            edits.append(Edit(self.loaded, "crs", self.loaded.crs, CRS.from_user_input(layer.crs)))
        self.run(Command(f"Add layer {layer.name}", edits, structure=True, crs=crs))
        return layer

    def _appended(self, spec: LayerSpec, layer: Layer) -> list[Edit]:
        return [
            Edit(self.project, "layers", self.project.layers, [*self.project.layers, spec]),
            Edit(self.loaded, "layers", self.loaded.layers, [*self.loaded.layers, layer]),
        ]

    def _add_made(self, spec: LayerSpec, layer: VectorLayer, text: str) -> VectorLayer:
        """Put a layer made from another one (dissolved, repaired) on top, with its spec."""
        spec.name = layer.name = unique_name(spec.name, {l.name for l in self.layers})
        if spec.style is None:
            spec.style = layer.style
        assert not isinstance(spec.style, RasterStyle)  # made from a vector layer
        layer.style, layer.labels = spec.style, spec.labels
        spec.fields = project_declarations(layer)
        self.run(Command(text.format(name=spec.name), self._appended(spec, layer), structure=True))
        return layer

    def remove_layer(self, name: str) -> None:
        """Remove a layer, its joins and what the layout and protection decisions say about it."""
        self.layer(name)  # a clear error for a name that is not there
        used = [j for j in self.project.joins if name in (j.table, j.points, j.raster)]
        if used:
            raise ProjectError(
                f"layer '{name}' is used by a join onto '{used[0].layer}'",
                fix="remove the join first (Layer ▸ Joins), or keep the table",
            )
        made = [s.name for s in self.project.layers if s.dissolve is not None and s.dissolve.source == name]
        if made:
            raise ProjectError(f"layer '{name}' is dissolved into '{made[0]}'", fix=f"remove '{made[0]}' first")
        project, loaded = self.project, self.loaded
        # The export record pairs joins and reports by position: the layer's reports go with its joins.
        kept = [i for i, j in enumerate(project.joins) if j.layer != name]
        edits = [
            Edit(loaded, "layers", loaded.layers, [l for l in loaded.layers if l.name != name]),
            Edit(project, "layers", project.layers, [s for s in project.layers if s.name != name]),
            Edit(project, "joins", project.joins, [project.joins[i] for i in kept]),
            Edit(
                loaded,
                "join_reports",
                loaded.join_reports,
                [loaded.join_reports[i] for i in kept if i < len(loaded.join_reports)],
            ),
            Edit(self, "join_reports", self.join_reports, {k: r for k, r in self.join_reports.items() if k[0] != name}),
            Edit(self, "_unjoined", self._unjoined, {k: v for k, v in self._unjoined.items() if k != name}),
        ]
        edits += self._references(name, None)
        self.run(Command(f"Remove layer {name}", edits, structure=True, layout=True))

    def move_layer(self, name: str, index: int) -> None:
        """Move a layer to draw position ``index`` (0 = bottom)."""
        layer, spec = self.layer(name), self.project.layer_spec(name)
        index = max(0, min(index, len(self.layers) - 1))
        if self.layers.index(layer) == index:
            return
        layers = [l for l in self.layers if l is not layer]
        layers.insert(index, layer)
        specs = [s for s in self.project.layers if s is not spec]
        specs.insert(index, spec)
        edits = [
            Edit(self.loaded, "layers", self.loaded.layers, layers),
            Edit(self.project, "layers", self.project.layers, specs),
        ]
        self.run(Command(f"Move layer {name}", edits, structure=True))

    def rename_layer(self, old: str, new: str) -> str:
        """Rename a layer everywhere the project names it; returns the name given (made unique)."""
        new = new.strip()
        if not new or new == old:
            return old
        new = unique_name(new, {l.name for l in self.layers if l.name != old})
        layer, spec = self.layer(old), self.project.layer_spec(old)
        edits = [Edit(layer, "name", old, new), Edit(spec, "name", old, new)]
        for join in self.project.joins:
            edits += [Edit(join, role, old, new) for role in JOIN_ROLES if getattr(join, role) == old]
        edits += [
            Edit(
                self,
                "join_reports",
                self.join_reports,
                {_renamed(k, old, new): r for k, r in self.join_reports.items()},
            ),
            Edit(self, "_unjoined", self._unjoined, {(new if k == old else k): v for k, v in self._unjoined.items()}),
            Edit(self, "selection", self.selection, {(new if k == old else k): v for k, v in self.selection.items()}),
        ]
        edits += self._references(old, new)
        self.run(Command(f"Rename layer {old} to {new}", edits, structure=True, layout=True))
        return new

    def _references(self, old: str, new: str | None) -> list[Edit]:
        """The edits that make the layout, other layers and the protection decisions name ``new``
        instead of ``old`` (``None``: forget the layer, as a removal does)."""
        project, edits = self.project, []
        extent, atlas, protection = project.layout.extent, project.layout.atlas, project.protection
        if extent.layer == old:
            after = (
                dataclasses.replace(extent, layer=new)
                if new
                else dataclasses.replace(extent, layer=None, field=None, value=None)
            )
            edits.append(Edit(project.layout, "extent", extent, after))
        if atlas is not None and atlas.layer == old:
            edits.append(Edit(project.layout, "atlas", atlas, dataclasses.replace(atlas, layer=new) if new else None))
        charts = project.layout.charts
        if any(c.layer == old for c in charts):
            kept = (
                [c for c in charts if c.layer != old]
                if new is None
                else [dataclasses.replace(c, layer=new) if c.layer == old else c for c in charts]
            )
            edits.append(Edit(project.layout, "charts", charts, kept))
        for spec in project.layers:
            if spec.dissolve is not None and spec.dissolve.source == old and new:
                edits.append(Edit(spec, "dissolve", spec.dissolve, dataclasses.replace(spec.dissolve, source=new)))
        # Points aggregated to this boundary layer ("admin:districts") are asked about again once it is gone.
        aggregate = {
            (new if layer == old else layer): (f"admin:{new}" if how == f"admin:{old}" else how)
            for layer, how in protection.aggregate.items()
            if new or (layer != old and how != f"admin:{old}")
        }
        places = [new if p == old else p for p in protection.places if new or p != old]
        allow = [
            dataclasses.replace(a, layer=new) if new and a.layer == old else a
            for a in protection.allow
            if new or a.layer != old
        ]
        edits += [
            Edit(protection, "aggregate", protection.aggregate, aggregate),
            Edit(protection, "places", protection.places, places),
            Edit(protection, "allow", protection.allow, allow),
        ]
        return edits

    def set_crs(self, crs) -> None:
        """Change the map CRS (layers are reprojected on the fly when drawn)."""
        crs = CRS.from_user_input(crs)
        edits = [
            Edit(self.loaded, "crs", self.loaded.crs, crs),
            Edit(self.project.map, "crs", self.project.map.crs, crs.to_string()),
        ]
        self.run(Command("Change the map CRS", edits, crs=True))

    # --- a layer's data: its CRS, repaired geometry, calculated fields, layers made from it -------

    def _as_read(self, name: str) -> Layer:
        """A layer before its joins (the layer itself when nothing is joined to it)."""
        return self._unjoined.get(name) or self.layer(name)

    def _vector(self, name: str, what: str) -> tuple[VectorLayer, LayerSpec]:
        layer, spec = self.layer(name), self.project.layer_spec(name)
        if layer.missing:
            raise ProjectError(
                f"layer '{name}' cannot {what}: its file is missing",
                path=str(self.project.resolve(spec.path)) if spec.path else None,
                fix="reopen the project and find the file, or remove the layer",
            )
        if not isinstance(layer, VectorLayer):
            kind = "a raster" if isinstance(layer, RasterLayer) else "a table without geometry"
            raise ProjectError(f"layer '{name}' is {kind} and cannot {what}", fix="choose a boundary or point layer")
        return layer, spec

    def set_layer_crs(self, name: str, crs) -> None:
        """Say which CRS a layer's coordinates are in (a shapefile whose .prj went missing, a wrong
        one): recorded in its spec, so the project reopens it so; nothing is reprojected."""
        layer, spec = self.layer(name), self.project.layer_spec(name)
        where = str(layer.source.path) if layer.source else None  # a file, or a database table
        if isinstance(layer, TableLayer):
            raise ProjectError(
                f"layer '{name}' is a table without geometry, so it has no CRS",
                fix="give its coordinate columns to make it a map layer",
            )
        if spec.dissolve is not None:
            raise ProjectError(
                f"layer '{name}' is made from '{spec.dissolve.source}' and has its CRS",
                fix=f"set the CRS of '{spec.dissolve.source}'",
            )
        parsed = parse_crs(crs, path=where, what=f"the CRS of layer '{name}'")
        check_placeable(parsed, path=where)
        code = parsed.to_authority(min_confidence=100)
        text = f"{code[0]}:{code[1]}" if code else parsed.to_wkt()
        edits = [Edit(spec, "crs", spec.crs, text)]
        for target in dict.fromkeys([layer, self._as_read(name)]):  # joined and as read: a re-join keeps it
            if isinstance(target, RasterLayer):
                edits.append(Edit(target, "_crs", target.crs, parsed))
            elif isinstance(target, VectorLayer):
                held: gpd.GeoDataFrame | PointColumns = (
                    target.point_columns if target.point_columns is not None else target.data
                )
                moved = (
                    held.with_crs(parsed)
                    if isinstance(held, PointColumns)
                    else held.set_crs(parsed, allow_override=True)
                )
                edits.append(Edit(target, "data", held, moved))
        self.run(Command(f"Set the CRS of {name} to {text if code else parsed.name}", edits, layers=(layer,)))

    def repaired(self, name: str) -> tuple[VectorLayer, ValidityReport]:
        """The layer (as read, before joins) with its invalid geometries made valid, and the report
        after repair (``repaired``: how many features changed). Nothing is kept: see ``repair_layer``."""
        layer, _spec = self._vector(name, "be repaired")
        base = self._as_read(name)
        assert isinstance(base, VectorLayer)
        frame, report = validity.repair(base.data)
        fixed = replace_data(base, frame, report)
        fixed.style, fixed.labels = layer.style, layer.labels
        return fixed, report

    def repair_layer(self, name: str, fixed: VectorLayer | None = None, new_name: str | None = None) -> VectorLayer:
        """Make a layer's invalid geometries valid (``pakmap.validity.repair``), in place or, with
        ``new_name``, as a new layer read from the same file with ``repair = true``; one undo step.

        In place, the layer's joins are run again on the repaired geometry (a spatial join or zonal
        statistics over a bow-tie may change)."""
        layer, spec = self._vector(name, "be repaired")
        if spec.dissolve is not None:
            raise ProjectError(
                f"layer '{name}' is dissolved from '{spec.dissolve.source}', which is made valid first",
                fix=f"repair '{spec.dissolve.source}' if its features are invalid",
            )
        if fixed is None:
            fixed, _report = self.repaired(name)
        if new_name is not None:
            copy_spec = dataclasses.replace(
                spec,
                name=new_name,
                repair=True,
                style=copy.deepcopy(spec.style),
                labels=copy.deepcopy(spec.labels),
                options=dict(spec.options),
                source=dict(spec.source),
                calculate=dict(spec.calculate),
                fields=dict(spec.fields),
            )
            made = with_calculations(self.project, copy_spec, fixed)
            assert isinstance(made, VectorLayer)
            made.name = new_name
            return self._add_made(copy_spec, made, "Repair " + name + " into {name}")
        joins = [j for j in self.project.joins if j.layer == name]
        result: Layer = fixed
        if joins:
            layers = {l.name: l for l in self.layers}
            layers[name] = fixed
            for join in joins:
                layers[name], _ = apply_join(self.project, layers, join)
            result = layers[name]
        result = with_calculations(self.project, spec, result)
        assert isinstance(result, VectorLayer)
        result.style, result.labels = layer.style, layer.labels
        result.visible, result.opacity = layer.visible, layer.opacity
        edits = [
            Edit(spec, "repair", spec.repair, True),
            Edit(self.loaded, "layers", self.loaded.layers, [result if l is layer else l for l in self.layers]),
        ]
        if name in self._unjoined:
            edits.append(Edit(self, "_unjoined", self._unjoined, {**self._unjoined, name: fixed}))
        self.run(Command(f"Repair the geometries of {name}", edits, structure=True))
        return result

    def dissolved(self, source: str, by: str | list[str], name: str | None = None) -> tuple[LayerSpec, VectorLayer]:
        """A new layer spec and layer: ``source`` (as read, before joins) dissolved by ``by``
        (``pakmap.join.dissolve``). Nothing is kept: see ``add_dissolved``."""
        self._vector(source, "be dissolved")
        fields = [by] if isinstance(by, str) else list(by)
        wanted = name or f"{source} by {', '.join(fields)}"
        spec = LayerSpec(
            name=wanted,
            dissolve=DissolveSpec(source=source, by=fields[0] if len(fields) == 1 else fields),
            # drawn over its source: outlines, so the features under them stay visible
            style=SingleSymbolStyle(Symbol(fill="none", stroke="#18375F", stroke_width=0.6)),
        )
        layer = dissolve_layer_spec(self.project, spec, {source: self._as_read(source)})
        return spec, layer

    def add_dissolved(self, spec: LayerSpec, layer: VectorLayer) -> VectorLayer:
        """Keep a dissolved layer (from ``dissolved``) on top of the map; ``pakmap render`` makes it
        again from its source every time."""
        return self._add_made(spec, layer, "Dissolve into {name}")

    def calculation_preview(self, name: str, field: str, expression: str, rows: int | None = None) -> pd.Series:
        """What ``calculate_field`` would give (for the first ``rows`` rows), checked the same way."""
        layer, _spec = self._vector(name, "have calculated fields")
        self._check_calculation(layer, field, expression)
        frame = layer.attributes if rows is None else layer.attributes.iloc[:rows]  # no geometry needed
        return parse_expression(expression, [str(f) for f in layer.fields]).evaluate(frame)

    def _check_calculation(self, layer: VectorLayer, field: str, expression: str) -> None:
        field = field.strip()
        if not field:
            raise ExpressionError("the field to calculate has no name", fix="type a name, e.g. refugees_per_1000")
        if field == layer.geometry_name:
            raise ExpressionError(f"'{field}' is the layer's geometry, not a field", fix="choose another name")
        read = parse_expression(expression, [str(f) for f in layer.fields]).fields
        if field in read:
            raise ExpressionError(
                f"'{expression}' reads the field '{field}' it would replace",
                fix="write the result to a new field (reopening the project must give the same values)",
            )

    def calculate_field(self, name: str, field: str, expression: str) -> VectorLayer:
        """A new field, or an existing one replaced, from ``expression`` over the layer's other
        fields (``pakmap.calculate``); kept in the project (``calculate``), so the next month's data
        gets it too. One undo step; the file is never changed."""
        layer, spec = self._vector(name, "have calculated fields")
        field = field.strip()
        self._check_calculation(layer, field, expression)
        after = {**spec.calculate, field: expression}  # a field calculated before keeps its place
        # The calculations from this field on, again: a later one may read it.
        start = list(after).index(field)
        probe = dataclasses.replace(spec, calculate=dict(list(after.items())[start:]))
        result = with_calculations(self.project, probe, layer)
        assert isinstance(result, VectorLayer)
        result.style, result.labels = layer.style, layer.labels
        edits = [
            Edit(spec, "calculate", spec.calculate, after),
            Edit(self.loaded, "layers", self.loaded.layers, [result if l is layer else l for l in self.layers]),
        ]
        self.run(Command(f"Calculate {field} of {name}", edits, structure=True))
        return result

    # --- how a layer looks -------------------------------------------------------------------

    def set_style(
        self,
        name: str,
        style: Any = _UNSET,
        labels: Any = _UNSET,
        kinds: dict[str, FieldKind] | None = None,
        opacity: float | None = None,
        merge_key: Hashable | None = None,
    ) -> None:
        """A layer's style, labels, field kinds or opacity, in its spec and on the layer at once.

        ``merge_key``: successive calls with the same key (a dialog's live changes) are one undo step."""
        layer, spec = self.layer(name), self.project.layer_spec(name)
        where = f"the style of layer '{name}'"
        if isinstance(layer, TableLayer):
            raise ProjectError(
                f"layer '{name}' is a table and is not drawn", fix="join it to a boundary layer to map it"
            )
        edits = []
        if style is not _UNSET:
            if isinstance(layer, RasterLayer):
                if not isinstance(style, RasterStyle):
                    raise ProjectError(f"layer '{name}' is a raster", fix="give it a raster style (ramp and stretch)")
                validate_raster_style(style, where)
            else:
                validate_style(style, where)
            edits += [Edit(spec, "style", spec.style, style), Edit(layer, "style", layer.style, style)]
        if labels is not _UNSET and isinstance(layer, VectorLayer):
            edits += [Edit(spec, "labels", spec.labels, labels), Edit(layer, "labels", layer.labels, labels)]
        if kinds is not None and not isinstance(layer, RasterLayer):
            project_kinds = {f: k.kind for f, k in kinds.items() if from_project(k)}
            edits += [
                Edit(spec, "fields", spec.fields, project_kinds),
                Edit(layer, "declared_kinds", layer.declared_kinds, dict(kinds)),
            ]
        if opacity is not None:
            edits += [
                Edit(spec, "opacity", spec.opacity, float(opacity)),
                Edit(layer, "opacity", layer.opacity, float(opacity)),
            ]
        if edits:
            self.run(Command(f"Style of {name}", edits, layers=(layer,), merge_key=merge_key))

    def set_visible(self, name: str, visible: bool) -> None:
        layer, spec = self.layer(name), self.project.layer_spec(name)
        edits = [
            Edit(spec, "visible", spec.visible, bool(visible)),
            Edit(layer, "visible", layer.visible, bool(visible)),
        ]
        self.run(Command(f"{'Show' if visible else 'Hide'} {name}", edits, layers=(layer,)))

    def set_opacity(self, name: str, opacity: float, merge_key: Hashable | None = None) -> None:
        """A layer's opacity; a slider passes a ``merge_key`` so one drag is one undo step."""
        layer, spec = self.layer(name), self.project.layer_spec(name)
        opacity = float(opacity)
        edits = [Edit(spec, "opacity", spec.opacity, opacity), Edit(layer, "opacity", layer.opacity, opacity)]
        self.run(Command(f"Opacity of {name}", edits, layers=(layer,), merge_key=merge_key))

    # --- the page layout ---------------------------------------------------------------------

    def set_layout(self, merge_key: Hashable | None = None, **values: Any) -> None:
        """Fields of the print layout (title, subtitle, as_of, map_id, sources, contact, template, locator);
        edits with the same ``merge_key`` one after another are one undo step (typing in a box)."""
        unknown = sorted(set(values) - set(LAYOUT_FIELDS))
        if unknown:
            raise ProjectError(f"the layout has no field {unknown[0]!r}", fix=f"use one of: {', '.join(LAYOUT_FIELDS)}")
        layout = self.project.layout
        edits = [Edit(layout, key, getattr(layout, key), value) for key, value in values.items()]
        edits = [e for e in edits if not _same(e.before, e.after)]
        if edits:
            what = ", ".join(e.attribute.replace("_", " ") for e in edits)
            self.run(Command(f"Layout: {what}", edits, layout=True, merge_key=merge_key))

    # --- protection decisions -----------------------------------------------------------------

    def decide(self, decision: Callable[[Project], T], text: str) -> T:
        """A protection decision (``pakmap.protection.decisions``: ``allow_field``, ``revoke_allow``,
        ``set_aggregation``) made on the project as one undoable step; returns what it returns."""
        protection = self.project.protection
        names = [f.name for f in dataclasses.fields(protection)]
        before = {name: copy.deepcopy(getattr(protection, name)) for name in names}
        try:
            result = decision(self.project)
        except Exception:
            for name, value in before.items():  # a refused decision leaves nothing half-made
                setattr(protection, name, value)
            raise
        # Copies on both sides: a later decision may change an AllowSpec's reason in place.
        edits = [Edit(protection, n, before[n], copy.deepcopy(getattr(protection, n))) for n in names]
        self.run(Command(text, edits))
        return result

    # --- regular products ----------------------------------------------------------------------

    def add_product(self, product: ProductSpec) -> None:
        """Keep a product (a ``[[products]]`` entry) in the project: ``pakmap render`` makes it again."""
        products = self.project.products
        self.run(
            Command(
                f"Keep the {product.kind} product", [Edit(self.project, "products", products, [*products, product])]
            )
        )

    # --- joins -------------------------------------------------------------------------------

    def preview_join(self, spec: JoinSpec):
        """Run a join without keeping it: returns (joined VectorLayer, report) for the join dialog."""
        layers = {l.name: l for l in self.layers}
        layers[spec.layer] = self._unjoined.get(spec.layer, layers[spec.layer])
        others = [j for j in self.project.joins if j.layer == spec.layer and not _same_join(j, spec)]
        for other in others:  # earlier joins onto the same layer are replayed first
            layers[spec.layer], _ = apply_join(self.project, layers, other)
        return apply_join(self.project, layers, spec)

    def apply_join(self, spec: JoinSpec, joined: VectorLayer | None = None, report=None):
        """Keep a join (attribute, spatial or zonal) in the project, replacing the same step, and swap
        in the result; the map repaints on ``layers_changed``."""
        if joined is None:
            joined, report = self.preview_join(spec)
        target = self.layer(spec.layer)
        if not isinstance(target, VectorLayer):
            raise ProjectError(f"join target '{spec.layer}' has no geometry", fix="join tables onto a boundary layer")
        joined.style, joined.labels = target.style, target.labels  # the spec's style objects, kept
        joined.declared_kinds.update({f: k for f, k in target.declared_kinds.items() if from_project(k)})
        joined.visible, joined.opacity = target.visible, target.opacity
        calculated = with_calculations(self.project, self.project.layer_spec(spec.layer), joined)
        assert isinstance(calculated, VectorLayer)
        calculated.style, calculated.labels = joined.style, joined.labels
        joined = calculated
        layers = [joined if l is target else l for l in self.layers]
        reports = {**self.join_reports, _join_key(spec): report}
        edits = [
            Edit(self, "_unjoined", self._unjoined, {spec.layer: target, **self._unjoined}),
            Edit(
                self.project,
                "joins",
                self.project.joins,
                [j for j in self.project.joins if not _same_join(j, spec)] + [spec],
            ),
            Edit(self.loaded, "layers", self.loaded.layers, layers),
            Edit(self, "join_reports", self.join_reports, reports),
            Edit(self.loaded, "join_reports", self.loaded.join_reports, list(reports.values())),
        ]
        what = spec.table or spec.points or spec.raster
        self.run(Command(f"Join {what} to {spec.layer}", edits, structure=True))
        return joined, report

    # --- selection (a view state, not a change of the project) ------------------------------

    def select(self, name: str, rows, source: object = None) -> None:
        """Select rows (positions) of a layer; views other than ``source`` follow."""
        self.selection[name] = np.unique(np.asarray(rows, dtype=np.int64))
        self.selection_changed.emit(name, source)

    def selected(self, name: str) -> np.ndarray:
        return self.selection.get(name, np.empty(0, dtype=np.int64))

    # --- saving ------------------------------------------------------------------------------

    def record_kept_breaks(self) -> list[str]:
        """Graduated styles with ``breaks = "keep"`` record their computed bounds (spec and layer)."""
        return record_kept_breaks(self.loaded)

    def save(self, path: str | os.PathLike | None = None) -> Path:
        """Write the project file atomically (to ``path``: save as)."""
        self.record_kept_breaks()
        written = save_project(self.project, path)
        self.mark_dirty(False)
        return written

    def save_copy(self, path: str | os.PathLike) -> Path:
        """Save to ``path`` without making it the project's file (autosave / recovery)."""
        clone = detached_copy(self.project)
        # Absolute layer paths: a recovery file lives elsewhere and must still find the data.
        for spec in clone.layers:
            if spec.path:  # a dissolved layer has no file of its own
                spec.path = str(self.project.resolve(spec.path))
        return save_project(clone, path)


def _renamed(key: tuple, old: str, new: str) -> tuple:
    return tuple(new if part == old else part for part in key)


def _join_key(join: JoinSpec) -> tuple:
    """What makes two joins the same step: the target, the kind and what is joined to it."""
    return join.layer, join.kind, join.table, join.points, join.raster


def _same_join(a: JoinSpec, b: JoinSpec) -> bool:
    return _join_key(a) == _join_key(b)


def detached_copy(project: Project) -> Project:
    """A deep copy of the project's saved fields, without its signal's subscribers (the window)."""
    fields = {f.name: copy.deepcopy(getattr(project, f.name)) for f in dataclasses.fields(project)}
    clone = Project(**fields)
    clone.path = project.path
    return clone


def open_recovered(path: str | os.PathLike, original: str | None) -> Project:
    """A recovery file as a project that saves back to its original file (or untitled)."""
    project = load_project(path)
    for spec in project.layers:
        if spec.path:
            spec.path = str(project.resolve(spec.path))
    project.path = Path(original) if original else None
    return project


__all__ = ["Command", "Edit", "History", "Session", "detached_copy", "open_recovered", "unique_name"]
