"""Coordinates written as text, as partners' spreadsheets and GPS exports write them.

``parse_degrees("33°35'12\\"N", "latitude")`` → ``33.58666…``. Accepted, in any mix within a column:

- decimal degrees, with a decimal comma ("33,6844") or a degree sign ("32.33192629° N");
- degrees and decimal minutes ("33° 35.2' N"), degrees-minutes-seconds ("33°35'12\\"N",
  "33 35 12 N", "33:35:12", with ′ ″ ’ ” or '' as marks);
- a hemisphere letter before or after (N/S for latitudes, E/W for longitudes; S and W are
  negative), or a sign.

Anything else, a letter for the other axis ("71.5 N" in a longitude column) or minutes and seconds
of 60 or more, is not guessed at: ``None`` is returned and the caller names the value and its row.
"""

from __future__ import annotations

import re

_HEMISPHERES = {"latitude": {"N": 1, "S": -1}, "longitude": {"E": 1, "W": -1}}
_NUMBER = r"\d+(?:[.,]\d+)?"
# Marks after degrees, minutes and seconds; a space or a colon also separates the parts.
_DEGREE = r"(?:°|º|˚|deg|d)?"
_MINUTE = r"(?:'|′|’|‘|´|m|min)?"
_SECOND = r"(?:\"|″|”|“|''|′′|’’|s|sec)?"
_TEXT = re.compile(
    rf"""^\s*(?P<pre>[NSEWnsew])?\s*(?P<sign>[-+−])?\s*
    (?P<deg>{_NUMBER})\s*{_DEGREE}\s*:?\s*
    (?:(?P<min>{_NUMBER})\s*{_MINUTE}\s*:?\s*
       (?:(?P<sec>{_NUMBER})\s*{_SECOND}\s*)?)?
    (?P<post>[NSEWnsew])?\s*$""",
    re.VERBOSE,
)

# How a value was written, for the report of what reading converted.
DECIMAL_COMMA = "decimal commas"
DEGREE_SIGN = "degree signs"
HEMISPHERE = "hemisphere letters"
MINUTES = "degrees and minutes"
DMS = "degrees-minutes-seconds"


def _number(text: str) -> float:
    return float(text.replace(",", "."))


def parse_degrees(text: str, axis: str) -> tuple[float, set[str]] | None:
    """Decimal degrees of ``text`` for ``axis`` ("latitude" or "longitude"), and how it was written;
    ``None`` when it cannot be read as a coordinate of that axis."""
    match = _TEXT.match(text)
    if not match:
        return None
    pre, post = match["pre"], match["post"]
    if pre and post:
        return None
    letter = (pre or post or "").upper()
    signs = _HEMISPHERES[axis]
    if letter and letter not in signs:
        return None  # an "E" in a latitude column: the columns or the value are wrong, not to be guessed
    how = set()
    degrees = _number(match["deg"])
    if match["min"] is not None:
        minutes = _number(match["min"])
        seconds = _number(match["sec"]) if match["sec"] is not None else 0.0
        if (
            not degrees.is_integer()
            or minutes >= 60
            or seconds >= 60
            or (match["sec"] is not None and not minutes.is_integer())
        ):
            return None
        degrees += minutes / 60 + seconds / 3600
        how.add(DMS if match["sec"] is not None else MINUTES)
    elif re.search(r"°|º|˚|deg|d", text):
        how.add(DEGREE_SIGN)
    if "," in text:
        how.add(DECIMAL_COMMA)
    sign = -1.0 if match["sign"] in ("-", "−") else 1.0
    if letter:
        how.add(HEMISPHERE)
        if match["sign"]:
            return None  # "-33 N": two signs that may disagree
        sign = float(signs[letter])
    return sign * degrees, how


__all__ = ["parse_degrees", "DECIMAL_COMMA", "DEGREE_SIGN", "HEMISPHERE", "MINUTES", "DMS"]
