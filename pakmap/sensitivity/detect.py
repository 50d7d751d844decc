"""Sensitive fields: personal data and specific needs found by header and by the look of the values.

Two kinds of evidence, each giving a one-line reason the officer reads in `pakmap info`, `pakmap
check`, the layers panel and the export record, naming the rule that fired and never a value:

* **headers** (``pakmap.sensitivity.headers``) as partners write them, in English, Urdu, Pashto and
  Dari (Arabic-script spelling variants folded), Urdu in Latin letters, French, Spanish; KoBo/ODK
  prefixes such as ``group_x/`` and ``_gps_`` are tolerated: "phone number: header 'ګرځنده'
  (Pashto 'mobile')";
* **values** (``pakmap.sensitivity.values``): phones, CNICs, PoR card and proGres numbers, e-mail
  addresses, names after labels in free text and KML descriptions: "CNIC / ID card number: 82% of
  200 non-empty values look like CNICs".

Some fields are only personal in a table whose rows are people or households: a plain ``name``
column (in a district layer it is the district's name), GPS coordinate columns (a village's
coordinates are public, a household's are not) and free-text columns that look like person names.
Those contextual rules apply only when the layer is individual-level (``is_individual_level``).

**Specific needs** (GBV survivors, unaccompanied or separated children, disability, serious medical
conditions, legal status and documentation, women and older persons at risk) are special-category
data under UNHCR's data protection policy: withheld like personal data unless the officer allows
them with a reason. They are found by header (a numeric ``gbv_cases`` column of a table that is not
of people is a count, not a need) and by values ("GBV survivor", "UASC", "disabled", "معذور").
They do not by themselves make a table individual-level.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict

import pandas as pd

from ..layer import Layer, TableLayer, VectorLayer
from .categories import (
    ADDRESS,
    BIRTH,
    CASE_ID,
    COORDINATES,
    EMAIL,
    ID_CARD,
    PERSON_NAME,
    PHONE,
    POR_CARD,
    SPECIFIC_NEEDS,
)
from .headers import (
    CONTEXT_HEADER_RULES,
    HEADER_RULES,
    NEEDS_HEADER_RULES,
    match_header,
    normalize_field_name,
    token_rule,
)
from .values import reason_by_values, sample_text, specific_needs

# Field names saying a row is a household or a person (not "households": that is a count).
_LEVEL_HINT = token_rule(
    r"(?:hh|household|family)_?(?:id|no|size|members|head|code)|household_?size|"
    r"family_?size|hh_?members|num_?members|individual(?:_?id)?|respondent|"
    r"beneficiary(?:_?id)?|head_of_household|hoh"
)

# Field names saying a row is a household (rather than a person).
_HOUSEHOLD_HINT = token_rule(
    r"(?:hh|household|family)_?(?:id|no|size|members|head|code)|household_?size|"
    r"family_?size|hh_?members|head_of_household|hoh"
)
_SIZE_FIELDS = ("household_size", "hh_size", "family_size", "hh_members", "household_members", "num_members", "members")


# Coordinates of a place that many rows share (the site, camp or village a household belongs to)
# are public: only a household's own coordinates are personal.
_PLACE_WORDS = token_rule(
    r"site|camp|village|settlement|district|tehsil|uc|province|facility|school|clinic|"
    r"hospital|bhu|office|centre|center|distribution_point|warehouse|market"
)


def _place_coordinates(field, values: pd.Series) -> bool:
    """A coordinate column named after a place whose values repeat (at most one distinct in two)."""
    return bool(_PLACE_WORDS.search(normalize_field_name(field))) and values.nunique() <= 0.5 * values.count()


def reason_by_name(field, individual: bool = False) -> str | None:
    """The kind of personal data a field holds judging by its header alone (the category), or None."""
    found = _header(field, individual)
    return found.category if found else None


def _header(field, individual: bool):
    return match_header(field, HEADER_RULES + (CONTEXT_HEADER_RULES if individual else ()))


class _Samples(dict):
    """Each column's ``sample_text``, made once for all the rules that read it."""

    def __init__(self, df: pd.DataFrame):
        super().__init__()
        self.df = df

    def __missing__(self, field) -> pd.Series:
        self[field] = sample_text(self.df[field])
        return self[field]


