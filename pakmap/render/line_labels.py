"""Where a line's label goes: beside a stretch of the line straight enough to carry the text.

Everything is measured in device pixels, on the line as drawn at the output resolution: a river that
is too winding for its name on an A4 overview may be straight enough for it when zoomed in. A
stretch is the part of the line between two points as far apart as the text is long (plus a little
line showing at each end, so the text never hangs off the line). The text is turned to the
stretch's main axis (kept upright) and the stretch qualifies when the line keeps to a band along
that axis narrower than most of the text's height, and runs into and out of it along the text. The
text then sits parallel to the band, just clear of the line: above it, else below. Stretches are
tried from the middle of the longest part outwards, then on the other parts, longest first;
placement takes the first position that collides with nothing. A line with no such stretch gets no
label.
"""

from __future__ import annotations

import math

import numpy as np
import shapely

# How far the line may stray either side of a straight course, as a fraction of the label's height.
STRAIGHTNESS = 0.3
# Line left visible beyond each end of the text, as a fraction of the label's height.
END_CLEARANCE = 0.25
# Stretch centres are tried this fraction of the label's length apart.
STEP = 0.25
# Stretches tried on each side of a part's middle, at most.
MAX_STEPS = 24
# Attempts at widening a stretch of a winding line until its ends are far enough apart.
_WIDEN_STEPS = 4
# The most the line may head away from the text's direction where it runs into and out of the label,
# over a piece of line as long as the label is high.
MAX_TURN = 25.0
# Points along a stretch, evenly spaced, whose main axis gives the text's direction.
_SAMPLES = np.linspace(-1.0, 1.0, 17)
# Positions kept per feature (two per stretch): enough to step around a few neighbours' labels.
MAX_POSITIONS = 16


def upright(angle: float) -> float:
    """``angle`` (degrees, clockwise on the page) turned by 180° where the text would read upside
    down; result in [-90, 90). A vertical line reads bottom to top (-90°), the cartographic habit."""
    angle = (angle + 180.0) % 360.0 - 180.0  # [-180, 180)
    if angle >= 90.0:
        return angle - 180.0
    if angle < -90.0:
        return angle + 180.0
    return angle


def device_lines(geoms: np.ndarray, transform) -> np.ndarray:
    """(Multi)lines in device pixels, joined where their parts meet and simplified to half a pixel
    (finer wiggles are not drawn), all in bulk."""
    merged = shapely.line_merge(geoms)
    return shapely.simplify(shapely.transform(merged, transform.apply), 0.5, preserve_topology=False)


def line_parts(geom) -> list[np.ndarray]:
    """The parts of one device-pixel (multi)line as coordinate arrays, longest first."""
    parts = [shapely.get_coordinates(part) for part in shapely.get_parts(geom)]
    parts = [xy for xy in parts if len(xy) >= 2 and np.isfinite(xy).all()]
    return sorted(parts, key=_length, reverse=True)


def line_positions(
    parts: list[np.ndarray], width: float, height: float, clearance: float, limit: int = MAX_POSITIONS
) -> list[tuple[float, float, float]]:
    """Up to ``limit`` (centre x, centre y, upright angle) for a ``width`` × ``height`` px label beside
    straight-enough stretches of ``parts`` (device px), ``clearance`` px off the line, best first."""
    out: list[tuple[float, float, float]] = []
    for xy in parts:
        out.extend(_part_positions(xy, width, height, clearance)[: limit - len(out)])
        if len(out) >= limit:
            break
    return out


