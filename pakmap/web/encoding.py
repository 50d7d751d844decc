"""A compact encoding of a layer's features for the web page, decoded into GeoJSON by the browser.

GeoJSON spells every coordinate in full (``[71.123,34.456]``) and repeats ``"type":"Feature"``,
``"geometry"``, ``"coordinates"`` for every feature. Here, as in TopoJSON's quantization and Google's
encoded polylines, coordinates are integers on the rounding grid (``10**-decimals`` degrees), each
the difference from the previous vertex of its ring or line, so most are one to three digits; the
nesting (rings in polygons in multipolygons) is given by offset arrays (``shapely.to_ragged_array``)
and the properties by parallel arrays. For the 156 districts this is about half of the GeoJSON.

Payload (JSON)::

    {"s": [style index per feature], "h": [heading per feature] (optional),
     "r": [[row values] per feature] (optional),
     "g": [{"t": geometry type id, "i": [feature indices], "k": 10**decimals,
            "c": [dx, dy, dx, dy, …], "o": [offset arrays, innermost first]}, …]}

``DECODE_JS`` turns it back into a GeoJSON FeatureCollection for Leaflet; ``decode`` does the same in
Python (for tests and for anyone reading an exported file).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import shapely

# shapely type ids → GeoJSON names. Each type is its own chunk: to_ragged_array would write a
# Point beside MultiPoints as a MultiPoint (Leaflet then makes a layer group of it).
_NAMES = {0: "Point", 1: "LineString", 3: "Polygon", 4: "MultiPoint", 5: "MultiLineString", 6: "MultiPolygon"}


def _chunk(geoms: np.ndarray, index: np.ndarray, decimals: int) -> dict[str, Any]:
    geom_type, coords, offsets = shapely.to_ragged_array(geoms)
    scale = 10**decimals
    q = np.round(coords * scale).astype(np.int64)
    delta = q.copy()
    delta[1:] -= q[:-1]
    if offsets:  # each ring or line starts from its absolute position
        starts = offsets[0][:-1]
        starts = starts[starts < len(q)]
        delta[starts] = q[starts]
    return {
        "t": int(geom_type),
        "i": index.tolist(),
        "k": scale,
        "c": delta.ravel().tolist(),
        "o": [o.tolist() for o in offsets],
    }


def encode(
    geoms: np.ndarray,
    decimals: int,
    styles: list[int],
    headings: list[str] | None = None,
    rows: list[list[str]] | None = None,
) -> dict[str, Any]:
    """The payload of ``geoms`` (no missing geometries) with their style indices and texts."""
    geoms = np.asarray(geoms, dtype=object)
    family = shapely.get_type_id(geoms)
    if not np.isin(family, list(_NAMES)).all():
        raise ValueError("geometry collections and missing geometries cannot be encoded")
    payload: dict[str, Any] = {"s": list(styles), "g": []}
    for fam in np.unique(family):
        index = np.flatnonzero(family == fam)
        payload["g"].append(_chunk(geoms[index], index, decimals))
    if headings is not None and any(headings):
        payload["h"] = list(headings)
    if rows is not None and any(rows):
        payload["r"] = [list(r) for r in rows]
    return payload


def _nest(items: list, offsets: list[int]) -> list:
    return [items[a:b] for a, b in zip(offsets[:-1], offsets[1:])]


def decode(payload: dict[str, Any]) -> list[dict[str, Any]]:
    """The GeoJSON features of a payload (the Python twin of ``DECODE_JS``)."""
    n = len(payload["s"])
    geometries: list[Any] = [None] * n
    for chunk in payload["g"]:
        flat = np.asarray(chunk["c"], dtype=np.int64).reshape(-1, 2)
        offsets = chunk["o"]
        running = np.cumsum(flat, axis=0)
        if offsets:  # running sums restart at each ring: subtract the sum before the ring's start
            starts = np.unique(np.asarray(offsets[0][:-1], dtype=np.int64))
            starts = starts[starts < len(flat)]
            ring = np.searchsorted(starts, np.arange(len(flat)), side="right") - 1
            before = np.where(starts[:, None] > 0, running[np.maximum(starts - 1, 0)], 0)
            running = running - before[ring]
        absolute = running
        items: list = (absolute / chunk["k"]).tolist()
        for level in offsets:
            items = _nest(items, level)
        for i, coords in zip(chunk["i"], items):
            geometries[i] = {"type": _NAMES[chunk["t"]], "coordinates": coords}
    features = []
    for k in range(n):
        props: dict[str, Any] = {"s": payload["s"][k]}
        if "h" in payload:
            props["h"] = payload["h"][k]
        if "r" in payload:
            props["r"] = payload["r"][k]
        features.append({"type": "Feature", "properties": props, "geometry": geometries[k]})
    return features


# The browser side: payload → FeatureCollection, for L.geoJson.addData.
DECODE_JS = """function pmDecode(p) {
    var names = {0: 'Point', 1: 'LineString', 3: 'Polygon', 4: 'MultiPoint', 5: 'MultiLineString', 6: 'MultiPolygon'};
    var geoms = new Array(p.s.length);
    p.g.forEach(function(ch) {
        var c = ch.c, k = ch.k, o = ch.o, items = [], x = 0, y = 0, start = o.length ? o[0] : null, next = 1;
        for (var j = 0; j < c.length / 2; j++) {
            if (start && j === start[next]) { x = 0; y = 0; next++; }
            while (start && next < start.length && start[next] === j) { next++; }
            x += c[2 * j]; y += c[2 * j + 1];
            items.push([x / k, y / k]);
        }
        o.forEach(function(off) {
            var nested = [];
            for (var i = 0; i + 1 < off.length; i++) { nested.push(items.slice(off[i], off[i + 1])); }
            items = nested;
        });
        ch.i.forEach(function(f, i) { geoms[f] = {type: names[ch.t], coordinates: items[i]}; });
    });
    return {type: 'FeatureCollection', features: p.s.map(function(s, i) {
        var props = {s: s};
        if (p.h) { props.h = p.h[i]; }
        if (p.r) { props.r = p.r[i]; }
        return {type: 'Feature', properties: props, geometry: geoms[i]};
    })};
}"""
