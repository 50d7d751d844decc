"""``pakmap demo``: build and render a complete example project, offline.

The project shows a month's work end to end: boundaries (provinces, districts), refugee villages, a
partner's refugees-per-district table with messy names joined to the districts (abbreviations, old
FATA agency names, a typo whose fuzzy match is accepted in the project), villages counted per
district, a UNHCR choropleth and a full print layout, exported to PDF, PNG, SVG and HTML.

Without ``--data`` the boundaries are generated (``pakmap.jobs.demo_data``); with ``--data DIR`` the
districts and provinces are taken from a folder of COD-AB style files. The refugee figures are always
illustrative, and every output says so on its face.
"""

from __future__ import annotations

import sys
from pathlib import Path

import geopandas as gpd

from ..atomic import atomic_path
from ..csv_out import write_frame_csv
from ..dates import creation_date, format_date
from ..errors import SourceError
from ..file_guard import check_outputs, sources_of
from ..layer import VectorLayer
from ..project import save_project
from ..project.model import ExportSpec, JoinSpec, LayerSpec, LayoutSpec, MapSpec, Project, ProtectionSpec
from ..sources import list_layers, open_layer
from ..style import GraduatedStyle, LabelStyle, SingleSymbolStyle, Symbol
from . import demo_data
from .outputs import export_files

NAME_FIELDS = ("ADM2_EN", "adm2_name", "ADM2_NAME", "NAME_2", "name", "district", "NAME")
PROVINCE_FIELDS = ("ADM1_EN", "adm1_name", "ADM1_NAME", "NAME_1", "province", "PROVINCE")
VECTOR_SUFFIXES = (".gpkg", ".geojson", ".json", ".shp", ".zip", ".fgb")
# What the demo writes into its folder: the data, the project, and the project's exports (with dpi).
BOUNDARIES, TABLE, VILLAGES = "data/boundaries.gpkg", "data/refugees_by_district.csv", "data/refugee_villages.gpkg"
PROJECT_FILE = "project.toml"
EXPORTS = (("map.pdf", 300), ("map.png", 150), ("map.svg", 300), ("map.html", 300))


def _boundary_files(folder: Path) -> list[Path]:
    return [path for path in sorted(folder.iterdir()) if path.suffix.lower() in VECTOR_SUFFIXES]


def check_demo_outputs(outdir: Path, data_dir: Path | None) -> None:
    """Before anything is read: the demo's folder is writable and none of its files is one of the
    boundary files in ``data_dir``."""
    read = []
    if data_dir is not None and data_dir.is_dir():
        read = [
            source
            for path in _boundary_files(data_dir)
            for source in sources_of(path, "a boundary file the demo reads")
        ]
    outputs = [outdir / name for name in (BOUNDARIES, TABLE, VILLAGES, PROJECT_FILE)]
    outputs += [file for name, _ in EXPORTS for file in export_files(outdir / name)]
    check_outputs(outputs, read, folders=[outdir, outdir / "data"])


def _find_field(columns, candidates) -> str | None:
    lowered = {str(c).lower(): c for c in columns}
    return next((lowered[c.lower()] for c in candidates if c.lower() in lowered), None)


def _find_admin_layers(
    folder: Path,
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame | None, gpd.GeoDataFrame | None, str, str]:
    """Districts (and provinces and the Line of Control, if present) from a folder of COD-AB style files.

    Read through ``pakmap.sources`` with ``repair=True``: published boundaries often hold a few invalid
    polygons, and the demo's copy is repaired (and says so) so that villages can be placed in them.
    """
    candidates: list[tuple[str, Path, str]] = []
    for path in _boundary_files(folder):
        try:
            names = list_layers(path)
        except SourceError:
            continue  # not a vector file: the folder may hold anything
        candidates += [(f"{path.name} {name}".lower(), path, name) for name in names]

    def pick(words):
        for label, path, name in candidates:
            if any(w in label for w in words):
                layer = open_layer(path, layer=name, repair=True)
                if not isinstance(layer, VectorLayer):
                    continue  # an attribute table beside the boundaries ("adm2_population")
                if layer.validity.repaired:
                    print(
                        f"pakmap demo: repaired {layer.validity.repaired} invalid geometries of "
                        f"{path.name} ({name}) in the demo's copy",
                        file=sys.stderr,
                    )
                return layer.data
        return None

    districts = pick(("adm2", "district"))
    if districts is None:
        raise SourceError(
            "no district boundaries found (a file or layer named like adm2 or district)",
            path=folder,
            fix="put the COD-AB admin 2 file in the folder, or run the demo without --data",
        )
    provinces = pick(("adm1", "province"))
    line_of_control = pick(("line_of_control", "lineofcontrol", "_loc"))
    name_field = _find_field(districts.columns, NAME_FIELDS)
    province_field = _find_field(districts.columns, PROVINCE_FIELDS)
    if not name_field or not province_field:
        raise SourceError(
            "the district layer has no recognizable name and province fields",
            path=folder,
            fix=f"name them like {NAME_FIELDS[0]} and {PROVINCE_FIELDS[0]}",
        )
    return districts, provinces, line_of_control, name_field, province_field


