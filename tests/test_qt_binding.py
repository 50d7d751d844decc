"""The Qt binding pakmap is installed with must not corrupt the interpreter.

PySide6 6.12.0 on Python 3.11 dropped a reference to ``None`` on every call of a void Qt function
and aborted the process after a few thousand calls; pyproject.toml excludes that release. This test
fails (or crashes) if an installed binding has the defect again.
"""

from __future__ import annotations

import sys

from PySide6.QtGui import QImage, QPainter, QPen


def test_void_qt_calls_keep_none_alive():
    image = QImage(8, 8, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    before = sys.getrefcount(None)
    for _ in range(20_000):
        painter.setPen(QPen())
    after = sys.getrefcount(None)
    painter.end()
    assert before - after < 1_000
