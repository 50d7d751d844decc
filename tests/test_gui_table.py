"""The attribute table: a model over the DataFrame, usable with 1,000,000 rows, linked to the map."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from gui_helpers import add_files, wait_rendered
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QTableView

from pakmap.errors import ExpressionError
from pakmap.layer import TableLayer
from pakmap.session import Session
from pakmap_ui.attribute_table import AttributeTable, DataFrameModel

pytestmark = pytest.mark.gui


class CountingModel(DataFrameModel):
    """Records which rows Qt asked to display."""

    def __init__(self, frame):
        super().__init__(frame)
        self.asked_rows: set[int] = set()

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole:
            self.asked_rows.add(index.row())
        return super().data(index, role)


@pytest.fixture(scope="module")
def million() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    return pd.DataFrame(
        {
            "id": np.arange(1_000_000),
            "households": rng.integers(0, 5000, 1_000_000),
            "district": rng.choice(["Peshawar", "Quetta", "Lahore", "Karachi"], 1_000_000),
        }
    )


def test_million_rows_only_visible_cells_are_queried(qtbot, million):
    model = CountingModel(million)
    assert model.rowCount() == 1_000_000 and model.columnCount() == 3
    assert model.frame is million  # a view over the data, never a copy
    view = QTableView()
    qtbot.addWidget(view)
    view.verticalHeader().setDefaultSectionSize(22)
    view.setModel(model)
    view.resize(600, 400)
    view.show()
    qtbot.waitExposed(view)
    view.grab()  # paints the view as the screen would
    assert 0 < len(model.asked_rows) < 40  # a screenful, not a million
    view.scrollToBottom()
    view.grab()
    assert max(model.asked_rows) == 999_999 and len(model.asked_rows) < 80


def test_sort_and_filter_are_index_arrays(million):
    model = DataFrameModel(million)
    model.sort(1, Qt.SortOrder.DescendingOrder)
    top = model.data(model.index(0, 1))
    assert top == f"{million['households'].max():,}"
    assert model.headerData(0, Qt.Orientation.Vertical) == str(int(million["households"].idxmax()) + 1)
    model.set_filter("district", "quet")
    assert model.rowCount() == int((million["district"] == "Quetta").sum())
    assert {model.data(model.index(r, 2)) for r in range(50)} == {"Quetta"}
    # Still sorted within the filter.
    values = million["households"].to_numpy()[model.rows[:1000]]
    assert np.all(np.diff(values) <= 0)
    model.set_filter(None, "")
    assert model.rowCount() == 1_000_000


def test_missing_values_are_blank_and_numbers_formatted(qtbot):
    frame = pd.DataFrame({"name": ["A", None], "refugees": [12345.0, np.nan]})
    model = DataFrameModel(frame)
    assert model.data(model.index(0, 1)) == "12,345"
    assert model.data(model.index(1, 1)) == "" and model.data(model.index(1, 0)) == ""
    model.sort(1, Qt.SortOrder.DescendingOrder)
    assert model.data(model.index(1, 1)) == ""  # missing last, whatever the direction


def test_table_selection_and_map_selection_follow_each_other(window, qtbot, districts_path):
    add_files(window, qtbot, districts_path)
    wait_rendered(window, qtbot)
    layer = window.document.layer("pak_districts")
    table = window.open_table(layer)
    assert window.tables_dock.isVisible()
    # Table → map: select Quetta's row in the table.
    quetta = int(np.flatnonzero(layer.data["name"] == "Quetta")[0])
    view_row = int(table.model.view_rows_of([quetta])[0])
    table.view.selectionModel().select(
        table.model.index(view_row, 0),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )
    assert list(window.document.selected("pak_districts")) == [quetta]
    wait_rendered(window, qtbot)
    assert window.canvas.zoom_to_selection()
    # Map → table: select Lahore on the map with the Select tool; the table selects (and shows) its row.
    window.canvas.zoom_full()
    wait_rendered(window, qtbot)
    window.actions_by_name["tool_select"].trigger()
    qtbot.mouseClick(
        window.canvas, Qt.MouseButton.LeftButton, pos=window.canvas.to_screen(74.40794, 31.45709).toPoint()
    )
    rows = {i.row() for i in table.view.selectionModel().selectedRows()}
    assert [table.model.data(table.model.index(r, 0)) for r in rows] == ["Lahore"]
    assert "1 selected" in table.count.text()
    table.selected_only.setChecked(True)
    assert table.model.rowCount() == 1


def test_table_layer_without_geometry_opens_in_the_table(qtbot):
    doc = Session()
    layer = TableLayer("refugees", pd.DataFrame({"district": ["Quetta"], "refugees": [1200]}))
    doc.add_layer(layer, "refugees.csv")
    table = AttributeTable(doc, layer)
    qtbot.addWidget(table)
    assert table.model.columns == ["district", "refugees"]
    assert table.model.data(table.model.index(0, 1)) == "1,200"
    assert not layer.visible  # tables are joined, not drawn


def test_expression_filter_on_a_million_rows(million):
    model = DataFrameModel(million)
    model.sort(1, Qt.SortOrder.DescendingOrder)
    model.set_expression('households > 4000 and district == "Quetta"')
    wanted = (million["households"] > 4000) & (million["district"] == "Quetta")
    assert model.rowCount() == int(wanted.sum()) > 0
    assert set(model.rows.tolist()) == set(np.flatnonzero(wanted.to_numpy()).tolist())
    values = million["households"].to_numpy()[model.rows]
    assert np.all(np.diff(values) <= 0)  # the sort still applies within the filter
    before = model.rows
    with pytest.raises(ExpressionError):
        model.set_expression("households >")
    assert model.rows is before  # nothing changed
    model.set_expression("")
    assert model.rowCount() == 1_000_000


def test_expression_mode_in_the_table_widget(qtbot, million):
    frame = million.assign(**{"people in need": million["households"] * 6})
    doc = Session()
    layer = TableLayer("registrations", frame)
    doc.add_layer(layer, "registrations.csv")
    table = AttributeTable(doc, layer)
    qtbot.addWidget(table)
    table.show()
    assert table.mode.currentData() == "text" and table.column.isEnabled()  # text search stays the default
    table.mode.setCurrentIndex(table.mode.findData("expression"))
    assert not table.column.isEnabled() and "province ==" in table.filter.placeholderText()

    qtbot.keyClicks(table.filter, '`people in need` >= 24000 and district in ["Lahore", "Karachi"]')
    qtbot.keyClick(table.filter, Qt.Key.Key_Return)
    wanted = int(((frame["people in need"] >= 24000) & frame["district"].isin(["Lahore", "Karachi"])).sum())
    assert table.model.rowCount() == wanted
    assert table.count.text() == f"{wanted:,} of 1,000,000 rows, 0 selected"
    assert table.message.text() == ""
    shown = table.model.rows

    for bad, message in [
        ("households >", "is not a valid expression"),
        ("houshold > 5", "no field 'houshold' — did you mean households?"),
        ("district == Quetta", 'put text in quotes: "Quetta"'),
        ("households * 2", "not true or false"),
        ("district > 3", "cannot be evaluated"),
    ]:
        table.filter.setText(bad)
        assert not table.apply_filter()
        assert message in table.message.text() and "\n" not in table.message.text()
        assert table.model.rows is shown and table.count.text().startswith(f"{wanted:,} of")  # the view is kept

    table.filter.setText("households < 10")
    table.selected_only.setChecked(True)  # combines with the selection
    assert table.model.rowCount() == 0 and table.message.text() == ""
    table.selected_only.setChecked(False)
    assert table.model.rowCount() == int((frame["households"] < 10).sum())
    table.filter.clear()  # the clear button: every row again
    assert table.model.rowCount() == 1_000_000
    table.close_model()


def test_a_million_plain_points_open_and_filter_without_building_geometry(qtbot):
    from pyproj import CRS

    from pakmap.layer import VectorLayer
    from pakmap.point_columns import PointColumns

    rng = np.random.default_rng(3)
    attributes = pd.DataFrame({"households": rng.integers(1, 12, 1_000_000)})
    xy = np.column_stack([rng.uniform(61, 77, 1_000_000), rng.uniform(24, 37, 1_000_000)])
    layer = VectorLayer("registrations", PointColumns(attributes, xy, CRS.from_epsg(4326)))
    doc = Session()
    doc.add_layer(layer, "registrations.csv")
    table = AttributeTable(doc, layer)
    qtbot.addWidget(table)
    table.mode.setCurrentIndex(table.mode.findData("expression"))
    table.filter.setText("households >= 10")
    assert table.apply_filter()
    assert table.model.rowCount() == int((attributes["households"] >= 10).sum())
    assert layer._frame is None  # no GeoDataFrame (a million shapely points) was built for the table
    table.close_model()
