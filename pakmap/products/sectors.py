"""Humanitarian sectors of a who-does-what-where table, read from ``styles/sectors.toml``.

Partners spell a sector many ways ("WASH", "Wash", "water, sanitation & hygiene"); each spelling is
folded (case, accents, punctuation, "&" as "and") and looked up among the sectors' listed spellings
and labels. A cell naming several listed sectors ("WASH, Health") counts for each. A spelling no sector lists
stays a sector of its own, named as the table first wrote it,
and the product says so: the officer adds the spelling to the file, no code changes.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ..errors import StyleError
from ..resources import read_data_file, style_file

_HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")
_SEPARATORS = re.compile(r"[,;/+|\n]| and | & ")
OTHER_COLOR = "#999999"  # a sector the file does not list (UNHCR grey tint)


@dataclass(frozen=True)
class Sector:
    key: str  # the file's table name (``wash``), or the folded spelling of an unlisted sector
    label: str  # as printed ("WASH")
    color: str
    listed: bool = True  # False: a spelling ``styles/sectors.toml`` does not know


def fold(text) -> str:
    """Case, accents, punctuation and "&"/"and" folded: ``"Water, Sanitation & Hygiene"`` →
    ``"water sanitation and hygiene"``."""
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold().replace("&", " and ")
    return " ".join(re.sub(r"[^\w]+", " ", text).replace("_", " ").split())


class SectorTable:
    """The sectors of ``styles/sectors.toml`` (read once per product) and the spellings that name them."""

    def __init__(self) -> None:
        path = style_file("sectors.toml")
        data = read_data_file(path, "sector file")
        sectors: list[Sector] = []
        self._by_spelling: dict[str, Sector] = {}
        for key, spec in data.get("sectors", {}).items():
            label, color = spec.get("label"), spec.get("color")
            spellings = spec.get("spellings", [])
            if not isinstance(label, str) or not isinstance(color, str) or not _HEX.match(color):
                raise StyleError(
                    f"sector '{key}' needs a label and a colour like \"#0072BC\"",
                    path=path,
                    fix="see the other sectors",
                )
            if not isinstance(spellings, list) or not all(isinstance(s, str) for s in spellings):
                raise StyleError(f"sector '{key}': spellings must be a list of text", path=path, fix='e.g. ["wash"]')
            sector = Sector(key, label, color)
            sectors.append(sector)
            for spelling in [key, label, *spellings]:
                folded = fold(spelling)
                if self._by_spelling.get(folded, sector) is not sector:
                    raise StyleError(
                        f"'{spelling}' is a spelling of both '{self._by_spelling[folded].key}' and '{key}'",
                        path=path,
                        fix="keep it under one sector",
                    )
                self._by_spelling[folded] = sector
        self.sectors = tuple(sectors)  # the file's order: the order of panels and matrix columns

    def of(self, text) -> Sector | None:
        """The sector a table cell names; an unlisted spelling is a sector of its own (``listed=False``);
        an empty cell is None."""
        folded = fold(text) if text is not None else ""
        if not folded or folded in ("nan", "none"):
            return None
        found = self._by_spelling.get(folded)
        return found or Sector(folded, " ".join(str(text).split()), OTHER_COLOR, listed=False)

    def all_of(self, text) -> tuple[Sector, ...]:
        """The sectors a cell names: one ("Shelter/NFI", "water, sanitation & hygiene" are one sector
        each), or several listed ones ("WASH, Health", "Protection; Education"); a cell whose parts are
        not all listed sectors is one unlisted sector, as written."""
        whole = self.of(text)
        if whole is None or whole.listed:
            return () if whole is None else (whole,)
        parts = [p for p in _SEPARATORS.split(str(text)) if fold(p)]
        found = [self._by_spelling.get(fold(p)) for p in parts]
        if len(parts) > 1 and all(found):
            return tuple(dict.fromkeys(s for s in found if s is not None))
        return (whole,)


__all__ = ["Sector", "SectorTable", "fold"]
