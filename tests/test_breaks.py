"""Class bounds as typed in the style dialog and as offered rounded: core rules, no Qt."""

from __future__ import annotations

import re

import pytest

from pakmap.breaks import parse_breaks, round_bounds, typed_number
from pakmap.errors import StyleError
from pakmap.numbers import exact_number_text

BREAKS_TEXT = "500,000\n1 000 000\n2000000\n5,000,000"
BREAKS = [500_000.0, 1_000_000.0, 2_000_000.0, 5_000_000.0]


def test_typed_breaks_are_parsed_with_thousands_separators_and_checked():
    assert parse_breaks(BREAKS_TEXT) == BREAKS
    assert parse_breaks("0.5; 1.25\n\n 10 ") == [0.5, 1.25, 10.0]
    for text, message in [
        ("100\nlots", "break 2 ('lots') is not a number"),
        ("100\nnan", "break 2 ('nan') is not a number"),
        ("100\n50", "break 2 (50) is not above break 1 (100)"),
        ("100\n100", "must increase"),
        ("  \n", "needs at least one upper bound"),
    ]:
        with pytest.raises(StyleError, match=re.escape(message)):
            parse_breaks(text)
    assert [exact_number_text(b) for b in (1_000_000.0, 0.125, 2.5e3)] == ["1,000,000", "0.125", "2,500"]
    assert parse_breaks("\n".join(exact_number_text(b) for b in (0.125, 1234.5, 7e6))) == [0.125, 1234.5, 7e6]
    assert round_bounds([1_234_567.0, 4_567_890.0, 13_004_385.0]) == [1_230_000.0, 4_570_000.0, 13_004_385.0]
    assert round_bounds([1001.0, 1004.0, 2000.0]) == [1001.0, 1004.0, 2000.0]  # rounding would merge two


def test_typed_numbers_take_the_separators_people_paste():
    assert typed_number("1\u00a0000\u202f000") == 1_000_000.0
    assert typed_number(" -9999 ") == -9999.0
    assert typed_number("12_500") == 12_500.0
    assert typed_number("n/a") != typed_number("n/a")  # NaN: not a number
