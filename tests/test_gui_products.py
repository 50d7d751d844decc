"""Products ▸ Data-quality report… and Products ▸ Exposure to a hazard… in the real window: the
dialogs prefilled from the map's layers, the product made in the background, kept in the project."""

from __future__ import annotations

import pytest
from gui_helpers import WAIT_MS, add_files
from product_data import write_flood_raster, write_site_list, write_villages
from test_gui_interop import _menu_action

from pakmap.project import load_project, save_project
from pakmap_ui.product_dialogs import ExposureDialog, QualityDialog

pytestmark = [pytest.mark.gui, pytest.mark.realdata]


def test_quality_report_from_the_products_menu(window, qtbot, shared_data, tmp_path):
    sites = tmp_path / "sites.csv"
    write_site_list(shared_data, sites)
    sindh = shared_data / "sindh_cod_adm2_pcodes.geojson"
    add_files(window, qtbot, sindh, sites)
    _menu_action(window, "Products", "Data-quality report…").trigger()
    dialog = next(d for d in window.findChildren(QualityDialog))
    # Prefilled from the map: the point layer is checked against the boundaries.
    assert dialog.input.text() == str(sites) and dialog.against.text() == str(sindh)
    assert dialog.output.text() == str(tmp_path / "sites_quality.pdf")
    dialog.places.setChecked(True)
    dialog.keep.setChecked(True)
    dialog.output.setText(f"{tmp_path / 'q.pdf'}; {tmp_path / 'q.html'}")
    with qtbot.waitSignal(dialog.written, timeout=WAIT_MS) as written:
        dialog.ok_button.click()
    assert [p.name for p in written.args[0]] == ["q.pdf", "q.pdf.record.json", "q.html", "q.html.record.json"]
    assert "km north of Hyderabad" in (tmp_path / "q.html").read_text(encoding="utf-8")
    assert "q.pdf" in window.statusBar().currentMessage()
    # Kept in the project: saved relative to it, and read back as the same product.
    saved = save_project(window.document.project, tmp_path / "monthly.toml")
    product = load_project(saved).products[0]
    assert (product.kind, product.input, product.outputs) == ("quality", "sites.csv", ["q.pdf", "q.html"])


def test_exposure_from_the_products_menu_and_its_error(window, qtbot, shared_data, tmp_path):
    flood, villages = tmp_path / "flood.tif", tmp_path / "villages.gpkg"
    write_flood_raster(flood, 1000)
    write_villages(shared_data, villages, per_district=6)
    sindh = shared_data / "sindh_cod_adm2_pcodes.geojson"
    add_files(window, qtbot, sindh, flood, villages)
    _menu_action(window, "Products", "Exposure to a hazard…").trigger()
    dialog = next(d for d in window.findChildren(ExposureDialog))
    assert (dialog.hazard.text(), dialog.people.text(), dialog.by.text()) == (str(flood), str(villages), str(sindh))
    # A field the villages do not have: one line in the window, the dialog stays open to fix it.
    dialog.value.setText("pop")
    dialog.output.setText(str(tmp_path / "exposure.csv"))
    errors = len(window.errors)
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: len(window.errors) > errors, timeout=WAIT_MS)
    assert "no field 'pop'" in window.last_error and dialog.isVisible() and dialog.ok_button.isEnabled()
    dialog.value.setText("population")
    with qtbot.waitSignal(dialog.written, timeout=WAIT_MS):
        dialog.ok_button.click()
    header = (tmp_path / "exposure.csv").read_text(encoding="utf-8").splitlines()[0]
    assert "people_exposed_pct" in header and "ADM2_PCODE" in header
