"""Key normalization that the officer can see: ``normalize_key("D.I. Khan District")``.

Partner tables spell the same district many ways ("D.I. Khan", "DI Khan District", "Dera Ismail
Khan"); codes arrive as text, integers or floats ("201", 201, 201.0) and with or without zero padding
("PK0201", "PK201"). A join compares the *normalized* keys and reports, for every match that needed
it, which steps made the keys equal, so nobody has to trust a black box.

Rules, applied in this order:

1. Missing values (None, NaN, empty text, text without letters or digits such as "-") have no key.
2. **Codes**: a number, or text that is at most four letters followed by digits once spaces, dots,
   hyphens, underscores and slashes are removed ("PK-02-01", "pk 201", "0012", 12.0). The letters are
   lower-cased and the leading zeros of the digits dropped: ``PK0201`` → ``pk201``, ``"007"`` → ``7``,
   ``12.0`` → ``12``. Zero padding is therefore not significant: ``PK01`` and ``PK1`` are one code.
   (A layer that uses both forms for different units is reported as having duplicate keys.)
3. **Names**: Unicode compatibility form with diacritics removed, case folded, "&" read as "and",
   apostrophes dropped, any other punctuation read as a space; then, repeated until nothing changes:
   known abbreviations expanded ("D.I. Khan", "DI Khan", "DIKhan" → "dera ismail khan"), and
   administrative prefixes and suffixes dropped ("District", "Agency", "FR", "Tribal Area", …) unless
   nothing would be left. Spaces are finally ignored ("Mirpurkhas" = "Mirpur Khas"), and a result that
   reads as a code is normalized as one.
4. **Spelling variant** (``NormalizedKey.variant``, names only): a second, looser key for the
   romanizations of Urdu names that partners mix ("Pallas"/"Palas", "Abbottabad"/"Abotabad",
   "Sheikhupura"/"Sheikupura", "Neelum"/"Nilum", "Tando Ahyar"/…): ``ee`` → ``i``, ``oo`` → ``u``,
   ``kh`` → ``k``, then every doubled letter single ("-abbad" → "-abad"). It is compared only after the
   key and the aliases found nothing, and only where it leads to one unit (``pakmap.join.matching``),
   so two real names that share a variant are never merged; its steps are recorded like the others.

The rules are idempotent (normalizing a key again changes nothing) and every surface change they
undo (case, spacing, punctuation, diacritics, prefixes and suffixes, in any order) leads to the same
key; the property tests in ``tests/test_normalize.py`` check both.
"""

from __future__ import annotations

import math
import numbers
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Iterable, SupportsFloat, cast

import pandas as pd

# Abbreviations as the full text they stand for. An abbreviation matches a run of consecutive words
# whose letters, run together, spell it: "D.I. Khan", "DI Khan" and "DIKhan" are all "di khan".
ABBREVIATIONS: dict[str, str] = {
    "di khan": "dera ismail khan",
    "dg khan": "dera ghazi khan",
    "tt singh": "toba tek singh",
    "mb din": "mandi bahauddin",
    "ry khan": "rahim yar khan",
    "n waziristan": "north waziristan",
    "s waziristan": "south waziristan",
    "mohd": "muhammad",
    "mohammad": "muhammad",
    "mohammed": "muhammad",
    "muhammed": "muhammad",
}

# Words that say what kind of unit a name is, not which one. Longest first, so "tribal area" goes
# before "area" would (there is no "area" rule; the ordering matters for multi-word entries).
PREFIXES: tuple[str, ...] = ("frontier region", "f r", "fr", "district", "distt", "dist", "zila", "zilla")
SUFFIXES: tuple[str, ...] = (
    "tribal district",
    "tribal area",
    "tribal agency",
    "frontier region",
    "agency",
    "district",
    "distt",
    "dist",
    "fr",
    "zila",
    "zilla",
)

_CODE_SEPARATORS = re.compile(r"[\s.\-_/]+")
_CODE = re.compile(r"^([a-z]{0,4})(\d+)$")
_DECIMAL_TEXT = re.compile(r"^[+-]?[0-9]+\.[0-9]+$")  # "12.0", "12.5": numbers, not dotted codes
_APOSTROPHES = re.compile(r"['’‘`´]")
_NON_WORD = re.compile(r"[^\w]+|_+")


