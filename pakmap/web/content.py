"""What a web map tells about each feature: only the fields the officer chose, escaped, formatted.

A web map is published: everything embedded in the file can be read by anyone who opens its source,
whether or not a popup shows it. So only three kinds of field leave the attribute table: the
``popup_fields`` of the layer, the field its style maps and the field(s) its labels show. Values are
formatted as on the print map (thousands separators, counts under the protection threshold as "<5")
and HTML-escaped here, once, so a district called ``<img src=x onerror=alert(1)>`` is shown as text
by the tooltip, the popup and the legend alike.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import ProjectError
from ..field_format import expression_fields
from ..field_kinds import is_count, numeric_values
from ..layer import VectorLayer
from ..numbers import format_number, is_missing
from ..render.labels import label_texts

NO_DATA = "No data"


@dataclass(frozen=True)
class FeatureContent:
    """Escaped HTML fragments for a layer's tooltips and popups."""

    headings: list[str]  # one per feature: the label text ("" when the layer has no labels)
    row_names: list[str]  # the row captions, one per shown field
    rows: list[list[str]]  # one list per feature: its value for each shown field
    # What the map's search finds a feature by: -1 its heading, i its i-th row, None not searchable.
    search_column: int | None = None

    @property
    def empty(self) -> bool:
        return not self.row_names and not any(self.headings)


def caption(field: str) -> str:
    """A field name as a row caption: ``population_2023`` → ``Population 2023`` (escaped)."""
    text = str(field).replace("_", " ").strip()
    return html.escape(text[:1].upper() + text[1:])


def display_values(series: pd.Series, threshold: int | None) -> list[str]:
    """Each value as escaped display text, numbers with thousands separators; ``threshold`` is given
    for a count field only (a share of 0.36 is never "<5")."""
    numbers = numeric_values(series) if threshold is not None else None
    if numbers is not None:  # a count field, text counts ("1,204", "-") included
        return [
            NO_DATA
            if is_missing(cell)
            else html.escape(str(cell))
            if is_missing(v)
            else html.escape(format_number(v, threshold=threshold))
            for cell, v in zip(series.tolist(), numbers.tolist())
        ]
    # An empty cell is "No data" (AJK has no census figures: absent, not zero).
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        return [NO_DATA if is_missing(v) else html.escape(format_number(float(v))) for v in series.tolist()]
    return [NO_DATA if is_missing(v) else html.escape(str(v)) for v in series.tolist()]


def label_fields(layer: VectorLayer) -> list[str]:
    """The fields the layer's labels show (a field, or those named in an expression)."""
    labels = layer.labels
    if labels is None or not labels.visible:
        return []
    if labels.field:
        return [labels.field]
    return expression_fields(labels.text_expression)


def style_field(layer: VectorLayer) -> str | None:
    return getattr(layer.style, "field", None) or None


def shown_fields(layer: VectorLayer, popup_fields: list[str]) -> list[str]:
    """The rows of tooltips and popups: the chosen popup fields, else the field the style maps."""
    mapped = style_field(layer)
    fields = list(dict.fromkeys(popup_fields)) or ([mapped] if mapped else [])
    missing = [f for f in fields if f not in layer.data.columns]
    if missing:
        raise ProjectError(
            f"popup field(s) {', '.join(missing)} not in layer '{layer.name}'",
            fix=f"use fields of the layer: {', '.join(map(str, layer.fields)) or '(none)'}",
        )
    return fields


def embedded_fields(layer: VectorLayer, popup_fields: list[str]) -> set[str]:
    """Every attribute whose values end up in the file (for tests and the export record)."""
    fields = set(shown_fields(layer, popup_fields)) | set(label_fields(layer))
    mapped = style_field(layer)
    if mapped:
        fields.add(mapped)
    return fields


def feature_content(layer: VectorLayer, popup_fields: list[str], threshold: int | None) -> FeatureContent:
    """Headings and rows of every feature, escaped and formatted."""
    n = len(layer.data)
    headings = [""] * n
    if label_fields(layer):
        texts = label_texts(layer, np.arange(n), threshold)
        headings = [html.escape(t).replace("\n", "<br>") for t in texts]
    fields = shown_fields(layer, popup_fields)
    columns = [display_values(layer.data[f], threshold if is_count(layer, f) else None) for f in fields]
    rows = [list(values) for values in zip(*columns)] if columns else [[] for _ in range(n)]
    return FeatureContent(headings, [caption(f) for f in fields], rows, _search_column(layer, fields, headings))


def _search_column(layer: VectorLayer, fields: list[str], headings: list[str]) -> int | None:
    """The published text a feature is found by: its label, else its first text popup field (a
    name). Only text the officer chose to show is searched, so the search lists nothing new."""
    if any(headings):
        return -1
    for i, field in enumerate(fields):
        column = layer.data[field]
        if not pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
            return i
    return None


# Binds a tooltip (hover) and a popup (click) to each feature. A touch screen has no hover: there a
# tap would open the tooltip and the popup at once, so only the popup is bound. The text is already
# escaped in Python; here it is only assembled.
BIND_JS = """function(feature, layer) {
    var p = feature.properties, names = %(names)s, html = p.h ? '<div class="pm-h">' + p.h + '</div>' : '';
    if (names.length) {
        html += '<table>' + names.map(function(n, i) {
            return '<tr><th>' + n + '</th><td>' + p.r[i] + '</td></tr>'; }).join('') + '</table>';
    }
    if (html) {
        if (!pmTouchOnly) { layer.bindTooltip(html, {sticky: true, className: 'pm-tip'}); }
        layer.bindPopup(html, {className: 'pm-popup'});
    }
}"""
