"""What a quick map says about its data: the sources line from the data's own credit, and the unit a
title names ("by district"), never a file name.

A file is known by the layer catalog (``layers/catalog.toml``: its ``source`` and ``admin_level``), or
as an OCHA COD-AB set by its P-code fields (``ADM2_PCODE``: districts). Anything else has no credit
the map could print: the sources line leaves it out and the command says how to add it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..catalog import load_catalog

COD_AB_CREDIT = "OCHA Common Operational Datasets (COD-AB)"
# Pakistan's administrative levels as an officer names them in a title.
UNITS = {1: "province", 2: "district", 3: "tehsil", 4: "union council"}
_PCODE_FIELD = re.compile(r"^adm([1-4])_pcode$", re.IGNORECASE)


@dataclass(frozen=True)
class DataFacts:
    credit: str  # "" when nothing says where the data comes from
    unit: str | None  # "district" for a district layer; None when the level is unknown
    title: str = ""  # what the layer is, for a map of the layer alone ("" when unknown)


def data_facts(path: Path, layer: str | None = None, fields: list[str] | None = None) -> DataFacts:
    """What the catalog, or a COD-AB layer's own fields, say about the data at ``path``."""
    entry = load_catalog().for_file(path, layer)
    if entry is not None:
        return DataFacts(entry.source, UNITS.get(entry.admin_level) if entry.admin_level else None, entry.title)
    levels = sorted(int(m.group(1)) for f in fields or [] if (m := _PCODE_FIELD.match(str(f))))
    if levels:  # the finest level present is the layer's own (ADM1_PCODE rides along in districts)
        unit = UNITS[levels[-1]]
        return DataFacts(COD_AB_CREDIT, unit, f"{unit.capitalize()}s (OCHA COD-AB)")
    return DataFacts("", None)


def sources_line(boundaries: DataFacts, statistics: DataFacts | None = None) -> str:
    """``Boundaries: © OpenStreetMap contributors, ODbL 1.0; Statistics: Pakistan Bureau of Statistics…``"""
    parts = [f"{'Boundaries' if boundaries.unit else 'Data'}: {boundaries.credit}" if boundaries.credit else ""]
    if statistics is not None and statistics.credit:
        parts.append(f"Statistics: {statistics.credit}")
    return "; ".join(p for p in parts if p)


def title_from_name(name: str) -> str:
    """``population_2023`` → ``Population 2023``: a field name or a file stem as a title (the
    officer's capitals kept)."""
    text = " ".join(str(name).replace("_", " ").split())
    return text[:1].upper() + text[1:]


def map_title(by: str, unit: str | None) -> str:
    """``Population 2023 by district``; without a known unit, the field alone."""
    return f"{title_from_name(by)} by {unit}" if unit else title_from_name(by)
