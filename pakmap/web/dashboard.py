"""The web dashboard: the web map beside a sortable table and a bar chart that follow a filter.

One self-contained HTML file, like the web map it is built on (``pakmap.web.webmap``: Leaflet and
Lato inlined, no request leaves the page). Beside the map: a filter by province (and by sector when
the layer has a sector column), the top features as a bar chart, every feature in a table sorted by
any column from the keyboard, and the totals per province. Changing the filter narrows the table and
the chart and fades the features of the map that are filtered out.

Everything the page shows is what the print page publishes (``pakmap.layout.chart_data``): values
as published — "<5" for a small count, which has no number in the file and no bar, and "x" for a
complementary cell — and totals per province from the protection policy, never summed in the
browser (a sum of the shown rows next to a published total would give a hidden count back).
"""

from __future__ import annotations

import html
import os
import re
from pathlib import Path

import folium
from folium.template import Template

from ..errors import ExportError
from ..field_kinds import is_count
from ..layer import TableLayer, VectorLayer
from ..layout.chart_data import (
    ChartTable,
    chart_fields,
    chart_table,
    dashboard_specs,
    group_column,
    mapped_layer,
    published_rows,
)
from ..project.loaded import LoadedProject
from ..project.model import ChartSpec
from ..render.legend_items import pretty_name
from .elements import DataOnlyMacro, Verbatim, page_of, script_json
from .layers import FeatureLayer
from .page import FOCUS, PHONE, finish_page, write_page
from .styles import web_style
from .webmap import build_webmap

SECTOR_WORDS = ("sector", "cluster")  # a column of these names filters the rows
PANEL_WIDTH = "min(440px, 42vw)"
FADED = {"fillOpacity": 0.08, "opacity": 0.25}  # a feature the filter leaves out, still seen in place

CSS = f"""
body {{ display: flex; font-family: Lato, 'Helvetica Neue', Arial, sans-serif; color: #222; }}
.folium-map {{ flex: 1 1 auto; width: auto !important; height: 100% !important; }}
.pm-dash {{ order: 2; flex: 0 0 {PANEL_WIDTH}; height: 100%; overflow-y: auto; box-sizing: border-box; padding: 12px 16px;
  border-left: 1px solid #CCCCCC; background: #FFFFFF; font-size: 13px; }}
.pm-dash h2 {{ font-size: 14px; color: #0072BC; margin: 14px 0 6px; }}
.pm-dash .pm-filters {{ display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: end; }}
.pm-dash label {{ display: block; font-weight: 700; font-size: 12px; margin-bottom: 2px; }}
.pm-dash select {{ font: inherit; padding: 3px 4px; min-width: 10em; }}
.pm-dash table {{ border-collapse: collapse; width: 100%; }}
.pm-dash caption {{ text-align: left; font-weight: 700; color: #0072BC; padding-bottom: 4px; }}
.pm-dash th {{ text-align: left; border-bottom: 1px solid #666666; padding: 0; }}
.pm-dash th.pm-num, .pm-dash td.pm-num {{ text-align: right; }}
.pm-dash th button {{ font: inherit; font-weight: 700; background: none; border: 0; padding: 4px 2px; cursor: pointer;
  color: inherit; width: 100%; text-align: inherit; }}
.pm-dash td {{ padding: 3px 2px; border-bottom: 1px solid #E6E6E6; }}
.pm-dash td.pm-muted {{ color: #666666; }}
.pm-dash tr.pm-picked td {{ background: #CCE3F2; }}
.pm-dash .pm-note {{ color: #666666; font-size: 11px; margin: 4px 0; }}
.pm-dash button:focus-visible, .pm-dash select:focus-visible {{ outline: 3px solid {FOCUS}; outline-offset: 2px; }}
.pm-dash svg text {{ font-size: 12px; fill: #222; }}
.pm-dash svg text.pm-muted {{ fill: #666666; }}
@media {PHONE} {{
  html, body {{ height: auto; }}
  body {{ flex-direction: column; }}
  .folium-map {{ flex: none; width: 100% !important; height: 60vh !important; }}
  .pm-dash {{ flex: none; width: 100%; height: auto; border-left: 0; border-top: 1px solid #CCCCCC; }}
}}
"""

