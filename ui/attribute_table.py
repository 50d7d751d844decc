"""The attribute table: a Qt table model straight over the layer's DataFrame.

Nothing is copied into widgets: the model keeps an index array of row positions (``rows``) and
answers ``data()`` for the cells Qt asks for, which are the visible ones. Sorting is an ``argsort``
of one column, filtering a vectorized mask, both producing a new ``rows`` array, so a
1,000,000-row table opens, sorts and filters at numpy speed. The filter box finds text (the default)
or, in expression mode, evaluates a condition on the columns (``pakmap.row_filter``:
``population_2023 > 1000000 and province == "Punjab"``); an expression that cannot be evaluated is
explained on the table's status line and the rows shown stay as they were. Selection is shared with the map through
the ``Session``: selecting rows here highlights the features on the canvas, and identifying a
feature on the map selects its row here.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
from PySide6.QtCore import QAbstractTableModel, QItemSelection, QItemSelectionModel, QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from pakmap.errors import PakmapError
from pakmap.layer import VectorLayer
from pakmap.numbers import format_number
from pakmap.row_filter import expression_mask
from pakmap.session import Session


class DataFrameModel(QAbstractTableModel):
    """Columns of a DataFrame (geometry left out) over a view of row positions."""

    def __init__(self, frame: pd.DataFrame, parent=None) -> None:
        super().__init__(parent)
        self.frame = frame
        geometry = frame.geometry.name if isinstance(frame, gpd.GeoDataFrame) else None
        self.columns = [c for c in frame.columns if c != geometry]
        self._col_pos = [frame.columns.get_loc(c) for c in self.columns]
        self.rows = np.arange(len(frame), dtype=np.int64)  # positions shown, in display order
        self._numeric = [pd.api.types.is_numeric_dtype(frame[c]) for c in self.columns]
        self.sort_column, self.sort_order = -1, Qt.SortOrder.AscendingOrder
        self._filter: np.ndarray | None = None

    # --- Qt interface: answers only what is asked --------------------------------------------

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole:
            value = self.frame.iat[int(self.rows[index.row()]), self._col_pos[index.column()]]
            if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
                return ""
            if self._numeric[index.column()] and not isinstance(value, (bool, np.bool_)):
                return format_number(value)
            return str(value)
        if role == Qt.ItemDataRole.TextAlignmentRole and self._numeric[index.column()]:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.columns[section]
        return str(int(self.rows[section]) + 1)  # the feature's number, stable under sorting

    # --- sort and filter: new row arrays ----------------------------------------------------

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        self.sort_column, self.sort_order = column, order
        self._rebuild()

    def set_filter(self, column: str | None, text: str) -> None:
        """Keep rows whose ``column`` (or any column when None) contains ``text`` (case-insensitive)."""
        text = text.strip()
        if not text:
            self._filter = None
        else:
            cols = [column] if column else self.columns
            mask = np.zeros(len(self.frame), dtype=bool)
            for c in cols:
                mask |= self.frame[c].astype(str).str.contains(text, case=False, regex=False).to_numpy()
            self._filter = mask
        self._rebuild()

    def set_expression(self, expression: str) -> None:
        """Keep rows where ``expression`` holds (empty: all rows).

        Raises ``ExpressionError`` before anything changes: the rows shown stay as they were.
        """
        self._filter = expression_mask(self.frame, expression) if expression.strip() else None
        self._rebuild()

    def _rebuild(self) -> None:
        self.layoutAboutToBeChanged.emit()
        rows = np.arange(len(self.frame), dtype=np.int64)
        if self.sort_column >= 0:
            values = self.frame.iloc[:, self._col_pos[self.sort_column]]
            if not self._numeric[self.sort_column]:
                values = values.astype(str).str.casefold()
            # Stable argsort with missing values last, whatever the direction.
            rows = (
                values.reset_index(drop=True)
                .sort_values(
                    ascending=self.sort_order == Qt.SortOrder.AscendingOrder, kind="stable", na_position="last"
                )
                .index.to_numpy(dtype=np.int64)
            )
        if self._filter is not None:
            rows = rows[self._filter[rows]]
        self.rows = rows
        self.layoutChanged.emit()

    def view_rows_of(self, positions: np.ndarray) -> np.ndarray:
        """Display rows of the given frame positions (those filtered out are dropped)."""
        inverse = np.full(len(self.frame), -1, dtype=np.int64)
        inverse[self.rows] = np.arange(len(self.rows))
        found = inverse[np.asarray(positions, dtype=np.int64)]
        return np.sort(found[found >= 0])


def _runs(sorted_rows: np.ndarray):
    """Contiguous runs (start, end) of sorted integers: a selection of 1,000 rows in order is one range."""
    if len(sorted_rows) == 0:
        return []
    breaks = np.flatnonzero(np.diff(sorted_rows) != 1)
    starts = np.r_[sorted_rows[0], sorted_rows[breaks + 1]]
    ends = np.r_[sorted_rows[breaks], sorted_rows[-1]]
    return list(zip(starts.tolist(), ends.tolist()))


class AttributeTable(QWidget):
    """A layer's table with a filter box; its selection is the map's selection."""

    def __init__(self, document: Session, layer, parent=None) -> None:
        super().__init__(parent)
        self.document = document
        self.layer_name = layer.name
        # A point layer held as columns shows its attributes without building a million shapely points.
        plain_points = isinstance(layer, VectorLayer) and layer.point_columns is not None
        self.model = DataFrameModel(layer.point_columns.attributes if plain_points else layer.data, self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSortingEnabled(True)
        self.view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        vh = self.view.verticalHeader()
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # no per-row size queries
        vh.setDefaultSectionSize(22)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.view.horizontalHeader().setDefaultSectionSize(120)

        self.column = QComboBox()
        self.column.addItem("all columns", None)
        for c in self.model.columns:
            self.column.addItem(str(c), c)
        self.mode = QComboBox()
        self.mode.addItem("Text", "text")
        self.mode.addItem("Expression", "expression")
        self.mode.setToolTip("Text: rows containing the text. Expression: rows meeting a condition on the fields")
        self.filter = QLineEdit()
        self.filter.setClearButtonEnabled(True)
        self.selected_only = QCheckBox("Selected only")
        self.count = QLabel()
        self.message = QLabel()  # why the last expression was not applied; one line, the rest in its tooltip
        self.message.setStyleSheet("color: #B3261E")
        self.message.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        bar = QHBoxLayout()
        for w in (QLabel("Filter"), self.mode, self.column, self.filter, self.selected_only):
            bar.addWidget(w)
        bar.setStretchFactor(self.filter, 1)
        status = QHBoxLayout()  # the table's status line: counts, and why a filter was not applied
        status.addWidget(self.count)
        status.addWidget(self.message, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(bar)
        layout.addWidget(self.view)
        layout.addLayout(status)
        self._show_mode()

        self.filter.returnPressed.connect(self.apply_filter)
        self.filter.textChanged.connect(lambda text: text or self.apply_filter())  # cleared: all rows again
        self.mode.currentIndexChanged.connect(self._mode_changed)
        self.column.currentIndexChanged.connect(self.apply_filter)
        self.selected_only.toggled.connect(self.apply_filter)
        self._syncing = False
        self.view.selectionModel().selectionChanged.connect(self._to_document)
        document.selection_changed.connect(self._from_document)
        self.model.layoutChanged.connect(self._restore_selection)
        self._update_count()
        self._restore_selection()

    def close_model(self) -> None:
        """Stop following the document (the dock is closed or the layer replaced)."""
        self.document.selection_changed.disconnect(self._from_document)

    @property
    def expression_mode(self) -> bool:
        return self.mode.currentData() == "expression"

    def _show_mode(self) -> None:
        if self.expression_mode:
            self.filter.setPlaceholderText('Expression, e.g. population_2023 > 1000000 and province == "Punjab"')
            fields = ", ".join(f"`{c}`" if " " in str(c) else str(c) for c in self.model.columns[:20])
            self.filter.setToolTip(
                f"Fields: {fields}. Compare with == != < > <= >=, combine with and / or / not; "
                "text in quotes, names with spaces in `backticks`. Enter applies."
            )
        else:
            self.filter.setPlaceholderText("Filter: text to find")
            self.filter.setToolTip("Rows containing this text (in the chosen column). Enter applies.")
        self.column.setEnabled(not self.expression_mode)  # an expression names its own fields

    def _mode_changed(self, *_args) -> None:
        self._show_mode()
        self.apply_filter()

    def apply_filter(self) -> bool:
        """Filter by the box's text or expression; a bad expression is explained and changes nothing."""
        try:
            if self.expression_mode:
                self.model.set_expression(self.filter.text())
            else:
                self.model.set_filter(self.column.currentData(), self.filter.text())
        except PakmapError as exc:
            self.message.setText(str(exc))
            self.message.setToolTip(str(exc))
            return False
        self.message.clear()
        self.message.setToolTip("")
        if self.selected_only.isChecked():
            keep = np.isin(self.model.rows, self.document.selected(self.layer_name))
            self.model.layoutAboutToBeChanged.emit()
            self.model.rows = self.model.rows[keep]
            self.model.layoutChanged.emit()
        self._update_count()
        return True

    def _update_count(self) -> None:
        total = len(self.model.frame)
        shown = len(self.model.rows)
        selected = len(self.document.selected(self.layer_name))
        self.count.setText(f"{shown:,} of {total:,} rows, {selected:,} selected")

    def _to_document(self, *_args) -> None:
        if self._syncing:
            return
        view_rows = np.array(sorted({i.row() for i in self.view.selectionModel().selectedRows()}), dtype=np.int64)
        positions = self.model.rows[view_rows] if len(view_rows) else np.empty(0, dtype=np.int64)
        self.document.select(self.layer_name, positions, source=self)
        self._update_count()

    def _from_document(self, name: str, source) -> None:
        if name == self.layer_name and source is not self:
            self._restore_selection()
            rows = self.model.view_rows_of(self.document.selected(name))
            if len(rows):
                self.view.scrollTo(self.model.index(int(rows[0]), 0))

    def _restore_selection(self) -> None:
        """Show the document's selection (as ranges, so large selections stay fast)."""
        rows = self.model.view_rows_of(self.document.selected(self.layer_name))
        selection = QItemSelection()
        last = self.model.columnCount() - 1
        for start, end in _runs(rows):
            selection.select(self.model.index(start, 0), self.model.index(end, last))
        self._syncing = True
        try:
            self.view.selectionModel().select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        finally:
            self._syncing = False
        self._update_count()
