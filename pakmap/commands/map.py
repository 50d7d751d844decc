"""``pakmap map LAYER [--table T --on A=B] [--by F] [--fields F,…] -o OUT``: a quick map, no project needed."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

from ..crs import parse_crs
from ..errors import PakmapError, SourceError
from ..field_format import expression_fields, parse_expression
from ..jobs.outputs import check_exports
from ..jobs.quickmap import choose_style, describe, quick_project
from ..layer import RasterLayer, VectorLayer
from ..project.loader import load_layers
from ..session import Session
from ..style import KEEP, GraduatedStyle, LabelStyle
from .common import parse_aggregate, print_join_reports, run_outputs, split_list, split_pair


def run(args) -> int:
    fields = split_list(args.fields)
    on = [
        list(split_pair(p, "--on", "LAYER_FIELD=TABLE_FIELD", "name=district", single_means_both=True)) for p in args.on
    ]
    base = Path(args.save_project).resolve().parent if args.save_project else None
    project = quick_project(
        args.layer,
        table=args.table,
        on=on,
        by=args.by,
        fields=fields,
        title=args.title,
        layer=args.inner_layer,
        base=base,
    )
    for join in project.joins:
        join.strict = args.strict
    check_exports(
        project,
        [(args.output, None, args.world_file)],
        project_file=False,
        also=[args.save_project] if args.save_project else [],
    )
    loaded = _load_with_crs(project, args.crs)
    # Now that the layer's fields are read, a COD-AB layer is known by its P-codes.
    facts = describe(
        project,
        args.layer,  # a file, or a database address (never made a Path)
        args.inner_layer,
        table=args.table,
        by=args.by,
        title=args.title,
        fields=getattr(loaded.layer(project.layers[-1].name), "fields", None),
    )
    session = Session(project, loaded)
    print_join_reports(loaded, strict=args.strict)
    # The style depends on the joined data (numbers → choropleth, text → categories); a raster has no
    # fields (quick_project refused --by and --fields) and keeps its colour ramp.
    target = project.layers[-1]
    layer = loaded.layer(target.name)
    _require_fields(layer, ([args.by] if args.by else []) + fields, args.layer)
    if args.label:
        session.set_style(target.name, labels=_labels(args.label, layer, args.layer))
    style = choose_style(layer.data, args.by) if args.by else None
    if args.keep_breaks:
        if not isinstance(style, GraduatedStyle):
            raise PakmapError(
                "--keep-breaks needs a numeric --by field (a graduated map)",
                fix="map a numeric field with --by, or leave out --keep-breaks",
            )
        if not args.save_project:
            raise PakmapError("--keep-breaks records the bounds in a project", fix="add --save-project P.toml")
        style = dataclasses.replace(style, breaks=KEEP)
    if style is not None:
        session.set_style(target.name, style)
    if args.save_project:
        for message in session.record_kept_breaks():
            print(message)
        print(session.save(args.save_project))
    run_outputs(
        loaded,
        args.output,
        dpi=args.dpi,
        world_file=args.world_file,
        allow_sensitive=args.allow_sensitive,
        aggregate=parse_aggregate(args.aggregate),
        reason=args.reason,
        places=args.places,
        threshold=args.threshold,
    )
    if not facts.credit:
        print(
            "pakmap: note: the map's sources line does not say where the boundaries come from: "
            'add it with --save-project and sources = "…" under [layout]',
            file=sys.stderr,
        )
    return 0


def _load_with_crs(project, crs: str | None):
    """Load the quick project; a drawn layer whose file has no CRS takes ``--crs``, or is an error
    that names the file and offers ``--crs`` (a CRS is never assumed)."""
    if crs is not None:
        parse_crs(crs, what="--crs")  # a typo is reported before any file is read
    loaded = load_layers(project)
    missing = [
        spec
        for spec, layer in zip(project.layers, loaded.layers)
        if isinstance(layer, (VectorLayer, RasterLayer)) and layer.crs is None
    ]
    if not missing:
        if crs is not None:
            print("pakmap: note: --crs ignored: the layer's file has its own CRS", file=sys.stderr)
        return loaded
    if crs is None:
        raise SourceError(
            "the file has no coordinate reference system (no .prj or CRS in the file), so pakmap "
            "cannot place it on the map",
            path=project.resolve(missing[0].path),
            fix="give it with --crs, e.g. --crs EPSG:4326 for longitude/latitude in degrees",
        )
    for spec in missing:
        spec.crs = crs
    return load_layers(project)


def _labels(text: str, layer, path) -> LabelStyle:
    """``--label``: a field name, or an expression of the layer's fields (a typed "\\n" breaks the line)."""
    expression = "{" in text
    wanted = expression_fields(text) if expression else [text]
    if expression:
        parse_expression(text, "--label")
    _require_fields(layer, wanted, path, option="--label")
    return LabelStyle(expression=text) if expression else LabelStyle(field=text)


def _require_fields(layer, wanted: list[str], path, option: str | None = None) -> None:
    """Each field ``wanted`` (by ``option``) is in the layer, joined table included."""
    for name in wanted:
        if name not in layer.data.columns:
            named = f"{option} names field '{name}', which is" if option else f"field '{name}' is"
            raise PakmapError(
                f"{named} not in the layer or the joined table",
                path=path,
                fix=f"use one of: {', '.join(map(str, layer.fields))}",
            )
