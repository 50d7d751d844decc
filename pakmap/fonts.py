"""The fonts pakmap draws with, registered with Qt once so every surface (canvas, PNG, PDF, SVG)
draws the same type: Lato for Latin text, Noto Naskh Arabic for Arabic-script text (Urdu, Pashto).

UNHCR products use Lato; the ``font-lato`` package ships its TrueType files. Lato has no Arabic
script; Noto Naskh Arabic (Urdu's and Pashto's letters included) comes from Debian's
``fonts-noto-core`` (no PyPI package ships it) or any system font folder that holds its files. Every
pakmap font lists it after its own family, so Qt shapes each run of Arabic script in it (HarfBuzz:
joined letters, right to left) and keeps Latin text in Lato. Not Noto Nastaliq Urdu, the script
Urdu readers know best: Qt places its cascading cursive joins wrongly (the kaf of "کراچی" and the
first gaf of "گلگت" lose their strokes, against HarfBuzz itself and Chromium), while every Naskh
name is placed as HarfBuzz places it. Qt only knows fonts installed on the
system unless they are added to its font database, which needs a Gui application.
"""

from __future__ import annotations

import os
import re
import sys
import threading
from pathlib import Path

FAMILY = "Lato"
URDU_FAMILY = "Noto Naskh Arabic"
_URDU_FILES = ("NotoNaskhArabic-Regular.ttf", "NotoNaskhArabic-Bold.ttf")
# Arabic, Arabic Supplement, Arabic Extended-A, the presentation forms: the script of Urdu and Pashto.
ARABIC_SCRIPT = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")
# A run of it as a reader sees one: Arabic-script letters and what stands between them (spaces,
# punctuation), never a Latin letter or a digit.
ARABIC_RUN = re.compile(f"{ARABIC_SCRIPT.pattern}(?:[^A-Za-z0-9\n]*{ARABIC_SCRIPT.pattern})?")
ARABIC_LETTERS = re.compile(f"{ARABIC_SCRIPT.pattern}+")
_lock = threading.Lock()
_registered: list[str] | None = None


def lato_files() -> list[Path]:
    """The TTF files shipped by ``font-lato`` (regular, bold, italic…)."""
    import font_lato  # the font files, only once something draws or embeds text

    return sorted(Path(p) for p in font_lato.font_files.values())


def _font_folders() -> list[Path]:
    """Where systems keep fonts: Debian's packages, a user's own, Windows' and macOS's folders."""
    home = Path.home()
    folders = [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), home / ".local/share/fonts", home / ".fonts"]
    if sys.platform == "win32":
        windir = Path(os.environ.get("WINDIR", r"C:\Windows"))
        folders = [windir / "Fonts", Path(os.environ.get("LOCALAPPDATA", home)) / "Microsoft/Windows/Fonts"]
    elif sys.platform == "darwin":
        folders = [Path("/Library/Fonts"), home / "Library/Fonts"]
    return folders


def urdu_files() -> list[Path]:
    """Noto Naskh Arabic's regular and bold files where the system has them (Debian's
    ``fonts-noto-core`` puts them in ``/usr/share/fonts/truetype/noto``); empty when it has none."""
    found: dict[str, Path] = {}
    for folder in _font_folders():
        if not folder.is_dir():
            continue
        direct = [folder / "truetype/noto" / name for name in _URDU_FILES] + [folder / name for name in _URDU_FILES]
        for path in direct:
            if path.is_file():
                found.setdefault(path.name, path)
        if len(found) < len(_URDU_FILES):
            for name in _URDU_FILES:
                if name not in found:
                    anywhere = next(folder.rglob(name), None)
                    if anywhere is not None:
                        found[name] = anywhere
    return [found[name] for name in _URDU_FILES if name in found]


def urdu_file(bold: bool = False) -> Path | None:
    """The Noto Naskh Arabic file of that weight (regular when there is no bold), or None."""
    files = {path.name: path for path in urdu_files()}
    return files.get(_URDU_FILES[bool(bold)]) or files.get(_URDU_FILES[0])


def has_arabic_script(text: str) -> bool:
    """Whether ``text`` has a letter of the Arabic script (Urdu, Pashto, Dari…)."""
    return ARABIC_SCRIPT.search(text) is not None


def with_fallbacks(family: str) -> list[str]:
    """The families a font of ``family`` draws with, in order: its own, then Naskh for Urdu."""
    return [family] if family == URDU_FAMILY else [family, URDU_FAMILY]


def register_fonts() -> list[str]:
    """Add Lato and Noto Naskh Arabic (when the system has it) to Qt's font database once; returns
    the families registered (``["Lato", "Noto Naskh Arabic"]``).

    Needs a ``QGuiApplication`` (see ``pakmap.render.qt.ensure_gui_app``). Safe to call repeatedly.
    """
    global _registered
    with _lock:
        if _registered is not None:
            return _registered
        # Qt only for drawing: the web map embeds the same files without loading Qt's GUI module.
        from PySide6.QtGui import QFontDatabase

        families: set[str] = set()
        for path in lato_files() + urdu_files():
            font_id = QFontDatabase.addApplicationFont(str(path))
            if font_id >= 0:
                families.update(QFontDatabase.applicationFontFamilies(font_id))
        _registered = sorted(families)
        return _registered
