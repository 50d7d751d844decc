"""CSV and other delimited text: encoding and delimiter sniffed, header row found.

The delimiter is the candidate (comma, semicolon, tab, pipe) that splits the first lines into the
same number of fields, more than one; semicolons are common because European-locale Excel writes
them. Quoted fields are respected (the ``csv`` module parses the sample), so a comma inside
"Kachhi (Bolan), Balochistan" does not count.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from pathlib import Path
from typing import Any

import pandas as pd

from .. import limits
from ..errors import SourceError
from . import encoding as enc
from .rows import FILE_LINE
from .table import frame_from_rows

DELIMITERS = (",", ";", "\t", "|")
SAMPLE_LINES = 50

_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}


def sniff_delimiter(text: str, path=None) -> str:
    """The delimiter that splits the sample lines most consistently into more than one field."""
    lines = [line for line in text.splitlines()[:SAMPLE_LINES] if line.strip()]
    best, best_score = None, (0.0, 0)
    for delimiter in DELIMITERS:
        counts = [len(row) for row in csv.reader(lines, delimiter=delimiter)]
        if not counts:
            continue
        width, times = Counter(counts).most_common(1)[0]
        if width < 2:
            continue
        score = (times / len(counts), width)
        if score > best_score:
            best, best_score = delimiter, score
    if best is None:
        if len(lines) > 0 and len(lines[0]) > 0:
            return ","  # a one-column table is still a table
        raise SourceError("the file is empty", path=path, fix="check you chose the right file")
    return best


def read_csv(
    path: Path, *, encoding: str | None = None, delimiter: str | None = None, header_row: int | None = None
) -> tuple[pd.DataFrame, dict]:
    """The table and the options that reproduce the reading (encoding, delimiter, header_row).

    ``header_row`` is 1-based, as a text editor or Excel numbers lines.
    """
    data = path.read_bytes()
    if not data.strip():
        raise SourceError("the file is empty", path=path, fix="check you chose the right file")
    text, used = enc.decode(data, encoding, path=path)
    text = text.lstrip("\ufeff")
    # A long WKT polygon is a legitimate megabyte-sized field: the csv module's 128 kB default is not a bound.
    csv.field_size_limit(int(limits.CSV_FIELD.value() * 2**20))
    rows, lines = [], []  # each record and the file line it starts on (quoted fields may span lines)
    start = 1
    try:
        delimiter = _parse_delimiter(delimiter, path) if delimiter else sniff_delimiter(text, path)
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        for row in reader:
            rows.append(row)
            lines.append(start)
            start = reader.line_num + 1
    except csv.Error as exc:
        if "field limit" in str(exc):
            raise limits.LimitError(
                f"a field of the CSV is longer than pakmap's limit of {limits.CSV_FIELD.value():g} MB",
                path=path,
                fix=limits.CSV_FIELD.how_to_raise(),
            ) from None
        raise SourceError(
            f"cannot be parsed as CSV ({exc})",
            path=path,
            fix="check the quoting, or save the table again from Excel as CSV UTF-8",
        ) from None
    df, index = frame_from_rows(
        rows, None if header_row is None else int(header_row) - 1, path, numbering=FILE_LINE, numbers=lines
    )
    options: dict[str, Any] = {"encoding": used, "delimiter": delimiter}
    if index:
        options["header_row"] = index + 1
    return df, options


def _parse_delimiter(value: str, path) -> str:
    named = {"comma": ",", "semicolon": ";", "tab": "\t", "\\t": "\t", "pipe": "|"}
    delimiter = named.get(value.lower(), value)
    if len(delimiter) != 1:
        raise SourceError(
            f"the delimiter '{value}' is not one character", path=path, fix="use comma, semicolon, tab or pipe"
        )
    return delimiter


def describe_delimiter(delimiter: str) -> str:
    return _NAMES.get(delimiter, repr(delimiter))


__all__ = ["read_csv", "sniff_delimiter", "describe_delimiter", "DELIMITERS"]
