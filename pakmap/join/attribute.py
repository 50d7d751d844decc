"""Attribute joins: a statistics table onto a layer, accountable row by row.

``join_attributes(layer, table, on=[("name", "District")], within=("province", "Province"))`` returns
a ``JoinResult``: the layer's features, all of them, in order, with the table's fields added, and a
``JoinReport`` saying how every table row matched (or why not, with suggestions). The inputs are
never modified.

Cardinality: several layer features with the same key are reported (each receives the row's
values); several table rows for one feature are refused with ``JoinError`` unless ``aggregate`` says
how to combine them (``sum``, ``mean``, ``count`` or ``first``).

A row named after a declared group of units ("Karachi": alias files, ``groups=``) is one figure for
all their features: they are merged into one feature (the union of their geometry, named after the
group) in the joined data, so the map draws the figure once over the whole area instead of
repeating it on every district. Every other feature is kept, in order.
"""

from __future__ import annotations

import os
from typing import Any, Callable, Mapping, Sequence

import geopandas as gpd
import numpy as np
import pandas as pd

from ..errors import JoinError
from ..sources.rows import row_kind
from .aliases import AliasTable
from .dissolve import merge_features
from .matching import Matching, match_rows
from .normalize import KeyNormalizer
from .report import JoinReport, JoinResult, Suggestion, accepted_from_dict, key_text
from .suggest import rank_suggestions

AGGREGATES = ("sum", "mean", "count", "first")


def _check_fields(frame: pd.DataFrame, wanted: Sequence[str], what: str, name: str) -> None:
    missing = [f for f in wanted if f not in frame.columns]
    if missing:
        available = ", ".join(map(str, frame.columns[:30]))
        raise JoinError(
            f"the {what} '{name}' has no field {', '.join(map(repr, missing))}", fix=f"use one of: {available}"
        )


def _parse_pairs(on: Any) -> list[tuple[str, str]]:
    if isinstance(on, str) or (isinstance(on, tuple) and len(on) == 2 and all(isinstance(x, str) for x in on)):
        on = [on]  # a single pair ("name=District", "name" or ("name", "District"))
    pairs = []
    for pair in on or []:
        if isinstance(pair, str):
            pair = tuple(pair.split("=", 1)) if "=" in pair else (pair, pair)
        if len(pair) != 2:
            raise JoinError(f"join key {pair!r} is not a pair", fix="write LAYER_FIELD=TABLE_FIELD")
        pairs.append((str(pair[0]), str(pair[1])))
    if not pairs:
        raise JoinError("no join key given", fix="name the fields to join on: --on LAYER_FIELD=TABLE_FIELD")
    return pairs


