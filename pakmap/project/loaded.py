"""A project with its data in memory: the layers read, the joins applied, the map CRS decided.

This is what every output works from: the renderer's map views, the page layout, the web map, the
protection checks and the export record. It can be built from a project file
(``pakmap.project.loader.load_layers``) or directly from layers (tests, the GUI, ``pakmap map``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pyproj import CRS

from ..crs import WGS84, parse_crs, transform_bounds
from ..errors import ProjectError
from ..layer import Layer, RasterLayer, TableLayer, VectorLayer
from ..mapview import MapView, fit_extent
from .model import ExtentSpec, Project


@dataclass(init=False)
class LoadedProject:
    project: Project
    layers: list[Layer]  # in project order: the first is drawn at the bottom
    join_reports: list[Any]  # pakmap.join reports, in join order
    crs: CRS  # the map CRS; default: the project's, else the first layer's
    # The charts and tables this copy may publish, as (ChartSpec, pakmap.layout.chart_data.ChartTable)
    # pairs: set by the protection policy on the copy an export is made from, None on any other.
    published_charts: list[Any] | None = None

    def __init__(
        self, project: Project, layers: list[Layer], join_reports: list[Any] | None = None, crs: CRS | None = None
    ) -> None:
        self.project = project
        self.layers = layers
        self.join_reports = [] if join_reports is None else join_reports
        if crs is None:
            if project.map.crs:
                crs = parse_crs(project.map.crs, path=project.path, what="the map CRS")
            else:
                crs = next((l.crs for l in layers if not isinstance(l, TableLayer) and l.crs), WGS84)
        self.crs = crs

    def layer(self, name: str) -> Layer:
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise ProjectError(
            f"no layer named '{name}'",
            path=self.project.path,
            fix=f"use one of: {', '.join(l.name for l in self.layers)}",
        )

    def vector_layer(self, name: str) -> VectorLayer:
        """The layer named ``name``, which must have geometry (a boundary or point layer)."""
        layer = self.layer(name)
        if not isinstance(layer, VectorLayer):
            raise ProjectError(
                f"layer '{name}' has no features with geometry",
                path=self.project.path,
                fix="name a boundary or point layer",
            )
        return layer

    @property
    def drawable(self) -> tuple[VectorLayer | RasterLayer, ...]:
        """Visible layers with geometry (tables are joined, not drawn), bottom first."""
        return tuple(l for l in self.layers if l.visible and isinstance(l, (VectorLayer, RasterLayer)))

    def layer_bounds(self, layer: Layer, bounds=None) -> tuple[float, float, float, float]:
        """A layer's bounds (or ``bounds`` in the layer's CRS, e.g. one feature's) in the map CRS."""
        if isinstance(layer, TableLayer):
            raise ProjectError(
                f"layer '{layer.name}' is a table without geometry and has no extent",
                fix="take the extent from a boundary layer",
            )
        if layer.crs is None:
            raise ProjectError(
                f"layer '{layer.name}' has no CRS",
                path=layer.source.path if layer.source else None,
                fix='set crs = "EPSG:…" for this layer in the project',
            )
        return transform_bounds(layer.bounds if bounds is None else bounds, layer.crs, self.crs)

    def extent(self, spec: ExtentSpec | None = None) -> tuple[float, float, float, float]:
        """The main map's extent in the map CRS, before fitting to a frame's aspect ratio."""
        spec = spec or self.project.layout.extent
        if spec.bounds:
            if len(spec.bounds) != 4:
                raise ProjectError(
                    "extent bounds must be [xmin, ymin, xmax, ymax]",
                    path=self.project.path,
                    fix="give four numbers in the map CRS",
                )
            return tuple(float(v) for v in spec.bounds)  # type: ignore[return-value]
        if spec.layer:
            layer = self.layer(spec.layer)
            if spec.field is not None and isinstance(layer, VectorLayer):
                match = layer.data[layer.data[spec.field].astype(str) == str(spec.value)]
                if match.empty:
                    raise ProjectError(
                        f"no feature of '{layer.name}' has {spec.field} = {spec.value!r}",
                        path=self.project.path,
                        fix="check the extent's field and value",
                    )
                return self.layer_bounds(layer, tuple(match.total_bounds))
            return self.layer_bounds(layer)
        if not self.drawable:
            raise ProjectError(
                "the project has no layer to draw", path=self.project.path, fix="add a boundary or point layer"
            )
        # Layers without a CRS cannot be placed; when no layer can, say which file lacks one.
        drawable = [l for l in self.drawable if l.crs is not None] or self.drawable[:1]
        boxes = [self.layer_bounds(l) for l in drawable]
        return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))

    def map_view(
        self,
        width: int,
        height: int,
        dpi: float = 96.0,
        extent=None,
        layers: tuple[Layer, ...] | None = None,
        background: str | None = "#FFFFFF",
    ) -> MapView:
        """A MapView of this project fitted to a ``width``×``height`` pixel target."""
        margin = self.project.layout.extent.margin
        bounds = fit_extent(extent or self.extent(), width, height, margin=margin)
        return MapView(
            layers=layers if layers is not None else self.drawable,
            extent=bounds,
            crs=self.crs,
            width=int(width),
            height=int(height),
            dpi=dpi,
            background=background,
            count_threshold=self.project.protection.threshold,
        )
