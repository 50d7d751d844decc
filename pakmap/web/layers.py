"""A folium layer of styled features, written as compactly as the data allows.

folium's ``GeoJson`` writes its data with spaces after every comma and colon, one ``case`` per
feature in its style switch, and a tooltip template per layer; for 150 districts that is a good part
of the file. This layer writes its features in the compact form of ``pakmap.web.encoding`` (decoded
in the browser), each distinct style once (features point to it by index), and one small function
that binds the tooltip and popup built by ``pakmap.web.content``. It is a ``folium.map.Layer``, so the layer control, ``fit_bounds`` and the
rest of folium work with it as with any other layer.
"""

from __future__ import annotations

from typing import Any

import folium
from folium.template import Template

from .elements import DataOnlyMacro, Verbatim, page_of, script_json
from .encoding import DECODE_JS
from .markers import symbol_sheet

# Hover feedback: a navy outline (UNHCR navy), like the selection outline of the desktop app.
HIGHLIGHT = {"weight": 2.5, "color": "#18375F", "opacity": 1}


class FeatureLayer(folium.map.Layer, DataOnlyMacro):
    """Features with one Leaflet style each (by index into ``styles``), a tooltip and a popup.

    A style with a ``casing`` (a dotted line) also draws a band of those options under the line. A
    style with an ``icon`` draws its points as that ``divIcon`` (a marker of
    ``pakmap.web.markers``; ``symbols`` are the ``<symbol>`` definitions it uses), any other as
    Leaflet path options (polygons, lines, proportional circles). Each layer draws into its own
    ``pane``, so layers stack in project order (``pakmap.web.webmap``).
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }}_styles = {{ this.styles_json }};
        var {{ this.get_name() }}_icons = {{ this.get_name() }}_styles.map(function(s) {
            return s.icon ? L.divIcon(s.icon) : null; });
        var {{ this.get_name() }} = L.geoJson(null, {
            style: function(f) { return {{ this.get_name() }}_styles[f.properties.s]; },
            pointToLayer: function(f, latlng) {
                var s = {{ this.get_name() }}_styles[f.properties.s];
                if (s.icon) {
                    // Not in the tab order: the search is the keyboard's way to a feature (pakmap.web.controls).
                    return L.marker(latlng, {icon: {{ this.get_name() }}_icons[f.properties.s], pane: s.pane, keyboard: false});
                }
                return L.circleMarker(latlng, s);
            },
            onEachFeature: function(f, layer) {
                ({{ this.bind_js }})(f, layer);
                // Chromium puts an SVG path with focus listeners (the tooltip's) in the tab order; the
                // search is the keyboard's way to a feature, the Tab key goes to the controls.
                layer.on('add', function() { var el = layer.getElement && layer.getElement();
                    if (el && el.setAttribute) el.setAttribute('tabindex', '-1'); });
                if (layer.setStyle) {  // paths; markers are highlighted by CSS (.pm-marker:hover)
                    layer.on({
                        mouseover: function(e) { e.target.setStyle({{ this.highlight_json }}); },
                        mouseout: function(e) { {{ this.get_name() }}.resetStyle(e.target); }
                    });
                }
            }
        });
        {{ this.get_name() }}.addData(pmDecode({{ this.data_json }}));
        {{ this.get_name() }}.eachLayer(function(l) {  // a dotted line's band, under it and toggled with it
            var s = l.feature && {{ this.get_name() }}_styles[l.feature.properties.s];
            if (s && s.casing) {
                var band = L.polyline(l.getLatLngs(), Object.assign({}, s.casing, {pane: s.pane, interactive: false}));
                band.on('add', function() { band.bringToBack(); });
                {{ this.get_name() }}.addLayer(band);
            }
        });
        {% endmacro %}
        """)

    def __init__(
        self,
        payload: dict,
        styles: list[dict],
        bind_js: str,
        name: str,
        bounds: list[list[float | None]],
        show: bool = True,
        pane: str | None = None,
        symbols: tuple = (),
    ) -> None:
        super().__init__(name=name, overlay=True, control=True, show=show)
        self._name = "FeatureLayer"
        if pane:
            styles = [{**s, "pane": pane} for s in styles]
        self.styles_json = script_json(styles)
        self.data_json = script_json(payload)  # see pakmap.web.encoding
        self.highlight_json = script_json(HIGHLIGHT)
        self.bind_js = bind_js
        self.feature_count = len(payload["s"])
        self.symbols = tuple(symbols)
        self.search_column: int | None = None  # set when the map's search finds features of this layer
        self._bounds = bounds

    def _get_self_bounds(self) -> list[list[float | None]]:
        return self._bounds

    def render(self, **kwargs: Any):
        root = page_of(self)
        # The decoder once per page, before the layers' scripts (header scripts run first).
        root.header.add_child(Verbatim(f"<script>{DECODE_JS}</script>"), name="pakmap_decode")
        # Each marker definition once per page, whichever layers use it (the name is its id).
        for symbol in self.symbols:
            root.html.add_child(Verbatim(symbol_sheet([symbol])), name=f"pakmap_symbol_{symbol.symbol_id}")
        super().render(**kwargs)


class HtmlControl(DataOnlyMacro):
    """A box of HTML (title, legend) as a Leaflet control in a corner of the map."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function() {
            var control = L.control({position: {{ this.position_json }}});
            control.onAdd = function() {
                var div = L.DomUtil.create('div', 'pm-control');
                div.innerHTML = {{ this.html_json }};
                L.DomEvent.disableScrollPropagation(div);
                L.DomEvent.disableClickPropagation(div);
                return div;
            };
            control.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
        """)

    def __init__(self, html: str, position: str) -> None:
        super().__init__()
        self._name = "HtmlControl"
        self.html_json = script_json(html)  # html is built from escaped parts (pakmap.web.legend)
        self.position_json = script_json(position)


class MapControls(DataOnlyMacro):
    """Zoom buttons, a metric scale bar and the sources in the attribution line."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        L.control.zoom({position: 'topleft'}).addTo({{ this._parent.get_name() }});
        L.control.scale({imperial: false, position: 'bottomleft'}).addTo({{ this._parent.get_name() }});
        {%- if this.sources_json %}
        {{ this._parent.get_name() }}.attributionControl.addAttribution({{ this.sources_json }});
        {%- endif %}
        {% endmacro %}
        """)

    def __init__(self, sources_html: str = "") -> None:
        super().__init__()
        self._name = "MapControls"
        self.sources_json = script_json(sources_html) if sources_html else ""
