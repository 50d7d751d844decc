"""The project as an interactive web map: one self-contained HTML file for the data portal or e-mail.

Layers are drawn in project order with the print map's styles, markers, classes, labels
(``pakmap.web.labels``, shown at the zooms where they fit) and legend; hovering
a feature shows its tooltip, clicking it (or tapping, on a phone) its popup. Geometry is generalized
for the screen (``pakmap.web.simplify``), rasters become image overlays (``pakmap.web.raster``),
Leaflet is inlined (``pakmap.web.assets``) so a map without basemap needs no network, and only the
fields the officer chose are written (``pakmap.web.content``). Nothing in the file names a local
path: layers are named by their project names only.

Each layer draws into its own Leaflet pane, stacked in project order (``layer_pane``): Leaflet would
otherwise put every polygon and line into one SVG and every image into the overlay pane beside it,
so a raster could not lie between two vector layers as it does on paper, and points would sit
wherever their pane is rather than where the project puts them.
"""

from __future__ import annotations

import html
import os
from dataclasses import dataclass
from pathlib import Path

import folium
import numpy as np
import shapely
from folium.map import CustomPane, FitBounds
from folium.raster_layers import ImageOverlay

from ..crs import WGS84, transform_bounds
from ..dates import page_date
from ..errors import ExportError, ProjectError
from ..layer import RasterLayer, VectorLayer, replace_data
from ..project.loaded import LoadedProject
from ..render.legend_items import pretty_name
from . import simplify
from .assets import make_offline, urdu_css
from .basemap import basemap_layer
from .content import BIND_JS, feature_content
from .controls import MAX_SEARCH_FEATURES, SEARCH_CSS, LayerControl, SearchControl
from .elements import Verbatim, page_of, script_json
from .encoding import encode
from .labels import map_labels
from .layers import FeatureLayer, HtmlControl, MapControls
from .legend import CSS, layer_legend, legend_html, raster_legend, title_html
from .page import CSS as PAGE_CSS
from .page import PAGE_JS, finish_page, nodata_patterns, write_page
from .raster import raster_overlay
from .styles import WebStyle, web_style

# Leaflet's overlay pane is at z-index 400 and its marker pane at 600, tooltips at 650: the layers'
# panes take 400 + their position, below the tooltips and popups of any of them.
FIRST_PANE_Z = 400
MAX_PANES = 240


@dataclass(frozen=True)
class Generalization:
    """How much detail the web map keeps: the simplification tolerance and rounding, in degrees."""

    zoom: int  # the detail zoom (see pakmap.web.simplify)
    tolerance: float
    decimals: int

    @classmethod
    def for_map(cls, bounds, min_zoom: int, max_zoom: int) -> "Generalization":
        zoom = simplify.detail_zoom(bounds, min_zoom, max_zoom)
        tolerance = simplify.degrees_per_pixel(zoom)
        return cls(zoom, tolerance, simplify.decimals_for(tolerance))


def _spec(loaded: LoadedProject, name: str):
    return next((s for s in loaded.project.layers if s.name == name), None)


def _in_wgs84(layer: VectorLayer, project_path) -> VectorLayer:
    if layer.crs is None:
        raise ProjectError(
            f"layer '{layer.name}' has no CRS",
            path=project_path,
            fix='set crs = "EPSG:…" for this layer in the project',
        )
    if layer.crs == WGS84:
        return layer
    return replace_data(layer, layer.data.to_crs(WGS84))


def layer_pane(m: folium.Map, position: int) -> str:
    """A new pane for the layer drawn ``position``-th (0: bottom), above the panes of those below it."""
    if position >= MAX_PANES:
        raise ProjectError(
            f"a web map can show at most {MAX_PANES} layers", fix="hide layers the web map does not need"
        )
    name = f"pm-layer-{position}"
    # Pointer events stay on: the pane passes them to its features (a raster's image ignores them).
    CustomPane(name, z_index=FIRST_PANE_Z + position, pointer_events=True).add_to(m)
    return name