def join_attributes(
    layer: gpd.GeoDataFrame,
    table: pd.DataFrame,
    on: Any,
    *,
    within: tuple[str, str] | None = None,
    fields: Sequence[str] | None = None,
    aggregate: str | None = None,
    accepted: dict[str, str] | None = None,
    alias_files: Sequence[str | os.PathLike] = (),
    builtin_aliases: bool = True,
    strict: bool = False,
    layer_name: str = "layer",
    table_name: str = "table",
    suggest: bool = True,
    groups: Mapping[str, Sequence[str]] | None = None,
    value_text: Callable[[str, Any], str] | None = None,
) -> JoinResult:
    """Join ``table`` onto ``layer``; see the module docstring.

    ``on``: key pairs ``[(layer_field, table_field), …]`` (several pairs form one composite key).
    ``within``: ``(layer_parent_field, table_parent_field)``: names are matched within the same parent.
    ``fields``: table fields to bring over (default: all but the key fields).
    ``accepted``: ``{table key: layer key}`` matches the user accepted (composite keys joined by " | ").
    ``alias_files``: the user's alias CSVs, after the built-in ``layers/aliases/`` ones.
    ``strict``: unmatched table rows that carry values raise ``JoinError`` instead of a warning.
    ``groups``: ``{group name: [unit, …]}`` declared by the project, beside the alias files' groups.
    ``value_text(field, value)``: how the report shows a table value of an unmatched row (the export
    guard's: personal data withheld, small counts as "<5"); default ``str``.
    """
    pairs = _parse_pairs(on)
    within = tuple(within) if within else None  # type: ignore[assignment]
    if within is not None and len(within) != 2:
        raise JoinError(f"'within' must be a pair of fields, not {within!r}", fix="write LAYER_PARENT=TABLE_PARENT")
    if aggregate is not None and aggregate not in AGGREGATES:
        raise JoinError(f"unknown aggregation {aggregate!r}", fix=f"use one of: {', '.join(AGGREGATES)}")
    _check_fields(layer, [lf for lf, _ in pairs] + ([within[0]] if within else []), "layer", layer_name)
    key_fields = [tf for _, tf in pairs] + ([within[1]] if within else [])
    _check_fields(table, key_fields, "table", table_name)
    if fields is None:
        # A table read with coordinates is a GeoDataFrame: its geometry is not an attribute to copy.
        geometry = {table.geometry.name} if isinstance(table, gpd.GeoDataFrame) else set()
        fields = [c for c in table.columns if c not in key_fields and c not in geometry]
    else:
        fields = list(fields)
        _check_fields(table, fields, "table", table_name)
    accepted = accepted_from_dict(accepted or {})

    normalizer = KeyNormalizer()
    aliases = AliasTable.load(alias_files, builtin=builtin_aliases, normalizer=normalizer, groups=groups)
    matching = match_rows(layer, table, pairs, within, aliases, accepted, normalizer)
    report = _build_report(
        layer, table, pairs, matching, fields, layer_name, table_name, normalizer, suggest, value_text or _plain_text
    )
    report.aggregate = aggregate
    report.value_fields = list(fields)

    # Cardinality: which groups receive several table rows?
    by_group: dict[int, list[int]] = {}
    for i, res in enumerate(matching.resolutions):
        if res.group is not None:
            by_group.setdefault(res.group, []).append(i)
    labels = list(table.index)
    report.duplicate_table_keys = {
        matching.group_text[g]: [labels[i] for i in rows] for g, rows in by_group.items() if len(rows) > 1
    }
    if report.duplicate_table_keys and aggregate is None:
        examples = "; ".join(
            f"{k!r} from {report.row_kind}s {', '.join(map(str, v[:4]))}"
            for k, v in list(report.duplicate_table_keys.items())[:3]
        )
        error = JoinError(
            f"{len(report.duplicate_table_keys)} feature(s) of '{layer_name}' would receive several "
            f"rows of '{table_name}' ({examples})",
            fix="choose an aggregation (sum, mean, count or first) or remove the duplicate rows",
        )
        error.report = report  # the GUI shows the report even when the join is refused
        raise error

    _check_group_overlap(matching, by_group, report, layer_name, table_name)
    data, added, notes = _assemble(layer, table, matching, by_group, fields, aggregate)
    rows = _rows_per_feature(len(layer), matching, by_group) if aggregate in ("sum", "mean") else None
    report.fields = added
    report.notes.extend(notes)
    if any(g in by_group for g in matching.declared):
        data, notes = _merge_groups(data, matching, by_group, pairs[0][0], report.row_kind, labels, layer_name)
        report.notes.extend(notes)
        if rows is not None:  # a merged group keeps its first feature (merge_features)
            dropped = [p for g in matching.declared if g in by_group for p in sorted(matching.groups[g])[1:]]
            rows = np.delete(rows, dropped)
    if strict and report.warnings:
        error = JoinError(
            report.warnings[0],
            fix="correct the table, add an alias file (--aliases), accept a "
            "suggestion (--accept 'TABLE_KEY=LAYER_KEY'), or drop --strict",
        )
        error.report = report
        raise error
    return JoinResult(data, report, {f: rows for f in added} if rows is not None else {})


def _rows_per_feature(n: int, matching: Matching, by_group: dict[int, list[int]]) -> np.ndarray:
    """How many table rows each feature's joined values were made of (0: none)."""
    out = np.zeros(n, dtype=np.int64)
    for g, rows in by_group.items():
        out[matching.groups[g]] = len(rows)
    return out


def _check_group_overlap(
    matching: Matching, by_group: dict[int, list[int]], report: JoinReport, layer_name: str, table_name: str
) -> None:
    """A group row and a row of one of its units would both draw on that unit: refused."""
    for g in matching.declared:
        if g not in by_group:
            continue
        members = set(matching.groups[g])
        clash = [
            matching.group_text[o]
            for o in by_group
            if o != g and o not in matching.declared and members & set(matching.groups[o])
        ]
        if clash:
            error = JoinError(
                f"the row for group {matching.group_text[g]!r} of '{table_name}' covers features that "
                f"other rows also match ({', '.join(clash)}) in '{layer_name}'",
                fix="keep either the group's row or its units' rows in the table",
            )
            error.report = report
            raise error


