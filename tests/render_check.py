"""Rendered images compared with control images, with a tolerance (as QGIS's ``QgsRenderChecker``).

A pixel matches when none of its channels (R, G, B, A) differs from the control's by more than
``colour_tolerance`` (0-255); a check passes when at most ``max_mismatch`` pixels do not match. On
failure the rendered image, the control and a diff (mismatched pixels red over a faded copy of the
render) are written to ``<temp folder>/pakmap-render-checks/`` and the message names them.

Control images are ``tests/control_images/<name>.png``. To (re)write them after an intended change:

    PAKMAP_UPDATE_CONTROL_IMAGES=1 .venv/bin/python -m pytest -p no:cacheprovider tests/test_render_control_images.py

(the checks then skip, saying which file each wrote); look at every image you wrote before you commit it.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtGui import QImage

CONTROL_IMAGES = Path(__file__).resolve().parent / "control_images"
UPDATE_VARIABLE = "PAKMAP_UPDATE_CONTROL_IMAGES"


@dataclass(frozen=True)
class Comparison:
    """How ``rendered`` differs from ``control``: pixels compared, mismatched, the largest channel difference."""

    pixels: int
    mismatched: int
    largest_difference: int
    mismatch: np.ndarray  # (h, w) bool


def rgba(image: QImage) -> np.ndarray:
    """``image`` as an (h, w, 4) uint8 array of straight (not premultiplied) R, G, B, A."""
    image = image.convertToFormat(QImage.Format.Format_RGBA8888)
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
    return rows[:, : image.width() * 4].reshape(image.height(), image.width(), 4).copy()


def compare(rendered: np.ndarray, control: np.ndarray, colour_tolerance: int) -> Comparison:
    """Pixel by pixel; images of different sizes mismatch everywhere."""
    if rendered.shape != control.shape:
        size = max(rendered.shape[0] * rendered.shape[1], control.shape[0] * control.shape[1])
        return Comparison(size, size, 255, np.ones(rendered.shape[:2], bool))
    difference = np.abs(rendered.astype(np.int16) - control.astype(np.int16)).max(axis=2)
    mismatch = difference > colour_tolerance
    return Comparison(mismatch.size, int(mismatch.sum()), int(difference.max()), mismatch)


def diff_image(rendered: np.ndarray, mismatch: np.ndarray) -> np.ndarray:
    """The render faded to a quarter of its contrast over white, mismatched pixels pure red."""
    out = (255 - (255 - rendered[:, :, :3].astype(np.uint16)) // 4).astype(np.uint8)
    out[mismatch] = (255, 0, 0)
    return np.dstack([out, np.full(mismatch.shape, 255, np.uint8)])


def save_rgba(pixels: np.ndarray, path: Path) -> None:
    height, width = pixels.shape[:2]
    data = np.ascontiguousarray(pixels)
    image = QImage(data.data, width, height, width * 4, QImage.Format.Format_RGBA8888)
    if not image.save(str(path), "PNG"):
        raise OSError(f"cannot write {path}")


def check_render(name: str, image: QImage, *, colour_tolerance: int, max_mismatch: int) -> Comparison:
    """Compare ``image`` with ``control_images/<name>.png`` (see the module docstring); returns the figures."""
    rendered = rgba(image)
    control_path = CONTROL_IMAGES / f"{name}.png"
    if os.environ.get(UPDATE_VARIABLE) == "1":
        CONTROL_IMAGES.mkdir(exist_ok=True)
        save_rgba(rendered, control_path)
        pytest.skip(f"control image written: {control_path}")
    control = QImage(str(control_path))
    if control.isNull():
        pytest.fail(f"no control image {control_path}: write it with {UPDATE_VARIABLE}=1 and look at it")
    expected = rgba(control)
    result = compare(rendered, expected, colour_tolerance)
    if result.mismatched > max_mismatch:
        folder = Path(tempfile.gettempdir()) / "pakmap-render-checks"
        folder.mkdir(exist_ok=True)
        save_rgba(rendered, folder / f"{name}-rendered.png")
        save_rgba(expected, folder / f"{name}-control.png")
        if rendered.shape != expected.shape:
            pytest.fail(
                f"{name}: rendered {rendered.shape[1]} x {rendered.shape[0]}, the control is "
                f"{expected.shape[1]} x {expected.shape[0]}; see {folder}/{name}-rendered.png"
            )
        save_rgba(diff_image(rendered, result.mismatch), folder / f"{name}-diff.png")
        pytest.fail(
            f"{name}: {result.mismatched} of {result.pixels} pixels differ from the control by more than "
            f"{colour_tolerance} (at most {max_mismatch} may; largest difference {result.largest_difference}); "
            f"see {folder}/{name}-rendered.png, -control.png and -diff.png"
        )
    return result
