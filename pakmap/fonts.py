"""The Lato font, registered with Qt once so every surface (canvas, PNG, PDF, SVG) draws the same type.

UNHCR products use Lato; the ``font-lato`` package ships its TrueType files. Qt only knows fonts
installed on the system unless they are added to its font database, which needs a Gui application.
"""

from __future__ import annotations

import threading
from pathlib import Path

FAMILY = "Lato"
_lock = threading.Lock()
_registered: list[str] | None = None


def lato_files() -> list[Path]:
    """The TTF files shipped by ``font-lato`` (regular, bold, italic…)."""
    import font_lato  # the font files, only once something draws or embeds text

    return sorted(Path(p) for p in font_lato.font_files.values())


def register_lato() -> list[str]:
    """Add Lato to Qt's font database once; returns the families registered (``["Lato"]``).

    Needs a ``QGuiApplication`` (see ``pakmap.render.qt.ensure_gui_app``). Safe to call repeatedly.
    """
    global _registered
    with _lock:
        if _registered is not None:
            return _registered
        # Qt only for drawing: the web map embeds the same files without loading Qt's GUI module.
        from PySide6.QtGui import QFontDatabase

        families: set[str] = set()
        for path in lato_files():
            font_id = QFontDatabase.addApplicationFont(str(path))
            if font_id >= 0:
                families.update(QFontDatabase.applicationFontFamilies(font_id))
        _registered = sorted(families)
        return _registered
