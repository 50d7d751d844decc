"""Style dialogs: manual class breaks for choropleths, and raster styles, live on the canvas."""

from __future__ import annotations

import pytest
from gui_helpers import WAIT_MS, add_files, dominant_colour, pixel_at, wait_rendered
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from pakmap.breaks import parse_breaks
from pakmap.palettes import palette
from pakmap.project import JoinSpec, load_project
from pakmap.style import GraduatedStyle, RasterStyle

pytestmark = pytest.mark.gui

BREAKS_TEXT = "500,000\n1 000 000\n2000000\n5,000,000"
BREAKS = [500_000.0, 1_000_000.0, 2_000_000.0, 5_000_000.0]


@pytest.fixture
def census_districts(window, qtbot, shared_data):
    add_files(window, qtbot, shared_data / "pak_districts.geojson", shared_data / "pak_census2023_districts.csv")
    window.document.apply_join(
        JoinSpec(layer="pak_districts", table="pak_census2023_districts", on=[["name", "district"]])
    )
    return window.document.layer("pak_districts")


def _legend(editor) -> list[str]:
    return [editor.preview.item(i).text() for i in range(editor.preview.count())]


@pytest.mark.realdata
def test_manual_breaks_reach_the_map_the_legend_and_the_project_file(window, qtbot, census_districts, tmp_path):
    editor = window.open_style_editor(census_districts)
    editor.kind.setCurrentIndex(editor.kind.findData("graduated"))
    editor.field.setCurrentText("population_2023")
    assert not editor.breaks.isVisibleTo(editor) and editor.classes.isVisibleTo(editor)
    editor.method.setCurrentIndex(editor.method.findData("manual"))
    assert editor.breaks.isVisibleTo(editor) and not editor.classes.isVisibleTo(editor)
    # Switching to manual starts from the natural-breaks classes on the map, rounded for reading.
    started = parse_breaks(editor.breaks.toPlainText())
    assert len(started) == 5 and started[-1] == census_districts.values("population_2023").max()
    assert all(float(f"{b:.3g}") == b for b in started[:-1])
    assert census_districts.style.method == "manual" and census_districts.style.breaks == started

    editor.breaks.setPlainText(BREAKS_TEXT)  # as typed; applied once the officer pauses
    qtbot.waitUntil(lambda: census_districts.style.breaks == BREAKS, timeout=WAIT_MS)
    assert editor.message.text() == ""
    # Four bounds below the largest value: a fifth class above 5,000,000, then the districts without figures.
    largest = int(census_districts.values("population_2023").max())
    assert _legend(editor)[1:] == [
        "500,001 – 1,000,000",
        "1,000,001 – 2,000,000",
        "2,000,001 – 5,000,000",
        f"5,000,001 – {largest:,}",
        "No data",
    ]
    assert _legend(editor)[0].endswith("– 500,000")
    editor.accept()
    wait_rendered(window, qtbot)
    assert dominant_colour(window, "pak_districts", "Lahore") == "#0B3754"  # 13 million: the top class

    project_path = tmp_path / "manual.toml"
    assert window.files.save_as(str(project_path))
    style = load_project(project_path).layer_spec("pak_districts").style
    assert style.method == "manual" and style.breaks == BREAKS
    assert "breaks = [" in project_path.read_text(encoding="utf-8")
    window.files.new()
    opened = []
    window.files.open(str(project_path), on_done=opened.append)
    qtbot.waitUntil(lambda: bool(opened or window.last_error), timeout=WAIT_MS)
    assert window.last_error is None
    reopened = window.document.layer("pak_districts").style
    assert isinstance(reopened, GraduatedStyle) and reopened.method == "manual" and reopened.breaks == BREAKS
    editor = window.open_style_editor(window.document.layer("pak_districts"))
    assert parse_breaks(editor.breaks.toPlainText()) == BREAKS and editor.breaks.isVisibleTo(editor)
    editor.reject()


