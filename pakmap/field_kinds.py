"""What each numeric field is: a count of people, a rate, a measure, an identifier or something else.

Small-count suppression ("<5") exists so that a count of a few people cannot identify them; a rate,
a share, an area or a code identifies no one, and suppressing it distorts the map (literacy rates
0.19–0.84 all read "<5"). So every surface that suppresses asks this module whether the field is a
``count`` first.

A field's kind is, in this order:

1. declared in the project (``[layers.fields] literacy_rate = "rate"``);
2. declared in the layer catalog (``layers/catalog.toml``, ``fields = { … }`` of the matching entry);
3. inferred from its name: ``id``/``code``/``pcode`` → identifier; ``rate``, ``share``, ``pct``,
   ``percent``, ``%``, ``ratio``, ``density``, ``per_…`` → rate; ``area``, ``km2``, ``sq``, ``ha``,
   ``length``, ``distance`` → measure; ``mean``, ``average``, ``median`` → other; a name of people,
   households or things counted (``population``, ``households``, ``refugees``, ``arrivals``,
   ``sites``…) with values ≥ 0 → count (but a size with decimals, "hh_size" 6.4, is a mean: other);
   otherwise ``year``, ``month``, ``lat``, ``lon``, ``rank``… → other;
4. inferred from its values: whole numbers ≥ 0 → count; decimals within 0–1 or 0–100 → rate;
   anything else → other.

A text column whose cells are numbers with "-", "n/a" or "<5" for some of them is numeric here (a
partner's table), and text that is digits with leading zeros ("0101") is an identifier.
"""

from __future__ import annotations

import re
import threading
import weakref
from dataclasses import dataclass

import numpy as np
import pandas as pd

KINDS = ("count", "rate", "measure", "identifier", "other")
KIND_TITLES = {
    "count": "count of people or things (suppressed below the threshold)",
    "rate": "rate, share or percentage",
    "measure": "measure (area, length)",
    "identifier": "identifier or code",
    "other": "other number",
}


@dataclass(frozen=True)
class FieldKind:
    """A field's kind and the reason it was decided (shown by ``pakmap info`` and ``check``)."""

    kind: str
    reason: str


def check_kind(kind, where: str) -> str:
    """``kind`` if it is one of ``KINDS``; else ``ValueError`` with a one-line message."""
    if kind not in KINDS:
        raise ValueError(f"unknown field kind {kind!r} in {where}; use one of: {', '.join(KINDS)}")
    return kind


# Cells of a partner's table that mean "no figure" (empty) or "a small, already suppressed figure".
_EMPTY_CELLS = {"", "-", "–", "—", "n/a", "na", "n.a.", "nil", "..", "...", "x", "none", "null", "nan"}
SUPPRESSED_CELL = re.compile(r"^<\s*\d+$")
_THOUSANDS = re.compile(r"(?<=\d)[,\s\u00a0\u202f'](?=\d{3}\b)")
_LEADING_ZERO_CODE = re.compile(r"^0\d+$")
_SAMPLE = 500


def _as_text(series: pd.Series) -> pd.Series:
    return series.dropna().map(lambda v: str(v).strip())


def numeric_values(series: pd.Series) -> pd.Series | None:
    """The field's values as floats (NaN where empty), or None when it is not a numeric field.

    Numbers stay numbers; booleans and dates are not numeric; text is numeric when every non-empty
    cell is a number (thousands separators allowed), "-"/"n/a"-like or "<5"-like.
    """
    if pd.api.types.is_bool_dtype(series) or pd.api.types.is_datetime64_any_dtype(series):
        return None
    if pd.api.types.is_numeric_dtype(series):
        return pd.to_numeric(series, errors="coerce").astype(float)
    if len(series) > _SAMPLE and numeric_values(series.dropna().head(_SAMPLE)) is None:
        return None  # a column of names is not read to its millionth row to find that out
    text = series.map(lambda v: v if v is None or (isinstance(v, float) and v != v) else str(v).strip())
    present = text.dropna()
    if present.empty or present.map(lambda v: isinstance(v, bool)).any():
        return None
    blank = present.str.lower().isin(_EMPTY_CELLS) | present.str.match(SUPPRESSED_CELL)
    cleaned = present[~blank].map(lambda v: _THOUSANDS.sub("", v))
    if cleaned.empty:
        return None
    numbers = pd.to_numeric(cleaned, errors="coerce")
    if numbers.isna().any():
        return None
    return numbers.reindex(series.index).astype(float)


