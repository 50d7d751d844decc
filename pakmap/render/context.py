"""What one render hands down besides the view and the painter: when to stop, and where images go.

As QGIS's ``QgsRenderContext`` carries a label sink, a ``RenderContext`` can carry an ``ImageSink``:
a writer that stores images better than Qt gives one to the renderer. Qt's PDF engine writes every
image as 8-bit RGB plus a mask, deflated at zlib's default level; for a page-sized point image that
is the largest cost of a PDF export, and Qt has no way to write an indexed image. So the PDF
exporter hands the renderer a sink: the renderer gives it each dense point image (palette indices,
``indexed.py``) and draws a tiny placeholder in its place with the same painter state (Qt then
writes the transform, clip and opacity around it); the exporter swaps each placeholder for its image
in the finished file (``pakmap/export/pdf_finish.py``). Without a sink, images go to Qt.

A ``TextSink`` does the same for text Qt's PDF writer cannot make extractable: Arabic script is
contextual glyph forms, which Qt's ToUnicode map does not cover, so ``pdftotext`` and copy-paste would
get nothing of an Urdu name. The renderer records each such line it draws (its page, where it sits,
its text); the finisher wraps the PDF text drawn there in a marked-content span whose /ActualText is
the line as written.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QImage, QPainter, QTextLayout

from ..fonts import ARABIC_LETTERS, ARABIC_RUN
from .indexed import IndexedImage

# A placeholder's pixels, as Qt writes them (8-bit RGB rows): this prefix, then a random token.
PLACEHOLDER_MAGIC = b"pakmap placeholder image "  # 25 bytes
_TOKEN_BYTES = 20
PLACEHOLDER_WIDTH = 15  # 25 + 20 = 45 bytes = 15 RGB pixels, one row


@dataclass
class ImageSink:
    """The images handed over in one document: placeholder pixels (RGB bytes) -> the image it stands for."""

    images: dict[bytes, IndexedImage] = field(default_factory=dict)

    def draw(self, painter: QPainter, target: QRectF, image: IndexedImage) -> None:
        """Draw a placeholder for ``image`` into ``target`` and keep ``image`` for the writer."""
        # The random token tells the placeholders apart, and no image of the map's data can be
        # taken for one; the magic prefix is not grey, so Qt keeps it RGB.
        pixels = PLACEHOLDER_MAGIC + secrets.token_bytes(_TOKEN_BYTES)
        rgb = np.frombuffer(pixels, np.uint8).reshape(-1, 3).astype(np.uint32)
        argb = np.ascontiguousarray(0xFF000000 | (rgb[:, 0] << 16) | (rgb[:, 1] << 8) | rgb[:, 2], dtype=np.uint32)
        placeholder = QImage(argb.data, len(argb), 1, len(argb) * 4, QImage.Format.Format_RGB32).copy()
        painter.save()
        # Lossless: flate-compressed RGB, whose pixels the finisher reads back (not JPEG).
        painter.setRenderHint(QPainter.RenderHint.LosslessImageRendering)
        painter.drawImage(target, placeholder)
        painter.restore()
        self.images[pixels] = image


@dataclass(frozen=True)
class TextLine:
    """A run of Arabic-script text drawn on a page: its page (0-based), its box in device pixels of
    the page (x0, y0, x1, y1: the line's full height; turned boxes by their bounds) and its text."""

    page: int
    box: tuple[float, float, float, float]
    text: str
    fonts: tuple[str, ...] = ()  # the families its glyphs were set in, without spaces ("NotoNaskhArabic")


@dataclass
class TextSink:
    """The runs of Arabic-script text of one document, whose PDF text needs /ActualText, page by page.

    Only those runs: Latin text in the same line keeps the text Qt's ToUnicode map gives it."""

    lines: list[TextLine] = field(default_factory=list)
    page: int = 0  # the page being painted, advanced by the writer

    def record(self, painter: QPainter, origin: QPointF, text: str) -> None:
        """Record the Arabic-script runs of ``text`` as drawn by ``painter`` with its baseline at
        ``origin`` (painter coordinates), each with the box its glyphs were set in."""
        layout = QTextLayout(text, painter.font(), painter.device())
        layout.beginLayout()
        line = layout.createLine()
        layout.endLayout()
        to_device = painter.combinedTransform()
        for match in ARABIC_RUN.finditer(text):
            runs = layout.glyphRuns(match.start(), match.end() - match.start())
            xs = [p.x() for run in runs for p in run.positions()]
            if not xs:
                continue
            # From the first to the last glyph's pen position over the line's height, united with
            # the ink (Arabic tails reach beyond both).
            rect = QRectF(min(xs), line.y(), max(xs) - min(xs), line.height())
            for run in runs:
                rect = rect.united(run.boundingRect())
            rect.translate(origin.x(), origin.y() - line.ascent())
            box = to_device.mapRect(rect)
            # The fonts of its letters (the spaces between its words are set in the Latin font).
            letters = [
                run
                for word in ARABIC_LETTERS.finditer(text, match.start(), match.end())
                for run in layout.glyphRuns(word.start(), word.end() - word.start())
            ]
            fonts = tuple(dict.fromkeys(run.rawFont().familyName().replace(" ", "") for run in letters))
            corners = (box.left(), box.top(), box.right(), box.bottom())
            self.lines.append(TextLine(self.page, corners, match.group(), fonts))


@dataclass(frozen=True)
class RenderContext:
    """How one render is run beyond its view: ``cancel`` is polled between layers (and steps of large
    ones) and stops the render when it returns True; ``images`` takes the dense point images of a
    writer that stores them itself (None: they go to Qt's ``drawImage``); ``texts`` records the
    lines whose text a PDF must carry as /ActualText (None: nothing is recorded)."""

    cancel: Callable[[], bool] | None = None
    images: ImageSink | None = None
    texts: TextSink | None = None

    def cancelled(self) -> bool:
        return self.cancel is not None and self.cancel()