def feature_layer(
    layer: VectorLayer, popup_fields: list[str], threshold: int | None, detail: Generalization, pane: str | None = None
) -> tuple[FeatureLayer, WebStyle]:
    """One project layer as a ``FeatureLayer``, and the styles it was drawn with."""
    style = web_style(layer, threshold)
    if style.kind == "proportional":
        geoms = style.anchors
    else:
        geoms = layer.data.geometry.values[style.drawn]
        mixed = int((shapely.get_type_id(geoms) == 7).sum())
        if mixed:
            raise ExportError(
                f"layer '{layer.name}' has {mixed} geometry collection(s) mixing points, lines and "
                "polygons, which a web map cannot draw",
                path=layer.source.path if layer.source else None,
                fix="split them into separate point, line and polygon layers (QGIS: Vector > "
                "Geometry Tools > Multipart to Singleparts, then filter by geometry type)",
            )
    geoms = simplify.generalize(np.asarray(geoms, dtype=object), detail.tolerance, detail.decimals)
    content = feature_content(layer, popup_fields, threshold)
    # Each distinct style once; features refer to it by index. Point styles are shared dicts (one per
    # class): their JSON is computed once per dict, not once per point.
    json_of: dict[int, str] = {}  # id of a style dict (all alive in style.styles) -> its JSON

    def key(s: dict) -> str:
        if id(s) not in json_of:
            json_of[id(s)] = script_json(s)
        return json_of[id(s)]

    keys: dict[str, int] = {}
    style_index = [keys.setdefault(key(s), len(keys)) for s in style.styles]
    unique_styles = list({key(s): s for s in style.styles}.values())  # in the order of ``keys``
    payload = encode(
        geoms,
        detail.decimals,
        style_index,
        [content.headings[row] for row in style.drawn],
        [content.rows[row] for row in style.drawn] if content.row_names else None,
    )
    xmin, ymin, xmax, ymax = shapely.total_bounds(geoms) if len(geoms) else (0, 0, 0, 0)
    bind = BIND_JS % {"names": script_json(content.row_names)}
    fl = FeatureLayer(
        payload,
        unique_styles,
        bind,
        name=_escape_name(pretty_name(layer.name)),
        bounds=[[ymin, xmin], [ymax, xmax]],
        show=layer.visible,
        pane=pane,
        symbols=style.symbols,
    )
    if len(style.drawn) <= MAX_SEARCH_FEATURES:
        fl.search_column = content.search_column
    return fl, style


def image_layer(layer: RasterLayer, detail: Generalization, pane: str | None = None):
    """A raster layer as a Leaflet image overlay and its overlay (None: nothing to show)."""
    overlay = raster_overlay(layer, detail.zoom)
    if overlay is None:
        return None, None
    # Smoothed when zoomed past its pixels, as the print renderer resamples rasters (bilinear).
    image = ImageOverlay(
        overlay.data_uri(),
        overlay.bounds,
        pixelated=False,
        name=_escape_name(pretty_name(layer.name)),
        show=layer.visible,
        opacity=overlay.opacity,
        interactive=False,
        pane=pane,
    )
    return image, overlay


def _escape_name(name: str) -> str:
    # The layer control and the attribution line write names as HTML (innerHTML): escape them.
    return html.escape(str(name))