def name_tokens(field: str) -> list[str]:
    text = str(field).replace("%", "_pct_")
    text = re.sub(r"(?<=[a-z0-9])(?=[A-Z][a-z])", "_", text)  # camelCase → camel_Case
    text = re.sub(r"(?<=[a-zA-Z])(?=\d)|(?<=\d)(?=[a-zA-Z])", "_", text)  # km2 → km_2, pop2023 → pop_2023
    return [t for t in re.split(r"[\W_]+", text.lower()) if t]


_IDENTIFIER_NAMES = {
    "id",
    "fid",
    "ogc",
    "objectid",
    "oid",
    "uid",
    "gid",
    "code",
    "pcode",
    "key",
    "serial",
    "sno",
    "srno",
    "fips",
    "iso",
    "iso2",
    "iso3",
    "uuid",
}
_RATE_NAMES = {
    "rate",
    "rates",
    "share",
    "pct",
    "pc",
    "percent",
    "percentage",
    "ratio",
    "density",
    "per",
    "proportion",
    "prevalence",
    "coverage",
    "fraction",
}
_MEASURE_NAMES = {
    "area",
    "km",
    "sq",
    "sqkm",
    "sqm",
    "ha",
    "hectare",
    "hectares",
    "acre",
    "acres",
    "length",
    "len",
    "leng",
    "perimeter",
    "distance",
    "dist",
    "elevation",
    "altitude",
    "metres",
    "meters",
}
_COUNT_NAMES = {
    "population",
    "pop",
    "households",
    "household",
    "hh",
    "hhs",
    "individuals",
    "individual",
    "persons",
    "people",
    "refugees",
    "refugee",
    "idps",
    "idp",
    "returnees",
    "arrivals",
    "departures",
    "migrants",
    "asylum",
    "families",
    "family",
    "children",
    "men",
    "women",
    "boys",
    "girls",
    "males",
    "females",
    "male",
    "female",
    "adults",
    "elderly",
    "cases",
    "deaths",
    "births",
    "students",
    "patients",
    "beneficiaries",
    "sites",
    "villages",
    "schools",
    "facilities",
    "camps",
    "count",
    "counts",
    "number",
    "num",
    "total",
    "n",
    "registered",
    "pors",
    "members",
    "visits",
}
# A mean is not a count even of people ("mean_hh_size" 6.4); checked before the count names.
_STATISTIC_NAMES = {"mean", "avg", "average", "median", "score", "index", "std", "min", "max"}
_OTHER_NAMES = {
    "year",
    "month",
    "day",
    "date",
    "week",
    "rank",
    "order",
    "sort",
    "zoom",
    "priority",
    "lat",
    "lon",
    "lng",
    "latitude",
    "longitude",
    "x",
    "y",
    "z",
    "zip",
    "postcode",
    "version",
    "level",
    "precision",
    "accuracy",
}


def _by_name(tokens: list[str]) -> FieldKind | None:
    def hit(names):
        return next((t for t in tokens if t in names), None)

    word = hit(_IDENTIFIER_NAMES) or next((t for t in tokens if t.endswith(("pcode", "code"))), None)
    if word:
        return FieldKind("identifier", f"named like an identifier or code ('{word}')")
    word = hit(_RATE_NAMES)
    if word:
        return FieldKind("rate", f"named like a rate or share ('{word}')")
    word = hit(_MEASURE_NAMES)
    if word:
        return FieldKind("measure", f"named like a measure ('{word}')")
    word = hit(_STATISTIC_NAMES)
    if word:
        return FieldKind("other", f"named like a statistic, not a count ('{word}')")
    return None