# Filters, sorting, the chart and the map's fading. Values are set as text (textContent), never as
# markup: a district called <img onerror=…> is shown as its name.
JS = """
(function() {
  var D = pmDashboard, group = window[D.layer], map = window[D.map];
  var features = [];
  if (group) group.eachLayer(function(l) { if (l.feature) features.push(l); });
  var state = {group: '', sector: '', key: 3, dir: -1};
  var byId = function(id) { return document.getElementById(id); };
  function shown() {
    return D.rows.filter(function(r) {
      return (!state.group || r[1] === state.group) && (!state.sector || r[2] === state.sector);
    });
  }
  function byValue(a, b) {  // published numbers first; suppressed and empty rows last, by name
    if (a[3] === null || b[3] === null) {
      if (a[3] !== null) return -1;
      if (b[3] !== null) return 1;
      return a[0].localeCompare(b[0]);
    }
    return state.dir * (a[3] - b[3]) || a[0].localeCompare(b[0]);
  }
  function sorted(rows) {
    var k = state.key;
    return rows.slice().sort(k === 3 ? byValue : function(a, b) {
      return state.dir * String(a[k]).localeCompare(String(b[k])) || a[0].localeCompare(b[0]);
    });
  }
  function cell(tr, text, cls) {
    var td = document.createElement('td'); td.textContent = text; if (cls) td.className = cls; tr.appendChild(td);
  }
  function table(rows) {
    var body = byId('pm-rows'); body.textContent = '';
    sorted(rows).forEach(function(r) {
      var tr = document.createElement('tr');
      cell(tr, r[0]);
      if (D.groupHeading) cell(tr, r[1]);
      if (D.sectorHeading) cell(tr, r[2]);
      cell(tr, r[4] || 'No data', 'pm-num' + (r[3] === null ? ' pm-muted' : ''));
      body.appendChild(tr);
    });
    document.querySelectorAll('#pm-table th').forEach(function(th) {
      var k = +th.dataset.key;
      th.setAttribute('aria-sort', k === state.key ? (state.dir < 0 ? 'descending' : 'ascending') : 'none');
    });
  }
  function svg(tag, attrs, text) {
    var el = document.createElementNS('http://www.w3.org/2000/svg', tag);
    for (var a in attrs) el.setAttribute(a, attrs[a]);
    if (text !== undefined) el.textContent = text;
    return el;
  }
  function chart(rows) {
    var top = rows.filter(function(r) { return r[3] !== null; }).sort(byValueDesc).slice(0, D.top);
    var hidden = rows.filter(function(r) { return r[3] === null && r[4]; })
      .sort(function(a, b) { return a[0].localeCompare(b[0]); });
    top = top.concat(hidden.slice(0, Math.max(0, D.top - top.length)));
    var box = byId('pm-chart'), width = Math.max(box.clientWidth, 240), pitch = 22, label = Math.min(150, width * 0.4);
    var room = width - label - 60, largest = Math.max.apply(null, top.map(function(r) { return r[3] || 0; }).concat([0]));
    var s = svg('svg', {width: width, height: Math.max(top.length, 1) * pitch, role: 'img',
                        'aria-labelledby': 'pm-chart-title'});
    top.forEach(function(r, i) {
      var y = i * pitch, mid = y + pitch / 2 + 4;
      var name = svg('text', {x: label - 6, y: mid, 'text-anchor': 'end'}, r[0]);
      s.appendChild(name);
      var length = r[3] !== null && largest > 0 ? room * r[3] / largest : 0;
      if (length > 0) s.appendChild(svg('rect', {x: label, y: y + 4, width: length, height: pitch - 8,
                                                 fill: D.color, 'class': 'pm-bar'}));
      s.appendChild(svg('text', {x: label + length + 4, y: mid, 'class': r[3] === null ? 'pm-muted' : ''}, r[4]));
    });
    box.textContent = ''; box.appendChild(s);
    var where = [state.group, state.sector].filter(Boolean).join(', ');
    byId('pm-chart-title').textContent = D.title + (where ? ' — ' + where : '');
  }
  function byValueDesc(a, b) { return (b[3] - a[3]) || a[0].localeCompare(b[0]); }
  function totals() {
    document.querySelectorAll('#pm-totals tbody tr').forEach(function(tr) {
      tr.className = state.group && tr.dataset.group === state.group ? 'pm-picked' : '';
    });
    var scope = byId('pm-totals-scope');  // published totals are of every sector: never re-added here
    if (scope) scope.textContent = state.sector ? 'Totals of all sectors, not of ' + state.sector + ' alone.' : '';
  }
  function fade(rows) {
    if (!group) return;
    var keep = {}; rows.forEach(function(r) { keep[r[5]] = true; });
    var bounds = L.latLngBounds([]);
    features.forEach(function(f, i) {
      if (keep[D.drawn[i]]) { group.resetStyle(f); if (f.getBounds) bounds.extend(f.getBounds()); }
      else f.setStyle(D.faded);
    });
    if ((state.group || state.sector) && bounds.isValid()) map.fitBounds(bounds, {animate: false, padding: [20, 20]});
  }
  function update() {
    var rows = shown();
    table(rows); chart(rows); totals(); fade(rows);
    byId('pm-count').textContent = rows.length + ' of ' + D.rows.length + ' ' + D.unit + ' shown';
  }
  ['group', 'sector'].forEach(function(key) {
    var select = byId('pm-' + key);
    if (select) select.addEventListener('change', function() { state[key] = select.value; update(); });
  });
  document.querySelectorAll('#pm-table th button').forEach(function(button) {
    button.addEventListener('click', function() {
      var k = +button.parentNode.dataset.key;
      state.dir = k === state.key ? -state.dir : (k === 3 ? -1 : 1);
      state.key = k; update();
    });
  });
  window.pmDashboardUpdate = update;
  update();
})();
"""