def _part_positions(xy: np.ndarray, width: float, height: float, clearance: float) -> list[tuple[float, float, float]]:
    """Above, then below, every qualifying stretch of one part, from its middle outwards (all
    stretches of a part at once: a long winding road has hundreds to try)."""
    span = width + 2 * END_CLEARANCE * height
    along = np.concatenate([[0.0], np.cumsum(np.hypot(*np.diff(xy, axis=0).T))])
    total = along[-1]
    if total < span:
        return []
    middle = total / 2
    # Closer than a quarter of the label apart the stretches are nearly the same; on a very long part
    # (a national highway) a few dozen either side of the middle are plenty.
    step = max(STEP * width, (middle - span / 2) / MAX_STEPS, 1.0)
    offsets = np.arange(1, int((middle - span / 2) // step) + 1) * step
    centres = np.concatenate([[middle], np.column_stack([middle - offsets, middle + offsets]).ravel()])
    # A winding line needs more than ``span`` of its length to cover ``span`` in a straight line:
    # each stretch is widened until its ends are far enough apart.
    half = np.full(len(centres), span / 2)
    for _ in range(_WIDEN_STEPS):
        a, b = np.split(_at(xy, along, np.concatenate([centres - half, centres + half])), 2)
        length = np.hypot(*(b - a).T)
        short = (length < span) & (length > 0)
        if not short.any():
            break
        half[short] *= span / length[short] * 1.001
    fits = (centres - half >= 0) & (centres + half <= total) & (length >= span)
    if not fits.any():
        return []
    centres, half, a, b = centres[fits], half[fits], a[fits], b[fits]
    n = len(centres)

    # The text's direction: the main axis of the stretch (its points evenly spaced along it), which a
    # short kink at one end barely tilts, oriented from the stretch's start to its end.
    samples = _at(xy, along, (centres[:, None] + half[:, None] * _SAMPLES[None, :]).ravel()).reshape(n, -1, 2)
    mean = samples.mean(axis=1)
    dev = samples - mean[:, None, :]
    sxx, syy, sxy = (dev[..., 0] ** 2).sum(1), (dev[..., 1] ** 2).sum(1), (dev[..., 0] * dev[..., 1]).sum(1)
    theta = 0.5 * np.arctan2(2 * sxy, sxx - syy)
    axis = np.column_stack([np.cos(theta), np.sin(theta)])
    axis[np.einsum("nc,nc->n", axis, b - a) < 0] *= -1
    normal = np.column_stack([-axis[:, 1], axis[:, 0]])  # to the right of the text on the page

    # The band the line keeps to across the axis (every vertex inside the stretch, and its ends), and
    # how far the stretch reaches along it.
    first = np.searchsorted(along, centres - half, side="right")
    count = np.searchsorted(along, centres + half, side="left") - first
    owner = np.repeat(np.arange(n), count)
    vertex = first[owner] + np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)
    across = np.einsum("kc,kc->k", xy[vertex] - mean[owner], normal[owner])
    ends_across = np.einsum("nec,nc->ne", np.stack([a, b], axis=1) - mean[:, None, :], normal)
    low, high = ends_across.min(axis=1), ends_across.max(axis=1)
    np.minimum.at(low, owner, across)
    np.maximum.at(high, owner, across)
    lengthwise = np.einsum("nkc,nc->nk", dev, axis)
    start, stop = lengthwise.min(axis=1), lengthwise.max(axis=1)
    good = (high - low <= 2 * STRAIGHTNESS * height) & (stop - start >= width + END_CLEARANCE * height)
    good &= _ends_along(xy, along, centres, half, axis, height)
    # Beside the band the line keeps to, parallel to it: the line stays visible (a boundary is never
    # hidden under its own name), the text as close as the line's width and a small gap allow.
    middle_line = mean + axis * ((start + stop) / 2)[:, None] + normal * ((low + high) / 2)[:, None]
    off = (high - low) / 2 + clearance + height / 2
    out = []
    for k in np.flatnonzero(good):
        angle = upright(math.degrees(math.atan2(axis[k, 1], axis[k, 0])))
        up = np.array([math.sin(math.radians(angle)), -math.cos(math.radians(angle))])  # the text's up
        for side in (1.0, -1.0):
            cx, cy = middle_line[k] + up * side * off[k]
            out.append((float(cx), float(cy), angle))
    return out


def _ends_along(
    xy: np.ndarray, along: np.ndarray, centres: np.ndarray, half: np.ndarray, axis: np.ndarray, piece: float
) -> np.ndarray:
    """Per stretch: whether the line runs into and out of it within ``MAX_TURN`` of the text's
    direction, over its first and last ``piece`` px. The band alone lets a stretch take in the end
    of a bend, and the line would leave the text at an angle where it shows; wiggles further inside
    stay under the text and its halo."""
    reach = np.minimum(piece, half)
    distances = np.concatenate([centres - half, centres - half + reach, centres + half - reach, centres + half])
    a0, a1, b0, b1 = np.split(_at(xy, along, distances), 4)
    ok = np.ones(len(centres), dtype=bool)
    for start, end in ((a0, a1), (b0, b1)):
        heading = end - start
        size = np.hypot(*heading.T)
        cosine = np.einsum("nc,nc->n", heading, axis) / np.maximum(size, 1e-12)
        ok &= (cosine >= math.cos(math.radians(MAX_TURN))) | (size < 1e-9)
    return ok


def _at(xy: np.ndarray, along: np.ndarray, distance: np.ndarray) -> np.ndarray:
    """Points (n, 2) at ``distance`` along the line."""
    return np.column_stack([np.interp(distance, along, xy[:, 0]), np.interp(distance, along, xy[:, 1])])


def _length(xy: np.ndarray) -> float:
    return float(np.hypot(*np.diff(xy, axis=0).T).sum())
