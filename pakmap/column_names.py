"""Column names as pakmap uses them, whatever gave them (a spreadsheet header, GDAL, a database)."""

from __future__ import annotations

from typing import Any, Sequence


def clean_names(header: Sequence[Any]) -> list[str]:
    """Column names: stripped text; blanks become ``column_N``; repeats get ``_2``, ``_3``."""
    names: list[str] = []
    seen: dict[str, int] = {}
    for i, value in enumerate(header):
        name = " ".join(str(value).split()) if value is not None and str(value).strip() else f"column_{i + 1}"
        if name in seen:
            seen[name] += 1
            name = f"{name}_{seen[name]}"
        else:
            seen[name] = 1
        names.append(name)
    return names
