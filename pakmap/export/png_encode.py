"""A fast PNG encoder for rendered maps and pages: no row filter, zlib level 3, deflated in parallel.

Why not a library: Qt's writer (libpng) tries every row filter on every row, and Pillow filters
every RGB row adaptively too, at any compress level, for a larger file; both were several times
slower on the benchmark's A4 300-dpi map (bench/README.md). Deflate itself is zlib's; only the PNG container (five chunks) is written here, and the tests decode the result
with Pillow, independently of Qt.

Maps are large flat areas of a few colours, which deflate compresses well unfiltered; filtering
(which helps photographs) made these files *larger*: unfiltered at zlib level 3 the file is ~30 %
smaller than Qt's. Large images are deflated in parallel pieces (``deflate``).

Opaque images are written as 8-bit RGB, others as 8-bit RGBA (straight alpha, as PNG requires).
The resolution is kept in a ``pHYs`` chunk, so the image prints at its intended size.

``encode_rgba_png`` writes a numpy RGBA array (the web map's raster overlays) as exactly as it is, in
the smallest of the two forms that can: 8-bit palette indices when it has at most 256 distinct
colours (a raster on a colour ramp: one byte a pixel where RGBA takes four), RGBA otherwise.
"""

from __future__ import annotations

import os
import struct
import zlib
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QImage, QPainter

ZLIB_LEVEL = 3  # level 1: ~20 % faster, ~20 % larger; level 6: twice as slow, ~20 % smaller
# Above this many bytes the pixels are deflated in parallel pieces (zlib releases the GIL).
PARALLEL_BYTES = 4_000_000
# Bytes of PNG rows made and deflated at a time (``deflate_stream``): the rows never exist whole.
BAND_BYTES = 1_000_000
_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_RGB, _PALETTE, _RGBA = 2, 3, 6  # PNG colour types
# Raster overlays are written once and downloaded by every reader: compress them hard (an indexed
# overlay is small enough for level 9 to stay quick).
ARRAY_ZLIB_LEVEL = 9


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def encode_png(image: QImage) -> bytes:
    """The PNG file bytes of ``image`` (any format; must not be null)."""
    if image.isNull():
        raise ValueError("cannot encode a null image as PNG")
    alpha = image.hasAlphaChannel()
    width, height = image.width(), image.height()
    row_bytes = 1 + width * (4 if alpha else 3)  # each PNG row: its filter type (0: none), then the pixels

    def read(start: int, stop: int) -> memoryview:
        first, last = start // row_bytes, -(-stop // row_bytes)
        rows = _png_rows(image, first, last - first, alpha)
        return rows.reshape(-1).data[start - first * row_bytes : stop - first * row_bytes]

    dpm_x, dpm_y = max(image.dotsPerMeterX(), 1), max(image.dotsPerMeterY(), 1)
    physical = _chunk(b"pHYs", struct.pack(">IIB", dpm_x, dpm_y, 1))  # unit 1: per metre
    compressed = deflate_stream(height * row_bytes, read, rows_bytes=row_bytes)
    return _png_file(width, height, _RGBA if alpha else _RGB, [physical], compressed)


def _png_rows(image: QImage, first: int, count: int, alpha: bool) -> np.ndarray:
    """PNG rows ``first`` to ``first + count`` of ``image``: each its filter byte 0, then RGB or RGBA."""
    width = image.width()
    raw = np.empty((count, 1 + width * (4 if alpha else 3)), np.uint8)
    raw[:, 0] = 0
    if alpha:
        # Straight alpha through convertToFormat: exact; QPainter rounds unpremultiplying differently.
        band = image.copy(0, first, width, count)
        if band.format() != QImage.Format.Format_RGBA8888:
            band = band.convertToFormat(QImage.Format.Format_RGBA8888)
        pixels = np.frombuffer(band.constBits(), np.uint8).reshape(count, band.bytesPerLine())
        raw[:, 1:] = pixels[:, : width * 4]  # Qt pads rows to 4 bytes
        return raw
    # Opaque maps (the usual export): Qt converts the pixels straight into the PNG rows, through a
    # QImage over the buffer one byte in with the PNG row as its stride: no converted copy of the
    # page, so half the memory touched of convertToFormat and a copy.
    target = QImage(raw.reshape(-1)[1:].data, width, count, raw.shape[1], QImage.Format.Format_RGB888)
    painter = QPainter(target)
    painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_Source)
    painter.drawImage(QPoint(0, 0), image, QRect(0, first, width, count))
    painter.end()
    del target  # before ``raw``, whose memory it uses
    return raw


def _png_file(width: int, height: int, colour_type: int, chunks: list[bytes], compressed: bytes) -> bytes:
    """A PNG file of 8-bit samples: header, the ancillary ``chunks`` (already framed), the deflated rows."""
    header = struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0)
    return b"".join((_SIGNATURE, _chunk(b"IHDR", header), *chunks, _chunk(b"IDAT", compressed), _chunk(b"IEND", b"")))