def _strong_evidence(df: pd.DataFrame, samples: _Samples | None = None) -> dict[str, str]:
    """Fields personal in any table: by header (preferred, it is the clearer reason) else by values."""
    samples = _Samples(df) if samples is None else samples
    found: dict[str, str] = {}
    for field in df.columns:
        header = _header(field, individual=False)
        reason = header.reason(field) if header else reason_by_values(df[field], text=samples[field])
        if reason:
            found[str(field)] = reason
    return found


def frame_is_individual_level(df: pd.DataFrame, strong: dict[str, str] | None = None) -> bool:
    """A table describes individuals or households when either

    1. it holds personal identifiers (a person-name, phone, card, case-ID, birth-date, address or
       e-mail field, by name or by values): rows that carry them are people or households; or
    2. a field name says so: ``household_id``, ``hh_size``, ``family_size``, ``respondent``,
       ``individual_id``, ``head_of_household``… (a plain ``households`` column is a count and does
       not count as a hint).
    """
    strong = _strong_evidence(df) if strong is None else strong
    if strong:
        return True
    return any(_LEVEL_HINT.search(normalize_field_name(c)) for c in df.columns)


def rows_are_households(fields) -> bool:
    """Whether field names say each row is a household (``hh_id``, ``household_size``, ``hoh``…)."""
    return any(_HOUSEHOLD_HINT.search(normalize_field_name(f)) for f in fields)


def household_size_field(fields) -> str | None:
    """The field holding the number of people in each household, if any."""
    names = {normalize_field_name(f): f for f in fields}
    return next((names[n] for n in _SIZE_FIELDS if n in names), None)


def _attributes(layer: Layer) -> pd.DataFrame:
    if isinstance(layer, VectorLayer):
        return layer.detection_frame()
    return layer.attributes if isinstance(layer, TableLayer) else pd.DataFrame()


def _can_be_individual(layer: Layer) -> bool:
    """Only tables and point layers can hold people: boundaries and rasters are areas."""
    if isinstance(layer, VectorLayer):
        return layer.geometry_type in ("Point", "None")
    return isinstance(layer, TableLayer)


def _contextual(df: pd.DataFrame, found: dict[str, str], samples: _Samples) -> dict[str, str]:
    """``found`` plus the fields personal because the rows are people (plain name, GPS, names)."""
    found = dict(found)
    for field in df.columns:
        if str(field) in found:
            continue
        header = _header(field, individual=True)
        if header and header.category == COORDINATES and _place_coordinates(field, df[field]):
            continue
        reason = (
            f"{header.reason(field)}, in a table of individuals or households"
            if header
            else reason_by_values(df[field], individual=True, text=samples[field])
        )
        if reason:
            found[str(field)] = reason
    return found


def _specific_needs(df: pd.DataFrame, found: dict[str, str], individual: bool, samples: _Samples) -> dict[str, str]:
    """``found`` plus the columns holding specific needs, in the table's column order."""
    needs: dict[str, str] = {}
    for field in df.columns:
        if str(field) in found:
            continue
        values = df[field]
        header = match_header(field, NEEDS_HEADER_RULES)
        describes_rows = individual or not (
            pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
        )
        reason: str | None
        if header and describes_rows:
            reason = header.reason(field)
        else:
            reason = specific_needs(values, individual, samples[field])
        if reason:
            needs[str(field)] = reason
    return {str(f): (found.get(str(f)) or needs[str(f)]) for f in df.columns if str(f) in found or str(f) in needs}


# Findings of recent tables, by content: a render looks at each layer when it is read and again
# for every export (each plans its own protection). Tables of up to this many cells only, whose
# hash costs a few milliseconds where detecting costs a few per column; larger ones are sampled.
_FOUND: OrderedDict[tuple, tuple[dict[str, str], bool]] = OrderedDict()
FOUND_KEPT = 32
CACHED_CELLS = 50_000


