"""``pakmap exposure``: files in, the exposure table, layer, map and report out, under the export guard.

The result is a layer of admin units with the exposure fields, declared by kind (counts of people
and households are counts, so a unit with 3 exposed people prints "<5"; shares and areas are never
suppressed). It is published through a project built in memory (the units as a choropleth of the
share exposed, the footprint drawn over them) with ``guard_export``, so every output gets the same
suppression and an export record.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..csv_out import write_frame_csv
from ..errors import JoinError
from ..export import export_print
from ..field_kinds import count_fields_of, declared
from ..file_guard import sources_of
from ..layer import Layer, RasterLayer, VectorLayer
from ..layout.compose import compose_page
from ..numbers import format_number
from ..project.loaded import LoadedProject
from ..project.model import ExtentSpec, LayerSpec, LayoutSpec, MapSpec, Project
from ..protection import write_geopackage
from ..protection.counts import published_frame
from ..protection.policy import LIST_SUFFIXES, guard_export
from ..protection.record import write_export_record
from ..sensitivity.detect import is_individual_level
from ..sources import open_layer
from ..style import GraduatedStyle, RasterStyle, SingleSymbolStyle, Symbol
from .exposure import ExposureResult, exposure
from .quality import boundary_fields
from .report_pages import Report, Table, check_product_outputs, write_report_pdf

EXPOSURE_FORMATS = (".csv", ".gpkg", ".pdf", ".png")
UNITS = "exposure"
FOOTPRINT = "hazard_footprint"
LABELS = {
    "area_km2": "Area (km²)",
    "hazard_km2": "Footprint (km²)",
    "hazard_area_pct": "Area in footprint (%)",
    "places": "Places",
    "places_exposed": "Places exposed",
    "places_exposed_pct": "Places exposed (%)",
    "people": "People",
    "people_exposed": "People exposed",
    "people_exposed_pct": "People exposed (%)",
}


@dataclass
class ExposureOptions:
    hazard: str
    by: str
    people: str | None = None
    value: str | None = None
    threshold: float = 0.0
    by_layer: str | None = None
    hazard_layer: str | None = None
    people_layer: str | None = None
    places: bool = False  # the people file's rows are villages or sites, not households
    title: str = ""
    extra_notes: list[str] = field(default_factory=list)


def check_exposure_outputs(outputs, options: ExposureOptions) -> None:
    """Before reading: formats known, folders writable, no output over a file the product reads."""
    read = sources_of(options.hazard, "the hazard file") + sources_of(options.by, "the admin units")
    if options.people:
        read += sources_of(options.people, "the people file")
    check_product_outputs(outputs, EXPOSURE_FORMATS, "exposure", read)


def compute_exposure(options: ExposureOptions) -> tuple[ExposureResult, VectorLayer, object, list[str]]:
    """(result, the units layer with the result, the hazard layer, the units' label fields)."""
    units = open_layer(options.by, layer=options.by_layer)
    if not isinstance(units, VectorLayer) or units.geometry_type not in ("Polygon", "Mixed"):
        raise JoinError("--by needs admin boundaries (polygons)", path=options.by, fix="give districts or tehsils")
    hazard = open_layer(options.hazard, layer=options.hazard_layer)
    footprint = None
    if isinstance(hazard, VectorLayer):
        if hazard.geometry_type not in ("Polygon", "Mixed"):
            raise JoinError(
                "the hazard layer has no polygons", path=options.hazard, fix="give a flood extent raster or polygons"
            )
        footprint = hazard.data
    elif not isinstance(hazard, RasterLayer):
        raise JoinError("the hazard is a table", path=options.hazard, fix="give a flood raster (.tif) or polygons")
    points = None
    places_kind = "other"
    if options.people:
        people = open_layer(options.people, layer=options.people_layer)
        if not isinstance(people, VectorLayer) or people.geometry_type != "Point":
            raise JoinError(
                "--people needs points (villages, sites or households with coordinates)",
                path=options.people,
                fix="give a point layer, or a table with lat/lon columns",
            )
        points = people.data
        listed = Path(options.people).suffix.lower() in LIST_SUFFIXES and not options.places
        places_kind = "count" if is_individual_level(people) or listed else "other"
    result = exposure(
        units.data,
        Path(options.hazard),
        points=points,
        value=options.value,
        threshold=options.threshold,
        footprint=footprint,
        places_kind=places_kind,
    )
    name, pcode = boundary_fields(units.data)
    keep = [f for f in (name, pcode) if f]
    data = result.units[keep + list(result.fields) + [result.units.geometry.name]]
    layer = VectorLayer(UNITS, data, units.source)
    layer.declared_kinds = declared(result.fields)
    return result, layer, hazard, keep


def _share_field(result: ExposureResult) -> str:
    for name in ("people_exposed_pct", "places_exposed_pct", "hazard_area_pct"):
        if name in result.fields:
            return name
    return "hazard_area_pct"


def map_project(result: ExposureResult, units: VectorLayer, hazard, options: ExposureOptions, out_dir: Path):
    share = _share_field(result)
    units.style = GraduatedStyle(field=share, method="equal_interval", classes=5, palette="unhcr_red_tints")
    layers: list[Layer] = [units]
    # Every field is published (the layer and table outputs carry them all; the guard keeps a
    # layer's fields to those the project uses).
    specs = [
        LayerSpec(
            UNITS,
            path=str(options.by),
            fields=dict(result.fields),
            popup_fields=list(units.fields),
            style=units.style,  # one style object for spec and layer, as the loader gives them
        )
    ]
    if isinstance(hazard, RasterLayer):
        hazard.name = FOOTPRINT
        hazard.style = RasterStyle(
            palette="unhcr_blue", vmin=options.threshold, nodata=0.0 if options.threshold == 0 else None, opacity=0.7
        )
        layers.append(hazard)
    else:
        hazard = VectorLayer(FOOTPRINT, hazard.data, hazard.source)
        hazard.style = SingleSymbolStyle(Symbol(fill="#0072BC", stroke="#0072BC", stroke_width=0.1, opacity=0.55))
        layers.append(hazard)
    specs.append(LayerSpec(FOOTPRINT, path=str(options.hazard), style=hazard.style))
    title = options.title or f"Exposure to {Path(options.hazard).stem.replace('_', ' ')}"
    subtitle = f"{LABELS[share]} by admin unit" + (
        f"; footprint: cells above {options.threshold:g}"
        if isinstance(hazard, RasterLayer)
        else "; footprint: polygons"
    )
    sources = "; ".join(
        [f"Boundaries: {Path(options.by).name}", f"Hazard: {Path(options.hazard).name}"]
        + ([f"People: {Path(options.people).name}"] if options.people else [])
    )
    project = Project(
        map=MapSpec(title=title),
        layers=specs,
        layout=LayoutSpec(title=title, subtitle=subtitle, sources=sources, extent=ExtentSpec(layer=UNITS)),
    )
    project.path = out_dir / "exposure.toml"
    return LoadedProject(project, layers)


# A share in the totals row: (numerator, denominator) fields.
SHARES = {
    "hazard_area_pct": ("hazard_km2", "area_km2"),
    "places_exposed_pct": ("places_exposed", "places"),
    "people_exposed_pct": ("people_exposed", "people"),
}


def _cells(row, columns, keep, counts, threshold) -> list[str]:
    cells = []
    for c in columns:
        value = row[c]
        if c in keep:
            cells.append(str(value))
        elif pd.isna(value):
            cells.append("–")
        else:
            decimals = 1 if c.endswith("_pct") else 0
            cells.append(format_number(float(value), decimals=decimals, threshold=threshold if c in counts else None))
    return cells


def _table(safe: LoadedProject, result: ExposureResult, keep: list[str], threshold: int) -> Table:
    """One row per unit, most exposed first, and the totals (from the unsuppressed figures: a total
    of many units is no small count; it is suppressed like any count when it is one)."""
    layer = safe.layer(UNITS)
    assert isinstance(layer, VectorLayer)
    data = layer.attributes
    counts = set(count_fields_of(layer))
    columns = [c for c in data.columns if c in keep or c in LABELS]
    rows = [
        _cells(row, columns, keep, counts, threshold)
        for _, row in data.sort_values(columns[-1], ascending=False, na_position="last").iterrows()
    ]
    sums = {c: float(result.units[c].sum()) for c in result.fields if c not in SHARES}
    for share, (part, whole) in SHARES.items():
        if share in result.fields:
            sums[share] = 100 * sums[part] / sums[whole] if sums[whole] else float("nan")
    total = pd.Series({**{c: "" for c in keep}, **sums})
    total[keep[0]] = "All units"
    return Table(
        "Exposure by admin unit",
        [LABELS.get(c, c) for c in columns],
        rows,
        total=_cells(total, columns, keep, counts, threshold),
    )


def write_exposure_outputs(outputs, options: ExposureOptions) -> tuple[ExposureResult, list[Path]]:
    """Compute exposure once and write each of ``outputs`` (.csv, .gpkg, .pdf, .png) with its record."""
    check_exposure_outputs(outputs, options)
    result, units, hazard, keep = compute_exposure(options)
    written: list[Path] = []
    for out in map(Path, outputs):
        loaded = map_project(result, units, hazard, options, out.resolve().parent)
        suffix = out.suffix.lower()
        if suffix in (".csv", ".gpkg"):  # the data alone: the footprint is the input file itself
            loaded = LoadedProject(
                Project(map=loaded.project.map, layers=loaded.project.layers[:1], layout=loaded.project.layout),
                loaded.layers[:1],
            )
            loaded.project.path = out.resolve().parent / "exposure.toml"
        safe, plan = guard_export(loaded, out)
        threshold = int(safe.project.protection.threshold)
        if suffix == ".csv":
            layer = safe.layer(UNITS)
            assert isinstance(layer, VectorLayer)
            frame = published_frame(layer.attributes, threshold, count_fields_of(layer))
            write_frame_csv(frame, out)
            files = [out]
        elif suffix == ".gpkg":
            files = [Path(write_geopackage(safe, out))]
        elif suffix == ".png":
            files = [Path(p) for p in export_print(safe, out, dpi=150)]
        else:
            report = Report(
                loaded.project.layout.title,
                loaded.project.layout.subtitle,
                [_table(safe, result, keep, threshold)],
                notes=[result.summary().replace("\n  ", "; ")] + options.extra_notes,
                sources=loaded.project.layout.sources,
            )
            files = [write_report_pdf(out, report, compose_page(safe))]
        written += files
        extra = {"command": "exposure", "files": [p.name for p in files], "threshold": result.threshold}
        written.append(Path(write_export_record(safe, out, plan, extra=extra)))
    return result, written


__all__ = ["ExposureOptions", "write_exposure_outputs", "compute_exposure", "EXPOSURE_FORMATS"]