def _write_geopackage(path: Path, layers: dict[str, gpd.GeoDataFrame]) -> None:
    """All layers into one new GeoPackage, which replaces ``path`` only once complete."""
    with atomic_path(path) as tmp:
        for name, gdf in layers.items():
            gdf.to_file(tmp, layer=name, driver="GPKG")


def build_demo(outdir: Path, data_dir: Path | None = None) -> Project:
    """Write the demo's data files and project into ``outdir``; return the project (saved)."""
    outdir.mkdir(parents=True, exist_ok=True)
    data = outdir / "data"
    data.mkdir(exist_ok=True)
    if data_dir is None:
        provinces, districts = demo_data.illustrative_boundaries()
        line_of_control = None
        name_field, province_field = "ADM2_EN", "ADM1_EN"
        province_name_field: str | None = "ADM1_EN"
        note = "Illustrative data generated by pakmap demo: the boundaries and all figures are fictional"
        boundaries_source = "Boundaries: illustrative (generated)"
    else:
        districts, provinces, line_of_control, name_field, province_field = _find_admin_layers(Path(data_dir))
        if provinces is None:
            provinces = districts.dissolve(by=province_field, as_index=False)
        province_name_field = _find_field(provinces.columns, PROVINCE_FIELDS + NAME_FIELDS)
        note = "Illustrative refugee figures on real boundaries: the statistics are fictional"
        boundaries_source = "Boundaries: as supplied in " + Path(data_dir).name
    boundaries = {"provinces": provinces, "districts": districts}
    if line_of_control is not None:
        boundaries["line_of_control"] = line_of_control
    _write_geopackage(outdir / BOUNDARIES, boundaries)
    table = demo_data.refugee_table(districts, name_field)
    with atomic_path(outdir / TABLE) as tmp:
        write_frame_csv(table, tmp)
    villages = demo_data.refugee_villages(districts, province_field)
    _write_geopackage(outdir / VILLAGES, {"refugee_villages": villages})

    today = creation_date()
    project = Project(
        map=MapSpec(title="Afghan refugees by district (illustrative data)", crs="EPSG:4326"),
        layers=[
            LayerSpec(name="refugees_table", path=TABLE, visible=False, legend=False),
            LayerSpec(
                name="districts",
                path=BOUNDARIES,
                layer="districts",
                style=GraduatedStyle(field="Refugees", method="natural_breaks", classes=5, palette="unhcr_blue"),
                popup_fields=[name_field, province_field, "Refugees", "villages"],
            ),
            LayerSpec(
                name="provinces",
                path=BOUNDARIES,
                layer="provinces",
                style=SingleSymbolStyle(Symbol(fill="none", stroke="#18375F", stroke_width=0.5)),
                labels=LabelStyle(field=province_name_field, size=8, bold=True, color="#18375F")
                if province_name_field
                else None,
            ),
            *(
                [
                    LayerSpec(
                        name="Line of Control",
                        path=BOUNDARIES,
                        layer="line_of_control",
                        # UN convention: the Line of Control is drawn dotted
                        style=SingleSymbolStyle(Symbol(fill="#18375F", stroke_width=0.5, line_style="dot")),
                    )
                ]
                if line_of_control is not None
                else []
            ),
            LayerSpec(
                name="refugee_villages",
                path=VILLAGES,
                style=SingleSymbolStyle(Symbol(marker="settlement", fill="#EF4A60", stroke="#FFFFFF", size=2.6)),
                popup_fields=["village", "population"],
            ),
        ],
        joins=[
            JoinSpec(
                layer="districts",
                table="refugees_table",
                on=[[name_field, "District"]],
                fields=["Refugees", "Households"],
                accepted={"Peshwar": "Peshawar"},
            ),
            JoinSpec(layer="districts", kind="spatial", points="refugee_villages", stats={"villages": "count"}),
        ],
        layout=LayoutSpec(
            template="a4_landscape",
            title="Afghan refugees by district — ILLUSTRATIVE DATA",
            subtitle="Registered Afghan refugees per district and refugee villages (fictional figures)",
            as_of=format_date(today),
            map_id=f"PAKMAP-DEMO-{today:%Y%m%d}",
            sources=f"{boundaries_source}; Statistics: illustrative (pakmap demo). {note}.",
            contact="pakmap demo — replace with your office's contact line",
        ),
        exports=[ExportSpec(name, dpi=dpi) for name, dpi in EXPORTS],
        protection=ProtectionSpec(threshold=5),
        illustrative=True,
    )
    project.path = outdir / PROJECT_FILE  # the layer paths above are relative to it
    save_project(project)
    return project
