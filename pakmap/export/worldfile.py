"""World files (``.pgw``): the georeference of a PNG's pixels, for opening a map image in a GIS.

Six lines: pixel width, two rotation terms, negative pixel height, then the map coordinates of the
*centre* of the top-left pixel. For a page export the numbers describe the map frame (the affine
map of the frame, extended over the page); for a plain map image they describe every pixel exactly.
"""

from __future__ import annotations

from pathlib import Path

from ..atomic import write_text_atomic
from ..mapview import MapView


def world_file_lines(view: MapView, offset_x: float = 0.0, offset_y: float = 0.0) -> list[float]:
    """The six world-file numbers for an image whose map frame starts at pixel (offset_x, offset_y)."""
    xmin, ymin, xmax, ymax = view.extent
    a = (xmax - xmin) / view.width
    e = (ymax - ymin) / view.height
    return [a, 0.0, 0.0, -e, xmin + (0.5 - offset_x) * a, ymax - (0.5 - offset_y) * e]


def world_file_path(image: Path) -> Path:
    suffix = image.suffix.lower()
    return image.with_suffix({".png": ".pgw", ".jpg": ".jgw", ".tif": ".tfw"}.get(suffix, suffix + "w"))


def write_world_file(image: Path, view: MapView, offset_x: float = 0.0, offset_y: float = 0.0) -> Path:
    path = world_file_path(Path(image))
    write_text_atomic(path, "".join(f"{v:.12f}\n" for v in world_file_lines(view, offset_x, offset_y)))
    return path
