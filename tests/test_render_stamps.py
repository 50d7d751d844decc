"""Dense point helpers: distinct pixel counts (sample bound + bitmap) and stamping duplicates."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtGui import QImage, QPainter

from pakmap.render.stamps import distinct_pixels, more_distinct_pixels_than, paint_stamps, present_classes


def test_distinct_pixels_counts_pixel_and_class_pairs():
    px = np.array([[3.2, 4.9], [3.7, 4.1], [3.5, 4.5], [10.0, 4.0], [-2.5, 7.0]])
    classes = np.array([0, 0, 1, 0, 2])
    # (3,4) class 0 twice -> once; (3,4) class 1; (10,4); (-3,7)
    assert distinct_pixels(px, classes) == 4
    assert distinct_pixels(px[:0], classes[:0]) == 0
    assert present_classes(np.array([2, 0, 2])).tolist() == [0, 2]


def test_more_distinct_than_decided_by_the_sample_or_the_full_count():
    same = np.full((50, 2), 7.5)
    assert not more_distinct_pixels_than(same, np.zeros(50, int), 5)
    spread = np.column_stack([np.arange(100) + 0.5, np.full(100, 2.5)])
    assert more_distinct_pixels_than(spread, np.zeros(100, int), 5)  # the first 20 already differ
    # The first 4 x limit points all on one pixel: only the full count sees the others.
    late = np.vstack([np.full((40, 2), 1.5), spread])
    assert more_distinct_pixels_than(late, np.zeros(140, int), 10)
    assert not more_distinct_pixels_than(late[:45], np.zeros(45, int), 10)


def _stamped(px, classes):
    image = QImage(30, 20, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(0)
    stamp = np.full((5, 5), 0x80400000, np.uint32)  # half-opaque to the stamp's edge ...
    stamp[2, 2] = 0xFFFF0000  # ... around an opaque centre
    painter = QPainter(image)
    paint_stamps(painter, 30, 20, px, classes, {0: stamp})
    painter.end()
    return np.frombuffer(image.constBits(), np.uint32).reshape(20, -1)[:, :30].copy()


def test_duplicate_points_stamp_like_one_and_overlaps_keep_the_most_opaque():
    one = _stamped(np.array([[10.2, 5.7]]), np.array([0]))
    many = _stamped(np.array([[10.2, 5.7], [10.9, 5.1], [10.5, 5.5]]), np.array([0, 0, 0]))
    assert np.array_equal(one, many)
    assert one[5, 10] == 0xFFFF0000 and one[3, 8] == 0x80400000 and one[2, 10] == 0 and one[5, 13] == 0
    # A neighbour one pixel right: its ring must not overwrite the first centre.
    pair = _stamped(np.array([[10.2, 5.7], [11.2, 5.7]]), np.array([0, 0]))
    assert pair[5, 10] == 0xFFFF0000 and pair[5, 11] == 0xFFFF0000


def test_points_just_outside_every_edge_draw_their_visible_part():
    # The stamp reaches 2 px from its centre: centres 2 px outside show their edge along the frame.
    near = np.array([[-1.5, 10.5], [31.5, 10.5], [15.5, -1.5], [15.5, 21.5]])
    image = _stamped(near, np.zeros(len(near), int))
    assert image[10, 0] == image[10, 29] == image[0, 15] == image[19, 15] == 0x80400000
    assert image[10, 1] == image[10, 28] == image[1, 15] == image[18, 15] == 0
    # Farther out nothing reaches in, and nothing is written out of bounds (or wraps to another row).
    far = np.array([[-2.5, 5.5], [32.5, 5.5], [15.5, -2.5], [15.5, 22.5], [33.5, 33.5], [-30.0, -30.0]])
    assert not _stamped(far, np.zeros(len(far), int)).any()


def test_opaque_or_clear_stamps_leave_the_ground_untouched_where_nothing_is_drawn():
    # Stamps without antialiasing (PDF, SVG) go out as straight alpha over a canvas of the marker's
    # colour at alpha 0: that colour must not show anywhere but under the markers.
    image = QImage(30, 20, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(0xFF0000FF)
    stamp = np.zeros((5, 5), np.uint32)
    stamp[1:4, 1:4] = 0xFFFF0000
    painter = QPainter(image)
    paint_stamps(painter, 30, 20, np.array([[10.5, 5.5], [20.5, 12.5]]), np.array([0, 0]), {0: stamp})
    painter.end()
    pixels = np.frombuffer(image.constBits(), np.uint32).reshape(20, -1)[:, :30]
    red = pixels == 0xFFFF0000
    assert red.sum() == 18 and red[4:7, 9:12].all() and red[11:14, 19:22].all()
    assert (pixels[~red] == 0xFF0000FF).all()


def _page_with_stamps(monkeypatch, strip_pixels, straight):
    """A page image with a few thousand stamped markers drawn at a fractional offset (as a layout's
    map frame is), with strips of ``strip_pixels``; returns its pixels and the strips' heights."""
    import pakmap.render.stamps as stamps_module

    monkeypatch.setattr(stamps_module, "STRIP_PIXELS", strip_pixels)
    heights = []
    canvas = stamps_module._StampPoints.canvas

    def spy(self, top, bottom, *args):
        heights.append(bottom - top)
        return canvas(self, top, bottom, *args)

    monkeypatch.setattr(stamps_module._StampPoints, "canvas", spy)
    rng = np.random.default_rng(8)
    px = np.column_stack([rng.uniform(-6, 206, 4000), rng.uniform(-6, 156, 4000)])
    classes = rng.integers(0, 2, len(px))
    ring = np.full((7, 7), 0x80400000 if not straight else 0, np.uint32)
    ring[1:6, 1:6] = 0xFFEF4A60
    small = np.zeros((5, 5), np.uint32)
    small[1:4, 1:4] = 0xFF0072BC
    image = QImage(260, 230, QImage.Format.Format_RGB32)
    image.fill(0xFFFFFFFF)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
    painter.translate(27.56, 31.5)
    paint_stamps(painter, 200, 150, px, classes, {0: ring, 1: small})
    painter.end()
    return np.frombuffer(image.constBits(), np.uint32).copy(), heights


@pytest.mark.parametrize("straight", [False, True], ids=["antialiased", "opaque or clear"])
def test_strips_on_a_raster_page_draw_exactly_the_whole_image(monkeypatch, straight):
    whole, heights = _page_with_stamps(monkeypatch, 10**9, straight)
    assert heights == [150]
    strips, heights = _page_with_stamps(monkeypatch, 3_000, straight)
    assert max(heights) == 16 and sum(heights) == 150  # 3,000 px over rows of 214 px: the 16-row minimum
    assert np.count_nonzero(whole != 0xFFFFFFFF) > 10_000
    np.testing.assert_array_equal(strips, whole)


def test_a_scaled_painter_gets_one_image():
    # Strips are only drawn where Qt puts the image on whole pixels: under scaling each strip's edge
    # would be resampled on its own.
    from pakmap.render.stamps import _strip_rows

    image = QImage(100, 100, QImage.Format.Format_RGB32)
    painter = QPainter(image)
    assert _strip_rows(painter, 3000, 2000, 3020) < 2000
    painter.translate(0.5, 0.25)
    assert _strip_rows(painter, 3000, 2000, 3020) < 2000
    painter.scale(2, 2)
    assert _strip_rows(painter, 3000, 2000, 3020) == 2000
    painter.end()
