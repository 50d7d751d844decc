"""A project's ``[[exports]]`` entry that publishes a layer to a database table.

``path = "postgresql://…/schema.table"`` with ``layer = "districts"``: ``pakmap render`` writes that
layer as the GeoPackage export would publish it (after the same protection guard: the fields the map
uses, small counts as "<5"), its join report if the project joined a table onto it, and the export
record, as three tables in one transaction (``pakmap.postgis.joined``). An existing table is
replaced only with ``replace = true``. The server and the table are checked before any data is read.
"""

from __future__ import annotations

from ..errors import ExportError
from ..join.report import JoinReport
from ..layer import TableLayer, VectorLayer
from ..postgis.address import PgSource, as_source
from ..postgis.joined import check_join_target, write_joined
from ..project.loaded import LoadedProject
from ..project.model import ExportSpec
from ..protection import guard_export
from ..protection.joined import published_join_report
from ..protection.policy import DATA
from ..protection.publish import published_layer
from ..protection.record import build_record
from ..protection.reuse import PlanCache
from ..protection.system import SharedCells


def database_target(export: ExportSpec) -> PgSource:
    """The table an export entry writes (the project file's check made sure it names one)."""
    return as_source(export.path)


def check_database_exports(exports: list[ExportSpec]) -> None:
    """Before any data is read: each database export's server answers and its tables are free (or
    the entry says ``replace = true``)."""
    for export in exports:
        check_join_target(database_target(export), replace=export.replace)


def write_database_export(
    loaded: LoadedProject,
    export: ExportSpec,
    *,
    allow_sensitive: tuple[str, ...] = (),
    aggregate: dict[str, str] | None = None,
    reason: str = "",
    places: tuple[str, ...] = (),
    threshold: int | None = None,
    cache: PlanCache | None = None,
    shared: SharedCells | None = None,
) -> list[str]:
    """Publish ``export.layer`` of ``loaded`` to the export's table; returns the tables written
    (``cache``: the render's ``PlanCache``; ``shared``: the cells every export of the render hides)."""
    target = database_target(export)
    safe, plan = guard_export(
        loaded,
        str(target),
        allow_sensitive,
        aggregate,
        reason,
        places,
        threshold,
        shows=DATA,
        cache=cache,
        shared=shared,
    )
    layer = next((l for l in safe.layers if l.name == export.layer), None)
    if not isinstance(layer, VectorLayer):
        raise ExportError(
            f"layer '{export.layer}' is a raster: a database export publishes a vector layer",
            path=str(target),
            fix="name a boundary or point layer in the export's layer key",
        )
    report = _published_report(loaded, export.layer, allow_sensitive, int(safe.project.protection.threshold))
    record = build_record(
        safe, target.table_name, plan, extra={"command": "render", "output": str(target), "layer": export.layer}
    )
    return write_joined(target, published_layer(safe, layer), report, record, replace=export.replace)


def _published_report(loaded: LoadedProject, layer_name: str, allow_sensitive, threshold: int) -> JoinReport | None:
    """The report of the attribute join that brought a table onto the published layer, as it may be
    published; other joins' reports (points, rasters) stay with the officer."""
    project = loaded.project
    for join, report in zip(project.joins, loaded.join_reports):
        if join.layer == layer_name and join.kind == "attribute" and isinstance(report, JoinReport):
            table = loaded.layer(join.table)
            if isinstance(table, (VectorLayer, TableLayer)):
                return published_join_report(
                    report, table, join.on, loaded.vector_layer(layer_name), allow_sensitive, threshold
                )
    return None


__all__ = ["check_database_exports", "write_database_export", "database_target"]
