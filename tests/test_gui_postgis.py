"""Layer ▸ Add PostGIS layer… against the real test server: the listing, then a database layer
styled, joined, drawn and exported like any file."""

from __future__ import annotations

import json

import pytest
from gui_helpers import WAIT_MS, add_files, dominant_colour, wait_rendered

from pakmap.postgis.layer import PostgisLayer
from pakmap.style import GraduatedStyle

pytestmark = [pytest.mark.gui, pytest.mark.realdata, pytest.mark.timeout(300)]


def _listed(dialog) -> dict[str, list[str]]:
    return {
        dialog.tables.item(r, 0).text(): [
            dialog.tables.item(r, c).text() for c in range(1, dialog.tables.columnCount())
        ]
        for r in range(dialog.tables.rowCount())
    }


def test_add_postgis_layer_then_join_style_export(window, qtbot, pg, tmp_path):
    dialog = window.open_postgis_dialog()
    dialog.server.setText("pakmap")
    dialog.list_tables()
    qtbot.waitUntil(lambda: dialog.tables.rowCount() > 0 or "cannot" in dialog.message.text(), timeout=WAIT_MS)
    rows = _listed(dialog)
    geometry, kind, crs, count = rows["public.districts"]
    assert (geometry, crs, count) == ("geometry", "EPSG:4326", "156")
    assert kind in ("MULTIPOLYGON", "GEOMETRY")
    assert "public.census" not in rows  # a plain table: no geometry column
    dialog.tables.selectRow(list(rows).index("public.districts"))
    assert dialog.chosen_addresses() == ["postgresql:///public.districts?service=pakmap&geometry=geometry"]
    dialog.accept()
    qtbot.waitUntil(lambda: "districts" in [l.name for l in window.document.layers], timeout=WAIT_MS)
    layer = window.document.layer("districts")
    assert isinstance(layer, PostgisLayer) and layer.feature_count == 156
    wait_rendered(window, qtbot)
    assert not layer.loaded  # drawn from the view's rows, not read whole

    # The statistics table from the same database, joined like a CSV.
    add_files(window, qtbot, "postgresql:///public.census?service=pakmap")
    join = window.open_join_dialog()
    join.layer.setCurrentText("districts")
    join.table.setCurrentText("census")
    assert (join.layer_key.currentText(), join.table_key.currentText()) == ("name", "district")
    applied = []
    join.apply(on_done=applied.append)
    qtbot.waitUntil(lambda: bool(applied), timeout=WAIT_MS)
    assert applied[0].matched == 136
    join.close()

    joined = window.document.layer("districts")
    editor = window.open_style_editor(joined)
    editor.kind.setCurrentIndex(editor.kind.findData("graduated"))
    editor.field.setCurrentText("population_2023")
    editor.classes.setValue(5)
    editor.accept()
    assert isinstance(joined.style, GraduatedStyle)
    wait_rendered(window, qtbot)
    assert dominant_colour(window, "districts", "Lahore") == "#0B3754"  # as from the GeoJSON file

    layout = window.open_layout()
    written = []
    png = tmp_path / "population.png"
    layout.export_to(png, on_done=written.extend)
    qtbot.waitUntil(lambda: bool(written or window.last_error), timeout=WAIT_MS)
    assert window.last_error is None
    record = json.loads((tmp_path / "population.png.record.json").read_text())
    assert {s.get("database") for s in record["sources"]} >= {
        "postgresql:///public.districts?service=pakmap&geometry=geometry",
        "postgresql:///public.census?service=pakmap",
    }
    assert pg.officer_password not in json.dumps(record)
    layout.close()

    # Saved, the project names the tables by address and service: no password.
    project = tmp_path / "shared.toml"
    assert window.files.save_as(str(project))
    text = project.read_text()
    assert "postgresql:///public.districts?service=pakmap" in text and pg.officer_password not in text


def test_listing_a_server_that_refuses_is_one_line_in_the_dialog(window, qtbot, pg, monkeypatch):
    monkeypatch.setenv("PGPASSFILE", "/nonexistent/pgpass")
    dialog = window.open_postgis_dialog()
    dialog.server.setText("pakmap")
    dialog.list_tables()
    qtbot.waitUntil(lambda: "refused the login" in dialog.message.text(), timeout=WAIT_MS)
    assert dialog.tables.rowCount() == 0 and dialog.list_button.isEnabled()
    dialog.server.setText(f"postgresql://officer:{pg.officer_password}@127.0.0.1/pakmap/")
    dialog.list_tables()
    assert "holds a password" in dialog.message.text() and pg.officer_password not in dialog.message.text()
    dialog.close()