@dataclass(frozen=True)
class NormalizedKey:
    """A value's comparison key and the steps that produced it (for reports and the GUI)."""

    original: Any
    key: str | None  # what joins compare; None for a missing value
    text: str | None = None  # the same with spaces between words, for people and fuzzy scoring
    steps: tuple[str, ...] = field(default_factory=tuple)
    variant: str | None = None  # the looser spelling-variant key (rule 4); None for codes and numbers
    variant_steps: tuple[str, ...] = field(default_factory=tuple)

    def explain(self) -> str:
        """``'D.I. Khan' → 'dera ismail khan' (case, punctuation, abbreviation D I Khan)'``."""
        how = ", ".join(self.steps) if self.steps else "unchanged"
        return f"{self.original!r} → {self.text!r} ({how})"


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, str) and not value.strip()


def _as_code(text: str) -> str | None:
    """The code form of ``text`` (already case-folded), or None if it does not read as a code."""
    compact = _CODE_SEPARATORS.sub("", text)
    match = _CODE.match(compact)
    if not match:
        return None
    letters, digits = match.groups()
    return letters + (digits.lstrip("0") or "0")


def _number_text(value: SupportsFloat) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, numbers.Integral):
        return str(int(value))
    number = float(value)
    return str(int(number)) if number.is_integer() else repr(number)


def _strip_diacritics(text: str) -> str:
    if text.isascii():  # most keys: nothing to decompose
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _find_run(words: list[str], spelled: str) -> tuple[int, int] | None:
    """First run of consecutive ``words`` whose concatenation equals ``spelled``."""
    for start in range(len(words)):
        joined = ""
        for end in range(start, len(words)):
            joined += words[end]
            if joined == spelled:
                return start, end + 1
            if not spelled.startswith(joined):
                break
    return None


_ABBREVIATION_SPELLINGS = [(abbr.replace(" ", ""), abbr, full.split()) for abbr, full in ABBREVIATIONS.items()]
_PREFIX_WORDS = [p.split() for p in PREFIXES]
_SUFFIX_WORDS = [s.split() for s in SUFFIXES]
# Cheap pre-checks: most names have no abbreviation and no unit-kind word.
_ABBREVIATION_ANY = re.compile("|".join(re.escape(spelled) for spelled, _, _ in _ABBREVIATION_SPELLINGS))
_PREFIX_FIRST = {p[0] for p in _PREFIX_WORDS}
_SUFFIX_LAST = {s[-1] for s in _SUFFIX_WORDS}


def _rewrite_words(words: list[str], steps: list[str]) -> list[str]:
    """Expand abbreviations and drop unit-kind words until the words stop changing."""
    for _ in range(32):  # every rule shortens the text or expands an abbreviation once; 32 is plenty
        if (
            words[0] not in _PREFIX_FIRST
            and words[-1] not in _SUFFIX_LAST
            and not _ABBREVIATION_ANY.search("".join(words))
        ):
            return words
        changed = False
        compact = "".join(words)
        for spelled, abbr, full in _ABBREVIATION_SPELLINGS:
            if spelled not in compact:
                continue
            run = _find_run(words, spelled)
            if run and words[run[0] : run[1]] != full:
                words = words[: run[0]] + full + words[run[1] :]
                steps.append(f"abbreviation {abbr!r} → {' '.join(full)!r}")
                changed = True
        for prefix in _PREFIX_WORDS:
            if len(words) > len(prefix) and words[: len(prefix)] == prefix:
                words = words[len(prefix) :]
                steps.append(f"dropped prefix {' '.join(prefix)!r}")
                changed = True
        for suffix in _SUFFIX_WORDS:
            if len(words) > len(suffix) and words[-len(suffix) :] == suffix:
                words = words[: -len(suffix)]
                steps.append(f"dropped suffix {' '.join(suffix)!r}")
                changed = True
        if not changed:
            return words
    return words  # pragma: no cover - rules cannot cycle (see tests), but never loop forever


# Romanization variants, in order: long vowels written two ways, then aspirated k, then doubled
# letters (applied last, so "kkh" → "kk" → "k" and "eee" cannot come back).
_VARIANTS: tuple[tuple[re.Pattern, str, str], ...] = (
    (re.compile("ee"), "i", "'ee' → 'i'"),
    (re.compile("oo"), "u", "'oo' → 'u'"),
    (re.compile("kh"), "k", "'kh' → 'k'"),
    (re.compile(r"([a-z])\1+"), r"\1", "doubled letters single"),
)


