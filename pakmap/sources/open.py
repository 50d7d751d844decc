"""The one entry point for reading data: ``open_layer(path, layer=None, **options)``.

Options (all optional; those that were decided by sniffing are recorded in the layer's
``SourceInfo.options`` so that a project reopens the file exactly the same way):

- every kind: ``crs`` — set the CRS of a file that has none (or replace a wrong one); never assumed;
- vectors and tables with geometry: ``repair=True`` — ``make_valid`` invalid geometries (reported);
- vectors: ``encoding`` — text encoding of a shapefile's DBF (default: .cpg if right, else sniffed);
- CSV: ``encoding``, ``delimiter``, ``header_row`` (1-based); XLSX: ``sheet`` (or ``layer``),
  ``header_row``; both: ``lat``/``lon`` or ``wkt`` columns (default: detected), ``as_table=True``
  to keep coordinates as plain columns.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..catalog import catalog_kinds
from ..crs import parse_crs
from ..errors import SourceError
from ..file_guard import regular_file
from ..layer import Layer, RasterLayer, VectorLayer
from ..postgis.address import as_source, is_database_address
from ..sensitivity.detect import flag_layer
from . import csv_sniff, table, vector, xlsx
from .detect import CSV, RASTER, VECTOR, XLSX, detect

_TABLE_OPTIONS = {"lat", "lon", "wkt", "crs", "as_table", "repair", "header_row"}
ALLOWED_OPTIONS = {
    VECTOR: {"crs", "repair", "encoding"},
    CSV: _TABLE_OPTIONS | {"encoding", "delimiter"},
    XLSX: _TABLE_OPTIONS | {"sheet"},
    RASTER: {"crs"},
}


def _existing(path: str | os.PathLike) -> Path:
    path = Path(os.fspath(path)).expanduser()
    if not path.exists():
        raise SourceError(
            "file not found", path=path, fix="check the path (in a project, paths are relative to the project file)"
        )
    # Before any reader touches it: a named pipe or a device would hang a reader or never end.
    return regular_file(path)


def _check_options(kind: str, options: dict, path: Path) -> dict:
    unknown = sorted(set(options) - ALLOWED_OPTIONS[kind])
    if unknown:
        raise SourceError(
            f"unknown reader option(s) {', '.join(unknown)} for this kind of file",
            path=path,
            fix=f"use: {', '.join(sorted(ALLOWED_OPTIONS[kind]))}",
        )
    # None means "not given" (as from the command line's unset flags).
    return {k: v for k, v in options.items() if v is not None and v is not False}


def open_layer(path: str | os.PathLike, layer: str | None = None, **options) -> Layer:
    """Read ``path`` into a ``VectorLayer``, ``TableLayer`` or ``RasterLayer``.

    ``layer`` names the layer of a multi-layer file or the sheet of a workbook. Problems with the
    file raise ``SourceError`` with a one-line message naming the file, the problem and the fix.
    """
    if is_database_address(path):
        from ..postgis.open import open_database_layer  # psycopg is loaded only for a database

        opened: Layer = open_database_layer(as_source(path), layer, **options)
        flag_layer(opened)
        return opened
    opened = _read(_existing(path), layer, options)
    # Personal data is flagged the moment it is loaded, so every view (layers panel, ``pakmap info``)
    # and every export sees the same flags.
    flag_layer(opened)
    if not isinstance(opened, RasterLayer):
        # A standard layer's fields are what the catalog says (a rate stays a rate, never "<5").
        opened.declared_kinds = catalog_kinds(path, layer)
    return opened


def _read(path, layer: str | None, options: dict) -> Layer:
    fmt = detect(path)
    opts = _check_options(fmt.kind, options, path)
    if fmt.kind == VECTOR:
        return vector.read_vector(path, fmt, layer, **opts)
    if fmt.kind == RASTER:
        # rasterio (with a GDAL of its own, slow to import and large in memory) is loaded by the first
        # raster read, not by every vector map.
        from .raster import open_raster

        return open_raster(path, **opts)
    if fmt.kind == CSV:
        reading = {k: opts.pop(k) for k in ("encoding", "delimiter", "header_row") if k in opts}
        df, used = csv_sniff.read_csv(path, **reading)
        return table.make_layer(df, path, path.stem, used, **opts)
    sheet = opts.pop("sheet", None) or layer
    df, chosen, used, notes = xlsx.read_xlsx(path, sheet=sheet, header_row=opts.pop("header_row", None))
    return table.make_layer(df, path, chosen, used, layer=chosen, notes=notes, **opts)


def list_layers(path: str | os.PathLike) -> list[str]:
    """Names that ``open_layer(path, layer=NAME)`` accepts: layers, zip members or sheets, or the
    spatial tables of a database."""
    if is_database_address(path):
        from ..postgis.catalog import list_tables

        return [t.name for t in list_tables(as_source(path))]
    path = _existing(path)
    fmt = detect(path)
    if fmt.kind == VECTOR:
        return vector.list_vector_layers(path, fmt)
    if fmt.kind == XLSX:
        return xlsx.sheet_names(path)
    return [path.stem]


def set_crs(layer: Layer, crs) -> None:
    """Set (or correct) the CRS of an opened layer, as the user decides; announced by ``changed``.

    Recorded in the layer's ``SourceInfo.options`` so a saved project reopens it with that CRS.
    Coordinates are not transformed: this says what they already are.
    """
    path = layer.source.path if layer.source else None
    parsed = parse_crs(crs, path=path)
    if isinstance(layer, VectorLayer):
        layer.update(data=layer.data.set_crs(parsed, allow_override=True))
    elif isinstance(layer, RasterLayer):
        layer.update(_crs=parsed)
    else:
        raise SourceError(
            f"'{layer.name}' is a table without geometry, so it has no CRS",
            path=path,
            fix="give its coordinate columns (lat=, lon= or wkt=) to make it a map layer",
        )
    if layer.source is not None:
        layer.source.options["crs"] = str(crs)


__all__ = ["open_layer", "list_layers", "set_crs", "ALLOWED_OPTIONS"]
