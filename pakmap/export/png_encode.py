"""A fast PNG encoder for rendered maps and pages: no row filter, zlib level 3.

Qt's PNG writer (libpng) tries every row filter on every row to pick the best, which is most of its
time: an A4 map at 300 dpi (8.7 Mpx) took 0.18–0.25 s. Maps are large flat areas of a few colours,
which deflate already compresses well unfiltered; filtering (which helps photographs) made these
files *larger*. Unfiltered at zlib level 3 the same image encodes in ~0.08 s and the file is ~30 %
smaller than Qt's (measured on the benchmark map: 1.04 MB against 1.52 MB).

Opaque images are written as 8-bit RGB, others as 8-bit RGBA (straight alpha, as PNG requires).
The resolution is kept in a ``pHYs`` chunk, so the image prints at its intended size.
"""

from __future__ import annotations

import struct
import zlib

import numpy as np
from PySide6.QtGui import QImage

ZLIB_LEVEL = 3  # level 1: ~20 % faster, ~20 % larger; level 6: twice as slow, ~20 % smaller
_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_RGB, _RGBA = 2, 6  # PNG colour types


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def encode_png(image: QImage) -> bytes:
    """The PNG file bytes of ``image`` (any format; must not be null)."""
    if image.isNull():
        raise ValueError("cannot encode a null image as PNG")
    alpha = image.hasAlphaChannel()
    target = QImage.Format.Format_RGBA8888 if alpha else QImage.Format.Format_RGB888
    pixels = image if image.format() == target else image.convertToFormat(target)
    width, height = pixels.width(), pixels.height()
    channels = 4 if alpha else 3
    rows = np.frombuffer(pixels.constBits(), np.uint8).reshape(height, pixels.bytesPerLine())
    # Each PNG row is its filter type (0: none) followed by the row's bytes (Qt pads rows to 4 bytes).
    raw = np.zeros((height, 1 + width * channels), np.uint8)
    raw[:, 1:] = rows[:, :width * channels]
    header = struct.pack(">IIBBBBB", width, height, 8, _RGBA if alpha else _RGB, 0, 0, 0)
    dpm_x, dpm_y = max(image.dotsPerMeterX(), 1), max(image.dotsPerMeterY(), 1)
    return b"".join((
        _SIGNATURE,
        _chunk(b"IHDR", header),
        _chunk(b"pHYs", struct.pack(">IIB", dpm_x, dpm_y, 1)),  # unit 1: per metre
        _chunk(b"IDAT", zlib.compress(raw.data, ZLIB_LEVEL)),
        _chunk(b"IEND", b""),
    ))


__all__ = ["encode_png", "ZLIB_LEVEL"]
