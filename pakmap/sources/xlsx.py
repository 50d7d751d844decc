"""Excel workbooks (.xlsx) through openpyxl: sheet choice and header row detection.

Sheet choice follows the layer rule of ``pakmap.sources.vector``: the sheet asked for, else the
only sheet with data; with several sheets holding data, ``SourceError`` lists them rather than guess.
The workbook is opened read-only with cached formula values (what Excel shows, not the formulas);
formula errors (``#DIV/0!``, ``#N/A``…) are read as missing values and counted in the layer's notes.
The sheet's declared size (``<dimension>``) is not trusted: rows are read as they come, and the cells
they span are bounded (``pakmap.limits.SHEET_CELLS``). The XML parser (expat) resolves no external
entities and stops entity expansion bombs; both are reported as a damaged workbook.

Merged cells are filled down: a "Karachi" merged over five rows of a region column belongs to every
one of them, though Excel stores it in the first cell only. Only ranges that span several rows are
filled, each row with the range's value in the range's first column; a title merged across the
columns of one row stays one cell (it must not look like a header). What was filled is reported.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from xml.etree.ElementTree import ParseError

import pandas as pd

from .. import limits
from ..errors import SourceError
from .rows import SHEET_ROW
from .table import frame_from_rows

_MERGE_REF = re.compile(rb"<(?:\w+:)?mergeCell\s+ref=\"([A-Z]+)(\d+):([A-Z]+)(\d+)\"")
_CHUNK = 1 << 20
# What Excel shows in a cell whose formula failed; the cached value openpyxl gives for it.
EXCEL_ERRORS = frozenset(
    {
        "#DIV/0!",
        "#N/A",
        "#NAME?",
        "#NULL!",
        "#NUM!",
        "#REF!",
        "#VALUE!",
        "#SPILL!",
        "#CALC!",
        "#GETTING_DATA",
        "#FIELD!",
        "#BLOCKED!",
        "#CONNECT!",
        "#BUSY!",
        "#UNKNOWN!",
    }
)
EXCEL_MAX_ROWS = 1_048_576  # a worksheet's last row in every Excel since 2007
_FIX = "open it in Excel and save it as .xlsx (Excel Workbook), or export it as CSV UTF-8"


def _open(path: Path):
    # openpyxl (~0.2 s) only when a workbook is read: CSV, vector and raster readers never wait for it.
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ParseError, ValueError, TypeError) as exc:
        raise _damaged(exc, path) from None
    if not workbook.sheetnames:  # openpyxl drops sheets whose part is missing from the archive
        workbook.close()
        raise SourceError("is a damaged workbook: it has no readable worksheet", path=path, fix=_FIX)
    return workbook


def _damaged(exc: Exception, path: Path) -> SourceError:
    detail = " ".join(str(exc).split())[:100] or type(exc).__name__
    return SourceError(f"is a damaged or unsafe workbook that cannot be read ({detail})", path=path, fix=_FIX)


def sheet_names(path: Path) -> list[str]:
    workbook = _open(path)
    try:
        return list(workbook.sheetnames)
    finally:
        workbook.close()


def read_xlsx(
    path: Path, *, sheet: str | None = None, header_row: int | None = None
) -> tuple[pd.DataFrame, str, dict, list[str]]:
    """The table, the sheet read, the options that reproduce the reading (``header_row`` 1-based) and
    notes on what the reading changed (merged cells filled down, formula errors read as missing)."""
    workbook = _open(path)
    try:
        chosen, rows = _sheet_rows(workbook, path, sheet)
        ranges = merged_ranges(workbook[chosen])
    except (ParseError, zipfile.BadZipFile, KeyError, ValueError, TypeError, EOFError) as exc:
        raise _damaged(exc, path) from None
    finally:
        workbook.close()
    _check_merged(ranges, len(rows), path)
    notes = fill_merged_down(rows, ranges)
    errors = _blank_errors(rows)
    if errors:
        notes.append(
            f"{sum(errors.values())} cell(s) with Excel formula errors ({', '.join(sorted(errors))}) read "
            "as missing values"
        )
    # Row i of ``rows`` is sheet row i + 1: openpyxl yields every row from the first, empty ones too.
    df, index = frame_from_rows(rows, None if header_row is None else int(header_row) - 1, path, numbering=SHEET_ROW)
    options = {"header_row": index + 1} if index else {}
    return df, chosen, options, notes


def _sheet_rows(workbook, path: Path, sheet: str | None) -> tuple[str, list[list | tuple]]:
    """The sheet asked for, or the only one with data, and its rows."""
    names = list(workbook.sheetnames)
    if sheet is not None:
        match = [n for n in names if n == sheet] or [n for n in names if n.lower() == str(sheet).lower()]
        if not match:
            raise SourceError(f"has no sheet '{sheet}'", path=path, fix=f"use one of: {', '.join(names)}")
        return match[0], _rows(workbook[match[0]], path)
    with_data = {n: r for n in names if (r := _rows(workbook[n], path))}
    if len(with_data) != 1:
        raise SourceError(
            f"has {len(with_data) or 'no'} sheets with data ({', '.join(with_data) or 'all empty'})"
            + (" and pakmap will not guess which one you mean" if with_data else ""),
            path=path,
            fix='choose one: --layer SHEET on the command line, layer = "SHEET" in a project'
            if with_data
            else "check you chose the right file",
        )
    return next(iter(with_data.items()))


def _rows(worksheet, path: Path) -> list[list | tuple]:
    """All rows, trailing empty rows dropped; at most ``limits.SHEET_CELLS`` cells spanned."""
    worksheet.reset_dimensions()  # a declared size may be a lie (bomb or bug): read what is there
    bound = limits.SHEET_CELLS.value()
    rows: list[list | tuple] = []
    cells = 0
    for row in worksheet.iter_rows(values_only=True):
        cells += len(row) or 1
        if cells > bound:
            raise _too_many_cells(worksheet.title, bound, path)
        if not row:  # a row the file skips (a sheet may skip a million): no list of its own
            rows.append(())
            if len(rows) > EXCEL_MAX_ROWS:
                raise SourceError(
                    f"is a damaged workbook: sheet '{worksheet.title}' has rows beyond Excel's last "
                    f"({EXCEL_MAX_ROWS:,})",
                    path=path,
                    fix=_FIX,
                )
            continue
        values = list(row)
        while values and values[-1] is None:  # the padding openpyxl adds up to a row's last cell
            values.pop()
        rows.append(values)
    while rows and all(v is None or str(v).strip() == "" for v in rows[-1]):
        rows.pop()
    return rows


def _too_many_cells(sheet: str, bound: float, path: Path) -> limits.LimitError:
    return limits.LimitError(
        f"sheet '{sheet}' spans more than {bound:,.0f} cells, pakmap's limit (empty cells "
        "before each row's last one count)",
        path=path,
        fix=limits.SHEET_CELLS.how_to_raise(),
    )


def _check_merged(ranges, n_rows: int, path: Path) -> None:
    """Filling merged ranges down writes a cell per row covered: bounded like the sheet's cells (a few
    thousand ``<mergeCell>`` lines over a million rows each would otherwise loop for hours)."""
    filled = sum(max(0, min(last, n_rows) - first) for _, first, _, last in ranges)
    bound = limits.SHEET_CELLS.value()
    if filled > bound:
        raise limits.LimitError(
            f"its merged cells cover more than {bound:,.0f} cells, pakmap's limit",
            path=path,
            fix=limits.SHEET_CELLS.how_to_raise(),
        )


def _blank_errors(rows: list[list | tuple]) -> dict[str, int]:
    """Replace formula errors by None in place; how many of each there were."""
    found: dict[str, int] = {}
    for row in rows:
        if isinstance(row, tuple):  # a skipped row: no cells
            continue
        for i, value in enumerate(row):
            if isinstance(value, str) and value in EXCEL_ERRORS:
                found[value] = found.get(value, 0) + 1
                row[i] = None
    return found


def merged_ranges(worksheet) -> list[tuple[int, int, int, int]]:
    """The sheet's merged ranges as (first column, first row, last column, last row), 1-based.

    A read-only worksheet does not parse them, so the sheet's XML is scanned for ``<mergeCell>``
    (they follow the cell data), chunk by chunk: a large sheet is never held in memory at once.
    """
    from openpyxl.utils.cell import column_index_from_string  # see _open: openpyxl for workbooks only

    found, tail = set(), b""
    with worksheet._get_source() as source:  # the sheet's XML stream inside the workbook zip
        while chunk := source.read(_CHUNK):
            data = tail + chunk
            found.update(_MERGE_REF.findall(data))
            tail = data[-256:]
    return sorted(
        (column_index_from_string(c1.decode()), int(r1), column_index_from_string(c2.decode()), int(r2))
        for c1, r1, c2, r2 in found
    )


def fill_merged_down(rows: list[list | tuple], ranges) -> list[str]:
    """Put each multi-row merged range's value on every row it covers (first column); notes on it."""
    filled = []
    for first_col, first_row, _, last_row in ranges:
        if last_row <= first_row or first_row > len(rows):
            continue
        col = first_col - 1
        top = rows[first_row - 1]
        value = top[col] if col < len(top) else None
        if value is None or str(value).strip() == "":
            continue
        for r in range(first_row, min(last_row, len(rows))):
            row = rows[r] = list(rows[r])  # a skipped row is an empty tuple
            row.extend([None] * (col + 1 - len(row)))
            row[col] = value
        filled.append((first_col, first_row, last_row, value))
    if not filled:
        return []
    from openpyxl.utils.cell import get_column_letter  # see _open: openpyxl for workbooks only

    shown = "; ".join(
        f"{get_column_letter(c)}{a}:{get_column_letter(c)}{b} ({str(v)[:30]!r})" for c, a, b, v in filled[:5]
    )
    more = f" and {len(filled) - 5} more" if len(filled) > 5 else ""
    return [f"{len(filled)} merged cell range(s) filled down, each row given the range's value: {shown}{more}"]


__all__ = ["read_xlsx", "sheet_names", "merged_ranges", "fill_merged_down"]
