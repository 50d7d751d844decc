"""The join dialog's key fields: one or more (layer field, table field) pairs, all of which must match.

A district name alone is ambiguous in some tables (two "Hyderabad"s, or one row per district and
year); a second pair (province to province, year to year) makes the key composite, exactly as
``JoinSpec.on`` lists it in the project file. The first pair cannot be removed: a join needs a key.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)


@dataclass
class KeyPair:
    layer: QComboBox
    table: QComboBox
    remove: QToolButton


def _fill(combo: QComboBox, items: list[str], wanted: str | None) -> None:
    """Replace a combo's items, keeping ``wanted`` (or the current choice) when it is still offered."""
    keep = wanted if wanted is not None else combo.currentText()
    combo.blockSignals(True)
    combo.clear()
    combo.addItems(items)
    if keep in items:
        combo.setCurrentText(keep)
    combo.blockSignals(False)


class KeyPairsEditor(QWidget):
    """Rows of (layer field, table field) combo boxes with add and remove buttons."""

    changed = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.rows: list[KeyPair] = []
        self.layer_fields: list[str] = []
        self.table_fields: list[str] = []
        # The dialog's guess of the table field for a layer field (shared values), used for new pairs.
        self.guess: Callable[[str], str | None] = lambda _field: None
        self._grid = QGridLayout()
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.addWidget(QLabel("Layer field"), 0, 0)
        self._grid.addWidget(QLabel("Table field"), 0, 1)
        self.add_button = QPushButton("Add key pair")
        self.add_button.setToolTip("All pairs must match: e.g. district name and province, or district and year")
        self.add_button.clicked.connect(lambda: self.add_pair())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self._grid)
        add_row = QHBoxLayout()
        add_row.addWidget(self.add_button)
        add_row.addStretch(1)
        layout.addLayout(add_row)
        self.add_pair()

    # --- reading -----------------------------------------------------------------------------

    def pairs(self) -> list[list[str]]:
        return [[row.layer.currentText(), row.table.currentText()] for row in self.rows]

    # --- editing -----------------------------------------------------------------------------

    def set_layer_fields(self, fields: list[str]) -> None:
        self.layer_fields = [str(f) for f in fields]
        for row in self.rows:
            _fill(row.layer, self.layer_fields, None)

    def set_table_fields(self, fields: list[str]) -> None:
        self.table_fields = [str(f) for f in fields]
        for row in self.rows:
            _fill(row.table, self.table_fields, None)

    def add_pair(self, layer_field: str | None = None, table_field: str | None = None) -> KeyPair:
        """A new row: by default the first layer field not yet used, with the table field guessed for it."""
        if layer_field is None:
            used = {row.layer.currentText() for row in self.rows}
            layer_field = next((f for f in self.layer_fields if f not in used), None)
        if table_field is None and layer_field is not None and self.rows:
            table_field = self.guess(layer_field)
        row = KeyPair(QComboBox(), QComboBox(), QToolButton())
        _fill(row.layer, self.layer_fields, layer_field)
        _fill(row.table, self.table_fields, table_field)
        row.remove.setText("✕")
        row.remove.setToolTip("Remove this key pair")
        row.remove.clicked.connect(lambda: self.remove_pair(self.rows.index(row)))
        row.layer.currentIndexChanged.connect(lambda *_: self.changed.emit())
        row.table.currentIndexChanged.connect(lambda *_: self.changed.emit())
        line = len(self.rows) + 1
        self._grid.addWidget(row.layer, line, 0)
        self._grid.addWidget(row.table, line, 1)
        self._grid.addWidget(row.remove, line, 2)
        self.rows.append(row)
        self._update_buttons()
        self.changed.emit()
        return row

    def remove_pair(self, index: int) -> None:
        if len(self.rows) <= 1:
            return  # a join needs a key
        row = self.rows.pop(index)
        for widget in (row.layer, row.table, row.remove):
            self._grid.removeWidget(widget)
            widget.deleteLater()
        for line, kept in enumerate(self.rows, 1):  # close the gap in the grid
            for column, widget in enumerate((kept.layer, kept.table, kept.remove)):
                self._grid.addWidget(widget, line, column)
        self._update_buttons()
        self.changed.emit()

    def set_pairs(self, pairs: list[list[str]]) -> None:
        """Show the pairs of a saved join (at least one row stays)."""
        while len(self.rows) > max(1, len(pairs)):
            self.remove_pair(len(self.rows) - 1)
        while len(self.rows) < len(pairs):
            self.add_pair()
        for row, (layer_field, table_field) in zip(self.rows, pairs):
            row.layer.setCurrentText(layer_field)
            row.table.setCurrentText(table_field)

    def _update_buttons(self) -> None:
        for row in self.rows:
            row.remove.setEnabled(len(self.rows) > 1)
