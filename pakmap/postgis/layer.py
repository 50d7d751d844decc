"""``PostgisLayer``: a database table drawn view by view, read whole only when something needs it all.

Opening asks the server for the columns, the geometry column's SRID and (when typed) its type: no
rows are sent. The count, extent, geometry types and validity take a pass over the table on the
server; it is made the first time one of them is asked for (``pakmap info``, zoom to layer, the
layers panel), never to draw a view. Drawing a view reads only the features whose bounding box meets
it (``drawn_part``), so a district of a million-point table is a few hundred rows. A style that
classifies the whole layer (quantiles, natural breaks, categories, circle sizes), an attribute
table, a join or a web export reads the whole table once, in one statement: one snapshot of it.
"""

from __future__ import annotations

import threading

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import CRS, Transformer

from ..column_names import clean_names
from ..field_format import expression_fields
from ..layer import SourceInfo, ValidityReport, VectorLayer, replace_data
from ..point_columns import PointColumns
from ..style import GraduatedStyle, SingleSymbolStyle, kept_breaks
from .address import PgSource
from .connection import connected
from .read import Relation, measure, read_rows

# Rows read for detecting personal data before the table is read whole (the detector samples 500).
DETECTION_ROWS = 5000
# A view is widened by this share of its size on each side, so markers centred just outside show.
VIEW_MARGIN = 0.05


