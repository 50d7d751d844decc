"""Layer properties: symbology (single, categorized, graduated, proportional) and labels, live.

Every change of a control builds a style value from ``pakmap.style`` and applies it to the layer
through the session (``Session.set_style``; the dialog's changes are one undo step), so the canvas behind the dialog is the live preview; the legend preview below
the controls lists exactly what the print legend will (``pakmap.render.legend_items``). Cancel puts
the layer's style back as it was when the dialog opened.

Graduated styles take a method and a class count, or manual breaks: upper bounds typed one per line
(thousands separators allowed). Choosing "Manual breaks" fills the box with the classes on the map,
to be rounded or moved; a bound that is not a number, or not above the one before, is explained under
the controls and the layer keeps its last valid style. "Round bounds" is the style's
``round_bounds``: computed bounds rounded to readable numbers before classifying, as the print
legend shows them. A histogram of the field's values shows where the class bounds cut them.

The symbol rows say what they size for the layer's geometry: a polygon's fill, opacity and outline;
"Fill transparency" fades the fill alone (``Symbol.fill_opacity``), so a choropleth over a raster lets
it show through while the boundaries stay crisp;
a line's colour, width and dash; a point's marker size and outline; a proportional circle's largest
diameter. Sizes are millimetres on the page.
"""

from __future__ import annotations

import dataclasses
import itertools

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QColorDialog,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from pakmap.breaks import parse_breaks, round_bounds
from pakmap.errors import PakmapError
from pakmap.field_kinds import KIND_TITLES, declared, from_project, infer_kind, numeric_values, project_declarations
from pakmap.field_kinds import KINDS as FIELD_KINDS
from pakmap.numbers import exact_number_text
from pakmap.palettes import palettes
from pakmap.render.styling import field_numbers, symbolize
from pakmap.session import Session
from pakmap.style import (
    CLASSIFICATION_METHODS,
    KEEP,
    LINE_STYLES,
    MARKERS,
    CategorizedStyle,
    GraduatedStyle,
    LabelStyle,
    ProportionalStyle,
    SingleSymbolStyle,
    kept_breaks,
    two_line_fields,
    validate_style,
)

from .icons import legend_item_pixmap, swatch_pixmap
from .value_histogram import ValueHistogram

KINDS = [
    ("single", "Single symbol"),
    ("categorized", "Categorized (unique values)"),
    ("graduated", "Graduated (choropleth)"),
    ("proportional", "Proportional symbols"),
]
METHOD_LABELS = {
    "quantiles": "Quantiles",
    "natural_breaks": "Natural breaks (Jenks)",
    "equal_interval": "Equal interval",
    "std_mean": "Standard deviation",
    "manual": "Manual breaks",
}


LINE_STYLE_LABELS = {"solid": "Solid", "dash": "Dashed", "dot": "Dotted"}
# What each symbol row is called for the layer's geometry ("polygon", "line", "point"); a row not
# named for a geometry is not shown for it (a polygon has no marker size, a line no fill).
ROW_TITLES = {
    "Colour": {"polygon": "Fill colour", "line": "Line colour", "point": "Fill colour"},
    "Marker": {"point": "Marker"},
    "Size": {"point": "Marker size"},
    "Opacity": {"polygon": "Opacity", "line": "Opacity", "point": "Opacity"},
    "Fill transparency": {"polygon": "Fill transparency", "point": "Fill transparency"},
    "Outline": {"polygon": "Outline colour", "point": "Outline colour"},
    "Width": {"polygon": "Outline width", "line": "Line width", "point": "Outline width"},
    "Line style": {"polygon": "Outline style", "line": "Line style"},
}


def geometry_of(layer) -> str:
    """``polygon``, ``line`` or ``point``: what the layer's symbol draws (mixed layers: polygon)."""
    return {"Point": "point", "LineString": "line"}.get(layer.geometry_type, "polygon")


_DIALOGS = itertools.count(1)
NO_SECOND_LINE = "(none)"
BREAKS_DELAY_MS = 400  # typing in the breaks box re-classifies once the officer pauses, not per keystroke


def palette_icon(colors, width: int = 60, height: int = 14) -> QIcon:
    pix = QPixmap(width, height)
    p = QPainter(pix)
    step = width / max(len(colors), 1)
    for i, c in enumerate(colors):
        p.fillRect(round(i * step), 0, round(step) + 1, height, QColor(c))
    p.end()
    return QIcon(pix)


