"""The print map's labels on the web map, shown at the zooms where they fit.

Each labelled layer's labels have the print map's text (``pakmap.render.labels.label_texts``: the same
numbers, "<5" and no-data rules), anchor (a polygon's pole of inaccessibility, a line's middle, beside
a point) and order (the mapped layer first, then priority or feature size). The browser places them
after every zoom and pan (``LABELS_JS``): in that order, a label is shown only where it fits inside
its polygon (so small districts are labelled once zoomed in), keeps the print map's clear gap of half
an em from every label already shown, lies in the window and belongs to a layer that is switched on.

The text is set as ``textContent``, never as HTML, so a hostile name stays text; the label fields are
already in the file (tooltip headings), so labels publish nothing more. Each line of a label is its
own block; a line with Arabic script (an Urdu name under the English one) is marked with its language
and ``dir="rtl"`` and is as tall as the browser's shaped Urdu (measured after the fonts load).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import shapely
from folium.template import Template

from ..fonts import has_arabic_script
from ..layer import VectorLayer
from ..render.labels import LABEL_GAP_EM, is_thematic, label_anchors, label_priority, label_texts
from ..render.vector import geometry_kind
from .elements import DataOnlyMacro, Verbatim, page_of, script_json
from .script_text import language
from .styles import css_color, px

LABEL_PANE_Z = 640  # above every layer's pane (400 + position), below tooltips (650) and popups (700)
MIN_FONT_PX = 11  # a 6 pt print label is 8 px: unreadable on a screen
POINT_GAP_MM = 0.6  # between a marker and its label, as in print
_KINDS = {"polygon": 0, "line": 1, "point": 2}


def font_px(size_pt: float) -> float:
    return max(MIN_FONT_PX, round(size_pt * 96 / 72, 1))


def layer_label_specs(layer: VectorLayer, threshold: int | None, tolerance: float):
    """The labels of one layer (in WGS 84) as ``(style, rows)``; ``rows`` are
    ``[rank, priority, kind, lat, lon, text, [west, south, east, north], languages]`` (each line's
    language tag, "" for Latin). None without labels."""
    labels = layer.labels
    if labels is None or not labels.visible or not (labels.field or labels.expression):
        return None
    geoms = layer.data.geometry.values
    rows = np.flatnonzero(~(shapely.is_missing(geoms) | shapely.is_empty(geoms)))
    geoms = geoms[rows]
    kinds = geometry_kind(geoms)
    anchors, size = label_anchors(geoms, kinds, tolerance)
    priority = label_priority(layer, rows, size)
    texts = label_texts(layer, rows, threshold)
    bounds = shapely.bounds(geoms)
    rank = 0 if is_thematic(layer) else 1
    out = []
    for i, text in enumerate(texts):
        text = text.strip()
        if not text or not np.isfinite(anchors[i]).all():
            continue
        out.append(
            [
                rank,
                float(priority[i]),
                _KINDS.get(kinds[i], 2),
                round(float(anchors[i, 1]), 5),
                round(float(anchors[i, 0]), 5),
                text,
                [round(float(v), 5) for v in bounds[i]],
                [language(line) if has_arabic_script(line) else "" for line in text.split("\n")],
            ]
        )
    where = f"the labels of layer '{layer.name}'"
    size_px = font_px(labels.size)
    style = {
        "size": size_px,
        "bold": bool(labels.bold),
        "color": css_color(labels.color, where) or "#333333",
        "halo": css_color(labels.halo_color, where) if labels.halo_width > 0 else None,
        "gap": max(px(0.5), round(LABEL_GAP_EM * size_px, 2)),
        "offset": px(layer.style.symbol.size / 2 + POINT_GAP_MM),
    }
    return style, out


class MapLabels(DataOnlyMacro):
    """Every labelled layer's labels in one pane, placed by the browser after each zoom and pan."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        pmLabels({{ this._parent.get_name() }}, [{{ this.groups }}], {{ this.styles_json }}, {{ this.labels_json }});
        {% endmacro %}
        """)

    def __init__(self, groups: list[str], styles: list[dict], labels: list[list]) -> None:
        super().__init__()
        self._name = "MapLabels"
        self.groups = ", ".join(groups)  # the JavaScript names of the layers' L.geoJson groups
        self.styles_json = script_json(styles)
        self.labels_json = script_json(labels)

    def render(self, **kwargs: Any):
        root = page_of(self)
        root.header.add_child(Verbatim(f"<style>{LABEL_CSS}</style><script>{LABELS_JS}</script>"), name="pakmap_labels")
        super().render(**kwargs)


def map_labels(layers: list[tuple[str, VectorLayer]], threshold: int | None, tolerance: float) -> MapLabels | None:
    """The labels of ``layers`` (``(JavaScript group name, layer in WGS 84)``, bottom first) in the
    print map's order, or None when no layer has labels."""
    groups: list[str] = []
    styles: list[dict] = []
    rows: list = []
    for name, layer in layers:
        spec = layer_label_specs(layer, threshold, tolerance)
        if spec is None:
            continue
        style, layer_rows = spec
        index = len(groups)
        groups.append(name)
        styles.append(style)
        rows += [[index, *row] for row in layer_rows]
    if not rows:
        return None
    # The print map's order: the mapped layer first, then by priority; ties keep the layer order.
    rows.sort(key=lambda r: (r[1], -r[2]))
    return MapLabels(groups, styles, [[r[0], r[3], r[4], r[5], r[6], r[7], r[8]] for r in rows])