def _content_key(df: pd.DataFrame, individual: bool | None) -> tuple | None:
    """What the findings depend on: names, types and every value of ``df``; None when not cached."""
    if df.size > CACHED_CELLS:
        return None
    try:
        rows = pd.util.hash_pandas_object(df, index=False).to_numpy()
    except (TypeError, ValueError):  # unhashable cells (lists, dicts): detected every time
        return None
    digest = hashlib.blake2b(rows.tobytes(), digest_size=20)
    for i, dtype in enumerate(df.dtypes):
        if pd.api.types.is_object_dtype(dtype):  # the hash sees 1 and "1" alike; distinct counts do not
            digest.update("\0".join(type(v).__name__ for v in df.iloc[:, i]).encode())
    names = tuple((str(c), str(t)) for c, t in zip(df.columns, df.dtypes))
    return (names, len(df), digest.digest(), individual)


def _detect(df: pd.DataFrame, individual: bool | None) -> tuple[dict[str, str], bool]:
    key = _content_key(df, individual)
    if key is None:
        return _detect_now(df, individual)
    found = _FOUND.get(key)
    if found is None:
        found = _FOUND[key] = _detect_now(df, individual)
        while len(_FOUND) > FOUND_KEPT:
            _FOUND.popitem(last=False)
    _FOUND.move_to_end(key)
    return dict(found[0]), found[1]


def _detect_now(df: pd.DataFrame, individual: bool | None) -> tuple[dict[str, str], bool]:
    samples = _Samples(df)
    found = _strong_evidence(df, samples)
    if individual is None:
        individual = frame_is_individual_level(df, found)
    if individual:
        found = _contextual(df, found, samples)
    return _specific_needs(df, found, individual, samples), individual


def inspect_layer(layer: Layer, individual: bool | None = None) -> tuple[dict[str, str], bool]:
    """A layer's sensitive fields (field → reason) and whether its rows are individuals or
    households, from one pass over its attributes (``individual``: known beforehand)."""
    if not isinstance(layer, (VectorLayer, TableLayer)):
        return {}, False
    return _detect(_attributes(layer), individual if _can_be_individual(layer) else False)


def is_individual_level(layer: Layer) -> bool:
    """Whether a layer's rows are individuals or households (rule: ``frame_is_individual_level``).

    Only tables and point layers can be: boundaries and rasters are areas, never a person.
    """
    return _can_be_individual(layer) and frame_is_individual_level(_attributes(layer))


def detect_sensitive(df: pd.DataFrame, individual: bool | None = None) -> dict[str, str]:
    """Field → reason for every personal field of ``df`` (geometry columns are ignored).

    ``individual=None`` decides from the table itself whether its rows are people or households,
    which switches on the contextual rules (plain ``name``, GPS columns, name-like free text).
    """
    geometry = getattr(df, "_geometry_column_name", None)
    if geometry in df.columns:
        df = df.drop(columns=geometry)
    return _detect(df, individual)[0]


def detect_layer(layer: Layer) -> dict[str, str]:
    """Sensitive fields of one layer, with the individual-level rule decided for that layer kind."""
    return inspect_layer(layer)[0]


def flag_layer(layer: Layer) -> dict[str, str]:
    """Detect and store the result on ``layer.sensitive_fields`` (what the layers panel and
    ``pakmap info`` show); keeps flags set earlier by hand or by a join. Returns the flags."""
    if not isinstance(layer, (VectorLayer, TableLayer)):
        return {}
    found = detect_layer(layer)
    merged = {**found, **layer.sensitive_fields}
    layer.sensitive_fields = {f: r for f, r in merged.items() if f in layer.fields}
    return layer.sensitive_fields


__all__ = [
    "PERSON_NAME",
    "PHONE",
    "ID_CARD",
    "POR_CARD",
    "CASE_ID",
    "BIRTH",
    "ADDRESS",
    "EMAIL",
    "COORDINATES",
    "SPECIFIC_NEEDS",
    "detect_sensitive",
    "detect_layer",
    "inspect_layer",
    "flag_layer",
    "is_individual_level",
    "frame_is_individual_level",
    "reason_by_name",
    "reason_by_values",
    "normalize_field_name",
    "rows_are_households",
    "household_size_field",
]
