"""Sensitive fields: personal data found by field name and by the look of the values.

Two kinds of evidence, each giving a one-line reason the officer can read:

* **names of fields** as partners write them (English, Urdu/Pashto in Arabic script or transliterated,
  French, Spanish; KoBo/ODK prefixes such as ``group_x/`` and ``_gps_`` are tolerated): person names,
  phone numbers, CNIC / ID-card numbers, PoR / PoC / ACC card numbers, case and registration IDs,
  dates of birth, addresses, e-mail addresses;
* **values** (a sample): Pakistani and Afghan phone numbers, CNICs (``12345-1234567-1``), PoR card
  numbers written with their prefix, UNHCR proGres case/individual numbers (``PAK-21C12345``),
  e-mail addresses.

Some fields are only personal in a table whose rows are people or households: a plain ``name``
column (in a district layer it is the district's name), GPS coordinate columns (a village's
coordinates are public, a household's are not) and free-text columns that look like person names.
Those contextual rules apply only when the layer is individual-level (``is_individual_level``).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..layer import Layer, TableLayer, VectorLayer

# Reasons, as the officer reads them in `pakmap check`, the layers panel and the export record.
PERSON_NAME = "person name"
PHONE = "phone number"
ID_CARD = "CNIC / ID card number"
POR_CARD = "PoR / PoC / ACC card number"
CASE_ID = "case or registration ID"
BIRTH = "date of birth"
ADDRESS = "address"
EMAIL = "e-mail address"
COORDINATES = "exact household coordinates"


def _token_rule(alternatives: str) -> re.Pattern:
    """A regex matching whole ``_``-separated tokens of a normalized field name."""
    return re.compile(rf"(?:^|_)(?:{alternatives})(?:_|$)")


# Names that are personal whatever the table holds. Normalized field names are lower case with
# every run of non-alphanumerics as "_" and camelCase split ("fatherName" → "father_name").
NAME_RULES: tuple[tuple[re.Pattern, str], ...] = (
    (_token_rule(r"(?:full|first|last|given|family|middle|sur|father|fathers|mother|mothers|husband|"
                 r"spouse|wife|respondent|beneficiary|applicant|person|refugee|member|child|hoh|head|"
                 r"guardian|caller|patient|student|owner|interviewee|focal_point)_?names?|surname|"
                 r"head_of_(?:the_)?household|hoh|father|walid|wald|walid_ka_naam|naam|nom|prenom|"
                 r"nombre|apellidos?|والد|ولدیت|ولد|سرپرست|د_پلار_نوم"), PERSON_NAME),
    (_token_rule(r"e_?mail|email_address"), EMAIL),
    (_token_rule(r"phone|phones|telephone|tel|mobile|mob|cell|cellphone|cell_no|contact|contact_no|"
                 r"contact_number|whatsapp|msisdn|telefono|telefone|phone_?no|phone_?number|mobile_?no|"
                 r"mobile_?number|phonenumber|mobileno|contactno|فون|فون_نمبر|موبائل|موبائل_نمبر|رابطہ|"
                 r"رابطہ_نمبر|تلیفون"), PHONE),
    (_token_rule(r"cnic|snic|nic|nicop|id_?card|national_id|nid|tazkira|tazkera|tazkera_no|passport|"
                 r"passport_no|shanakhti|shanakhti_card|smart_card|شناختی|شناختی_کارڈ|تذکره|تذکرہ"), ID_CARD),
    (_token_rule(r"por|(?:por|poc|pr|acc)_?(?:card|no|num|number|id)|proof_of_registration|"
                 r"afghan_citizen_card"), POR_CARD),
    (_token_rule(r"case_?(?:id|no|num|number|ref)|registration(?:_(?:id|no|num|number|group|grp))?$|"
                 r"reg_?(?:no|id|num|number)|progres(?:_?id)?|(?:individual|ind|person|beneficiary|"
                 r"refugee|hh|household|family)_?(?:id|no|num|number|code)|unhcr_?(?:id|no|number)|"
                 r"rg_?id|group_id"), CASE_ID),
    (_token_rule(r"dob|d_o_b|date_of_birth|birth_?date|birthdate|birthday|year_of_birth|yob|"
                 r"tarikh_paidaish|تاریخ_پیدائش|پیدائش"), BIRTH),
    (_token_rule(r"address|addr|street|house_?(?:no|number)|home_address|residential_address|pata|پتہ|پتا"), ADDRESS),
)

# Personal only when the rows are people or households.
CONTEXT_NAME_RULES: tuple[tuple[re.Pattern, str], ...] = (
    (re.compile(r"^(?:name|names|full_?name|nom|naam|nombre|نام|پورا_نام|نوم)$"), PERSON_NAME),
    (_token_rule(r"gps|geopoint|geolocation|location|coordinates?|coords?|lat|lon|lng|long|latitude|"
                 r"longitude|easting|northing|x|y|altitude|accuracy|precision"), COORDINATES),
)

# Field names saying a row is a household or a person (not "households": that is a count).
_LEVEL_HINT = _token_rule(r"(?:hh|household|family)_?(?:id|no|size|members|head|code)|household_?size|"
                          r"family_?size|hh_?members|num_?members|individual(?:_?id)?|respondent|"
                          r"beneficiary(?:_?id)?|head_of_household|hoh")

# Field names saying a row is a household (rather than a person).
_HOUSEHOLD_HINT = _token_rule(r"(?:hh|household|family)_?(?:id|no|size|members|head|code)|household_?size|"
                              r"family_?size|hh_?members|head_of_household|hoh")
_SIZE_FIELDS = ("household_size", "hh_size", "family_size", "hh_members", "household_members", "num_members",
                "members")

# Values. Each pattern is matched against the whole stripped value (case-insensitive).
_PK_MOBILE = r"(?:(?:\+|00)?\s?92[\s-]?|0)?3\d{2}[\s-]?\d{7}"
_PK_LANDLINE = r"(?:(?:\+|00)\s?92[\s-]?\d{2,4}|0\d{2,4})[\s-]\d{5,8}"
_AF_MOBILE = r"(?:(?:\+|00)\s?93[\s-]?|0)7\d[\s-]?\d{3}[\s-]?\d{4}"
VALUE_RULES: tuple[tuple[re.Pattern, str], ...] = (
    (re.compile(rf"^(?:{_PK_MOBILE}|{_PK_LANDLINE}|{_AF_MOBILE})$"), PHONE),
    (re.compile(r"^(?:\d{5}-\d{7}-\d|[1-7]\d{12})$"), ID_CARD),  # CNIC: 5-7-1 digits; first = province
    (re.compile(r"^(?:por|poc|acc|pr)\b[\s#:.-]*(?:(?:card|no|number)[\s#:.-]*)*[a-z]{0,3}[\s-]?\d{6,13}$",
                re.IGNORECASE), POR_CARD),
    # proGres: case/registration group "PAK-21C12345", individual "PAK-00012345" or "845-12345678".
    (re.compile(r"^[a-z0-9]{3}-\d{2}[a-z]?\d{5,8}$", re.IGNORECASE), CASE_ID),
    (re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", re.IGNORECASE), EMAIL),
)
# Two to four words of letters (any script: Latin, Arabic/Urdu), e.g. "Gul Bibi", "Mohammad Wali Khan".
_PERSON_NAME_VALUE = re.compile(r"^[^\W\d_]+(?:[ '.-]+[^\W\d_]+){1,3}$")

SAMPLE_SIZE = 200  # values looked at per column: enough to be sure, fast on big tables
VALUE_SHARE = 0.6  # a column is flagged when this share of its sampled values match one rule
NAME_VALUE_SHARE = 0.8
NAME_UNIQUE_SHARE = 0.7  # village or district columns repeat; person names mostly do not


def normalize_field_name(field: str) -> str:
    """``"group_a/FatherName"`` → ``"group_a_father_name"``: lower case, one ``_`` between words
    (letters of any script are kept: Urdu and Pashto field names are matched too)."""
    text = re.sub(r"(?<=[a-z0-9])(?=[A-Z][a-z])", "_", str(field))  # "PoR" stays one word
    return re.sub(r"[\W_]+", "_", text.lower()).strip("_")


def reason_by_name(field: str, individual: bool = False) -> str | None:
    """Why a field is personal judging by its name alone, or None."""
    name = normalize_field_name(field)
    rules = NAME_RULES + (CONTEXT_NAME_RULES if individual else ())
    return next((reason for pattern, reason in rules if pattern.search(name)), None)


def _sample_text(values: pd.Series) -> pd.Series:
    """Up to SAMPLE_SIZE non-empty values as stripped text (whole floats without ".0": Excel phones)."""
    values = values.dropna()
    if len(values) > SAMPLE_SIZE:
        values = values.sample(SAMPLE_SIZE, random_state=0)  # spread over the table, reproducible
    if pd.api.types.is_bool_dtype(values):
        return pd.Series([], dtype=object)
    if pd.api.types.is_float_dtype(values):
        whole = np.isfinite(values) & (np.mod(values, 1) == 0)
        values = values[whole].astype("int64")
    text = values.astype(str).str.strip()
    return text[text != ""]


def reason_by_values(values: pd.Series, individual: bool = False) -> str | None:
    """Why a column is personal judging by a sample of its values, or None."""
    if pd.api.types.is_bool_dtype(values) or pd.api.types.is_datetime64_any_dtype(values):
        return None
    text = _sample_text(values)
    if text.empty:
        return None
    for pattern, reason in VALUE_RULES:
        matched = int(text.str.match(pattern).sum())
        if matched / len(text) >= VALUE_SHARE:
            return f"{reason} ({matched} of {len(text)} sampled values look like one)"
    if individual and (pd.api.types.is_string_dtype(values) or values.dtype == object) and len(text) >= 5:
        names = text.str.match(_PERSON_NAME_VALUE)
        if names.mean() >= NAME_VALUE_SHARE and text.nunique() / len(text) >= NAME_UNIQUE_SHARE:
            return f"{PERSON_NAME} ({int(names.sum())} of {len(text)} sampled values look like names of people)"
    return None


def _strong_evidence(df: pd.DataFrame) -> dict[str, str]:
    """Fields personal in any table: by name (preferred, it is the clearer reason) else by values."""
    found: dict[str, str] = {}
    for field in df.columns:
        reason = reason_by_name(field)
        if reason:
            found[str(field)] = f"{reason} (field name)"
            continue
        reason = reason_by_values(df[field])
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
    return layer.attributes if isinstance(layer, (VectorLayer, TableLayer)) else pd.DataFrame()


def _can_be_individual(layer: Layer) -> bool:
    """Only tables and point layers can hold people: boundaries and rasters are areas."""
    if isinstance(layer, VectorLayer):
        return layer.geometry_type in ("Point", "None")
    return isinstance(layer, TableLayer)


def _contextual(df: pd.DataFrame, found: dict[str, str]) -> dict[str, str]:
    """``found`` plus the fields personal because the rows are people (plain name, GPS, names)."""
    found = dict(found)
    for field in df.columns:
        if str(field) in found:
            continue
        reason = reason_by_name(field, individual=True)
        if reason:
            found[str(field)] = f"{reason} (field name, in a table of individuals or households)"
            continue
        reason = reason_by_values(df[field], individual=True)
        if reason:
            found[str(field)] = reason
    return found


def inspect_layer(layer: Layer) -> tuple[dict[str, str], bool]:
    """A layer's sensitive fields (field → reason) and whether its rows are individuals or
    households, from one pass over its attributes."""
    if not isinstance(layer, (VectorLayer, TableLayer)):
        return {}, False
    df = _attributes(layer)
    found = _strong_evidence(df)
    individual = _can_be_individual(layer) and frame_is_individual_level(df, found)
    return (_contextual(df, found) if individual else found), individual


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
    found = _strong_evidence(df)
    if individual is None:
        individual = frame_is_individual_level(df, found)
    return _contextual(df, found) if individual else found


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


__all__ = ["detect_sensitive", "detect_layer", "inspect_layer", "flag_layer", "is_individual_level", "frame_is_individual_level",
           "reason_by_name", "reason_by_values", "normalize_field_name", "rows_are_households",
           "household_size_field"]
