"""The protection decisions of the export area: point lists declared as places, sensitive fields allowed.

The same decisions as the command line's ``--places LAYER`` and ``--allow-sensitive LAYER:FIELD
--reason "…"``, saved in the project (``[protection] places``, ``[[protection.allow]]``) through
``pakmap.protection.decisions``, so every export and next month's ``pakmap render`` apply them and
the export record lists them. An allow without a reason is refused, as it is on the command line
for exact locations of people.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QGroupBox, QLabel, QLineEdit, QPushButton, QVBoxLayout

from pakmap.errors import PakmapError
from pakmap.protection.decisions import allow_field, declare_places
from pakmap.protection.policy import check_project, point_lists
from pakmap.session import Session


class ProtectionPanel(QGroupBox):
    """Check boxes for the point lists that are places; a withheld field, a reason and "Allow"."""

    decided = Signal()  # a decision was saved in the project

    def __init__(self, document: Session, parent=None) -> None:
        super().__init__("Protection", parent)
        self.document = document
        self.box = QVBoxLayout(self)
        self.places: dict[str, QCheckBox] = {}
        self.places_box = QVBoxLayout()
        self.box.addWidget(QLabel("Point lists that are places (villages, facilities), not people:"))
        self.box.addLayout(self.places_box)
        self.box.addWidget(QLabel("Publish a withheld field (data-sharing agreement):"))
        self.field = QComboBox()
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("Reason, e.g. agreement with the partner, 2026-11")
        self.allow_button = QPushButton("Allow in exports")
        self.allow_button.clicked.connect(lambda: self.allow())
        self.status = QLabel()
        self.status.setWordWrap(True)
        for widget in (self.field, self.reason, self.allow_button, self.status):
            self.box.addWidget(widget)
        self.refresh()

    def refresh(self) -> None:
        """The check boxes and the withheld fields of the document as it is now."""
        loaded = self.document.loaded
        while self.places_box.count():
            self.places_box.takeAt(0).widget().deleteLater()
        self.places = {}
        declared = set(self.document.project.protection.places)
        for name in point_lists(loaded):
            box = QCheckBox(name)
            box.setChecked(name in declared)
            box.toggled.connect(lambda on, name=name: self.set_places(name, on))
            self.places_box.addWidget(box)
            self.places[name] = box
        self.field.clear()
        try:
            findings = check_project(loaded)
        except PakmapError as exc:
            self.status.setText(str(exc))
            findings = []
        for finding in sorted(findings, key=lambda f: (f.layer, f.field)):
            self.field.addItem(f"{finding.layer}: {finding.field}", (finding.layer, finding.field))
        self.allow_button.setEnabled(self.field.count() > 0)

    def set_places(self, layer: str, places: bool) -> None:
        """Declare ``layer``'s points as places (or withdraw it), as ``--places`` does."""
        declare_places(self.document.project, layer, places)
        if self.places.get(layer) is not None and self.places[layer].isChecked() != places:
            self.places[layer].setChecked(places)
        self._saved(f"'{layer}' {'declared as places' if places else 'taken as people again'}")

    def allow(self, layer: str | None = None, field: str | None = None, reason: str | None = None) -> bool:
        """Allow the chosen withheld field with the typed reason; a missing reason is refused."""
        if layer is None or field is None:
            data = self.field.currentData()
            if data is None:
                return False
            layer, field = data
        reason = self.reason.text() if reason is None else reason
        try:
            allow_field(self.document.project, layer, field, reason=reason)
        except PakmapError as exc:
            self.status.setText(f"<span style='color:#B3261E'>{exc}</span>")
            return False
        self.reason.clear()
        self._saved(f"{layer}: {field} allowed in exports ({reason.strip()})")
        return True

    def _saved(self, message: str) -> None:
        self.document.mark_dirty()
        self.status.setText(message)
        self.refresh()
        self.decided.emit()
