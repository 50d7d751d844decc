"""Sensitive fields by their header, in the languages partners write them.

English, Urdu, Pashto and Dari headers, Urdu transliterated in Latin letters, French and Spanish.
Headers are compared after ``normalize_field_name``: lower case, one ``_`` between words, camelCase
split, and the Arabic-script letters that partners type interchangeably folded to one form (Arabic
ي/ك beside Persian ی/ک, the Pashto letters ګ ټ ډ ړ ې ۍ beside their Urdu and Dari forms, the
several forms of he, diacritics, tatweel, zero-width joiners), so ``موبائل`` (Urdu) and ``موبایل``
(Pashto, Dari) are one word.

Each match says which words fired and in which language: "header 'ګرځنده' (Pashto 'mobile')".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

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

_FOLD = str.maketrans(
    {
        **dict.fromkeys("يىېۍئےۓ", "ی"),
        "ك": "ک",
        "ګ": "گ",
        **dict.fromkeys("ەہۀۂةھ", "ه"),
        "ټ": "ٹ",
        "ډ": "ڈ",
        "ړ": "ڑ",
        **dict.fromkeys("آأإٱ", "ا"),
        "ؤ": "و",
        "\u200c": " ",
        "\u200d": None,
        "\u0640": None,
        **{chr(0x0660 + i): str(i) for i in range(10)},
        **{chr(0x06F0 + i): str(i) for i in range(10)},
    }
)
_MARKS = re.compile("[\u064b-\u065f\u0670\u06d6-\u06ed]")  # harakat, superscript alef, Quranic marks


def fold_script(text: str) -> str:
    """``text`` with Arabic-script spelling variants folded to one form and Arabic-Indic digits as
    ASCII digits (presentation forms from PDFs and Excel become plain letters first)."""
    text = unicodedata.normalize("NFKC", str(text))
    return _MARKS.sub("", text).translate(_FOLD)


def normalize_field_name(field) -> str:
    """``"group_a/FatherName"`` → ``"group_a_father_name"``: lower case, one ``_`` between words
    (letters of any script are kept and folded: Urdu, Pashto and Dari field names are matched too)."""
    text = re.sub(r"(?<=[a-z0-9])(?=[A-Z][a-z])", "_", fold_script(field))  # "PoR" stays one word
    return re.sub(r"[\W_]+", "_", text.lower()).strip("_")


@dataclass(frozen=True)
class HeaderRule:
    category: str
    language: str
    meaning: str  # what the words mean in English ("" for Latin-script words: they are shown)
    pattern: re.Pattern


@dataclass(frozen=True)
class HeaderMatch:
    category: str
    language: str
    words: str  # the English meaning, or the Latin-script words that matched

    def reason(self, field) -> str:
        return f"{self.category}: header '{field}' ({self.language} '{self.words}')"


def token_rule(alternatives: str) -> re.Pattern:
    """A regex matching whole ``_``-separated tokens of a normalized field name."""
    return re.compile(rf"(?:^|_)(?:{alternatives})(?:_|$)")


def _latin(category: str, language: str, alternatives: str) -> HeaderRule:
    return HeaderRule(category, language, "", token_rule(alternatives))


def _script(category: str, language: str, meaning: str, words: str) -> HeaderRule:
    """Arabic-script ``words`` ("|"-separated, spelled naturally, spaces between words)."""
    return HeaderRule(
        category, language, meaning, token_rule("|".join(re.escape(normalize_field_name(w)) for w in words.split("|")))
    )


_NAME_WORDS = (
    r"(?:full|first|last|given|family|middle|sur|father|fathers|mother|mothers|husband|spouse|wife|"
    r"respondent|beneficiary|applicant|person|refugee|member|child|hoh|head|guardian|caller|patient|"
    r"student|owner|interviewee|focal_point)_?names?|surname|head_of_(?:the_)?household|hoh|father"
)

# Personal whatever the table holds.
HEADER_RULES: tuple[HeaderRule, ...] = (
    _latin(PERSON_NAME, "English", _NAME_WORDS),
    _latin(PERSON_NAME, "Urdu, in Latin letters", r"walid|wald|walid_ka_naam|walidiyat|naam"),
    _latin(PERSON_NAME, "French/Spanish", r"nom|prenom|nombre|apellidos?"),
    _script(PERSON_NAME, "Urdu", "father's name", "والد|ولدیت|ولد|والد کا نام"),
    _script(PERSON_NAME, "Urdu", "husband", "شوہر|شوہر کا نام"),
    _script(PERSON_NAME, "Urdu", "head of household", "سربراہ|سربراہ خانہ|سرپرست"),
    _script(PERSON_NAME, "Urdu", "full name", "پورا نام"),
    _script(PERSON_NAME, "Pashto", "father's name", "د پلار نوم|پلار"),
    _script(PERSON_NAME, "Pashto", "husband", "د میړه نوم|میړه"),
    _script(PERSON_NAME, "Pashto", "head of household", "د کورنۍ مشر"),
    _script(PERSON_NAME, "Pashto", "full name", "بشپړ نوم"),
    _script(PERSON_NAME, "Dari", "father's name", "نام پدر|پدر"),
    _script(PERSON_NAME, "Dari", "husband", "نام شوهر|شوهر"),
    _script(PERSON_NAME, "Dari", "head of household", "سرپرست خانواده|سرپرست خانوار"),
    _script(PERSON_NAME, "Dari", "full name", "نام کامل|نام و تخلص"),
    _script(PERSON_NAME, "Pashto, Dari", "surname", "تخلص|نام خانوادگی"),
    _latin(EMAIL, "English", r"e_?mail|email_address"),
    _script(EMAIL, "Urdu, Dari", "e-mail", "ای میل|ایمیل|پست الکترونیکی"),
    _script(EMAIL, "Pashto", "e-mail", "برېښنالیک"),
    _latin(
        PHONE,
        "English",
        r"phone|phones|telephone|tel|mobile|mob|cell|cellphone|cell_no|contact|contact_no|"
        r"contact_number|whatsapp|msisdn|phone_?no|phone_?number|mobile_?no|mobile_?number|"
        r"phonenumber|mobileno|contactno",
    ),
    _latin(PHONE, "Spanish/Portuguese", r"telefono|telefone"),
    _script(PHONE, "Urdu", "phone", "فون|فون نمبر|ٹیلیفون"),
    _script(PHONE, "Urdu", "contact", "رابطہ|رابطہ نمبر"),
    _script(PHONE, "Urdu, Pashto, Dari", "mobile", "موبائل|موبائل نمبر|موبایل|مبایل|شماره موبایل"),
    _script(PHONE, "Pashto", "mobile", "ګرځنده|ګرځنده تلیفون|ګرځنده شمېره"),
    _script(PHONE, "Pashto", "phone", "تلیفون|ټیلیفون|د تلیفون شمېره"),
    _script(PHONE, "Pashto", "contact", "اړیکه|د اړیکې شمېره"),
    _script(PHONE, "Dari", "phone", "تلفن|شماره تلفن"),
    _script(PHONE, "Dari", "contact", "تماس|شماره تماس"),
    _latin(ID_CARD, "English", r"cnic|snic|nic|nicop|id_?card|national_id|nid|passport|passport_no|smart_card"),
    _latin(ID_CARD, "Urdu/Dari, in Latin letters", r"tazkira|tazkera|tazkera_no|shanakhti|shanakhti_card"),
    _script(ID_CARD, "Urdu", "identity card", "شناختی|شناختی کارڈ|قومی شناختی کارڈ"),
    _script(ID_CARD, "Urdu, Pashto, Dari", "tazkira (Afghan ID)", "تذکره|تذکرہ|د تذکرې شمېره|شماره تذکره"),
    _script(ID_CARD, "Pashto, Dari", "identity card", "شناختي کارت|کارت هویت|پیژندپاڼه"),
    _script(ID_CARD, "Urdu, Pashto, Dari", "passport", "پاسپورٹ|پاسپورت|گذرنامه"),
    _latin(
        POR_CARD,
        "English",
        r"por|(?:por|poc|pr|acc)_?(?:card|no|num|number|id)|proof_of_registration|"
        r"afghan_citizen_card",
    ),
    _script(POR_CARD, "Urdu", "PoR card", "پی او آر|پی او آر کارڈ"),
    _latin(
        CASE_ID,
        "English",
        r"case_?(?:id|no|num|number|ref)|registration(?:_(?:id|no|num|number|group|grp))?$|"
        r"reg_?(?:no|id|num|number)|progres(?:_?id)?|(?:individual|ind|person|beneficiary|"
        r"refugee|hh|household|family)_?(?:id|no|num|number|code)|unhcr_?(?:id|no|number)|"
        r"rg_?id|group_id",
    ),
    _script(CASE_ID, "Urdu", "case number", "کیس نمبر|رجسٹریشن نمبر"),
    _script(CASE_ID, "Dari", "registration number", "شماره ثبت|شماره قضیه"),
    _latin(BIRTH, "English", r"dob|d_o_b|date_of_birth|birth_?date|birthdate|birthday|year_of_birth|yob"),
    _latin(BIRTH, "Urdu, in Latin letters", r"tarikh_paidaish"),
    _script(BIRTH, "Urdu", "date of birth", "تاریخ پیدائش|پیدائش"),
    _script(BIRTH, "Pashto", "date of birth", "د زیږیدو نیټه|زیږیدنه|د زېږېدو نېټه"),
    _script(BIRTH, "Dari", "date of birth", "تاریخ تولد|سال تولد"),
    _latin(ADDRESS, "English", r"address|addr|street|house_?(?:no|number)|home_address|residential_address"),
    _latin(ADDRESS, "Urdu, in Latin letters", r"pata"),
    _script(ADDRESS, "Urdu, Pashto", "address", "پتہ|پته|پتا|ایڈریس"),
    _script(ADDRESS, "Pashto", "residence", "استوګنځی"),
    _script(ADDRESS, "Pashto, Dari", "address", "آدرس|ادرس|نشانی"),
    _script(ADDRESS, "Dari", "place of residence", "محل سکونت"),
)

# Personal only when the rows are people or households.
CONTEXT_HEADER_RULES: tuple[HeaderRule, ...] = (
    HeaderRule(PERSON_NAME, "English", "", re.compile(r"^(?:name|names|full_?name)$")),
    HeaderRule(PERSON_NAME, "Urdu, French, Spanish", "", re.compile(r"^(?:naam|nom|nombre)$")),
    HeaderRule(PERSON_NAME, "Urdu, Dari", "name", re.compile(r"^(?:نام|اسم)$")),
    HeaderRule(PERSON_NAME, "Pashto", "name", re.compile(r"^نوم$")),
    _latin(
        COORDINATES,
        "English",
        r"gps|geopoint|geolocation|location|coordinates?|coords?|lat|lon|lng|long|"
        r"latitude|longitude|easting|northing|x|y|altitude|accuracy|precision",
    ),
)

# Specific needs: sensitive in a table of people whatever the column holds, elsewhere when the column
# describes rows rather than counting them (``gbv_cases`` in a district table is a count).
NEEDS_HEADER_RULES: tuple[HeaderRule, ...] = (
    _latin(
        SPECIFIC_NEEDS,
        "English",
        r"specific_needs?|special_needs?|sn_codes?|vulnerabilit(?:y|ies)|vulnerable|vuln|gbv|sgbv|survivors?|"
        r"uasc|uam|unaccompanied|separated_(?:child|children|minors?)|disabilit(?:y|ies)|disabled|pwds?|"
        r"handicap(?:ped)?|impairments?|medical_conditions?|health_conditions?|health_status|"
        r"chronic_(?:illness|disease)|serious_medical(?:_condition)?|medical_needs?|legal_status|"
        r"documentation(?:_status)?|doc_status|legal_protection|protection_needs?|protection_risks?|"
        r"women_at_risk|woman_at_risk|older_persons?_at_risk|elderly_at_risk|children?_at_risk|torture",
    ),
    _script(SPECIFIC_NEEDS, "Urdu", "specific needs", "خصوصی ضروریات|خاص ضروریات"),
    _script(SPECIFIC_NEEDS, "Urdu", "disability", "معذوری|معذور"),
    _script(SPECIFIC_NEEDS, "Urdu", "vulnerability", "کمزوری|کمزور افراد"),
    _script(SPECIFIC_NEEDS, "Urdu", "gender-based violence", "صنفی تشدد|جنسی تشدد"),
    _script(SPECIFIC_NEEDS, "Urdu", "legal status", "قانونی حیثیت"),
    _script(SPECIFIC_NEEDS, "Urdu", "health condition", "صحت کی حالت|طبی حالت|بیماری"),
    _script(SPECIFIC_NEEDS, "Pashto", "specific needs", "ځانګړې اړتیاوې"),
    _script(SPECIFIC_NEEDS, "Pashto, Dari", "disability", "معلولیت|معیوبیت|معلول|معیوب"),
    _script(SPECIFIC_NEEDS, "Pashto", "legal status", "قانوني حالت|حقوقي حالت"),
    _script(SPECIFIC_NEEDS, "Pashto", "health condition", "روغتیایی حالت"),
    _script(SPECIFIC_NEEDS, "Dari", "specific needs", "نیازهای خاص|نیازمندی های خاص"),
    _script(SPECIFIC_NEEDS, "Dari", "vulnerability", "آسیب پذیری|آسیب پذیر"),
    _script(SPECIFIC_NEEDS, "Dari", "legal status", "وضعیت حقوقی|وضعیت قانونی"),
    _script(SPECIFIC_NEEDS, "Dari", "health condition", "وضعیت صحی"),
    _script(SPECIFIC_NEEDS, "Dari", "gender-based violence", "خشونت مبتنی بر جنسیت"),
)


def match_header(field, rules: tuple[HeaderRule, ...]) -> HeaderMatch | None:
    """The first of ``rules`` that the header of ``field`` matches, with the words that fired."""
    name = normalize_field_name(field)
    for rule in rules:
        found = rule.pattern.search(name)
        if found:
            words = rule.meaning or found.group(0).strip("_").replace("_", " ")
            return HeaderMatch(rule.category, rule.language, words)
    return None


__all__ = [
    "token_rule",
    "HeaderMatch",
    "HeaderRule",
    "HEADER_RULES",
    "CONTEXT_HEADER_RULES",
    "NEEDS_HEADER_RULES",
    "match_header",
    "normalize_field_name",
    "fold_script",
]