def build_webmap(loaded: LoadedProject) -> folium.Map:
    """The folium map of ``loaded`` (not yet written)."""
    project = loaded.project
    web = project.web
    threshold = project.protection.threshold
    bounds = transform_bounds(loaded.extent(), loaded.crs, WGS84)
    detail = Generalization.for_map(bounds, web.min_zoom, web.max_zoom)
    xmin, ymin, xmax, ymax = bounds
    m = folium.Map(
        location=[(ymin + ymax) / 2, (xmin + xmax) / 2],
        zoom_start=max(simplify.fit_zoom(bounds), web.min_zoom),
        tiles=None,
        min_zoom=web.min_zoom,
        max_zoom=web.max_zoom,
        zoom_control=False,
        font_size="12px",
        # quarter zoom steps: fit_bounds fills the window instead of rounding down a whole level
        zoom_snap=0.25,
        zoom_delta=0.5,
    )
    make_offline(m)
    root = page_of(m)
    root.header.add_child(Verbatim(f"<style>{CSS}{SEARCH_CSS}{PAGE_CSS}</style>"), name="pakmap_css")
    root.header.add_child(Verbatim(f"<script>{PAGE_JS}</script>"), name="pakmap_page")
    tiles = basemap_layer(web.basemap, web.min_zoom, web.max_zoom, project.path)
    if tiles is not None:
        tiles.add_to(m)
        # A switch between the basemap and none: the map's own colours, or to print from the browser.
        folium.FeatureGroup(name="No basemap", overlay=False, control=True, show=False).add_to(m)
    legend_entries = []  # (legend block, JavaScript name of its layer)
    labelled = []  # (JavaScript name of the layer's group, the layer in WGS 84)
    searchable = []  # (JavaScript name of the layer's group, its search column)
    hatched: set[str] = set()
    for position, layer in enumerate(loaded.drawable):
        spec = _spec(loaded, layer.name)
        pane = layer_pane(m, position)
        if isinstance(layer, RasterLayer):
            image, overlay = image_layer(layer, detail, pane)
            if image is None:
                continue
            image.add_to(m)
            if spec is None or spec.legend:
                legend_entries.append((raster_legend(layer, overlay), image.get_name()))
            continue
        in_wgs84 = _in_wgs84(layer, project.path)
        fl, style = feature_layer(in_wgs84, spec.popup_fields if spec else [], threshold, detail, pane)
        fl.add_to(m)
        labelled.append((fl.get_name(), in_wgs84))
        hatched |= style.hatched
        if fl.search_column is not None:
            searchable.append((fl.get_name(), fl.search_column))
        if spec is None or spec.legend:
            legend_entries.append((layer_legend(layer, threshold, point_circles=style.point_circles), fl.get_name()))
    labels = map_labels(labelled, threshold, detail.tolerance)
    if labels is not None:
        labels.add_to(m)
    title = project.layout.title or project.map.title
    as_of = page_date(project.layout.as_of) if project.layout.as_of else ""
    subtitle = " · ".join(t for t in (project.layout.subtitle, as_of) if t)
    note = "Illustrative data: not real figures" if project.illustrative else ""
    page_of(m).title = html.escape(title) if title else None  # the browser tab; branca does not escape
    box = title_html(title, subtitle, note)
    if box:
        HtmlControl(box, "topleft").add_to(m)
    MapControls(_escape_name(project.layout.sources)).add_to(m)
    if searchable:
        SearchControl(searchable, max_zoom=web.max_zoom).add_to(m)
    if hatched:
        root.html.add_child(Verbatim(nodata_patterns(hatched)), name="pakmap_nodata")
    if legend_entries:
        # Legend lists the top layer first, as the print legend reads from the top of the map down.
        HtmlControl(legend_html(legend_entries[::-1]), "bottomright").add_to(m)
    LayerControl(position="topright").add_to(m)
    urdu = urdu_css(_shown_text(loaded, title, subtitle, legend_entries, labels, labelled))
    if urdu:
        root.header.add_child(Verbatim(f"<style>{urdu}</style>"), name="pakmap_urdu_font")
    pad = project.layout.extent.margin
    dx, dy = (xmax - xmin) * pad, (ymax - ymin) * pad
    # Opens there without a zoom animation: animating thousands of marker icons takes seconds.
    fit = FitBounds([[ymin - dy, xmin - dx], [ymax + dy, xmax + dx]])
    fit.options["animate"] = False
    fit.add_to(m)
    return m


def _shown_text(loaded: LoadedProject, title: str, subtitle: str, legend_entries, labels, labelled) -> str:
    """Every text the map shows that may be Urdu: title, sources, legend, labels, popup values."""
    parts = [title, subtitle, loaded.project.layout.sources, *(block for block, _ in legend_entries)]
    if labels is not None:
        parts.append(labels.labels_json)
    for _, layer in labelled:
        spec = _spec(loaded, layer.name)
        for field in spec.popup_fields if spec is not None else []:
            if field in layer.data.columns and layer.data[field].dtype == object:
                parts.extend(str(v) for v in layer.data[field].dropna().unique().tolist())
    return "\n".join(parts)


def render_html(loaded: LoadedProject) -> str:
    """The web map as one HTML document."""
    return finish_page(build_webmap(loaded).get_root().render())


def export_webmap(loaded: LoadedProject, out_path: str | os.PathLike) -> Path:
    """Write the web map of ``loaded`` to ``out_path`` (atomically); returns the path written."""
    return write_page(render_html(loaded), out_path)
