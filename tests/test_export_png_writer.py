"""save_png: an opaque image becomes an RGB PNG with the same pixels; failures are one-line errors."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QImage

from pakmap.errors import ExportError
from pakmap.export.png import save_png


def test_opaque_image_round_trips_as_rgb_png(tmp_path):
    image = QImage(40, 30, QImage.Format.Format_RGB32)
    image.fill(QColor("#FFFFFF"))
    image.setPixelColor(5, 7, QColor("#0072BC"))
    out = tmp_path / "map.png"
    save_png(image, out)
    back = QImage(str(out))
    assert (back.width(), back.height(), back.hasAlphaChannel()) == (40, 30, False)
    assert back.pixelColor(5, 7).name() == "#0072bc" and back.pixelColor(6, 7).name() == "#ffffff"
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and sorted(tmp_path.iterdir()) == [out]


def test_a_failed_write_is_an_export_error_and_leaves_the_target_alone(tmp_path):
    out = tmp_path / "map.png"
    out.write_bytes(b"the officer's previous map")
    with pytest.raises(ExportError, match="cannot write the PNG"):
        save_png(QImage(), out)  # a null image: Qt's writer refuses it
    assert out.read_bytes() == b"the officer's previous map" and sorted(tmp_path.iterdir()) == [out]