def _merge_groups(
    data: gpd.GeoDataFrame,
    matching: Matching,
    by_group: dict[int, list[int]],
    key_field: str,
    row_kind: str,
    labels: list,
    layer_name: str,
) -> tuple[gpd.GeoDataFrame, list[str]]:
    """Each declared group that received a row becomes one dissolved feature named after the group."""
    merges, notes = [], []
    for g, (entry, units) in matching.declared.items():
        if g not in by_group:
            continue
        merges.append((matching.groups[g], {key_field: entry.alias}))
        rows = ", ".join(str(labels[i]) for i in by_group[g])
        notes.append(
            f"{row_kind} {rows} {entry.alias!r} is one figure for {len(matching.groups[g])} features of "
            f"'{layer_name}' ({', '.join(units)}): drawn dissolved as one feature"
        )
    merged, repaired = merge_features(data, merges)
    if repaired:
        notes.append(f"{repaired} invalid geometr{'y' if repaired == 1 else 'ies'} made valid for the union")
    return merged, notes


def _plain_text(field: str, value: Any) -> str:
    return str(value)


def row_values_text(row: pd.Series, value_text: Callable[[str, Any], str]) -> str:
    """The ``values`` cell of the report for an unmatched table row: ``field=value; …``."""
    return "; ".join(f"{k}={value_text(str(k), v)}" for k, v in row.items() if pd.notna(v))


def _has_values(table: pd.DataFrame, fields: list[str]) -> pd.Series:
    if not fields:
        return pd.Series(True, index=table.index)
    return table[fields].notna().any(axis=1)


def _build_report(
    layer,
    table,
    pairs,
    matching: Matching,
    fields,
    layer_name,
    table_name,
    normalizer: KeyNormalizer,
    suggest: bool,
    value_text: Callable[[str, Any], str],
) -> JoinReport:
    has_values = _has_values(table, fields).tolist()
    layer_labels, table_labels = layer.index.tolist(), table.index.tolist()
    layer_positions = [[layer_labels[p] for p in members] for members in matching.groups]
    value_rows = table[fields] if fields else None
    records = []
    unmatched_queries = []
    for i, res in enumerate(matching.resolutions):
        table_key = matching.table_text[i]
        values = ""
        if res.group is None and value_rows is not None:
            values = row_values_text(value_rows.iloc[i], value_text)
        records.append(
            {
                "table_row": table_labels[i],
                "table_key": table_key,
                "how": res.how,
                "layer_key": matching.group_text[res.group] if res.group is not None else "",
                "layer_rows": layer_positions[res.group] if res.group is not None else [],
                "detail": res.detail,
                "suggestions": "",
                "has_values": bool(has_values[i]),
                "values": values,
            }
        )
        if res.how == "unmatched" and table_key.strip(" |"):
            text = " ".join(filter(None, (normalizer(table[tf].iloc[i]).text for _, tf in pairs)))
            unmatched_queries.append((table_key, text, matching.table_parent[i]))
    suggestions: dict[str, list[Suggestion]] = {}
    if suggest and unmatched_queries:
        taken = {matching.group_text[res.group] for res in matching.resolutions if res.group is not None}
        suggestions = rank_suggestions(unmatched_queries, matching.candidates, taken=taken)
        for rec in records:
            if rec["how"] == "unmatched" and rec["table_key"] in suggestions:
                rec["suggestions"] = "; ".join(map(str, suggestions[rec["table_key"]]))
    rows = pd.DataFrame.from_records(
        records,
        columns=[
            "table_row",
            "table_key",
            "how",
            "layer_key",
            "layer_rows",
            "detail",
            "suggestions",
            "has_values",
            "values",
        ],
    )
    matched_positions = {p for res in matching.resolutions if res.group is not None for p in matching.groups[res.group]}
    key_cols = [layer[lf].tolist() for lf, _ in pairs]
    unmatched_layer = pd.DataFrame(
        [
            {"layer_row": layer_labels[p], "layer_key": key_text(tuple(col[p] for col in key_cols))}
            for p in range(len(layer))
            if p not in matched_positions
        ],
        columns=["layer_row", "layer_key"],
    )
    report = JoinReport(
        layer_name=layer_name,
        table_name=table_name,
        rows=rows,
        unmatched_layer=unmatched_layer,
        suggestions=suggestions,
        accepted=dict(matching.accepted_used),
        notes=list(matching.notes),
        row_kind=row_kind(table.index),
    )
    report.duplicate_layer_keys = {
        matching.group_text[g]: layer_positions[g]
        for g, members in enumerate(matching.groups)
        if len(members) > 1 and g not in matching.declared
    }
    if report.duplicate_layer_keys:
        report.notes.append(
            f"{len(report.duplicate_layer_keys)} key(s) appear on several features of "
            f"'{layer_name}'; each of those features receives the same table values"
        )
    lost = rows[(rows["how"] == "unmatched") & rows["has_values"]]
    if len(lost):
        keys = ", ".join(repr(k) if k.strip(" |") else "(no key)" for k in lost["table_key"].head(5))
        more = f" and {len(lost) - 5} more" if len(lost) > 5 else ""
        report.warnings.append(
            f"{len(lost)} row(s) of '{table_name}' with values match no feature of '{layer_name}': {keys}{more}"
        )
    return report


