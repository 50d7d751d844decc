"""Dense point layers stamped into an image with numpy: the markers of a million points in a blink.

A marker is rendered once by Qt into a small image (the stamp). Every point is snapped to its device
pixel and the stamp is written around it by numpy fancy indexing, one assignment per stamp pixel for
all points at once. Stamp pixels are written in ascending order of opacity, so where markers overlap
each pixel keeps the most opaque value (their union, not a sum). Later classes are written over
earlier ones. Snapping moves a marker by under half a pixel, which is invisible at the point sizes
of dense layers; sparse layers are drawn as exact vector paths instead.

On a raster device (a page image, the canvas) the ARGB32 image goes to Qt's ``drawImage`` in
horizontal strips of about a megapixel, each stamped from the points that reach it: a page-sized
ARGB canvas would double the memory of an A4 page at 300 dpi (35 MB) while it is drawn. The strips
hold exactly the pixels of the whole image, and Qt places an unscaled image on whole device pixels,
so the page is the same. Other devices get one image (``STRIP_PIXELS``).

The image goes to Qt's ``drawImage`` as ARGB32, except when the render has an image sink (the PDF
exporter's): there stamps drawn without antialiasing are only opaque or clear, so the canvas is
built as uint8 palette indices (a quarter of the memory traffic) and handed to the sink, and the
exporter stores it as an indexed image with a colour-key mask (``indexed.py``, ``context.py``): Qt
would write it as RGB plus a mask and deflate both, the largest cost of such a PDF.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QRectF
from PySide6.QtGui import QImage, QPainter, QTransform

from .context import ImageSink
from .indexed import encode_indexed, index_stamps
from .qt import is_raster_device

# Pixels (padding included) of one strip of stamps on a raster device: about 4 MB of ARGB32.
STRIP_PIXELS = 1_000_000
_NO_TRANSFORM, _TRANSLATION = QTransform.TransformationType.TxNone, QTransform.TransformationType.TxTranslate


def render_stamp(size_px: float, paint, antialias: bool) -> np.ndarray:
    """A premultiplied ARGB32 (h, w) uint32 array of a marker centred on the middle pixel.

    ``paint(painter, cx, cy)`` draws the marker centred at (cx, cy) in the stamp's pixels.
    """
    side = 2 * math.ceil(size_px / 2 + 1) + 1  # odd: one centre pixel
    image = QImage(side, side, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(0)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, antialias)
    try:
        paint(painter, side / 2, side / 2)
    finally:
        painter.end()
    stride = image.bytesPerLine() // 4
    return np.frombuffer(image.constBits(), np.uint32).reshape(side, stride)[:, :side].copy()


def present_classes(classes: np.ndarray) -> np.ndarray:
    """The distinct values of a small-integer class array, ascending (a count, not a sort)."""
    return np.flatnonzero(np.bincount(classes)) if len(classes) else np.empty(0, dtype=np.intp)


def distinct_pixels(px: np.ndarray, classes: np.ndarray) -> int:
    """How many distinct (device pixel, class) pairs the points ``px`` (float (n, 2)) fall on.

    The number of markers left after merging points on the same pixel, counted with a bitmap of the
    points' pixel box (linear time, where sorting the keys would not be).
    """
    if len(px) == 0:
        return 0
    ix = np.floor(px[:, 0]).astype(np.intp)
    iy = np.floor(px[:, 1]).astype(np.intp)
    ix -= ix.min()
    iy -= iy.min()
    cols = int(ix.max()) + 1
    flat = iy * cols + ix
    seen = np.zeros((int(iy.max()) + 1) * cols, dtype=bool)
    total = 0
    for c in present_classes(classes):
        mine = flat[classes == c]
        seen[mine] = True
        total += int(np.count_nonzero(seen))
        seen[mine] = False
    return total


def more_distinct_pixels_than(px: np.ndarray, classes: np.ndarray, limit: int) -> bool:
    """Whether the points fall on more than ``limit`` distinct (device pixel, class) pairs.

    The distinct count of the first few thousand points is a lower bound of the whole count, so the
    usual dense layer is decided from them; the full count runs only when they cannot decide.
    """
    if len(px) <= limit:
        return False
    head = slice(0, 4 * limit)
    return distinct_pixels(px[head], classes[head]) > limit or distinct_pixels(px, classes) > limit


def paint_stamps(
    painter: QPainter,
    width: int,
    height: int,
    px: np.ndarray,
    classes: np.ndarray,
    stamps: dict,
    images: ImageSink | None = None,
) -> None:
    """Draw ``stamps[class]`` at the device pixels ``px`` (float (n, 2)) into the painter's
    (0, 0, width, height) rectangle, as one image.

    Given an image sink, stamps that are only opaque or clear (PDF, SVG) become an image of palette
    indices, at most 255 colours, handed to the sink. Otherwise an ARGB32 image goes to Qt.
    """
    half = max(s.shape[0] for s in stamps.values()) // 2
    straight = _binary_alpha(stamps)
    points = _StampPoints(width, height, half, px, classes)
    if straight and images is not None:
        indexed = index_stamps(stamps, _background(stamps, classes))
        if indexed is not None:
            palette, index_of = indexed
            # Every written index is opaque: later classes overwrite earlier ones, as in ARGB.
            writes = {c: _writes(index, index != 0, by_opacity=False) for c, index in index_of.items()}
            canvas = points.canvas(0, height, writes, np.uint8, 0)
            view = canvas.reshape(-1, points.row)[points.pad : points.pad + height, points.pad : points.pad + width]
            images.draw(painter, QRectF(0, 0, width, height), encode_indexed(view, palette))
            return
    writes = {c: _writes(stamp, (stamp >> 24) != 0, by_opacity=True) for c, stamp in stamps.items()}
    fill = _background(stamps, classes) if straight else 0
    fmt = QImage.Format.Format_ARGB32 if straight else QImage.Format.Format_ARGB32_Premultiplied
    step = _strip_rows(painter, width, height, points.row)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.LosslessImageRendering)  # PDF: flate, not JPEG
    try:
        for top in range(0, height, step):
            rows = min(step, height - top)
            canvas = points.canvas(top, top + rows, writes, np.uint32, fill)
            # The image starts at the strip's first unpadded pixel and keeps the padded row length as
            # its stride: no cropped copy (a source rectangle makes the PDF engine copy it).
            start = points.pad * points.row + points.pad
            image = QImage(canvas[start:].data, width, rows, points.row * 4, fmt)
            painter.drawImage(QRectF(0, top, width, rows), image)
            del image  # before ``canvas``, whose memory it uses
    finally:
        painter.restore()


def _strip_rows(painter: QPainter, width: int, height: int, row: int) -> int:
    """Rows per strip: strips of ``STRIP_PIXELS`` on a raster device that places the image on whole
    pixels (no scaling or rotation, so no resampling across a strip's edge); else the whole height."""
    moves_only = painter.combinedTransform().type() in (_NO_TRANSFORM, _TRANSLATION)
    if not moves_only or not is_raster_device(painter):
        return max(height, 1)
    return max(16, STRIP_PIXELS // row)


def _writes(stamp: np.ndarray, drawn: np.ndarray, by_opacity: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The stamp's ``drawn`` pixels as (dy, dx, value) from its centre, in the order they are written:
    ascending opacity for ARGB (``by_opacity``), so where markers overlap the most opaque stays."""
    sy, sx = np.nonzero(drawn)
    values = stamp[sy, sx]
    if by_opacity:
        order = np.argsort(values >> 24, kind="stable")
        sy, sx, values = sy[order], sx[order], values[order]
    centre = stamp.shape[0] // 2
    return sy - centre, sx - centre, values


class _StampPoints:
    """The points' pixels in a padded canvas of the (0, 0, width, height) rectangle, from which a
    canvas of any band of rows is stamped (``canvas``).

    ``half`` is the largest stamp's reach from its centre. Points up to ``half`` pixels outside still
    show part of their marker: the canvas is padded so that such a marker fits whole (2 x half + 1),
    and no stamp pixel can wrap to another row. Each class's occupied pixels are kept once, in memory
    order (scattered writes in order are several times faster), found with a bitmap instead of
    sorting a million indices; a band's points are then a slice of them.
    """

    def __init__(self, width: int, height: int, half: int, px: np.ndarray, classes: np.ndarray):
        self.half, self.pad = half, 2 * half + 1
        self.row = width + 2 * self.pad
        ix = np.floor(px[:, 0]).astype(np.intp)
        iy = np.floor(px[:, 1]).astype(np.intp)
        ok = (ix >= -half) & (iy >= -half) & (ix < width + half) & (iy < height + half)
        flat = (iy + self.pad) * self.row + (ix + self.pad)
        seen = np.zeros((height + 2 * self.pad) * self.row, dtype=bool)
        self.occupied: dict[int, np.ndarray] = {}
        for c in present_classes(classes):
            mine = flat[ok & (classes == c)]
            seen[mine] = True
            self.occupied[int(c)] = np.flatnonzero(seen)
            seen[mine] = False

    def canvas(self, top: int, bottom: int, writes: dict, dtype, fill: int) -> np.ndarray:
        """A flat canvas of ``dtype`` filled with ``fill`` for rows ``top`` to ``bottom`` (padded by
        ``pad`` rows on both sides, as the whole canvas is), with ``writes[class]`` (see ``_writes``)
        stamped at every point whose marker reaches those rows. Later classes are written over earlier
        ones; the pixels are those of the same rows of the whole canvas."""
        row, pad, half = self.row, self.pad, self.half
        canvas = np.full((bottom - top + 2 * pad) * row, fill, dtype=dtype)
        # Points on rows top - half .. bottom + half - 1 reach the band; in the padded canvas a point
        # on row y sits at (y + pad) * row + x + pad, and the band's canvas starts at padded row top.
        low, high = (top - half + pad) * row, (bottom + half + pad) * row
        for c, at in self.occupied.items():
            dy, dx, values = writes[c]
            if len(values) == 0:
                continue
            at = at[np.searchsorted(at, low) : np.searchsorted(at, high)] - top * row
            shifts = dy * row + dx
            # Each stamp pixel is written through a view of the canvas that starts at its offset: one
            # scattered write per pixel without a band-sized ``at + shift`` array each time (twice as
            # fast for a million points). The padding keeps ``base`` and every write inside the canvas.
            lowest = int(shifts.min())
            base = at + lowest
            for k in range(len(values)):
                canvas[int(shifts[k]) - lowest :][base] = values[k]
        return canvas


def _binary_alpha(stamps: dict) -> bool:
    """Whether every stamp pixel is fully opaque or fully transparent (stamps drawn without
    antialiasing, as for PDF and SVG): then premultiplied and straight alpha are the same pixels."""
    return all(np.isin(s >> 24, (0, 255)).all() for s in stamps.values())


def _background(stamps: dict, classes: np.ndarray) -> int:
    """The transparent canvas pixel for straight-alpha stamps: alpha 0 with the colour of the most
    frequent class's marker (the first opaque pixel of its stamp). An indexed image gives its
    transparent palette entry the same colour.

    Why not 0: Qt's PDF engine writes the image's colours and its 1-bit mask separately. Colours
    that are constant where nothing is drawn deflate faster and smaller (bench/README.md), and
    viewers that resample the image blend marker edges with a marker colour instead of a dark fringe of black.
    """
    stamp = stamps[int(np.bincount(classes).argmax())] if len(classes) else next(iter(stamps.values()))
    opaque = stamp[(stamp >> 24) == 255]
    return int(opaque[0] & 0x00FFFFFF) if len(opaque) else 0
