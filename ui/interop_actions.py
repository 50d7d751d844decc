"""Project ▸ Export as QGIS project…, Layer ▸ Import QGIS style…, Layer ▸ Export style….

Thin wrappers over ``pakmap.interop``: the file dialogs (``ask_*``, replaced in tests), then the core
does the work (exports in the background through the window's task runner) and the window shows
the result or the one-line error.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtWidgets import QFileDialog

from pakmap.layer import VectorLayer

QGZ_FILTER = "QGIS project (*.qgz)"
QML_FILTER = "QGIS style (*.qml)"
STYLE_FILTER = "QGIS style (*.qml);;SLD 1.1 — GeoServer, ArcGIS Pro (*.sld)"


class InteropActions(QObject):
    """What the three menu entries do, for the main window ``window``."""

    exported = Signal(list)  # the files written
    imported = Signal(str)  # the one line on what could not be carried over

    def __init__(self, window, settings: QSettings) -> None:
        super().__init__(window)
        self.window = window
        self.settings = settings

    @property
    def document(self):
        return self.window.document

    # --- questions (replaced in tests) -------------------------------------------------------

    def _folder(self) -> str:
        return str(self.settings.value("files/export_folder", str(Path.home())))

    def ask_qgz_path(self) -> str | None:
        path, _ = QFileDialog.getSaveFileName(self.window, "Export as QGIS project", self._folder(), QGZ_FILTER)
        if path and not path.lower().endswith(".qgz"):
            path += ".qgz"
        return path or None

    def ask_style_open_path(self) -> str | None:
        path, _ = QFileDialog.getOpenFileName(self.window, "Import QGIS style", self._folder(), QML_FILTER)
        return path or None

    def ask_style_save_path(self, layer_name: str) -> str | None:
        path, chosen = QFileDialog.getSaveFileName(
            self.window,
            f"Export the style of {layer_name}",
            str(Path(self._folder()) / f"{layer_name}.qml"),
            STYLE_FILTER,
        )
        if path and Path(path).suffix.lower() not in (".qml", ".sld"):
            path += ".sld" if "sld" in chosen else ".qml"
        return path or None

    # --- actions -----------------------------------------------------------------------------

    def _vector_layer(self) -> VectorLayer | None:
        layer = self.window.current_layer()
        if not isinstance(layer, VectorLayer):
            self.window.statusBar().showMessage("Choose a boundary, line or point layer first", 5000)
            return None
        return layer

    def _done(self, written) -> None:
        if written:
            self.settings.setValue("files/export_folder", str(Path(written[0]).parent))
        self.window.statusBar().showMessage("Written: " + ", ".join(Path(p).name for p in written), 15000)
        self.exported.emit([Path(p) for p in written])

    def export_qgis(self, path: str | None = None):
        """Write the project as a QGIS project (and its GeoPackage) in the background."""
        path = path or self.ask_qgz_path()
        if not path:
            return None
        # The QGIS writer brings the exporters, the page layout and the PDF finisher (pikepdf): loaded
        # when first used, not before the window's first map (as the dialogs in main_window.py).
        from pakmap.jobs.qgis_project import export_qgis_project

        loaded = self.document.loaded
        return self.window.tasks.start(
            f"Exporting {Path(path).name}",
            lambda p, c: export_qgis_project(loaded, path),
            self._done,
            self.window.show_error,
        )

    def export_style(self, path: str | None = None):
        """Write the current layer's style as .qml or .sld in the background."""
        layer = self._vector_layer()
        if layer is None:
            return None
        path = path or self.ask_style_save_path(layer.name)
        if not path:
            return None
        from pakmap.jobs.style_files import export_layer_style

        loaded, name = self.document.loaded, layer.name
        return self.window.tasks.start(
            f"Exporting {Path(path).name}",
            lambda p, c: [export_layer_style(loaded, name, path)],
            self._done,
            self.window.show_error,
        )

    def import_style(self, path: str | None = None) -> str | None:
        """Read a QGIS .qml onto the current layer; returns the line on what was not carried over."""
        layer = self._vector_layer()
        if layer is None:
            return None
        path = path or self.ask_style_open_path()
        if not path:
            return None
        from pakmap.jobs.style_files import check_style_fits, read_style_file

        try:
            imported = read_style_file(path)
            check_style_fits(self.document.loaded, layer.name, imported, path)
        except Exception as exc:  # noqa: BLE001 - shown as one line; the layer keeps its style
            self.window.show_error(exc)
            return None
        self.document.set_style(layer.name, imported.style, imported.labels, opacity=imported.opacity)
        summary = f"{Path(path).name}: {imported.summary()}"
        self.window.statusBar().showMessage(summary, 15000)
        self.imported.emit(summary)
        return summary