# Column names no output may carry from a table: GeoPackage keeps its feature id in "fid" (GDAL's
# other drivers in "ogc_fid"), and every writer keeps the geometry in its own column.
RESERVED_COLUMNS = ("fid", "ogc_fid", "geometry")


def joined_field_names(layer_columns: Sequence[Any], fields: Sequence[Any]) -> tuple[dict[Any, str], list[str]]:
    """Table field → output column, and a note per renamed field.

    A table field whose name the layer already has, compared without case (``PROVINCE`` beside
    ``province``: GeoPackage, shapefile and GDAL's other writers treat those as one field), or whose
    name is reserved (``fid``), gets the suffix ``_table`` (``_table2``… when that is taken too).
    """
    taken = {str(c).casefold() for c in layer_columns} | set(RESERVED_COLUMNS)
    names, notes = {}, []
    for f in fields:
        name = str(f)
        if name.casefold() in taken:
            base, n = f"{name}_table", 2
            name = base
            while name.casefold() in taken:
                name, n = f"{base}{n}", n + 1
            clash = "a reserved name in GeoPackage" if str(f).casefold() in RESERVED_COLUMNS else "also a layer field"
            notes.append(f"table field {f!r} is {clash}: joined as {name!r}")
        taken.add(name.casefold())
        names[f] = name
    return names, notes


def _assemble(
    layer: gpd.GeoDataFrame,
    table: pd.DataFrame,
    matching: Matching,
    by_group: dict[int, list[int]],
    fields: list[str],
    aggregate: str | None,
) -> tuple[gpd.GeoDataFrame, list[str], list[str]]:
    """The layer (copied) with one value per feature for every joined field."""
    names, notes = joined_field_names(layer.columns, fields)
    group_of_row = np.full(len(table), -1, dtype=np.int64)
    for g, rows in by_group.items():
        group_of_row[rows] = g
    matched = group_of_row >= 0
    source = table[fields].reset_index(drop=True)[matched]
    groups = pd.Series(group_of_row[matched])
    if aggregate in (None, "first"):
        values = source.groupby(groups.to_numpy(), sort=False).first() if len(source) else source
        if aggregate is None:  # one row per group, guaranteed by the cardinality check
            values = source.set_axis(groups.to_numpy())
    elif aggregate == "count":
        values = source.groupby(groups.to_numpy(), sort=False).count()
    else:
        numeric = [
            f for f in fields if pd.api.types.is_numeric_dtype(source[f]) and not pd.api.types.is_bool_dtype(source[f])
        ]
        text = [f for f in fields if f not in numeric]
        grouped = source.groupby(groups.to_numpy(), sort=False)
        parts = []
        if numeric:
            # min_count=1: a feature whose rows are all empty stays "no data", not 0.
            parts.append(grouped[numeric].sum(min_count=1) if aggregate == "sum" else grouped[numeric].mean())
        if text:
            parts.append(grouped[text].first())
            notes.append(
                f"text field(s) {', '.join(map(repr, text))} cannot be "
                f"{'added up' if aggregate == 'sum' else 'averaged'}: the first row's value is kept"
            )
        values = pd.concat(parts, axis=1)[fields] if parts else source.iloc[:0]
    # Feature position → group, then take the group's values (duplicated layer keys share them).
    feature_group = np.full(len(layer), -1, dtype=np.int64)
    for g, members in enumerate(matching.groups):
        feature_group[members] = g
    out = layer.copy()
    joined = values.reindex(feature_group)
    for f in fields:
        out[names[f]] = joined[f].to_numpy()
    return out, [names[f] for f in fields], notes


__all__ = ["join_attributes", "joined_field_names", "AGGREGATES", "RESERVED_COLUMNS"]
