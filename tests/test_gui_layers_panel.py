"""The layers panel: a legend of classes under each styled layer, icons that show the real symbol,
a distinct colour for each new layer, and hidden layers left out of the print legend."""

from __future__ import annotations

import geopandas as gpd
import pytest
from gui_helpers import add_files, dominant_colour, wait_rendered
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from shapely.geometry import LineString, Point, box
from test_gui_style import census_districts  # noqa: F401 - the fixture: districts with the census joined

from pakmap.layer import VectorLayer
from pakmap.layout.legend import legend_groups
from pakmap.palettes import palette
from pakmap.style import CategorizedStyle, GraduatedStyle, ProportionalStyle, SingleSymbolStyle, Symbol
from pakmap_ui.icons import SWATCH_SIZE
from pakmap_ui.layers_panel import layer_icon

pytestmark = pytest.mark.gui


def _classes(panel, name):
    """The class rows under a layer in the panel: (label, is shown)."""
    model = panel.model
    parent = model.index(model.row_of(name))
    labels = [model.data(model.index(i, 0, parent), Qt.ItemDataRole.DisplayRole) for i in range(model.rowCount(parent))]
    return labels, panel.view.isExpanded(parent)


def _print_legend(document, title):
    return [
        [r.label for r in g.rows] for g in legend_groups(document.loaded, document.loaded.extent()) if g.title == title
    ]


