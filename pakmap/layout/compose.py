"""A page composed from a project and a template: what each element shows and where it sits.

``compose_page`` decides everything that does not depend on the output device — texts, the map
extent, whether the Jammu and Kashmir note and the illustrative-data banner appear, the legend's
entries — and returns a ``Page`` whose ``boxes`` (mm) the layout checks can inspect. ``paint_page``
(``pakmap.layout.paint``) then draws it on any QPainter at any dpi.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import geopandas as gpd
import shapely

from ..dates import creation_date, format_date, page_date
from ..errors import StyleError
from ..field_format import parse_expression
from ..layer import VectorLayer
from ..project.loaded import LoadedProject
from ..style import SingleSymbolStyle, Symbol
from .box import Box
from .chart_data import ChartTable, page_tables
from .chart_panel import chart_name, place_charts
from .inset import (
    GAP_MM,
    LETTERS,
    MAX_INSETS,
    Inset,
    below_legend_box,
    corner_boxes,
    dense_clusters,
    inset_extent,
    tag_corners,
)
from .kashmir import kashmir_in_view
from .legend import LegendGroup, legend_groups, legend_height_mm
from .locator import locator_boundaries
from .mapframe import frame_view, requested_extent
from .northarrow import true_north_rotation
from .template import ElementSpec, Template, load_template

TEXT_ELEMENTS = ("title", "subtitle", "dates", "map_id", "sources", "disclaimer", "kashmir_note", "contact", "banner")


@dataclass
class Page:
    """One composed page: the elements shown (by name), their texts, the map extent, the legend."""

    loaded: LoadedProject
    template: Template
    elements: dict[str, ElementSpec]  # only the elements shown on this page
    texts: dict[str, str]  # element name -> its text, for text elements
    extent: tuple[float, float, float, float]  # the requested extent, map CRS (before fitting)
    map_extent: tuple[float, float, float, float]  # the extent the frame shows, fitted to its box
    legend: list[LegendGroup] = field(default_factory=list)
    locator: gpd.GeoDataFrame | None = None
    metadata: dict[str, str] = field(default_factory=dict)  # document title, subject, creation date
    overlay: tuple = ()  # layers drawn over the map (an atlas page's feature outline)
    north_rotation: float = 0.0  # degrees clockwise from the page's up to true north at the map's centre
    charts: dict[str, ChartTable] = field(default_factory=dict)  # element name (chart_1…) -> its rows
    insets: tuple[Inset, ...] = ()  # zoomed maps of dense clusters, in free space on the page

    @property
    def frames(self) -> dict[str, Box]:
        """The boxes of the elements and of the inset maps: what must not overlap on the page."""
        return {**self.boxes, **{f"inset {i.letter or 'A'}": i.box for i in self.insets}}

    @property
    def boxes(self) -> dict[str, Box]:
        """Every shown element's box in mm from the page's top-left corner."""
        return {name: spec.box for name, spec in self.elements.items()}

    @property
    def legend_labels(self) -> list[str]:
        return [row.label for group in self.legend for row in group.rows]


def fill_text(template: Template, key: str, fields: dict[str, str]) -> str:
    wording = template.texts.get(key, "{" + key + "}")
    try:
        return parse_expression(wording, f"[text] {key}").format(fields)
    except (KeyError, ValueError, TypeError) as exc:
        raise StyleError(
            f"[text] {key} = {wording!r} uses an unknown field {exc}",
            path=template.path,
            fix=f"use only {{{'}, {'.join(sorted(fields))}}}",
        ) from None


def compose_page(
    loaded: LoadedProject,
    template: Template | str | None = None,
    *,
    extent=None,
    title: str | None = None,
    subtitle: str | None = None,
    highlight: gpd.GeoDataFrame | None = None,
) -> Page:
    """Compose the print page of ``loaded``. Atlas pages pass their feature's ``extent``, ``title`` and
    geometry (``highlight``: outlined over the map in the map element's ``color``)."""
    layout = loaded.project.layout
    if not isinstance(template, Template):
        template = load_template(template or layout.template, loaded.project.folder)
    tables = page_tables(loaded)
    specs = place_charts(template, tables)
    charts = {chart_name(i): table for i, table in enumerate(tables)}
    frame = specs["map"].box
    requested = requested_extent(loaded, frame, extent)
    fitted = frame_view(loaded, frame, requested).extent
    fields = {
        "title": title if title is not None else (layout.title or loaded.project.map.title),
        "subtitle": subtitle if subtitle is not None else layout.subtitle,
        "as_of": page_date(layout.as_of) if layout.as_of else layout.as_of,
        "created": format_date(creation_date()),
        "map_id": layout.map_id,
        "sources": layout.sources,
        "contact": layout.contact,
    }
    texts: dict[str, str] = {"title": fields["title"], "subtitle": fields["subtitle"]}
    dates = [fill_text(template, "as_of", fields)] if fields["as_of"] else []
    texts["dates"] = "\n".join(dates + [fill_text(template, "created", fields)])
    for key in ("map_id", "sources", "contact"):
        texts[key] = fill_text(template, key, fields) if fields[key] else ""
    texts["disclaimer"] = template.texts.get("disclaimer", "")
    texts["kashmir_note"] = template.texts.get("kashmir_note", "") if kashmir_in_view(loaded, fitted, template) else ""
    texts["banner"] = template.texts.get("banner", "") if loaded.project.illustrative else ""

    shown: dict[str, ElementSpec] = {}
    groups: list[LegendGroup] = []
    boundaries = None
    for name, spec in specs.items():
        if name in TEXT_ELEMENTS and not texts.get(name, "").strip():
            continue
        if name == "legend":
            groups = legend_groups(loaded, fitted)
            if not groups:
                continue
        if name == "locator":
            boundaries = locator_boundaries(loaded, spec, template, fitted) if layout.locator else None
            if boundaries is None:
                continue
        shown[name] = spec
    insets: tuple[Inset, ...] = ()
    wanted = inset_count(layout.inset)
    if wanted and "legend" in shown and highlight is None:
        furniture = [spec.box for name, spec in shown.items() if name not in ("map", "legend")]
        # The extent the frame is drawn from (not the fitted one): labels on the edge of fitting fall
        # the same way as on the page.
        insets, shown["legend"] = place_insets(
            loaded, shown["legend"], groups, template.font, frame, requested, wanted, furniture
        )
    metadata = {
        "title": fields["title"] or "Map",
        "subject": " — ".join(t for t in (fields["subtitle"], dates[0] if dates else "") if t) or fields["title"],
        "creator": "pakmap",
        "created": creation_date().isoformat(),
    }
    overlay = () if highlight is None else highlight_layers(highlight, specs["map"].color, specs["map"].fill)
    north = true_north_rotation(loaded.crs, fitted) if "north_arrow" in shown else 0.0
    return Page(
        loaded,
        template,
        shown,
        {k: v for k, v in texts.items() if k in shown},
        requested,
        fitted,
        groups,
        boundaries,
        metadata,
        overlay,
        north,
        charts,
        insets,
    )


def inset_count(setting: bool | int) -> int:
    """How many insets a page may have: ``inset = true`` up to ``MAX_INSETS``, a number up to that many."""
    if isinstance(setting, bool):
        return MAX_INSETS if setting else 0
    return int(setting)


def place_insets(
    loaded: LoadedProject,
    legend: ElementSpec,
    groups: list[LegendGroup],
    family: str,
    frame: Box,
    extent,
    wanted: int = MAX_INSETS,
    furniture: list[Box] | tuple = (),
) -> tuple[tuple[Inset, ...], ElementSpec]:
    """Insets for the main map's unreadable clusters, densest first, each in the largest free place
    left: the legend's column below its entries (the legend's box then ends above it) or an empty
    corner of the map frame, never over another inset or the page's ``furniture`` (locator, north
    arrow…). At most ``wanted``; a cluster that no place left can name any of is passed over."""
    clusters = dense_clusters(loaded, frame, extent)
    if not clusters:
        return (), legend
    box = legend.box
    top = box.y + legend_height_mm(groups, legend, family) + GAP_MM
    column = below_legend_box(Box(box.x, top, box.width, box.bottom - top)) if top < box.bottom else None
    places = [b for b in [column, *corner_boxes(loaded, frame, extent)] if b is not None]
    places = [b for b in places if not any(b.intersects(f) for f in furniture)]
    chosen: list[tuple[Box, tuple, tuple[str, ...]]] = []
    for cluster in clusters:
        if len(chosen) == wanted:
            break
        free = [b for b in places if not any(b.intersects(taken) for taken, _, _ in chosen)]
        for place in sorted(free, key=lambda b: -b.width):
            view, named = inset_extent(loaded, cluster, place)
            if named:
                chosen.append((place, view, named))
            break  # the largest free place: a smaller one names no more
    if not chosen:
        return (), legend
    if any(place is column for place, _, _ in chosen):
        # The legend keeps its size above the inset, instead of growing into its room.
        legend = dataclasses.replace(legend, box=Box(box.x, box.y, box.width, top - box.y - 1.0), max_size=None)
    if len(chosen) == 1:  # one inset: its colour and its outline pair it
        return (Inset(*chosen[0]),), legend
    # Lettered as read: top to bottom, left to right on the page.
    ordered = sorted(chosen, key=lambda c: (round(c[0].y), c[0].x))
    insets = [Inset(p, v, f, LETTERS[i]) for i, (p, v, f) in enumerate(ordered)]
    corners = tag_corners(loaded, frame, extent, insets)
    return tuple(dataclasses.replace(i, tag_corner=c) for i, c in zip(insets, corners)), legend


def highlight_layers(features: gpd.GeoDataFrame, color: str, veil: str | None = None) -> tuple[VectorLayer, ...]:
    """The atlas page's subject brought forward: an outline of ``features`` in ``color`` and, if a
    ``veil`` colour is given, a veil over everything around them so neighbours recede.

    The veil is off in the standard templates: on a choropleth it pales the neighbours' classes
    into colours the legend does not have.
    """
    outline_symbol = Symbol(fill="#00000000", stroke=color, stroke_width=0.6)
    outline = VectorLayer("atlas_outline", features, style=SingleSymbolStyle(outline_symbol))
    if not veil:
        return (outline,)
    geometry = features.geometry.make_valid().union_all()
    xmin, ymin, xmax, ymax = geometry.bounds
    pad = 3 * max(xmax - xmin, ymax - ymin)  # beyond any frame around the feature
    around = shapely.box(xmin - pad, ymin - pad, xmax + pad, ymax + pad).difference(geometry)
    veil_symbol = Symbol(fill=veil, stroke=veil, stroke_width=0.0, opacity=0.45)
    veil_layer = VectorLayer(
        "atlas_veil", gpd.GeoDataFrame(geometry=[around], crs=features.crs), style=SingleSymbolStyle(veil_symbol)
    )
    return (veil_layer, outline)