@pytest.mark.realdata
def test_invalid_breaks_show_a_message_and_leave_the_style_unchanged(window, qtbot, census_districts):
    window.document.set_style("pak_districts", GraduatedStyle(field="population_2023", method="manual", breaks=BREAKS))
    before = census_districts.style
    editor = window.open_style_editor(census_districts)
    legend = _legend(editor)
    for text, message in [
        ("500,000\nlots", "break 2 ('lots') is not a number"),
        ("2,000,000\n1,000,000", "break 2 (1,000,000) is not above break 1 (2,000,000)"),
        ("", "needs at least one upper bound"),
    ]:
        shown = census_districts.style
        editor.breaks.setPlainText(text)
        qtbot.waitUntil(lambda: editor.message.text() != "", timeout=WAIT_MS)
        assert message in editor.message.text() and "\n" not in editor.message.text()
        assert census_districts.style is shown and shown == before and _legend(editor) == legend
        editor.accept()  # OK with a bad bound: the dialog stays open, its message shown
        assert editor.isVisible() and census_districts.style is shown
        editor.breaks.setPlainText(BREAKS_TEXT)
        qtbot.waitUntil(lambda: editor.message.text() == "", timeout=WAIT_MS)
    editor.breaks.setPlainText("1,000,000")
    editor.reject()  # Cancel, with an edit still waiting: the style is the one the dialog opened with
    assert census_districts.style is before


@pytest.mark.realdata
def test_field_kind_and_kept_classes_in_the_style_dialog(window, qtbot, census_districts, tmp_path):
    editor = window.open_style_editor(census_districts)
    editor.kind.setCurrentIndex(editor.kind.findData("graduated"))
    editor.field.setCurrentText("literacy_rate")
    assert editor.field_kind.currentText() == "Automatic: rate (declared in the layer catalog (district_statistics))"
    assert _legend(editor)[:5] == ["0.18 – 0.31", "0.31 – 0.42", "0.42 – 0.54", "0.54 – 0.69", "0.69 – 0.84"]
    # Declared a count (wrongly), every rate is below 5: the legend shows what that would do.
    editor.field_kind.setCurrentIndex(editor.field_kind.findData("count"))
    assert _legend(editor) == ["<5", "No data"]
    editor.field_kind.setCurrentIndex(editor.field_kind.findData("rate"))
    assert _legend(editor)[0] == "0.18 – 0.31"
    editor.keep.setChecked(True)
    assert census_districts.style.breaks == "keep"
    editor.accept()

    project_path = tmp_path / "kept.toml"
    assert window.files.save_as(str(project_path))
    saved = load_project(project_path).layer_spec("pak_districts")
    assert saved.fields == {"literacy_rate": "rate"}
    assert len(saved.style.breaks) == 5 and saved.style.breaks_kept_from.startswith("natural_breaks, 5 classes")
    editor = window.open_style_editor(window.document.layer("pak_districts"))
    assert editor.keep.isChecked() and "kept from natural_breaks" in editor.keep.toolTip()
    editor.field_kind.setCurrentIndex(0)  # automatic again: the catalog's declaration
    assert "literacy_rate" not in window.document.layer("pak_districts").declared_kinds or window.document.layer(
        "pak_districts"
    ).declared_kinds["literacy_rate"].reason.startswith("declared in the layer")
    editor.reject()
    assert window.document.layer("pak_districts").declared_kinds["literacy_rate"].reason == "declared in the project"


# --- rasters -----------------------------------------------------------------------------------


def _gradient_tif(path):
    """0.1° pixels over Pakistan, value = 5 × column (0 at 60°E, 895 at 77.9°E); columns 10–29
    (61–63°E) hold -9999 as "no data" without the file declaring it, as many exported surfaces do."""
    import numpy as np
    import rasterio
    from rasterio.transform import from_origin

    values = np.tile(np.arange(180, dtype="float32") * 5, (150, 1))
    values[:, 10:30] = -9999
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        width=180,
        height=150,
        count=1,
        dtype="float32",
        crs="EPSG:4326",
        transform=from_origin(60, 38, 0.1, 0.1),
    ) as dst:
        dst.write(values, 1)
    return path


def _rgb(colour):
    return colour.red(), colour.green(), colour.blue()


def _close(colour, rgb, tol=6) -> bool:
    return all(abs(a - b) <= tol for a, b in zip(_rgb(colour), rgb))


STRIP, MIDDLE = (62.05, 30.05), (70.05, 30.05)  # in the -9999 columns; on column 100 (value 500)


