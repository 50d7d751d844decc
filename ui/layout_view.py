"""Print layout: a page preview with the template's fields editable, and export.

The preview is the real page (``pakmap.layout.compose_page`` + ``paint_page``, the code the PDF
export runs) painted at screen resolution in the background whenever a field changes. Export goes
through ``pakmap.jobs.outputs.write_output`` like the command line, so the data-protection guard and the
export record are never skipped: PDF, PNG, SVG (print) or HTML (web map), and atlases (one page per
feature of a coverage layer).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from pakmap.layer import VectorLayer
from pakmap.project.model import ChartSpec
from pakmap.session import Session

from .chart_dialog import ChartDialog
from .protection_panel import ProtectionPanel
from .tasks import TaskRunner

PREVIEW_DPI = 60
PRINT_DPI = 300  # the export's default resolution: the preview is laid out as that PDF
TYPING_PAUSE_MS = 250  # a pause in typing this long updates the page
FIELDS = (
    ("title", "Title"),
    ("subtitle", "Subtitle"),
    ("as_of", "Data as of"),
    ("sources", "Sources"),
    ("map_id", "Map ID"),
    ("contact", "Contact"),
)
# The choices of [layout] inset: a dense cluster's inset map where labels do not fit (Karachi).
INSET_CHOICES = (
    ("Automatic (up to 2)", True),
    ("At most 1", 1),
    ("At most 3", 3),
    ("At most 4", 4),
    ("None", False),
)
FORMATS = (
    ("PDF (print, vector)", ".pdf"),
    ("PNG (image)", ".png"),
    ("SVG (vector)", ".svg"),
    ("HTML (web map)", ".html"),
    ("HTML (dashboard: map, bar chart and table)", ".html"),
)
DASHBOARD_FORMAT = len(FORMATS) - 1  # the format list's row of the dashboard


def render_page_image(loaded, dpi: float = PREVIEW_DPI, laid_out_at: float = PRINT_DPI) -> QImage:
    """The print page of ``loaded`` as an image (worker thread safe: QImage, not QPixmap), laid out
    as the export at ``laid_out_at`` dpi lays it out: the preview shows the lines the PDF prints."""
    from pakmap.export.png import page_image
    from pakmap.layout.compose import compose_page

    image, _view = page_image(compose_page(loaded), dpi, laid_out_at=laid_out_at)
    return image


class LayoutView(QDialog):
    """Template fields on the left, the page on the right, export buttons below."""

    failed = Signal(object)
    exported = Signal(list)  # the files written
    preview_ready = Signal()

    def __init__(self, document: Session, tasks: TaskRunner, settings: QSettings, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Print layout and export")
        self.resize(1200, 760)
        self.document = document
        self.tasks = tasks
        self.settings = settings
        self.preview_image: QImage | None = None
        layout_spec = document.project.layout

        from pakmap.layout.template import available_templates

        self.template = QComboBox()
        names = available_templates()
        # The project's own template file (beside it) stays chosen: editing a field must not swap it.
        self.template.addItems(names if layout_spec.template in names else [*names, layout_spec.template])
        self.template.setCurrentText(layout_spec.template)
        self.edits: dict[str, QLineEdit] = {}
        form = QFormLayout()
        form.addRow("Template", self.template)
        for key, label in FIELDS:
            edit = QLineEdit(getattr(layout_spec, key) or (document.project.map.title if key == "title" else ""))
            # The page follows typing (debounced); the keystrokes in one box are one undo step,
            # until the officer leaves the box or presses Enter.
            edit.textChanged.connect(lambda _text, k=key: self._typed(k))
            edit.editingFinished.connect(self._typing_done)
            self.edits[key] = edit
            form.addRow(label, edit)
        self.template.currentIndexChanged.connect(self._fields_changed)
        self.insets = QComboBox()
        self.insets.setToolTip(
            "Inset maps of clusters whose labels do not fit the main map (Karachi), each in free space "
            "on the page, lettered A, B… with its outline on the main map"
        )
        for text, _value in INSET_CHOICES:
            self.insets.addItem(text)
        self._show_insets()
        self.insets.currentIndexChanged.connect(self._insets_chosen)
        form.addRow("Insets", self.insets)
        self.charts_label = QLabel()
        self.add_chart_button = QPushButton("Add chart or table…")
        self.add_chart_button.clicked.connect(self.add_chart_dialog)
        self.remove_charts_button = QPushButton("Remove charts")
        self.remove_charts_button.clicked.connect(lambda: self.set_charts([]))
        charts_row = QHBoxLayout()
        charts_row.addWidget(self.add_chart_button)
        charts_row.addWidget(self.remove_charts_button)
        form.addRow("Charts", self.charts_label)
        form.addRow(charts_row)
        self._show_charts()

        self.format = QComboBox()
        for text, suffix in FORMATS:
            self.format.addItem(text, suffix)
        self.dpi = QComboBox()
        for dpi in (150, 300, 600):
            self.dpi.addItem(f"{dpi} dpi", dpi)
        self.dpi.setCurrentIndex(1)
        self.atlas = QCheckBox("Atlas: one page per feature of")
        self.atlas_layer = QComboBox()
        self.atlas_layer.addItems([l.name for l in document.layers if isinstance(l, VectorLayer)])
        export_form = QFormLayout()
        export_form.addRow("Format", self.format)
        export_form.addRow("Resolution", self.dpi)
        atlas_row = QHBoxLayout()
        atlas_row.addWidget(self.atlas)
        atlas_row.addWidget(self.atlas_layer)
        export_form.addRow(atlas_row)
        self.protection = ProtectionPanel(document, self)
        self.export_button = QPushButton("Export…")
        self.export_button.clicked.connect(lambda: self.export_dialog())
        self.status = QLabel()
        self.status.setWordWrap(True)

        left = QVBoxLayout()
        left.addLayout(form)
        left.addSpacing(12)
        left.addWidget(QLabel("<b>Export</b>"))
        left.addLayout(export_form)
        left.addWidget(self.protection)
        left.addWidget(self.export_button)
        left.addWidget(self.status)
        left.addStretch(1)
        left_widget = QWidget()
        left_widget.setLayout(left)
        left_widget.setFixedWidth(340)

        self.page = QLabel("Preparing the page preview…")
        self.page.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.page.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.page.setStyleSheet("background: #8A8A8A")
        scroll = QScrollArea()
        scroll.setWidget(self.page)
        scroll.setWidgetResizable(True)

        main = QHBoxLayout(self)
        main.addWidget(left_widget)
        main.addWidget(scroll, 1)

        self._timer = QTimer(self, singleShot=True, interval=150)
        self._timer.timeout.connect(self.refresh_preview)
        self._typing_timer = QTimer(self, singleShot=True, interval=TYPING_PAUSE_MS)
        self._typing_timer.timeout.connect(self._take_typing)
        self._typing_in: str | None = None  # the box being typed in
        self._typing_run = 0  # a new undo step for each stretch of typing
        self.dpi.currentIndexChanged.connect(self._schedule)  # the preview is laid out as that export
        # Style or layer edits made in the main window while the page is open show on the page too.
        document.layer_changed.connect(self._schedule)
        document.layers_changed.connect(self._schedule)
        document.layout_changed.connect(self._layout_changed)
        document.layers_changed.connect(self.protection.refresh)
        for button in self.findChildren(QPushButton):  # Enter in a field ends typing; it opens no dialog
            button.setAutoDefault(False)
        self._fields_changed()

    def _schedule(self, *_args) -> None:
        self._timer.start()

    def closeEvent(self, event) -> None:
        self._typing_done()  # what was typed last is kept
        self.document.layer_changed.disconnect(self._schedule)
        self.document.layers_changed.disconnect(self._schedule)
        self.document.layout_changed.disconnect(self._layout_changed)
        self.document.layers_changed.disconnect(self.protection.refresh)
        super().closeEvent(event)

    # --- fields → project --------------------------------------------------------------------

    def set_field(self, key: str, value: str) -> None:
        """Edit one template field (what typing in its box does)."""
        self.edits[key].setText(value)
        self._fields_changed()

    def _fields_changed(self, *_args) -> None:
        """The boxes into the project's layout through the session (one undo step per edit)."""
        self._typing_timer.stop()
        values = {key: edit.text() for key, edit in self.edits.items()}
        self.document.set_layout(template=self.template.currentText(), **values)
        self._timer.start()

    def _typed(self, key: str) -> None:
        if self._typing_in not in (None, key):
            self._typing_done()
        self._typing_in = key
        self._typing_timer.start()

    def _take_typing(self) -> None:
        """What was typed so far, into the project: merged into the step this stretch of typing began."""
        key = self._typing_in
        if key is None:
            return
        merge = ("layout typing", key, self._typing_run)
        self.document.set_layout(merge_key=merge, **{key: self.edits[key].text()})
        self._timer.start()

    def _typing_done(self) -> None:
        """Enter or leaving the box: the stretch of typing is one undo step, the next one another."""
        if self._typing_timer.isActive():
            self._typing_timer.stop()
            self._take_typing()
        self._typing_in = None
        self._typing_run += 1

    # --- insets ------------------------------------------------------------------------------

    def _insets_chosen(self, index: int) -> None:
        self.document.set_layout(inset=INSET_CHOICES[index][1])
        self._timer.start()

    def _show_insets(self) -> None:
        """The project's ``inset`` in the box (an ``inset = 2`` from a file is "Automatic (up to 2)")."""
        value = self.document.project.layout.inset
        index = next(
            (i for i, (_text, v) in enumerate(INSET_CHOICES) if type(v) is type(value) and v == value),
            0 if value == 2 else len(INSET_CHOICES) - 1,
        )
        if index != self.insets.currentIndex():
            self.insets.blockSignals(True)
            self.insets.setCurrentIndex(index)
            self.insets.blockSignals(False)

    # --- charts ------------------------------------------------------------------------------

    def add_chart_dialog(self) -> None:
        dialog = ChartDialog(self.document, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.add_chart(dialog.spec())

    def add_chart(self, spec: ChartSpec) -> None:
        """Put a chart or table in the page's chart panel (one undo step)."""
        self.set_charts([*self.document.project.layout.charts, spec])

    def set_charts(self, charts: list[ChartSpec]) -> None:
        self.document.set_layout(charts=list(charts))
        self._show_charts()
        self._timer.start()

    def _show_charts(self) -> None:
        charts = self.document.project.layout.charts
        self.charts_label.setText(
            "; ".join(f"{c.kind} of {c.field or 'the mapped field'}" + (f" by {c.by}" if c.by else "") for c in charts)
            or "none"
        )
        self.remove_charts_button.setEnabled(bool(charts))

    def _layout_changed(self) -> None:
        """An undo or redo of a layout field: the boxes show the project's values again."""
        project = self.document.project
        for key, edit in self.edits.items():
            value = getattr(project.layout, key) or (project.map.title if key == "title" else "")
            if edit.text() != value:
                edit.blockSignals(True)  # the project's value shown, not a new edit typed
                edit.setText(value)
                edit.blockSignals(False)
        spec = project.layout
        self._show_charts()
        self._show_insets()
        if self.template.currentText() != spec.template:
            self.template.blockSignals(True)
            self.template.setCurrentText(spec.template)
            self.template.blockSignals(False)
        self._timer.start()

    # --- preview -----------------------------------------------------------------------------

    def refresh_preview(self) -> None:
        loaded = self.document.loaded

        def shown(image: QImage) -> None:
            self.preview_image = image
            self.page.setPixmap(QPixmap.fromImage(image))
            self.preview_ready.emit()

        dpi = int(self.dpi.currentData())
        self.tasks.start(
            "Page preview", lambda p, c: render_page_image(loaded, laid_out_at=dpi), shown, self._failed, owner=self
        )

    def _failed(self, exc) -> None:
        self.status.setText(f"<span style='color:#B3261E'>{exc}</span>")
        self.failed.emit(exc)

    # --- export ------------------------------------------------------------------------------

    def export_dialog(self) -> None:
        suffix = self.format.currentData()
        folder = str(self.settings.value("files/export_folder", str(self.document.project.folder)))
        name = (self.document.project.layout.title or "map").replace(" ", "_").lower()[:60] + suffix
        path, _ = QFileDialog.getSaveFileName(self, "Export map", str(Path(folder) / name), f"*{suffix}")
        if path:
            if not path.lower().endswith(suffix):
                path += suffix
            self.settings.setValue("files/export_folder", str(Path(path).parent))
            self.export_to(path)

    def export_to(self, path, on_done=None):
        """Write the map to ``path`` (format from its extension) in the background."""
        from pakmap.jobs.outputs import write_output

        self._fields_changed()
        atlas = self.atlas_layer.currentText() if self.atlas.isChecked() else None
        dpi = int(self.dpi.currentData())
        dashboard = self.format.currentIndex() == DASHBOARD_FORMAT and Path(path).suffix.lower() in (".html", ".htm")
        loaded = self.document.loaded

        def done(written):
            self.status.setText("Written:<br>" + "<br>".join(str(p) for p in written))
            self.exported.emit(list(written))
            if on_done:
                on_done(written)

        self.status.setText(f"Exporting {Path(path).name}…")
        return self.tasks.start(
            f"Exporting {Path(path).name}",
            lambda p, c: write_output(loaded, path, dpi=dpi, atlas=atlas, dashboard=dashboard),
            done,
            self._failed,
            owner=self,
        )
