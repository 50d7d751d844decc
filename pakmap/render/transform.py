"""Layer geometries in the view's CRS and the map → device affine transform.

Reprojection is done once per layer and CRS for the whole layer in bulk (pyproj over the flat
coordinate array through ``shapely.transform``) and cached with a spatial index, so panning and
zooming only query the index. The cache is keyed on the layer object (weakly) and on its
``data_token``: ``layer.update(data=…)`` replaces the data and the token, which invalidates the entry.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass

import numpy as np
import shapely
from pyproj import CRS, Transformer

from ..crs import as_bounds
from ..point_columns import xy_bounds

_lock = threading.Lock()
_cache: "weakref.WeakKeyDictionary[object, dict]" = weakref.WeakKeyDictionary()


class ProjectedGeometries:
    """A layer's geometries in one CRS, with their bounds and (built on first need) STR-tree.

    A layer of plain points (``VectorLayer.point_columns``) is projected as its coordinate array,
    ``point_xy``; its shapely points are only made if something asks for ``geoms``.
    """

    def __init__(self, geoms: np.ndarray | None = None, point_xy: np.ndarray | None = None) -> None:
        self._geoms = geoms  # shapely geometries, one per feature (None for missing)
        self.point_xy = point_xy  # (n, 2): one point per feature, when the layer is plain points
        self._tree: shapely.STRtree | None = None
        self._lock = threading.RLock()  # re-entrant: a memo's compute may read another memo
        self._memo: dict = {}

    @property
    def geoms(self) -> np.ndarray:
        with self._lock:
            if self._geoms is None:
                self._geoms = shapely.points(self.point_xy)
            return self._geoms

    def memo(self, key: str, compute):
        """``compute()``, once per key for these geometries: whole-layer facts every frame needs
        (geometry kinds, the coordinates of a million points), so a repaint does not redo them."""
        with self._lock:
            if key not in self._memo:
                self._memo[key] = compute()
            return self._memo[key]

    @property
    def total_bounds(self) -> tuple[float, float, float, float]:
        """(xmin, ymin, xmax, ymax) of the layer, computed on first need (point layers never need it)."""
        # NaN bounds for a layer with no geometry: every extent test fails, queries find nothing.
        return self.memo("total bounds", self._total_bounds)

    def _total_bounds(self) -> tuple[float, float, float, float]:
        if self.point_xy is not None:
            return xy_bounds(self.point_xy)
        return as_bounds(shapely.total_bounds(self.geoms)) if len(self.geoms) else (float("nan"),) * 4

    def points_in(self, xmin: float, ymin: float, xmax: float, ymax: float) -> np.ndarray:
        """Positions of a plain point layer's points inside the box: one vectorized test over the
        coordinate array, where a first query of the tree would make a million shapely points."""
        if self.point_xy is None:
            raise TypeError("points_in needs a plain point layer (point_xy)")
        x, y = self.point_xy[:, 0], self.point_xy[:, 1]
        return np.flatnonzero((x >= xmin) & (x <= xmax) & (y >= ymin) & (y <= ymax))

    @property
    def tree(self) -> shapely.STRtree:
        """The spatial index, built the first time a view shows only part of the layer: a one-off
        render of the whole layer (the CLI, a PDF export) never pays for it."""
        with self._lock:
            if self._tree is None:
                self._tree = shapely.STRtree(self.geoms)
            return self._tree


def reproject_xy(xy: np.ndarray, src: CRS | None, dst: CRS) -> np.ndarray:
    """An (n, 2) coordinate array from ``src`` to ``dst`` (the same array when the CRSs are equal)."""
    if src is None or CRS.from_user_input(src) == dst:
        return xy
    x, y = Transformer.from_crs(src, dst, always_xy=True).transform(xy[:, 0], xy[:, 1])
    return np.column_stack([x, y])


def reproject(geoms: np.ndarray, src: CRS | None, dst: CRS) -> np.ndarray:
    """``geoms`` from ``src`` to ``dst`` in one bulk pyproj call (no-op when the CRSs are equal)."""
    if src is None or CRS.from_user_input(src) == dst:
        return geoms
    return shapely.transform(geoms, lambda coords: reproject_xy(coords, src, dst))


def projected(layer, crs: CRS) -> ProjectedGeometries:
    """The geometries of a ``VectorLayer`` in ``crs``, cached per layer, data and CRS."""
    token = layer.data_token
    dst = CRS.from_user_input(crs)
    key = (token, layer.feature_count, dst.to_wkt())
    with _lock:
        entry = _cache.get(layer)
        if entry is not None and entry.get("key") == key:
            return entry["value"]
    points = layer.point_columns
    if points is not None:
        value = ProjectedGeometries(point_xy=reproject_xy(points.xy, layer.crs, dst))
    else:
        value = ProjectedGeometries(reproject(np.asarray(layer.data.geometry.values, dtype=object), layer.crs, dst))
    with _lock:
        _cache[layer] = {"key": key, "value": value}
    return value


@dataclass(frozen=True)
class DeviceTransform:
    """Map coordinates (view CRS) → device pixels: ``x' = (x - x0)·s``, ``y' = (y0 - y)·s``."""

    x0: float  # map x at the left edge
    y0: float  # map y at the top edge
    scale: float  # device pixels per map unit

    @classmethod
    def for_view(cls, view) -> "DeviceTransform":
        xmin, ymin, xmax, ymax = view.extent
        return cls(xmin, ymax, view.width / (xmax - xmin))

    def apply(self, xy: np.ndarray) -> np.ndarray:
        """An (n, 2) array of map coordinates as device pixels (a new float64 array)."""
        out = np.empty_like(xy, dtype=float)
        out[:, 0] = (xy[:, 0] - self.x0) * self.scale
        out[:, 1] = (self.y0 - xy[:, 1]) * self.scale
        return out

    def to_map(self, px: float, py: float) -> tuple[float, float]:
        return self.x0 + px / self.scale, self.y0 - py / self.scale
