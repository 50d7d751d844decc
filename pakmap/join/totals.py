"""Totals rows: the "Total Sindh", "Grand Total" and "Pakistan" lines partners' tables end with.

A totals row sums rows the join already maps; joined, it would be a ghost feature's value or a
fuzzy suggestion ("Total Sindh" → "Sindh"…); left unmatched, it would be reported as lost data. So a
table row that matched no feature and whose key reads as a total is reported as a total and left
out of the join. Only rows that matched nothing are tested: a layer of countries may well have a
feature named "Pakistan", and then that row is data.

A key reads as a total when its words (after ``normalize_key``'s case and punctuation rules):

- begin or end with a totals word: "Total", "Totals", "Grand Total", "Sub-total", "Subtotal",
  "Sum", "Overall", "All", or the Urdu "کل" / "ٹوٹل" / "مجموعی" ("Total Sindh", "Sindh Total");
- are the whole of a country or an administrative level: "Pakistan", "All Districts", "All Pakistan";
- name a province or territory (``layers/aliases/pak_provinces.csv``, its names and aliases) in a
  table whose rows matched nothing at that level: "Azad Kashmir" under the districts is the
  territory's subtotal, not a misspelt district (and must not be offered "Kashmore").
"""

from __future__ import annotations

from functools import lru_cache

from ..resources import layers_dir
from .aliases import read_alias_file
from .normalize import normalize_key

_TOTAL_WORDS = {"total", "totals", "subtotal", "subtotals", "sum", "overall", "all", "کل", "ٹوٹل", "مجموعی"}
_TOTAL_PHRASES = (("grand", "total"), ("sub", "total"), ("sub", "totals"), ("grand", "totals"))
_WHOLE = {
    ("pakistan",),
    ("all", "districts"),
    ("all", "provinces"),
    ("all", "pakistan"),
    ("national",),
    ("country",),
    ("all", "areas"),
}


@lru_cache(maxsize=1)
def _province_keys() -> frozenset[str]:
    """Normalized names and aliases of Pakistan's provinces and territories (built-in alias file)."""
    path = layers_dir() / "aliases" / "pak_provinces.csv"
    keys: set[str] = set()
    if path.exists():
        for entry in read_alias_file(path):
            keys.update(k for k in (normalize_key(entry.alias, "name").key, normalize_key(entry.name, "name").key) if k)
    return frozenset(keys)


def total_reason(value, *, levels: bool = True) -> str | None:
    """Why ``value`` reads as a totals row ("a total", "a province or territory: a subtotal"), or None.

    ``levels=False`` leaves out the whole-country and province rules (for a parent column, which
    names provinces on every row)."""
    norm = normalize_key(value, "name")
    if norm.text is None:
        return None
    words = tuple(norm.text.split())
    if levels and words in _WHOLE:
        return "the whole country: a total"
    if (
        words[0] in _TOTAL_WORDS
        or words[-1] in _TOTAL_WORDS
        or any(words[: len(p)] == p or words[-len(p) :] == p for p in _TOTAL_PHRASES)
    ):
        return "a total"
    if levels and norm.key in _province_keys():
        return "a province or territory: a subtotal"
    return None


__all__ = ["total_reason"]