def test_raster_style_dialog_changes_the_canvas_and_is_saved(window, qtbot, tmp_path):
    from gui_helpers import pixel_at

    from pakmap.render.raster import ramp_lut
    from pakmap_ui.raster_style_editor import RasterStyleEditor

    add_files(window, qtbot, _gradient_tif(tmp_path / "surface.tif"))
    layer = window.document.layer("surface")
    wait_rendered(window, qtbot)
    # Undeclared -9999 is data to the renderer: the bottom of the automatic stretch, drawn lightest.
    assert _close(pixel_at(window, *STRIP), tuple(ramp_lut("unhcr_blue")[0]))

    editor = window.open_style_editor(layer)
    assert isinstance(editor, RasterStyleEditor) and editor.file_nodata.text() == "none declared"
    qtbot.keyClicks(editor.nodata, "-9999")  # applied once the typing pauses
    qtbot.waitUntil(lambda: layer.style.nodata == -9999, timeout=WAIT_MS)
    wait_rendered(window, qtbot)
    assert _rgb(pixel_at(window, *STRIP)) == (255, 255, 255)  # transparent over the white map background

    editor.palette.setCurrentIndex(editor.palette.findData("unhcr_green"))
    for box, text in ((editor.vmin, "0"), (editor.vmax, "1,000")):
        box.setFocus()
        qtbot.keyClicks(box, text)
        qtbot.keyClick(box, Qt.Key.Key_Return)  # Enter applies at once
    assert (layer.style.palette, layer.style.vmin, layer.style.vmax) == ("unhcr_green", 0, 1000)
    assert editor.ramp_label.text() == "0 – 1,000" and editor.message.text() == ""
    wait_rendered(window, qtbot)
    green = tuple(int(c) for c in ramp_lut("unhcr_green")[128])  # 500 of 0–1,000: the middle of the ramp
    assert _close(pixel_at(window, *MIDDLE), green)

    editor.opacity.setValue(50)
    assert layer.style.opacity == 0.5
    wait_rendered(window, qtbot)
    assert _close(pixel_at(window, *MIDDLE), tuple(round((c + 255) / 2) for c in green))
    editor.accept()

    project_path = tmp_path / "surface.toml"
    assert window.files.save_as(str(project_path))
    saved = load_project(project_path).layer_spec("surface").style
    assert saved == RasterStyle(band=1, palette="unhcr_green", vmin=0, vmax=1000, opacity=0.5, nodata=-9999)
    window.files.new()
    opened = []
    window.files.open(str(project_path), on_done=opened.append)
    qtbot.waitUntil(lambda: bool(opened or window.last_error), timeout=WAIT_MS)
    assert window.last_error is None
    reopened = window.open_style_editor(window.document.layer("surface"))
    assert (reopened.nodata.text(), reopened.vmax.text(), reopened.opacity.value()) == ("-9,999", "1,000", 50)
    reopened.reject()


def test_raster_style_bad_values_are_explained_and_cancel_restores(window, qtbot, tmp_path):
    from pakmap_ui.raster_style_editor import RasterStyleEditor, parse_value

    add_files(window, qtbot, _gradient_tif(tmp_path / "surface.tif"))
    layer = window.document.layer("surface")
    original = layer.style
    # Reachable as for vector layers: the layers panel's right-click menu (and a double-click).
    panel = window.layers_panel
    menu = panel.context_menu(panel.model.index(panel.model.row_of("surface")))
    style_action = next(a for a in menu.actions() if a.text() == "Style…")
    style_action.trigger()
    editor = window.findChildren(RasterStyleEditor)[-1]
    assert editor.isVisible() and editor.layer is layer

    for box, text, message in (
        (editor.vmin, "low", "the minimum ('low') is not a number"),
        (editor.vmin, "2,000", "the minimum (2,000) is not below the maximum (1,000)"),
        (editor.nodata, "n/a", "the no-data value ('n/a') is not a number"),
    ):
        editor.vmax.setText("1,000")
        box.setText(text)
        editor.apply()
        assert message in editor.message.text() and "\n" not in editor.message.text()
        assert layer.style is original
        editor.accept()  # OK is refused while a value cannot be drawn
        assert editor.isVisible()
        box.clear()
    editor.vmax.clear()
    assert editor.apply() and editor.message.text() == ""

    # "From data": the stretch of the whole raster, once -9999 is no data (2nd / 98th percentile, 3 figures).
    editor.nodata.setText("-9999")
    assert editor.fill_from_data()
    import numpy as np

    valid = np.r_[np.arange(10), np.arange(30, 180)] * 5.0
    low, high = np.percentile(valid, [2, 98])
    assert layer.style.vmin == pytest.approx(low, abs=10) and layer.style.vmax == pytest.approx(high, abs=10)
    assert all(float(f"{v:.3g}") == v for v in (layer.style.vmin, layer.style.vmax))
    assert [parse_value(b.text(), "limit") for b in (editor.vmin, editor.vmax)] == [layer.style.vmin, layer.style.vmax]
    editor.reject()
    assert layer.style is original


