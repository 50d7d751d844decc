"""The export area of the desktop app: point lists declared as places, withheld fields allowed with a reason.

The same rules as ``--places`` and ``--allow-sensitive … --reason``: a village list is refused as
people until declared as places; a withheld field is published only with a reason, which the
project and the export record keep.
"""

from __future__ import annotations

import json

import pytest
from gui_helpers import WAIT_MS, add_files
from test_protection_data import messy_households, messy_personal_values

VILLAGES = (
    "village,lat,lon,families\nKababiyan,34.05,71.60,120\nJalala,34.30,72.00,86\n"
    "Surkhab,30.25,67.00,300\nGamkol,33.60,71.45,64\n"
)


def _export(window, qtbot, layout, path) -> list:
    written, errors_before = [], len(window.errors)
    layout.export_to(path, on_done=written.extend)
    qtbot.waitUntil(lambda: bool(written) or len(window.errors) > errors_before, timeout=WAIT_MS)
    return written


@pytest.mark.timeout(180)
def test_places_and_allow_with_reason_from_the_export_area(window, qtbot, tmp_path):
    villages = tmp_path / "refugee_villages.csv"
    villages.write_text(VILLAGES, encoding="utf-8")
    add_files(window, qtbot, villages)
    layout = window.open_layout()
    panel = layout.protection
    assert list(panel.places) == ["refugee_villages"] and not panel.places["refugee_villages"].isChecked()

    # Taken as people: the export is refused, naming the fix.
    out = tmp_path / "villages.html"
    assert _export(window, qtbot, layout, out) == []
    assert "--places refugee_villages" in window.errors[-1] and not out.exists()

    # Declared as places in the panel: saved in the project, the export runs and records it.
    panel.places["refugee_villages"].setChecked(True)
    assert window.document.project.protection.places == ["refugee_villages"] and window.isWindowModified()
    assert _export(window, qtbot, layout, out)
    record = json.loads((tmp_path / "villages.html.record.json").read_text(encoding="utf-8"))
    assert record["protection"]["declared_places"] == ["refugee_villages"]

    # Withdrawn: people again, refused again.
    panel.places["refugee_villages"].setChecked(False)
    assert window.document.project.protection.places == []
    assert _export(window, qtbot, layout, tmp_path / "again.html") == []
    layout.close()


@pytest.mark.timeout(180)
def test_allowing_a_withheld_field_needs_a_reason(window, qtbot, tmp_path):
    """A messy household list (Urdu and Latin names, phones, CNICs): its points are published only
    when allowed with a reason; every other personal column stays withheld."""
    table = messy_households()
    path = tmp_path / "household_list.csv"
    table.to_csv(path, index=False)
    add_files(window, qtbot, path)
    layout = window.open_layout()
    panel = layout.protection
    items = [panel.field.itemData(i) for i in range(panel.field.count())]
    assert {("household_list", "geometry"), ("household_list", "contact"), ("household_list", "id_no")} <= set(items)
    assert "household_list" not in panel.places  # a list with phones and CNICs is people, whatever is declared
    assert _export(window, qtbot, layout, tmp_path / "refused.html") == []

    panel.field.setCurrentIndex(items.index(("household_list", "geometry")))
    panel.reason.setText("   ")
    panel.allow_button.click()
    assert "needs a reason" in panel.status.text() and window.document.project.protection.allow == []
    reason = "household locations shared with the shelter partner, agreement 2026-11"
    panel.reason.setText(reason)
    panel.allow_button.click()
    allow = window.document.project.protection.allow[0]
    assert (allow.layer, allow.field, allow.reason) == ("household_list", "geometry", reason)
    out = tmp_path / "allowed.html"
    assert _export(window, qtbot, layout, out)
    record = json.loads((tmp_path / "allowed.html.record.json").read_text(encoding="utf-8"))
    assert record["protection"]["allowed"]["household_list"] == {"geometry": reason}
    text = out.read_text(encoding="utf-8")
    coordinates = {f"{v:.6f}".rstrip("0") for v in table["lat"]}  # allowed: the points are published
    leaked = [v for v in messy_personal_values(table) if v not in coordinates and len(v) >= 6 and v in text]
    assert leaked == []
    layout.close()
