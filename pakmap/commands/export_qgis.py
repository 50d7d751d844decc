"""``pakmap export-qgis PROJECT -o MAP.qgz``: the project as a QGIS project, its layers in MAP.gpkg beside it."""

from __future__ import annotations

from ..jobs.outputs import check_exports
from ..jobs.qgis_project import export_qgis_project, qgis_export_files
from ..project import load_project
from ..project.loader import load_layers
from .common import parse_aggregate, print_join_reports


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
        threshold=args.threshold,
    ):
        print(path)
    return 0
