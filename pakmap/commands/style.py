"""``pakmap style export|import``: one layer's style to and from QGIS (.qml) and SLD (.sld)."""

from __future__ import annotations

import sys
from pathlib import Path

import tomli_w

from ..jobs.outputs import check_exports
from ..jobs.style_files import check_style_fits, check_style_output, export_layer_style, read_style_file
from ..project import load_project
from ..project.loader import load_layers
from ..session import Session
from ..style import labels_to_dict, style_to_dict


def run_export(args) -> int:
    project = load_project(args.project)
    project.layer_spec(args.layer)  # an unknown layer is named before any data is read
    check_style_output(project, Path(args.output))  # before reading any data
    print(export_layer_style(load_layers(project), args.layer, args.output))
    return 0


def run_import(args) -> int:
    project = load_project(args.project) if args.project else None
    if project is not None:
        project.layer_spec(args.layer)  # an unknown layer is named before the style is read
        # The project is saved in place: its folder must take the write before any data is read.
        check_exports(project, [], also=[args.project], project_file=False)
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
