"""Charts on the print page from the desktop app: added from the layout view, shown in the preview,
undone in one step, and carried by a rename of their layer."""

from __future__ import annotations

import pytest
from gui_helpers import WAIT_MS
from PySide6.QtGui import QColor
from test_gui_style import census_districts  # noqa: F401 - the fixture: districts with the census joined

from pakmap.layout.box import MM_PER_INCH
from pakmap.layout.compose import compose_page
from pakmap.project.model import ChartSpec
from pakmap.style import GraduatedStyle
from pakmap_ui.chart_dialog import ChartDialog
from pakmap_ui.layout_view import DASHBOARD_FORMAT, PREVIEW_DPI

pytestmark = [pytest.mark.gui, pytest.mark.realdata]


def _blue_pixels(image, box) -> int:
    """Pixels of the brand blue of the bars inside ``box`` (mm) of the preview."""
    k = PREVIEW_DPI / MM_PER_INCH
    blue = QColor("#0072BC")
    count = 0
    for x in range(int(box.x * k), int(box.right * k)):
        for y in range(int(box.y * k), int(box.bottom * k)):
            c = image.pixelColor(x, y)
            if abs(c.red() - blue.red()) + abs(c.green() - blue.green()) + abs(c.blue() - blue.blue()) < 30:
                count += 1
    return count


def test_a_chart_added_in_the_layout_view_shows_in_the_preview(window, qtbot, census_districts, tmp_path):  # noqa: F811
    document = window.document
    document.set_style("pak_districts", style=GraduatedStyle(field="population_2023", classes=5))
    layout = window.open_layout()
    qtbot.waitUntil(lambda: layout.preview_image is not None, timeout=WAIT_MS)

    dialog = ChartDialog(document, layout)
    dialog.layer.setCurrentText("pak_districts")
    assert dialog.field.currentText() == "population_2023"  # the mapped field first
    dialog.kind.setCurrentIndex(dialog.kind.findData("by"))
    assert dialog.by.isEnabled() and dialog.by.currentText() == "province"
    assert "literacy_rate" not in [dialog.field.itemText(i) for i in range(dialog.field.count())]  # no totals of rates
    spec = dialog.spec()
    assert spec == ChartSpec("table", "pak_districts", field="population_2023", by="province")
    dialog.reject()

    with qtbot.waitSignal(layout.preview_ready, timeout=WAIT_MS):
        layout.add_chart(ChartSpec("bar", "pak_districts"))
    assert document.project.layout.charts == [ChartSpec("bar", "pak_districts")]
    assert "bar of the mapped field" in layout.charts_label.text()
    page = compose_page(document.loaded)
    largest = document.layer("pak_districts").attributes.nlargest(10, "population_2023")["name"].tolist()
    assert [r.label for r in page.charts["chart_1"].rows] == largest
    assert _blue_pixels(layout.preview_image, page.boxes["chart_1"]) > 200  # the bars, drawn in the preview

    written = []
    layout.format.setCurrentIndex(DASHBOARD_FORMAT)
    layout.export_to(tmp_path / "dashboard.html", on_done=written.append)
    qtbot.waitUntil(lambda: bool(written or window.errors), timeout=WAIT_MS)
    assert window.errors == []
    assert "var pmDashboard = " in (tmp_path / "dashboard.html").read_text(encoding="utf-8")

    document.undo()
    assert document.project.layout.charts == []
    assert layout.charts_label.text() == "none"
    document.redo()
    document.rename_layer("pak_districts", "districts")
    assert document.project.layout.charts == [ChartSpec("bar", "districts")]
    document.remove_layer("districts")
    assert document.project.layout.charts == []
    layout.close()
