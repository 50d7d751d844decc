"""``pakmap quality``: a table or point layer checked, written as HTML, PDF or CSV under the export guard.

The report's map is a project built in memory: the boundaries, and the rows with a finding about
their position drawn as points (categorized by finding). That project goes through
``guard_export`` like any map, so a list of people or households never puts their locations on the
page: its points are left out of the map (the report says so and how to declare sites as places),
its personal fields are shown as withheld and its small counts as "<5" (``report_value_text``);
an export record is written beside every report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd

from ..csv_out import write_rows_csv
from ..errors import ExportError
from ..file_guard import sources_of
from ..layer import Layer, SourceInfo, TableLayer, VectorLayer
from ..layout.compose import compose_page
from ..project.loaded import LoadedProject
from ..project.model import ExtentSpec, LayerSpec, LayoutSpec, MapSpec, Project
from ..protection.joined import report_value_text
from ..protection.policy import LIST_SUFFIXES, guard_export, plan_export
from ..protection.record import write_export_record
from ..sources import open_layer
from ..style import CategorizedStyle, SingleSymbolStyle, Symbol
from .quality import CHECKS, QualityReport, check_quality
from .report_pages import Report, Table, check_product_outputs, page_png, write_report_html, write_report_pdf

REPORT_FORMATS = (".html", ".pdf", ".csv")
FLAGGED = "flagged_points"
POINT_CHECKS = ("outside_unit", "far_from_cluster")
FINDING_COLOURS = {CHECKS["outside_unit"][0]: "#E73E3A", CHECKS["far_from_cluster"][0]: "#FAA635"}


@dataclass
class QualityOptions:
    """What the command line, the dialog and ``[[products]]`` all pass."""

    against: str | None = None
    layer: str | None = None  # layer or sheet of the checked file
    header_row: int | None = None
    against_layer: str | None = None
    name_field: str | None = None
    pcode_field: str | None = None
    key_field: str | None = None
    places: bool = False  # the points are sites, not people
    allow_sensitive: list[str] = field(default_factory=list)
    reason: str = ""


def check_report_outputs(path, outputs, options: QualityOptions) -> None:
    """Before reading: formats known, folders writable, no output over a file the report reads."""
    read = sources_of(path, "the checked file") + (
        sources_of(options.against, "the boundaries") if options.against else []
    )
    check_product_outputs(outputs, REPORT_FORMATS, "a report", read)


def _row_labels(layer, path: Path, options: QualityOptions) -> list[str] | None:
    """A point list's rows as the file numbers them (its point layer is numbered from 0)."""
    if not isinstance(layer, VectorLayer) or path.suffix.lower() not in LIST_SUFFIXES:
        return None
    table = open_layer(path, layer=options.layer, as_table=True, header_row=options.header_row)
    assert isinstance(table, TableLayer)
    kind = table.attributes.index.name or "row"
    return [f"{kind} {label}" for label in table.attributes.index]


def build_quality(path, options: QualityOptions) -> tuple[QualityReport, object, gpd.GeoDataFrame | None]:
    """(report, the checked layer, the boundaries) for ``path``."""
    path = Path(path)
    layer = open_layer(path, layer=options.layer, header_row=options.header_row)
    if not isinstance(layer, (VectorLayer, TableLayer)):
        raise ExportError(
            "is a raster: a quality report checks tables and point layers", path=path, fix="give a table or a layer"
        )
    boundaries = None
    if options.against:
        units = open_layer(options.against, layer=options.against_layer)
        if not isinstance(units, VectorLayer) or units.geometry_type not in ("Polygon", "Mixed"):
            raise ExportError(
                "--against needs a boundary layer (polygons)", path=options.against, fix="give districts or tehsils"
            )
        boundaries = units.data
    report = check_quality(
        layer,
        boundaries,
        against=Path(options.against).name if options.against else "",
        name_field=options.name_field,
        pcode_fields=[options.pcode_field] if options.pcode_field else None,
        key_field=options.key_field,
        value_text=report_value_text(layer, options.allow_sensitive),
        row_labels=_row_labels(layer, path, options),
    )
    return report, layer, boundaries


def _map_project(report: QualityReport, layer, boundaries, title: str, path: Path, options: QualityOptions):
    """The in-memory project of the report's map: boundaries below, flagged points above; None when
    no point has a finding about its position (a table, or a clean point layer: no map to show)."""
    flagged = [i for i in report.issues if i.check in POINT_CHECKS and i.position is not None]
    if not (isinstance(layer, VectorLayer) and layer.geometry_type == "Point" and flagged):
        return None
    layers: list[Layer] = []
    specs: list[LayerSpec] = []
    if boundaries is not None and options.against:
        units = VectorLayer("boundaries", boundaries, SourceInfo(Path(options.against)))
        units.style = SingleSymbolStyle(Symbol(fill="#EEF3F8", stroke="#8FA7BF", stroke_width=0.15))
        layers.append(units)
        specs.append(LayerSpec("boundaries", path=str(options.against), style=units.style))
    first: dict[int, str] = {}
    for issue in flagged:
        if issue.position is not None:
            first.setdefault(issue.position, CHECKS[issue.check][0])
    positions = sorted(first)
    points = layer.data.iloc[positions][[layer.data.geometry.name]].copy()
    points["finding"] = [first[p] for p in positions]
    flagged_layer = VectorLayer(FLAGGED, points.reset_index(drop=True), layer.source)
    flagged_layer.sensitive_fields = dict(layer.sensitive_fields)
    flagged_layer.style = CategorizedStyle(
        field="finding", colors=dict(FINDING_COLOURS), symbol=Symbol(size=3.2, stroke="#FFFFFF", stroke_width=0.3)
    )
    layers.append(flagged_layer)
    specs.append(LayerSpec(FLAGGED, path=str(path), style=flagged_layer.style))
    sources = "; ".join(
        filter(None, [f"Boundaries: {Path(options.against).name}" if options.against else "", f"Data: {path.name}"])
    )
    project = Project(
        map=MapSpec(title=title),
        layers=specs,
        layout=LayoutSpec(
            title=title,
            subtitle="Points with a finding about their position",
            sources=sources,
            extent=ExtentSpec(layer=specs[0].name),
        ),
    )
    project.path = Path(path).resolve().parent / "quality.toml"
    return LoadedProject(project, layers)


