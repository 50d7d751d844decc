"""Point markers from ``styles/symbols/markers.toml``, and many of them drawn as one path.

A marker is a few unit-box parts (a body in the fill colour, a pictogram in the stroke colour). To
draw thousands we take each part's path elements once and tile them over the points with numpy
(scale + offset), then paint every copy in a single ``drawPath``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QPainterPath, QPolygonF

from ..errors import StyleError
from ..resources import read_data_file, style_file
from .paths import path_from_elements

ROLES = ("body", "glyph")


@dataclass(frozen=True)
class MarkerPart:
    role: str  # "body" or "glyph"
    types: np.ndarray  # QPainterPath element types of the unit-box path
    xy: np.ndarray  # (n, 2) element coordinates in the unit box (-1..1, y down)


def _part_path(spec: dict, where: str) -> QPainterPath:
    path = QPainterPath()
    shape = spec.get("shape")
    if shape == "circle":
        r = float(spec.get("r", 1.0))
        path.addEllipse(QPointF(float(spec.get("cx", 0.0)), float(spec.get("cy", 0.0))), r, r)
    elif shape == "rect":
        rect = QRectF(float(spec["x"]), float(spec["y"]), float(spec["w"]), float(spec["h"]))
        radius = float(spec.get("radius", 0.0))
        if radius:
            path.addRoundedRect(rect, radius, radius)
        else:
            path.addRect(rect)
    elif shape == "polygon":
        pts = [QPointF(float(x), float(y)) for x, y in spec["points"]]
        path.addPolygon(QPolygonF(pts + pts[:1]))
    else:
        raise StyleError(
            f"unknown marker shape '{shape}' in {where}",
            path=style_file("symbols/markers.toml"),
            fix="use circle, rect or polygon",
        )
    return path


def _elements(path: QPainterPath) -> tuple[np.ndarray, np.ndarray]:
    n = path.elementCount()
    types = np.empty(n, dtype=np.int32)
    xy = np.empty((n, 2))
    for i in range(n):  # a marker has a few dozen elements, read once
        e = path.elementAt(i)
        types[i] = int(e.type.value)
        xy[i] = (e.x, e.y)
    return types, xy


@functools.lru_cache(maxsize=None)
def markers() -> dict[str, tuple[MarkerPart, ...]]:
    """All markers by name, read from the symbols file."""
    path = style_file("symbols/markers.toml")
    data = read_data_file(path, "marker file")
    out = {}
    for name, spec in data.items():
        parts = []
        for i, part in enumerate(spec.get("parts", [])):
            role = part.get("role", "body")
            if role not in ROLES:
                raise StyleError(
                    f"marker '{name}' part {i + 1} has role '{role}'", path=path, fix='use role = "body" or "glyph"'
                )
            types, xy = _elements(_part_path(part, f"marker '{name}'"))
            parts.append(MarkerPart(role, types, xy))
        out[name] = tuple(parts)
    return out


def marker(name: str) -> tuple[MarkerPart, ...]:
    try:
        return markers()[name]
    except KeyError:
        raise StyleError(
            f"unknown marker '{name}'",
            path=style_file("symbols/markers.toml"),
            fix=f"use one of: {', '.join(markers())}",
        ) from None


def tiled_path(part: MarkerPart, centers: np.ndarray, diameters) -> QPainterPath:
    """One path holding ``part`` at every centre (device px), each ``diameter`` px wide."""
    n = len(centers)
    if n == 0:
        return QPainterPath()
    half = np.broadcast_to(np.asarray(diameters, dtype=float) / 2.0, (n,))
    xy = (part.xy[None, :, :] * half[:, None, None] + centers[:, None, :]).reshape(-1, 2)
    return path_from_elements(np.tile(part.types, n), xy)