@pytest.mark.realdata
def test_label_settings_the_dialog_does_not_show_are_kept(window, qtbot, census_districts):
    from pakmap.style import LabelStyle

    census_districts.update(
        labels=LabelStyle(
            field="name",
            color="#123456",
            halo_color="#EEEEEE",
            halo_width=0.8,
            priority="population_2023",
            placement="horizontal",
        )
    )
    editor = window.open_style_editor(census_districts)
    editor.label_size.setValue(9)
    editor.accept()
    labels = census_districts.labels
    assert (
        labels.field,
        labels.size,
        labels.color,
        labels.halo_color,
        labels.halo_width,
        labels.priority,
        labels.placement,
    ) == ("name", 9, "#123456", "#EEEEEE", 0.8, "population_2023", "horizontal")

    census_districts.update(labels=LabelStyle(expression="{name}\n{population_2023:,.0f}"))
    editor = window.open_style_editor(census_districts)
    editor.label_bold.setChecked(True)
    editor.accept()
    labels = census_districts.labels
    assert labels.field is None and labels.expression == "{name}\n{population_2023:,.0f}" and labels.bold


def test_a_raster_layers_icon_shows_its_colour_ramp(tmp_path):
    from pakmap.layer import RasterLayer
    from pakmap.palettes import palette
    from pakmap.style import RasterStyle
    from pakmap_ui.icons import SWATCH_SIZE
    from pakmap_ui.layers_panel import layer_icon

    def icon_colours(style):
        layer = RasterLayer(
            "population", tmp_path / "population.tif", None, (0, 0, 1, 1), 1, 1, 1, None, "float32", style=style
        )
        image = layer_icon(layer).pixmap(*SWATCH_SIZE).toImage()
        middle = SWATCH_SIZE[1] // 2
        return image.pixelColor(2, middle).name().upper(), image.pixelColor(SWATCH_SIZE[0] - 3, middle).name().upper()

    ramp = palette("unhcr_blue").ramp(13)
    light, dark = icon_colours(RasterStyle(palette="unhcr_blue"))
    # Light to dark, left to right, as the legend's ramp.
    assert _close(QColor(light), _rgb(QColor(ramp[0])), tol=24) and _close(QColor(dark), _rgb(QColor(ramp[-1])), tol=24)
    assert icon_colours(RasterStyle(palette="no such palette")) == ("#8EBEFF", "#8EBEFF")


def _rows(editor) -> dict[str, object]:
    """The symbology rows shown, by their label: what the officer reads beside each control."""
    from PySide6.QtWidgets import QFormLayout

    form, shown = editor._form, {}
    for row in range(form.rowCount()):
        label = form.itemAt(row, QFormLayout.ItemRole.LabelRole).widget()
        if label.isVisibleTo(editor):
            shown[label.text()] = form.itemAt(row, QFormLayout.ItemRole.FieldRole).widget()
    return shown


