"""The web map's legend and title box: HTML built from the same classes as the print legend.

Every text (layer names, class labels, categories taken from the data, the title) is HTML-escaped;
colours were checked to be hex colours by ``pakmap.web.styles``. Point swatches are the map's
markers (``pakmap.web.markers``), rasters a gradient of their palette with the ramp's range.
"""

from __future__ import annotations

import html

from ..layer import RasterLayer, VectorLayer
from ..render.legend_items import LegendItem, legend_items, legend_title, single_label
from ..render.raster import ramp_label
from .markers import ICON_CLASS, MarkerSymbol
from .page import nodata_swatch_css
from .script_text import marked_html
from .styles import css_color, px

# A clean UNHCR look: Lato where installed, white boxes with a hairline, navy text.
CSS = """
.leaflet-container { background: #FFFFFF; font-family: Lato, "Noto Naskh Arabic", "Helvetica Neue", Arial, sans-serif;
  font-size: 12px; }
.leaflet-control-layers, .leaflet-tooltip, .leaflet-popup-content { font-size: 12px; color: #18375F; }
.leaflet-control-attribution, .leaflet-control-scale-line { font-size: 10px; }
.pm-box { background: rgba(255,255,255,0.94); padding: 8px 10px; border-radius: 2px;
  box-shadow: 0 1px 4px rgba(0,0,0,0.25); color: #18375F; font-size: 12px; line-height: 1.35; }
.pm-title { font-size: 16px; font-weight: 700; color: #0072BC; margin: 0; }
.pm-sub { font-size: 12px; color: #333333; }
.pm-note { font-size: 11px; color: #EF4A60; font-weight: 700; }
.pm-legend { max-height: 60vh; overflow-y: auto; min-width: 150px; }
.pm-legend summary { cursor: pointer; font-weight: 700; color: #18375F; margin-bottom: 2px; }
.pm-legend:not([open]) { min-width: 0; }
.pm-legend:not([open]) summary { margin-bottom: 0; }
.pm-layer { font-weight: 700; margin: 6px 0 3px; }
.pm-entry:first-of-type > .pm-layer:first-child { margin-top: 0; }
.pm-row { display: flex; align-items: center; margin: 2px 0; color: #333333; }
.pm-sw { flex: none; display: inline-block; margin-right: 6px; box-sizing: border-box; }
.pm-ramp { width: 48px; height: 11px; }
.%(icon)s { background: none; border: none; }
.%(icon)s svg { display: block; overflow: visible; }
.%(icon)s:hover svg, .%(icon)s:focus svg { filter: drop-shadow(0 0 1px #18375F) drop-shadow(0 0 1px #18375F); }
.%(icon)s:focus { outline: none; }
.pm-disclaimer { max-width: 260px; font-size: 9px; color: #666666; margin-top: 6px; }
.pm-tip table, .pm-popup table { border-collapse: collapse; }
.pm-tip th, .pm-popup th { text-align: left; font-weight: 400; color: #666666; padding: 1px 8px 1px 0; }
.pm-tip td, .pm-popup td { text-align: right; font-weight: 700; color: #18375F; padding: 1px 0; }
.pm-h { font-weight: 700; color: #0072BC; font-size: 13px; margin-bottom: 2px; }
""" % {"icon": ICON_CLASS}

DISCLAIMER = (
    "The boundaries and names shown and the designations used on this map do not imply "
    "official endorsement or acceptance by the United Nations."
)


