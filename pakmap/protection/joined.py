"""``pakmap join``'s outputs under the same guard and record as every other export.

The joined layer and its statistics table are put in a project built in memory (the layer drawn,
the table hidden, the join between them), so ``guard_export`` decides what the joined file may
carry exactly as it does for a map: fields detected or flagged in the table, or joined in from
it, are withheld unless allowed; counts under the threshold are written as "<5"; and the export
record says what was withheld and suppressed. The join report's ``values`` column (unmatched table
rows) never carries a withheld field's value nor a small count (``report_value_text``).
"""

from __future__ import annotations

import copy
from typing import Any, Callable

import pandas as pd

from ..errors import ProtectionError
from ..field_kinds import count_fields_of
from ..join.attribute import row_values_text
from ..join.report import JoinReport
from ..layer import Layer, TableLayer, VectorLayer
from ..numbers import format_number
from ..project.loaded import LoadedProject
from ..project.model import JoinSpec, LayerSpec, Project, ProtectionSpec
from ..sensitivity.detect import is_individual_level
from .policy import ExportPlan, guard_export, parse_allow_arguments, sensitive_fields

WITHHELD_VALUE = "(withheld: personal data)"


def _project(
    layer: VectorLayer,
    table: VectorLayer | TableLayer | None,
    on,
    aggregate: str | None = None,
    points: VectorLayer | None = None,
) -> Project:
    specs = [LayerSpec(layer.name)]
    joins = []
    if points is not None:
        specs.append(LayerSpec(points.name, visible=False, legend=False))
        joins.append(JoinSpec(layer=layer.name, kind="spatial", points=points.name))
    if table is not None:
        specs.append(LayerSpec(table.name, visible=False, legend=False))
        joins.append(JoinSpec(layer=layer.name, table=table.name, on=[list(p) for p in on], aggregate=aggregate))
    return Project(layers=specs, joins=joins)


def _hidden(table: VectorLayer | TableLayer, layer_name: str = "") -> TableLayer:
    """The table as the in-memory project holds it: read, never drawn (renamed if the layer has
    its name, as ``districts.gpkg`` and ``districts.csv`` would)."""
    name = f"{table.name}_table" if table.name == layer_name else table.name
    copy = TableLayer(name, table.attributes, table.source)
    copy.sensitive_fields = dict(getattr(table, "sensitive_fields", {}))
    copy.visible = False
    return copy


def _hidden_points(points: VectorLayer, layer_name: str) -> VectorLayer:
    """The points counted or summed (``--stat``), as the in-memory project holds them: never drawn."""
    copy = VectorLayer(
        f"{points.name}_points" if points.name == layer_name else points.name, points.data, points.source
    )
    copy.sensitive_fields = dict(points.sensitive_fields)
    copy.visible = False
    return copy


def report_value_text(
    table: VectorLayer | TableLayer, allow_sensitive=(), threshold: int = ProtectionSpec.threshold
) -> Callable[[str, Any], str]:
    """How the join report shows a value of ``table``: a sensitive field not allowed by
    ``--allow-sensitive`` (``FIELD`` or ``TABLE:FIELD``) as ``WITHHELD_VALUE``, a count as the
    guard publishes it ("<5"), anything else as text."""
    hidden = _hidden(table)
    withheld = withheld_fields(table, allow_sensitive)
    counts = set(count_fields_of(hidden))

    def text(field: str, value: Any) -> str:
        if field in withheld:
            return WITHHELD_VALUE
        if field in counts:
            number = pd.to_numeric(pd.Series([value]), errors="coerce").iloc[0]
            return str(value) if number != number else format_number(float(number), threshold=threshold)
        return str(value)

    return text


def published_join_report(
    report: JoinReport,
    table: VectorLayer | TableLayer,
    on,
    layer: VectorLayer | None = None,
    allow_sensitive=(),
    threshold: int = ProtectionSpec.threshold,
) -> JoinReport:
    """A copy of a project join's report as it may be published (a database export's companion
    table): unmatched rows' values shown as ``pakmap join --report`` shows them (personal fields
    withheld, small counts "<5"), and personal keys withheld. ``table`` is the table as read."""
    published = copy.deepcopy(report)
    text = report_value_text(table, allow_sensitive, threshold)
    rows = published.rows
    attributes = table.attributes
    rows["values"] = [
        row_values_text(attributes.loc[label, report.value_fields], text)
        if isinstance(values, str) and values
        else values
        for label, values in zip(rows["table_row"], rows["values"])
    ]
    redact_report_keys(published, table, on, layer, allow_sensitive)
    return published


def withheld_fields(layer: VectorLayer | TableLayer, allow_sensitive=()) -> set[str]:
    """The fields of ``layer`` (a table or a layer) that its outputs withhold: detected or flagged as
    personal and not allowed by ``--allow-sensitive`` (``FIELD`` or ``LAYER:FIELD``)."""
    hidden = _hidden(layer)
    loaded = LoadedProject(Project(layers=[LayerSpec(hidden.name, visible=False)]), [hidden])
    allowed = {a.field for a in parse_allow_arguments(allow_sensitive) if a.layer in ("*", layer.name, hidden.name)}
    return {f for f in sensitive_fields(loaded, hidden) if f not in allowed}


