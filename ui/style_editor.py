"""Layer properties: symbology (single, categorized, graduated, proportional) and labels, live.

Every change of a control builds a style value from ``pakmap.style`` and applies it to the layer
(``layer.update``), so the canvas behind the dialog is the live preview; the legend preview below
the controls lists exactly what the print legend will (``pakmap.render.legend_items``). Cancel puts
the layer's style back as it was when the dialog opened.
"""

from __future__ import annotations

import dataclasses

import pandas as pd
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (QCheckBox, QColorDialog, QComboBox, QDialog, QDialogButtonBox, QDoubleSpinBox,
                               QFormLayout, QGroupBox, QLabel, QListWidget, QListWidgetItem, QPushButton, QSpinBox,
                               QVBoxLayout)

from pakmap.errors import PakmapError
from pakmap.palettes import palettes
from pakmap.style import (CLASSIFICATION_METHODS, CategorizedStyle, GraduatedStyle, LabelStyle, ProportionalStyle,
                          SingleSymbolStyle, Symbol, validate_style)

KINDS = [("single", "Single symbol"), ("categorized", "Categorized (unique values)"),
         ("graduated", "Graduated (choropleth)"), ("proportional", "Proportional symbols")]
METHOD_LABELS = {"quantiles": "Quantiles", "natural_breaks": "Natural breaks (Jenks)",
                 "equal_interval": "Equal interval", "std_mean": "Standard deviation", "manual": "Manual breaks"}


def palette_icon(colors, width: int = 60, height: int = 14) -> QIcon:
    pix = QPixmap(width, height)
    p = QPainter(pix)
    step = width / max(len(colors), 1)
    for i, c in enumerate(colors):
        p.fillRect(round(i * step), 0, round(step) + 1, height, QColor(c))
    p.end()
    return QIcon(pix)


def swatch_icon(item) -> QIcon:
    """A legend swatch for one ``LegendItem``."""
    pix = QPixmap(22, 14)
    pix.fill(Qt.GlobalColor.transparent)
    p = QPainter(pix)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    colour = QColor(item.color)
    colour.setAlphaF(max(0.0, min(1.0, item.opacity)))
    p.setBrush(colour)
    p.setPen(QColor(item.stroke or "#888888"))
    if item.kind in ("circle", "marker"):
        p.drawEllipse(6, 2, 10, 10)
    elif item.kind == "line":
        p.setPen(QColor(item.color))
        p.drawLine(1, 7, 21, 7)
    else:
        p.drawRect(1, 1, 20, 12)
    p.end()
    return QIcon(pix)