def deflate(data, level: int = ZLIB_LEVEL, pieces: int | None = None) -> bytes:
    """A zlib stream of ``data``, in parallel pieces for large data (see ``deflate_stream``)."""
    view = memoryview(data).cast("B")
    return deflate_stream(len(view), lambda start, stop: view[start:stop], level, pieces)


def deflate_stream(size: int, read, level: int = ZLIB_LEVEL, pieces: int | None = None, rows_bytes: int = 1) -> bytes:
    """A zlib stream of ``size`` bytes that ``read(start, stop)`` gives part by part, compressed in
    parallel pieces as pigz does.

    ``read`` is asked for about ``BAND_BYTES`` at a time (whole multiples of ``rows_bytes`` where it
    can), in order within a piece, from the pieces' threads: the data never needs to exist whole
    (a page's PNG rows would be 26 MB at A4 300 dpi). Feeding zlib in parts gives the same stream as
    feeding it at once. Each piece is an independent raw deflate stream; all but the last end on a
    byte boundary (a sync flush) and without the final-block flag, so their concatenation is one valid
    deflate stream. The zlib header and the Adler-32 of the whole data wrap it. Back-references do not
    cross pieces, which costs a few bytes per piece.
    """
    pieces = pieces or min(4, os.cpu_count() or 1)
    band = max(rows_bytes, BAND_BYTES // rows_bytes * rows_bytes)
    if pieces < 2 or size < PARALLEL_BYTES:
        pieces = 1
    bounds = [size * i // pieces for i in range(pieces + 1)]

    def piece(i: int) -> tuple[bytes, int]:
        # One piece is a whole zlib stream (as ``zlib.compress``); several are raw deflate streams.
        compressor = zlib.compressobj(level, zlib.DEFLATED, 15 if pieces == 1 else -15)
        parts, checksum = [], 1
        start, stop = bounds[i], bounds[i + 1]
        while start < stop:
            end = min(stop, (start // band + 1) * band)
            data = read(start, end)
            checksum = zlib.adler32(data, checksum)
            parts.append(compressor.compress(data))
            start = end
        parts.append(compressor.flush(zlib.Z_FINISH if i == pieces - 1 else zlib.Z_SYNC_FLUSH))
        return b"".join(parts), checksum

    if pieces == 1:
        return piece(0)[0]
    with ThreadPoolExecutor(pieces) as pool:
        results = list(pool.map(piece, range(pieces)))
    checksum = results[0][1]
    for i in range(1, pieces):
        checksum = adler32_combine(checksum, results[i][1], bounds[i + 1] - bounds[i])
    # 0x78 0x5E: deflate, 32 KiB window, "fast" level; the pair is a multiple of 31 as zlib requires.
    return b"\x78\x5e" + b"".join(body for body, _ in results) + struct.pack(">I", checksum)


def adler32_combine(first: int, second: int, second_length: int) -> int:
    """The Adler-32 of two byte strings one after the other, from theirs (zlib's ``adler32_combine``,
    which Python's zlib module does not offer)."""
    base = 65521
    rem = second_length % base
    low = (first & 0xFFFF) + (second & 0xFFFF) + base - 1
    high = (rem * (first & 0xFFFF)) % base + (first >> 16) + (second >> 16) + base - rem
    return (low % base) | ((high % base) << 16)


def encode_rgba_png(rgba: np.ndarray) -> bytes:
    """The PNG file bytes of an (h, w, 4) uint8 straight-alpha array, pixel for pixel.

    At most 256 distinct RGBA values: an indexed PNG (``PLTE`` plus the alphas in ``tRNS``), rows
    unfiltered (filters made the ramp images larger); else 8-bit RGBA.
    """
    rgba = np.ascontiguousarray(rgba, dtype=np.uint8)
    height, width = rgba.shape[:2]
    if rgba.shape != (height, width, 4) or width == 0 or height == 0:
        raise ValueError("an RGBA PNG needs a non-empty (height, width, 4) array")
    packed = rgba.view(">u4").reshape(height, width)  # R, G, B, A bytes read as one big-endian number
    colours, index = np.unique(packed, return_inverse=True)
    if len(colours) <= 256:
        entries = colours.astype(">u4").view(np.uint8).reshape(-1, 4)
        pixels = index.reshape(height, width).astype(np.uint8)
        colour_type = _PALETTE
        extra = [_chunk(b"PLTE", entries[:, :3].tobytes())]
        if (entries[:, 3] < 255).any():
            extra.append(_chunk(b"tRNS", entries[:, 3].tobytes()))
    else:
        pixels = rgba.reshape(height, width * 4)
        colour_type, extra = _RGBA, []
    raw = np.empty((height, 1 + pixels.shape[1]), np.uint8)
    raw[:, 0] = 0  # filter type: none
    raw[:, 1:] = pixels
    return _png_file(width, height, colour_type, extra, zlib.compress(raw.data, ARRAY_ZLIB_LEVEL))


__all__ = ["encode_png", "encode_rgba_png", "deflate", "deflate_stream", "adler32_combine", "ZLIB_LEVEL"]