def swatch_icon(item) -> QIcon:
    """A legend swatch for one ``LegendItem``, drawn as the layers panel draws it."""
    return QIcon(legend_item_pixmap(item))


def _side_by_side(main: QWidget, beside: QWidget) -> QWidget:
    """One form row holding ``main`` (stretched) and ``beside`` it."""
    box = QWidget()
    row = QHBoxLayout(box)
    row.setContentsMargins(0, 0, 0, 0)
    row.addWidget(main, 1)
    row.addWidget(beside)
    return box


def _no_colour(colour: str | None) -> bool:
    """A fill or outline that draws nothing: "none", or a colour with no alpha (``#00000000``)."""
    return not colour or colour.lower() in ("none", "transparent") or (len(colour) == 9 and colour[1:3] == "00")


class StyleEditor(QDialog):
    """Edit one vector layer's style and labels; changes show on the map as they are made."""

    def __init__(self, layer, threshold: int | None = None, parent=None, *, session: Session) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Style — {layer.name}")
        self.layer = layer
        self.session = session
        self.threshold = threshold
        self._original = (layer.style, layer.labels, dict(layer.declared_kinds))
        self._kinds = dict(layer.declared_kinds)  # the field kinds as chosen in the dialog
        # Every live change of this dialog, and Cancel, is one undo step together.
        self._edit_key = ("style dialog", next(_DIALOGS))
        self._loading = True
        # Text columns of numbers ("1,204", "-") too: they are classified as numbers (pakmap.field_kinds).
        numeric = [c for c in layer.fields if numeric_values(layer.values(c)) is not None]
        self._fields = {"all": list(layer.fields), "numeric": numeric}

        self.kind = QComboBox()
        for key, text in KINDS:
            self.kind.addItem(text, key)
        self.field = QComboBox()
        # What the chosen field is: only a count is suppressed below the threshold ("<5").
        self.field_kind = QComboBox()
        self.field_kind.setToolTip(
            'Only counts of people or things are shown as "<5" below the protection '
            "threshold; a rate, share, area or code is never suppressed."
        )
        self.method = QComboBox()
        for key in CLASSIFICATION_METHODS:
            self.method.addItem(METHOD_LABELS[key], key)
        self._auto_method = GraduatedStyle.method  # the method "Manual breaks" takes its first bounds from
        self.classes = QSpinBox()
        self.classes.setRange(1, 12)
        self.keep = QCheckBox("Keep these classes for next month's map")
        self.keep.setToolTip(
            'Saving the project records the class bounds (breaks = "keep"), so the next '
            "edition is drawn with the same classes and the maps compare."
        )
        self.breaks = QPlainTextEdit()
        self.breaks.setPlaceholderText("one upper bound per line, smallest first, e.g.\n100,000\n500,000\n1,000,000")
        self.breaks.setToolTip(
            "The upper bound of each class, smallest first. Values above the last bound form one more class."
        )
        self.breaks.setFixedHeight(self.breaks.fontMetrics().lineSpacing() * 6 + 10)
        self._breaks_timer = QTimer(self)
        self._breaks_timer.setSingleShot(True)
        self._breaks_timer.setInterval(BREAKS_DELAY_MS)
        self._breaks_timer.timeout.connect(self._breaks_edited)
        self.palette = QComboBox()
        self.round = QCheckBox("Round bounds to readable numbers")
        self.round.setToolTip(
            "6,500 – 15,000 instead of 6,471 – 15,278: the bounds are rounded before the districts are "
            "classified, so map and legend agree. Untick for the exact bounds."
        )
        self.histogram = ValueHistogram()
        self.geometry = geometry_of(layer)
        self.fill = QPushButton()
        self.fill.clicked.connect(self._pick_fill)
        outline = layer.style.symbol.stroke
        # An outline-only layer given a fill takes its outline's colour (the layer's own colour).
        self._fill_colour = "#0072BC" if _no_colour(outline) or outline.upper() in ("#FFFFFF", "#FFF") else outline
        self.no_fill = QCheckBox("Outline only")
        self.no_fill.setToolTip("No fill: the layers beneath show through (province borders over districts)")
        fill_box = _side_by_side(self.fill, self.no_fill)
        self.size = QDoubleSpinBox()
        self.size.setRange(0.5, 40)
        self.size.setSuffix(" mm")
        self.opacity = QSlider(Qt.Orientation.Horizontal)
        self.opacity.setRange(0, 100)
        self.opacity_text = QLabel()
        self.opacity_text.setMinimumWidth(self.opacity_text.fontMetrics().horizontalAdvance("100 %") + 4)
        opacity_box = _side_by_side(self.opacity, self.opacity_text)
        opacity_box.setToolTip("0 %: transparent, 100 %: opaque (the fill and its outline)")
        self.fill_transparency = QSlider(Qt.Orientation.Horizontal)
        self.fill_transparency.setRange(0, 100)
        self.fill_transparency_text = QLabel()
        self.fill_transparency_text.setMinimumWidth(self.opacity_text.minimumWidth())
        transparency_box = _side_by_side(self.fill_transparency, self.fill_transparency_text)
        transparency_box.setToolTip(
            "0 %: an opaque fill, 100 %: no fill; the outline stays opaque (a choropleth over a raster)"
        )
        self.stroke = QPushButton()
        self.stroke.clicked.connect(self._pick_stroke)
        self.stroke_width = QDoubleSpinBox()
        self.stroke_width.setRange(0.0, 5.0)
        self.stroke_width.setSingleStep(0.05)
        self.stroke_width.setDecimals(2)
        self.stroke_width.setSuffix(" mm")
        self.line_style = QComboBox()
        for key in LINE_STYLES:
            self.line_style.addItem(LINE_STYLE_LABELS[key], key)
        self.marker = QComboBox()
        for key in MARKERS:
            self.marker.addItem(QIcon(swatch_pixmap("marker", "#0072BC", "#FFFFFF", marker_name=key)), key.title(), key)

        sym = QGroupBox("Symbology")
        form = QFormLayout(sym)
        form.addRow("Type", self.kind)
        form.addRow("Field", self.field)
        form.addRow("Field is", self.field_kind)
        form.addRow("Method", self.method)
        form.addRow("Classes", self.classes)
        form.addRow("Keep", self.keep)
        form.addRow("Round", self.round)
        breaks_hint = QLabel("Values above the last bound form one more class.")
        breaks_hint.setStyleSheet("color: #666666")
        breaks_box = QWidget()
        breaks_layout = QVBoxLayout(breaks_box)
        breaks_layout.setContentsMargins(0, 0, 0, 0)
        breaks_layout.addWidget(self.breaks)
        breaks_layout.addWidget(breaks_hint)
        form.addRow("Breaks", breaks_box)
        form.addRow("Palette", self.palette)
        form.addRow("Values", self.histogram)
        # Symbol rows: the key names the row; its label says what it is for this geometry (ROW_TITLES).
        self._row_labels: dict[str, QLabel] = {}
        for key, widget in (
            ("Colour", fill_box),
            ("Marker", self.marker),
            ("Size", self.size),
            ("Opacity", opacity_box),
            ("Fill transparency", transparency_box),
            ("Outline", self.stroke),
            ("Width", self.stroke_width),
            ("Line style", self.line_style),
        ):
            label = QLabel(ROW_TITLES[key].get(self.geometry, key))
            self._row_labels[key] = label
            form.addRow(label, widget)
        self._form = form

        self.labels_on = QGroupBox("Labels")
        self.labels_on.setCheckable(True)
        self.label_field = QComboBox()
        self.label_field.addItems(self._fields["all"])
        # A bilingual label: the English name above the Urdu one ("{name}\n{name_local}").
        self.label_second = QComboBox()
        self.label_second.addItem(NO_SECOND_LINE, None)
        for name in self._fields["all"]:
            self.label_second.addItem(name, name)
        self.label_second.setToolTip("A second line under the label, e.g. the local (Urdu) name under the English one")
        self.label_size = QDoubleSpinBox()
        self.label_size.setRange(4, 36)
        self.label_size.setSuffix(" pt")
        self.label_bold = QCheckBox("Bold")
        self.label_halo = QCheckBox("White halo")
        lform = QFormLayout(self.labels_on)
        lform.addRow("Field", self.label_field)
        lform.addRow("Second line", self.label_second)
        lform.addRow("Size", self.label_size)
        lform.addRow("", self.label_bold)
        lform.addRow("", self.label_halo)

        self.preview = QListWidget()
        self.preview.setFixedHeight(140)  # a five-class legend and its "No data" row without scrolling
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #B3261E")
        self.message.setMinimumHeight(2 * self.message.fontMetrics().lineSpacing())  # a wrapped message fits
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
        self.breaks.textChanged.connect(self._breaks_typed)
        self.field_kind.currentIndexChanged.connect(self._kind_chosen)
        self.field.currentIndexChanged.connect(self._show_field_kind)
        for signal in (
            self.kind.currentIndexChanged,
            self.field.currentIndexChanged,
            self.method.currentIndexChanged,
            self.classes.valueChanged,
            self.keep.toggled,
            self.palette.currentIndexChanged,
            self.size.valueChanged,
            self.round.toggled,
            self.no_fill.toggled,
            self.stroke_width.valueChanged,
            self.line_style.currentIndexChanged,
            self.marker.currentIndexChanged,
            self.labels_on.toggled,
            self.label_field.currentIndexChanged,
            self.label_second.currentIndexChanged,
            self.label_size.valueChanged,
            self.label_bold.toggled,
            self.label_halo.toggled,
        ):
            signal.connect(self._changed)
        self.opacity.valueChanged.connect(self._opacity_moved)
        self.fill_transparency.valueChanged.connect(self._fill_transparency_moved)
        self._loading = False
        self._update_preview()
        self._applying = False
        session.layer_changed.connect(self._layer_changed)
        self.finished.connect(lambda _result: session.layer_changed.disconnect(self._layer_changed))

    # --- model → controls --------------------------------------------------------------------

    def _layer_changed(self, layer) -> None:
        """Undo or redo of this layer's style while the dialog is open: the controls show it."""
        if layer is not self.layer or self._applying:
            return
        self._loading = True
        self._kinds = dict(layer.declared_kinds)
        self._show(layer.style, layer.labels)
        self._loading = False
        self.message.clear()
        self._update_preview()

    def _show(self, style, labels) -> None:
        self.kind.setCurrentIndex(self.kind.findData(style.kind))
        self._refill(style.kind)
        if getattr(style, "field", ""):
            self.field.setCurrentText(style.field)
        if isinstance(style, GraduatedStyle):
            self.method.setCurrentIndex(max(0, self.method.findData(style.method)))
            self.classes.setValue(style.classes)
            if style.method == "manual" and isinstance(style.breaks, list):
                self.breaks.setPlainText("\n".join(exact_number_text(b) for b in style.breaks))
            self.keep.setChecked(style.breaks == KEEP or kept_breaks(style))
            if kept_breaks(style):
                self.keep.setToolTip(f"Classes kept from {style.breaks_kept_from}. Untick to compute them again.")
            if style.method != "manual":
                self._auto_method = style.method
        else:  # defaults for when the officer switches to a choropleth
            self.method.setCurrentIndex(self.method.findData(GraduatedStyle.method))
            self.classes.setValue(GraduatedStyle.classes)
        self.round.setChecked(style.round_bounds if isinstance(style, GraduatedStyle) else GraduatedStyle.round_bounds)
        if getattr(style, "palette", None):
            self.palette.setCurrentIndex(max(0, self.palette.findData(style.palette)))
        self._show_symbol(style.symbol, style.max_size if isinstance(style, ProportionalStyle) else None)
        self.labels_on.setChecked(labels is not None and labels.visible)
        labels = labels or LabelStyle(field=self._default_label_field())
        two_lines = two_line_fields(labels)
        if labels.field or two_lines:
            self.label_field.setCurrentText(two_lines[0] if two_lines else labels.field)
        self.label_second.setCurrentIndex(max(0, self.label_second.findData(two_lines[1] if two_lines else None)))
        self.label_size.setValue(labels.size)
        self.label_bold.setChecked(labels.bold)
        self.label_halo.setChecked(labels.halo_width > 0)
        # What the dialog does not show (colour, halo colour, priority, placement, an expression) is
        # kept from the labels it was opened with.
        self._loaded_labels, self._loaded_label_field = labels, self.label_field.currentText()
        self._show_field_kind()
        self._show_rows()

    def _show_symbol(self, symbol, max_size: float | None = None) -> None:
        """The symbol rows from ``symbol`` (``max_size``: a proportional style's largest circle)."""
        outline_only = _no_colour(symbol.fill)
        self.no_fill.setChecked(outline_only and self.geometry == "polygon")
        if not outline_only:  # else the last fill is kept for when "Outline only" is unticked
            self._fill_colour = symbol.fill
        self._stroke_colour = symbol.stroke
        self._paint_colour_buttons()
        self.size.setValue(max_size if max_size is not None else symbol.size)
        self.stroke_width.setValue(symbol.stroke_width)
        self.line_style.setCurrentIndex(max(0, self.line_style.findData(symbol.line_style)))
        self.marker.setCurrentIndex(max(0, self.marker.findData(symbol.marker)))
        self.opacity.setValue(round(100 * symbol.opacity))
        self.opacity_text.setText(f"{self.opacity.value()} %")
        self.fill_transparency.setValue(round(100 * (1 - symbol.fill_opacity)))
        self.fill_transparency_text.setText(f"{self.fill_transparency.value()} %")

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
        self._show_field_kind()
        self._show_rows()

    def _show_rows(self) -> None:
        """Only the rows that mean something for the chosen kind (and method) and the layer's
        geometry are shown, each named for what it sets there."""
        kind = self.kind.currentData()
        graduated = kind == "graduated"
        manual = graduated and self.method.currentData() == "manual"
        geometry = "point" if kind == "proportional" else self.geometry
        shown = {
            "Field": kind != "single",
            "Field is": kind != "single",
            "Method": graduated,
            "Classes": graduated and not manual,
            "Keep": graduated and not manual,
            "Round": graduated and not manual,
            "Breaks": manual,
            "Palette": kind in ("graduated", "categorized"),
            "Values": kind in ("graduated", "proportional"),
        }
        for key, label in self._row_labels.items():
            title = ROW_TITLES[key].get(geometry)
            if kind == "proportional" and key in ("Colour", "Size"):
                title = {"Colour": "Circle colour", "Size": "Largest circle"}[key]
            if key in ("Line style", "Marker") and kind == "proportional":
                title = None
            if key == "Colour" and kind in ("graduated", "categorized"):
                title = None  # the palette colours the classes
            shown[key] = title is not None
            label.setText(title or key)
        self.no_fill.setVisible(kind == "single" and self.geometry == "polygon")
        self.fill.setEnabled(not (self.no_fill.isChecked() and kind == "single" and self.geometry == "polygon"))
        for row in range(self._form.rowCount()):
            label = self._form.itemAt(row, QFormLayout.ItemRole.LabelRole).widget()
            key = next((k for k, w in self._row_labels.items() if w is label), label.text())
            self._form.setRowVisible(row, shown.get(key, True))
        # A row shown after the dialog opened (the breaks box) must not squeeze the others: grow to fit.
        self.layout().activate()
        if self.height() < self.sizeHint().height():
            self.resize(self.width(), self.sizeHint().height())

    def _show_field_kind(self, *_args) -> None:
        """The chosen field's kind: "Automatic" says what the rules decided and why."""
        field = self.field.currentText()
        self.field_kind.blockSignals(True)
        self.field_kind.clear()
        if field:
            catalog = self._original[2].get(field)
            guessed = (
                catalog
                if catalog is not None and not from_project(catalog)
                else infer_kind(field, self.layer.values(field))
            )
            self.field_kind.addItem(
                f"Automatic: {guessed.kind} ({guessed.reason})" if guessed else "Automatic: text", None
            )
            for kind in FIELD_KINDS:
                self.field_kind.addItem(KIND_TITLES[kind][:1].upper() + KIND_TITLES[kind][1:], kind)
            chosen = project_declarations(self.layer).get(field)
            self.field_kind.setCurrentIndex(max(0, self.field_kind.findData(chosen)) if chosen else 0)
        self.field_kind.blockSignals(False)

    def _kind_chosen(self, *_args) -> None:
        """Declare the field's kind in the project (saved as ``[layers.fields]``) and redraw."""
        field, kind = self.field.currentText(), self.field_kind.currentData()
        kinds = dict(self._kinds)
        kinds.pop(field, None)
        if kind is not None:
            kinds.update(declared({field: kind}))
        elif field in self._original[2] and not from_project(self._original[2][field]):
            kinds[field] = self._original[2][field]  # back to automatic: the catalog's declaration again
        self._kinds = kinds
        self.apply()

    def _paint_colour_buttons(self) -> None:
        for button, colour in ((self.fill, self._fill_colour), (self.stroke, self._stroke_colour)):
            if _no_colour(colour):
                button.setText("none")
                button.setStyleSheet("")
                continue
            button.setText(colour)
            text = "black" if QColor(colour).lightnessF() > 0.6 else "white"
            button.setStyleSheet(f"background: {colour}; color: {text}")

    def _pick_fill(self) -> None:
        colour = QColorDialog.getColor(QColor(self._fill_colour), self, "Fill colour")
        if colour.isValid():
            self._fill_colour = colour.name().upper()
            self._paint_colour_buttons()
            self._changed()

    def _pick_stroke(self) -> None:
        start = QColor("#FFFFFF" if _no_colour(self._stroke_colour) else self._stroke_colour)
        colour = QColorDialog.getColor(start, self, "Outline colour")
        if colour.isValid():
            self._stroke_colour = colour.name().upper()
            self._paint_colour_buttons()
            self._changed()

    def _opacity_moved(self, value: int) -> None:
        self.opacity_text.setText(f"{value} %")
        self._changed()

    def _fill_transparency_moved(self, value: int) -> None:
        self.fill_transparency_text.setText(f"{value} %")
        self._changed()

    def _fill_breaks_from_classes(self) -> None:
        """Start manual breaks from the classes of the method used so far, rounded for reading."""
        from pakmap.classify import classify

        field = self.field.currentText()
        if not field or field not in self._fields["numeric"]:
            return
        try:
            bins = classify(self.layer.values(field), self._auto_method, self.classes.value()).bins
        except PakmapError:
            return  # nothing to start from: the officer types the bounds
        if bins:
            self.breaks.blockSignals(True)
            self.breaks.setPlainText("\n".join(exact_number_text(b) for b in round_bounds(bins)))
            self.breaks.blockSignals(False)

    def _breaks_typed(self) -> None:
        if not self._loading:
            self._breaks_timer.start()  # restarts on every keystroke

    def _breaks_edited(self) -> None:
        if not self._loading and self.method.currentData() == "manual":
            self.apply()

    # --- controls → model --------------------------------------------------------------------

    def current_style(self):
        kind = self.kind.currentData()
        symbol = dataclasses.replace(
            self.layer.style.symbol,
            stroke=self._stroke_colour,
            stroke_width=self.stroke_width.value(),
            opacity=self.opacity.value() / 100,
            fill_opacity=(100 - self.fill_transparency.value()) / 100,
            line_style=self.line_style.currentData(),
            marker=self.marker.currentData(),
        )
        field = self.field.currentText()
        if kind == "single":
            fill = "none" if self.no_fill.isChecked() and self.geometry == "polygon" else self._fill_colour
            return SingleSymbolStyle(dataclasses.replace(symbol, fill=fill, size=self.size.value()))
        if kind == "categorized":
            return CategorizedStyle(field=field, palette=self.palette.currentData(), symbol=symbol)
        if kind == "graduated":
            method = self.method.currentData()
            breaks = parse_breaks(self.breaks.toPlainText()) if method == "manual" else None
            # Settings the dialog does not show (no-data colour and label) are kept from the layer's style.
            base = self.layer.style if isinstance(self.layer.style, GraduatedStyle) else GraduatedStyle()
            style = dataclasses.replace(
                base,
                field=field,
                method=method,
                classes=self.classes.value(),
                breaks=breaks,
                breaks_kept_from="",
                breaks_lower=None,
                round_bounds=self.round.isChecked(),
                palette=self.palette.currentData(),
                symbol=symbol,
            )
            if method != "manual" and self.keep.isChecked():
                settings = ("field", "method", "classes", "round_bounds")
                same = all(getattr(base, key) == getattr(style, key) for key in settings)
                # Bounds already kept stay kept; any other choice is computed and kept on save.
                if same and kept_breaks(base):
                    return dataclasses.replace(
                        style,
                        breaks=base.breaks,
                        breaks_kept_from=base.breaks_kept_from,
                        breaks_lower=base.breaks_lower,
                    )
                return dataclasses.replace(style, breaks=KEEP)
            return style
        circle = dataclasses.replace(symbol, fill=self._fill_colour, line_style="solid")
        return ProportionalStyle(field=field, max_size=self.size.value(), symbol=circle)

    def current_labels(self) -> LabelStyle | None:
        if not self.labels_on.isChecked() or not self.label_field.currentText():
            return None
        base = self._loaded_labels
        field: str | None = self.label_field.currentText()
        expression = base.expression
        second = self.label_second.currentData()
        if second and second != field:
            field, expression = None, f"{{{field}}}\n{{{second}}}"
        elif two_line_fields(base):
            expression = None  # the second line was taken away: the label is its field again
        elif base.expression and not base.field and field == self._loaded_label_field:
            field = None  # an expression label stays one until the officer picks a field
        halo = (base.halo_width or LabelStyle.halo_width) if self.label_halo.isChecked() else 0.0
        return dataclasses.replace(
            base,
            field=field,
            expression=expression,
            size=self.label_size.value(),
            bold=self.label_bold.isChecked(),
            halo_width=halo,
            visible=True,
        )

    def _changed(self, *_args) -> None:
        if self._loading:
            return
        if self.sender() is self.kind:
            self._loading = True
            self._refill(self.kind.currentData())
            was = self.layer.style
            if self.kind.currentData() == "proportional" and not isinstance(was, ProportionalStyle):
                # Overlapping circles: see-through, white-edged (ProportionalStyle's own symbol).
                start = ProportionalStyle()
                self._show_symbol(dataclasses.replace(start.symbol, fill=self._fill_colour), start.max_size)
            elif isinstance(was, ProportionalStyle) and self.kind.currentData() != "proportional":
                self._show_symbol(dataclasses.replace(type(was.symbol)(), fill=was.symbol.fill))
            self._loading = False
        if self.sender() is self.no_fill:
            self.fill.setEnabled(not self.no_fill.isChecked())
        if self.sender() in (self.kind, self.method):
            if self.method.currentData() != "manual":
                self._auto_method = self.method.currentData()
            elif self.kind.currentData() == "graduated" and not self.breaks.toPlainText().strip():
                self._fill_breaks_from_classes()
            self._show_rows()
        self.apply()

    def apply(self) -> bool:
        """Apply the controls to the layer; a style that cannot be drawn is explained, not applied."""
        layer = self.layer
        try:
            style = self.current_style()
            validate_style(style, f"the style of '{layer.name}'")
            labels = self.current_labels()
            previous = (layer.style, layer.labels, layer.declared_kinds)
            # The legend preview classifies with the new style: a field that cannot be classified
            # fails here, before the project is changed.
            layer.style, layer.labels, layer.declared_kinds = style, labels, self._kinds
            try:
                self._update_preview()
            finally:
                layer.style, layer.labels, layer.declared_kinds = previous
            self._applying = True
            try:
                self.session.set_style(layer.name, style, labels, self._kinds, merge_key=self._edit_key)
            finally:
                self._applying = False
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
        self._update_histogram()

    def _update_histogram(self) -> None:
        """The mapped field's values, and the class bounds the map is drawn with (the top one is the maximum)."""
        style = self.layer.style
        if not isinstance(style, (GraduatedStyle, ProportionalStyle)):
            return
        self.histogram.set_values(field_numbers(self.layer, style.field).to_numpy(dtype=float))
        drawn = symbolize(self.layer, self.threshold)
        colours = [c.fill for c in drawn.classes if not c.nodata]
        self.histogram.set_classes(drawn.breaks.bins if drawn.breaks is not None else (), colours)

    def accept(self) -> None:
        """OK keeps the controls' style; bounds still being typed are applied first, and a style
        that cannot be drawn keeps the dialog open with its message."""
        if self._breaks_timer.isActive() or self.message.text():
            self._breaks_timer.stop()
            if not self.apply():
                return
        super().accept()

    def reject(self) -> None:
        self._breaks_timer.stop()
        style, labels, kinds = self._original
        if any(l is self.layer for l in self.session.layers):  # not a layer removed or re-joined meanwhile
            self.session.set_style(self.layer.name, style, labels, kinds, merge_key=self._edit_key)
        super().reject()
