"""Add a chart or table of a layer's data to the print page (a ``[[layout.charts]]`` entry).

The dialog only builds a ``ChartSpec``; the layout view adds it through the session, so adding a
chart is one undo step and the page preview shows it with the same drawing code as the PDF.
"""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLineEdit, QSpinBox

from pakmap.field_kinds import count_fields_of, numeric_values
from pakmap.layer import VectorLayer
from pakmap.layout.chart_data import group_column, mapped_field
from pakmap.project.model import MAX_CHART_ROWS, ChartSpec
from pakmap.session import Session

KINDS = (("Bar chart: top features", "bar"), ("Table: top features", "bar-table"), ("Table: totals per group", "by"))
NO_GROUP = "(one row per feature)"


class ChartDialog(QDialog):
    def __init__(self, document: Session, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add a chart or table")
        self.document = document
        self.kind = QComboBox()
        for text, key in KINDS:
            self.kind.addItem(text, key)
        self.layer = QComboBox()
        self.layer.addItems([l.name for l in document.layers if isinstance(l, VectorLayer)])
        self.field = QComboBox()
        self.by = QComboBox()
        self.top = QSpinBox()
        self.top.setRange(1, MAX_CHART_ROWS)
        self.top.setValue(10)
        self.title = QLineEdit()
        self.title.setPlaceholderText("made from the field")
        form = QFormLayout(self)
        form.addRow("Chart", self.kind)
        form.addRow("Layer", self.layer)
        form.addRow("Value", self.field)
        form.addRow("Group by", self.by)
        form.addRow("Rows", self.top)
        form.addRow("Title", self.title)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.layer.currentIndexChanged.connect(self._layer_chosen)
        self.kind.currentIndexChanged.connect(self._layer_chosen)
        self._layer_chosen()

    def _layer_chosen(self, *_args) -> None:
        self.field.clear()
        self.by.clear()
        if not self.layer.currentText():
            return
        layer = self.document.layer(self.layer.currentText())
        frame = layer.attributes
        totals = self.kind.currentData() == "by"
        # Totals add up counts only; the top features may be ranked by any number (a rate too).
        columns = [str(c) for c in frame.columns if str(c) != "geometry"]
        numeric = [c for c in columns if numeric_values(frame[c]) is not None]
        fields = count_fields_of(layer) if totals else numeric
        self.field.addItems(fields)
        if mapped_field(layer) in fields:
            self.field.setCurrentText(mapped_field(layer))
        if totals:
            self.by.addItems([c for c in columns if c not in numeric])
            if group_column(layer):
                self.by.setCurrentText(group_column(layer))
        else:
            self.by.addItem(NO_GROUP)
        self.by.setEnabled(totals)

    def spec(self) -> ChartSpec:
        kind = self.kind.currentData()
        return ChartSpec(
            kind="bar" if kind == "bar" else "table",
            layer=self.layer.currentText(),
            field=self.field.currentText(),
            by=self.by.currentText() if kind == "by" else "",
            top=self.top.value(),
            title=self.title.text().strip(),
        )
