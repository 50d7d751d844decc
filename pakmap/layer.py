"""Layer models: data plus how it is shown, with no Qt in sight.

A layer is what the officer sees in the layers panel. It owns its data (a GeoDataFrame, a plain
DataFrame for statistics tables without coordinates, or a raster path read on demand), its style, and
a ``changed`` signal that views connect to. Readers in ``pakmap.sources`` create layers; the project
model records where each came from (``SourceInfo``) so a project can be re-opened next month.
"""

from __future__ import annotations

import dataclasses
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from .crs import as_bounds
from .events import Signal
from .point_columns import PointColumns
from .style import LabelStyle, RasterStyle, SingleSymbolStyle, VectorStyle

if TYPE_CHECKING:  # the model names a database source; pakmap.postgis builds on the model
    from .postgis.address import PgSource


@dataclass
class SourceInfo:
    """Where a layer's data came from and how it was read (sheet, header row, lat/lon columns…)."""

    path: Path | PgSource  # a file, or a database table, view or query
    layer: str | None = None  # layer inside a multi-layer file (GeoPackage, KML, zip)
    options: dict[str, Any] = field(default_factory=dict)
    # What reading changed, for the officer to check (merged cells filled down, coordinates converted
    # from text). Not saved: the same reading of the same file makes the same notes.
    notes: list[str] = field(default_factory=list)


@dataclass
class ValidityReport:
    """Geometry problems found on load (counted, never silently repaired)."""

    total: int = 0
    invalid: int = 0
    empty: int = 0
    null: int = 0
    repaired: int = 0
    reasons: dict[str, int] = field(default_factory=dict)  # e.g. {"Self-intersection": 3}
    invalid_rows: tuple[int, ...] = ()  # positions (0-based) of the invalid features, to name them

    @property
    def ok(self) -> bool:
        return self.invalid == 0 and self.empty == 0 and self.null == 0

    def summary(self) -> str:
        if self.ok:
            return f"all {self.total} geometries valid" + (f" ({self.repaired} repaired)" if self.repaired else "")
        parts = []
        if self.invalid:
            why = ", ".join(f"{k}: {v}" for k, v in sorted(self.reasons.items()))
            parts.append(f"{self.invalid} invalid" + (f" ({why})" if why else ""))
        if self.empty:
            parts.append(f"{self.empty} empty")
        if self.null:
            parts.append(f"{self.null} null")
        return f"{', '.join(parts)} of {self.total}"


# shapely type id → the base geometry type shown to the officer (multi-parts count as their base).
_BASE_TYPE = {
    0: "Point",
    4: "Point",
    1: "LineString",
    2: "LineString",
    5: "LineString",
    3: "Polygon",
    6: "Polygon",
    7: "Mixed",
}


class _LayerBase:
    """Shared state of every layer kind: name, visibility, opacity and the change signal."""

    def __init__(self, name: str, source: SourceInfo | None) -> None:
        self.name = name
        self.source = source
        self.visible = True
        self.opacity = 1.0
        # Its file was not found when the project was opened and the officer went on without it
        # (``pakmap.project.loader.missing_layer``): kept in the project, not drawn.
        self.missing = False
        # emitted with the layer after any change that needs a repaint
        self.changed: Signal[[_LayerBase]] = Signal(_LayerBase)

    def update(self, **changes: Any) -> None:
        """Set attributes and announce one change (``layer.update(style=…, visible=False)``)."""
        for key, value in changes.items():
            if not hasattr(self, key):
                raise AttributeError(f"{type(self).__name__} has no attribute {key!r}")
            setattr(self, key, value)
        self.changed.emit(self)


_FRAME_LOCK = threading.Lock()


