"""The join dialog: pick layer, table and keys, read the join report, accept or reject suggestions.

Keys are one or more (layer field, table field) pairs that must all match (``ui.join_keys``), and
optionally a parent unit: with "match within" (province to province), a district name is looked up
only among the districts of the row's province, so the two Hyderabads are told apart.

The join itself is ``pakmap.join`` through the project loader's ``apply_join`` (the same code path as
``pakmap render``), run in the background. The report shows what matched and how, the table rows
that found no feature, the features without data, and for each unmatched key the ranked fuzzy
suggestions: the ones the officer ticks are written into the project's ``JoinSpec.accepted`` so next
month's join replays them.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
)

from pakmap.errors import PakmapError
from pakmap.join.key_guess import best_join, guess_table_field
from pakmap.join.report import NOT_JOINED
from pakmap.layer import TableLayer, VectorLayer
from pakmap.project import JoinSpec
from pakmap.session import Session

from .join_keys import KeyPairsEditor
from .tasks import TaskRunner


def _table(headers: list[str]) -> QTableWidget:
    t = QTableWidget(0, len(headers))
    t.setHorizontalHeaderLabels(headers)
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    t.verticalHeader().hide()
    t.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    return t


def _fill(table: QTableWidget, rows: list[list]) -> None:
    table.setRowCount(len(rows))
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            table.setItem(r, c, QTableWidgetItem("" if value is None else str(value)))


class JoinDialog(QDialog):
    """Choose what to join, preview the report, accept suggestions, apply into the project."""

    applied = Signal(object)  # the JoinReport of the applied join
    failed = Signal(object)  # an exception, for the window's error display

    def __init__(self, document: Session, tasks: TaskRunner, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Join a table to a layer")
        self.resize(820, 720)
        self.document = document
        self.tasks = tasks
        self.report = None
        self._preview = None  # (spec, joined layer, report) of the last run

        self.layer = QComboBox()
        self.table = QComboBox()
        self.keys = KeyPairsEditor()
        self.keys.guess = self._guess_table_field
        self.within = QGroupBox("Match names within the same parent unit (e.g. province)")
        self.within.setCheckable(True)
        self.within.setChecked(False)
        self.layer_parent = QComboBox()
        self.table_parent = QComboBox()
        within_form = QFormLayout(self.within)
        within_form.addRow("Layer parent field", self.layer_parent)
        within_form.addRow("Table parent field", self.table_parent)
        for layer in document.layers:
            if isinstance(layer, VectorLayer):
                self.layer.addItem(layer.name)
        form = QFormLayout()
        form.addRow("Boundary layer", self.layer)
        form.addRow("Statistics table", self.table)
        form.addRow("Key fields", self.keys)
        form.addRow(self.within)

        self.run_button = QPushButton("Preview join")
        self.apply_button = QPushButton("Apply join to project")
        self.apply_button.setEnabled(False)
        self.close_button = QPushButton("Close")
        buttons = QHBoxLayout()
        buttons.addWidget(self.run_button)
        buttons.addStretch(1)
        buttons.addWidget(self.apply_button)
        buttons.addWidget(self.close_button)

        self.summary = QLabel("Choose the layer, the table and their key fields, then preview the join.")
        self.summary.setWordWrap(True)
        # A wrapped label gets one line's height when the tabs below take the space: keep room for the
        # counts sentence and a warning.
        self.summary.setMinimumHeight(3 * self.summary.fontMetrics().lineSpacing())
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.suggestions = _table(["Accept", "Table key", "Suggested feature", "Score"])
        self.suggestions.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.unmatched_table = _table(["Table row", "Table key", "Has values", "Suggestions"])
        self.unmatched_layer = _table(["Feature", "Layer key"])
        self.matched = _table(["Table key", "How", "Feature", "Detail"])
        self.tabs = QTabWidget()
        self.tabs.addTab(self.suggestions, "Suggestions")
        self.tabs.addTab(self.unmatched_table, "Unmatched table rows")
        self.tabs.addTab(self.unmatched_layer, "Features without data")
        self.tabs.addTab(self.matched, "Matched")

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.summary)
        layout.addWidget(self.tabs, 1)

        self.layer.currentIndexChanged.connect(self._layer_chosen)
        self.table.currentIndexChanged.connect(self._table_chosen)
        self.within.toggled.connect(self._within_toggled)
        self.run_button.clicked.connect(lambda: self.preview())
        self.apply_button.clicked.connect(lambda: self.apply())
        self.close_button.clicked.connect(self.close)
        self._layer_chosen()
        self._choose_best_match()

    # --- choices -----------------------------------------------------------------------------

    @property
    def layer_key(self) -> QComboBox:
        """The first key pair's layer field (most joins have one pair)."""
        return self.keys.rows[0].layer

    @property
    def table_key(self) -> QComboBox:
        return self.keys.rows[0].table

    def _layer_chosen(self, *_args) -> None:
        name = self.layer.currentText()
        self.table.blockSignals(True)
        self.table.clear()
        fields = []
        if name:
            layer = self.document.layer(name)
            fields = [str(f) for f in layer.fields]
            tables = [l for l in self.document.layers if isinstance(l, TableLayer)]
            tables += [l for l in self.document.layers if isinstance(l, VectorLayer) and l.name != name]
            for t in tables:
                self.table.addItem(t.name)
        self.keys.set_pairs([])
        self.keys.set_layer_fields(fields)
        if "name" in fields:
            self.layer_key.setCurrentText("name")
        self._fill_parent(self.layer_parent, fields, "province")
        self.table.blockSignals(False)
        self._table_chosen()

    def _choose_best_match(self) -> None:
        """Start from the boundary layer and table that share the most keys (the census table on the
        districts, not on the provinces it also names); its key pair when no field called "name" has one."""
        boundaries = [
            l for l in self.document.layers if isinstance(l, VectorLayer) and l.geometry_type not in ("Point", "None")
        ]
        tables = [l for l in self.document.layers if isinstance(l, TableLayer)]
        match = best_join(boundaries, tables)
        if match is None or not match.features:
            return
        self.layer.setCurrentText(match.layer)
        self.table.setCurrentText(match.table)
        if self._existing_spec() is None and not self.table_key.currentText():
            self.keys.set_pairs([[match.layer_field, match.table_field]])

    def _table_chosen(self, *_args) -> None:
        name, layer_name = self.table.currentText(), self.layer.currentText()
        fields = [str(f) for f in self.document.layer(name).fields] if name and layer_name else []
        self.keys.set_table_fields(fields)
        self._fill_parent(self.table_parent, fields, self._guess_table_field(self.layer_parent.currentText()))
        if not fields:
            return
        guess = self._guess_table_field(self.layer_key.currentText())
        if guess:
            self.table_key.setCurrentText(guess)
        existing = self._existing_spec()
        if existing and existing.on:
            self.keys.set_pairs(existing.on)
        if existing and existing.within:
            self.layer_parent.setCurrentText(existing.within[0])
            self.table_parent.setCurrentText(existing.within[1])
        self.within.setChecked(bool(existing and existing.within))

    @staticmethod
    def _fill_parent(combo: QComboBox, fields: list[str], wanted: str | None) -> None:
        combo.clear()
        combo.addItems(fields)
        if wanted in fields:
            combo.setCurrentText(wanted)

    def _guess_table_field(self, layer_field: str) -> str | None:
        """The table field sharing most values with ``layer_field`` of the chosen layer."""
        layer_name, table_name = self.layer.currentText(), self.table.currentText()
        if not layer_name or not table_name or not layer_field:
            return None
        return guess_table_field(self.document.layer(layer_name), layer_field, self.document.layer(table_name))

    def _within_toggled(self, on: bool) -> None:
        if on and not self.table_parent.currentText():
            guess = self._guess_table_field(self.layer_parent.currentText())
            if guess:
                self.table_parent.setCurrentText(guess)

    def _existing_spec(self) -> JoinSpec | None:
        for join in self.document.project.joins:
            if join.layer == self.layer.currentText() and join.table == self.table.currentText():
                return join
        return None

    def spec(self) -> JoinSpec:
        """The join as chosen, with previously accepted matches and the ticked suggestions."""
        existing = self._existing_spec()
        accepted = dict(existing.accepted) if existing else {}
        accepted.update(self.accepted_suggestions())
        within = [self.layer_parent.currentText(), self.table_parent.currentText()] if self.within.isChecked() else []
        return JoinSpec(
            layer=self.layer.currentText(),
            table=self.table.currentText(),
            on=self.keys.pairs(),
            accepted=accepted,
            aliases=list(existing.aliases) if existing else [],
            within=within,
            fields=list(existing.fields) if existing else [],
            aggregate=existing.aggregate if existing else None,
        )

    @staticmethod
    def spec_problem(spec: JoinSpec) -> PakmapError | None:
        """What is missing or contradictory in the choices, before anything is run."""
        if not spec.layer or not spec.table:
            return PakmapError("choose the boundary layer and the statistics table to join", fix="pick them above")
        if not all(all(pair) for pair in spec.on):
            return PakmapError(
                f"choose both fields of every key pair joining '{spec.table}' to '{spec.layer}'",
                fix="pick them above, or remove the pair that is not needed",
            )
        seen = set()
        for layer_field, table_field in spec.on:
            if (layer_field, table_field) in seen:
                return PakmapError(
                    f"the key pair '{spec.layer}'.{layer_field} = '{spec.table}'.{table_field} is given twice",
                    fix="remove one of them",
                )
            seen.add((layer_field, table_field))
        if spec.within and not all(spec.within):
            return PakmapError(
                f"choose the parent field of both '{spec.layer}' and '{spec.table}' to match within",
                fix="or untick the parent unit",
            )
        return None

    def accepted_suggestions(self) -> dict[str, str]:
        out = {}
        for r in range(self.suggestions.rowCount()):
            check = self.suggestions.item(r, 0)
            choice = self.suggestions.cellWidget(r, 2)
            if check is not None and check.checkState() == Qt.CheckState.Checked and choice is not None:
                out[self.suggestions.item(r, 1).text()] = choice.currentData()
        return out

    # --- running -----------------------------------------------------------------------------

    def preview(self, on_done=None) -> None:
        spec = self.spec()
        problem = self.spec_problem(spec)
        if problem is not None:
            self.failed.emit(problem)
            return
        self.run_button.setEnabled(False)

        def done(result):
            self.run_button.setEnabled(True)
            joined, report = result
            self._preview = (spec, joined, report)
            self.show_report(report)
            self.apply_button.setEnabled(True)
            if on_done:
                on_done(report)

        def failed(exc):
            self.run_button.setEnabled(True)
            self.failed.emit(exc)

        self.tasks.start(
            f"Joining {spec.table} to {spec.layer}", lambda p, c: self.document.preview_join(spec), done, failed
        )

    def apply(self, on_done=None) -> None:
        """Keep the join in the project; re-run first if the choices changed since the preview."""
        spec = self.spec()
        in_view = self.tabs.currentIndex()  # a re-run to take ticked suggestions in must not switch tabs

        def keep(report):
            _, joined, report = self._preview
            self.tabs.setCurrentIndex(in_view)
            self.document.apply_join(spec, joined, report)
            self.summary.setText(
                self.summary.text() + "\n\nApplied: the join and its accepted matches are saved with the project."
            )
            self.applied.emit(report)
            if on_done:
                on_done(report)

        if self._preview is not None and self._preview[0] == spec:
            keep(self._preview[2])
        else:
            self.preview(on_done=keep)

    # --- report ------------------------------------------------------------------------------

    def show_report(self, report) -> None:
        self.report = report
        counts = report.counts()
        table, layer = (html.escape(f"'{name}'", quote=False) for name in (report.table_name, report.layer_name))
        lines = [
            f"<b>{report.matched} of {len(report.rows)} rows of {table} matched a feature of {layer}</b> "
            f"({counts['exact']} exactly, {counts['normalized']} after normalization, "
            f"{counts['alias']} by alias, {counts['accepted']} by accepted suggestion, "
            f"{counts['group']} for a group of features); "
            f"<b>{counts['unmatched']}</b> rows of {table} unmatched; "
            f"<b>{counts['unmatched_layer']}</b> features of {layer} without data."
        ]
        totals = report.rows[report.rows["how"] == "total"]
        if len(totals):
            listed = ", ".join(f"{report.row_kind} {r.table_row}: {r.detail}" for r in totals.itertuples())
            lines.append(f"Totals rows left out of the join: {html.escape(listed)}")
        for warning in report.warnings:
            lines.append(f"<span style='color:#B3261E'>⚠ {html.escape(warning, quote=False)}</span>")
        for note in report.notes:
            lines.append(f"note: {html.escape(note, quote=False)}")
        self.summary.setText("<br>".join(lines))

        unmatched = report.unmatched_rows
        self.unmatched_table.setHorizontalHeaderItem(0, QTableWidgetItem(f"Table row ({report.row_kind})"))
        _fill(
            self.unmatched_table,
            [
                [r.table_row, r.table_key, "yes" if r.has_values else "no", r.suggestions]
                for r in unmatched.itertuples()
            ],
        )
        _fill(self.unmatched_layer, [[r.layer_row, r.layer_key] for r in report.unmatched_layer.itertuples()])
        matched = report.rows[~report.rows["how"].isin(NOT_JOINED)]
        _fill(self.matched, [[r.table_key, r.how, r.layer_key, r.detail] for r in matched.itertuples()])

        self.suggestions.setRowCount(0)
        for key, candidates in report.suggestions.items():
            if not candidates:
                continue
            r = self.suggestions.rowCount()
            self.suggestions.insertRow(r)
            check = QTableWidgetItem()
            check.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
            check.setCheckState(Qt.CheckState.Unchecked)
            self.suggestions.setItem(r, 0, check)
            self.suggestions.setItem(r, 1, QTableWidgetItem(key))
            choice = QComboBox()
            for s in candidates:
                choice.addItem(str(s), s.layer_key)
            self.suggestions.setCellWidget(r, 2, choice)
            self.suggestions.setItem(r, 3, QTableWidgetItem(f"{candidates[0].score:.0f}"))
            choice.currentIndexChanged.connect(
                lambda i, row=r, c=candidates: self.suggestions.item(row, 3).setText(f"{c[i].score:.0f}")
            )
        self.tabs.setCurrentIndex(0 if self.suggestions.rowCount() else 1)

    def accept_suggestion(self, table_key: str, layer_key: str | None = None) -> bool:
        """Tick a suggestion (the first candidate, or ``layer_key``): what a click in the table does."""
        for r in range(self.suggestions.rowCount()):
            if self.suggestions.item(r, 1).text() == table_key:
                choice = self.suggestions.cellWidget(r, 2)
                if layer_key is not None:
                    index = choice.findData(layer_key)
                    if index < 0:
                        return False
                    choice.setCurrentIndex(index)
                self.suggestions.item(r, 0).setCheckState(Qt.CheckState.Checked)
                return True
        return False
