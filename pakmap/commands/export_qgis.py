"""``pakmap export-qgis PROJECT -o MAP.qgz``: the project as a QGIS project, its layers in MAP.gpkg beside it."""

from __future__ import annotations

from ..jobs.outputs import check_exports
from ..jobs.qgis_project import export_qgis_project, qgis_export_files
from ..project import load_project
from ..project.loader import load_layers
from .common import add_protection_options, parse_aggregate, print_join_reports


def register(sub) -> None:
    p = sub.add_parser(
        "export-qgis",
        help="export a project as a QGIS project (.qgz)",
        description="Write the project as a QGIS 3.22+ project: same layers, CRS, extent, "
        "symbology, labels and print layout. The published layers (joins applied, "
        "protection applied) go into a GeoPackage of the same name beside it.",
    )
    p.add_argument("project", help="the project file (.toml)")
    p.add_argument("-o", "--output", required=True, help="the QGIS project to write (.qgz)")
    add_protection_options(p)
    p.set_defaults(func=run)


def run(args) -> int:
    project = load_project(args.project)
    check_exports(project, [], also=qgis_export_files(args.output))  # before reading any data
    loaded = load_layers(project)
    print_join_reports(loaded, strict=False)
    for path in export_qgis_project(
        loaded,
        args.output,
        allow_sensitive=tuple(args.allow_sensitive),
        aggregate=parse_aggregate(args.aggregate),
        reason=args.reason,
        places=tuple(args.places),
    ):
        print(path)
    return 0
