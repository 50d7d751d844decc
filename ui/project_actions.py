"""Project file actions: new, open, save, save as, recent projects, autosave and crash recovery.

The questions asked of the user (save changes? which file? recover?) are methods of their own so
the rest is plain logic, driven the same way by the menus and by the tests.

Recovery: every ``interval`` seconds an unsaved project is written to a recovery file (the same TOML
format, with absolute data paths) and the settings remember which project it belongs to. A clean
exit or an explicit save removes it, so a recovery file found at start-up means the last session
ended without saving: the user is offered to restore it.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QSettings, QStandardPaths, Qt, QTimer, Signal
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox

from pakmap.project import Project, load_project
from pakmap.project.loader import missing_files
from pakmap.session import Session, open_recovered

from .relink_dialog import RelinkDialog

MAX_RECENT = 8
PROJECT_FILTER = "pakmap projects (*.toml);;All files (*)"


def default_recovery_path() -> Path:
    folder = Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation) or Path.home())
    return folder / "recovery.toml"


class ProjectFiles(QObject):
    """Opens and saves the window's document; keeps recent files and the recovery file."""

    recent_changed = Signal(list)

    def __init__(
        self, window, settings: QSettings, recovery_path: Path | None = None, autosave_seconds: int = 60
    ) -> None:
        super().__init__(window)
        self.window = window
        self.settings = settings
        self.recovery_path = Path(recovery_path) if recovery_path else default_recovery_path()
        self.timer = QTimer(self)
        self.timer.setInterval(max(1, int(autosave_seconds)) * 1000)
        self.timer.timeout.connect(self.autosave)
        self.timer.start()
        self.relink_dialog: RelinkDialog | None = None  # asking for missing files, while it is open

    @property
    def document(self) -> Session:
        return self.window.document

    # --- questions (replaced in tests) -------------------------------------------------------

    def ask_save_changes(self) -> str:
        """'save', 'discard' or 'cancel'."""
        name = self.document.project.path.name if self.document.project.path else "the untitled project"
        answer = QMessageBox.question(
            self.window,
            "Unsaved changes",
            f"Save the changes to {name}?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
        )
        return {QMessageBox.StandardButton.Save: "save", QMessageBox.StandardButton.Discard: "discard"}.get(
            answer, "cancel"
        )

    def ask_open_path(self) -> str | None:
        path, _ = QFileDialog.getOpenFileName(self.window, "Open project", self._last_folder(), PROJECT_FILTER)
        return path or None

    def ask_save_path(self) -> str | None:
        path, _ = QFileDialog.getSaveFileName(self.window, "Save project as", self._last_folder(), PROJECT_FILTER)
        if path and not path.lower().endswith(".toml"):
            path += ".toml"
        return path or None

    def ask_recover(self, original: str | None) -> bool:
        what = original or "an untitled project"
        return (
            QMessageBox.question(
                self.window,
                "Recover unsaved work",
                f"pakmap did not close normally. Restore the unsaved changes to {what}?",
            )
            == QMessageBox.StandardButton.Yes
        )

    def _last_folder(self) -> str:
        return str(self.settings.value("files/last_folder", str(Path.home())))

    # --- actions -----------------------------------------------------------------------------

    def maybe_save(self) -> bool:
        """True when it is fine to drop the current document (saved, discarded, or clean)."""
        if not self.document.dirty:
            return True
        answer = self.ask_save_changes()
        if answer == "save":
            return self.save()
        return answer == "discard"

    def new(self) -> bool:
        if not self.maybe_save():
            return False
        self.window.set_document(Session())
        self.discard_recovery()
        return True

    def open(self, path: str | None = None, on_done=None) -> bool:
        """Read a project and its data in the background; the window switches when it is loaded.

        When some layers' files are missing, the relink dialog asks for each first (``relink_dialog``)."""
        if not self.maybe_save():
            return False
        path = path or self.ask_open_path()
        if not path:
            return False
        try:
            project = load_project(path)
        except Exception as exc:  # noqa: BLE001 - shown; the open project stays as it was
            self.window.show_error(exc)
            return False
        self._find_missing(project, lambda skipped, relinked: self._load(project, skipped, relinked, on_done))
        return True

    def _find_missing(self, project: Project, then) -> None:
        """``then(skipped, relinked)`` once every missing file of ``project`` is found or skipped
        (at once when none is missing); nothing when the officer cancels."""
        missing = missing_files(project)
        if not missing:
            then(set(), False)
            return
        dialog = self.relink_dialog = RelinkDialog(project, missing, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def answered(result: int) -> None:
            self.relink_dialog = None
            if result != QDialog.DialogCode.Accepted:
                return
            found = dialog.found()
            for name, new_path in found.items():
                project.layer_spec(name).path = str(new_path.resolve())
            then(dialog.skipped(), bool(found))

        dialog.finished.connect(answered)
        dialog.open()

    def _load(self, project: Project, skipped: set[str], relinked: bool, on_done=None, recovered: bool = False) -> None:
        def loaded(document: Session) -> None:
            self.window.set_document(document)
            if not recovered:
                self.remember(document.project.path)
                self.discard_recovery()
            if relinked or recovered:
                # the files found, or the restored work, are saved in the project with the next save
                document.mark_dirty()
            if skipped:
                names = ", ".join(sorted(skipped))
                self.window.statusBar().showMessage(f"Not drawn, file missing: {names} (kept in the project)", 30000)
            if on_done:
                on_done(document)

        name = project.path.name if project.path else "project"
        self.window.tasks.start(
            "Recovering unsaved work" if recovered else f"Opening {name}",
            lambda progress, _c: Session.open_without(project, skipped, progress),
            loaded,
            self.window.show_error,
        )

    def save(self) -> bool:
        if self.document.project.path is None:
            return self.save_as()
        return self._save(None)

    def save_as(self, path: str | None = None) -> bool:
        path = path or self.ask_save_path()
        return bool(path) and self._save(path)

    def _save(self, path) -> bool:
        self.document.project.view = self.window.view_state()
        try:
            written = self.document.save(path)
        except Exception as exc:  # noqa: BLE001 - shown; the document stays as it was, unsaved
            self.window.show_error(exc)
            return False
        self.remember(written)
        self.discard_recovery()
        self.window.statusBar().showMessage(f"Saved {written}", 5000)
        self.window.update_title()
        return True

    # --- recent files ------------------------------------------------------------------------

    def recent(self) -> list[str]:
        value = self.settings.value("files/recent", [])
        if isinstance(value, str):  # QSettings returns a lone string for a one-item list
            value = [value]
        return [str(v) for v in value or []]

    def remember(self, path) -> None:
        if path is None:
            return
        path = str(Path(path).resolve())
        items = [path] + [p for p in self.recent() if p != path]
        self.settings.setValue("files/recent", items[:MAX_RECENT])
        self.settings.setValue("files/last_folder", str(Path(path).parent))
        self.recent_changed.emit(self.recent())

    # --- autosave and recovery ---------------------------------------------------------------

    def autosave(self) -> Path | None:
        if not self.document.dirty:
            return None
        try:
            self.recovery_path.parent.mkdir(parents=True, exist_ok=True)
            self.document.project.view = self.window.view_state()
            written = self.document.save_copy(self.recovery_path)
        except Exception as exc:  # noqa: BLE001 - autosave must never interrupt work
            self.window.statusBar().showMessage(f"Autosave failed: {exc}", 5000)
            return None
        original = self.document.project.path
        self.settings.setValue("recovery/original", str(original) if original else "")
        self.settings.sync()
        return written

    def discard_recovery(self) -> None:
        self.recovery_path.unlink(missing_ok=True)
        self.settings.remove("recovery/original")

    def offer_recovery(self, on_done=None) -> bool:
        """At start-up: restore the recovery file if one is there and the user wants it."""
        if not self.recovery_path.exists():
            return False
        original = str(self.settings.value("recovery/original", "")) or None
        if not self.ask_recover(original):
            self.discard_recovery()
            return False

        try:
            project = open_recovered(self.recovery_path, original)
        except Exception as exc:  # noqa: BLE001 - shown; the recovery file is kept for another try
            self.window.show_error(exc)
            return False
        self._find_missing(
            project, lambda skipped, _relinked: self._load(project, skipped, True, on_done, recovered=True)
        )
        return True