@pytest.mark.realdata
def test_symbol_rows_fit_the_geometry_and_change_the_layer_in_one_undo_step(window, qtbot, shared_data, admin_gpkg):
    add_files(window, qtbot, shared_data / "pak_districts.geojson", shared_data / "pak_admin_centres.csv")
    add_files(window, qtbot, admin_gpkg, sublayer="line_of_control")
    districts, centres, loc = (
        window.document.layer(n) for n in ("pak_districts", "pak_admin_centres", "line_of_control")
    )

    editor = window.open_style_editor(districts)
    rows = _rows(editor)
    assert {"Fill colour", "Opacity", "Fill transparency", "Outline colour", "Outline width", "Outline style"} <= set(
        rows
    )
    assert not {"Size", "Marker", "Marker size", "Line width"} & set(rows)  # no marker size for polygons
    assert rows["Outline width"].suffix() == " mm"
    editor.stroke_width.setValue(0.8)
    editor.opacity.setValue(40)
    editor.line_style.setCurrentIndex(editor.line_style.findData("dash"))
    editor.no_fill.setChecked(True)
    symbol = districts.style.symbol
    assert (symbol.stroke_width, symbol.opacity, symbol.line_style, symbol.fill) == (0.8, 0.4, "dash", "none")
    assert not editor.fill.isEnabled() and editor.opacity_text.text() == "40 %"
    editor.accept()
    window.actions_by_name["undo"].trigger()  # the dialog's changes are one step
    assert districts.style.symbol.stroke_width == 0.2 and districts.style.symbol.opacity == 1.0
    assert districts.style.symbol.fill == palette("unhcr_layers").colors[0]
    window.actions_by_name["redo"].trigger()
    assert districts.style.symbol.fill == "none"

    editor = window.open_style_editor(centres)
    rows = _rows(editor)
    assert {"Fill colour", "Marker size", "Outline colour", "Outline width"} <= set(rows)
    assert "Outline style" not in rows and rows["Marker size"].suffix() == " mm"
    editor.size.setValue(4.5)
    editor.marker.setCurrentIndex(editor.marker.findData("square"))
    assert (centres.style.symbol.size, centres.style.symbol.marker) == (4.5, "square") and "Marker" in rows
    editor.kind.setCurrentIndex(editor.kind.findData("proportional"))
    rows = _rows(editor)
    assert {"Circle colour", "Largest circle", "Values"} <= set(rows) and "Marker size" not in rows
    editor.reject()

    editor = window.open_style_editor(loc)
    rows = _rows(editor)
    assert {"Line colour", "Line width", "Line style", "Opacity"} <= set(rows)
    assert not {"Outline colour", "Marker size", "Fill colour", "Fill transparency"} & set(rows)
    assert not editor.no_fill.isVisibleTo(editor)
    editor.line_style.setCurrentIndex(editor.line_style.findData("dot"))
    editor.stroke_width.setValue(0.6)
    assert (loc.style.symbol.line_style, loc.style.symbol.stroke_width) == ("dot", 0.6)
    editor.accept()


@pytest.mark.realdata
def test_histogram_shows_the_values_and_the_class_bounds_rounded_or_exact(window, qtbot, census_districts):
    editor = window.open_style_editor(census_districts)
    assert "Values" not in _rows(editor)
    editor.kind.setCurrentIndex(editor.kind.findData("graduated"))
    editor.field.setCurrentText("population_2023")
    assert "Values" in _rows(editor) and "Round" in _rows(editor)
    values = census_districts.values("population_2023").dropna()
    assert int(editor.histogram.counts.sum()) == len(values)
    assert editor.histogram.edges[0] == values.min() and editor.histogram.edges[-1] == values.max()
    assert census_districts.style.round_bounds and editor.round.isChecked()
    rounded = editor.histogram.drawn_bounds()
    assert len(rounded) == 4 and all(float(f"{b:.3g}") == b for b in rounded)
    histogram = editor.histogram  # painted: a dark line at each bound, light bars where the values are
    histogram.resize(400, 120)
    image, plot = histogram.grab().toImage(), histogram.plot_rect()
    for bound in rounded:
        x = int(histogram.x_of(bound, plot))
        assert any(image.pixelColor(x + dx, int(plot.top()) + 2).name().upper() == "#18375F" for dx in (-1, 0, 1))
    # Bars in their class's colour: the smallest values in the lightest, the largest in the darkest.
    first, last = 0, len(histogram.counts) - 1
    assert histogram.counts[first] and histogram.counts[last]
    for bar, colour in ((first, palette("unhcr_blue").ramp(5)[0]), (last, palette("unhcr_blue").ramp(5)[-1])):
        x = int(plot.left() + (bar + 0.4) * plot.width() / len(histogram.counts))
        assert image.pixelColor(x, int(plot.bottom()) - 1).name().upper() == colour
    # The legend rows end at the bounds drawn on the histogram.
    assert [int(label.split("– ")[1].replace(",", "")) for label in _legend(editor)[:4]] == list(rounded)

    editor.round.setChecked(False)  # the exact bounds, on request
    assert census_districts.style.round_bounds is False
    exact = editor.histogram.drawn_bounds()
    assert exact != rounded and not all(float(f"{b:.2g}") == b for b in exact)
    assert [int(label.split("– ")[1].replace(",", "")) for label in _legend(editor)[:4]] == [int(b) for b in exact]
    editor.method.setCurrentIndex(editor.method.findData("manual"))
    assert "Round" not in _rows(editor)  # typed bounds are used as typed
    editor.method.setCurrentIndex(editor.method.findData("natural_breaks"))
    window.actions_by_name["undo"].trigger()
    assert census_districts.style.kind == "single" and "Values" not in _rows(editor)
    window.actions_by_name["redo"].trigger()
    assert editor.round.isChecked() is False and editor.histogram.drawn_bounds() == exact
    editor.accept()


