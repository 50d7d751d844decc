"""The web map's interactive controls beyond Leaflet's own: a place search and a layer control that
keeps the legend in step.

The search is the keyboard's way to a feature: the features themselves are not in the tab order
(a district map would otherwise take hundreds of Tab presses to reach the controls), so a reader
types a name, picks it from the list the browser offers, and the map zooms to it and opens its popup.
It finds features by text the map already publishes (their label, else their first text popup
field: ``pakmap.web.content``), never by a field the officer did not choose to show.
"""

from __future__ import annotations

import folium
from folium.template import Template

from .elements import DataOnlyMacro

# Above this many features a layer is left out of the search: its names would weigh more than the map.
MAX_SEARCH_FEATURES = 5_000


class LayerControl(folium.LayerControl, DataOnlyMacro):
    """folium's layer control (names are escaped HTML, data only), collapsed on a small screen,
    showing and hiding each layer's legend block with the layer. Added last, it also folds the
    legend on a small screen."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }}_options = {{ this.options|tojavascript }};
        {{ this.get_name() }}_options.collapsed = pmSmallScreen();
        var {{ this.get_name() }} = L.control.layers(
            { {%- for key, val in this.base_layers.items() %}{{ key|tojson }}: {{ val }},{%- endfor %} },
            { {%- for key, val in this.overlays.items() %}{{ key|tojson }}: {{ val }},{%- endfor %} },
            {{ this.get_name() }}_options
        ).addTo({{ this._parent.get_name() }});
        (function(map) {
            var keys = new Map([ {%- for key, val in this.overlays.items() %}[{{ val }}, {{ val|tojson }}],{%- endfor %} ]);
            function sync(layer, shown) {
                var key = keys.get(layer);
                if (key === undefined) return;
                document.querySelectorAll('.pm-entry[data-layer="' + key + '"]').forEach(function(e) { e.hidden = !shown; });
            }
            keys.forEach(function(key, layer) { sync(layer, map.hasLayer(layer)); });
            if (pmSmallScreen()) {  // the legend starts folded on a small screen: the map first
                document.querySelectorAll('details.pm-legend').forEach(function(d) { d.open = false; });
            }
            map.on('overlayadd', function(e) { sync(e.layer, true); });
            map.on('overlayremove', function(e) { sync(e.layer, false); });
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """)

    def __init__(self, position: str = "topright") -> None:
        super().__init__(position=position, collapsed=False)


class SearchControl(DataOnlyMacro):
    """A "Find a place" box under the zoom buttons: the names of the searchable features as the
    input's suggestion list; choosing one zooms to it and opens its popup."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function(map, sources) {
            var entries = [], text = function(html) {
                return new DOMParser().parseFromString(html, 'text/html').body.textContent.trim(); };
            sources.forEach(function(s) {
                s.layer.eachLayer(function(l) {
                    var p = l.feature && l.feature.properties;
                    if (!p) return;
                    var name = text(s.column < 0 ? (p.h || '') : ((p.r || [])[s.column] || ''));
                    if (name && name !== 'No data') entries.push({name: name, layer: l, group: s.layer});
                });
            });
            if (!entries.length) return;
            var control = L.control({position: 'topleft'});
            control.onAdd = function() {
                var div = L.DomUtil.create('div', 'pm-control pm-search leaflet-bar');
                var input = L.DomUtil.create('input', '', div), list = L.DomUtil.create('datalist', '', div);
                var status = L.DomUtil.create('div', 'pm-search-status', div);
                list.id = 'pm-search-names';
                input.type = 'search'; input.placeholder = 'Find a place'; input.setAttribute('list', list.id);
                input.setAttribute('aria-label', 'Find a place on the map');
                status.setAttribute('role', 'status');
                Array.from(new Set(entries.map(function(e) { return e.name; }))).sort().forEach(function(n) {
                    var o = document.createElement('option'); o.textContent = n; list.appendChild(o); });
                function go() {
                    var q = input.value.trim().toLowerCase();
                    if (!q) { status.textContent = ''; return; }
                    var hit = entries.find(function(e) { return e.name.toLowerCase() === q; }) ||
                              entries.find(function(e) { return e.name.toLowerCase().indexOf(q) === 0; });
                    if (!hit) { status.textContent = 'No place named “' + input.value.trim() + '”'; return; }
                    status.textContent = '';
                    if (!map.hasLayer(hit.group)) map.addLayer(hit.group);
                    if (hit.layer.getBounds) map.fitBounds(hit.layer.getBounds(), {maxZoom: {{ this.max_zoom }}, animate: false});
                    else map.setView(hit.layer.getLatLng(), Math.max(map.getZoom(), {{ this.point_zoom }}), {animate: false});
                    hit.layer.openPopup(hit.layer.getBounds ? hit.layer.getBounds().getCenter() : undefined);
                }
                input.addEventListener('change', go);
                input.addEventListener('keydown', function(e) { if (e.key === 'Enter') go(); });
                L.DomEvent.disableClickPropagation(div);
                L.DomEvent.disableScrollPropagation(div);
                return div;
            };
            control.addTo(map);
        })({{ this._parent.get_name() }}, [
            {%- for name, column in this.sources %}{layer: {{ name }}, column: {{ column }}},{%- endfor %}
        ]);
        {% endmacro %}
        """)

    def __init__(self, sources: list[tuple[str, int]], max_zoom: int, point_zoom: int = 10) -> None:
        """``sources``: the JavaScript name of each searchable layer and its search column."""
        super().__init__()
        self._name = "SearchControl"
        self.sources = [(name, int(column)) for name, column in sources]
        self.max_zoom = int(max_zoom)
        self.point_zoom = int(point_zoom)


SEARCH_CSS = """
.pm-search { background: #FFFFFF; padding: 4px; }
.pm-search input { width: 180px; font: inherit; color: #18375F; padding: 4px 6px; border: 1px solid #999999;
  border-radius: 2px; box-sizing: border-box; }
.pm-search-status:empty { display: none; }
.pm-search-status { font-size: 11px; color: #EF4A60; padding: 3px 2px 0; max-width: 180px; }
"""
