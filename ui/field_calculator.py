"""Layer ▸ Field calculator…: a new or updated field from an expression over the layer's other fields.

The expression language is ``pakmap.calculate`` (fields, numbers, text, arithmetic, comparisons and a
few functions; never Python's eval). The preview shows the first rows as the officer types, and a
mistake is one line under the expression; Apply keeps the calculation in the project
(``Session.calculate_field``), so next month's data gets the field too. One undo step.
"""

from __future__ import annotations

import re

import pandas as pd
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from pakmap.calculate import FUNCTIONS
from pakmap.errors import PakmapError
from pakmap.layer import VectorLayer
from pakmap.session import Session

PREVIEW_ROWS = 8
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def field_reference(name: str) -> str:
    """A field as an expression names it: as it is, or in backticks (spaces, digits first…)."""
    return name if _IDENTIFIER.match(name) and name not in ("and", "or", "not", "if", "else") else f"`{name}`"


class FieldCalculator(QDialog):
    failed = Signal(object)
    applied = Signal(object)  # the layer with the field

    def __init__(self, document: Session, parent=None, layer: str | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Field calculator")
        self.resize(640, 560)
        self.document = document
        self.layer = QComboBox()
        for candidate in document.layers:
            if isinstance(candidate, VectorLayer) and not candidate.missing:
                self.layer.addItem(candidate.name)
        if layer is not None and self.layer.findText(layer) >= 0:
            self.layer.setCurrentText(layer)
        self.field = QComboBox()
        self.field.setEditable(True)
        self.field.setToolTip("A new field's name, or an existing field to replace")
        self.expression = QLineEdit()
        self.expression.setPlaceholderText("e.g. round(refugees / population_2023 * 1000, 1)")
        self.fields = QListWidget()
        self.fields.setToolTip("Double-click to insert the field")
        self.functions = QListWidget()
        self.functions.setToolTip("Double-click to insert the function")
        for name in sorted(FUNCTIONS):
            self.functions.addItem(FUNCTIONS[name].example)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.preview = QTableWidget(0, 2)
        self.preview.verticalHeader().hide()
        self.preview.horizontalHeader().setStretchLastSection(True)
        self.apply_button = QPushButton("Apply")
        self.close_button = QPushButton("Close")

        form = QFormLayout()
        form.addRow("Layer", self.layer)
        form.addRow("Field", self.field)
        form.addRow("Expression", self.expression)
        lists = QHBoxLayout()
        for title, widget in (("Fields", self.fields), ("Functions", self.functions)):
            column = QVBoxLayout()
            column.addWidget(QLabel(title))
            column.addWidget(widget)
            lists.addLayout(column)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.apply_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(lists, 1)
        layout.addWidget(self.message)
        layout.addWidget(QLabel(f"Preview (first {PREVIEW_ROWS} rows)"))
        layout.addWidget(self.preview, 1)
        layout.addLayout(buttons)

        self.layer.currentIndexChanged.connect(lambda *_: self._layer_chosen())
        self.expression.textChanged.connect(lambda *_: self.update_preview())
        self.field.editTextChanged.connect(lambda *_: self.update_preview())
        self.fields.itemDoubleClicked.connect(lambda item: self._insert(field_reference(item.text())))
        self.functions.itemDoubleClicked.connect(lambda item: self._insert(item.text().split("(")[0] + "("))
        self.apply_button.clicked.connect(lambda: self.apply())
        self.close_button.clicked.connect(self.close)
        self._layer_chosen()

    def chosen_layer(self) -> VectorLayer | None:
        name = self.layer.currentText()
        layer = next((l for l in self.document.layers if l.name == name), None)
        return layer if isinstance(layer, VectorLayer) else None

    def _layer_chosen(self) -> None:
        layer = self.chosen_layer()
        names = [str(f) for f in layer.fields] if layer is not None else []
        self.fields.clear()
        self.fields.addItems(names)
        typed = self.field.currentText()
        self.field.blockSignals(True)
        self.field.clear()
        self.field.addItems(names)
        self.field.setEditText(typed)
        self.field.blockSignals(False)
        self.update_preview()

    def _insert(self, text: str) -> None:
        self.expression.insert(text)
        self.expression.setFocus()

    def update_preview(self) -> bool:
        """The result's first rows, or the one-line problem; True when it can be applied."""
        layer = self.chosen_layer()
        field, expression = self.field.currentText().strip(), self.expression.text()
        self.preview.setRowCount(0)
        ok = False
        if layer is None:
            self.message.setText("There is no boundary or point layer to calculate a field of.")
        elif not expression.strip():
            self.message.setText("Type an expression: field names, numbers, text in quotes, + - * /, functions.")
        elif not field:
            self.message.setText("Name the field to write: a new name, or an existing field to replace.")
        else:
            try:
                values = self.document.calculation_preview(layer.name, field, expression, rows=PREVIEW_ROWS)
            except PakmapError as exc:
                self.message.setText(f"⚠ {exc}")
            else:
                self._show_preview(layer, field, values)
                replaced = field in map(str, layer.fields)
                self.message.setText(
                    f"Replaces the values of {field} (the file is not changed)"
                    if replaced
                    else f"Adds the field {field}"
                )
                ok = True
        self.apply_button.setEnabled(ok)
        return ok

    def _show_preview(self, layer: VectorLayer, field: str, values: pd.Series) -> None:
        key = next((str(f) for f in layer.fields if str(f).lower() in ("name", "adm2_en", "district")), None)
        key = key or (str(layer.fields[0]) if layer.fields else "")
        self.preview.setHorizontalHeaderLabels([key, field])
        keys = layer.values(key).iloc[: len(values)] if key else pd.Series([""] * len(values))
        self.preview.setRowCount(len(values))
        for row, (name, value) in enumerate(zip(keys, values)):
            self.preview.setItem(row, 0, QTableWidgetItem("" if pd.isna(name) else str(name)))
            shown = "no data" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)
            item = QTableWidgetItem(shown)
            if not isinstance(value, str):
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.preview.setItem(row, 1, item)

    def apply(self) -> VectorLayer | None:
        layer = self.chosen_layer()
        if layer is None or not self.update_preview():
            self.failed.emit(PakmapError(self.message.text().lstrip("⚠ ")))
            return None
        field = self.field.currentText().strip()
        try:
            made = self.document.calculate_field(layer.name, field, self.expression.text())
        except PakmapError as exc:
            self.failed.emit(exc)
            return None
        self.message.setText(
            f"Calculated {field} for {made.feature_count:,} features of {made.name}; the project keeps the "
            "expression. Edit ▸ Undo takes it back."
        )
        self._layer_chosen_keep_message()
        self.applied.emit(made)
        return made

    def _layer_chosen_keep_message(self) -> None:
        text = self.message.text()
        self._layer_chosen()
        self.message.setText(text)


__all__ = ["FieldCalculator", "field_reference"]
