"""``pakmap 3w``: a partner activity table in; the 3W map, sector panels, matrix and web map out.

The counts (``pakmap.products.activities``) are a layer of admin units published through a project
built in memory (a choropleth of the distinct partners per unit) with ``guard_export``, so every
output passes the protection guard and leaves an export record. Partner counts are organisations
(declared "other": never "<5"); people reached, when the table has them, are declared a count and
published as the guard says (small totals "<5", complementary suppression in the tables).

Outputs: .pdf (the map page, one page of per-sector panels, the district × sector matrix, the rows
not counted or not matched), .png (the map page), .csv and .xlsx (the matrix), .html (the web map
with a sector filter).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..atomic import atomic_path
from ..catalog import load_catalog
from ..csv_out import safe_cell, write_frame_csv
from ..errors import JoinError, PakmapError
from ..export import export_print
from ..field_kinds import count_fields_of, declared
from ..file_guard import sources_of
from ..layer import Layer, TableLayer, VectorLayer
from ..layout.compose import compose_page
from ..numbers import format_number
from ..project.loaded import LoadedProject
from ..project.model import ExtentSpec, LayerSpec, LayoutSpec, MapSpec, Project
from ..protection.counts import published_frame
from ..protection.policy import guard_export
from ..protection.record import write_export_record
from ..sources import open_layer
from ..style import LabelStyle
from .activities import BENEFICIARIES, PARTNER_LIST, PARTNERS, ThreeW, ThreeWOptions, who_what_where
from .report_pages import Report, Table, check_product_outputs, write_report_pdf
from .sector_panels import SectorPanels, partner_style

THREEW_FORMATS = (".pdf", ".png", ".csv", ".xlsx", ".html")
UNITS = "partners"
LOC = "line_of_control"
LABEL = "label"  # the unit's name where partners work, empty elsewhere


@dataclass
class ThreeWFiles:
    """The files and choices of one 3W product (the command's options, a ``[[products]]`` entry)."""

    input: str
    by: str
    sheet: str | None = None
    header_row: int | None = None
    by_layer: str | None = None
    columns: ThreeWOptions = field(default_factory=ThreeWOptions)
    title: str = ""


def check_threew_outputs(outputs, files: ThreeWFiles) -> None:
    read = sources_of(files.input, "the activity table") + sources_of(files.by, "the admin units")
    check_product_outputs(outputs, THREEW_FORMATS, "a 3W product", read)


def compute_threew(files: ThreeWFiles) -> tuple[ThreeW, VectorLayer]:
    """The counts, and the units layer as the map draws it (a unit without partners is "no partner
    reported", not a class of its own)."""
    options = {"header_row": files.header_row} if files.header_row else {}
    table = open_layer(files.input, layer=files.sheet, **options)
    if not isinstance(table, (TableLayer, VectorLayer)):
        raise JoinError("the activity table is a raster", path=files.input, fix="give the partners' CSV or XLSX")
    units = open_layer(files.by, layer=files.by_layer)
    if not isinstance(units, VectorLayer) or units.geometry_type not in ("Polygon", "Mixed"):
        raise JoinError("--by needs admin boundaries (polygons)", path=files.by, fix="give districts or tehsils")
    try:
        result = who_what_where(
            table.attributes,
            units.data,
            files.columns,
            table_name=Path(files.input).name,
            layer_name=Path(files.by).stem,
        )
    except JoinError as exc:
        if exc.path is None:
            exc.path = files.input
        raise
    data = result.units.copy()
    counts = [PARTNERS] + [result.sector_field(s) for s in result.sectors]
    data[counts] = data[counts].where(data[counts] > 0)  # 0 partners: drawn as "no partner reported"
    # The units where partners work are named on the map (the most partners placed first); the others
    # have no label text.
    data[LABEL] = data[result.keep[0]].where(data[PARTNERS].notna())
    layer = VectorLayer(UNITS, data, units.source)
    kinds = {f: "other" for f in counts}  # organisations, not people: never suppressed
    if result.has_beneficiaries:
        kinds[BENEFICIARIES] = "count"
    layer.declared_kinds = declared(kinds)
    layer.style = partner_style(PARTNERS, int(result.units[PARTNERS].max()))
    layer.labels = LabelStyle(field=LABEL, size=6.5, priority=PARTNERS)
    return result, layer


def line_of_control(files: ThreeWFiles) -> VectorLayer | None:
    """The Line of Control of the boundaries' GeoPackage (``pakistan_admin.gpkg`` holds one), drawn
    dotted as the catalog styles it: the page's Jammu and Kashmir note speaks of a dotted line."""
    if not files.by_layer or files.by_layer == LOC:
        return None
    try:
        layer = open_layer(files.by, layer=LOC)
    except PakmapError:  # no such layer in the file: nothing to draw
        return None
    style = load_catalog().get(LOC).style
    if not isinstance(layer, VectorLayer) or layer.geometry_type != "LineString" or style is None:
        return None
    layer.name, layer.style = LOC, style
    return layer


def map_project(
    result: ThreeW, layer: VectorLayer, files: ThreeWFiles, out_dir: Path, loc: VectorLayer | None = None
) -> LoadedProject:
    kinds = {f: kind.kind for f, kind in layer.declared_kinds.items()}
    popup = result.keep + [PARTNERS] + [result.sector_field(s) for s in result.sectors]
    popup += ([BENEFICIARIES] if result.has_beneficiaries else []) + [PARTNER_LIST]
    spec = LayerSpec(
        UNITS, path=str(files.by), fields=kinds, popup_fields=popup, style=layer.style, labels=layer.labels
    )
    title = files.title or "Who does what where: partners per district"
    subtitle = f"Number of partner organisations per {_unit_word(files)}, all sectors"
    sources = (
        f"Activities: {Path(files.input).name} ({result.partners_total} partners); Boundaries: {Path(files.by).name}"
    )
    specs = [spec]
    layers: list[Layer] = [layer]
    if loc is not None:
        specs.append(LayerSpec(LOC, path=str(files.by), layer=LOC, style=loc.style, legend=False))
        layers.append(loc)
    project = Project(
        map=MapSpec(title=title),
        layers=specs,
        layout=LayoutSpec(title=title, subtitle=subtitle, sources=sources, extent=ExtentSpec(layer=UNITS)),
    )
    project.path = out_dir / "3w.toml"
    return LoadedProject(project, layers)


def _unit_word(files: ThreeWFiles) -> str:
    stem = Path(files.by_layer or files.by).stem.casefold()
    for word in ("tehsil", "province", "division", "union council"):
        if word in stem:
            return word
    return "district"


# --- the matrix ----------------------------------------------------------------------------------


def matrix_frame(result: ThreeW, safe: VectorLayer, threshold: int, unit_word: str) -> pd.DataFrame:
    """One row per unit with partners (most first): name, P-code, partners in all sectors, per sector,
    people reached as published (the safe layer's, small totals as "<5")."""
    units = result.units
    present = units[PARTNERS] > 0
    out = pd.DataFrame({f: units.loc[present, f] for f in result.keep})
    out["All sectors"] = units.loc[present, PARTNERS].astype(int)
    for sector in result.sectors:
        out[sector.label] = units.loc[present, result.sector_field(sector)].astype(int)
    if result.has_beneficiaries:
        published = published_frame(safe.attributes[[BENEFICIARIES]], threshold, count_fields_of(safe))
        reached = published.loc[present, BENEFICIARIES]
        # People are whole: 2600, not 2600.0 (a column with "<5" in it is text already).
        out["People reached"] = reached.round().astype("Int64") if pd.api.types.is_float_dtype(reached) else reached
    out = out.sort_values(["All sectors", result.keep[0]], ascending=[False, True], kind="stable")
    return out.rename(columns=dict(zip(result.keep, [unit_word.capitalize(), "P-code"])))


def _sector_totals(result: ThreeW) -> dict[str, int]:
    """Distinct partners per sector over all units (a partner in two districts is one partner)."""
    return {s.label: int(result.sector_partners[s.key]) for s in result.sectors}


def _matrix_table(result: ThreeW, matrix: pd.DataFrame, threshold: int, unit_word: str) -> Table:
    columns = list(matrix.columns)

    def cell(value) -> str:
        if isinstance(value, str):
            return value
        if pd.isna(value):
            return "–"
        return format_number(float(value), decimals=0) if value else "–"

    rows = [[cell(v) for v in row] for row in matrix.itertuples(index=False)]
    totals = _sector_totals(result)
    total = ["All units"] + [""] * (len(result.keep) - 1) + [str(result.partners_total)]
    total += [str(totals[s.label]) for s in result.sectors]
    if result.has_beneficiaries:
        reached = float(np.nansum(result.units[BENEFICIARIES].to_numpy(dtype=float)))
        total.append(format_number(reached, decimals=0, threshold=threshold))
    widths = [3.0] * len(result.keep) + [1.6] * (len(columns) - len(result.keep))
    return Table(
        f"Partners per {unit_word} and sector",
        columns,
        rows,
        note="Number of distinct partner organisations; a partner working in several sectors of a unit counts once "
        "under 'All sectors'. The totals row counts each partner once over all units.",
        widths=widths,
        total=total,
    )


def _row_number(label: str) -> int:
    digits = re.findall(r"\d+", label)
    return int(digits[-1]) if digits else 0


def _left_out_table(result: ThreeW) -> Table | None:
    rows = [[where, why] for where, why in result.left_out]
    report = result.report
    for _, row in report.unmatched_rows.iterrows():
        hint = f"; did you mean {row['suggestions']}?" if row["suggestions"] else ""
        rows.append(
            [f"{report.row_kind} {row['table_row']}", f"'{row['table_key']}' is no unit of the boundaries{hint}"]
        )
    if not rows:
        return None
    rows.sort(key=lambda r: _row_number(r[0]))
    return Table(
        "Rows not on the map",
        ["Row", "Why"],
        rows,
        note="Correct these rows in the partners' table (or add the spelling to an alias file) and run again.",
        widths=[1, 5],
    )


def _write_xlsx(out: Path, matrix: pd.DataFrame, left_out: Table | None, title: str) -> Path:
    # openpyxl is loaded only for an .xlsx output.
    import openpyxl
    from openpyxl.styles import Font, PatternFill

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Partners by sector"
    ws.append([safe_cell(title)])
    ws["A1"].font = Font(bold=True, size=13, color="0072BC")
    ws.append([safe_cell(str(c)) for c in matrix.columns])  # an unlisted sector is named as the partner wrote it
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DCE9F5")
    for row in matrix.itertuples(index=False):
        # Text that would start a formula is written as text (a district key "=HYPERLINK(…)").
        ws.append([safe_cell(v.item() if hasattr(v, "item") else v) for v in row])
    ws.freeze_panes = "B3"
    ws.column_dimensions["A"].width = 24
    if left_out is not None:
        other = wb.create_sheet("Rows not on the map")
        other.append(left_out.columns)
        for row in left_out.rows:
            other.append([safe_cell(v) for v in row])
        other.column_dimensions["A"].width = 16
        other.column_dimensions["B"].width = 80
    with atomic_path(out) as tmp:
        wb.save(tmp)
    return out


def write_threew_outputs(outputs, files: ThreeWFiles) -> tuple[ThreeW, list[Path]]:
    """Count once; write each of ``outputs`` (.pdf, .png, .csv, .xlsx, .html) with its export record."""
    check_threew_outputs(outputs, files)
    result, layer = compute_threew(files)
    loc = line_of_control(files)
    written: list[Path] = []
    for out in map(Path, outputs):
        loaded = map_project(result, layer, files, out.resolve().parent, loc)
        safe, plan = guard_export(loaded, out)
        threshold = int(safe.project.protection.threshold)
        safe_layer = safe.layer(UNITS)
        assert isinstance(safe_layer, VectorLayer)
        matrix = matrix_frame(result, safe_layer, threshold, _unit_word(files))
        suffix = out.suffix.lower()
        if suffix == ".csv":
            write_frame_csv(matrix, out)
        elif suffix == ".xlsx":
            _write_xlsx(out, matrix, _left_out_table(result), loaded.project.layout.title)
        elif suffix == ".png":
            out = next(iter(export_print(safe, out, dpi=150)), out)
        elif suffix == ".html":
            # The web map loads folium, which only this output needs.
            from .threew_web import export_threew_webmap

            export_threew_webmap(safe, UNITS, result, out, _unit_word(files))
        else:
            tables = [_matrix_table(result, matrix, threshold, _unit_word(files))]
            left_out = _left_out_table(result)
            if left_out is not None:
                tables.append(left_out)
            report = Report(
                loaded.project.layout.title,
                loaded.project.layout.subtitle,
                tables,
                notes=[result.summary().replace("\n  ", "; ")] + result.notes,
                sources=loaded.project.layout.sources,
            )
            panels = SectorPanels(safe, UNITS, result)
            write_report_pdf(out, report, compose_page(safe), pages=[panels.draw])
        written.append(out)
        extra = {"command": "3w", "files": [out.name], "partners": result.partners_total}
        written.append(Path(write_export_record(safe, out, plan, extra=extra)))
    return result, written


__all__ = ["ThreeWFiles", "write_threew_outputs", "compute_threew", "THREEW_FORMATS"]
