"""``pakmap style export|import``: one layer's style to and from QGIS (.qml) and SLD (.sld)."""

from __future__ import annotations

import sys

import tomli_w

from ..jobs.style_files import check_style_fits, export_layer_style, read_style_file
from ..project import load_project
from ..project.loader import load_layers
from ..session import Session
from ..style import labels_to_dict, style_to_dict


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
    e.set_defaults(func=run_export)
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
    i.set_defaults(func=run_import)


def run_export(args) -> int:
    loaded = load_layers(load_project(args.project))
    print(export_layer_style(loaded, args.layer, args.output))
    return 0


def run_import(args) -> int:
    project = load_project(args.project) if args.project else None
    if project is not None:
        project.layer_spec(args.layer)  # an unknown layer is named before the style is read
    imported = read_style_file(args.style)
    if project is not None:
        session = Session.open(project)
        check_style_fits(session.loaded, args.layer, imported, args.style)
        session.set_style(args.layer, imported.style, imported.labels, opacity=imported.opacity)
        print(session.save())
    else:
        table = {"style": style_to_dict(imported.style)}
        labels = labels_to_dict(imported.labels)
        if labels:
            table["labels"] = labels
        print(tomli_w.dumps({"layers": [{"name": args.layer, "opacity": imported.opacity, **table}]}), end="")
    print(f"pakmap: {args.style}: {imported.summary()}", file=sys.stderr)
    return 0