@pytest.mark.realdata
def test_each_styled_layer_lists_its_classes_as_the_print_legend_does(window, qtbot, census_districts):
    document, panel = window.document, window.layers_panel
    assert _classes(panel, "pak_districts") == ([], False)  # one symbol: the icon says it all
    document.set_style("pak_districts", GraduatedStyle(field="population_2023", classes=5))
    labels, shown = _classes(panel, "pak_districts")
    assert shown and len(labels) == 6 and labels[-1] == "No data"
    assert [labels] == _print_legend(document, "Population 2023")

    # Each class row's swatch is its class colour, as on the map.
    model = panel.model
    parent = model.index(model.row_of("pak_districts"))
    top = model.data(model.index(4, 0, parent), Qt.ItemDataRole.DecorationRole).pixmap(*SWATCH_SIZE).toImage()
    assert top.pixelColor(SWATCH_SIZE[0] // 2, SWATCH_SIZE[1] // 2).name().upper() == "#0B3754"

    document.set_style("pak_districts", CategorizedStyle(field="province"))
    labels, shown = _classes(panel, "pak_districts")
    provinces = sorted(census_districts.data["province"].dropna().unique())
    assert shown and labels[: len(provinces)] == provinces
    assert [labels] == _print_legend(document, "Province")

    # Folded by the officer: it stays folded when the style changes again.
    panel.view.collapse(parent)
    document.set_style("pak_districts", ProportionalStyle(field="population_2023"))
    labels, shown = _classes(panel, "pak_districts")
    assert not shown and [labels] == _print_legend(document, "Population 2023") and "10,000,000" in labels

    def inked(row):  # how wide the circle is across the middle of its swatch
        icon = model.data(model.index(row, 0, parent), Qt.ItemDataRole.DecorationRole)
        return sum(c.alpha() > 100 for c in _colours_along(icon.pixmap(*SWATCH_SIZE).toImage(), SWATCH_SIZE[1] // 2))

    widths = [inked(row) for row in range(len(labels))]
    assert widths == sorted(widths, reverse=True) and widths[0] > 2 * widths[-1]  # area-true sizes, largest first

    window.actions_by_name["undo"].trigger()
    window.actions_by_name["undo"].trigger()
    assert _classes(panel, "pak_districts")[0][-1] == "No data"  # the graduated classes again
    window.actions_by_name["undo"].trigger()
    assert _classes(panel, "pak_districts")[0] == []


def _icon(layer):
    return layer_icon(layer).pixmap(*SWATCH_SIZE).toImage()


def _colours_along(image, y):
    return [image.pixelColor(x, y) for x in range(image.width())]


def test_layer_icons_show_the_real_symbol():
    polygons = gpd.GeoDataFrame(geometry=[box(0, 0, 1, 1)], crs=4326)
    outline = VectorLayer(
        "provinces", polygons, style=SingleSymbolStyle(Symbol(fill="none", stroke="#EF4A60", stroke_width=0.5))
    )
    image = _icon(outline)
    middle = image.pixelColor(SWATCH_SIZE[0] // 2, SWATCH_SIZE[1] // 2)
    assert middle.alpha() == 0  # an outline layer: nothing inside
    edge = _colours_along(image, SWATCH_SIZE[1] // 2)
    assert any(c.alpha() > 200 and c.red() > 200 and c.green() < 120 for c in edge)  # the red outline at the sides

    filled = VectorLayer("districts", polygons, style=SingleSymbolStyle(Symbol(fill="#0072BC")))
    assert _icon(filled).pixelColor(SWATCH_SIZE[0] // 2, SWATCH_SIZE[1] // 2).name().upper() == "#0072BC"

    lines = gpd.GeoDataFrame(geometry=[LineString([(0, 0), (1, 1)])], crs=4326)

    def runs(line_style):
        """How often the line's colour starts again along its row: 1 for a solid line."""
        layer = VectorLayer(
            "loc", lines, style=SingleSymbolStyle(Symbol(fill="#18375F", stroke_width=0.4, line_style=line_style))
        )
        inked = [c.alpha() > 100 for c in _colours_along(_icon(layer), SWATCH_SIZE[1] // 2)]
        return sum(1 for a, b in zip([False, *inked], inked) if b and not a)

    assert runs("solid") == 1 and runs("dash") >= 2 and runs("dot") >= 3 and runs("dot") > runs("dash")

    points = gpd.GeoDataFrame(geometry=[Point(0, 0)], crs=4326)

    def marker_icon(marker):
        symbol = Symbol(fill="#EF4A60", marker=marker, stroke="#FFFFFF")
        return _icon(VectorLayer("sites", points, style=SingleSymbolStyle(symbol)))

    square, circle, triangle = marker_icon("square"), marker_icon("circle"), marker_icon("triangle")
    centre = (SWATCH_SIZE[0] // 2, SWATCH_SIZE[1] // 2)
    assert all(i.pixelColor(*centre).name().upper() == "#EF4A60" for i in (square, circle, triangle))
    corner = (centre[0] - 6, centre[1] - 6)  # inside a square, outside a circle and a triangle's apex
    assert square.pixelColor(*corner).alpha() > 150
    assert circle.pixelColor(*corner).alpha() < 60 and triangle.pixelColor(*corner).alpha() < 60


@pytest.mark.realdata
def test_provinces_added_after_districts_do_not_hide_them(window, qtbot, shared_data):
    add_files(window, qtbot, shared_data / "pak_districts.geojson")
    add_files(window, qtbot, shared_data / "pak_provinces.geojson")
    first, second = palette("unhcr_layers").colors[:2]
    provinces = window.document.layer("pak_provinces").style.symbol
    assert (provinces.fill, provinces.stroke) == ("none", second)
    wait_rendered(window, qtbot)
    # The districts' own colour shows inside them, and the provinces' outline is drawn over them.
    assert dominant_colour(window, "pak_districts", "Lahore") == first
    image = window.canvas.grab().toImage()
    target = QColor(second)
    outline = sum(
        1
        for y in range(0, image.height(), 2)
        for x in range(0, image.width(), 2)
        if abs(image.pixelColor(x, y).red() - target.red()) < 30
        and abs(image.pixelColor(x, y).green() - target.green()) < 30
        and abs(image.pixelColor(x, y).blue() - target.blue()) < 30
    )
    assert outline > 100
    icon = window.layers_panel.model.data(window.layers_panel.model.index(0), Qt.ItemDataRole.DecorationRole)
    assert icon.pixmap(*SWATCH_SIZE).toImage().pixelColor(SWATCH_SIZE[0] // 2, SWATCH_SIZE[1] // 2).alpha() == 0


@pytest.mark.realdata
def test_a_hidden_layer_is_left_out_of_the_print_legend(window, qtbot, census_districts, shared_data):
    document, model = window.document, window.layers_panel.model
    add_files(window, qtbot, shared_data / "pak_provinces.geojson")
    document.set_style("pak_districts", GraduatedStyle(field="population_2023", classes=4))
    titles = lambda: [g.title or g.rows[0].label for g in legend_groups(document.loaded)]  # noqa: E731
    assert titles() == ["Pak provinces", "Population 2023"]
    model.setData(
        model.index(model.row_of("pak_provinces")), Qt.CheckState.Unchecked.value, Qt.ItemDataRole.CheckStateRole
    )
    assert titles() == ["Population 2023"]
    changed = []  # the class rows are told to repaint, greyed, when their layer is hidden
    model.dataChanged.connect(lambda first, last, *_: changed.append((first.parent().row(), first.row(), last.row())))
    model.setData(
        model.index(model.row_of("pak_districts")), Qt.CheckState.Unchecked.value, Qt.ItemDataRole.CheckStateRole
    )
    assert titles() == []
    assert (model.row_of("pak_districts"), 0, 4) in changed
    # The unchecked layer keeps its classes in the panel, greyed.
    parent = model.index(model.row_of("pak_districts"))
    assert model.rowCount(parent) == 5
    assert model.data(model.index(0, 0, parent), Qt.ItemDataRole.ForegroundRole) == QColor("#999999")


def test_a_raster_shows_its_ramp_and_the_values_at_its_ends(window, qtbot, tmp_path):
    import numpy as np
    import rasterio
    from rasterio.transform import from_origin

    from pakmap.style import RasterStyle

    path = tmp_path / "depth.tif"
    values = np.tile(np.arange(100, dtype="float32") * 10, (80, 1))  # 0 to 990, west to east
    profile = dict(driver="GTiff", width=100, height=80, count=1, dtype="float32", crs="EPSG:4326")
    with rasterio.open(path, "w", transform=from_origin(66, 34, 0.05, 0.05), **profile) as dst:
        dst.write(values, 1)
    add_files(window, qtbot, path)
    labels, shown = _classes(window.layers_panel, "depth")
    assert shown and len(labels) == 1
    # The automatic stretch: the 2nd and 98th percentiles, as the print legend labels a whole-raster map.
    assert labels == [legend_groups(window.document.loaded)[0].rows[0].label]
    window.document.set_style("depth", RasterStyle(vmin=0, vmax=1500))
    assert _classes(window.layers_panel, "depth")[0] == ["0 – 1,500"]
    wait_rendered(window, qtbot)


@pytest.mark.realdata
def test_a_layer_dropped_among_another_layers_classes_goes_just_below_it(window, qtbot, census_districts, shared_data):
    document, model = window.document, window.layers_panel.model
    add_files(window, qtbot, shared_data / "pak_provinces.geojson")
    document.set_style("pak_districts", GraduatedStyle(field="population_2023", classes=4))
    order = lambda: [model.layer_at(r).name for r in range(model.rowCount())]  # noqa: E731
    assert order() == ["pak_provinces", "pak_census2023_districts", "pak_districts"]
    districts = model.index(model.row_of("pak_districts"))
    mime = model.mimeData([model.index(model.row_of("pak_provinces"))])
    model.dropMimeData(mime, Qt.DropAction.MoveAction, 2, 0, districts)  # between two of its classes
    assert order() == ["pak_census2023_districts", "pak_districts", "pak_provinces"]  # just below it
    mime = model.mimeData([model.index(model.row_of("pak_provinces"))])
    model.dropMimeData(mime, Qt.DropAction.MoveAction, -1, 0, model.index(0))  # onto a layer: its place
    assert order() == ["pak_provinces", "pak_census2023_districts", "pak_districts"]
    # A class row is not a layer: it cannot be dragged, renamed or checked.
    districts = model.index(model.row_of("pak_districts"))
    flags = model.flags(model.index(0, 0, districts))
    assert not flags & (Qt.ItemFlag.ItemIsDragEnabled | Qt.ItemFlag.ItemIsEditable | Qt.ItemFlag.ItemIsUserCheckable)
    assert not model.setData(model.index(0, 0, districts), "x", Qt.ItemDataRole.EditRole)
    assert window.layers_panel.context_menu(model.index(1, 0, districts)).actions()[0].text() == "Zoom to layer"
