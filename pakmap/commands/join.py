"""``pakmap join LAYER TABLE --on LAYER_FIELD=TABLE_FIELD -o OUT.gpkg --report report.csv``.

Three joins behind one command, chosen by what TABLE is:

- a table (CSV/XLSX, or any layer) with ``--on``: attribute join, with the join report printed
  (unmatched table rows that carry values are a warning; ``--strict`` makes them an error);
- a point layer with ``--stat OUT=count|sum:FIELD|mean:FIELD``: points counted/summed per polygon;
- a raster (GeoTIFF) with ``--stat OUT=sum|mean|count|…``: zonal statistics per polygon.

The output keeps every feature of LAYER; the source files are only read. The output goes through
the same protection guard as every export (``pakmap.protection.joined``): personal fields of the
table are withheld, small counts written as "<5", and an export record is written beside it.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from ..atomic import atomic_path
from ..csv_out import write_frame_csv
from ..errors import JoinError, PakmapError
from ..field_kinds import count_fields_of
from ..file_guard import check_outputs, sources_of
from ..join.attribute import join_attributes
from ..join.report import JoinOutcome
from ..join.spatial import aggregate_points_in_polygons
from ..join.zonal import zonal_statistics
from ..layer import RasterLayer, VectorLayer
from ..postgis.address import as_source, is_database_address
from ..project.model import ProtectionSpec
from ..protection.counts import published_frame
from ..protection.joined import check_row_aggregate, guard_join, redact_report_keys, report_value_text
from ..protection.record import build_record, record_path, write_export_record
from ..sources import open_layer
from .common import split_list, split_pair

OUTPUT_DRIVERS = {
    ".gpkg": "GPKG",
    ".geojson": "GeoJSON",
    ".json": "GeoJSON",
    ".fgb": "FlatGeobuf",
    ".shp.zip": "ESRI Shapefile",
    ".csv": None,
}


def _accepted(items: list[str]) -> dict[str, str]:
    # Table keys may contain "="; layer keys rarely do: split at the last one.
    return dict(
        split_pair(item, "--accept", "TABLE_KEY=LAYER_KEY", '"Peshwar=Peshawar"', at_last=True) for item in items
    )


def _output_kind(path: Path) -> str:
    name = path.name.lower()
    return ".shp.zip" if name.endswith(".shp.zip") else path.suffix.lower()


SHAPEFILE_NAME_LENGTH = 10


def shapefile_names(columns) -> dict[str, str]:
    """Column → a shapefile field name: at most 10 characters, unique without regard to case
    (``Province_table2`` beside ``province`` → ``Province_1``), as GDAL would launder them, but
    decided here so no warning escapes and the names are the same on every GDAL."""
    names, taken = {}, set()
    for column in columns:
        name = str(column)[:SHAPEFILE_NAME_LENGTH]
        n = 1
        while name.casefold() in taken:
            tail = f"_{n}"
            name, n = str(column)[: SHAPEFILE_NAME_LENGTH - len(tail)] + tail, n + 1
        taken.add(name.casefold())
        names[column] = name
    return names


def write_layer(data, path: str | Path) -> Path:
    """Write joined data atomically; the format follows the extension.

    A shapefile is written zipped (``.shp.zip``: one file to email and to replace atomically); its
    parts are named after the target, so the temporary file is made in a temporary folder.
    """
    path = Path(path)
    suffix = _output_kind(path)
    if suffix not in OUTPUT_DRIVERS:
        fix = f"use one of: {', '.join(OUTPUT_DRIVERS)}" + (
            f" (a shapefile is several files: write it zipped as {path.stem}.shp.zip)" if suffix == ".shp" else ""
        )
        raise PakmapError(f"cannot write '{suffix or 'no extension'}' files", path=path, fix=fix)
    if OUTPUT_DRIVERS[suffix] is None:
        with atomic_path(path) as tmp:
            write_frame_csv(data.drop(columns=data.geometry.name), tmp)
    elif suffix == ".shp.zip":
        data = data.rename(columns=shapefile_names([c for c in data.columns if c != data.geometry.name]))
        with atomic_path(path) as tmp, tempfile.TemporaryDirectory(dir=tmp.parent, prefix=".shp.") as folder:
            staged = Path(folder) / path.name
            data.to_file(staged, driver=OUTPUT_DRIVERS[suffix])
            staged.replace(tmp)
    else:
        with atomic_path(path) as tmp:
            # The layer is named after the target, not the temporary file (GDAL would use its name).
            layer = {"layer": path.stem} if OUTPUT_DRIVERS[suffix] == "GPKG" else {}
            data.to_file(tmp, driver=OUTPUT_DRIVERS[suffix], **layer)
    return path


def _files(path: str, what: str):
    """The files a join reads at ``path`` (none for a database layer)."""
    return [] if is_database_address(path) else sources_of(path, what)


def run(args) -> int:
    read = [s for p, what in ((args.layer, "the layer file"), (args.table, "the table file")) for s in _files(p, what)]
    read += [source for alias_file in args.aliases for source in sources_of(alias_file, "an alias table")]
    database = as_source(args.output) if is_database_address(args.output) else None
    if database is not None:
        from ..postgis.joined import check_join_target, write_joined  # psycopg: loaded for a database only

        if not database.table:
            raise PakmapError("the address names no table", path=str(database), fix="end it with /SCHEMA.TABLE")
        check_outputs([args.report] if args.report else [], read)
        check_join_target(database, replace=args.replace)  # before reading: the server answers, the table is free
    else:
        check_outputs([args.output, record_path(args.output)] + ([args.report] if args.report else []), read)
    target = open_layer(args.layer, layer=args.inner_layer)
    if not isinstance(target, VectorLayer):
        raise JoinError("LAYER has no geometry", path=args.layer, fix="join onto a boundary layer")
    other = open_layer(args.table, layer=args.table_layer)
    stats = dict(split_pair(s, "--stat", "OUT=STATISTIC", "villages=count") for s in args.stat)
    result: JoinOutcome
    if isinstance(other, RasterLayer):
        if not stats:
            raise JoinError("a raster needs --stat", path=args.table, fix="e.g. --stat population=sum")
        result = zonal_statistics(target.data, other.path, stats, band=args.band)
    elif stats:
        if not isinstance(other, VectorLayer):
            raise JoinError(
                "--stat needs points, but TABLE has no coordinates",
                path=args.table,
                fix="give lat/lon columns, or join on names with --on",
            )
        result = aggregate_points_in_polygons(
            target.data, other.data, stats, polygons_name=Path(args.layer).name, points_name=Path(args.table).name
        )
    else:
        if not args.on:
            raise JoinError("no join key given", fix="add --on LAYER_FIELD=TABLE_FIELD (or --stat for points/rasters)")
        table = other.attributes
        fields = split_list(args.fields) or None
        check_row_aggregate(other, args.aggregate, path=args.table)
        value_text = report_value_text(
            other, args.allow_sensitive, threshold=args.threshold or ProtectionSpec.threshold
        )
        pairs = [split_pair(p, "--on", "LAYER_FIELD=TABLE_FIELD", "name=district") for p in args.on]
        try:
            result = join_attributes(
                target.data,
                table,
                on=pairs,
                within=split_pair(args.within, "--within", "LAYER_PARENT=TABLE_PARENT", "province=Province")
                if args.within
                else None,
                fields=fields,
                aggregate=args.aggregate,
                accepted=_accepted(args.accept),
                alias_files=args.aliases,
                groups=dict(
                    split_pair(g, "--group", "NAME=UNIT+UNIT", '"Karachi=Karachi East+Malir"', at_last=False)
                    for g in args.group
                ),
                strict=args.strict,
                layer_name=Path(args.layer).name,
                table_name=Path(args.table).name,
                value_text=value_text,
            )
        except JoinError as exc:
            # A refused join still shows its report, so the officer sees what to fix.
            report = exc.report
            if report is not None:
                redact_report_keys(report, other, pairs, target, args.allow_sensitive)
                print(report.summary(), file=sys.stderr)
                if args.report:
                    report.to_csv(args.report)
            raise
    report = result.report
    if not stats and not isinstance(other, RasterLayer):
        redact_report_keys(report, other, pairs, target, args.allow_sensitive)
    print(report.summary(), file=sys.stderr)
    for warning in report.warnings:
        print(f"pakmap: warning: {warning}", file=sys.stderr)
    # An attribute join publishes the table's fields too (a raster always came with --stat).
    table_layer = None if stats or isinstance(other, RasterLayer) else other
    attribute = table_layer is not None
    joined = VectorLayer(target.name, result.data, target.source)
    joined.contributors = dict(getattr(result, "contributors", {}))
    safe, plan = guard_join(
        joined,
        table_layer,
        args.output,
        on=[split_pair(p, "--on", "LAYER_FIELD=TABLE_FIELD", "name=district") for p in args.on],
        chosen=split_list(args.fields) if attribute else (),
        allow_sensitive=args.allow_sensitive,
        reason=args.reason,
        aggregate=args.aggregate if attribute else None,
        threshold=args.threshold,
        points=other if stats and isinstance(other, VectorLayer) else None,
    )
    safe.join_reports = [report]
    for name, why in plan.layers[target.name].withheld.items():
        print(f"pakmap: note: field '{name}' withheld from {Path(args.output).name}: {why}", file=sys.stderr)
    written = []
    if args.report and hasattr(report, "to_csv"):
        report.to_csv(args.report)
        print(args.report)
        written.append(Path(args.report))
    published = safe.vector_layer(target.name)
    threshold = int(safe.project.protection.threshold)
    data = published_frame(published.data, threshold, count_fields_of(published))
    data = data.set_geometry(published.data.geometry.name)
    if database is not None:
        record = build_record(safe, database.table_name, plan, extra={"command": "join", "output": str(database)})
        for name in write_joined(database, data, report, record, replace=args.replace):
            print(f"{database.server}: {name}")
        return 0
    written.insert(0, write_layer(data, args.output))
    print(written[0])
    print(write_export_record(safe, args.output, plan, extra={"command": "join", "files": [p.name for p in written]}))
    return 0
