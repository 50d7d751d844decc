"""Sensitive fields by the look of their values, whatever the header says.

A column is judged on up to ``SAMPLE_SIZE`` of its non-empty values (a reproducible sample spread
over the table, so a million-row table costs as little as a small one), all tests vectorized with
pandas string methods:

* **whole values**: Pakistani and Afghan phone numbers in every usual form (``03001234567``,
  ``0300-1234567``, ``0300 123 4567``, ``+92 300 1234567``, ``92-300-1234567``, Excel's
  ``3001234567``), CNICs with dashes, spaces or as 13 bare digits, PoR / PoC / ACC card numbers
  with their prefix or bare (a column of 9–12-digit text identifiers), proGres case and individual
  numbers (``PAK-21C12345``, ``845-12345678``), e-mail addresses. The column is flagged when at
  least ``VALUE_SHARE`` of the sampled values look like identifiers: a few malformed cells do not
  hide it, a few look-alikes in a column of counts do not flag it.
* **free text** (notes, KML descriptions): the same identifiers inside longer text, and names of
  people after a label ("Head of household: Gul Bibi", "s/o Abdul Karim", "ولد عبدالکریم"), flagged
  when at least ``CONTAINS_SHARE`` of the values contain one.
* **specific needs**: values such as "GBV survivor", "UASC", "disabled", "SC-UC" (proGres codes),
  "معذور", in English and Urdu; "none"/"no" cells do not count.
* **person names** (only in tables of people): two to four words of letters in any script.

Reasons say what share of the values fired, never a value: "82% of 200 non-empty values look like
CNICs".
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .categories import CASE_ID, EMAIL, ID_CARD, PERSON_NAME, PHONE, POR_CARD, SPECIFIC_NEEDS
from .headers import fold_script

SAMPLE_SIZE = 500  # values looked at per column: enough to be sure, fast on big tables
VALUE_SHARE = 0.6  # a column is flagged when this share of its values are identifiers
CONTAINS_SHARE = 0.02  # free text: one note in fifty holding a phone number is enough
NEEDS_SHARE = 0.5  # share of the non-"none" values naming a specific need
NAME_VALUE_SHARE = 0.8
NAME_UNIQUE_SHARE = 0.7  # village or district columns repeat; person names mostly do not
ID_UNIQUE_SHARE = 0.9  # bare card numbers are (almost) all different

# Separators people put inside numbers: spaces, dashes, dots, brackets, slashes.
_SEP = r"[\s().-]*"
_PK_MOBILE = rf"(?:(?:\+|00)?{_SEP}92{_SEP}|0{_SEP})?3\d{{2}}{_SEP}\d{{3}}{_SEP}\d{{4}}"
_PK_LANDLINE = r"(?:(?:\+|00)\s?92[\s-]?\(?\d{2,4}\)?|0\d{2,4})[\s-]\d{3,4}[\s-]?\d{2,5}"
_AF_MOBILE = rf"(?:(?:\+|00)?{_SEP}93{_SEP}|0{_SEP})7\d{_SEP}\d{{3}}{_SEP}\d{{4}}"
_CNIC = r"\d{5}[\s-]+\d{7}[\s-]+\d|[1-7]\d{12}"  # 5-7-1 digits; bare, the first is the province (1-7)
_POR_PREFIXED = r"(?:por|poc|acc|pr)\b[\s#:.-]*(?:(?:card|no|number)[\s#:.-]*)*[a-z]{0,3}[\s-]?\d{6,13}"
_CASE = r"[a-z]{3}[\s-]?\d{2}[a-z][\s-]?\d{5,8}|[a-z0-9]{3}-\d{8}"  # proGres group / individual numbers
_EMAIL = r"[^@\s]+@[^@\s]+\.[a-z]{2,}"


def _whole(pattern: str) -> re.Pattern:
    return re.compile(rf"^(?:{pattern})$", re.IGNORECASE)


def _inside(pattern: str) -> re.Pattern:
    return re.compile(rf"(?<![\w+@])(?:{pattern})(?![\w@])", re.IGNORECASE)


# (pattern, category, what the values look like)
WHOLE_RULES: tuple[tuple[re.Pattern, str, str], ...] = (
    (_whole(f"{_PK_MOBILE}|{_PK_LANDLINE}|{_AF_MOBILE}"), PHONE, "phone numbers"),
    (_whole(_CNIC), ID_CARD, "CNICs"),
    (_whole(_POR_PREFIXED), POR_CARD, "PoR / PoC / ACC card numbers"),
    (_whole(_CASE), CASE_ID, "proGres case or individual numbers"),
    (_whole(_EMAIL), EMAIL, "e-mail addresses"),
)
CONTAINS_RULES: tuple[tuple[re.Pattern, str, str], ...] = (
    (_inside(f"{_PK_MOBILE}|{_AF_MOBILE}"), PHONE, "a phone number"),
    (_inside(r"\d{5}[\s-]\d{7}[\s-]\d"), ID_CARD, "a CNIC"),
    (_inside(_POR_PREFIXED), POR_CARD, "a PoR / PoC / ACC card number"),
    (_inside(r"[a-z]{3}-\d{2}[a-z]\d{5,8}"), CASE_ID, "a proGres case number"),
    (_inside(_EMAIL), EMAIL, "an e-mail address"),
)
# A bare card number: 9-12 digits, perhaps after up to three letters (not a P-code's "PK").
_BARE_ID = _whole(r"(?!pk)[a-z]{0,3}[\s-]?\d{9,12}")

# Names of people after a label. Latin names are capitalized words; Arabic-script names are words.
_LATIN_NAME = r"[A-Z][a-z'’]+(?:[ .-]+[A-Z][a-z'’]+){0,3}"
_SCRIPT_NAME = r"[\u0621-\u064a\u066e-\u06d3\u06fa-\u06ff]{2,}(?: [\u0621-\u064a\u066e-\u06d3\u06fa-\u06ff]{2,}){0,3}"
# Labels that introduce a name only before a colon ("Father: …"; "Mother Child Hospital" is a place) …
_PERSON_LABELS = (
    r"head of (?:the )?(?:household|family)|hoh|household head|father(?:'s|s)? name|father|husband|"
    r"wife|mother|beneficiary|respondent|applicant|contact person|focal (?:person|point)|guardian|"
    r"caregiver"
)
# … and kinship words that need none ("s/o Abdul Karim"; not titles: "Mr. Shah Road" is a road).
_KIN_LABELS = r"widow of|son of|daughter of|wife of|[sdw]\s?/\s?o"
_SCRIPT_LABELS = fold_script("ولدیت|والد|سربراہ|سرپرست|د پلار نوم|نام پدر|میړه|شوهر")
_SCRIPT_KIN = fold_script("ولد|زوجہ|بنت|فرزند|زوی")
_LABELLED_NAME = re.compile(
    rf"(?i:\b(?:{_PERSON_LABELS})\b)\s*[:=-]\s*{_LATIN_NAME}"
    rf"|(?i:\b(?:{_KIN_LABELS})\b)\.?(?:\s*[:=-]\s*|\s+){_LATIN_NAME}"
    rf"|(?<![\w])(?:{_SCRIPT_LABELS})\s*[:=-]\s*{_SCRIPT_NAME}"
    rf"|(?<![\w])(?:{_SCRIPT_KIN})(?:\s*[:=-]\s*|\s+){_SCRIPT_NAME}"
)
# In a table of people a plain "name:" label introduces a person too.
_NAME_LABEL = re.compile(rf"(?i:\bname\b)\s*[:=-]\s*{_LATIN_NAME}|(?<![\w])(?:نام|نوم|اسم)\s*[:=-]\s*{_SCRIPT_NAME}")

# Two to four words of letters (any script: Latin, Arabic/Urdu), e.g. "Gul Bibi", "Mohammad Wali Khan".
_PERSON_NAME_VALUE = re.compile(r"^[^\W\d_]+(?:[ '.-]+[^\W\d_]+){1,3}$")

# Specific needs, as cells or list items ("GBV survivor; disabled"). Matched on folded, lower-case text.
_NEEDS_TERMS = (
    r"s?gbv(?: survivors?| cases?| victims?)?|survivors? of (?:s?gbv|rape|violence|torture)|rape survivors?|"
    r"domestic violence(?: survivors?)?|torture survivors?|uasc|uam|unaccompanied(?: and separated)?"
    r"(?: minors?| child(?:ren)?| boys?| girls?)?|separated (?:child(?:ren)?|minors?|boys?|girls?)|"
    r"disabled|disabilit(?:y|ies)|(?:persons?|people|child|woman|man) with (?:a )?disabilit(?:y|ies)|pwds?|"
    r"(?:physical(?:ly)?|mental(?:ly)?|intellectual(?:ly)?|visual(?:ly)?|hearing) (?:disabled|disability|impaired|"
    r"impairment)|blind|deaf|wheelchair user|amputee|serious medical condition|chronic (?:illness|disease)|"
    r"critical medical condition|medical case|hiv(?: positive)?|legal (?:and physical )?protection needs?|"
    r"undocumented|no documents?|without documents?|unregistered|women at risk|woman at risk|"
    r"single (?:mother|woman|female)|female[- ]headed household|widow(?:ed)?|older persons? at risk|"
    r"elderly(?: at risk)?|child(?:ren)? at risk|child labou?r|child marriage|early marriage|orphan|"
    r"child[- ]headed household|(?:cr|ds|er|fu|lp|pg|sc|sm|sp|sv|tr|wr)-[a-z]{2}|"
    # Urdu, Pashto, Dari (folded spellings)
    r"معذور|معذوری|معلول|معیوب|بیوه|کونڈه|یتیم|صنفی تشدد|جنسی تشدد|تشدد کا شکار|دائمی بیماری|شدید بیماری|"
    r"اکیلا بچه|تنها بچه|بچھڑا ہوا بچه|بے سہارا بچه|بی سرپرست|کودک بی سرپرست|خطرے میں خاتون|غیر رجسٹرڈ|"
    r"بغیر دستاویزات|بزرگ"
)
_NEEDS_ITEM = re.compile(rf"(?:^|[,;/|+&]|\band\b)\s*(?:{fold_script(_NEEDS_TERMS)})\s*(?:$|[,;/|+&(])")
_NEEDS_IN_TEXT = re.compile(
    r"\b(?:s?gbv|uasc|unaccompanied|separated (?:child|minor)|disabled|disability|rape|"
    r"torture|chronic (?:illness|disease)|serious medical|widow|orphan)\b|معذور|صنفی تشدد"
)
_NOTHING = re.compile(
    fold_script(
        r"^(?:none|no|nil|n/?a|not applicable|-+|0|normal|no specific needs?|"
        r"نہیں|کوئی نہیں|هیڅ|نشته|ندارد)$"
    )
)


def sample_text(values: pd.Series, size: int = SAMPLE_SIZE) -> pd.Series:
    """Up to ``size`` non-empty values as stripped text, Arabic-Indic digits as ASCII (whole floats
    without ".0": Excel's phone and CNIC columns)."""
    if len(values) > size:
        # Positions drawn first, so a million-row column is never copied or shuffled whole; a
        # sparse column (mostly empty cells) is sampled among its non-empty cells instead.
        picked = values.iloc[np.sort(np.random.default_rng(0).choice(len(values), size, replace=False))].dropna()
        if len(picked) < size // 4:
            picked = values.dropna()
            if len(picked) > size:
                picked = picked.iloc[np.sort(np.random.default_rng(0).choice(len(picked), size, replace=False))]
        values = picked
    values = values.dropna()
    if pd.api.types.is_bool_dtype(values) or pd.api.types.is_datetime64_any_dtype(values):
        return pd.Series([], dtype=object)
    if pd.api.types.is_float_dtype(values):
        whole = np.isfinite(values) & (np.mod(values, 1) == 0) & (np.abs(values) < 1e15)
        values = values[whole].astype("int64")
    # Plain Python strings: the sample is small, and pandas then uses the compiled patterns as they are.
    text = values.astype(str).map(fold_script).astype(object).str.strip()
    return text[text != ""]


def _share(hits: int, total: int) -> str:
    return f"{100 * hits // total}% of {total} non-empty values"


def _whole_values(text: pd.Series, numeric: bool) -> str | None:
    """Identifiers making up the column: the commonest kind names the reason, all kinds count (a
    "ref" column mixing CNICs and PoR numbers is as personal as a column of one kind)."""
    masks = [(text.str.match(pattern), category, what) for pattern, category, what in WHOLE_RULES]
    if not numeric:
        bare = text.str.match(_BARE_ID)
        digits = text[bare].str.replace(r"\D", "", regex=True)
        if bare.any() and digits.nunique() >= ID_UNIQUE_SHARE * len(digits) and digits.str.len().nunique() <= 2:
            masks.append((bare, POR_CARD, "bare card numbers (9-12 digits, all different)"))
    any_rule = np.logical_or.reduce([m.to_numpy() for m, _, _ in masks])
    if any_rule.sum() < VALUE_SHARE * len(text):
        return None
    mask, category, what = max(masks, key=lambda m: int(m[0].sum()))
    others = int(any_rule.sum()) - int(mask.sum())
    extra = f" ({others} more look like other identifiers)" if others else ""
    return f"{category}: {_share(int(mask.sum()), len(text))} look like {what}{extra}"


def _free_text(text: pd.Series, individual: bool) -> str | None:
    text = text.str.replace(r"<[^>]*>|&nbsp;", " ", regex=True)  # KML descriptions are HTML
    rules = CONTAINS_RULES + (
        (_LABELLED_NAME, PERSON_NAME, "a person's name after a label such as 'head of household:' or 's/o'"),
    )
    if individual:
        rules += ((_NAME_LABEL, PERSON_NAME, "a person's name after 'name:'"),)
    for pattern, category, what in rules:
        hits = int(text.str.contains(pattern).sum())
        if hits and hits >= CONTAINS_SHARE * len(text):
            return f"{category}: {_share(hits, len(text))} contain {what}"
    return None


def specific_needs(values: pd.Series, individual: bool, text: pd.Series | None = None) -> str | None:
    """Why the values of a column are specific needs of people, or None (``text``: its
    ``sample_text``, when the caller has it already)."""
    if not (pd.api.types.is_string_dtype(values) or values.dtype == object):
        return None
    text = (sample_text(values) if text is None else text).str.lower().str.replace(r"[\s_]+", " ", regex=True)
    text = text[~text.str.match(_NOTHING)]
    if text.empty:
        return None
    hits = int(text.str.contains(_NEEDS_ITEM).sum())
    if hits >= NEEDS_SHARE * len(text):
        return f"{SPECIFIC_NEEDS}: {_share(hits, len(text))} (other than 'none') name a specific need"
    if individual:
        hits = int(text.str.contains(_NEEDS_IN_TEXT).sum())
        if hits and hits >= CONTAINS_SHARE * len(text):
            return f"{SPECIFIC_NEEDS}: {_share(hits, len(text))} mention a specific need"
    return None


def reason_by_values(values: pd.Series, individual: bool = False, text: pd.Series | None = None) -> str | None:
    """Why a column is personal judging by its values, or None (``text``: its ``sample_text``,
    when the caller has it already)."""
    text = sample_text(values) if text is None else text
    if text.empty:
        return None
    numeric = pd.api.types.is_numeric_dtype(values)
    reason = _whole_values(text, numeric)
    if reason or numeric:
        return reason
    reason = _free_text(text, individual)
    if reason:
        return reason
    if individual and len(text) >= 5:
        names = text.str.match(_PERSON_NAME_VALUE)
        if names.mean() >= NAME_VALUE_SHARE and text.nunique() / len(text) >= NAME_UNIQUE_SHARE:
            return f"{PERSON_NAME}: {_share(int(names.sum()), len(text))} look like names of people"
    return None


__all__ = ["reason_by_values", "specific_needs", "sample_text", "SAMPLE_SIZE", "VALUE_SHARE", "CONTAINS_SHARE"]