class StyleEditor(QDialog):
    """Edit one vector layer's style and labels; changes show on the map as they are made."""

    def __init__(self, layer, threshold: int | None = None, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Style — {layer.name}")
        self.layer = layer
        self.threshold = threshold
        self._original = (layer.style, layer.labels)
        self._loading = True
        numeric = [c for c in layer.fields if pd.api.types.is_numeric_dtype(layer.values(c))]
        self._fields = {"all": list(layer.fields), "numeric": numeric}

        self.kind = QComboBox()
        for key, text in KINDS:
            self.kind.addItem(text, key)
        self.field = QComboBox()
        self.method = QComboBox()
        for key in CLASSIFICATION_METHODS:
            if key != "manual":  # manual breaks are typed in the project file
                self.method.addItem(METHOD_LABELS[key], key)
        self.classes = QSpinBox()
        self.classes.setRange(1, 12)
        self.palette = QComboBox()
        self.fill = QPushButton()
        self.fill.clicked.connect(self._pick_fill)
        self.size = QDoubleSpinBox()
        self.size.setRange(0.5, 40)
        self.size.setSuffix(" mm")

        sym = QGroupBox("Symbology")
        form = QFormLayout(sym)
        form.addRow("Type", self.kind)
        form.addRow("Field", self.field)
        form.addRow("Method", self.method)
        form.addRow("Classes", self.classes)
        form.addRow("Palette", self.palette)
        form.addRow("Colour", self.fill)
        form.addRow("Size", self.size)
        self._form = form

        self.labels_on = QGroupBox("Labels")
        self.labels_on.setCheckable(True)
        self.label_field = QComboBox()
        self.label_field.addItems(self._fields["all"])
        self.label_size = QDoubleSpinBox()
        self.label_size.setRange(4, 36)
        self.label_size.setSuffix(" pt")
        self.label_bold = QCheckBox("Bold")
        self.label_halo = QCheckBox("White halo")
        lform = QFormLayout(self.labels_on)
        lform.addRow("Field", self.label_field)
        lform.addRow("Size", self.label_size)
        lform.addRow("", self.label_bold)
        lform.addRow("", self.label_halo)

        self.preview = QListWidget()
        self.preview.setMaximumHeight(170)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #B3261E")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(sym)
        layout.addWidget(self.labels_on)
        layout.addWidget(QLabel("Legend preview"))
        layout.addWidget(self.preview)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

        self._show(layer.style, layer.labels)
        for signal in (self.kind.currentIndexChanged, self.field.currentIndexChanged,
                       self.method.currentIndexChanged, self.classes.valueChanged,
                       self.palette.currentIndexChanged, self.size.valueChanged, self.labels_on.toggled,
                       self.label_field.currentIndexChanged, self.label_size.valueChanged,
                       self.label_bold.toggled, self.label_halo.toggled):
            signal.connect(self._changed)
        self._loading = False
        self._update_preview()

    # --- model → controls --------------------------------------------------------------------

    def _show(self, style, labels) -> None:
        self.kind.setCurrentIndex(self.kind.findData(style.kind))
        self._refill(style.kind)
        if getattr(style, "field", ""):
            self.field.setCurrentText(style.field)
        if isinstance(style, GraduatedStyle):
            self.method.setCurrentIndex(max(0, self.method.findData(style.method)))
            self.classes.setValue(style.classes)
        else:  # defaults for when the officer switches to a choropleth
            self.method.setCurrentIndex(self.method.findData(GraduatedStyle.method))
            self.classes.setValue(GraduatedStyle.classes)
        if getattr(style, "palette", None):
            self.palette.setCurrentIndex(max(0, self.palette.findData(style.palette)))
        self._fill_colour = style.symbol.fill
        self._paint_fill_button()
        self.size.setValue(style.max_size if isinstance(style, ProportionalStyle) else style.symbol.size)
        self.labels_on.setChecked(labels is not None and labels.visible)
        labels = labels or LabelStyle(field=self._default_label_field())
        if labels.field:
            self.label_field.setCurrentText(labels.field)
        self.label_size.setValue(labels.size)
        self.label_bold.setChecked(labels.bold)
        self.label_halo.setChecked(labels.halo_width > 0)

    def _default_label_field(self) -> str | None:
        fields = self._fields["all"]
        return "name" if "name" in fields else (fields[0] if fields else None)

    def _refill(self, kind: str) -> None:
        """Field and palette choices that make sense for ``kind``; unused rows hidden."""
        current = self.field.currentText()
        self.field.blockSignals(True)
        self.field.clear()
        self.field.addItems(self._fields["numeric" if kind in ("graduated", "proportional") else "all"])
        if current:
            self.field.setCurrentText(current)
        self.field.blockSignals(False)
        wanted = "categorical" if kind == "categorized" else "sequential"
        chosen = self.palette.currentData()
        self.palette.blockSignals(True)
        self.palette.clear()
        for name, pal in palettes().items():
            if pal.kind == wanted:
                text = pal.label + ("  ✓ colour-blind safe" if pal.colorblind_safe else "")
                self.palette.addItem(palette_icon(pal.ramp(min(len(pal.colors), 7))), text, name)
        self.palette.setCurrentIndex(max(0, self.palette.findData(chosen)))
        self.palette.blockSignals(False)
        shown = {"Field": kind != "single", "Method": kind == "graduated", "Classes": kind == "graduated",
                 "Palette": kind in ("graduated", "categorized"), "Colour": kind in ("single", "proportional"),
                 "Size": kind in ("single", "proportional")}
        for row in range(self._form.rowCount()):
            label = self._form.itemAt(row, QFormLayout.ItemRole.LabelRole).widget()
            self._form.setRowVisible(row, shown.get(label.text(), True))

    def _paint_fill_button(self) -> None:
        self.fill.setText(self._fill_colour)
        self.fill.setStyleSheet(f"background: {self._fill_colour}; color: white")

    def _pick_fill(self) -> None:
        colour = QColorDialog.getColor(QColor(self._fill_colour), self, "Fill colour")
        if colour.isValid():
            self._fill_colour = colour.name().upper()
            self._paint_fill_button()
            self._changed()

    # --- controls → model --------------------------------------------------------------------

    def current_style(self):
        kind = self.kind.currentData()
        symbol = dataclasses.replace(self.layer.style.symbol)
        field = self.field.currentText()
        if kind == "single":
            return SingleSymbolStyle(dataclasses.replace(symbol, fill=self._fill_colour, size=self.size.value()))
        if kind == "categorized":
            return CategorizedStyle(field=field, palette=self.palette.currentData(), symbol=symbol)
        if kind == "graduated":
            return GraduatedStyle(field=field, method=self.method.currentData(), classes=self.classes.value(),
                                  palette=self.palette.currentData(), symbol=symbol)
        return ProportionalStyle(field=field, max_size=self.size.value(),
                                 symbol=Symbol(fill=self._fill_colour, stroke="#FFFFFF", stroke_width=0.3,
                                               opacity=0.75))

    def current_labels(self) -> LabelStyle | None:
        if not self.labels_on.isChecked() or not self.label_field.currentText():
            return None
        return LabelStyle(field=self.label_field.currentText(), size=self.label_size.value(),
                          bold=self.label_bold.isChecked(), halo_width=0.4 if self.label_halo.isChecked() else 0.0)

    def _changed(self, *_args) -> None:
        if self._loading:
            return
        if self.sender() is self.kind:
            self._loading = True
            self._refill(self.kind.currentData())
            self._loading = False
        self.apply()

    def apply(self) -> bool:
        """Apply the controls to the layer; a style that cannot be drawn is explained, not applied."""
        try:
            style = self.current_style()
            validate_style(style, f"the style of '{self.layer.name}'")
            previous = (self.layer.style, self.layer.labels)
            self.layer.style, self.layer.labels = style, self.current_labels()
            try:
                self._update_preview()  # classifies: a field that cannot be classified fails here
            except PakmapError:
                self.layer.style, self.layer.labels = previous
                raise
            self.layer.update()  # one change signal: the canvas re-renders
        except PakmapError as exc:
            self.message.setText(str(exc))
            return False
        self.message.clear()
        return True

    def _update_preview(self) -> None:
        from pakmap.render import legend_items

        self.preview.clear()
        for item in legend_items(self.layer, self.threshold):
            self.preview.addItem(QListWidgetItem(swatch_icon(item), item.label))

    def reject(self) -> None:
        style, labels = self._original
        self.layer.update(style=style, labels=labels)
        super().reject()
