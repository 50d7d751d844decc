"""Indexed point images: palette and bit depth, row packing, and the stamp canvas they come from."""

from __future__ import annotations

import zlib

import numpy as np
import pytest
from PySide6.QtGui import QImage, QPainter

from pakmap.render.context import ImageSink
from pakmap.render.indexed import MAX_COLOURS, bits_per_index, encode_indexed, index_stamps, pack_rows
from pakmap.render.stamps import paint_stamps


def _unpack(data: bytes, width: int, height: int, bits: int) -> np.ndarray:
    """Indices from packed rows, one pixel at a time (the reference for ``pack_rows``)."""
    row_bytes = (width * bits + 7) // 8
    out = np.zeros((height, width), np.uint8)
    for y in range(height):
        row = data[y * row_bytes : (y + 1) * row_bytes]
        for x in range(width):
            bit = x * bits
            out[y, x] = (row[bit // 8] >> (8 - bits - bit % 8)) & ((1 << bits) - 1)
    return out


@pytest.mark.parametrize("entries, bits", [(1, 1), (2, 1), (3, 2), (4, 2), (5, 4), (16, 4), (17, 8), (256, 8)])
def test_fewest_bits_for_the_palette(entries, bits):
    assert bits_per_index(entries) == bits


def test_more_than_256_palette_entries_do_not_fit():
    with pytest.raises(ValueError):
        bits_per_index(MAX_COLOURS + 2)


@pytest.mark.parametrize("bits", [1, 2, 4, 8])
@pytest.mark.parametrize("width", [1, 3, 8, 13])
def test_rows_are_packed_high_bits_first_and_padded_to_whole_bytes(bits, width):
    rng = np.random.default_rng(bits * 100 + width)
    indices = rng.integers(0, 1 << bits, (5, width), dtype=np.uint8)
    packed = pack_rows(indices, bits)
    assert packed.shape == (5, (width * bits + 7) // 8)
    assert np.array_equal(_unpack(packed.tobytes(), width, 5, bits), indices)
    # Padding bits are zero.
    assert np.array_equal(pack_rows(np.pad(indices, ((0, 0), (0, 8))), bits)[:, : packed.shape[1]], packed)


def test_pack_rows_reads_a_strided_view():
    canvas = np.arange(60, dtype=np.uint8).reshape(6, 10) % 4
    view = canvas[1:5, 2:9]
    assert np.array_equal(_unpack(pack_rows(view, 2).tobytes(), 7, 4, 2), view)


def _stamp(colour: int, stroke: int | None = None) -> np.ndarray:
    """A 5 x 5 ARGB stamp: a 3 x 3 opaque square, its centre ``stroke`` coloured when given."""
    stamp = np.zeros((5, 5), np.uint32)
    stamp[1:4, 1:4] = 0xFF000000 | colour
    if stroke is not None:
        stamp[2, 2] = 0xFF000000 | stroke
    return stamp


def test_palette_holds_every_opaque_colour_once_after_the_background():
    palette, indexed = index_stamps({0: _stamp(0xFF0000, 0x000000), 3: _stamp(0x00FF00, 0x000000)}, 0x00FF00)
    colours = [palette[i : i + 3].hex() for i in range(0, len(palette), 3)]
    assert colours == ["00ff00", "000000", "00ff00", "ff0000"]  # entry 0, then the distinct colours
    assert indexed[0][2, 2] == 1 and indexed[0][1, 1] == 3 and indexed[0][0, 0] == 0
    assert indexed[3][1, 1] == 2 and indexed[3].dtype == np.uint8


@pytest.mark.parametrize("colours, bits", [(1, 1), (3, 2), (15, 4), (255, 8)])
def test_bit_depth_follows_the_number_of_colours(colours, bits):
    stamps = {c: _stamp(c * 97 + 1) for c in range(colours)}
    palette, indexed = index_stamps(stamps, 0)
    assert len(palette) == 3 * (colours + 1)
    canvas = np.zeros((4, 6), np.uint8)
    canvas[1, 2] = colours
    image = encode_indexed(canvas, palette)
    assert image.bits == bits and image.colours == colours + 1
    assert np.array_equal(_unpack(zlib.decompress(image.data), 6, 4, bits), canvas)


def test_more_than_255_colours_or_soft_edges_are_not_indexed():
    assert index_stamps({c: _stamp(c + 1) for c in range(MAX_COLOURS + 1)}, 0) is None
    soft = _stamp(0xFF0000)
    soft[0, 2] = 0x80400000
    assert index_stamps({0: soft}, 0) is None


def _argb(image: QImage) -> np.ndarray:
    return np.frombuffer(image.constBits(), np.uint32).reshape(image.height(), -1)[:, : image.width()].copy()


def _points():
    rng = np.random.default_rng(1)
    px = rng.uniform(-3, 43, (400, 2))
    return px, rng.integers(0, 3, 400)


def test_indexed_canvas_has_the_pixels_of_the_argb_one():
    # Overlapping markers of three classes, two of them with a differently coloured centre, some
    # points past the edges: decoded indices must give what the ARGB canvas gives, pixel for pixel.
    px, classes = _points()
    stamps = {0: _stamp(0xEF4A60, 0x222222), 1: _stamp(0x0072BC), 2: _stamp(0x00B398, 0x222222)}
    plain = QImage(40, 30, QImage.Format.Format_ARGB32)
    plain.fill(0)
    painter = QPainter(plain)
    paint_stamps(painter, 40, 30, px, classes, stamps)
    painter.end()

    device = QImage(40, 30, QImage.Format.Format_ARGB32)
    sink = ImageSink()
    painter = QPainter(device)
    paint_stamps(painter, 40, 30, px, classes, stamps, sink)
    painter.end()
    (image,) = sink.images.values()
    assert (image.width, image.height, image.bits) == (40, 30, 4)  # 4 colours + transparent
    indices = _unpack(zlib.decompress(image.data), 40, 30, image.bits)
    rgb = np.frombuffer(image.palette, np.uint8).reshape(-1, 3).astype(np.uint32)
    colours = 0xFF000000 | (rgb[:, 0] << 16) | (rgb[:, 1] << 8) | rgb[:, 2]
    expected = _argb(plain)
    assert np.array_equal(np.where(indices == 0, 0, colours[indices]), np.where(expected >> 24, expected, 0))
    assert (expected >> 24 != 0).sum() > 400


def test_many_colours_keep_qt_drawing_the_image_despite_a_sink():
    px, _ = _points()
    classes = np.arange(400) % (MAX_COLOURS + 1)
    stamps = {c: _stamp(c + 1) for c in range(MAX_COLOURS + 1)}
    device = QImage(40, 30, QImage.Format.Format_ARGB32)
    device.fill(0)
    sink = ImageSink()
    painter = QPainter(device)
    paint_stamps(painter, 40, 30, px, classes, stamps, sink)
    painter.end()
    assert sink.images == {}
    assert (_argb(device) >> 24 != 0).sum() > 400  # drawn by Qt, not a placeholder