def _guarded(loaded: LoadedProject | None, out_path, options: QualityOptions):
    """The map's project as the guard lets it out, its plan, and what the report must say about it;
    no map at all when the flagged points are people (their locations are never drawn)."""
    if loaded is None:
        return None, None, []
    places = [FLAGGED] if options.places else []
    plan = plan_export(loaded, out_path, options.allow_sensitive, None, options.reason, places)
    if plan.layers[FLAGGED].points == "blocked":
        note = (
            "The checked rows are people or households: their locations are not drawn on a map. If they are "
            "sites or villages, declare them as places (--places); the findings are listed below by row."
        )
        return None, None, [note]
    safe, plan = guard_export(loaded, out_path, options.allow_sensitive, None, options.reason, places)
    return safe, plan, []


def _checked_project(layer, out: Path) -> LoadedProject:
    """The checked file as a hidden layer: the guard then lists its withheld fields in the record."""
    hidden = TableLayer("checked", layer.attributes, layer.source)
    hidden.sensitive_fields = dict(layer.sensitive_fields)
    hidden.visible = False
    project = Project(layers=[LayerSpec("checked", visible=False, legend=False)])
    project.path = out.resolve().parent / "quality.toml"
    return LoadedProject(project, [hidden])


def report_document(report: QualityReport, title: str) -> Report:
    by_check = report.by_check()
    summary = Table(
        "Summary",
        ["Check", "Severity", "Findings"],
        [[CHECKS[name][0], CHECKS[name][1], f"{len(issues):,}"] for name, issues in by_check.items()],
        widths=[5, 1.5, 1.5],
    )
    if not by_check:
        summary.rows = [["No finding", "", "0"]]
    roles = ", ".join(f"{role}: {column}" for role, column in report.columns.items())
    tables = [summary]
    for name, issues in by_check.items():
        tables.append(
            Table(
                f"{CHECKS[name][0]} ({len(issues):,})",
                ["Row", "Field", "Value", "Finding"],
                [[i.row, i.field, i.value, i.detail] for i in issues],
                widths=[1.4, 1.6, 2.2, 6],
            )
        )
    notes = [f"{report.rows:,} rows checked" + (f" against {report.against}" if report.against else "") + "."]
    if roles:
        notes.append(f"Columns used: {roles}.")
    return Report(title, f"{report.source} · {len(report.issues):,} findings", tables, notes + report.notes)


def write_quality_outputs(
    path, outputs, options: QualityOptions, *, title: str | None = None
) -> tuple[QualityReport, list[Path]]:
    """Check ``path`` and write each of ``outputs`` (.html, .pdf, .csv) with its export record."""
    path = Path(path)
    check_report_outputs(path, outputs, options)
    report, layer, boundaries = build_quality(path, options)
    title = title or f"Data quality: {path.name}"
    written: list[Path] = []
    for out in map(Path, outputs):
        loaded = _map_project(report, layer, boundaries, title, path, options)
        safe, plan, notes = _guarded(loaded, out, options)
        document = report_document(report, title)
        document.notes = notes + document.notes
        page = compose_page(safe) if safe is not None else None
        suffix = out.suffix.lower()
        if suffix == ".pdf":
            write_report_pdf(out, document, page)
        elif suffix == ".html":
            write_report_html(out, document, page_png(page) if page is not None else None)
        else:
            write_rows_csv(
                out,
                [["check", "severity", "row", "field", "value", "finding"]]
                + [[i.check, CHECKS[i.check][1], i.row, i.field, i.value, i.detail] for i in report.issues],
            )
        written.append(out)
        # The record says what the report withheld of the checked file (its rows reach the tables).
        checked, checked_plan = guard_export(_checked_project(layer, out), out)
        if plan is None:
            safe, plan = checked, checked_plan
        else:
            plan.layers.update(checked_plan.layers)
        written.append(
            Path(
                write_export_record(
                    safe, out, plan, extra={"command": "quality", "checked": path.name, "findings": report.counts()}
                )
            )
        )
    return report, written


__all__ = ["QualityOptions", "write_quality_outputs", "build_quality", "report_document", "REPORT_FORMATS"]
