"""save_png / encode_png: exact pixels (checked with another decoder), dpi kept, one-line errors."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtGui import QColor, QImage

from pakmap.errors import ExportError
from pakmap.export.png import save_png
from pakmap.export.png_encode import encode_png


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


def _random_image(fmt, width, height, seed=4):
    """An image of random pixels (odd width: Qt pads rows, PNG must not)."""
    rng = np.random.default_rng(seed)
    image = QImage(width, height, QImage.Format.Format_ARGB32)
    words = rng.integers(0, 2**32, size=(height, width), dtype=np.uint32)
    if fmt == QImage.Format.Format_RGB32:
        words |= np.uint32(0xFF000000)
    for y in range(height):
        for x in range(width):
            image.setPixel(x, y, int(words[y, x]))
    return image.convertToFormat(fmt)


@pytest.mark.parametrize(
    "fmt", [QImage.Format.Format_RGB32, QImage.Format.Format_ARGB32_Premultiplied, QImage.Format.Format_ARGB32]
)
def test_encoded_pixels_decode_identically_elsewhere(tmp_path, fmt):
    image = _random_image(fmt, 37, 11)
    image.setDotsPerMeterX(11811)  # 300 dpi
    image.setDotsPerMeterY(11811)
    out = tmp_path / "random.png"
    out.write_bytes(encode_png(image))
    from PIL import Image

    with Image.open(out) as decoded:  # an independent decoder, not Qt's
        assert decoded.mode == ("RGB" if fmt == QImage.Format.Format_RGB32 else "RGBA")
        assert decoded.size == (37, 11) and round(decoded.info["dpi"][0]) == 300
        got = np.asarray(decoded.convert("RGBA"))
    straight = image.convertToFormat(QImage.Format.Format_RGBA8888)
    want = np.frombuffer(straight.constBits(), np.uint8).reshape(11, straight.bytesPerLine())[:, : 37 * 4]
    assert np.array_equal(got.reshape(11, 37 * 4), want)


def test_null_image_is_refused():
    with pytest.raises(ValueError):
        encode_png(QImage())


def test_parallel_deflate_is_one_valid_zlib_stream():
    import zlib

    from pakmap.export.png_encode import deflate

    rng = np.random.default_rng(7)
    # Map-like data: long runs of a few values, some noise, 5 MB (above the parallel threshold).
    data = np.repeat(rng.integers(0, 4, 50_000, dtype=np.uint8), 100)
    data[rng.integers(0, len(data), 20_000)] = rng.integers(0, 256, 20_000, dtype=np.uint8)
    for pieces in (2, 3, 4):
        packed = deflate(data.data, pieces=pieces)
        assert zlib.decompress(packed) == data.tobytes()
        assert len(packed) < len(zlib.compress(data.tobytes(), 3)) * 1.01
    assert zlib.decompress(deflate(b"small", pieces=4)) == b"small"


def _decoded(data: bytes):
    import io

    from PIL import Image

    with Image.open(io.BytesIO(data)) as decoded:  # an independent decoder, not Qt's
        return decoded.mode, np.asarray(decoded.convert("RGBA"))


def test_an_rgba_array_of_few_colours_is_an_exact_indexed_png():
    from pakmap.export.png_encode import encode_rgba_png

    rng = np.random.default_rng(3)
    colours = np.array([[0, 0, 0, 0], [11, 55, 84, 255], [205, 227, 241, 255], [0, 114, 188, 128]], np.uint8)
    rgba = colours[rng.integers(0, 4, (13, 29))]  # odd sizes; a half-transparent colour too
    mode, got = _decoded(encode_rgba_png(rgba))
    assert mode == "P" and np.array_equal(got, rgba)


def test_an_rgba_array_of_many_colours_is_an_exact_rgba_png():
    from pakmap.export.png_encode import encode_rgba_png

    rgba = np.random.default_rng(5).integers(0, 256, (17, 23, 4), dtype=np.uint8)  # ~391 colours
    mode, got = _decoded(encode_rgba_png(rgba))
    assert mode == "RGBA" and np.array_equal(got, rgba)
    with pytest.raises(ValueError):
        encode_rgba_png(np.zeros((0, 4, 4), np.uint8))


@pytest.mark.parametrize("alpha", [False, True], ids=["RGB", "RGBA"])
def test_a_large_image_is_encoded_band_by_band_to_the_same_pixels(monkeypatch, alpha):
    # A page's PNG rows (26 MB at A4 300 dpi) are made and deflated a band at a time, never whole.
    import io

    from PIL import Image

    from pakmap.export import png_encode

    rng = np.random.default_rng(2)
    width, height = 1201, 1100  # over PARALLEL_BYTES as RGB: deflated in pieces
    words = np.repeat(rng.integers(0, 2**32, size=(height, width // 7 + 1), dtype=np.uint32), 7, axis=1)[:, :width]
    if not alpha:
        words |= np.uint32(0xFF000000)
    fmt = QImage.Format.Format_ARGB32 if alpha else QImage.Format.Format_RGB32
    image = QImage(words.tobytes(), width, height, width * 4, fmt).copy()
    bands = []
    make_rows = png_encode._png_rows
    monkeypatch.setattr(
        png_encode, "_png_rows", lambda img, first, count, a: bands.append(count) or make_rows(img, first, count, a)
    )
    data = png_encode.encode_png(image)
    row_bytes = 1 + width * (4 if alpha else 3)
    assert len(bands) >= 4 and max(bands) * row_bytes <= 2 * png_encode.BAND_BYTES
    with Image.open(io.BytesIO(data)) as decoded:
        got = np.asarray(decoded.convert("RGBA")).reshape(height, width * 4)
    straight = image.convertToFormat(QImage.Format.Format_RGBA8888)
    want = np.frombuffer(straight.constBits(), np.uint8).reshape(height, straight.bytesPerLine())[:, : width * 4]
    assert np.array_equal(got, want)


def test_a_stream_read_in_parts_deflates_as_the_whole_and_checksums_combine():
    import zlib

    from pakmap.export.png_encode import adler32_combine, deflate_stream

    rng = np.random.default_rng(9)
    data = np.repeat(rng.integers(0, 5, 30_000, dtype=np.uint8), 60).tobytes()  # 1.8 MB: one piece
    view = memoryview(data)
    reads = []
    stream = deflate_stream(len(data), lambda start, stop: reads.append(stop - start) or view[start:stop], level=3)
    assert len(reads) > 1 and stream == zlib.compress(data, 3)
    for a, b in [(b"", b"x"), (b"abc", b""), (data[:70_001], data[70_001:]), (b"\xff" * 300_000, b"\xfe" * 196_563)]:
        assert adler32_combine(zlib.adler32(a), zlib.adler32(b), len(b)) == zlib.adler32(a + b)
