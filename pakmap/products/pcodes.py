"""P-codes as OCHA's COD-AB writes them for Pakistan: ``PK`` then digits, more digits per level.

``PK`` is the country, ``PK7`` a province (one digit), ``PK701`` a district (two more), ``PK70101`` a
tehsil (two more). A partner's "pk-701", "PK 701" or "701" is *malformed* (it reads as ``PK701``,
and a join by P-code would only find it after normalization); a well-formed code that no boundary
carries is *unknown*.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

PCODE = re.compile(r"^PK\d*$")
LEVEL_DIGITS = {0: 0, 1: 1, 2: 3, 3: 5, 4: 7}  # admin level -> digits after "PK"
_LOOSE = re.compile(r"^\s*(?:pk)?[\s\-_./]*((?:\d[\s\-_./]*)+)$", re.IGNORECASE)


@dataclass(frozen=True)
class PcodeProblem:
    kind: str  # "malformed" | "unknown"
    detail: str


def level_of(code: str) -> int | None:
    """The admin level of a well-formed code (``PK701`` → 2), or None."""
    if not PCODE.match(code):
        return None
    digits = len(code) - 2
    return next((level for level, n in LEVEL_DIGITS.items() if n == digits), None)


def read_as(text: str) -> str | None:
    """What a malformed code most likely means: ``"pk-701"`` → ``"PK701"``, ``"701"`` → ``"PK701"``."""
    match = _LOOSE.match(text)
    if not match:
        return None
    return "PK" + re.sub(r"\D", "", match.group(1))


def is_pcode_column(values: pd.Series) -> bool:
    """Most of the filled values of a column are P-codes (well-formed or nearly)."""
    text = values.dropna().astype(str).str.strip()
    text = text[text != ""]
    if text.empty:
        return False
    return bool(text.str.upper().str.match(r"^PK[\s\-_.]*\d").mean() >= 0.6)


def check_pcode(value, known: set[str] | None, level: int | None) -> PcodeProblem | None:
    """The problem with one P-code value (None if it is fine); missing values are not checked here."""
    text = str(value).strip() if value is not None else ""
    if not PCODE.match(text) or level_of(text) is None:
        meant = read_as(text)
        hint = f"; reads as {meant}" if meant and level_of(meant) is not None else ""
        return PcodeProblem("malformed", f"not PK followed by 1, 3, 5 or 7 digits{hint}")
    if level is not None and level_of(text) != level:
        return PcodeProblem("malformed", f"a level-{level_of(text)} code where the boundaries have level-{level} codes")
    if known is not None and text not in known:
        return PcodeProblem("unknown", "well-formed, but no boundary has this P-code")
    return None


def boundary_pcodes(values: pd.Series) -> tuple[set[str], int | None]:
    """The boundaries' codes and their level (the most common one)."""
    codes = {str(v).strip() for v in values.dropna()}
    levels = pd.Series([level_of(c) for c in codes]).dropna()
    return codes, (int(levels.mode().iloc[0]) if len(levels) else None)


__all__ = ["PcodeProblem", "check_pcode", "boundary_pcodes", "is_pcode_column", "level_of", "read_as"]
