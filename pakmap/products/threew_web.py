"""The 3W web map: partners per unit with a sector filter, one self-contained offline HTML file.

It is an ordinary pakmap web map (``pakmap.web.webmap.build_webmap``: the same styles, legend,
popups, search and offline Leaflet) of a project with one layer per view: "All sectors" and one per
sector, each holding only the units where partners work, over every unit in grey (a unit without
partners in the chosen view reads "no partner reported"). A "Sector" list above the map shows one
view at a time; the views share one scale of classes, so the single legend reads for all of them.
"""

from __future__ import annotations

import dataclasses
from dataclasses import replace
from pathlib import Path

from folium.template import Template

from ..atomic import write_text_atomic
from ..layer import Layer, VectorLayer
from ..project.loaded import LoadedProject
from ..project.model import ExtentSpec, LayerSpec, Project
from ..style import SingleSymbolStyle, Symbol
from ..web.elements import DataOnlyMacro, Verbatim, page_of, script_json
from ..web.layers import FeatureLayer
from ..web.page import finish_page
from ..web.webmap import build_webmap
from .activities import BENEFICIARIES, PARTNER_LIST, PARTNERS, ThreeW
from .sector_panels import NO_PARTNER, partner_style

ALL_SECTORS = "All sectors"
FILTER_CSS = (
    ".pm-sector-filter{background:#fff;padding:6px 8px;border-radius:4px;font:13px Lato,Arial,sans-serif;"
    "box-shadow:0 1px 4px rgba(0,0,0,.3)}.pm-sector-filter label{font-weight:bold;color:#0072BC;margin-right:6px}"
    ".pm-sector-filter select{font:inherit;max-width:14em}"
    # The sector list replaces the layer control's entries: an empty layer control is not shown.
    ".leaflet-control-layers:not(:has(input)){display:none}"
)


class SectorFilter(DataOnlyMacro):
    """A "Sector" drop-down list: choosing an entry shows its layer and hides the others."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function(map) {
            var views = {{ this.views_js }};
            function show(k) {
                views.forEach(function(v, i) {
                    if (i === k) { if (!map.hasLayer(v[1])) map.addLayer(v[1]); }
                    else if (map.hasLayer(v[1])) { map.removeLayer(v[1]); }
                });
            }
            var control = L.control({position: 'topleft'});
            control.onAdd = function() {
                var div = L.DomUtil.create('div', 'pm-sector-filter');
                var label = document.createElement('label');
                label.textContent = 'Sector';
                label.htmlFor = 'pm-sector';
                var select = document.createElement('select');
                select.id = 'pm-sector';
                views.forEach(function(v, i) {
                    var option = document.createElement('option');
                    option.value = String(i);
                    option.textContent = v[0];
                    select.appendChild(option);
                });
                select.addEventListener('change', function() { show(Number(select.value)); });
                div.appendChild(label);
                div.appendChild(select);
                L.DomEvent.disableClickPropagation(div);
                L.DomEvent.disableScrollPropagation(div);
                return div;
            };
            control.addTo(map);
            show(0);
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """)

    def __init__(self, views: list[tuple[str, str]]) -> None:
        """``views``: (label, JavaScript name of its layer); the first is shown first."""
        super().__init__()
        self._name = "SectorFilter"
        # Labels are data (escaped JSON); the layer names are the identifiers folium generated.
        self.views_js = "[" + ",".join(f"[{script_json(label)},{name}]" for label, name in views) + "]"


def _reader_names(result: ThreeW, unit_word: str) -> dict[str, str]:
    """Field -> the heading a reader sees in the popups ("WASH: partners", "People reached")."""
    names = {
        result.keep[0]: unit_word.capitalize(),
        BENEFICIARIES: "People reached",
        PARTNER_LIST: "Partner organisations",
    }
    names.update({result.sector_field(s): f"{s.label}: partners" for s in result.sectors})
    return names


