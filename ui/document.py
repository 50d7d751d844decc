"""The open project as the desktop app edits it: the project file model and its data, kept in step.

The core has two halves of a project: ``Project`` (what is saved: paths, styles, joins, layout) and
``LoadedProject`` (the layers in memory). The GUI edits layers directly (a style change is a
``layer.update(style=…)`` the canvas repaints on) and writes those edits back into the ``LayerSpec``s
only when the project is saved or autosaved (``sync_specs``), so the two can never drift apart on disk.

No Qt here: this is a plain model with ``pakmap.events.Signal``s that widgets connect to.
"""

from __future__ import annotations

import copy
import dataclasses
import os
from pathlib import Path

import numpy as np
from pyproj import CRS

from pakmap.errors import ProjectError
from pakmap.events import Signal
from pakmap.field_kinds import from_project, project_declarations
from pakmap.layer import Layer, RasterLayer, TableLayer, VectorLayer
from pakmap.project import JoinSpec, LayerSpec, Project, load_project, save_project
from pakmap.project.kept_breaks import record_kept_breaks
from pakmap.project.loaded import LoadedProject
from pakmap.project.model import JOIN_ROLES
from pakmap.style import labels_to_dict, raster_style_to_dict, style_to_dict


def detached_copy(project: Project) -> Project:
    """A deep copy of the project's saved fields, without its signal's subscribers (the window)."""
    fields = {f.name: copy.deepcopy(getattr(project, f.name)) for f in dataclasses.fields(project)}
    clone = Project(**fields)
    clone.path = project.path
    return clone


def unique_name(wanted: str, taken: set[str]) -> str:
    """``wanted``, or ``wanted (2)``, ``wanted (3)``… so layer names stay unique in the project."""
    if wanted not in taken:
        return wanted
    n = 2
    while f"{wanted} ({n})" in taken:
        n += 1
    return f"{wanted} ({n})"