@pytest.mark.realdata
def test_a_second_label_line_makes_the_map_bilingual_and_is_one_undo_step(window, qtbot, shared_data):
    """The real admin centres' Urdu names under their English ones, chosen in the dialog."""
    from pakmap.style import two_line_fields

    add_files(window, qtbot, shared_data / "pak_admin_centres.csv")
    centres = window.document.layers[-1]
    editor = window.open_style_editor(centres)
    editor.labels_on.setChecked(True)
    editor.label_field.setCurrentText("name")
    editor.label_second.setCurrentIndex(editor.label_second.findData("name_local"))
    editor.accept()
    labels = centres.labels
    assert labels.field is None and labels.expression == "{name}\n{name_local}"
    # The dialog reopens on the same two fields; taking the second line away makes it a field again.
    editor = window.open_style_editor(centres)
    assert editor.label_field.currentText() == "name" and editor.label_second.currentData() == "name_local"
    editor.label_second.setCurrentIndex(0)
    editor.accept()
    assert centres.labels.field == "name" and centres.labels.expression is None
    window.document.undo()
    assert two_line_fields(centres.labels) == ("name", "name_local")


def _square(path, name: str, half: float) -> None:
    """A GeoJSON square of side ``2 * half`` degrees centred on 70° E, 30° N."""
    import json

    ring = [[70 - half, 30 - half], [70 + half, 30 - half], [70 + half, 30 + half], [70 - half, 30 + half]]
    feature = {
        "type": "Feature",
        "properties": {"name": name},
        "geometry": {"type": "Polygon", "coordinates": [ring + ring[:1]]},
    }
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}), encoding="utf-8")


def test_fill_transparency_fades_the_fill_not_the_outline_and_is_one_undo_step(window, qtbot, tmp_path):
    from pakmap.style import SingleSymbolStyle, Symbol

    _square(tmp_path / "under.geojson", "under", 4.0)
    _square(tmp_path / "over.geojson", "over", 2.0)
    add_files(window, qtbot, tmp_path / "under.geojson", tmp_path / "over.geojson")
    window.document.set_style("under", SingleSymbolStyle(Symbol(fill="#FF0000", stroke="#FF0000")))
    window.document.set_style("over", SingleSymbolStyle(Symbol(fill="#0000FF", stroke="#000000", stroke_width=2.0)))
    over = window.document.layer("over")
    window.canvas.set_extent((65.0, 25.0, 75.0, 35.0))
    wait_rendered(window, qtbot)

    def inside():  # the middle of the square: its fill over the red square beneath
        return pixel_at(window, 70.0, 30.0).getRgb()[:3]

    def outline():  # the middle of the square's left edge: its 2 mm outline
        return pixel_at(window, 68.0, 30.0).getRgb()[:3]

    assert inside() == (0, 0, 255) and outline() == (0, 0, 0)

    editor = window.open_style_editor(over)
    rows = _rows(editor)
    assert "Fill transparency" in rows and editor.fill_transparency_text.text() == "0 %"
    editor.fill_transparency.setValue(40)
    assert over.style.symbol.fill_opacity == 0.6 and over.style.symbol.opacity == 1.0
    assert editor.fill_transparency_text.text() == "40 %"
    editor.accept()
    wait_rendered(window, qtbot)
    red, green, blue = inside()  # 60 % blue over 40 % red
    assert abs(red - 102) <= 2 and green == 0 and abs(blue - 153) <= 2
    assert outline() == (0, 0, 0)  # the outline stays opaque

    project_path = tmp_path / "faded.toml"
    assert window.files.save_as(str(project_path))
    assert "fill_opacity = 0.6" in project_path.read_text(encoding="utf-8")
    assert load_project(project_path).layer_spec("over").style.symbol.fill_opacity == 0.6

    window.actions_by_name["undo"].trigger()
    assert over.style.symbol.fill_opacity == 1.0
    wait_rendered(window, qtbot)
    assert inside() == (0, 0, 255)
