"""What a chart or table of the map's data shows: its rows, their values and their published text.

A ``[[layout.charts]]`` entry (``pakmap.project.model.ChartSpec``) names a layer and a field; this
module turns it into a ``ChartTable`` — the top features by value, or one total per group (province)
— with no drawing in it, so the print page (``pakmap.layout.chart``) and the web dashboard
(``pakmap.web.dashboard``) show the same rows.

Values are read from the layer the output is made from: for an export, the protected copy
(``pakmap.protection.policy.apply_plan``), whose count fields already carry the map's small-count
decisions ("x" for complementary cells). A count under the threshold is published as "<5" and has
no value to draw a bar with; so has an "x". Totals per group are added up from the unprotected
values and suppressed by the protection policy (``pakmap.protection.charts``), which hands them in
as ``totals``; without them (the desktop preview) they are summed here with the primary rule only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from ..errors import ProjectError
from ..field_kinds import SUPPRESSED_CELL, is_count, numeric_values
from ..layer import TableLayer, VectorLayer
from ..numbers import format_number
from ..project.loaded import LoadedProject
from ..project.model import MAX_CHART_ROWS, ChartSpec
from ..render.legend_items import pretty_name

# Columns that name a feature, in the order they are tried when the chart gives no ``label``.
# The protection policy's mark of a complementary cell (``pakmap.protection.complementary``).
WITHHELD = "x"
NAME_COLUMNS = ("name", "district", "ADM2_EN", "adm2_name", "NAME_2", "ADM1_EN", "province", "ADM3_EN")


# Columns that name the larger unit of a feature, tried in order for the dashboard's totals and filter.
GROUP_COLUMNS = ("province", "ADM1_EN", "admin1", "adm1_name", "NAME_1", "region", "division")


@dataclass(frozen=True)
class ChartRow:
    label: str
    value: float | None  # the published number, drawn to scale; None when suppressed or missing
    text: str  # as published: "1,234", "<5", "x", "" (no data)
    group: str = ""  # the larger unit the row belongs to (its province), for the dashboard's filter

    @property
    def suppressed(self) -> bool:
        return self.value is None and self.text != ""


@dataclass(frozen=True)
class ChartTable:
    kind: str  # "bar" | "table"
    title: str
    label_heading: str  # "District", "Province"
    value_heading: str  # "Population 2023"
    rows: tuple[ChartRow, ...]
    note: str = ""  # what "<5" and "x" mean, when a row shows one

    @property
    def largest(self) -> float:
        return max((r.value for r in self.rows if r.value is not None and r.value > 0), default=0.0)


@dataclass(frozen=True)
class ChartFields:
    value: str
    label: str
    by: str  # "" = one row per feature


def chart_fields(spec: ChartSpec, layer: VectorLayer | TableLayer, where: str = "[[layout.charts]]") -> ChartFields:
    """The columns a chart reads from ``layer``: its value (default: the field the style maps), the
    name of each feature (default: the label field, else a name column) and the grouping column."""
    columns = [str(c) for c in layer.attributes.columns]
    value = spec.field or mapped_field(layer)
    if not value:
        raise ProjectError(
            f"{where} on layer '{layer.name}' gives no field and the layer maps none",
            fix='add field = "…" (the column whose values the chart shows)',
        )
    label = spec.label
    if not label:
        labels = getattr(layer, "labels", None)
        label = (labels.field if labels is not None and labels.field else "") or next(
            (c for c in NAME_COLUMNS if c in columns), ""
        )
    for key, column in (("field", value), ("label", label), ("by", spec.by)):
        if column and column not in columns:
            raise ProjectError(
                f"{where} {key} = '{column}' is not a column of layer '{layer.name}'",
                fix=f"use one of: {', '.join(columns[:30])}",
            )
    if not label and not spec.by:
        raise ProjectError(
            f"{where}: layer '{layer.name}' has no name column to label the rows",
            fix='add label = "…" (the column naming each feature)',
        )
    if spec.by and not is_count(layer, value):
        raise ProjectError(
            f"{where}: totals of '{value}' per {spec.by} would add up a rate or share",
            fix="chart a count field by group, or drop by = … to show the top features",
        )
    return ChartFields(value, label, spec.by)


def chart_table(
    spec: ChartSpec, layer: VectorLayer | TableLayer, threshold: int, totals: pd.Series | None = None
) -> ChartTable:
    """The rows of ``spec`` from ``layer`` (the copy being published). ``totals``: the published
    totals per group (numbers, "x" where withheld) for a chart with ``by``."""
    fields = chart_fields(spec, layer)
    frame = layer.attributes
    count = is_count(layer, fields.value)
    limit = threshold if count else None
    if fields.by:
        if totals is None:
            totals = group_sums(frame[fields.by], frame[fields.value])
        rows = _ranked(published_rows([str(g) for g in totals.index], totals, limit), spec.top)
        label_heading = pretty_name(fields.by)
    else:
        labels = frame[fields.label].astype(str).tolist()
        rows = _ranked(published_rows(labels, frame[fields.value], limit), spec.top)
        label_heading = pretty_name(_unit_name(layer.name))
    heading = pretty_name(fields.value)
    title = spec.title or _title(heading, fields.by, label_heading, spec.top, len(rows))
    return ChartTable(spec.kind, title, label_heading, heading, tuple(rows), suppression_note(rows, threshold))


def published_rows(labels: list[str], cells: pd.Series, threshold: int | None, groups=None) -> list[ChartRow]:
    """One row per label: its number as published (``format_number`` with ``threshold``: "<5"),
    an "x" for a withheld cell; suppressed rows get no value to draw."""
    numbers = numeric_values(cells.reset_index(drop=True))
    values = numbers.to_numpy(dtype=float) if numbers is not None else pd.to_numeric(cells, errors="coerce").to_numpy()
    raw = cells.tolist()
    groups = [""] * len(labels) if groups is None else [str(g) for g in groups]
    out = []
    for label, v, cell, group in zip(labels, values, raw, groups):
        if math.isnan(v):
            out.append(ChartRow(label, None, _withheld_mark(cell), group))
            continue
        text = format_number(float(v), threshold=threshold)
        small = threshold is not None and 0 < v < threshold
        out.append(ChartRow(label, None if small else float(v), text, group))
    return out


def _withheld_mark(cell) -> str:
    """The published mark of a cell without a number: "x" (complementary), a partner's "<5"; "" for
    no data ("-", "n/a", empty)."""
    text = cell.strip() if isinstance(cell, str) else ""
    return text if text.lower() == WITHHELD or SUPPRESSED_CELL.match(text) else ""


def group_sums(groups: pd.Series, values: pd.Series) -> pd.Series:
    """The sum of ``values`` per group (empty groups and missing values left out), by group name."""
    numbers = numeric_values(values)
    v = numbers if numbers is not None else pd.to_numeric(values, errors="coerce")
    frame = pd.DataFrame({"group": groups.astype(str).to_numpy(), "value": v.to_numpy(dtype=float)})
    frame = frame[groups.notna().to_numpy() & (groups.astype(str).str.strip() != "").to_numpy()]
    sums = frame.groupby("group", sort=True)["value"].sum(min_count=1)
    return sums.dropna()


def mapped_layer(loaded: LoadedProject) -> VectorLayer | None:
    """The top visible layer whose style maps a field: what a dashboard charts by default."""
    for layer in reversed(loaded.drawable):
        if isinstance(layer, VectorLayer) and mapped_field(layer):
            return layer
    return None


def mapped_field(layer: VectorLayer | TableLayer) -> str:
    """The field a layer's style maps ("" for a single symbol or a table)."""
    style = getattr(layer, "style", None)
    return str(getattr(style, "field", "") or "")


