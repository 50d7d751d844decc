"""Leaflet's JavaScript and CSS, inlined from an installed package instead of fetched from a CDN.

folium links Leaflet (and jQuery, Bootstrap, Font Awesome…) from CDNs, so its maps show nothing on
a field office laptop without internet. pakmap's web maps need Leaflet alone; its files come from the
``xstatic-leaflet`` package (the same Leaflet version folium is written for) and are written into the
HTML, with the CSS's images as ``data:`` URIs, so opening the file makes no network request at all.
"""

from __future__ import annotations

import base64
import functools
import re
from pathlib import Path

import folium
from branca.element import Element

from ..errors import ExportError

# The CDN links folium adds to every map, by the names folium gives them; all replaced or dropped.
_LEAFLET_JS = "leaflet"
_LEAFLET_CSS = "leaflet_css"


def _leaflet_dir() -> Path:
    try:
        import xstatic.pkg.leaflet as xleaflet
    except ImportError:
        raise ExportError("Leaflet is not installed, so an offline web map cannot be written",
                          fix="pip install xstatic-leaflet") from None
    return Path(xleaflet.BASE_DIR)


@functools.lru_cache(maxsize=None)
def leaflet_js() -> str:
    """leaflet.js without its source-map comment (devtools would fetch the map file)."""
    text = (_leaflet_dir() / "leaflet.js").read_text(encoding="utf-8")
    text = re.sub(r"//# sourceMappingURL=\S+\s*$", "", text)
    if "</script" in text.lower():  # would end the inline <script> early
        raise ExportError("the installed leaflet.js cannot be inlined", fix="reinstall xstatic-leaflet")
    return text


@functools.lru_cache(maxsize=None)
def leaflet_css() -> str:
    """leaflet.css with ``url(images/…)`` replaced by ``data:`` URIs."""
    folder = _leaflet_dir()
    text = (folder / "leaflet.css").read_text(encoding="utf-8")

    def inline(match: re.Match) -> str:
        image = folder / match.group(1)
        encoded = base64.b64encode(image.read_bytes()).decode("ascii")
        return f"url(data:image/png;base64,{encoded})"

    return re.sub(r"url\((images/[\w.-]+\.png)\)", inline, text)


def make_offline(m: folium.Map) -> None:
    """Drop every CDN link folium would add to ``m`` and inline Leaflet instead."""
    m.default_js = []  # instance attributes shadow folium's class-level CDN lists
    m.default_css = []
    header = m.get_root().header
    header.add_child(Element(f"<style>{leaflet_css()}</style>"), name=_LEAFLET_CSS)
    header.add_child(Element(f"<script>{leaflet_js()}</script>"), name=_LEAFLET_JS)
