"""From a loaded project to files: protection check, the right exporter, the export record.

The ``render`` and ``map`` commands and the desktop app's export action all go through
``write_output``, so no export path can skip the data-protection guard, the check that no output
overwrites a source (``check_exports``; the commands call it before reading any data) or the export
record.
"""

from __future__ import annotations

import copy
import dataclasses
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from ..errors import ExportError, PakmapError
from ..export import PAGE_WRITERS, export_print
from ..export.atlas import atlas_spec
from ..export.worldfile import world_file_path
from ..file_guard import Source, check_outputs, sources_of
from ..layout.chart_data import dashboard_specs
from ..postgis.address import is_database_address
from ..project.files import project_sources
from ..project.loaded import LoadedProject
from ..project.model import Project
from ..protection import guard_export, write_export_record, write_geopackage
from ..protection.policy import DATA, PRINT, WEB
from ..protection.project_cells import shared_cells
from ..protection.record import record_path
from ..protection.reuse import PlanCache
from ..protection.system import SharedCells


@dataclass(frozen=True)
class Exporter:
    """How one kind of output is written from the guarded copy of a project."""

    write: Callable[..., list[Path]]  # (safe loaded project, path, dpi=, atlas=, world_file=) -> files
    pages: bool  # a print product: an atlas can page through a layer
    shows: str | None  # what it publishes of each layer (``pakmap.protection.policy.shown_fields``)


def _print_map(safe: LoadedProject, out_path: Path, *, dpi: int, atlas: str | None, world_file: bool) -> list[Path]:
    return [Path(p) for p in export_print(safe, out_path, dpi=dpi, atlas=atlas, world_file=world_file)]


def _web_map(safe: LoadedProject, out_path: Path, **_options) -> list[Path]:
    # folium, branca and jinja2 are loaded for a web map only: a print export or a check never waits for them.
    from ..web import export_webmap

    return [Path(export_webmap(safe, out_path))]


def _dashboard(safe: LoadedProject, out_path: Path, **_options) -> list[Path]:
    from ..web.dashboard import export_dashboard  # folium, as for a web map

    return [Path(export_dashboard(safe, out_path))]


def _geopackage(safe: LoadedProject, out_path: Path, **_options) -> list[Path]:
    # The published layers themselves, protected like every other output.
    return [Path(write_geopackage(safe, out_path))]


# The one table from an output's suffix to its exporter (the print formats are the export package's).
EXPORTERS: dict[str, Exporter] = {
    **{suffix: Exporter(_print_map, pages=True, shows=PRINT) for suffix in PAGE_WRITERS},
    ".html": Exporter(_web_map, pages=False, shows=WEB),
    ".htm": Exporter(_web_map, pages=False, shows=WEB),
    ".gpkg": Exporter(_geopackage, pages=False, shows=DATA),
}
# The web map beside a sortable table and a bar chart that follow a filter (``dashboard=True``); its
# table lists group and sector columns besides the fields the map uses: it publishes every field.
DASHBOARD = Exporter(_dashboard, pages=False, shows=None)
DASHBOARD_SUFFIXES = (".html", ".htm")


def write_output(
    loaded: LoadedProject,
    out_path: str | os.PathLike,
    *,
    dpi: int = 300,
    atlas: str | None = None,
    world_file: bool = False,
    allow_sensitive: tuple[str, ...] = (),
    aggregate: dict[str, str] | None = None,
    reason: str = "",
    places: tuple[str, ...] = (),
    threshold: int | None = None,
    dashboard: bool = False,
    cache: PlanCache | None = None,
    shared: SharedCells | None = None,
) -> list[Path]:
    """Export ``loaded`` to ``out_path`` (format from the extension; ``dashboard``: an .html file is
    the web dashboard instead of the web map); returns the files written.

    ``allow_sensitive`` and ``aggregate`` are the officer's decisions for this export only
    (``--allow-sensitive``, ``--aggregate``, ``--reason``, ``--places``, ``--threshold``); the project's
    saved decisions apply as well. ``cache``: a ``PlanCache`` shared by the exports of one render,
    which reuse each other's protected layers when their plans agree; ``shared``: the cells every
    export of the render hides (``shared_suppression``).
    """
    if is_database_address(out_path):
        raise ExportError(
            "a database table is not a map output",
            path=str(out_path),
            fix='publish a layer to it with an [[exports]] entry (path = "postgresql://…", layer = "NAME") '
            "or `pakmap join … -o postgresql://…`",
        )
    out_path = Path(out_path)
    suffix = out_path.suffix.lower()
    check_exports(loaded.project, [(out_path, atlas, world_file)], sources=loaded_sources(loaded))
    exporter = EXPORTERS.get(suffix)
    if dashboard:
        if suffix not in DASHBOARD_SUFFIXES:
            raise ExportError(
                f"a dashboard is a web page, not '{suffix or '(none)'}'",
                path=out_path,
                fix="end the output name with .html",
            )
        exporter = DASHBOARD
    if exporter is None:
        raise ExportError(
            f"unknown output format '{suffix or '(none)'}'",
            path=out_path,
            fix=f"end the output name with {', '.join(EXPORTERS)}",
        )
    if atlas and not exporter.pages:
        raise ExportError("an atlas is a print product", path=out_path, fix="use .pdf or .png with --atlas")
    loaded = _prepared(loaded, atlas, dashboard)
    safe, plan = guard_export(
        loaded,
        out_path,
        list(allow_sensitive),
        aggregate,
        reason,
        places,
        threshold,
        shows=exporter.shows,
        cache=cache,
        shared=shared,
    )
    written = exporter.write(safe, out_path, dpi=dpi, atlas=atlas, world_file=world_file)
    record = write_export_record(safe, out_path, plan, extra={"files": [p.name for p in written]})
    return written + [Path(record)]