class VectorLayer(_LayerBase):
    """Features with geometry: boundaries, refugee villages, a table with coordinates.

    ``data`` is a GeoDataFrame. A reader may hand over a point layer as ``PointColumns`` instead
    (see ``pakmap.point_columns``): the layer then answers its fields, attributes, bounds, type and
    the renderer's coordinates from the columns, and builds the GeoDataFrame on the first read of
    ``data``.
    """

    # Exactly one of the two is set until ``data`` is first read; then the frame is.
    _points: PointColumns | None
    _frame: gpd.GeoDataFrame | None

    def __init__(
        self,
        name: str,
        data: gpd.GeoDataFrame | PointColumns,
        source: SourceInfo | None = None,
        style: VectorStyle | None = None,
        labels: LabelStyle | None = None,
        validity: ValidityReport | None = None,
    ) -> None:
        super().__init__(name, source)
        self.data = data
        self.style: VectorStyle = style or SingleSymbolStyle()
        self.labels = labels
        self.validity = validity or ValidityReport(total=self.feature_count)
        self.sensitive_fields: dict[str, str] = {}  # field -> why it is flagged (pakmap.protection)
        # field -> FieldKind declared in the project or the layer catalog (pakmap.field_kinds)
        self.declared_kinds: dict[str, Any] = {}
        # field -> how many table rows each feature's value was added up or averaged from (a join
        # with aggregate sum or mean): values of fewer rows than the threshold are suppressed
        self.contributors: dict[str, np.ndarray] = {}

    @property
    def _held(self) -> gpd.GeoDataFrame | PointColumns:
        """The frame once built, else the point columns it is built from."""
        if self._frame is not None:
            return self._frame
        if self._points is None:  # the setter always sets one of the two
            raise AttributeError(f"layer '{self.name}' holds no data")
        return self._points

    @property
    def data(self) -> gpd.GeoDataFrame:
        if self._frame is None:
            # Locked: the canvas renders in a worker thread while the GUI thread may ask too, and
            # both must get the one frame that later edits go to.
            with _FRAME_LOCK:
                held = self._held
                self._frame = held.frame() if isinstance(held, PointColumns) else held
        return self._frame

    @data.setter
    def data(self, value: gpd.GeoDataFrame | PointColumns) -> None:
        if isinstance(value, PointColumns):
            self._points, self._frame = value, None
        else:
            self._points, self._frame = None, value
        # Caches of derived data (projected geometry, classes) key on this: a new value, new token.
        self.data_token = object()

    @property
    def point_columns(self) -> PointColumns | None:
        """The coordinates of a layer read as plain points, for drawing without shapely objects."""
        return self._points

    @property
    def feature_count(self) -> int:
        return len(self._held)

    @property
    def crs(self) -> CRS | None:
        return self._held.crs

    @property
    def geometry_type(self) -> str:
        """``Point``, ``LineString``, ``Polygon`` (multi-parts included), ``Mixed`` or ``None``."""
        if self._frame is None:
            return "Point"
        # Type ids, not geom_type strings: a million-point layer would build a million strings.
        ids = np.unique(shapely.get_type_id(self.data.geometry.values))
        base = {_BASE_TYPE[i] for i in ids if i in _BASE_TYPE}
        if not base:
            return "None"
        return base.pop() if len(base) == 1 else "Mixed"

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        held = self._held
        return held.total_bounds if isinstance(held, PointColumns) else as_bounds(held.total_bounds)

    @property
    def fields(self) -> list[str]:
        held = self._held
        if isinstance(held, PointColumns):
            return list(held.attributes.columns)
        return [c for c in held.columns if c != held.geometry.name]

    @property
    def geometry_name(self) -> str:
        held = self._held
        return held.geometry_name if isinstance(held, PointColumns) else held.geometry.name

    def values(self, field: str) -> pd.Series:
        """One attribute column (``KeyError`` if there is none), without building geometry."""
        if field not in self.fields:
            raise KeyError(field)
        held = self._held
        return (held.attributes if isinstance(held, PointColumns) else held)[field]

    def take(self, rows) -> gpd.GeoDataFrame | PointColumns:
        """The features at positions ``rows`` in the form this layer holds them: a selection of a
        million-point layer makes no shapely points for the other 999,990."""
        held = self._held
        if isinstance(held, PointColumns):
            return held.take(rows)
        return held.iloc[np.asarray(rows, dtype=np.int64)]

    def data_without(self, fields) -> gpd.GeoDataFrame | PointColumns:
        """This layer's data without ``fields`` (in the form it is held: columns stay columns)."""
        unwanted = set(fields)
        drop = [c for c in self.fields if c in unwanted]
        held = self._held
        if isinstance(held, PointColumns):
            return dataclasses.replace(held, attributes=held.attributes.drop(columns=drop))
        return held.drop(columns=drop)

    @property
    def attributes(self) -> pd.DataFrame:
        """The attribute table without the geometry column (what a join or a detector reads)."""
        held = self._held
        if isinstance(held, PointColumns):
            return held.attributes.copy(deep=False)
        return held.drop(columns=held.geometry.name)

    def detection_frame(self) -> pd.DataFrame:
        """The rows the personal-data detector looks at (a database layer gives a sample)."""
        return self.attributes

    def drawn_part(self, extent, crs) -> "VectorLayer":
        """The layer to draw for a view of ``extent`` in ``crs``: all of it, for data in memory (a
        database layer reads only the features under the view)."""
        return self


class TableLayer(_LayerBase):
    """A statistics table without geometry (refugees per district, census figures), for joins."""

    def __init__(self, name: str, data: pd.DataFrame, source: SourceInfo | None = None) -> None:
        super().__init__(name, source)
        self.data = data
        self.sensitive_fields: dict[str, str] = {}
        self.declared_kinds: dict[str, Any] = {}  # as VectorLayer.declared_kinds

    crs = None

    @property
    def fields(self) -> list[str]:
        return list(self.data.columns)

    @property
    def attributes(self) -> pd.DataFrame:
        return self.data


class RasterLayer(_LayerBase):
    """A GeoTIFF, read window by window when drawn (never whole unless it is small)."""

    def __init__(
        self,
        name: str,
        path: Path,
        crs: CRS | None,
        bounds: tuple[float, float, float, float],
        width: int,
        height: int,
        count: int,
        nodata: float | None,
        dtype: str,
        source: SourceInfo | None = None,
        style: RasterStyle | None = None,
        overviews: list[int] | None = None,
    ) -> None:
        super().__init__(name, source or SourceInfo(Path(path)))
        self.path = Path(path)
        self._crs = crs
        self.bounds = bounds
        self.width = width
        self.height = height
        self.count = count
        self.nodata = nodata
        self.dtype = dtype
        self.overviews = overviews or []
        self.style = style or RasterStyle()

    @property
    def crs(self) -> CRS | None:
        return self._crs


Layer = Union[VectorLayer, TableLayer, RasterLayer]


def replace_data(
    layer: VectorLayer, data: gpd.GeoDataFrame | PointColumns, validity: ValidityReport | None = None
) -> VectorLayer:
    """A copy of ``layer`` with other data (e.g. after a join), keeping style, labels, source and
    (unless ``validity`` is given) the validity report."""
    new = VectorLayer(
        layer.name,
        data,
        layer.source,
        dataclasses.replace(layer.style),
        None if layer.labels is None else dataclasses.replace(layer.labels),
        layer.validity if validity is None else validity,
    )
    new.visible, new.opacity = layer.visible, layer.opacity
    new.sensitive_fields = dict(layer.sensitive_fields)
    new.declared_kinds = dict(layer.declared_kinds)
    # Only when there are some: a database layer's features are counted by the server, not for nothing.
    if layer.contributors and new.feature_count == layer.feature_count:
        new.contributors = dict(layer.contributors)
    return new