class DashboardScript(DataOnlyMacro):
    _template = Template("""
        {% macro script(this, kwargs) %}{{ this.code }}{% endmacro %}
        """)

    def __init__(self, code: str) -> None:
        super().__init__()
        self._name = "DashboardScript"
        self.code = code


def _sector_column(layer: VectorLayer | TableLayer) -> str:
    for column in layer.attributes.columns:
        if str(column).strip().lower() in SECTOR_WORDS:
            return str(column)
    return ""


def _row_spec(loaded: LoadedProject) -> ChartSpec:
    """The chart whose rows the dashboard lists: the first without groups, else the mapped layer's."""
    specs = dashboard_specs(loaded)
    for spec in specs:
        if not spec.by:
            return spec
    layer = mapped_layer(loaded)
    if specs:
        return ChartSpec("bar", specs[0].layer, field=specs[0].field)
    if layer is None:
        raise ExportError(
            "a dashboard needs a layer styled by a field, or a [[layout.charts]] entry",
            path=loaded.project.path,
            fix="style a layer by a field (graduated or proportional), or add [[layout.charts]] with layer and field",
        )
    return ChartSpec("bar", layer.name)


def _totals(loaded: LoadedProject, layer_name: str) -> ChartTable | None:
    """The published totals per group of the dashboard's layer (the first chart with ``by``)."""
    specs = [s for s in dashboard_specs(loaded) if s.by and s.layer == layer_name]
    if not specs:
        return None
    if loaded.published_charts is not None:
        return next((t for s, t in loaded.published_charts if s == specs[0]), None)
    layer = loaded.layer(layer_name)
    assert isinstance(layer, (VectorLayer, TableLayer))
    return chart_table(specs[0], layer, int(loaded.project.protection.threshold))


def dashboard_data(loaded: LoadedProject) -> dict:
    """What the page's script works from (JSON): rows as published, the layer's drawn features."""
    spec = _row_spec(loaded)
    layer = loaded.layer(spec.layer)
    if not isinstance(layer, (VectorLayer, TableLayer)):
        raise ExportError(f"layer '{spec.layer}' has no table to show", fix="chart a boundary or point layer")
    fields = chart_fields(spec, layer, "the dashboard")
    threshold = int(loaded.project.protection.threshold)
    frame = layer.attributes
    by, sector = group_column(layer), _sector_column(layer)
    groups = frame[by].fillna("").astype(str).tolist() if by else None
    rows = published_rows(
        frame[fields.label].fillna("").astype(str).tolist(),
        frame[fields.value],
        threshold if is_count(layer, fields.value) else None,
        groups,
    )
    sectors = frame[sector].fillna("").astype(str).tolist() if sector else [""] * len(rows)
    table = chart_table(spec, layer, threshold)
    drawn = web_style(layer, threshold).drawn.tolist() if isinstance(layer, VectorLayer) else []
    return {
        "rows": [[r.label, r.group, s, r.value, r.text, i] for i, (r, s) in enumerate(zip(rows, sectors))],
        "drawn": drawn,
        "layer_name": layer.name,
        "title": table.title,
        "top": spec.top,
        "unit": pretty_name(layer.name).lower(),
        "labelHeading": table.label_heading,
        "groupHeading": pretty_name(by) if by else "",
        "sectorHeading": pretty_name(sector) if sector else "",
        "valueHeading": table.value_heading,
        "note": table.note,
        "totals": _totals(loaded, layer.name),
    }


def _options(values: list[str]) -> str:
    return "".join(f'<option value="{html.escape(v)}">{html.escape(v)}</option>' for v in values)


