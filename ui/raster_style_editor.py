"""Raster layer style: band, colour ramp, stretch, no-data value and opacity, live on the map.

Like the vector style editor, each change builds a ``pakmap.style.RasterStyle`` and applies it
through the session (``Session.set_style``; the dialog's changes are one undo step), so the canvas behind the dialog is the preview; the ramp below the controls is what
the print legend shows (its end values: the stretch typed here, or "automatic" for the 2nd and 98th
percentiles of the data in view, which the renderer computes per view). A value that is not a
number, or a minimum not below the maximum, is explained under the controls and not applied. Cancel
puts back the style the layer had when the dialog opened; an undo or redo while the dialog is open
shows in its controls.
"""

from __future__ import annotations

import dataclasses
import itertools
import math

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor, QLinearGradient, QPainter, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
)

from pakmap.breaks import typed_number
from pakmap.errors import PakmapError, StyleError
from pakmap.numbers import exact_number_text, format_number
from pakmap.palettes import palette, palettes
from pakmap.session import Session
from pakmap.style import RasterStyle, validate_raster_style

from .style_editor import palette_icon

_DIALOGS = itertools.count(1)
TYPING_DELAY_MS = 400  # typed limits are applied once the officer pauses, not on every keystroke
SAMPLE_PX = 512  # "From data" looks at the whole raster at this size (GDAL reads overviews)


def parse_value(text: str, what: str) -> float | None:
    """A typed number (``1,500``, ``-9999``, ``0.25``), or None when the box is empty."""
    if not text.strip():
        return None
    value = typed_number(text)
    if not math.isfinite(value):
        raise StyleError(f"the {what} ('{text.strip()}') is not a number", fix="type a number, or leave the box empty")
    return value


def value_text(value: float | None) -> str:
    return "" if value is None else exact_number_text(value)


def ramp_pixmap(colors, width: int = 240, height: int = 16) -> QPixmap:
    """The palette as a continuous ramp, as the raster is coloured (interpolated between colours)."""
    pix = QPixmap(width, height)
    pix.fill(Qt.GlobalColor.white)
    p = QPainter(pix)
    gradient = QLinearGradient(0, 0, width, 0)
    for i, c in enumerate(colors):
        gradient.setColorAt(i / max(len(colors) - 1, 1), QColor(c))
    p.fillRect(0, 0, width, height, gradient)
    p.setPen(QColor("#888888"))
    p.drawRect(0, 0, width - 1, height - 1)
    p.end()
    return pix


