"""pakmap.limits: each bound's default, its environment variable, and the checks built on them.

The hostile corpus (tests/test_hostile.py) shows the limits refusing bombs through the command line;
these tests pin the parts a corpus case cannot: a bad variable, the ratio floor that keeps small
well-compressed members (DBFs of blanks) readable, and the page arithmetic.
"""

from __future__ import annotations

import zipfile

import pytest

from pakmap import limits
from pakmap.errors import SourceError
from pakmap.sources.archive import open_checked


def test_default_and_variable(monkeypatch):
    monkeypatch.delenv("PAKMAP_MAX_LABEL_PT", raising=False)
    assert limits.LABEL_SIZE.value() == 144
    monkeypatch.setenv("PAKMAP_MAX_LABEL_PT", "300")
    assert limits.LABEL_SIZE.value() == 300
    limits.LABEL_SIZE.check(250)


@pytest.mark.parametrize("raw", ["lots", "-5", "0", "nan", "inf"])
def test_a_variable_that_is_not_a_positive_number_is_one_line(monkeypatch, raw):
    monkeypatch.setenv("PAKMAP_MAX_LABEL_PT", raw)
    with pytest.raises(limits.LimitError) as err:
        limits.LABEL_SIZE.value()
    assert "PAKMAP_MAX_LABEL_PT" in str(err.value) and "\n" not in str(err.value)


def test_over_the_limit_names_the_variable():
    with pytest.raises(limits.LimitError) as err:
        limits.MARKER_SIZE.check(1e6, path="p.toml", subject="'size' in the style")
    message = str(err.value)
    assert message.startswith("p.toml: 'size' in the style is 1,000,000 mm, over pakmap's limit of 200 mm")
    assert "PAKMAP_MAX_MARKER_MM" in message


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -1, True, "7"])
def test_a_size_must_be_a_finite_number(value):
    with pytest.raises(limits.LimitError, match="is not a size"):
        limits.check_size(limits.LABEL_SIZE, value, "size", "the labels of layer 'districts'")


def test_pages():
    limits.check_page(297, 210, 300)  # A4 at 300 dpi: 8.7 million pixels
    limits.check_page(1189, 841, 300)  # A0 at 300 dpi: 139 million
    with pytest.raises(limits.LimitError, match="PAKMAP_MAX_PAGE_PIXELS"):
        limits.check_page(1189, 841, 600)
    with pytest.raises(limits.LimitError, match="dpi 5 is out of range"):
        limits.check_page(297, 210, 5)
    with pytest.raises(limits.LimitError, match="PAKMAP_MAX_PAGE_MM"):
        limits.check_page(297_000, 210, 30)


def test_small_members_may_compress_well(tmp_path):
    """A DBF of blanks compresses 1,000:1 too; under the 50 MB floor the ratio does not matter."""
    path = tmp_path / "blank.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("blank.dbf", b" " * (40 * 2**20))
    assert open_checked(path) == ["blank.dbf"]


def test_ratio_applies_above_the_floor(tmp_path, monkeypatch):
    path = tmp_path / "blank.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("blank.dbf", b" " * (60 * 2**20))
    with pytest.raises(limits.LimitError, match="compression ratio of blank.dbf"):
        open_checked(path)
    monkeypatch.setenv("PAKMAP_MAX_ZIP_RATIO", "5000")
    assert open_checked(path) == ["blank.dbf"]


def test_truncated_archive_is_named_by_its_kind(tmp_path):
    path = tmp_path / "report.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\0" * 100)
    with pytest.raises(SourceError, match="is not an Excel workbook that can be read"):
        open_checked(path, "Excel workbook")