def spelling_variant(key: str) -> tuple[str, tuple[str, ...]]:
    """The spelling-variant key of a normalized name key, and the rules that changed it.

    >>> spelling_variant("pallas")
    ('palas', ('spelling variant: doubled letters single',))
    """
    steps = []
    for pattern, replacement, step in _VARIANTS:
        changed = pattern.sub(replacement, key)
        if changed != key:
            steps.append(f"spelling variant: {step}")
            key = changed
    return key, tuple(steps)


def _named(value: Any, key: str, readable: str, steps: list[str]) -> NormalizedKey:
    variant, variant_steps = spelling_variant(key)
    return NormalizedKey(value, key, readable, tuple(steps), variant, variant_steps)


def normalize_key(value: Any, kind: str = "auto") -> NormalizedKey:
    """Normalize one key value; ``kind`` is ``"auto"`` (codes detected), ``"code"`` or ``"name"``.

    >>> normalize_key("D.I. Khan District").key
    'deraismailkhan'
    >>> normalize_key("PK0201").key, normalize_key(201.0).key
    ('pk201', '201')
    """
    if kind not in ("auto", "code", "name"):
        raise ValueError(f"kind must be 'auto', 'code' or 'name', not {kind!r}")
    if _is_missing(value):
        return NormalizedKey(value, None, None, ("missing value",))
    steps: list[str] = []
    if isinstance(value, numbers.Number):
        text = _number_text(cast(SupportsFloat, value))  # mypy does not model the numbers ABCs
        if not isinstance(value, numbers.Integral):
            steps.append("number written as text")
        if not text.lstrip("-").isdigit():  # 12.5, 1e+20, inf: a number is its own key
            return NormalizedKey(value, text, text, tuple(steps))
    else:
        text = str(value)
        if _DECIMAL_TEXT.match(text.strip()):  # "12.0" as a spreadsheet writes the integer 12
            number = _number_text(float(text))
            if number != text:
                steps.append("number written as text")
            text = number
            if "." in text:
                return NormalizedKey(value, text, text, tuple(steps))
    # Compatibility forms first ("𝓐", "Ａ", "ﬁ" → A, A, fi), then case, then once more: a case
    # fold can itself produce a compatibility form. Without this a key would change when normalized again.
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    if folded != text:
        steps.append("case")
    if kind != "name":
        code = _as_code(folded.strip())
        if code is not None:
            if code != folded:
                steps.append("code: separators and leading zeros dropped")
            return NormalizedKey(value, code, code, tuple(steps))
    plain = _strip_diacritics(folded)
    if plain != folded:
        steps.append("diacritics")
    spaced = _APOSTROPHES.sub("", plain.replace("&", " and "))
    spaced = _NON_WORD.sub(" ", spaced)
    words = spaced.split()
    if " ".join(words) != plain.strip():
        steps.append("punctuation and spacing")
    if not words:  # "-", "—", "?": placeholders for a missing value
        return NormalizedKey(value, None, None, tuple(steps) + ("no letters or digits: missing value",))
    words = _rewrite_words(words, steps)
    readable = " ".join(words)
    key = readable.replace(" ", "")
    if key != readable:
        steps.append("spaces ignored")
    if kind != "name":
        code = _as_code(key)
        if code is not None and code != key:
            steps.append("code: leading zeros dropped")
            return NormalizedKey(value, code, code, tuple(steps))
    return _named(value, key, readable, steps)


class KeyNormalizer:
    """``normalize_key`` with a cache: tables repeat the same few hundred names thousands of times."""

    def __init__(self, kind: str = "auto") -> None:
        self.kind = kind
        self._cache: dict[Any, NormalizedKey] = {}

    def __call__(self, value: Any) -> NormalizedKey:
        try:
            cache_key = (type(value).__name__, value)
            hit = self._cache.get(cache_key)
        except TypeError:  # unhashable: do not cache
            return normalize_key(value, self.kind)
        if hit is None:
            hit = self._cache[cache_key] = normalize_key(value, self.kind)
        return hit

    def keys(self, values: Iterable[Any]) -> list[str | None]:
        return [self(v).key for v in values]


__all__ = [
    "ABBREVIATIONS",
    "PREFIXES",
    "SUFFIXES",
    "NormalizedKey",
    "normalize_key",
    "spelling_variant",
    "KeyNormalizer",
]
