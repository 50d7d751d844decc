"""A searchable CRS picker: pyproj's EPSG database as a list, filtered as the officer types.

Used for the map CRS (View ▸ Map CRS…, the status bar's CRS button) and for a layer's own CRS
(Layer ▸ Set layer CRS…: a shapefile whose .prj went missing). The CRSs used last come first, then
those maps of Pakistan use (``pakmap.crs.COMMON_CODES``), then the rest by code. A search matches
every word in the code, the name or the area of use (``32642``, ``utm 42n``, ``kalianpur``,
``pakistan``). A definition pyproj reads but the list does not hold (``ESRI:102…``, a PROJ string)
can be typed in the search box and used as it is.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSettings, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
)

from pakmap.crs import CrsChoice, crs_choices, matching, parse_crs
from pakmap.errors import PakmapError

RECENT_KEY = "crs/recent"
MAX_RECENT = 8
COLUMNS = ("Code", "Name", "Area of use")


class CrsListModel(QAbstractTableModel):
    """The choices shown: all of them, or those matching the search."""

    def __init__(self, choices: list[CrsChoice], parent=None) -> None:
        super().__init__(parent)
        self.all = choices
        self.shown = choices

    def search(self, text: str) -> None:
        self.beginResetModel()
        self.shown = matching(self.all, text) if text.strip() else self.all
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.shown)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        choice = self.shown[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            value = (choice.code, choice.name, choice.area)[index.column()]
            return value if len(value) <= 90 else value[:87] + "…"
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{choice.code} — {choice.name}\n{choice.area[:400]}"
        return None

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None


def recent_codes(settings: QSettings) -> list[str]:
    value = settings.value(RECENT_KEY, [])
    if isinstance(value, str):  # QSettings returns a lone string for a one-item list
        value = [value]
    return [str(v) for v in value or []]


def remember_code(settings: QSettings, code: str) -> None:
    codes = [code] + [c for c in recent_codes(settings) if c != code]
    settings.setValue(RECENT_KEY, codes[:MAX_RECENT])


def ordered_choices(recent: list[str]) -> list[CrsChoice]:
    """The recently used CRSs first, then the common ones and the rest (``crs_choices``' order)."""
    choices = crs_choices()
    by_code = {c.code: c for c in choices}
    first = [by_code[c] for c in recent if c in by_code]
    taken = {c.code for c in first}
    return first + [c for c in choices if c.code not in taken]


class CrsPicker(QDialog):
    """Choose a CRS; ``chosen()`` is its code (``EPSG:32642``) or the definition typed."""

    def __init__(self, title: str, question: str, current: str | None, settings: QSettings, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(720, 520)
        self.settings = settings
        self.model = CrsListModel(ordered_choices(recent_codes(settings)), self)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search by code, name or area: 32642, UTM 42N, Kalianpur, Pakistan…")
        self.search.setClearButtonEnabled(True)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(1, 280)
        header.setStretchLastSection(True)
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        prompt = QLabel(question)
        prompt.setWordWrap(True)
        layout.addWidget(prompt)
        layout.addWidget(self.search)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.detail)
        layout.addWidget(self.buttons)
        self.search.textChanged.connect(self._search)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._show_detail())
        self.table.doubleClicked.connect(lambda *_: self.accept())
        self.current = current
        self._select(current)
        self.search.setFocus()

    def _search(self, text: str) -> None:
        self.model.search(text)
        if self.model.shown:
            self.table.selectRow(0)
        self._show_detail()

    def _select(self, code: str | None) -> None:
        row = next((i for i, c in enumerate(self.model.shown) if c.code == code), 0 if code is None else -1)
        if row >= 0:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))
        self._show_detail()

    def selected(self) -> CrsChoice | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.shown[rows[0].row()] if rows else None

    def chosen(self) -> str | None:
        """The selected CRS's code; with nothing listed, the search text if pyproj reads it."""
        choice = self.selected()
        if choice is not None:
            return choice.code
        text = self.search.text().strip()
        if not text:
            return None
        try:
            parse_crs(text)
        except PakmapError:
            return None
        return text

    def _show_detail(self) -> None:
        choice = self.selected()
        if choice is not None:
            self.detail.setText(f"<b>{choice.code}</b> — {choice.name}")
        elif self.chosen():
            self.detail.setText(f"Not in the list; used as typed: {self.chosen()}")
        else:
            self.detail.setText("Nothing matches: try a code (32642) or part of a name (UTM 42N)")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(self.chosen() is not None)

    def accept(self) -> None:
        code = self.chosen()
        if code is None:
            return
        remember_code(self.settings, code)
        super().accept()


__all__ = ["CrsPicker", "ordered_choices", "recent_codes", "remember_code"]
