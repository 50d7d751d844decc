"""The parser of ``pakmap export-qgis``: the command is ``pakmap.commands.export_qgis``, imported when it runs."""

from __future__ import annotations

from .options import add_protection_options


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
    p.set_defaults(run="pakmap.commands.export_qgis:run")
