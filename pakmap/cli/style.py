"""The parser of ``pakmap style``: the command is ``pakmap.commands.style``, imported when it runs."""

from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser(
        "style",
        help="export a layer's style as .qml/.sld, or import a QGIS .qml",
        description="Share layer styles with QGIS, GeoServer and ArcGIS Pro.",
    )
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    e = actions.add_parser("export", help="write a layer's style as a QGIS .qml or an SLD 1.1 .sld")
    e.add_argument("project", help="the project file (.toml)")
    e.add_argument("--layer", required=True, help="the layer whose style to write")
    e.add_argument("-o", "--output", required=True, help="the style file (.qml or .sld)")
    e.set_defaults(run="pakmap.commands.style:run_export")
    i = actions.add_parser(
        "import",
        help="read a QGIS .qml into a layer of a project",
        description="Read a QGIS style (.qml). With --project, it becomes the layer's style "
        "in that project file (saved atomically); without, the style is printed "
        "as a project-file table. What pakmap could not carry over is said in one line.",
    )
    i.add_argument("style", help="the QGIS style (.qml)")
    i.add_argument("--layer", required=True, help="the layer to style")
    i.add_argument("--project", help="the project file to update (.toml)")
    i.set_defaults(run="pakmap.commands.style:run_import")