# Rows: [style index, kind (0 polygon, 1 line, 2 point), lat, lon, text, [w, s, e, n], line languages].
LABELS_JS = """
function pmLabels(map, groups, styles, rows) {
  var pane = map.createPane('pm-labels');
  pane.style.zIndex = %(z)d;
  pane.style.pointerEvents = 'none';
  var ctx = document.createElement('canvas').getContext('2d');
  var fonts = styles.map(function(s) {
    return (s.bold ? '700 ' : '400 ') + s.size + 'px Lato, "Noto Naskh Arabic", "Helvetica Neue", Arial, sans-serif'; });
  var labels = rows.map(function(r) {
    var s = styles[r[0]];
    var el = document.createElement('div');
    el.className = 'pm-label';
    r[4].split('\\n').forEach(function(text, i) {
      var line = document.createElement('div');
      line.textContent = text;
      if (r[6][i]) { line.lang = r[6][i]; line.dir = 'rtl'; }
      el.appendChild(line);
    });
    el.style.font = fonts[r[0]];
    el.style.color = s.color;
    if (s.halo) {
      var h = s.halo;
      el.style.textShadow = [[-1, -1], [1, -1], [-1, 1], [1, 1], [0, -1], [0, 1], [-1, 0], [1, 0]]
        .map(function(d) { return d[0] + 'px ' + d[1] + 'px 0 ' + h; }).join(',');
    }
    el.style.display = 'none';
    pane.appendChild(el);
    return {el: el, style: s, font: fonts[r[0]], group: groups[r[0]], kind: r[1], latlng: L.latLng(r[2], r[3]),
            bounds: r[5], w: 0, h: 0};
  });
  // Each line's shaped extent: Latin lines 1.2 em, a line of Urdu as tall as its ink.
  function measure() {
    labels.forEach(function(label) {
      var w = 0, h = 0;
      ctx.font = label.font;
      Array.prototype.forEach.call(label.el.children, function(line) {
        var m = ctx.measureText(line.textContent), lh = label.style.size * 1.2;
        if (line.dir === 'rtl') {
          lh = Math.max(lh, Math.ceil(m.actualBoundingBoxAscent + m.actualBoundingBoxDescent) + 2);
        }
        line.style.lineHeight = lh + 'px';
        w = Math.max(w, m.width);
        h += lh;
      });
      label.w = Math.ceil(w);
      label.h = Math.ceil(h);
    });
  }
  measure();
  function fits(label) {
    if (label.kind === 2) { return true; }
    var b = label.bounds, a = map.latLngToContainerPoint([b[1], b[0]]), c = map.latLngToContainerPoint([b[3], b[2]]);
    var bw = Math.abs(c.x - a.x), bh = Math.abs(a.y - c.y);
    return label.kind === 1 ? Math.max(bw, bh) >= label.w : (bw >= label.w && bh >= label.h);
  }
  function place() {
    var size = map.getSize(), shown = [], cell = 64, grid = {};
    function key(i, j) { return i + ',' + j; }
    function hits(box) {
      for (var i = Math.floor(box[0] / cell); i <= Math.floor(box[2] / cell); i++) {
        for (var j = Math.floor(box[1] / cell); j <= Math.floor(box[3] / cell); j++) {
          var list = grid[key(i, j)] || [];
          for (var k = 0; k < list.length; k++) {
            var o = list[k];
            if (box[0] < o[2] && o[0] < box[2] && box[1] < o[3] && o[1] < box[3]) { return true; }
          }
        }
      }
      return false;
    }
    function add(box) {
      for (var i = Math.floor(box[0] / cell); i <= Math.floor(box[2] / cell); i++) {
        for (var j = Math.floor(box[1] / cell); j <= Math.floor(box[3] / cell); j++) {
          (grid[key(i, j)] = grid[key(i, j)] || []).push(box);
        }
      }
    }
    labels.forEach(function(label) {
      var show = map.hasLayer(label.group) && fits(label);
      if (show) {
        var p = map.latLngToContainerPoint(label.latlng), g = label.style.gap / 2;
        var x0 = label.kind === 2 ? p.x + label.style.offset : p.x - label.w / 2, y0 = p.y - label.h / 2;
        var box = [x0 - g, y0 - g, x0 + label.w + g, y0 + label.h + g];
        show = x0 >= 0 && y0 >= 0 && x0 + label.w <= size.x && y0 + label.h <= size.y && !hits(box);
        if (show) {
          add(box);
          var at = map.containerPointToLayerPoint([x0, y0]);
          L.DomUtil.setPosition(label.el, at);
        }
      }
      label.el.style.display = show ? 'block' : 'none';
    });
  }
  map.on('zoomend moveend resize overlayadd overlayremove', place);
  map.whenReady(place);
  // The inlined fonts load when first asked for: measure and place again once they have.
  if (document.fonts && document.fonts.load) {
    var wanted = styles.map(function(s, i) { return document.fonts.load(fonts[i], 'Aa \\u0627\\u0628'); });
    Promise.all(wanted).then(function() { measure(); place(); });
  }
}
""" % {"z": LABEL_PANE_Z}

LABEL_CSS = """
.pm-label { position: absolute; left: 0; top: 0; white-space: pre; line-height: 1.2; text-align: center; }
.pm-label > div { text-align: center; }
"""