class PostgisLayer(VectorLayer):
    """A ``VectorLayer`` whose features stay on the server until needed."""

    def __init__(self, name: str, source: PgSource, relation: Relation, options: dict) -> None:
        self._pg, self._relation = source, relation
        self._loaded_lock = threading.RLock()
        self._attributes_cache: pd.DataFrame | None = None
        self._window: tuple | None = None  # (key, layer) of the last view drawn
        self._loaded = False
        self._validity: ValidityReport | None = None
        self._crs_given = "crs" in options  # already set on the relation by open_database_layer
        super().__init__(name, _EMPTY, SourceInfo(source, options=options), validity=ValidityReport())
        self._frame = self._points = None
        self._validity = None  # measured on first use

    # --- what the server said on opening -----------------------------------------------------------
    @property
    def relation(self) -> Relation:
        return self._relation

    @property
    def pg_source(self) -> PgSource:
        return self._pg

    @property
    def loaded(self) -> bool:
        return self._loaded

    @property
    def data(self) -> gpd.GeoDataFrame:
        self._load()
        return super().data

    @data.setter
    def data(self, value) -> None:
        VectorLayer.data.fset(self, value)  # type: ignore[attr-defined]
        if value is not _EMPTY:
            self._loaded = True

    def measured(self):
        """The relation with its count, extent, types and validity (one pass on the server, once)."""
        if not self._relation.measured:
            with self._loaded_lock:
                if not self._relation.measured:
                    crs = self._relation.crs
                    with connected(self._pg) as conn:
                        measure(conn, self._pg, self._relation)
                    if self._crs_given:  # the officer's CRS stays, whatever the column says
                        self._relation.crs = crs
        return self._relation

    @property
    def validity(self) -> ValidityReport:
        if self._validity is None:
            self._validity = self.measured().validity
        return self._validity

    @validity.setter
    def validity(self, value: ValidityReport) -> None:
        self._validity = value

    @property
    def point_columns(self) -> PointColumns | None:
        return self._points if self._loaded else None

    @property
    def feature_count(self) -> int:
        return super().feature_count if self._loaded else self.measured().count

    @property
    def crs(self) -> CRS | None:
        return super().crs if self._loaded else self._relation.crs

    @property
    def geometry_type(self) -> str:
        if self._loaded:
            return super().geometry_type
        types = self._relation.geometry_types or self.measured().geometry_types
        return types[0] if len(types) == 1 else ("None" if not types else "Mixed")

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        return super().bounds if self._loaded else self.measured().bounds

    @property
    def fields(self) -> list[str]:
        return super().fields if self._loaded else list(self._attribute_names())

    @property
    def geometry_name(self) -> str:
        return super().geometry_name if self._loaded else str(self._relation.geometry)

    @property
    def attributes(self) -> pd.DataFrame:
        """The attribute table (read without the geometry when the layer is not read whole)."""
        if self._loaded:
            return super().attributes
        if self._attributes_cache is None:
            with connected(self._pg) as conn:
                self._attributes_cache = read_rows(conn, self._pg, self._relation, geometry=False)
        return self._attributes_cache

    def values(self, field: str) -> pd.Series:
        if field not in self.fields:
            raise KeyError(field)
        return super().values(field) if self._loaded else self.attributes[field]

    def data_without(self, fields):
        self._load()
        return super().data_without(fields)

    def detection_frame(self) -> pd.DataFrame:
        """Rows for the personal-data detector: the first ``DETECTION_ROWS`` when not read whole."""
        if self._loaded or self._attributes_cache is not None:
            return self.attributes
        with connected(self._pg) as conn:
            return read_rows(conn, self._pg, self._relation, geometry=False, limit=DETECTION_ROWS)

    # --- reading ----------------------------------------------------------------------------------
    def _attribute_names(self) -> list[str]:
        return clean_names(self._relation.columns)

    def _load(self) -> None:
        if self._loaded:
            return
        with self._loaded_lock:
            if self._loaded:
                return
            with connected(self._pg) as conn:
                data = read_rows(conn, self._pg, self._relation)
            self.data = data  # announces nothing: the features are the ones described
            self._attributes_cache = None

    def reads_whole_to_draw(self) -> bool:
        """Whether drawing needs every feature: a style classifying the whole layer does."""
        style = self.style
        if isinstance(style, SingleSymbolStyle):
            return False
        if isinstance(style, GraduatedStyle):
            return not (style.method == "manual" or kept_breaks(style))
        return True

    def _columns_drawn(self) -> list[str]:
        """The columns the style and the labels use: a window reads only those and the geometry."""
        used = {getattr(self.style, "field", None)}
        labels = self.labels
        if labels is not None and labels.visible:
            used |= {labels.field, labels.priority, *expression_fields(labels.expression)}
        names = dict(zip(self._attribute_names(), self._relation.columns))
        return [names[f] for f in names if f in used]

    def drawn_part(self, extent: tuple[float, float, float, float], crs) -> VectorLayer:
        """The features under ``extent`` (in ``crs``) as a layer drawn like this one: read from the
        server with the extent as a bounding-box filter, or this layer when it is read whole."""
        if self._loaded or self.reads_whole_to_draw():
            return self
        box = _box_in(extent, crs, self.crs)
        if box is not None and self._relation.measured:
            lx0, ly0, lx1, ly1 = self._relation.bounds
            if box[0] <= lx0 and box[1] <= ly0 and box[2] >= lx1 and box[3] >= ly1:
                box = None  # the view holds the whole layer: no filter for the server to test
        key = (box, self.data_token, repr(self.style), repr(self.labels))
        window = self._window
        if window is not None and window[0] == key:
            return window[1]
        with connected(self._pg) as conn:
            data = read_rows(conn, self._pg, self._relation, bbox=box, columns=self._columns_drawn())
        part = replace_data(self, data, ValidityReport(total=len(data)))
        part.sensitive_fields = dict(self.sensitive_fields)
        self._window = (key, part)
        return part


# What the layer holds until it is read: nothing (every property answers from the relation).
_EMPTY = PointColumns(pd.DataFrame(), np.empty((0, 2)), None)


def _box_in(extent, view_crs, layer_crs) -> tuple[float, float, float, float] | None:
    """``extent`` (in ``view_crs``) widened by ``VIEW_MARGIN``, as a box in ``layer_crs``."""
    xmin, ymin, xmax, ymax = extent
    dx, dy = (xmax - xmin) * VIEW_MARGIN, (ymax - ymin) * VIEW_MARGIN
    box = (xmin - dx, ymin - dy, xmax + dx, ymax + dy)
    if layer_crs is None or view_crs is None or CRS.from_user_input(view_crs) == layer_crs:
        return box
    try:
        transformer = Transformer.from_crs(view_crs, layer_crs, always_xy=True)
        out = transformer.transform_bounds(*box, densify_pts=21)
    except Exception:  # pyproj's ProjError: a view outside the layer CRS's area: read without a filter
        return None
    return out if all(map(_finite, out)) else None


def _finite(value: float) -> bool:
    return value == value and abs(value) != float("inf")


__all__ = ["PostgisLayer", "DETECTION_ROWS"]