def _swatch(item: LegendItem, where: str, point_circles: bool = False) -> str:
    """A legend swatch: the print legend's swatch kinds at screen size; points as the map draws them
    (their marker, or circles for a layer too dense for marker icons)."""
    color = css_color(item.color, where) or "transparent"  # "none": an outline-only swatch
    stroke = (
        (css_color(item.stroke, where) or "transparent") if item.stroke and item.stroke_width > 0 else "transparent"
    )
    border = max(px(item.stroke_width), 1.0) if stroke != "transparent" else 0
    if item.kind == "line":
        css_style = {"dash": "dashed", "dot": "dotted"}.get(item.line_style, "solid")
        return (
            f'<span class="pm-sw" style="width:18px;height:0;'
            f'border-top:{max(px(item.stroke_width), 2.0):.1f}px {css_style} {color}"></span>'
        )
    if item.kind == "marker" and not point_circles:  # the marker the map draws, at its size on the map
        outline = css_color(item.stroke, where) if item.stroke else None
        symbol = MarkerSymbol(
            item.marker or "circle",
            css_color(item.color, where),
            outline,
            px(item.stroke_width),
            px(item.size_mm),
            fill_opacity=item.opacity,
        )
        return symbol.inline_svg("pm-sw")
    if item.kind in ("marker", "circle"):
        size = max(px(item.size_mm), 4.0)
        return (
            f'<span class="pm-sw" style="width:{size:.1f}px;height:{size:.1f}px;background:{_faded(color, item.opacity)};'
            f'border:{border:.1f}px solid {stroke};border-radius:50%"></span>'
        )
    # A white outline (district borders) vanishes on the white legend: a hairline grey keeps the
    # light classes and "No data" readable as boxes.
    # The swatch's opacity is its fill's (LegendItem.opacity): the outline stays as crisp as on the map.
    if item.nodata and color != "transparent":
        fill = f"{nodata_swatch_css(color)};opacity:{item.opacity:g}"
    else:
        fill = f"background:{_faded(color, item.opacity)}"
    return (
        f'<span class="pm-sw" style="width:14px;height:11px;{fill};'
        f'border:{border:.1f}px solid {stroke if stroke != "#FFFFFF" else "#CCCCCC"}"></span>'
    )


def _faded(color: str, opacity: float) -> str:
    """A checked ``#RRGGBB`` at ``opacity`` as CSS (``rgba``), or the colour itself when opaque."""
    if opacity >= 1 or not color.startswith("#") or len(color) != 7:
        return color
    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{opacity:g})"


def _text(text: str, bold: bool = False) -> str:
    return f"<b>{marked_html(text)}</b>" if bold else marked_html(text)


def layer_legend(layer: VectorLayer, threshold: int | None, point_circles: bool = False) -> str:
    """One layer's legend block: the print legend's heading (the mapped field's title) and rows
    (``pakmap.render.legend_items``); a single-symbol layer is one row naming it, as in print."""
    where = f"the style of layer '{layer.name}'"
    items = legend_items(layer, threshold)
    title = legend_title(layer)
    single = len(items) == 1 and not title
    if single:
        return f'<div class="pm-row">{_swatch(items[0], where, point_circles)}{_text(single_label(layer), bold=True)}</div>'
    rows = "".join(f'<div class="pm-row">{_swatch(i, where, point_circles)}{_text(i.label)}</div>' for i in items)
    return (f'<div class="pm-layer">{marked_html(title)}</div>' if title else "") + rows


def raster_legend(layer: RasterLayer, overlay) -> str:
    """A raster's legend block as in print: its palette as a gradient at the style's opacity,
    labelled with the range of the overlay's stretch."""
    where = f"the palette of layer '{layer.name}'"
    stops = ",".join(css_color(c, where) or "transparent" for c in overlay.colors)
    swatch = (
        f'<span class="pm-sw pm-ramp" style="background:linear-gradient(to right,{stops});'
        f'opacity:{float(layer.style.opacity):g}"></span>'
    )
    label = html.escape(ramp_label(*overlay.legend_limits)) if overlay.legend_limits else ""
    return f'<div class="pm-layer">{html.escape(single_label(layer))}</div><div class="pm-row">{swatch}{label}</div>'


def legend_html(entries: list[tuple[str, str]]) -> str:
    """The legend box: each ``(block, key)`` in a block the layer control shows and hides with its
    layer (``key`` names it); a ``<details>`` box, so a phone can fold it away."""
    blocks = "".join(f'<div class="pm-entry" data-layer="{html.escape(key)}">{block}</div>' for block, key in entries)
    return (
        f'<details class="pm-box pm-legend" open><summary>Legend</summary>{blocks}'
        f'<div class="pm-disclaimer">{html.escape(DISCLAIMER)}</div></details>'
    )


def title_html(title: str, subtitle: str = "", note: str = "") -> str:
    parts = [f'<div class="pm-title">{marked_html(title)}</div>'] if title else []
    if subtitle:
        parts.append(f'<div class="pm-sub">{marked_html(subtitle)}</div>')
    if note:
        parts.append(f'<div class="pm-note">{html.escape(note)}</div>')
    return f'<div class="pm-box pm-heading" role="banner">{"".join(parts)}</div>' if parts else ""