def redact_report_keys(
    report, table: VectorLayer | TableLayer, on, layer: VectorLayer | None = None, allow_sensitive=()
) -> None:
    """Withhold the keys of the join report when the key itself is personal (a CNIC or a phone joined
    on): ``table_key`` (and ``detail``, which quotes it) when a table key field is withheld,
    ``layer_key`` (and the suggestions, which are layer keys) when a layer key field is; the
    warnings and notes lose those values too. ``on``: the ``(layer_field, table_field)`` pairs."""
    rows = report.rows
    hidden_keys: set[str] = set()
    if set(t for _, t in on) & withheld_fields(table, allow_sensitive):
        hidden_keys |= {str(k) for k in rows["table_key"] if str(k).strip(" |")}
        for column in ("table_key", "detail"):
            rows[column] = [WITHHELD_VALUE if str(v).strip(" |") else v for v in rows[column]]
        report.suggestions = {}
    if layer is not None and set(l for l, _ in on) & withheld_fields(layer, allow_sensitive):
        hidden_keys |= {str(k) for k in rows["layer_key"] if str(k).strip(" |")}
        hidden_keys |= {str(k) for k in report.unmatched_layer["layer_key"]}
        hidden_keys |= set(map(str, report.duplicate_layer_keys)) | set(map(str, report.duplicate_table_keys))
        for column in ("layer_key", "suggestions", "detail"):
            rows[column] = [WITHHELD_VALUE if str(v).strip(" |") else v for v in rows[column]]
        report.unmatched_layer["layer_key"] = WITHHELD_VALUE
        report.duplicate_layer_keys = {
            f"{WITHHELD_VALUE} {i}": v for i, v in enumerate(report.duplicate_layer_keys.values(), 1)
        }
        report.duplicate_table_keys = {
            f"{WITHHELD_VALUE} {i}": v for i, v in enumerate(report.duplicate_table_keys.values(), 1)
        }
    if hidden_keys:
        ordered = sorted(hidden_keys, key=len, reverse=True)
        report.warnings = [_without(text, ordered) for text in report.warnings]
        report.notes = [_without(text, ordered) for text in report.notes]


def _without(text: str, values: list[str]) -> str:
    for value in values:
        if len(value) >= 3:
            text = text.replace(value, WITHHELD_VALUE)
    return text


def check_row_aggregate(table: Layer, aggregate: str | None, path=None) -> None:
    """``--aggregate first`` of a table whose rows are people or households would publish one of
    them per feature: refused (a count or a sum over them is what a map may show)."""
    if aggregate == "first" and is_individual_level(table):
        raise ProtectionError(
            "--aggregate first would publish one household or person of the table per feature "
            "(its rows are individuals or households)",
            path=path,
            fix="use --aggregate count or sum, or join a table of figures per unit",
        )


def guard_join(
    layer: VectorLayer,
    table: VectorLayer | TableLayer | None,
    out_path,
    *,
    on=(),
    chosen=(),
    allow_sensitive=(),
    reason: str = "",
    aggregate: str | None = None,
    threshold: int | None = None,
    points: VectorLayer | None = None,
) -> tuple[LoadedProject, ExportPlan]:
    """The safe copy (``layer`` and the hidden table) and the plan for writing it to ``out_path``.

    ``chosen``: the table fields the officer named (``--fields``): one that is withheld refuses the
    export, since the officer asked for it, rather than quietly leaving it out. ``aggregate``: how
    the join combined several table rows; ``points``: the points a spatial join (``--stat``) counted
    or summed (sums and means of too few households are suppressed in both)."""
    hidden = _hidden(table, layer.name) if table is not None else None
    counted = _hidden_points(points, layer.name) if points is not None else None
    layers: list[Layer] = [layer]
    if hidden is not None:
        layers.append(hidden)
    if counted is not None:
        layers.append(counted)
    loaded = LoadedProject(_project(layer, hidden, on, aggregate, counted), layers)
    safe, plan = guard_export(loaded, out_path, allow_sensitive, reason=reason, threshold=threshold)
    withheld = plan.layers[layer.name].withheld
    asked = [f for f in chosen if f in withheld]
    if asked:
        found = ", ".join(f"{layer.name}.{f} ({withheld[f]})" for f in asked)
        raise ProtectionError(
            f"the join would publish personal data: {found}",
            path=out_path,
            fix=f"leave {', '.join(asked)} out of --fields (or, under a data-sharing "
            f"agreement, pass --allow-sensitive {asked[0]}: recorded)",
        )
    return safe, plan


__all__ = [
    "guard_join",
    "report_value_text",
    "published_join_report",
    "check_row_aggregate",
    "withheld_fields",
    "redact_report_keys",
    "WITHHELD_VALUE",
]
