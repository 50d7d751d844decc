"""The text ``pakmap info PATH`` prints: what a file holds, layer by layer.

For vectors: geometry type, feature count, CRS, bounds, fields with types and the validity summary
(naming the invalid features); for tables: rows, columns, how the file was read (encoding,
delimiter, header row) and which coordinate columns were found; for rasters: size, bands, type,
nodata, CRS, bounds and overviews. Built from the same ``open_layer`` every other part uses, so what
``info`` says is what a project will get.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from ..crs import crs_label
from ..errors import SourceError
from ..field_kinds import describe_kinds, layer_kinds
from ..layer import Layer, RasterLayer, TableLayer, VectorLayer
from ..limits import LimitError
from ..postgis.address import PgSource, as_source, is_database_address
from ..sources import list_layers, open_layer
from ..sources.csv_sniff import describe_delimiter
from ..sources.detect import detect

MAX_NAMED = 5  # invalid features named in the summary; more are counted


def describe(path: str | os.PathLike, layer: str | None = None, **options) -> str:
    """A multi-line summary of every layer of ``path`` (or only ``layer``).

    A file with one layer (or one chosen layer) that cannot be read raises its ``SourceError``; in a
    file with several layers, a broken or empty layer is described by its problem and the others
    are still shown.
    """
    location: Path | PgSource
    names: list[str | None]
    if is_database_address(path):
        location = database = as_source(path)  # a password in the address is refused here, never echoed
        whole = database.table or database.query is not None
        names = [layer] if layer is not None else ([None] if whole else list(list_layers(database)))
        head = f"{database}: PostgreSQL on {database.server}"
        head += f", {len(names)} spatial tables" if len(names) > 1 else ""
    else:
        location = Path(os.fspath(path))
        names = [layer] if layer is not None else list(list_layers(location))
        fmt = detect(location)
        head = f"{location}: {fmt.label}" + (f", {len(names)} layers" if len(names) > 1 else "")
    blocks = [head]
    for name in names:
        if len(names) == 1:
            blocks.append(describe_layer(open_layer(location, layer=layer, **options)))
            continue
        try:
            blocks.append(describe_layer(open_layer(location, layer=name, **options)))
        except (SourceError, LimitError) as exc:
            blocks.append(f"layer: {name}\n  problem: {exc.problem}" + (f" — {exc.fix}" if exc.fix else ""))
    return "\n\n".join(blocks)


def describe_layer(layer: Layer) -> str:
    """The summary of one opened layer."""
    if isinstance(layer, RasterLayer):
        lines = _raster(layer)
    elif isinstance(layer, VectorLayer):
        lines = _vector(layer)
    else:
        lines = _table(layer)
    width = max(len(k) for k, _ in lines) + 1
    return "\n".join([f"layer: {layer.name}"] + [f"  {k + ':':<{width}} {v}" for k, v in lines])


def _vector(layer: VectorLayer) -> list[tuple[str, str]]:
    if layer.source is not None and isinstance(layer.source.path, PgSource):
        return _database_vector(layer)
    gdf = layer.data
    types = sorted(gdf.geometry.geom_type.dropna().unique())
    lines = [
        ("geometry", ", ".join(types) or "none"),
        ("features", f"{len(gdf):,}"),
        ("CRS", crs_label(layer.crs) + ("" if layer.crs else " — set it with --crs EPSG:…")),
    ]
    if gdf.geometry.notna().any() and not gdf.geometry.is_empty.all():
        lines.append(("bounds", _bounds(layer.bounds) + " (xmin, ymin, xmax, ymax)"))
    lines += _read_with(layer)
    lines.append(("fields", _fields(gdf.drop(columns=gdf.geometry.name))))
    lines.append(("kinds", _field_kinds(layer)))
    lines.append(_sensitive(layer))
    validity = layer.validity.summary()
    bad = layer.validity.invalid_rows
    if bad:
        validity += f"; invalid: {_feature_names(gdf, bad)}"
        if not layer.validity.repaired:
            validity += " (repair on load with --repair)"
    lines.append(("validity", validity))
    return lines


def _database_vector(layer: VectorLayer) -> list[tuple[str, str]]:
    """A database layer, from what the server said when it was opened: no rows are sent."""
    lines = [
        ("geometry", layer.geometry_type),
        ("features", f"{layer.feature_count:,}"),
        ("CRS", crs_label(layer.crs) + ("" if layer.crs else " — set it with --crs EPSG:…")),
        ("bounds", _bounds(layer.bounds) + " (xmin, ymin, xmax, ymax)"),
        ("fields", ", ".join(map(str, layer.fields)) or "(none)"),
        ("kinds", _field_kinds(layer)),
        _sensitive(layer),
        ("validity", layer.validity.summary()),
    ]
    return lines


def _table(layer: TableLayer) -> list[tuple[str, str]]:
    df = layer.data
    lines = [("rows", f"{len(df):,}"), ("columns", f"{len(df.columns)}")]
    lines += _read_with(layer)
    lines.append(("fields", _fields(df)))
    lines.append(("kinds", _field_kinds(layer)))
    lines.append(("coordinates", "none found (a table for joins; give lat=/lon= or wkt= to map it)"))
    lines.append(_sensitive(layer))
    return lines


def _sensitive(layer: VectorLayer | TableLayer) -> tuple[str, str]:
    """The personal-data flags set on load (``pakmap.protection``): withheld from exports by default."""
    if not layer.sensitive_fields:
        return ("sensitive", "none detected")
    # One line per field with the rule that fired: the officer checks each decision.
    flagged = "".join(f"\n    {field} — {why}" for field, why in layer.sensitive_fields.items())
    count = len(layer.sensitive_fields)
    return (
        "sensitive",
        f"{count} field{'s' if count > 1 else ''} withheld from exports unless allowed "
        f"(--allow-sensitive LAYER:FIELD, or [[protection.allow]] with a reason):{flagged}",
    )


def _field_kinds(layer: VectorLayer | TableLayer) -> str:
    """What each numeric field is and why (``pakmap.field_kinds``): only counts are suppressed."""
    return describe_kinds(layer_kinds(layer)) + " — only counts are suppressed below the threshold"


def _raster(layer: RasterLayer) -> list[tuple[str, str]]:
    return [
        ("size", f"{layer.width} × {layer.height} pixels"),
        ("bands", str(layer.count)),
        ("type", layer.dtype),
        ("nodata", "none" if layer.nodata is None else f"{layer.nodata:g}"),
        ("CRS", crs_label(layer.crs) + ("" if layer.crs else " — set it with --crs EPSG:…")),
        ("bounds", _bounds(layer.bounds) + " (xmin, ymin, xmax, ymax)"),
        (
            "overviews",
            ", ".join(f"1/{f}" for f in layer.overviews)
            if layer.overviews
            else "none (large views read every pixel; build overviews with gdaladdo)",
        ),
    ]


def _read_with(layer: Layer) -> list[tuple[str, str]]:
    """How the file was read, for tables and points made from tables."""
    source = layer.source
    opts = source.options if source else {}
    lines = []
    workbook = source is not None and source.path.suffix.lower() in (".xlsx", ".xlsm")
    if "delimiter" in opts or "header_row" in opts or workbook:
        how = [f"sheet '{source.layer}'"] if source is not None and workbook else []
        if "encoding" in opts:
            how.append(f"encoding {opts['encoding']}")
        if "delimiter" in opts:
            how.append(f"{describe_delimiter(opts['delimiter'])}-separated")
        how.append(f"header on row {opts.get('header_row', 1)}")
        lines.append(("read as", ", ".join(how)))
    elif "encoding" in opts:
        lines.append(("text encoding", opts["encoding"]))
    if "lat" in opts:
        lines.append(("coordinates", f"latitude '{opts['lat']}', longitude '{opts['lon']}' → points"))
    elif "wkt" in opts:
        lines.append(("coordinates", f"WKT geometry in column '{opts['wkt']}'"))
    if workbook or "delimiter" in opts:
        lines.append(
            (
                "row numbers",
                "as the file numbers them (sheet rows)" if workbook else "as the file numbers them (file lines)",
            )
        )
    for note in layer.source.notes if layer.source else []:
        lines.append(("converted", note))
    return lines


def _bounds(bounds) -> str:
    return ", ".join(f"{v:.6g}" for v in bounds)


def _kind(series: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(series):
        return "boolean"
    if pd.api.types.is_integer_dtype(series):
        return "integer"
    if pd.api.types.is_float_dtype(series):
        return "decimal"
    if pd.api.types.is_datetime64_any_dtype(series):
        return "date"
    return "text"


def _fields(df: pd.DataFrame) -> str:
    if df.columns.empty:
        return "none"
    return ", ".join(f"{c} ({_kind(df[c])})" for c in df.columns)


def _feature_names(gdf, positions) -> str:
    """Invalid features by their name field when there is one, else by row number (1-based)."""
    column = next((c for c in gdf.columns if str(c).lower() in ("name", "name_en", "adm2_en", "adm1_en")), None)
    shown = [str(gdf.iloc[p][column]) if column else f"feature {p + 1}" for p in positions[:MAX_NAMED]]
    more = len(positions) - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


__all__ = ["describe", "describe_layer"]
