"""Point markers on the web map: the print map's markers as SVG symbols, defined once, used by every point.

The marker shapes (refugee village, camp, capital…) are data in ``styles/symbols/markers.toml``;
``pakmap.render.symbols`` turns each part into the path elements the print renderer tiles over the
points. The web map writes those same path elements as SVG path data, so there is one marker geometry
for paper and screen. Each distinct look (marker, class colour, outline, size) becomes one
``<symbol>`` in a hidden ``<svg>`` of the page; every point of that class is a Leaflet ``divIcon``
holding ``<svg><use href="#…"/></svg>``, written once in the file and built per point in the
browser — so a layer of thousands of villages costs its coordinates, not thousands of SVG copies.
The legend draws its swatch from the same markup.

As on paper: a part with role "body" is filled with the class colour and outlined with the stroke
(round joins); a "glyph" part (the white house or tent) is filled with the stroke colour. Sizes are
millimetres on the page, shown as CSS pixels at 96 dpi (the print size on a 96-dpi screen).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np

from ..render.paths import CURVE_TO, LINE_TO, MOVE_TO
from ..render.symbols import MarkerPart, marker

# Class of every marker icon (pakmap.web.legend's CSS): no Leaflet div-icon box, a navy halo on hover.
ICON_CLASS = "pm-marker"


def _num(value: float) -> str:
    """A unit-box coordinate in few characters: 4 decimals are far below a screen pixel."""
    return format(round(float(value), 4) + 0.0, "g")  # + 0.0: no "-0"


def svg_path_data(part: MarkerPart) -> str:
    """The SVG path data (``d``) of a marker part, from the path elements print draws.

    Qt's elements are move-to, line-to, and cubic curves as a curve-to (first control point)
    followed by two curve-data elements (second control point, end point). A subpath that ends where
    it began is closed (``Z``), so its outline gets a join there instead of two line caps.
    """
    types, xy = part.types, part.xy
    out: list[str] = []
    start = None

    def close_if_back_at_start(end) -> None:
        if start is not None and np.allclose(end, start, atol=1e-9):
            out.append("Z")

    i = 0
    while i < len(types):
        kind = int(types[i])
        if kind == MOVE_TO:
            if i:
                close_if_back_at_start(xy[i - 1])
            start = xy[i]
            out.append(f"M{_num(xy[i, 0])} {_num(xy[i, 1])}")
            i += 1
        elif kind == LINE_TO:
            out.append(f"L{_num(xy[i, 0])} {_num(xy[i, 1])}")
            i += 1
        elif kind == CURVE_TO:
            points = " ".join(f"{_num(x)} {_num(y)}" for x, y in xy[i : i + 3])
            out.append(f"C{points}")
            i += 3
        else:  # curve data outside a curve: never produced by Qt's shape builders
            raise ValueError(f"unexpected path element type {kind} in a marker")
    if len(types):
        close_if_back_at_start(xy[-1])
    return "".join(out)


@dataclass(frozen=True)
class MarkerSymbol:
    """One look of a marker: its shape, colours (checked hex, or None for none) and sizes in CSS px."""

    marker: str  # a name from styles/symbols/markers.toml
    fill: str | None
    stroke: str | None
    stroke_px: float  # outline width; 0: no outline
    size_px: float  # width of the marker's unit box (the style's size)
    opacity: float = 1.0  # the whole marker
    fill_opacity: float = 1.0  # the body's fill besides: its outline and pictogram stay crisp

    @property
    def outline_px(self) -> float:
        return self.stroke_px if self.stroke and self.stroke_px > 0 and self.size_px > 0 else 0.0

    @property
    def box_px(self) -> float:
        """The icon's width and height: the marker plus the half outline that lies outside it."""
        return round(self.size_px + self.outline_px, 2)

    @property
    def view_box(self) -> str:
        # The unit box (-1…1) grown by half the outline, in unit-box units (1 unit = size_px / 2).
        pad = self.outline_px / self.size_px if self.size_px > 0 else 0.0
        return f"{_num(-1 - pad)} {_num(-1 - pad)} {_num(2 + 2 * pad)} {_num(2 + 2 * pad)}"

    def paths(self) -> str:
        """The marker's parts as SVG paths, drawn in order as the print renderer does."""
        opacity = f"{self.opacity:g}"
        out = []
        for part in marker(self.marker):
            d = svg_path_data(part)
            if part.role == "body":
                body = f"{self.opacity * self.fill_opacity:g}"
                fill = f'fill="{self.fill}" fill-opacity="{body}"' if self.fill else 'fill="none"'
                outline = ""
                if self.outline_px:
                    width = _num(self.outline_px / (self.size_px / 2))
                    outline = (
                        f' stroke="{self.stroke}" stroke-opacity="{opacity}" stroke-width="{width}"'
                        f' stroke-linejoin="round"'
                    )
                out.append(f'<path d="{d}" {fill}{outline}/>')
            elif self.stroke:  # the pictogram, in the outline colour; none without one (as on paper)
                out.append(f'<path d="{d}" fill="{self.stroke}" fill-opacity="{opacity}"/>')
        return "".join(out)

    @property
    def symbol_id(self) -> str:
        """The same look gets the same id, so two layers of one look share one definition."""
        key = f"{self.view_box}|{self.paths()}".encode()
        return "pm-m-" + hashlib.sha1(key).hexdigest()[:10]

    def symbol_def(self) -> str:
        """The ``<symbol>`` the icons of this look refer to."""
        return f'<symbol id="{self.symbol_id}" viewBox="{self.view_box}">{self.paths()}</symbol>'

    def icon_options(self) -> dict:
        """Leaflet ``divIcon`` options: centred on the point, popups opening above the marker."""
        box = self.box_px
        return {
            "className": ICON_CLASS,
            "iconSize": [box, box],
            "iconAnchor": [box / 2, box / 2],
            "popupAnchor": [0, -box / 2],
            "tooltipAnchor": [box / 2, 0],
            "html": f'<svg width="{box:g}" height="{box:g}"><use href="#{self.symbol_id}"/></svg>',
        }

    def inline_svg(self, css_class: str = "") -> str:
        """The marker as a standalone ``<svg>`` (the legend's swatch: no reference to resolve)."""
        box = self.box_px
        cls = f' class="{css_class}"' if css_class else ""
        return f'<svg{cls} width="{box:g}" height="{box:g}" viewBox="{self.view_box}">{self.paths()}</svg>'


def symbol_sheet(symbols) -> str:
    """A hidden ``<svg>`` holding the ``<symbol>`` definitions (zero-sized, not ``display:none``,
    which stops some browsers from drawing what ``<use>`` refers to)."""
    defs = "".join(dict.fromkeys(s.symbol_def() for s in symbols))
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" aria-hidden="true" '
        f'style="position:absolute;width:0;height:0;overflow:hidden">{defs}</svg>'
    )
