"""Only what is visible, only as detailed as the output can show.

Features are selected with the layer's STR-tree (so drawing a district of a 1,000-polygon layer
costs one district) and simplified to half a device pixel: finer detail cannot be seen, and
dropping it keeps PDFs small and painting fast.
"""

from __future__ import annotations

import numpy as np
import shapely

from .transform import ProjectedGeometries

# Half a pixel: the largest error that stays invisible once the path is anti-aliased.
SIMPLIFY_PIXELS = 0.5


def visible_indices(projected: ProjectedGeometries, extent, margin: float = 0.0) -> np.ndarray:
    """Sorted indices of features whose bounding box meets ``extent`` grown by ``margin`` map units."""
    xmin, ymin, xmax, ymax = extent
    bx0, by0, bx1, by1 = projected.total_bounds
    if bx0 >= xmin - margin and by0 >= ymin - margin and bx1 <= xmax + margin and by1 <= ymax + margin:
        # The whole layer is in view (or empty: NaN bounds fail the test and take the tree path).
        return np.flatnonzero(~shapely.is_missing(projected.geoms))
    box = shapely.box(xmin - margin, ymin - margin, xmax + margin, ymax + margin)
    return np.sort(projected.tree.query(box))


def simplified(geoms: np.ndarray, scale: float) -> np.ndarray:
    """``geoms`` simplified to ``SIMPLIFY_PIXELS`` at ``scale`` device pixels per map unit.

    Topology is not preserved (that is much slower) — at half a pixel the difference cannot be seen,
    and a polygon that collapses is smaller than a pixel anyway.
    """
    tolerance = SIMPLIFY_PIXELS / scale
    return shapely.simplify(geoms, tolerance, preserve_topology=False)


def clipped(geoms: np.ndarray, extent, margin: float) -> np.ndarray:
    """``geoms`` cut to ``extent`` grown by ``margin`` map units, where they reach beyond it.

    Zoomed into one valley of a national boundary, only the vertices near the view are transformed,
    simplified and stroked. The cut edges lie ``margin`` outside the frame (more than an outline's
    width), where the painter's clip hides them.
    """
    xmin, ymin, xmax, ymax = extent
    box = (xmin - margin, ymin - margin, xmax + margin, ymax + margin)
    bounds = shapely.bounds(geoms)
    beyond = (bounds[:, 0] < box[0]) | (bounds[:, 1] < box[1]) | (bounds[:, 2] > box[2]) | (bounds[:, 3] > box[3])
    if not beyond.any():
        return geoms
    out = geoms.copy()
    out[beyond] = shapely.clip_by_rect(geoms[beyond], *box)
    return out
