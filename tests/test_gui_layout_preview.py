"""The print layout's preview: the page the PDF prints (the Jammu and Kashmir note whole), following
typing without Enter, with the keystrokes of one box as one undo step."""

from __future__ import annotations

import subprocess

import numpy as np
import pytest
from gui_helpers import WAIT_MS
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from test_gui_interop import census_districts  # noqa: F401 - the fixture, shared

pytestmark = [pytest.mark.gui, pytest.mark.realdata]


@pytest.fixture
def census_map(window, census_districts):
    """The window with the census joined to the districts and mapped (``test_gui_interop``'s fixture)."""
    return window


def _rgb(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine() // 4, 4)
    return rows[:, : image.width(), :3].astype(int)


def _wait_preview(layout, qtbot) -> QImage:
    qtbot.waitUntil(lambda: layout.preview_image is not None and not layout._timer.isActive(), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not layout.tasks.running, timeout=WAIT_MS)
    return layout.preview_image


def test_the_preview_is_the_pdf_page(census_map, qtbot, tmp_path):
    window = census_map
    layout = window.open_layout()
    layout.set_field("title", "Pakistan: population by district")
    layout.set_field("sources", "Boundaries: © OpenStreetMap contributors; Statistics: PBS Census 2023")
    preview = _wait_preview(layout, qtbot)
    written = []
    pdf = tmp_path / "page.pdf"
    layout.export_to(pdf, on_done=written.extend)
    qtbot.waitUntil(lambda: bool(written or window.last_error), timeout=WAIT_MS)
    assert window.last_error is None
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "has not yet been agreed upon by the parties." in text  # the Kashmir note, whole
    subprocess.run(["pdftoppm", "-r", "60", "-png", "-singlefile", str(pdf), str(tmp_path / "page")], check=True)
    printed = _rgb(QImage(str(tmp_path / "page.png")))
    shown = _rgb(preview)
    assert shown.shape == printed.shape  # A4 landscape at 60 dpi: 702 × 496
    differ = np.abs(shown - printed).max(axis=2) > 64
    # Two rasterizers (Qt's and poppler's) disagree on anti-aliased edges only; a text laid out
    # otherwise (a truncated note, another line break) moves whole words. The notes are the page's
    # bottom 12 %.
    assert differ.mean() < 0.015
    assert differ[int(0.88 * len(differ)) :].mean() < 0.015
    layout.close()


def test_the_preview_follows_typing_and_typing_is_one_undo_step(census_map, qtbot):
    window = census_map
    layout = window.open_layout()
    _wait_preview(layout, qtbot)
    document = window.document
    steps = len(document.history.commands)
    box = layout.edits["subtitle"]
    box.setFocus()
    qtbot.keyClicks(box, "Census 2023")  # no Enter
    qtbot.waitUntil(lambda: document.project.layout.subtitle == "Census 2023", timeout=WAIT_MS)
    assert len(document.history.commands) == steps + 1  # eleven keystrokes, one step
    before = layout.preview_image
    qtbot.waitUntil(lambda: layout.preview_image is not before, timeout=WAIT_MS)  # the page follows
    qtbot.keyClick(box, Qt.Key.Key_Return)  # the end of this stretch of typing
    qtbot.keyClicks(box, ", by district")
    qtbot.waitUntil(lambda: document.project.layout.subtitle == "Census 2023, by district", timeout=WAIT_MS)
    assert len(document.history.commands) == steps + 2
    window.actions_by_name["undo"].trigger()
    assert document.project.layout.subtitle == "Census 2023" and box.text() == "Census 2023"
    window.actions_by_name["undo"].trigger()
    assert document.project.layout.subtitle == "" and box.text() == ""
    layout.close()
    qtbot.waitUntil(lambda: not window.tasks.running, timeout=WAIT_MS)


def test_the_preview_shows_the_insets_the_pdf_prints_and_the_box_sets_them(census_map, qtbot, tmp_path):
    from pakmap.layout.compose import compose_page
    from pakmap.style import LabelStyle

    window = census_map
    window.document.set_style("pak_districts", labels=LabelStyle(field="name"))
    layout = window.open_layout()
    assert layout.insets.currentText() == "Automatic (up to 2)"
    preview = _wait_preview(layout, qtbot)
    page = compose_page(window.document.loaded)
    assert [i.letter for i in page.insets] == ["A", "B"]
    written = []
    pdf = tmp_path / "page.pdf"
    layout.export_to(pdf, on_done=written.extend)
    qtbot.waitUntil(lambda: bool(written or window.last_error), timeout=WAIT_MS)
    assert window.last_error is None
    subprocess.run(["pdftoppm", "-r", "60", "-png", "-singlefile", str(pdf), str(tmp_path / "page")], check=True)
    printed, shown = _rgb(QImage(str(tmp_path / "page.png"))), _rgb(preview)
    assert shown.shape == printed.shape
    for inset in page.insets:
        x, y, w, h = (round(v) for v in inset.box.to_px(60))
        region = (slice(y + 2, y + h - 2), slice(x + 2, x + w - 2))  # inside the frame's line
        assert (shown[region] < 200).any()  # a map, not a blank box
        assert (np.abs(shown[region] - printed[region]).max(axis=2) > 64).mean() < 0.03

    layout.insets.setCurrentIndex(layout.insets.findText("None"))
    assert window.document.project.layout.inset is False
    qtbot.waitUntil(lambda: layout.preview_image is not preview, timeout=WAIT_MS)
    plain = _wait_preview(layout, qtbot)
    x, y, w, h = (round(v) for v in page.insets[-1].box.to_px(60))
    assert (_rgb(plain)[y + 2 : y + h - 2, x + 2 : x + w - 2] >= 250).all()  # the corner is empty again
    window.actions_by_name["undo"].trigger()
    assert window.document.project.layout.inset is True and layout.insets.currentText() == "Automatic (up to 2)"
    layout.close()