class RasterStyleEditor(QDialog):
    """Edit one raster layer's style; changes show on the map as they are made."""

    def __init__(self, layer, parent=None, *, session: Session) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Style — {layer.name}")
        self.layer = layer
        self._original = layer.style
        self.session = session
        self._edit_key = ("raster style dialog", next(_DIALOGS))
        self._loading = True

        self.band = QSpinBox()
        self.band.setRange(1, max(1, layer.count))
        self.band.setToolTip(f"The raster has {layer.count} band(s)")
        self.palette = QComboBox()
        for name, pal in palettes().items():
            if pal.kind == "sequential":  # a continuous surface needs an ordered ramp
                text = pal.label + ("  ✓ colour-blind safe" if pal.colorblind_safe else "")
                self.palette.addItem(palette_icon(pal.ramp(min(len(pal.colors), 7))), text, name)
        self.vmin = QLineEdit()
        self.vmin.setPlaceholderText("automatic: 2nd percentile in view")
        self.vmax = QLineEdit()
        self.vmax.setPlaceholderText("automatic: 98th percentile in view")
        self.from_data = QPushButton("From data")
        self.from_data.setToolTip(
            "Fill in the 2nd and 98th percentiles of the whole raster, to fix the stretch for every view and page"
        )
        self.automatic = QPushButton("Automatic")
        self.automatic.setToolTip("Empty both limits: each view is stretched to its own data")
        self.nodata = QLineEdit()
        self.nodata.setPlaceholderText("e.g. -9999")
        self.nodata.setToolTip("Pixels with this value are transparent, besides the file's own no-data value")
        self.file_nodata = QLabel(
            "none declared" if layer.nodata is None else f"{value_text(layer.nodata)} (always transparent)"
        )
        self.file_nodata.setStyleSheet("color: #666666")
        self.opacity = QSpinBox()
        self.opacity.setRange(0, 100)
        self.opacity.setSuffix(" %")

        colours = QGroupBox("Colours")
        form = QFormLayout(colours)
        form.addRow("Band", self.band)
        form.addRow("Palette", self.palette)
        form.addRow("Minimum", self.vmin)
        form.addRow("Maximum", self.vmax)
        stretch_buttons = QHBoxLayout()
        stretch_buttons.addWidget(self.from_data)
        stretch_buttons.addWidget(self.automatic)
        stretch_buttons.addStretch(1)
        form.addRow("", stretch_buttons)
        form.addRow("Opacity", self.opacity)
        nodata_box = QGroupBox("No data")
        nform = QFormLayout(nodata_box)
        nform.addRow("Declared in the file", self.file_nodata)
        nform.addRow("Also transparent", self.nodata)

        self.ramp = QLabel()
        self.ramp_label = QLabel()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #B3261E")
        self.message.setMinimumHeight(2 * self.message.fontMetrics().lineSpacing())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(colours)
        layout.addWidget(nodata_box)
        layout.addWidget(QLabel("Legend preview"))
        layout.addWidget(self.ramp)
        layout.addWidget(self.ramp_label)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

        self._typing = QTimer(self)
        self._typing.setSingleShot(True)
        self._typing.setInterval(TYPING_DELAY_MS)
        self._typing.timeout.connect(self.apply)
        self._show(layer.style)
        for signal in (self.band.valueChanged, self.palette.currentIndexChanged, self.opacity.valueChanged):
            signal.connect(self._changed)
        for edit in (self.vmin, self.vmax, self.nodata):
            edit.textEdited.connect(lambda _text: self._typing.start())
            edit.editingFinished.connect(self._typed)
        self.from_data.clicked.connect(self.fill_from_data)
        self.automatic.clicked.connect(self._automatic)
        self._loading = False
        self._applying = False
        self._update_preview(layer.style)
        session.layer_changed.connect(self._layer_changed)
        self.finished.connect(lambda _result: session.layer_changed.disconnect(self._layer_changed))

    # --- model → controls --------------------------------------------------------------------

    def _layer_changed(self, layer) -> None:
        """Undo or redo of this layer's style while the dialog is open: the controls show it."""
        if layer is not self.layer or self._applying:
            return
        self._typing.stop()  # a value half typed is dropped: the restored style is what the map shows
        self._loading = True
        self._show(layer.style)
        self._loading = False
        self.message.clear()
        self._update_preview(layer.style)

    def _show(self, style: RasterStyle) -> None:
        self.band.setValue(style.band)
        self.palette.setCurrentIndex(max(0, self.palette.findData(style.palette)))
        self.vmin.setText(value_text(style.vmin))
        self.vmax.setText(value_text(style.vmax))
        self.nodata.setText(value_text(style.nodata))
        self.opacity.setValue(round(100 * style.opacity))

    def _update_preview(self, style: RasterStyle) -> None:
        self.ramp.setPixmap(ramp_pixmap(palette(style.palette).colors))
        low = "automatic" if style.vmin is None else format_number(style.vmin)
        high = "automatic" if style.vmax is None else format_number(style.vmax)
        note = (
            ""
            if style.vmin is not None and style.vmax is not None
            else "  (automatic: the 2nd / 98th percentile of the data in view)"
        )
        self.ramp_label.setText(f"{low} – {high}{note}")

    # --- controls → model --------------------------------------------------------------------

    def current_style(self) -> RasterStyle:
        style = dataclasses.replace(
            self.layer.style,
            band=self.band.value(),
            palette=self.palette.currentData(),
            vmin=parse_value(self.vmin.text(), "minimum"),
            vmax=parse_value(self.vmax.text(), "maximum"),
            nodata=parse_value(self.nodata.text(), "no-data value"),
            opacity=self.opacity.value() / 100,
        )
        if style.vmin is not None and style.vmax is not None and not style.vmin < style.vmax:
            raise StyleError(
                f"the minimum ({value_text(style.vmin)}) is not below the maximum ({value_text(style.vmax)})",
                fix="swap them, or empty one for the automatic stretch",
            )
        validate_raster_style(style, f"the style of '{self.layer.name}'")
        return style

    def _changed(self, *_args) -> None:
        if not self._loading:
            self.apply()

    def _typed(self) -> None:
        if self._typing.isActive():  # Enter or leaving the box: no need to wait for the pause
            self._typing.stop()
            self.apply()

    def apply(self) -> bool:
        """Apply the controls to the layer; values that cannot be drawn are explained, not applied."""
        try:
            style = self.current_style()
        except PakmapError as exc:
            self.message.setText(str(exc))
            return False
        self.message.clear()
        self._update_preview(style)
        if style != self.layer.style:  # the canvas re-renders; the dialog's changes are one undo step
            self._applying = True
            try:
                self.session.set_style(self.layer.name, style, merge_key=self._edit_key)
            finally:
                self._applying = False
        return True

    def fill_from_data(self) -> bool:
        """Set the limits to the 2nd and 98th percentiles of the whole raster (three figures)."""
        from pakmap.mapview import MapView, fit_extent
        from pakmap.render.raster import legend_limits, read_window

        self._typing.stop()
        if not self.apply():  # the sample is read with the band and no-data value in the boxes
            return False
        view = MapView(
            (self.layer,), fit_extent(self.layer.bounds, SAMPLE_PX, SAMPLE_PX), self.layer.crs, SAMPLE_PX, SAMPLE_PX
        )
        try:
            values = read_window(self.layer, view, SAMPLE_PX, SAMPLE_PX)
        except PakmapError as exc:
            self.message.setText(str(exc))
            return False
        limits = legend_limits(values, None, None)  # the percentiles, rounded as the legend shows them
        if limits is None:
            self.message.setText("the raster has no data values to take a stretch from — type the limits")
            return False
        low, high = limits
        if not low < high:
            top = float(np.nanmax(values))
            high = top if top > low else low + 1
        self.vmin.setText(value_text(low))
        self.vmax.setText(value_text(high))
        return self.apply()

    def _automatic(self) -> None:
        self.vmin.clear()
        self.vmax.clear()
        self.apply()

    def keyPressEvent(self, event) -> None:
        # Enter in a value box applies that value (the map shows it); it must not also press OK.
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and isinstance(self.focusWidget(), QLineEdit):
            self._typing.stop()
            self.apply()
            event.accept()
            return
        super().keyPressEvent(event)

    def accept(self) -> None:
        """OK keeps the controls' style; a value still being typed is applied first, and values that
        cannot be drawn keep the dialog open with their message."""
        if self._typing.isActive() or self.message.text():
            self._typing.stop()
            if not self.apply():
                return
        super().accept()

    def reject(self) -> None:
        self._typing.stop()
        if any(l is self.layer for l in self.session.layers):  # not a layer removed meanwhile
            self.session.set_style(self.layer.name, self._original, merge_key=self._edit_key)
        super().reject()
