"""The "Spatial join…" and "Zonal statistics…" dialogs: a statistic per polygon, kept as a project step.

Spatial join: points in polygons, counted, or a field of theirs summed or averaged (refugee villages
and their households per district). Zonal statistics: a raster's cells summed or averaged per polygon
(the share of a district under flood water), weighted by the part of each cell the polygon covers.

Either dialog adds a ``JoinSpec`` (kind ``spatial`` or ``zonal``) to the open project through
``Session.apply_join``, the code path ``pakmap render`` replays every month; a second statistic onto
the same layer from the same points or raster joins the same step. The computation runs in the
background; the map repaints when the document swaps in the result.
"""

from __future__ import annotations

import re

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
)

from pakmap.errors import PakmapError
from pakmap.join.spatial import STAT_KINDS
from pakmap.join.zonal import ZONAL_STATS
from pakmap.layer import RasterLayer, VectorLayer
from pakmap.project import JoinSpec
from pakmap.session import Session

from .tasks import TaskRunner


def output_name(source: str, statistic: str, field: str = "") -> str:
    """A field name for the result: ``villages_count``, ``households_sum``, ``flood_mean``."""
    base = field or source
    if statistic == "count" and not field:
        return _identifier(base) + "_count"
    return f"{_identifier(base)}_{statistic}"


def _identifier(text: str) -> str:
    return re.sub(r"\W+", "_", str(text)).strip("_").lower() or "value"


class StepDialog(QDialog):
    """Target polygons, a source, a statistic and the output field; ``apply`` adds the step."""

    applied = Signal(object)  # the step's report
    failed = Signal(object)  # an exception, for the window's error display
    kind = ""  # the JoinSpec kind
    title = ""
    source_label = ""
    statistics: tuple[str, ...] = ()
    default_statistic = ""

    def __init__(self, document: Session, tasks: TaskRunner, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.title)
        self.resize(520, 320)
        self.document = document
        self.tasks = tasks
        self.report = None
        self.layer = QComboBox()
        self.source = QComboBox()
        self.statistic = QComboBox()
        self.statistic.addItems(self.statistics)
        self.statistic.setCurrentText(self.default_statistic or self.statistics[0])
        self.output = QLineEdit()
        for layer in document.layers:
            if isinstance(layer, VectorLayer) and layer.geometry_type == "Polygon":
                self.layer.addItem(layer.name)
        for layer in document.layers:
            if self._is_source(layer):
                self.source.addItem(layer.name)
        self.form = QFormLayout()
        self.form.addRow("Polygon layer", self.layer)
        self.form.addRow(self.source_label, self.source)
        self.form.addRow("Statistic", self.statistic)
        self._extra_rows()
        self.form.addRow("Output field", self.output)

        self.apply_button = QPushButton("Add to project")
        self.close_button = QPushButton("Close")
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.apply_button)
        buttons.addWidget(self.close_button)
        self.summary = QLabel(self.hint)
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.summary, 1)
        layout.addLayout(buttons)

        for combo in (self.source, self.statistic):
            combo.currentIndexChanged.connect(self._suggest_output)
        self.source.currentIndexChanged.connect(self._source_chosen)
        self.apply_button.clicked.connect(lambda: self.apply())
        self.close_button.clicked.connect(self.close)
        self._source_chosen()

    # --- for the two kinds -------------------------------------------------------------------

    hint = ""

    def _is_source(self, layer) -> bool:
        raise NotImplementedError

    def _extra_rows(self) -> None:
        """Rows between the statistic and the output field."""

    def _source_chosen(self, *_args) -> None:
        self._suggest_output()

    def _statistic(self) -> str:
        """The statistic as the project writes it."""
        return self.statistic.currentText()

    def _field(self) -> str:
        return ""

    def _spec(self, stats: dict[str, str]) -> JoinSpec:
        raise NotImplementedError

    # --- common ------------------------------------------------------------------------------

    def _suggest_output(self, *_args) -> None:
        self.output.setText(output_name(self.source.currentText(), self.statistic.currentText(), self._field()))

    def _existing(self, spec: JoinSpec) -> JoinSpec | None:
        for join in self.document.project.joins:
            if (join.layer, join.kind, join.points, join.raster) == (spec.layer, spec.kind, spec.points, spec.raster):
                return join
        return None

    def spec(self) -> JoinSpec:
        """The step as chosen: the existing step from the same source onto the same layer, with this
        statistic added (or changed)."""
        spec = self._spec({})
        existing = self._existing(spec)
        stats = dict(existing.stats) if existing else {}
        stats[self.output.text().strip()] = self._statistic()
        return self._spec(stats)

    def problem(self) -> PakmapError | None:
        """What is missing or clashes, before anything is run."""
        if not self.layer.currentText() or not self.source.currentText():
            return PakmapError(
                f"choose a polygon layer and {self.source_label.lower()}",
                fix="add them to the map first (Layer ▸ Add layer…)",
            )
        name = self.output.text().strip()
        if not name:
            return PakmapError("the output field has no name", fix="type a name, e.g. villages_count")
        existing = self._existing(self._spec({}))
        fields = {str(f) for f in self.document.layer(self.layer.currentText()).fields}
        if name in fields and not (existing and name in existing.stats):
            return PakmapError(f"the layer already has a field '{name}'", fix="choose another output name")
        return None

    def apply(self, on_done=None) -> None:
        """Run the step in the background and keep it in the project."""
        problem = self.problem()
        if problem is not None:
            self.failed.emit(problem)
            return
        spec = self.spec()
        self.apply_button.setEnabled(False)

        def done(result):
            self.apply_button.setEnabled(True)
            joined, report = result
            self.document.apply_join(spec, joined, report)
            self.report = report
            self.summary.setText(
                report.summary() + "\n\nAdded to the project: it is re-run every time "
                "the project is opened or rendered."
            )
            self.applied.emit(report)
            if on_done:
                on_done(report)

        def failed(exc):
            self.apply_button.setEnabled(True)
            self.failed.emit(exc)

        self.tasks.start(
            f"{self.windowTitle()} onto {spec.layer}", lambda p, c: self.document.preview_join(spec), done, failed
        )


