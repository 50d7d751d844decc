"""From rows of cells (CSV or a worksheet) to a table or a point layer.

Shared by the CSV and XLSX readers: finding the header row below a title block, cleaning column
names, typing columns without destroying codes (``"0101"`` stays text: P-codes and district codes
lose their meaning as numbers), and turning coordinates into geometry.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any, Sequence

import pandas as pd

from ..column_names import clean_names
from ..crs import parse_crs
from ..errors import SourceError
from ..layer import SourceInfo, TableLayer, VectorLayer
from . import coordinates
from .finish import finish_geometry
from .rows import FILE_LINE

HEADER_SCAN_ROWS = 30
_LEADING_ZERO = re.compile(r"^[+-]?0\d")
_THOUSANDS = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")  # "1,250", "75", "1250.5"


def _filled(row: Sequence[Any]) -> list[Any]:
    return [v for v in row if v is not None and str(v).strip() != ""]


def detect_header_row(rows: Sequence[Sequence[Any]]) -> int:
    """0-based index of the header row: the first row, among the first 30, as wide as the table (at
    least half the widest row's filled cells, and two).

    Reports often start with a title, a date line and a blank row before the header; those rows have
    one or two filled cells, so they are skipped. Header cells may be numbers (years as column names:
    ``district, 2017, 2023``), so width, not content, decides.
    """
    scan = rows[:HEADER_SCAN_ROWS]
    widest = max((len(_filled(r)) for r in scan), default=0)
    need = max(2, math.ceil(widest / 2))
    return next((i for i, row in enumerate(scan) if len(_filled(row)) >= need), 0)


def is_hxl_row(row: Sequence[Any]) -> bool:
    """A Humanitarian Exchange Language hashtag row (``#adm2+name``) under the header."""
    cells = _filled(row)
    return bool(cells) and all(isinstance(v, str) and v.strip().startswith("#") for v in cells)


def infer_types(df: pd.DataFrame) -> pd.DataFrame:
    """Type each column as a whole: numbers (thousands separators allowed) where every filled cell is
    one, except codes with leading zeros, which stay text; dates from workbooks as dates; blank
    cells as missing. Whole columns at a time, no per-cell Python."""
    out = df.copy()
    for column in out.columns:
        series = out[column]
        if not (series.dtype == object or pd.api.types.is_string_dtype(series)):
            continue
        present = series.notna() & (series.astype("string").str.strip() != "")
        if not present.any():
            continue
        kind = pd.api.types.infer_dtype(series[present], skipna=True)
        if kind in ("datetime", "datetime64", "date"):
            out[column] = pd.to_datetime(series.where(present, None))
            continue
        if kind in ("integer", "floating", "mixed-integer-float", "decimal"):
            numbers = pd.to_numeric(series[present])  # typed cells of a workbook
        else:
            numbers = _text_numbers(series[present].astype("string").str.strip())
        if numbers is None:
            out[column] = series.where(present, None)
        else:
            converted = pd.Series(float("nan"), index=out.index)
            converted[present] = numbers.astype(float)
            whole = present.all() and (converted % 1 == 0).all()
            out[column] = converted.astype("int64") if whole else converted
    return out


def _text_numbers(values: pd.Series) -> pd.Series | None:
    """The numbers a text column holds, or None when it is text (or codes such as "0101")."""
    if values.str.match(_LEADING_ZERO).any():
        return None
    if values.str.contains(",", regex=False).any() and values.str.match(_THOUSANDS).all():
        values = values.str.replace(",", "", regex=False)
    numbers = pd.to_numeric(values, errors="coerce")
    return numbers if numbers.notna().all() else None


def frame_from_rows(
    raw_rows: Sequence[Sequence[Any]],
    header_row: int | None,
    path,
    *,
    numbering: str = FILE_LINE,
    numbers: Sequence[int] | None = None,
) -> tuple[pd.DataFrame, int]:
    """A typed DataFrame from raw rows; returns it with the 0-based header row used.

    The frame's index holds each record's row number in the file (``numbers[i]`` for ``rows[i]``,
    default ``i + 1``), named by ``numbering`` (``pakmap.sources.rows``).
    """
    rows = [list(r) for r in raw_rows]
    numbers = list(numbers) if numbers is not None else list(range(1, len(rows) + 1))
    if not any(_filled(r) for r in rows):
        raise SourceError("the table is empty", path=path, fix="check you chose the right file or sheet")
    index = detect_header_row(rows) if header_row is None else int(header_row)
    if index < 0:
        raise SourceError(
            f"header_row must be 1 or more (got {index + 1})",
            path=path,
            fix="give the row number as Excel or a text editor shows it",
        )
    if index >= len(rows):
        raise SourceError(
            f"has no row {index + 1} to use as the header ({len(rows)} rows)",
            path=path,
            fix="give a smaller header_row",
        )
    width = max(len(r) for r in rows[index:])
    names = clean_names(rows[index] + [None] * (width - len(rows[index])))
    body = list(zip(numbers[index + 1 :], rows[index + 1 :]))
    if body and is_hxl_row(body[0][1]):
        body = body[1:]
    body = [(n, r) for n, r in body if _filled(r)]
    # Columns Excel keeps "used" after a cell was cleared: no name, no values. Found cell by cell
    # before the frame exists: a sheet spanning 16,384 columns would take minutes column by column.
    used = {i for _, r in body for i, v in enumerate(r) if v is not None and str(v).strip() != ""}
    keep = [i for i, name in enumerate(names) if i in used or not name.startswith("column_")]
    df = pd.DataFrame(
        [[r[i] if i < len(r) else None for i in keep] for _, r in body],
        columns=[names[i] for i in keep],
        dtype=object,
        index=pd.Index([n for n, _ in body], dtype="int64", name=numbering),
    )
    return infer_types(df), index


def make_layer(
    df: pd.DataFrame,
    path: Path,
    name: str,
    options: dict,
    *,
    layer: str | None = None,
    lat: str | None = None,
    lon: str | None = None,
    wkt: str | None = None,
    crs=None,
    as_table: bool = False,
    repair: bool = False,
    notes: list[str] | None = None,
) -> TableLayer | VectorLayer:
    """A ``TableLayer``, or a ``VectorLayer`` when coordinates or WKT are given or detected.

    ``options`` are the reader options already decided (encoding, delimiter, header_row…); the
    coordinate columns used are added so the project reopens the file the same way. ``notes`` say
    what the reader changed (merged cells filled); coordinate conversions are added to them.
    """
    notes = list(notes or [])
    if len(df) == 0:
        raise SourceError(
            "the table has a header but no data rows",
            path=path,
            fix="check you chose the right file or sheet, and the header row",
        )
    options = dict(options)
    if not as_table and (lat is None) != (lon is None):
        raise SourceError(
            "give both lat= and lon= columns, not just one",
            path=path,
            fix=f"columns are: {', '.join(map(str, df.columns))}",
        )
    if as_table:
        options["as_table"] = True
        return TableLayer(name, df, SourceInfo(path, layer=layer, options=options, notes=notes))
    if lat is None and wkt is None:
        found_lat, found_lon = coordinates.find_lat_lon(df.columns)
        if found_lat is not None and found_lon is not None:
            lat, lon = found_lat, found_lon
        else:
            wkt = coordinates.find_wkt(df)
    user_crs = parse_crs(crs, path=path) if crs is not None else None
    if lat is not None and lon is not None:  # both or neither, checked above
        gdf = coordinates.points_from_columns(df, lat, lon, path, notes)
        options.update(lat=lat, lon=lon)
    elif wkt is not None:
        gdf = coordinates.geometry_from_wkt(df, wkt, path, user_crs)
        options["wkt"] = wkt
    else:
        return TableLayer(name, df, SourceInfo(path, layer=layer, options=options, notes=notes))
    gdf, report = finish_geometry(gdf, options, path=path, crs=crs, repair=repair)
    return VectorLayer(name, gdf, SourceInfo(path, layer=layer, options=options, notes=notes), validity=report)


__all__ = ["detect_header_row", "clean_names", "infer_types", "frame_from_rows", "make_layer", "is_hxl_row"]
