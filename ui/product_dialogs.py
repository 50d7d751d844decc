"""Products ▸ Data-quality report…, Exposure to a hazard… and Who does what where…: small dialogs
over ``pakmap.products`` (the same code as ``pakmap quality``, ``pakmap exposure`` and ``pakmap 3w``).

Each dialog asks for the files (prefilled from the map's layers: the boundaries, a raster, a point
layer), the outputs, and runs the product in the background; the files written are shown in the
status bar and announced by ``written``. With "Add to the project" the product is kept as a
``[[products]]`` entry, which ``pakmap render`` makes again next month.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pakmap.layer import RasterLayer, VectorLayer
from pakmap.products.activities import ThreeWOptions
from pakmap.products.exposure_report import ExposureOptions, write_exposure_outputs
from pakmap.products.quality_report import QualityOptions, write_quality_outputs
from pakmap.products.threew_report import ThreeWFiles, write_threew_outputs
from pakmap.project.model import ProductSpec
from pakmap.session import Session

from .tasks import TaskRunner


def _source_path(layer) -> str:
    source = getattr(layer, "source", None)
    return str(source.path) if source is not None and source.path else ""


class _FileField(QWidget):
    """A path with a "Browse…" button."""

    def __init__(self, text: str = "", save: bool = False, filter: str = "", parent=None) -> None:
        super().__init__(parent)
        self.edit = QLineEdit(text)
        button = QPushButton("Browse…")
        button.clicked.connect(self._browse)
        self._save, self._filter = save, filter
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit)
        row.addWidget(button)

    def _browse(self) -> None:
        ask = QFileDialog.getSaveFileName if self._save else QFileDialog.getOpenFileName
        path, _ = ask(self, "Choose a file", self.edit.text(), self._filter)
        if path:
            self.edit.setText(path)

    def text(self) -> str:
        return self.edit.text().strip()

    def setText(self, text: str) -> None:
        self.edit.setText(text)


class ProductDialog(QDialog):
    """Files in, outputs out, run in the background."""

    written = Signal(list)  # the files written
    failed = Signal(object)  # an exception, for the window's error display
    title = ""

    def __init__(self, document: Session, tasks: TaskRunner, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.title)
        self.resize(560, 300)
        self.document, self.tasks = document, tasks
        self.form = QFormLayout()
        self.keep = QCheckBox("Add to the project (pakmap render makes it again next month)")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.run)
        buttons.rejected.connect(self.reject)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.keep)
        layout.addWidget(buttons)

    def _layers(self, wanted) -> list:
        return [layer for layer in self.document.layers if wanted(layer) and _source_path(layer)]

    def outputs(self) -> list[str]:
        return [p.strip() for p in self.output.text().split(";") if p.strip()]

    def work(self):  # pragma: no cover - overridden
        raise NotImplementedError

    def spec(self) -> ProductSpec:  # pragma: no cover - overridden
        raise NotImplementedError

    def run(self):
        """Make the product in the background; the dialog closes when the files are written."""
        self.ok_button.setEnabled(False)
        work = self.work()
        return self.tasks.start(self.title, lambda p, c: work(), self._done, self._failed, owner=self)

    def _done(self, written) -> None:
        if self.keep.isChecked():
            self.document.add_product(self.spec())
        self.written.emit([Path(p) for p in written])
        self.accept()

    def _failed(self, exc) -> None:
        self.ok_button.setEnabled(True)
        self.failed.emit(exc)


class QualityDialog(ProductDialog):
    title = "Data-quality report"

    def __init__(self, document: Session, tasks: TaskRunner, parent=None) -> None:
        super().__init__(document, tasks, parent)
        points = self._layers(lambda l: isinstance(l, VectorLayer) and l.geometry_type == "Point")
        polygons = self._layers(lambda l: isinstance(l, VectorLayer) and l.geometry_type in ("Polygon", "Mixed"))
        checked = _source_path(points[0]) if points else ""
        self.input = _FileField(checked)
        self.against = _FileField(_source_path(polygons[0]) if polygons else "")
        default_out = str(Path(checked).with_name(Path(checked).stem + "_quality.pdf")) if checked else ""
        self.output = _FileField(default_out, save=True, filter="Report (*.pdf *.html *.csv)")
        self.places = QCheckBox("The points are sites or villages, not people")
        self.form.addRow("File to check", self.input)
        self.form.addRow("Boundaries", self.against)
        self.form.addRow("Report (.pdf, .html, .csv; several with ;)", self.output)
        self.form.addRow("", self.places)

    def options(self) -> QualityOptions:
        return QualityOptions(against=self.against.text() or None, places=self.places.isChecked())

    def work(self):
        path, outputs, options = self.input.text(), self.outputs(), self.options()
        return lambda: write_quality_outputs(path, outputs, options)[1]

    def spec(self) -> ProductSpec:
        return ProductSpec(
            kind="quality",
            input=self.input.text(),
            against=self.against.text(),
            places=self.places.isChecked(),
            outputs=self.outputs(),
        )


class ExposureDialog(ProductDialog):
    title = "Exposure to a hazard"

    def __init__(self, document: Session, tasks: TaskRunner, parent=None) -> None:
        super().__init__(document, tasks, parent)
        rasters = self._layers(lambda l: isinstance(l, RasterLayer))
        points = self._layers(lambda l: isinstance(l, VectorLayer) and l.geometry_type == "Point")
        polygons = self._layers(lambda l: isinstance(l, VectorLayer) and l.geometry_type in ("Polygon", "Mixed"))
        self.hazard = _FileField(_source_path(rasters[0]) if rasters else "")
        self.threshold = QDoubleSpinBox()
        self.threshold.setRange(-1e9, 1e9)
        self.threshold.setDecimals(3)
        self.people = _FileField(_source_path(points[0]) if points else "")
        self.value = QLineEdit()
        self.value.setPlaceholderText("field to sum, e.g. population (empty: count the points)")
        self.by = _FileField(_source_path(polygons[0]) if polygons else "")
        hazard = self.hazard.text()
        self.output = _FileField(
            str(Path(hazard).with_name(Path(hazard).stem + "_exposure.pdf")) if hazard else "",
            save=True,
            filter="Exposure (*.pdf *.png *.csv *.gpkg)",
        )
        self.places = QCheckBox("The points are villages or sites, not households")
        self.form.addRow("Hazard (raster or polygons)", self.hazard)
        self.form.addRow("Raster cells above", self.threshold)
        self.form.addRow("People or places (points)", self.people)
        self.form.addRow("Sum of field", self.value)
        self.form.addRow("Per admin unit of", self.by)
        self.form.addRow("Output (.pdf, .png, .csv, .gpkg; several with ;)", self.output)
        self.form.addRow("", self.places)

    def options(self) -> ExposureOptions:
        return ExposureOptions(
            hazard=self.hazard.text(),
            by=self.by.text(),
            people=self.people.text() or None,
            value=self.value.text().strip() or None,
            threshold=self.threshold.value(),
            places=self.places.isChecked(),
        )

    def work(self):
        outputs, options = self.outputs(), self.options()
        return lambda: write_exposure_outputs(outputs, options)[1]

    def spec(self) -> ProductSpec:
        options = self.options()
        return ProductSpec(
            kind="exposure",
            hazard=options.hazard,
            by=options.by,
            people=options.people or "",
            value=options.value,
            threshold=options.threshold,
            places=options.places,
            outputs=self.outputs(),
        )


class ThreeWDialog(ProductDialog):
    title = "Who does what where"

    def __init__(self, document: Session, tasks: TaskRunner, parent=None) -> None:
        super().__init__(document, tasks, parent)
        tables = self._layers(lambda l: not isinstance(l, (VectorLayer, RasterLayer)))
        polygons = self._layers(lambda l: isinstance(l, VectorLayer) and l.geometry_type in ("Polygon", "Mixed"))
        activities = _source_path(tables[0]) if tables else ""
        self.input = _FileField(activities, filter="Activity table (*.xlsx *.csv)")
        self.by = _FileField(_source_path(polygons[0]) if polygons else "")
        self.by_layer = polygons[0].source.layer if polygons and polygons[0].source else None
        self.value = QLineEdit()
        self.value.setPlaceholderText("people reached column (empty: guessed from the headers)")
        self.statuses = QLineEdit()
        self.statuses.setPlaceholderText("e.g. Ongoing; Completed (empty: every row)")
        self.output = _FileField(
            str(Path(activities).with_name(Path(activities).stem + "_3w.pdf")) if activities else "",
            save=True,
            filter="3W (*.pdf *.png *.csv *.xlsx *.html)",
        )
        self.form.addRow("Partner activity table", self.input)
        self.form.addRow("Admin units", self.by)
        self.form.addRow("People reached", self.value)
        self.form.addRow("Count only statuses", self.statuses)
        self.form.addRow("Output (.pdf, .html, .xlsx, .csv, .png; several with ;)", self.output)

    def files(self) -> ThreeWFiles:
        statuses = [s.strip() for s in self.statuses.text().split(";") if s.strip()]
        return ThreeWFiles(
            input=self.input.text(),
            by=self.by.text(),
            by_layer=self.by_layer,
            columns=ThreeWOptions(value_field=self.value.text().strip() or None, statuses=statuses),
        )

    def work(self):
        outputs, files = self.outputs(), self.files()
        return lambda: write_threew_outputs(outputs, files)[1]

    def spec(self) -> ProductSpec:
        files = self.files()
        return ProductSpec(
            kind="3w",
            input=files.input,
            by=files.by,
            by_layer=files.by_layer,
            value=files.columns.value_field,
            statuses=files.columns.statuses,
            outputs=self.outputs(),
        )


__all__ = ["QualityDialog", "ExposureDialog", "ThreeWDialog"]
