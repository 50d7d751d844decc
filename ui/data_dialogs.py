"""Layer ▸ Repair geometries… and Layer ▸ Dissolve…: a layer's data changed through the session.

Repair makes a layer's invalid geometries valid (``pakmap.validity.repair`` through
``Session.repaired``), in place (the project reads the file with ``repair = true`` from then on)
or as a new layer beside the original, and says how many features it changed. Dissolve merges a
boundary layer's features by a field into a new layer (districts into provinces,
``pakmap.join.dissolve`` through ``Session.dissolved``), kept as a step ``pakmap render`` makes
again. The work runs in the background; each result is one undo step.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
)

from pakmap.errors import PakmapError
from pakmap.layer import VectorLayer
from pakmap.session import Session

from .tasks import TaskRunner


class LayerToolDialog(QDialog):
    """A layer chosen from the map's boundary or point layers, a summary and an Apply button."""

    failed = Signal(object)  # an exception, for the window's error display
    applied = Signal(object)  # the layer added or changed
    title = ""
    apply_text = ""

    def __init__(self, document: Session, tasks: TaskRunner, parent=None, layer: str | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.title)
        self.resize(520, 300)
        self.document = document
        self.tasks = tasks
        self.layer = QComboBox()
        for candidate in document.layers:
            if self._offers(candidate):
                self.layer.addItem(candidate.name)
        if layer is not None and self.layer.findText(layer) >= 0:
            self.layer.setCurrentText(layer)
        self.form = QFormLayout()
        self.form.addRow("Layer", self.layer)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.apply_button = QPushButton(self.apply_text)
        self.close_button = QPushButton("Close")
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.apply_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.summary, 1)
        layout.addLayout(buttons)
        self.apply_button.clicked.connect(lambda: self.apply())
        self.close_button.clicked.connect(self.close)

    def _offers(self, layer) -> bool:
        return isinstance(layer, VectorLayer) and not layer.missing

    def chosen_layer(self) -> VectorLayer | None:
        name = self.layer.currentText()
        layer = next((l for l in self.document.layers if l.name == name), None)
        return layer if isinstance(layer, VectorLayer) else None

    def _run(self, title: str, work, done, on_done=None) -> None:
        """``work()`` in the background, then ``done(result)`` on the GUI thread (and ``on_done``)."""
        self.apply_button.setEnabled(False)

        def finished(result):
            self.apply_button.setEnabled(True)
            try:
                made = done(result)
            except PakmapError as exc:
                self.failed.emit(exc)
                return
            self.applied.emit(made)
            if on_done:
                on_done(made)

        def failed(exc):
            self.apply_button.setEnabled(True)
            self.failed.emit(exc)

        self.tasks.start(title, lambda _p, _c: work(), finished, failed, owner=self)