class SpatialJoinDialog(StepDialog):
    """Points to polygons: count, or sum or mean of a field of the points."""

    kind = "spatial"
    title = "Spatial join: points to polygons"
    source_label = "Points"
    statistics = STAT_KINDS
    hint = (
        "Counts the points in each polygon, or sums or averages one of their fields. A point on a "
        "shared border goes to the first polygon in the layer; points outside every polygon are reported."
    )

    def __init__(self, document: Session, tasks: TaskRunner, parent=None) -> None:
        super().__init__(document, tasks, parent)
        self.statistic.currentIndexChanged.connect(self._statistic_chosen)
        self._statistic_chosen()

    def _is_source(self, layer) -> bool:
        return isinstance(layer, VectorLayer) and layer.geometry_type == "Point"

    def _extra_rows(self) -> None:
        self.field = QComboBox()
        self.form.addRow("Field of the points", self.field)
        self.field.currentIndexChanged.connect(self._suggest_output)

    def _source_chosen(self, *_args) -> None:
        self.field.blockSignals(True)
        self.field.clear()
        name = self.source.currentText()
        if name:
            layer = self.document.layer(name)
            self.field.addItems([str(f) for f in layer.fields if layer.data[f].dtype.kind in "iuf"])
        self.field.blockSignals(False)
        self._suggest_output()

    def _statistic_chosen(self, *_args) -> None:
        self.field.setEnabled(self.statistic.currentText() != "count")
        self._suggest_output()

    def _field(self) -> str:
        return self.field.currentText() if self.statistic.currentText() != "count" else ""

    def _statistic(self) -> str:
        op = self.statistic.currentText()
        return op if op == "count" else f"{op}:{self.field.currentText()}"

    def problem(self) -> PakmapError | None:
        if self.statistic.currentText() != "count" and self.source.currentText() and not self.field.currentText():
            return PakmapError(
                f"the points have no numeric field to {self.statistic.currentText()}",
                fix="count them instead, or add a layer with numbers",
            )
        return super().problem()

    def _spec(self, stats: dict[str, str]) -> JoinSpec:
        return JoinSpec(layer=self.layer.currentText(), kind=self.kind, points=self.source.currentText(), stats=stats)


class ZonalStatisticsDialog(StepDialog):
    """Raster to polygons: sum, mean, count, min, max or median of the cells in each polygon."""

    kind = "zonal"
    title = "Zonal statistics: raster to polygons"
    source_label = "Raster"
    statistics = ZONAL_STATS
    default_statistic = "mean"
    hint = (
        "Sums or averages the raster's cells in each polygon, each cell weighted by the part of it the "
        "polygon covers. Nodata cells count for nothing; a polygon over no valid cell has no data."
    )

    def _is_source(self, layer) -> bool:
        return isinstance(layer, RasterLayer)

    def _extra_rows(self) -> None:
        self.band = QSpinBox()
        self.band.setMinimum(1)
        self.form.addRow("Band", self.band)

    def _source_chosen(self, *_args) -> None:
        name = self.source.currentText()
        self.band.setMaximum(max(self.document.layer(name).count, 1) if name else 1)
        self._suggest_output()

    def _spec(self, stats: dict[str, str]) -> JoinSpec:
        return JoinSpec(
            layer=self.layer.currentText(),
            kind=self.kind,
            raster=self.source.currentText(),
            band=self.band.value(),
            stats=stats,
        )
