"""Work-arounds for defects of the Qt binding that would crash the application.

PySide6 6.12.0 on CPython 3.11 drops one reference to ``None`` on every call of a C++ function that
returns ``void`` (``processEvents``, ``QPainter.drawLine``, ``QTimer.start``…). After a few thousand
calls ``None``'s count reaches zero and the interpreter aborts ("none_dealloc: deallocating None").
6.11.3 does not do this. Where the defect is measured, ``None`` is given a very large reference
count at start-up — what CPython 3.12 does for ``None`` anyway ("immortal objects", PEP 683).
"""

from __future__ import annotations

import ctypes
import sys

_CALLS = 64
_applied = False


def void_call_leaks_none() -> bool:
    """True when calling a void Qt function loses references to ``None`` (the 6.12.0 defect)."""
    from PySide6.QtCore import QLocale

    default = QLocale()
    before = sys.getrefcount(None)
    for _ in range(_CALLS):
        QLocale.setDefault(default)  # a static void function: needs no application object
    return before - sys.getrefcount(None) >= _CALLS


def keep_none_alive() -> bool:
    """Make ``None`` effectively immortal if this binding leaks it; returns whether it had to."""
    global _applied
    if _applied or sys.version_info >= (3, 12) or not void_call_leaks_none():
        return _applied
    ctypes.c_ssize_t.from_address(id(None)).value += 1 << 40
    _applied = True
    return True
