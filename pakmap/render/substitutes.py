"""Images a paint device takes from pakmap in place of Qt's: the registry render and export share.

Qt's PDF engine writes every image as 8-bit RGB plus a mask, deflated at zlib's default level; for a
page-sized point image that is the largest cost of a PDF export, and Qt offers no way to write an
indexed image or a stencil. So where a device has opted in, the renderer draws a tiny placeholder
image instead, with the same painter state (Qt then writes the transform, clip and opacity around
it), and records the real image. The code that opened the device replaces each placeholder's image
object in the finished file (``pakmap/export/pdf_images.py``).

Opting in is explicit and scoped (``substituting_images``): a device that has not opted in always
gets Qt's ordinary ``drawImage``, so no path can leave a placeholder in a file nobody patches.
"""

from __future__ import annotations

import contextlib
import secrets
import weakref
from dataclasses import dataclass
from typing import Iterator

import numpy as np
from PySide6.QtCore import QRectF
from PySide6.QtGui import QImage, QPaintDevice, QPainter

from .indexed import IndexedImage

# A placeholder's pixels, as Qt writes them (8-bit RGB rows): this prefix, then a random token.
PLACEHOLDER_MAGIC = b"pakmap placeholder image "  # 25 bytes
_TOKEN_BYTES = 20  # 25 + 20 = 45 bytes = 15 RGB pixels, one row


@dataclass(frozen=True)
class Substitute:
    """An image drawn as a placeholder: ``pixels`` are the placeholder's RGB bytes, ``image`` its replacement."""

    pixels: bytes
    image: IndexedImage


# id(device) -> (weak reference to the device, the substitutes drawn on it so far)
_ACCEPTING: dict[int, tuple[weakref.ref, list[Substitute]]] = {}


@contextlib.contextmanager
def substituting_images(device: QPaintDevice) -> Iterator[list[Substitute]]:
    """While open, dense images painted on ``device`` are placeholders; yields the list of their
    substitutes, which the caller must put into the finished file."""
    key = id(device)
    if key in _ACCEPTING:
        raise RuntimeError("this device already takes substitute images")
    substitutes: list[Substitute] = []
    _ACCEPTING[key] = (weakref.ref(device), substitutes)
    try:
        yield substitutes
    finally:
        del _ACCEPTING[key]


def _substitutes_of(painter: QPainter) -> list[Substitute] | None:
    device = painter.device()
    entry = _ACCEPTING.get(id(device))
    # The weak reference guards against a new device that reuses the id of a dead one.
    return entry[1] if entry is not None and entry[0]() is device else None


def accepts_substitutes(painter: QPainter) -> bool:
    """Whether the painter's device has opted in to substitute images."""
    return _substitutes_of(painter) is not None


def placeholder_pixels() -> bytes:
    """A new placeholder's RGB bytes: the magic prefix and a random token, never grey (so Qt keeps RGB)."""
    return PLACEHOLDER_MAGIC + secrets.token_bytes(_TOKEN_BYTES)


def draw_substitute(painter: QPainter, target: QRectF, image: IndexedImage) -> None:
    """Draw a placeholder for ``image`` into ``target`` and record the substitution.

    Only for painters whose device accepts substitutes (``accepts_substitutes``).
    """
    substitutes = _substitutes_of(painter)
    if substitutes is None:
        raise RuntimeError("the painter's device does not take substitute images")
    pixels = placeholder_pixels()
    rgb = np.frombuffer(pixels, np.uint8).reshape(-1, 3).astype(np.uint32)
    argb = np.ascontiguousarray(0xFF000000 | (rgb[:, 0] << 16) | (rgb[:, 1] << 8) | rgb[:, 2], dtype=np.uint32)
    placeholder = QImage(argb.data, len(argb), 1, len(argb) * 4, QImage.Format.Format_RGB32).copy()
    painter.save()
    # Lossless: flate-compressed RGB, whose bytes the file surgery recognises (not JPEG).
    painter.setRenderHint(QPainter.RenderHint.LosslessImageRendering)
    painter.drawImage(target, placeholder)
    painter.restore()
    substitutes.append(Substitute(pixels, image))
