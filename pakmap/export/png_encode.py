"""PNG encoding of rendered maps and pages, through Pillow.

Qt's PNG writer (libpng at its defaults) spends most of its time choosing a row filter for every
row: an A4 map at 300 dpi (8.7 Mpx) took 0.18–0.25 s. Maps are large flat areas of a few colours,
which compress well at a low zlib level; Pillow at level 3 writes the same image in about 0.1 s.

Opaque images are written as 8-bit RGB, others as 8-bit RGBA (straight alpha, as PNG requires).
The resolution is kept (``pHYs``), so the image prints at its intended size.
"""

from __future__ import annotations

import io

import numpy as np
from PIL import Image
from PySide6.QtGui import QImage

ZLIB_LEVEL = 3  # level 1: ~20 % faster, larger; level 6: twice as slow, smaller


def encode_png(image: QImage) -> bytes:
    """The PNG file bytes of ``image`` (any format; must not be null)."""
    if image.isNull():
        raise ValueError("cannot encode a null image as PNG")
    alpha = image.hasAlphaChannel()
    target = QImage.Format.Format_RGBA8888 if alpha else QImage.Format.Format_RGB888
    pixels = image if image.format() == target else image.convertToFormat(target)
    width, height = pixels.width(), pixels.height()
    channels = 4 if alpha else 3
    # Qt pads rows to 4 bytes; Pillow wants them packed.
    rows = np.frombuffer(pixels.constBits(), np.uint8).reshape(height, pixels.bytesPerLine())
    packed = np.ascontiguousarray(rows[:, :width * channels]).reshape(height, width, channels)
    dpi = image.dotsPerMeterX() * 0.0254, image.dotsPerMeterY() * 0.0254
    buffer = io.BytesIO()
    Image.fromarray(packed, "RGBA" if alpha else "RGB").save(buffer, format="PNG", compress_level=ZLIB_LEVEL,
                                                             dpi=dpi)
    return buffer.getvalue()


__all__ = ["encode_png", "ZLIB_LEVEL"]
