"""How errors reach the officer: one clear sentence in the window, never a crash.

``PakmapError`` already says which file, what is wrong and how to fix it; it is shown as is. Anything
else is a bug in pakmap: the window says so in one line and the traceback goes to the log (stderr),
and the application keeps running with everything the user did intact.
"""

from __future__ import annotations

import sys
import traceback

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from pakmap.errors import PakmapError


def error_text(exc: BaseException) -> str:
    if isinstance(exc, PakmapError):
        return str(exc)
    if isinstance(exc, MemoryError):
        return "Not enough memory for this operation — close other layers or use a smaller extent"
    return f"Unexpected error ({type(exc).__name__}: {exc}) — your work is unchanged; please report this"


def show_error(parent: QWidget | None, exc: BaseException, title: str = "pakmap") -> QMessageBox:
    """A non-blocking message box with the error's one-line text (the event loop keeps running)."""
    if not isinstance(exc, PakmapError):
        trace = getattr(exc, "__pakmap_traceback__", None) or "".join(
            traceback.format_exception(type(exc), exc, exc.__traceback__)
        )
        print(trace, file=sys.stderr)
    box = QMessageBox(QMessageBox.Icon.Warning, title, error_text(exc), QMessageBox.StandardButton.Ok, parent)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.setWindowModality(Qt.WindowModality.WindowModal)
    box.open()
    return box
