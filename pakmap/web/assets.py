"""Leaflet's JavaScript and CSS, and the Lato font, inlined from installed packages instead of CDNs.

folium links Leaflet (and jQuery, Bootstrap, Font Awesome…) from CDNs, so its maps show nothing on
a field office laptop without internet. pakmap's web maps need Leaflet alone; its files come from the
``xstatic-leaflet`` package (the same Leaflet version folium is written for) and are written into the
HTML, with the CSS's images as ``data:`` URIs, so opening the file makes no network request at all.

UNHCR maps are set in Lato, and the web map should read like the print map; the font comes from the
``font-lato`` package, cut down (fontTools) to the Latin letters, digits and punctuation maps use and
written as WOFF ``data:`` URIs: about 65 kB for regular and bold. A map with Urdu or Pashto text
inlines Noto Naskh Arabic cut down to the Arabic-script characters the map shows (with every glyph
their joined forms need: about 100 kB for a map's names); without the font on the system, Urdu falls
back to the reader's fonts. Other scripts fall back, glyph by glyph, to the reader's system fonts.
"""

from __future__ import annotations

import base64
import functools
import io
import re
from pathlib import Path

import folium

from ..errors import ExportError
from ..fonts import ARABIC_SCRIPT, URDU_FAMILY, urdu_file
from .elements import Verbatim, page_of

# The CDN links folium adds to every map, by the names folium gives them; all replaced or dropped.
_LEAFLET_JS = "leaflet"
_LEAFLET_CSS = "leaflet_css"


def _leaflet_dir() -> Path:
    try:
        import xstatic.pkg.leaflet as xleaflet
    except ImportError:
        raise ExportError(
            "Leaflet is not installed, so an offline web map cannot be written", fix="pip install xstatic-leaflet"
        ) from None
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


# Basic Latin, Latin-1, Latin Extended-A (Pakistani names in English spelling), typographic
# punctuation: dashes of ranges, quotes, bullet, ellipsis, middle dot, multiplication and minus signs.
_LATO_UNICODES = (
    list(range(0x20, 0x7F))
    + list(range(0xA0, 0x180))
    + [0x2013, 0x2014, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2026, 0x2212]
)
_LATO_WEIGHTS = {400: "Lato", 700: "LatoBold"}  # weight -> font_lato.font_files key


@functools.lru_cache(maxsize=None)
def lato_css() -> str:
    """``@font-face`` rules for Lato regular and bold as subset WOFF data URIs ("" without fontTools)."""
    try:
        import font_lato
        from fontTools import subset
        from fontTools.ttLib import TTFont
    except ImportError:  # the map still works, in the fallback fonts of the CSS
        return ""
    rules = []
    for weight, key in _LATO_WEIGHTS.items():
        font = TTFont(font_lato.font_files[key])
        subsetter = subset.Subsetter(subset.Options())
        subsetter.populate(unicodes=_LATO_UNICODES)
        subsetter.subset(font)
        font.flavor = "woff"  # zlib-compressed tables (WOFF2 would need brotli)
        buffer = io.BytesIO()
        font.save(buffer)
        encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
        rules.append(
            f"@font-face{{font-family:Lato;font-style:normal;font-weight:{weight};"
            f"src:url(data:font/woff;base64,{encoded}) format('woff');}}"
        )
    return "".join(rules)


def urdu_css(text: str) -> str:
    """An ``@font-face`` rule for Noto Naskh Arabic cut down to the Arabic-script characters of
    ``text`` ("" when it has none, or the system has no Noto Naskh Arabic or fontTools)."""
    chars = "".join(sorted(set(ARABIC_SCRIPT.findall(text))))
    return _urdu_css(chars) if chars else ""


@functools.lru_cache(maxsize=8)
def _urdu_css(chars: str) -> str:
    path = urdu_file()
    try:
        from fontTools import subset
        from fontTools.ttLib import TTFont
    except ImportError:
        return ""
    if path is None:
        return ""
    font = TTFont(path)
    options = subset.Options()
    options.layout_features = ["*"]  # contextual forms, ligatures and marks
    subsetter = subset.Subsetter(options)
    # The characters, the space and the marks every Urdu text may carry (zer, zabar, pesh, hamza).
    subsetter.populate(unicodes=sorted({ord(c) for c in chars} | {0x20, 0x64B, 0x64E, 0x64F, 0x650, 0x654}))
    subsetter.subset(font)
    font.flavor = "woff"
    buffer = io.BytesIO()
    font.save(buffer)
    encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
    return (
        f"@font-face{{font-family:'{URDU_FAMILY}';font-style:normal;font-weight:400;"
        f"src:url(data:font/woff;base64,{encoded}) format('woff');}}"
    )


def make_offline(m: folium.Map) -> None:
    """Drop every CDN link folium would add to ``m`` and inline Leaflet instead."""
    m.default_js = []  # instance attributes shadow folium's class-level CDN lists
    m.default_css = []
    header = page_of(m).header
    header.add_child(Verbatim(f"<style>{leaflet_css()}</style>"), name=_LEAFLET_CSS)
    header.add_child(Verbatim(f"<script>{leaflet_js()}</script>"), name=_LEAFLET_JS)
    header.add_child(Verbatim(f"<style>{lato_css()}</style>"), name="pakmap_fonts")