def panel_html(data: dict) -> str:
    """The panel beside the map: filters, chart, table and totals (every text escaped)."""
    esc = html.escape
    rows = data["rows"]
    filters = []
    if data["groupHeading"]:
        values = sorted({r[1] for r in rows if r[1]})
        filters.append(
            f'<div><label for="pm-group">{esc(data["groupHeading"])}</label><select id="pm-group">'
            f'<option value="">All</option>{_options(values)}</select></div>'
        )
    if data["sectorHeading"]:
        values = sorted({r[2] for r in rows if r[2]})
        filters.append(
            f'<div><label for="pm-sector">{esc(data["sectorHeading"])}</label><select id="pm-sector">'
            f'<option value="">All</option>{_options(values)}</select></div>'
        )
    headings = [(0, data["labelHeading"], "")]
    if data["groupHeading"]:
        headings.append((1, data["groupHeading"], ""))
    if data["sectorHeading"]:
        headings.append((2, data["sectorHeading"], ""))
    headings.append((3, data["valueHeading"], "pm-num"))
    head = "".join(
        f'<th scope="col" data-key="{key}" class="{cls}"><button type="button">{esc(text)}</button></th>'
        for key, text, cls in headings
    )
    note = f'<p class="pm-note">{esc(data["note"])}</p>' if data["note"] else ""
    totals = _totals_html(data["totals"])
    return (
        '<aside class="pm-dash" aria-label="Dashboard">'
        f'<div class="pm-filters" role="group" aria-label="Filter">{"".join(filters)}</div>'
        '<p id="pm-count" class="pm-note" aria-live="polite"></p>'
        f'<h2 id="pm-chart-title">{esc(data["title"])}</h2><div id="pm-chart"></div>{note}'
        f"{totals}"
        f"<h2>{esc(pretty_name(data['unit']))}</h2>"
        '<p class="pm-note">Select a column heading to sort by it (again to reverse).</p>'
        f'<table id="pm-table"><thead><tr>{head}</tr></thead><tbody id="pm-rows"></tbody></table>'
        "</aside>"
    )


def _totals_html(table: ChartTable | None) -> str:
    if table is None or not table.rows:
        return ""
    esc = html.escape
    body = "".join(
        f'<tr data-group="{esc(r.label)}"><td>{esc(r.label)}</td>'
        f'<td class="pm-num{"" if r.value is not None else " pm-muted"}">{esc(r.text or "No data")}</td></tr>'
        for r in table.rows
    )
    note = f'<p class="pm-note">{esc(table.note)}</p>' if table.note else ""
    return (
        f'<h2>{esc(table.title)}</h2><p id="pm-totals-scope" class="pm-note" aria-live="polite"></p><table id="pm-totals"><thead><tr><th scope="col">{esc(table.label_heading)}</th>'
        f'<th scope="col" class="pm-num">{esc(table.value_heading)}</th></tr></thead><tbody>{body}</tbody></table>'
        f"{note}"
    )


def _feature_layer_name(m: folium.Map, layer_name: str) -> str:
    """The script name of the web map's layer drawn from project layer ``layer_name``."""
    shown = html.escape(pretty_name(layer_name))
    for child in m._children.values():
        if isinstance(child, FeatureLayer) and child.layer_name == shown:
            return child.get_name()
    return ""


def build_dashboard(loaded: LoadedProject) -> folium.Map:
    data = dashboard_data(loaded)
    m = build_webmap(loaded)
    root = page_of(m)
    script_data = {
        **{k: v for k, v in data.items() if k not in ("totals", "layer_name")},
        "layer": _feature_layer_name(m, data["layer_name"]),
        "map": m.get_name(),
        "faded": FADED,
        "color": "#0072BC",
    }
    root.header.add_child(Verbatim(f"<style>{CSS}</style>"), name="pakmap_dashboard_css")
    root.html.add_child(Verbatim(panel_html(data)), name="pakmap_dashboard")
    # The map's last child: its script runs after the layers' (their features exist by then).
    DashboardScript(f"var pmDashboard = {script_json(script_data)};\n{JS}").add_to(m)
    return m


def render_dashboard(loaded: LoadedProject) -> str:
    document = finish_page(build_dashboard(loaded).get_root().render())
    title = loaded.project.layout.title or loaded.project.map.title
    if title:  # the browser tab says what it is
        tab = f"<title>{html.escape(title)} — dashboard</title>"
        document = re.sub(r"<title>[^<]*</title>", lambda _match: tab, document, count=1)
    return document


def export_dashboard(loaded: LoadedProject, out_path: str | os.PathLike) -> Path:
    """Write the dashboard of ``loaded`` to ``out_path`` (atomically); returns the path written."""
    return write_page(render_dashboard(loaded), out_path)