class Document:
    """The project being edited: specs, layers, joins, selection and the unsaved flag."""

    def __init__(self, project: Project | None = None, loaded: LoadedProject | None = None) -> None:
        self.project = project or Project()
        self.loaded = loaded or LoadedProject(self.project, [])
        # Each joined layer's data before its joins, so a join can be redone (new accepted matches)
        # without stacking the table's columns twice.
        self._unjoined: dict[str, VectorLayer] = {}
        self.join_reports: dict[tuple[str, str], object] = {}
        self.selection: dict[str, np.ndarray] = {}  # layer name -> positional row numbers
        self.dirty = False
        self.layers_changed = Signal()  # structure: added, removed, reordered, renamed
        self.layer_changed = Signal()  # (layer): style, visibility, opacity… (needs a repaint)
        self.crs_changed = Signal()  # (crs)
        self.selection_changed = Signal()  # (layer_name, source) — source is the view that changed it
        self.dirty_changed = Signal()  # (bool)
        for layer in self.loaded.layers:
            layer.changed.connect(self._on_layer_changed)

    # --- opening -----------------------------------------------------------------------------

    @classmethod
    def from_file(cls, path: str | os.PathLike, progress=None) -> "Document":
        """Read a project file and all its layers (joins applied), as ``pakmap render`` does."""
        from pakmap.project.loader import load_layers

        project = load_project(path)
        return cls(project, load_layers(project, progress))

    @property
    def layers(self) -> list[Layer]:
        """Bottom first, as drawn."""
        return self.loaded.layers

    @property
    def crs(self) -> CRS:
        return self.loaded.crs

    def layer(self, name: str) -> Layer:
        return self.loaded.layer(name)

    # --- editing -----------------------------------------------------------------------------

    def mark_dirty(self, dirty: bool = True) -> None:
        if dirty != self.dirty:
            self.dirty = dirty
            self.dirty_changed.emit(dirty)

    def _on_layer_changed(self, layer: Layer) -> None:
        self.mark_dirty()
        self.layer_changed.emit(layer)

    def add_layer(
        self, layer: Layer, path: str | os.PathLike, sublayer: str | None = None, options: dict | None = None
    ) -> Layer:
        """Put a layer read by ``pakmap.sources.open_layer`` on top of the map, with its spec."""
        layer.name = unique_name(layer.name, {l.name for l in self.layers})
        spec = LayerSpec(name=layer.name, path=str(Path(path).resolve()), layer=sublayer, options=dict(options or {}))
        if isinstance(layer, TableLayer):
            layer.visible = False  # tables are joined, not drawn
            spec.legend = False
        self.project.layers.append(spec)
        self.loaded.layers.append(layer)
        layer.changed.connect(self._on_layer_changed)
        if (
            len([l for l in self.layers if not isinstance(l, TableLayer)]) == 1
            and layer.crs is not None
            and not self.project.map.crs
        ):
            self.loaded.crs = CRS.from_user_input(layer.crs)  # the first drawn layer decides the map CRS
            self.crs_changed.emit(self.loaded.crs)
        self.mark_dirty()
        self.layers_changed.emit()
        return layer

    def remove_layer(self, name: str) -> None:
        layer = self.layer(name)
        used = [j for j in self.project.joins if name in (j.table, j.points, j.raster)]
        if used:
            raise ProjectError(
                f"layer '{name}' is used by a join onto '{used[0].layer}'",
                fix="remove the join first (Layer ▸ Joins), or keep the table",
            )
        layer.changed.disconnect(self._on_layer_changed)
        self.loaded.layers.remove(layer)
        self.project.layers = [s for s in self.project.layers if s.name != name]
        # The export record pairs joins and reports by position: the layer's reports go with its joins.
        kept = [i for i, j in enumerate(self.project.joins) if j.layer != name]
        self.loaded.join_reports = [self.loaded.join_reports[i] for i in kept if i < len(self.loaded.join_reports)]
        self.project.joins = [self.project.joins[i] for i in kept]
        self.join_reports = {key: report for key, report in self.join_reports.items() if key[0] != name}
        self._unjoined.pop(name, None)
        self.selection.pop(name, None)
        self.mark_dirty()
        self.layers_changed.emit()

    def move_layer(self, name: str, index: int) -> None:
        """Move a layer to draw position ``index`` (0 = bottom)."""
        layer = self.layer(name)
        spec = self.project.layer_spec(name)
        index = max(0, min(index, len(self.layers) - 1))
        self.loaded.layers.remove(layer)
        self.loaded.layers.insert(index, layer)
        self.project.layers.remove(spec)
        self.project.layers.insert(index, spec)
        self.mark_dirty()
        self.layers_changed.emit()

    def rename_layer(self, old: str, new: str) -> str:
        new = new.strip()
        if not new or new == old:
            return old
        new = unique_name(new, {l.name for l in self.layers if l.name != old})
        layer, spec = self.layer(old), self.project.layer_spec(old)
        layer.name = spec.name = new
        for join in self.project.joins:
            for role in JOIN_ROLES:
                if getattr(join, role) == old:
                    setattr(join, role, new)
        for mapping in (self._unjoined, self.selection):
            if old in mapping:
                mapping[new] = mapping.pop(old)
        self.mark_dirty()
        self.layers_changed.emit()
        return new

    def set_crs(self, crs) -> None:
        """Change the map CRS (layers are reprojected on the fly when drawn)."""
        crs = CRS.from_user_input(crs)
        self.loaded.crs = crs
        self.project.map.crs = crs.to_string()
        self.mark_dirty()
        self.crs_changed.emit(crs)

    # --- joins -------------------------------------------------------------------------------

    def preview_join(self, spec: JoinSpec):
        """Run a join without keeping it: returns (joined VectorLayer, report) for the join dialog."""
        from pakmap.project.loader import apply_join

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
        self._unjoined.setdefault(spec.layer, target)
        self.project.joins = [j for j in self.project.joins if not _same_join(j, spec)] + [spec]
        index = self.loaded.layers.index(target)
        target.changed.disconnect(self._on_layer_changed)
        joined.style, joined.labels = target.style, target.labels  # edits made meanwhile are kept
        joined.declared_kinds.update({f: k for f, k in target.declared_kinds.items() if from_project(k)})
        joined.visible, joined.opacity = target.visible, target.opacity
        self.loaded.layers[index] = joined
        joined.changed.connect(self._on_layer_changed)
        self.join_reports[_join_key(spec)] = report
        self.loaded.join_reports = list(self.join_reports.values())
        self.mark_dirty()
        self.layers_changed.emit()
        return joined, report

    # --- selection ---------------------------------------------------------------------------

    def select(self, name: str, rows, source: object = None) -> None:
        """Select rows (positions) of a layer; views other than ``source`` follow."""
        self.selection[name] = np.unique(np.asarray(rows, dtype=np.int64))
        self.selection_changed.emit(name, source)

    def selected(self, name: str) -> np.ndarray:
        return self.selection.get(name, np.empty(0, dtype=np.int64))

    # --- saving ------------------------------------------------------------------------------

    def sync_specs(self) -> None:
        """Write the layers' current state (style, labels, visibility, opacity, field kinds) into their
        specs; graduated styles with ``breaks = "keep"`` record their computed bounds."""
        record_kept_breaks(self.loaded)
        for layer in self.layers:
            spec = self.project.layer_spec(layer.name)
            spec.visible, spec.opacity = bool(layer.visible), float(layer.opacity)
            if not isinstance(layer, RasterLayer):
                spec.fields = project_declarations(layer)
            if isinstance(layer, VectorLayer):
                spec.style = style_to_dict(layer.style)
                spec.labels = labels_to_dict(layer.labels) or {}
            elif isinstance(layer, RasterLayer):
                spec.style = raster_style_to_dict(layer.style)

    def save(self, path: str | os.PathLike | None = None) -> Path:
        self.sync_specs()
        written = save_project(self.project, path)
        self.mark_dirty(False)
        return written

    def save_copy(self, path: str | os.PathLike) -> Path:
        """Save to ``path`` without making it the project's file (autosave / recovery)."""
        self.sync_specs()
        clone = detached_copy(self.project)
        # Absolute layer paths: a recovery file lives elsewhere and must still find the data.
        for spec in clone.layers:
            if spec.path:  # a dissolved layer has no file of its own
                spec.path = str(self.project.resolve(spec.path))
        return save_project(clone, path)


def _join_key(join: JoinSpec) -> tuple:
    """What makes two joins the same step: the target, the kind and what is joined to it."""
    return join.layer, join.kind, join.table, join.points, join.raster


def _same_join(a: JoinSpec, b: JoinSpec) -> bool:
    return _join_key(a) == _join_key(b)


def open_recovered(path: str | os.PathLike, original: str | None) -> Project:
    """A recovery file as a project that saves back to its original file (or untitled)."""
    project = load_project(path)
    for spec in project.layers:
        if spec.path:
            spec.path = str(project.resolve(spec.path))
    project.path = Path(original) if original else None
    return project
