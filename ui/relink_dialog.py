"""Files a project reads that are not there any more: find each one, or open without it.

Shown when a project is opened and some layers' files have moved (a folder renamed, the project sent
by e-mail without its data). Each missing layer is listed with its old path; Browse… finds it
(and the other missing files are looked for in the folder chosen, as they usually moved together),
Skip leaves it out of the map but in the project — saved as it was, drawn again once the file is
back. Cancel does not open the project.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from pakmap.project import Project
from pakmap.project.model import LayerSpec

SKIPPED = "skipped: kept in the project, not drawn"


class RelinkDialog(QDialog):
    """``found()``: layer name → the file chosen for it; the others are ``skipped()``."""

    def __init__(self, project: Project, missing: list[LayerSpec], parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Missing files")
        self.resize(820, 200 + 34 * len(missing))
        self.project = project
        self.missing = missing
        self.paths: dict[str, Path] = {}
        name = project.path.name if project.path else "the project"
        intro = QLabel(
            f"{len(missing)} of the files {name} reads {'is' if len(missing) == 1 else 'are'} not where the "
            "project says. Find each one, or skip it: a skipped layer stays in the project (and is saved as it "
            "was) but is not drawn until its file is back."
        )
        intro.setWordWrap(True)
        self.table = QTableWidget(len(missing), 4)
        self.table.setHorizontalHeaderLabels(["Layer", "", "File", ""])
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(0, 160)
        for row, spec in enumerate(missing):
            self.table.setItem(row, 0, QTableWidgetItem(spec.name))
            self.table.setCellWidget(row, 3, self._row_buttons(row))
            self._show(row)
        self.table.resizeColumnToContents(3)
        self.table.resizeRowsToContents()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.buttons)

    def _row_buttons(self, row: int) -> QWidget:
        box = QWidget()
        layout = QHBoxLayout(box)
        layout.setContentsMargins(2, 0, 2, 0)
        browse, skip = QPushButton("Browse…"), QPushButton("Skip")
        browse.clicked.connect(lambda: self.browse(row))
        skip.clicked.connect(lambda: self.skip(row))
        layout.addWidget(browse)
        layout.addWidget(skip)
        return box

    def _old_path(self, spec: LayerSpec) -> Path:
        return Path(self.project.resolve(spec.path))

    def _show(self, row: int) -> None:
        spec = self.missing[row]
        old, found = self._old_path(spec), self.paths.get(spec.name)
        status = QTableWidgetItem("✓ found" if found else "skip")
        status.setForeground(QColor("#00843D" if found else "#B3261E"))
        status.setToolTip(f"Read from {found}" if found else SKIPPED)
        self.table.setItem(row, 1, status)
        item = QTableWidgetItem(str(found or old))
        item.setToolTip(f"{found}\n(was {old})" if found else f"{old}\nnot found: {SKIPPED}")
        self.table.setItem(row, 2, item)

    def browse(self, row: int) -> None:
        old = self._old_path(self.missing[row])
        start = next((str(p.parent) for p in self.paths.values()), str(self.project.folder))
        path, _ = QFileDialog.getOpenFileName(self, f"Find {old.name}", start, f"{old.name};;All files (*)")
        if path:
            self.relink(row, path)

    def relink(self, row: int, path: str | Path) -> None:
        """Use ``path`` for the layer in ``row``; the other missing files are looked for beside it."""
        chosen = Path(path)
        self.paths[self.missing[row].name] = chosen
        self._show(row)
        for other, spec in enumerate(self.missing):
            if spec.name not in self.paths:
                beside = chosen.parent / self._old_path(spec).name
                if beside.is_file():
                    self.paths[spec.name] = beside
                    self._show(other)

    def skip(self, row: int) -> None:
        self.paths.pop(self.missing[row].name, None)
        self._show(row)

    def found(self) -> dict[str, Path]:
        return dict(self.paths)

    def skipped(self) -> set[str]:
        return {spec.name for spec in self.missing if spec.name not in self.paths}


__all__ = ["RelinkDialog"]