def _prepared(loaded: LoadedProject, atlas: str | None, dashboard: bool) -> LoadedProject:
    """``loaded`` as one export publishes it: paging through its atlas layer, with its dashboard's charts."""
    if atlas:
        loaded = _with_atlas(loaded, atlas)
    if dashboard:
        loaded = _with_dashboard_charts(loaded)
    return loaded


def _publishes(loaded: LoadedProject, target, kind: str) -> tuple:
    """What decides the cells an export hides besides the project's data: its kind of output, its
    charts, and allows given for it alone."""
    allows = loaded.project.protection.allow
    own = str(target) if any(a.export not in ("", "*") for a in allows) else ""
    return kind, repr(loaded.project.layout.charts), own


def shared_suppression(
    loaded: LoadedProject,
    exports: list[tuple[str | os.PathLike, str | None, bool]],
    *,
    allow_sensitive: tuple[str, ...] = (),
    aggregate: dict[str, str] | None = None,
    reason: str = "",
    places: tuple[str, ...] = (),
    threshold: int | None = None,
    **_options,
) -> SharedCells:
    """The cells every export of one render hides (``exports``: target, atlas, dashboard; a database
    table's target is its address): worked out for the union of what they publish when they publish
    different things (``pakmap.protection.project_cells``), else each export hides the same cells anyway."""
    prepared, kinds = [], set()
    for target, atlas, dashboard in exports:
        try:
            each = _prepared(loaded, atlas, dashboard)
        except PakmapError:
            continue  # that export reports its own error when it is written
        suffix = Path(str(target)).suffix.lower()
        kind = "database" if is_database_address(str(target)) else "dashboard" if dashboard else suffix
        kind = "print" if suffix in PAGE_WRITERS and not dashboard else kind
        prepared.append((each, target))
        kinds.add(_publishes(each, target, kind))
    if len(kinds) < 2:
        return {}
    return shared_cells(prepared, list(allow_sensitive), aggregate, reason, places, threshold)


def loaded_sources(loaded: LoadedProject) -> list[Source]:
    """The files the layers of ``loaded`` were read from: the desktop app may hold layers read from
    anywhere, and no export may land on one."""
    return [
        s
        for layer in loaded.layers
        if layer.source and not is_database_address(layer.source.path)
        for s in sources_of(layer.source.path, f"the data of layer '{layer.name}'")
    ]


def _with_atlas(loaded: LoadedProject, layer_name: str) -> LoadedProject:
    """``loaded`` whose project pages through ``layer_name``: the guard then checks the fields the
    pages are named and titled after, whether the atlas was configured or chosen for this export."""
    spec = atlas_spec(loaded, layer_name)
    if loaded.project.layout.atlas is spec:
        return loaded
    project = copy.copy(loaded.project)
    project.layout = dataclasses.replace(project.layout, atlas=spec)
    return LoadedProject(project, loaded.layers, loaded.join_reports, loaded.crs)


def _with_dashboard_charts(loaded: LoadedProject) -> LoadedProject:
    """``loaded`` whose project has the dashboard's charts (the page's, else the top features of the
    mapped layer and its totals per province): the guard checks their fields and protects their totals."""
    charts = dashboard_specs(loaded)
    if charts == loaded.project.layout.charts:
        return loaded
    project = copy.copy(loaded.project)
    project.layout = dataclasses.replace(project.layout, charts=charts)
    return LoadedProject(project, loaded.layers, loaded.join_reports, loaded.crs)


def export_files(out_path: str | os.PathLike, *, atlas: str | None = None, world_file: bool = False) -> list[Path]:
    """The files ``write_output`` writes for ``out_path``, known before any rendering (an atlas's PNG
    or SVG pages are named after features: ``write_atlas`` checks those)."""
    out_path = Path(out_path)
    suffix = out_path.suffix.lower()
    files = [record_path(out_path)]
    if not atlas or suffix == ".pdf":
        files.insert(0, out_path)
    if world_file and suffix == ".png" and not atlas:
        files.append(world_file_path(out_path))
    return files


def check_exports(
    project: Project,
    exports: Iterable[tuple[str | os.PathLike, str | None, bool]],
    *,
    also: Iterable[str | os.PathLike] = (),
    sources: Iterable[Source] = (),
    project_file: bool = True,
) -> None:
    """Refuse, before anything is read, exports (``(path, atlas, world_file)``) and other outputs
    (``also``: a saved project) that would overwrite a file ``project`` reads, or each other.

    ``project_file=False`` for a project built in memory (``pakmap map``): no project file is read.
    """
    files = [Path(p) for p in also]
    for out_path, atlas, world_file in exports:
        files += export_files(out_path, atlas=atlas, world_file=world_file)
    check_outputs(files, project_sources(project, with_project_file=project_file) + list(sources))
