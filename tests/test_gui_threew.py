"""Products ▸ Who does what where… in the real window: the dialog prefilled from the map's layers (the
partners' table and the boundaries), the product made in the background, kept in the project."""

from __future__ import annotations

import pytest
from activity_data import write_activity_workbook
from gui_helpers import WAIT_MS, add_files
from test_gui_interop import _menu_action

from pakmap.project import load_project, save_project
from pakmap_ui.product_dialogs import ThreeWDialog

pytestmark = [pytest.mark.gui, pytest.mark.realdata]


def test_3w_from_the_products_menu(window, qtbot, districts_path, tmp_path):
    workbook = write_activity_workbook(tmp_path / "activities.xlsx")
    add_files(window, qtbot, districts_path, workbook)
    _menu_action(window, "Products", "Who does what where…").trigger()
    dialog = next(d for d in window.findChildren(ThreeWDialog))
    assert (dialog.input.text(), dialog.by.text()) == (str(workbook), str(districts_path))
    assert dialog.output.text() == str(tmp_path / "activities_3w.pdf")
    # A people-reached column the table does not have: one line in the window, the dialog stays open.
    dialog.value.setText("Reached")
    dialog.output.setText(f"{tmp_path / '3w.pdf'}; {tmp_path / '3w.xlsx'}")
    errors = len(window.errors)
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: len(window.errors) > errors, timeout=WAIT_MS)
    assert "no column 'Reached'" in window.last_error and dialog.isVisible()
    dialog.value.setText("People reached")
    dialog.statuses.setText("Ongoing; Completed")
    dialog.keep.setChecked(True)
    with qtbot.waitSignal(dialog.written, timeout=WAIT_MS) as written:
        dialog.ok_button.click()
    assert [p.name for p in written.args[0]] == ["3w.pdf", "3w.pdf.record.json", "3w.xlsx", "3w.xlsx.record.json"]
    assert "3w.pdf" in window.statusBar().currentMessage()
    saved = save_project(window.document.project, tmp_path / "monthly.toml")
    product = load_project(saved).products[0]
    assert (product.kind, product.input, product.value, product.statuses) == (
        "3w",
        "activities.xlsx",
        "People reached",
        ["Ongoing", "Completed"],
    )
    assert product.outputs == ["3w.pdf", "3w.xlsx"]
