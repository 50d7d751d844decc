"""Options, option parsing and reporting shared by the commands (``render``, ``map``, ``join``, ``demo``)."""

from __future__ import annotations

import sys
from pathlib import Path

from ..errors import JoinError, PakmapError, ProjectError
from ..jobs.outputs import check_exports, shared_suppression, write_output
from ..postgis.address import is_database_address
from ..protection.reuse import PlanCache


def split_pair(
    text: str, option: str, form: str, example: str, *, at_last: bool = False, single_means_both: bool = False
) -> tuple[str, str]:
    """``"name=district"`` → ``("name", "district")``, or a one-line error showing ``form`` and ``example``.

    ``at_last``: split at the last "=" (the left side may contain one, as table keys can);
    ``single_means_both``: a lone ``name`` stands for ``name=name`` (the same field on both sides).
    """
    left, sep, right = text.rpartition("=") if at_last else text.partition("=")
    left, right = left.strip(), right.strip()
    if single_means_both and not sep:
        left = right = text.strip()
    if not left or not right:
        raise PakmapError(f"{option} '{text}' is not a pair like {form}", fix=f"e.g. {option} {example}")
    return left, right


def split_list(text: str) -> list[str]:
    """``"name, refugees,"`` → ``["name", "refugees"]`` (the ``--fields F,…`` options)."""
    return [item.strip() for item in text.split(",") if item.strip()]


def parse_aggregate(values: list[str]) -> dict[str, str]:
    """``["households=hex:10"]`` → ``{"households": "hex:10"}`` (checked by the protection policy)."""
    return dict(
        split_pair(text, "--aggregate", "LAYER=hex:KM or LAYER=admin:LAYER", "households=hex:10") for text in values
    )


def print_join_reports(loaded, strict: bool) -> None:
    """What reading changed in each layer (merged cells filled, coordinates converted, a dissolve),
    then each join's summary, on stderr; unmatched rows that carry values are warnings (errors if strict)."""
    for layer in loaded.layers:
        for note in layer.source.notes if layer.source else []:
            print(f"pakmap: note: {layer.name}: {note}", file=sys.stderr)
    for report in loaded.join_reports:
        print(report.summary(), file=sys.stderr)
        warnings = report.warnings  # JoinReport and SpatialJoinReport alike
        for warning in warnings:
            print(f"pakmap: warning: {warning}", file=sys.stderr)
        if strict and warnings:
            raise JoinError(warnings[0], fix="fix the names, add aliases, accept suggestions, or drop --strict")


def run_outputs(loaded, out, **options) -> list:
    written = write_output(loaded, out, **options)
    for path in written:
        print(path)
    return written


def project_exports(
    project, *, atlas: str | None = None, world_file: bool = False
) -> list[tuple[Path, str | None, bool, int]]:
    """``(path, atlas, world_file, dpi)`` of every ``[[exports]]`` file of the project (a database
    table is ``database_exports``').

    An export marked ``atlas = true`` pages through the project's ``[layout.atlas]`` layer unless
    ``atlas`` names another; ``world_file`` adds world files to every PNG.
    """
    if not project.exports:
        raise ProjectError(
            "the project lists no exports",
            path=project.path,
            fix="give -o OUT, or add an [[exports]] table with a path",
        )
    jobs = []
    for export in project.exports:
        if is_database_address(export.path):
            continue
        export_atlas = atlas or (project.layout.atlas.layer if export.atlas and project.layout.atlas else None)
        jobs.append((project.resolve(export.path), export_atlas, export.world_file or world_file, export.dpi))
    return jobs


def database_exports(project) -> list:
    """The ``[[exports]]`` entries that publish a layer to a database table."""
    return [export for export in project.exports if is_database_address(export.path)]


def check_render_outputs(project, output: str | None, *, atlas: str | None = None, world_file: bool = False) -> None:
    """Before any data is read: the outputs of ``render`` (``output``, or the project's exports) go
    into writable folders and overwrite none of the project's files; its database tables are free."""
    if output and is_database_address(output):
        raise ProjectError(
            "-o names a database table, but render does not know which layer to publish",
            path=project.path,
            fix='add an [[exports]] entry with path = "postgresql://…/schema.table" and layer = "NAME", '
            "and run render without -o",
        )
    jobs = (
        [(Path(output), atlas, world_file)]
        if output
        else [job[:3] for job in project_exports(project, atlas=atlas, world_file=world_file)]
    )
    check_exports(project, jobs)
    if not output and database_exports(project):
        from ..jobs.database_export import check_database_exports  # psycopg: loaded for a database export only

        check_database_exports(database_exports(project))


def run_project_exports(loaded, *, atlas: str | None = None, world_file: bool = False, **options) -> None:
    """Write every ``[[exports]]`` entry of the project (``pakmap render`` without -o, ``pakmap demo``).

    The exports share one ``PlanCache``: a PNG and a PDF of the same map are protected once."""
    jobs = project_exports(loaded.project, atlas=atlas, world_file=world_file)
    cache = PlanCache()
    files = [export for export in loaded.project.exports if not is_database_address(export.path)]
    tables = database_exports(loaded.project)
    # One suppression for everything the exports publish together: a reader holds them all.
    targets = [(path, export_atlas, export.dashboard) for (path, export_atlas, _w, _d), export in zip(jobs, files)]
    shared = shared_suppression(loaded, targets + [(export.path, None, False) for export in tables], **options)
    for (path, export_atlas, export_world_file, dpi), export in zip(jobs, files):
        run_outputs(
            loaded,
            path,
            dpi=dpi,
            atlas=export_atlas,
            world_file=export_world_file,
            dashboard=export.dashboard,
            cache=cache,
            shared=shared,
            **options,
        )
    if tables:
        from ..jobs.database_export import database_target, write_database_export  # psycopg: only then

        for export in tables:
            server = database_target(export).server
            for table in write_database_export(loaded, export, cache=cache, shared=shared, **options):
                print(f"{server}: {table}")