class RepairDialog(LayerToolDialog):
    """Make invalid geometries valid, in place or as a new layer."""

    title = "Repair geometries"
    apply_text = "Repair"

    def __init__(self, document: Session, tasks: TaskRunner, parent=None, layer: str | None = None) -> None:
        super().__init__(document, tasks, parent, layer)
        self.in_place = QRadioButton("In place (the project reads the file repaired from now on)")
        self.as_new = QRadioButton("As a new layer, beside the original")
        self.in_place.setChecked(True)
        self.mode = QButtonGroup(self)
        self.mode.addButton(self.in_place)
        self.mode.addButton(self.as_new)
        self.new_name = QLineEdit()
        self.new_name.setEnabled(False)
        self.form.addRow("Result", self.in_place)
        self.form.addRow("", self.as_new)
        self.form.addRow("New layer's name", self.new_name)
        self.as_new.toggled.connect(self.new_name.setEnabled)
        self.layer.currentIndexChanged.connect(lambda *_: self._layer_chosen())
        self._layer_chosen()

    def _layer_chosen(self) -> None:
        layer = self.chosen_layer()
        if layer is None:
            self.summary.setText("There is no boundary or point layer to repair.")
            self.apply_button.setEnabled(False)
            return
        self.new_name.setText(f"{layer.name} repaired")
        report = layer.validity
        broken = report.invalid
        self.apply_button.setEnabled(broken > 0)
        if broken:
            self.summary.setText(
                f"{layer.name}: {report.summary()}.\n\nRepair rebuilds self-intersecting rings and bow-ties as "
                "valid polygons (areas, spatial joins and zonal statistics need them); the source file is "
                "never changed."
            )
        else:
            self.summary.setText(f"{layer.name}: {report.summary()} — nothing to repair.")

    def apply(self, on_done=None) -> None:
        layer = self.chosen_layer()
        if layer is None:
            return
        name = layer.name
        new_name = self.new_name.text().strip() if self.as_new.isChecked() else None
        if new_name == "":
            self.failed.emit(PakmapError("the new layer has no name", fix="type a name, e.g. districts repaired"))
            return

        def done(result):
            fixed, report = result
            made = self.document.repair_layer(name, fixed, new_name=new_name)
            where = f"into the new layer '{made.name}'" if new_name else "in place"
            self.summary.setText(
                f"Repaired {report.repaired:,} of {report.total:,} features of {name} {where}: "
                f"{report.summary()}. Edit ▸ Undo takes it back."
            )
            self.apply_button.setEnabled(new_name is not None)
            return made

        self._run(f"Repairing {name}", lambda: self.document.repaired(name), done, on_done)


class DissolveDialog(LayerToolDialog):
    """Merge a layer's features by a field into a new layer."""

    title = "Dissolve"
    apply_text = "Dissolve"

    def __init__(self, document: Session, tasks: TaskRunner, parent=None, layer: str | None = None) -> None:
        super().__init__(document, tasks, parent, layer)
        self.field = QComboBox()
        self.new_name = QLineEdit()
        self.form.addRow("Dissolve by", self.field)
        self.form.addRow("New layer's name", self.new_name)
        self.layer.currentIndexChanged.connect(lambda *_: self._layer_chosen())
        self.field.currentIndexChanged.connect(lambda *_: self._field_chosen())
        self._layer_chosen()

    def _offers(self, layer) -> bool:
        return super()._offers(layer) and layer.geometry_type == "Polygon"

    def _layer_chosen(self) -> None:
        self.field.blockSignals(True)
        self.field.clear()
        layer = self.chosen_layer()
        if layer is not None:
            data = layer.attributes
            # Fields that group the features: fewer values than features (a province, a division).
            counted = [(str(f), int(data[f].nunique())) for f in layer.fields]
            grouping = [(f, n) for f, n in counted if 1 <= n < len(data)]
            for f, n in grouping or counted:
                self.field.addItem(f"{f}  ({n:,} value{'s' if n != 1 else ''})", f)
        self.field.blockSignals(False)
        self._field_chosen()

    def _field_chosen(self) -> None:
        layer, field = self.chosen_layer(), self.field.currentData()
        if layer is None or field is None:
            self.summary.setText("There is no polygon layer with fields to dissolve.")
            self.apply_button.setEnabled(False)
            return
        self.apply_button.setEnabled(True)
        self.new_name.setText(f"{layer.name} by {field}")
        self.summary.setText(
            f"One feature per value of {field}: the union of its features, with the fields that have one "
            f"value in each; drawn as outlines over {layer.name}. The project keeps it as a step, made again "
            "from the source every time it is opened or rendered."
        )

    def apply(self, on_done=None) -> None:
        layer, field = self.chosen_layer(), self.field.currentData()
        if layer is None or field is None:
            return
        name, wanted = layer.name, self.new_name.text().strip() or None

        def done(result):
            spec, made = result
            added = self.document.add_dissolved(spec, made)
            notes = "; ".join(made.source.notes) if made.source else ""
            self.summary.setText(f"Added '{added.name}': {notes}. Edit ▸ Undo takes it back.")
            return added

        self._run(f"Dissolving {name} by {field}", lambda: self.document.dissolved(name, field, wanted), done, on_done)


__all__ = ["DissolveDialog", "RepairDialog"]