def group_column(layer: VectorLayer | TableLayer) -> str:
    """The column naming each feature's larger unit (its province), or ""."""
    columns = {str(c).lower(): str(c) for c in layer.attributes.columns}
    return next((columns[c.lower()] for c in GROUP_COLUMNS if c.lower() in columns), "")


def dashboard_specs(loaded: LoadedProject) -> list[ChartSpec]:
    """The web dashboard's charts when the page has none: the top 10 features of the mapped layer
    and, for a count, its totals per province."""
    if loaded.project.layout.charts:
        return list(loaded.project.layout.charts)
    layer = mapped_layer(loaded)
    if layer is None:
        return []
    specs = [ChartSpec("bar", layer.name)]
    by = group_column(layer)
    if by and is_count(layer, mapped_field(layer)):
        specs.append(ChartSpec("table", layer.name, by=by, top=MAX_CHART_ROWS))
    return specs


def _ranked(rows: list[ChartRow], top: int) -> list[ChartRow]:
    """The ``top`` rows by published value, largest first. Suppressed rows come after every number,
    by name: their order among themselves would tell which small count is larger. Rows without data
    are left out."""
    shown = sorted((r for r in rows if r.value is not None), key=lambda r: (-(r.value or 0.0), r.label))
    hidden = sorted((r for r in rows if r.suppressed), key=lambda r: r.label)
    return (shown + hidden)[:top]


def suppression_note(rows, threshold: int) -> str:
    marks = {r.text for r in rows if r.suppressed}
    parts = []
    if any(t.startswith("<") for t in marks):
        parts.append(f"<{threshold}: fewer than {threshold}, not drawn to scale")
    if marks - {t for t in marks if t.startswith("<")}:
        parts.append("x: withheld so that no small count can be worked out")
    return "; ".join(parts)


def _unit_name(layer_name: str) -> str:
    """A row heading from the layer's name: ``districts`` → ``District``, ``activities`` → ``Activity``."""
    name = str(layer_name).replace("_", " ").strip()
    lower = name.lower()
    if lower.endswith("ies"):
        return name[:-3] + "y"
    return name[:-1] if lower.endswith("s") and not lower.endswith("ss") else name


def _title(value: str, by: str, label_heading: str, top: int, shown: int) -> str:
    if by:
        return f"{value} by {pretty_name(by).lower()}"
    return f"Top {min(top, shown)}: {value.lower()} by {label_heading.lower()}"


def page_tables(loaded: LoadedProject) -> list[ChartTable]:
    """The page's charts (``[[layout.charts]]``) as ``loaded`` may show them: the protection policy's
    tables on a published copy, else (the desktop preview) made here from the layer's values."""
    specs = loaded.project.layout.charts
    if loaded.published_charts is not None:
        published = loaded.published_charts
        return [table for spec in specs for s, table in published if s == spec]
    threshold = int(loaded.project.protection.threshold)
    tables = []
    for i, spec in enumerate(specs, 1):
        layer = loaded.layer(spec.layer)
        if not isinstance(layer, (VectorLayer, TableLayer)):
            raise ProjectError(
                f"[[layout.charts]] {i} names layer '{spec.layer}', which has no table of values",
                fix="chart a boundary, point or table layer",
            )
        tables.append(chart_table(spec, layer, threshold))
    return tables