def web_project(
    safe: LoadedProject, layer_name: str, result: ThreeW, unit_word: str = "district"
) -> tuple[LoadedProject, list[str]]:
    """The web map's project (every unit in grey, "All sectors", one layer per sector
    with partners on the map) and the label of each view, in layer order after the grey layer."""
    units = safe.layer(layer_name)
    assert isinstance(units, VectorLayer)
    names = _reader_names(result, unit_word)
    data = units.data.rename(columns=names)
    kinds = {names.get(f, f): kind for f, kind in units.declared_kinds.items()}
    largest = int(result.units[PARTNERS].max())
    name_fields = [names[result.keep[0]]]
    reached = [names[BENEFICIARIES]] if BENEFICIARIES in units.data.columns else []
    # Every unit, grey, under the views: a view shows only its units, the others read "no partner".
    empty = VectorLayer(NO_PARTNER, data, units.source)
    empty.style = SingleSymbolStyle(Symbol(fill="#E6E6E6", stroke="#FFFFFF", stroke_width=0.3))
    empty.declared_kinds = kinds
    # The place search finds its units in this layer: their popup tells the whole story.
    summary = name_fields + [PARTNERS] + reached + [names[PARTNER_LIST]]
    layers: list[Layer] = [empty]
    specs = [LayerSpec(empty.name, style=empty.style, popup_fields=summary)]
    labels = []
    views = [(ALL_SECTORS, PARTNERS)] + [(s.label, names[result.sector_field(s)]) for s in result.sectors]
    for i, (label, field) in enumerate(views):
        rows = data[data[field].notna()]
        if rows.empty:  # a sector whose rows all named no unit: nothing to show
            continue
        layer = VectorLayer(f"Partners: {label}", rows, units.source)
        layer.declared_kinds = kinds
        layer.style = partner_style(field, largest)
        popup = name_fields + [field] + (reached + [names[PARTNER_LIST]] if i == 0 else [])
        specs.append(LayerSpec(layer.name, style=layer.style, popup_fields=popup, legend=i == 0))
        layers.append(layer)
        labels.append(label)
    # Layers of the print map beyond the units (the dotted Line of Control) lie over every view.
    for other in safe.drawable:
        if other.name != layer_name:
            spec = next(spec for spec in safe.project.layers if spec.name == other.name)
            specs.append(dataclasses.replace(spec, legend=False, popup_fields=[]))
            layers.append(other)
    # The whole of the units, as on paper; the subtitle follows the sector list rather than naming one.
    subtitle = f"Number of partner organisations per {unit_word}, in the sector chosen on the left"
    layout = replace(safe.project.layout, extent=ExtentSpec(), subtitle=subtitle)
    project = Project(map=safe.project.map, layers=specs, layout=layout, web=safe.project.web)
    project.protection = safe.project.protection
    project.path = safe.project.path
    return LoadedProject(project, layers), labels


def export_threew_webmap(
    safe: LoadedProject, layer_name: str, result: ThreeW, out: Path, unit_word: str = "district"
) -> Path:
    loaded, labels = web_project(safe, layer_name, result, unit_word)
    m = build_webmap(loaded)
    drawn = [c for c in m._children.values() if isinstance(c, FeatureLayer)]
    for fl in drawn:
        fl.control = False  # the sector list chooses the view; the layer control would contradict it
    # Every layer is drawn, in project order: the grey units first, then one per view, then the rest.
    assert len(drawn) == len(loaded.drawable), "one web layer per project layer"
    page_of(m).header.add_child(Verbatim(f"<style>{FILTER_CSS}</style>"), name="pm_sector_css")
    SectorFilter([(label, fl.get_name()) for label, fl in zip(labels, drawn[1:])]).add_to(m)
    write_text_atomic(out, finish_page(m.get_root().render()))
    return out


__all__ = ["export_threew_webmap", "web_project", "SectorFilter"]
