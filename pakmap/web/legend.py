"""The web map's legend and title box: HTML built from the same classes as the print legend.

Every text (layer names, class labels, categories taken from the data, the title) is HTML-escaped;
colours were checked to be hex colours by ``pakmap.web.styles``.
"""

from __future__ import annotations

import html

from ..render.styling import legend_value_label
from .styles import WebStyle, px

# A clean UNHCR look: Lato where installed, white boxes with a hairline, navy text.
CSS = """
.leaflet-container { background: #FFFFFF; font-family: Lato, "Helvetica Neue", Arial, sans-serif;
  font-size: 12px; }
.leaflet-control-layers, .leaflet-tooltip, .leaflet-popup-content { font-size: 12px; color: #18375F; }
.leaflet-control-attribution, .leaflet-control-scale-line { font-size: 10px; }
.pm-box { background: rgba(255,255,255,0.94); padding: 8px 10px; border-radius: 2px;
  box-shadow: 0 1px 4px rgba(0,0,0,0.25); color: #18375F; font-size: 12px; line-height: 1.35; }
.pm-title { font-size: 16px; font-weight: 700; color: #0072BC; margin: 0; }
.pm-sub { font-size: 12px; color: #333333; }
.pm-note { font-size: 11px; color: #EF4A60; font-weight: 700; }
.pm-legend { max-height: 60vh; overflow-y: auto; min-width: 150px; }
.pm-layer { font-weight: 700; margin: 6px 0 3px; }
.pm-layer:first-child { margin-top: 0; }
.pm-row { display: flex; align-items: center; margin: 2px 0; color: #333333; }
.pm-sw { flex: none; display: inline-block; margin-right: 6px; box-sizing: border-box; }
.pm-disclaimer { max-width: 260px; font-size: 9px; color: #666666; margin-top: 6px; }
.pm-tip table, .pm-popup table { border-collapse: collapse; }
.pm-tip th, .pm-popup th { text-align: left; font-weight: 400; color: #666666; padding: 1px 8px 1px 0; }
.pm-tip td, .pm-popup td { text-align: right; font-weight: 700; color: #18375F; padding: 1px 0; }
.pm-h { font-weight: 700; color: #0072BC; font-size: 13px; margin-bottom: 2px; }
"""

DISCLAIMER = ("The boundaries and names shown and the designations used on this map do not imply "
              "official endorsement or acceptance by the United Nations.")


def _swatch(kind: str, fill: str, stroke: str, size_px: float = 12.0) -> str:
    if kind == "line":
        return (f'<span class="pm-sw" style="width:18px;height:0;border-top:3px solid {fill}"></span>')
    radius = "50%" if kind in ("point", "proportional") else "0"
    return (f'<span class="pm-sw" style="width:{size_px:.1f}px;height:{size_px:.1f}px;background:{fill};'
            f'border:1px solid {stroke};border-radius:{radius}"></span>')


def layer_legend(name: str, web: WebStyle, threshold: int | None) -> str:
    """One layer's legend entries: heading, then a swatch and label per class."""
    sym = web.symbolization
    stroke = sym.symbol.stroke if sym.symbol.stroke_width > 0 else sym.classes[0].fill
    parts = [f'<div class="pm-layer">{html.escape(name)}</div>']
    if web.kind == "proportional":
        for value in sym.legend_values:
            diameter = px(sym.max_size * (value / sym.max_value) ** 0.5) if sym.max_value else 0
            parts.append(f'<div class="pm-row">{_swatch("proportional", sym.classes[0].fill, stroke, diameter)}'
                         f'{html.escape(legend_value_label(value, threshold))}</div>')
        return "".join(parts)
    if len(sym.classes) == 1 and not sym.classes[0].nodata:
        return (f'<div class="pm-row">{_swatch(web.kind, sym.classes[0].fill, stroke)}'
                f'<b>{html.escape(name)}</b></div>')
    for cls in sym.classes:
        parts.append(f'<div class="pm-row">{_swatch(web.kind, cls.fill, stroke)}{html.escape(cls.label)}</div>')
    return "".join(parts)


def legend_html(entries: list[str]) -> str:
    return f'<div class="pm-box pm-legend">{"".join(entries)}<div class="pm-disclaimer">{html.escape(DISCLAIMER)}</div></div>'


def title_html(title: str, subtitle: str = "", note: str = "") -> str:
    parts = [f'<div class="pm-title">{html.escape(title)}</div>'] if title else []
    if subtitle:
        parts.append(f'<div class="pm-sub">{html.escape(subtitle)}</div>')
    if note:
        parts.append(f'<div class="pm-note">{html.escape(note)}</div>')
    return f'<div class="pm-box">{"".join(parts)}</div>' if parts else ""
