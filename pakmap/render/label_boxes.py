"""Label footprints: rectangles in device pixels, turned by the label's angle, and their overlap test.

A label along a line is a rotated rectangle; its axis-aligned bounding box would claim several times its
area on a diagonal river and crowd out neighbours, so collisions are tested on the rectangles
themselves (separating-axis test). Bounding boxes only pre-select the few placed labels near a
candidate. Touching edges do not count as an overlap (as for the axis-aligned boxes before).
"""

from __future__ import annotations

import math

import numpy as np


def footprint(cx: float, cy: float, width: float, height: float, angle: float, grow: float = 0.0) -> np.ndarray:
    """The 4 corners (4, 2) of a ``width`` × ``height`` box centred on (cx, cy), grown by ``grow`` on
    every side and turned ``angle`` degrees clockwise on the page (device y points down)."""
    hw, hh = width / 2 + grow, height / 2 + grow
    local = np.array([(-hw, -hh), (hw, -hh), (hw, hh), (-hw, hh)])
    if angle:
        a = math.radians(angle)
        c, s = math.cos(a), math.sin(a)
        local = local @ np.array([[c, s], [-s, c]])
    return local + (cx, cy)


def box_corners(boxes) -> np.ndarray:
    """The corners (..., 4, 2) of level boxes (..., 4) (xmin, ymin, xmax, ymax), in ``footprint``'s order."""
    x0, y0, x1, y1 = np.moveaxis(np.asarray(boxes, dtype=float), -1, 0)
    return np.stack([np.stack(c, axis=-1) for c in ((x0, y0), (x1, y0), (x1, y1), (x0, y1))], axis=-2)


def bounds(corners: np.ndarray) -> np.ndarray:
    """(xmin, ymin, xmax, ymax) of one footprint (4, 2) or of many (n, 4, 2)."""
    return np.concatenate([corners.min(axis=-2), corners.max(axis=-2)], axis=-1)


def overlaps_any(corners: np.ndarray, others: np.ndarray) -> bool:
    """Whether the rectangle ``corners`` (4, 2) overlaps any of ``others`` (n, 4, 2) (all rectangles).

    Separating-axis test: two convex shapes are disjoint exactly when their projections are disjoint
    on one of their edge normals; a rectangle's edge normals are the directions of its other edges.
    """
    if len(others) == 0:
        return False
    n = len(others)
    own_axes = np.stack([corners[1] - corners[0], corners[3] - corners[0]])  # (2, 2)
    their_axes = np.stack([others[:, 1] - others[:, 0], others[:, 3] - others[:, 0]], axis=1)  # (n, 2, 2)
    axes = np.concatenate([np.broadcast_to(own_axes, (n, 2, 2)), their_axes], axis=1)  # (n, 4, 2)
    mine = np.einsum("kc,nac->nak", corners, axes)  # (n, 4 axes, 4 corners)
    theirs = np.einsum("nkc,nac->nak", others, axes)
    # A small tolerance relative to the axis length: rounding must not turn touching into overlapping.
    eps = 1e-9 * np.einsum("nac,nac->na", axes, axes)
    separated = (mine.max(axis=2) <= theirs.min(axis=2) + eps) | (theirs.max(axis=2) <= mine.min(axis=2) + eps)
    return bool((~separated.any(axis=1)).any())
