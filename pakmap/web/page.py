"""The web map as a page on every screen: language, zoom by pinch, keyboard focus, phone layout.

folium writes ``<html>`` without a language and a viewport that forbids pinch-zoom
(``user-scalable=no``); screen readers then guess the language and low-vision readers on a phone
cannot enlarge the legend. ``finish_page`` fixes both in the written document. On a phone
(``PHONE``) the layer control and the legend start collapsed and the boxes are narrowed so that
title, layer control, legend, attribution and scale bar never overlap; on a touch screen
(``pmTouchOnly``) features get a popup and no tooltip, so one tap opens one box.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from ..atomic import atomic_path

PHONE = "(max-width: 600px)"
LANG = "en"
VIEWPORT = "width=device-width, initial-scale=1.0"

# Globals the layers' and controls' scripts read (header scripts run before the body's). The screen
# width is asked when a control is made: in the header a phone may not have applied the viewport yet.
PAGE_JS = f"""var pmTouchOnly = window.matchMedia('(hover: none)').matches;
function pmSmallScreen() {{ return window.matchMedia('{PHONE}').matches; }}"""

FOCUS = "#0072BC"  # UNHCR blue: 4.9:1 against white, visible round the white control boxes
HATCH = "#A6A6A6"  # the lines of the "no data" hatch

CSS = f"""
.leaflet-control a:focus-visible, .leaflet-control input:focus-visible, .leaflet-control summary:focus-visible,
.leaflet-control-layers-toggle:focus-visible {{ outline: 3px solid {FOCUS}; outline-offset: 2px; }}
.leaflet-container:focus-visible {{ outline: 3px solid {FOCUS}; outline-offset: -3px; }}
@media {PHONE} {{
  .pm-title {{ font-size: 14px; }}
  .pm-sub, .pm-note {{ font-size: 11px; }}
  .pm-box {{ padding: 6px 8px; }}
  .pm-heading {{ max-width: calc(100vw - 90px); }}
  .pm-legend {{ max-width: calc(100vw - 140px); max-height: 45vh; }}
  .pm-disclaimer {{ max-width: none; }}
  .leaflet-control-attribution {{ max-width: calc(100vw - 130px); white-space: normal; line-height: 1.3; }}
  .pm-search input {{ width: 150px; }}
}}
"""


def finish_page(document: str) -> str:
    """``document`` (folium's page) with its language declared and pinch-zoom allowed."""
    document, n_html = re.subn(r"<html>", f'<html lang="{LANG}">', document, count=1)
    document, n_view = re.subn(
        r'<meta name="viewport" content="[^"]*"', f'<meta name="viewport" content="{VIEWPORT}"', document, count=1
    )
    if not (n_html and n_view):  # folium's page changed shape: fail loudly rather than ship it
        raise RuntimeError("the web map page has no <html> or viewport tag to complete")
    return document


def write_page(text: str, out_path: str | os.PathLike) -> Path:
    """Write a finished page to ``out_path`` atomically (temp file + rename); returns the path."""
    out_path = Path(out_path)
    with atomic_path(out_path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return out_path


def nodata_pattern_id(color: str) -> str:
    return "pm-nodata-" + color.lstrip("#").upper()


def nodata_patterns(colors: set[str]) -> str:
    """Hidden SVG definitions of the "no data" hatch of each colour: grey diagonal lines on the
    colour, told apart from the lightest class by texture, not by a shade of grey (the UNHCR style
    allows a neutral grey or hatching; a light grey beside a light blue class is 1.06:1)."""
    patterns = "".join(
        f'<pattern id="{nodata_pattern_id(c)}" patternUnits="userSpaceOnUse" width="6" height="6" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="{c}"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{HATCH}" stroke-width="1.2"/></pattern>'
        for c in sorted(colors)  # hex colours checked by pakmap.web.styles.css_color
    )
    return f'<svg width="0" height="0" style="position:absolute" aria-hidden="true"><defs>{patterns}</defs></svg>'


def nodata_swatch_css(color: str) -> str:
    """The legend swatch of the same hatch."""
    return f"background:repeating-linear-gradient(45deg,{color} 0 3.5px,{HATCH} 3.5px 5px)"
