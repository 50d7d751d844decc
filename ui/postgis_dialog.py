"""Layer ▸ Add PostGIS layer…: a service's spatial tables, with geometry type, CRS and rows.

The officer types a ``pg_service.conf`` service name (or a ``postgresql://`` address without a
password) and presses List; the tables come from ``pakmap.postgis.catalog`` in the background (the
window never waits on a server) with PostgreSQL's row estimates. The chosen tables are added like
files: read by ``open_layer``, they are then styled, joined, exported and checked like any layer.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from pakmap.postgis.address import PgSource, as_source, is_database_address

COLUMNS = ("Table", "Geometry", "Type", "CRS", "Rows (estimate)")


def server_of(text: str) -> PgSource:
    """What the officer typed: a service name, or an address (its table part, if any, dropped)."""
    text = text.strip()
    if is_database_address(text):
        source = as_source(text)
        return PgSource(source.params)
    return PgSource((("service", text),))


class PostgisDialog(QDialog):
    def __init__(self, window, settings: QSettings) -> None:
        super().__init__(window)
        self.window = window
        self.settings = settings
        self.entries: list = []
        self.setWindowTitle("Add PostGIS layer")
        self.server = QLineEdit(str(settings.value("postgis/server", "")))
        self.server.setPlaceholderText("service name from pg_service.conf, or postgresql://host:port/database/")
        self.list_button = QPushButton("&List tables")
        self.list_button.clicked.connect(self.list_tables)
        self.server.returnPressed.connect(self.list_tables)
        self.tables = QTableWidget(0, len(COLUMNS))
        self.tables.setHorizontalHeaderLabels(COLUMNS)
        self.tables.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tables.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tables.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.tables.doubleClicked.connect(lambda _: self.accept())
        self.message = QLabel("Passwords stay in the password file (PGPASSFILE, ~/.pgpass), never in the project.")
        self.message.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Add")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(QLabel("Server:"))
        row.addWidget(self.server, 1)
        row.addWidget(self.list_button)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.tables, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.resize(720, 420)

    def list_tables(self) -> None:
        """Ask the server for its spatial tables, in the background."""
        from pakmap.postgis.catalog import list_tables

        try:
            source = server_of(self.server.text())
        except Exception as exc:  # noqa: BLE001 - a password in the address, a malformed one: one line
            self.message.setText(str(exc))
            return
        self.settings.setValue("postgis/server", self.server.text().strip())
        self.message.setText(f"Listing the tables of {source.server}…")
        self.list_button.setEnabled(False)

        def failed(exc: BaseException) -> None:
            self.list_button.setEnabled(True)
            self.message.setText(str(exc))

        self.window.tasks.start(
            f"Listing {source.server}",
            lambda progress, cancelled: (source, list_tables(source)),
            self._show,
            failed,
            owner=self,
        )

    def _show(self, result) -> None:
        source, entries = result
        self.source, self.entries = source, entries
        self.list_button.setEnabled(True)
        self.tables.setRowCount(len(entries))
        for i, entry in enumerate(entries):
            cells = (
                entry.name + (" (view)" if entry.view else ""),
                entry.geometry,
                entry.geometry_type,
                entry.crs,
                "unknown" if entry.rows is None else f"{entry.rows:,}",
            )
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if j == len(cells) - 1:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.tables.setItem(i, j, item)
        if entries:
            self.tables.selectRow(0)
        self.message.setText(
            f"{len(entries)} spatial table(s) on {source.server}."
            if entries
            else f"{source.server} has no spatial tables (no geometry columns)."
        )

    def chosen_addresses(self) -> list[str]:
        """The selected tables as ``postgresql://`` addresses (what the project will store)."""
        rows = sorted({index.row() for index in self.tables.selectionModel().selectedRows()})
        out = []
        for row in rows:
            entry = self.entries[row]
            table = PgSource(self.source.params, (entry.schema, entry.table), None, entry.geometry)
            out.append(str(table))
        return out


__all__ = ["PostgisDialog", "server_of"]