def infer_kind(field: str, series: pd.Series) -> FieldKind | None:
    """The kind of one column by the rules above (no declarations), or None for a text column."""
    if not pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        present = _as_text(series)
        if len(present) and present.str.match(_LEADING_ZERO_CODE).all():
            return FieldKind("identifier", "digits with leading zeros: a code")
    values = numeric_values(series)
    if values is None:
        return None
    tokens = name_tokens(field)
    named = _by_name(tokens)
    if named is not None:
        return named
    present = values.dropna().to_numpy(dtype=float)
    whole = bool(len(present) and np.all(np.mod(present, 1) == 0))
    non_negative = bool(len(present) and np.all(present >= 0))
    counted = next((t for t in tokens if t in _COUNT_NAMES), None)
    if counted and non_negative and not whole and "size" in tokens:
        return FieldKind("other", f"a mean size ('{counted}', decimals), not a count")
    if counted and non_negative:
        return FieldKind("count", f"named like a count ('{counted}'), values ≥ 0")
    other = next((t for t in tokens if t in _OTHER_NAMES), None)
    if other:
        return FieldKind("other", f"named like a date, position or order ('{other}')")
    if not len(present):
        return FieldKind("other", "no values")
    if whole and non_negative:
        marked = series.dtype == object and _as_text(series).str.match(SUPPRESSED_CELL).any()
        return FieldKind("count", "whole numbers ≥ 0" + (" with '<N' cells" if marked else ""))
    if non_negative and present.max() <= 1:
        return FieldKind("rate", "decimals between 0 and 1: a share")
    if non_negative and present.max() <= 100:
        return FieldKind("rate", "decimals between 0 and 100: a percentage")
    return FieldKind("other", "decimals that are negative or above 100: not a count nor a share")


def field_kinds(frame: pd.DataFrame, declared: dict[str, FieldKind] | None = None) -> dict[str, FieldKind]:
    """Field → kind for every numeric field of ``frame`` (and every declared field), in column order."""
    declared = declared or {}
    out = {}
    for field in frame.columns:
        name = str(field)
        if name in declared:
            out[name] = declared[name]
            continue
        kind = infer_kind(name, frame[field])
        if kind is not None:
            out[name] = kind
    return out


IN_PROJECT = "the project"


def declared(kinds: dict[str, str], source: str = IN_PROJECT) -> dict[str, FieldKind]:
    """Kinds written in a project or catalog (field → kind name) as ``FieldKind``s saying where."""
    return {str(f): FieldKind(k, f"declared in {source}") for f, k in kinds.items()}


def from_project(kind: FieldKind) -> bool:
    return kind.reason == f"declared in {IN_PROJECT}"


def project_declarations(layer) -> dict[str, str]:
    """The kinds a layer's project declares (what ``[layers.fields]`` saves), not the catalog's."""
    return {f: k.kind for f, k in layer.declared_kinds.items() if from_project(k)}


_lock = threading.Lock()
_cache: "weakref.WeakKeyDictionary[object, tuple]" = weakref.WeakKeyDictionary()


def layer_kinds(layer) -> dict[str, FieldKind]:
    """The kinds of a vector or table layer's fields (its ``declared_kinds`` first), cached per data."""
    key = (getattr(layer, "data_token", None) or id(layer.data), tuple(layer.declared_kinds.items()))
    with _lock:
        hit = _cache.get(layer)
        if hit is not None and hit[0] == key:
            return hit[1]
    kinds = field_kinds(layer.attributes, layer.declared_kinds)
    with _lock:
        _cache[layer] = (key, kinds)
    return kinds


def count_fields_of(layer) -> list[str]:
    """The layer's count fields: the only ones small-count suppression applies to."""
    return [f for f, k in layer_kinds(layer).items() if k.kind == "count"]


def is_count(layer, field: str) -> bool:
    kind = layer_kinds(layer).get(str(field))
    return kind is not None and kind.kind == "count"


def describe_kinds(kinds: dict[str, FieldKind]) -> str:
    """``literacy_rate: rate (decimals between 0 and 1: a share); …`` for ``info`` and ``check``."""
    return "; ".join(f"{f}: {k.kind} ({k.reason})" for f, k in kinds.items()) or "no numeric fields"


__all__ = [
    "KINDS",
    "SUPPRESSED_CELL",
    "KIND_TITLES",
    "FieldKind",
    "check_kind",
    "numeric_values",
    "infer_kind",
    "field_kinds",
    "declared",
    "from_project",
    "project_declarations",
    "IN_PROJECT",
    "name_tokens",
    "layer_kinds",
    "count_fields_of",
    "is_count",
    "describe_kinds",
]
