"""A data-quality report for any table or point layer: ``check_quality(layer, boundaries)``.

What it looks for, each an ``Issue`` naming the row as the officer finds it in the file ("file line
7", "sheet row 7") and the field:

- **P-codes** malformed (not COD-AB's ``PK`` + digits by level) or unknown (no boundary has them);
- **names** that match no boundary, with the join's own normalization, aliases and fuzzy
  suggestions (``pakmap.join``: the same answer ``pakmap join`` would give), and names that only
  match after normalization or through an alias (spelled unlike the boundaries);
- **duplicate keys** (the key field, or P-codes in a table of one row per unit) and repeated rows;
- **totals rows** ("Grand Total", "Total Sindh": ``pakmap.join.totals``);
- **missing and zero values** per column;
- **mixed units**: values of one column orders of magnitude apart, "%" text beside plain numbers,
  fractions (0–1) beside percentages (0–100);
- for points, **outside the unit they name** and **far from their unit's cluster**
  (``pakmap.products.quality_spatial``).

Values shown in issues go through the export guard's ``report_value_text``: a personal field's
value is withheld and a small count prints as "<5".
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable

import geopandas as gpd
import numpy as np
import pandas as pd

from ..field_kinds import numeric_values
from ..join.attribute import join_attributes
from ..join.normalize import normalize_key
from ..join.totals import total_reason
from ..layer import Layer, TableLayer, VectorLayer
from ..sources.rows import row_kind
from .issue import Issue
from .pcodes import boundary_pcodes, check_pcode, is_pcode_column
from .quality_spatial import cluster_issues, outside_unit_issues

# Check name -> (title in reports, severity). Errors make a join or a map wrong; warnings deserve a look.
CHECKS: dict[str, tuple[str, str]] = {
    "header_row": ("Header rows read as data", "error"),
    "pcode_malformed": ("Malformed P-codes", "error"),
    "pcode_unknown": ("Unknown P-codes", "error"),
    "name_unmatched": ("Names that match no boundary", "error"),
    "outside_unit": ("Points outside the unit they name", "error"),
    "duplicate_key": ("Duplicate keys", "error"),
    "totals_row": ("Totals rows", "warning"),
    "far_from_cluster": ("Points far from their unit's other points", "warning"),
    "mixed_units": ("Mixed units", "warning"),
    "missing": ("Missing values", "warning"),
    "zero": ("Zero values", "note"),
    "name_variant": ("Names spelled unlike the boundaries", "note"),
}
MISSING_TEXT = {"", "-", "--", "n/a", "na", "nil", "none", "null", "?", "..."}
MAGNITUDE = 2.5  # a value 300 times above or below its column's median is another unit
MAX_ROWS_LISTED = 12


@dataclass
class QualityReport:
    source: str
    rows: int
    against: str = ""
    issues: list[Issue] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)  # role -> field used ("name": "district")
    notes: list[str] = field(default_factory=list)

    def by_check(self) -> dict[str, list[Issue]]:
        out: dict[str, list[Issue]] = {name: [] for name in CHECKS}
        for issue in self.issues:
            out[issue.check].append(issue)
        return {name: issues for name, issues in out.items() if issues}

    def counts(self) -> dict[str, int]:
        return {name: len(issues) for name, issues in self.by_check().items()}

    def summary(self) -> str:
        against = f" against {self.against}" if self.against else ""
        lines = [f"quality of {self.source}{against}: {self.rows} rows, {len(self.issues)} findings"]
        lines += [f"  {CHECKS[name][0]}: {n}" for name, n in self.counts().items()]
        lines += [f"  note: {note}" for note in self.notes]
        return "\n".join(lines)


def _row_labels(frame: pd.DataFrame) -> list[str]:
    kind = row_kind(frame.index)
    return (
        [f"{kind} {label}" for label in frame.index]
        if kind != "row"
        else [f"data row {i + 1}" for i in range(len(frame))]
    )


def _is_missing(value: Any) -> bool:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return True
    return isinstance(value, str) and value.strip().casefold() in MISSING_TEXT


def _is_text(values: pd.Series) -> bool:
    return values.dtype == object or pd.api.types.is_string_dtype(values.dtype)


def _text_columns(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if numeric_values(frame[c]) is None]


# --- which columns play which role ---------------------------------------------------------------


def boundary_fields(boundaries: gpd.GeoDataFrame) -> tuple[str | None, str | None]:
    """(name field, P-code field) of the boundaries: the finest-level P-code column and its ``_EN``
    name (``ADM2_PCODE``, ``ADM2_EN``), else ``name``, else the text column with the most values."""
    attrs = boundaries.drop(columns=boundaries.geometry.name)
    pcode_cols = [c for c in attrs.columns if _is_text(attrs[c]) and is_pcode_column(attrs[c])]
    pcode = max(pcode_cols, key=lambda c: (attrs[c].nunique(), -pcode_cols.index(c)), default=None)
    texts = [c for c in _text_columns(attrs) if c not in pcode_cols]
    preferred = [pcode.upper().replace("PCODE", "EN")] if pcode else []
    name = next((c for c in texts if c.upper() in preferred), None) or next(
        (c for c in texts if c.casefold() == "name"), None
    )
    if name is None and texts:
        name = max(texts, key=lambda c: (attrs[c].nunique(), -texts.index(c)))
    return name, pcode


def guess_name_field(table: pd.DataFrame, names: pd.Series, skip=()) -> str | None:
    """The table column whose values are most often the boundaries' names (after normalization)."""
    known = {normalize_key(v, "name").key for v in names.dropna()}
    best, best_share = None, 0.3
    for column in _text_columns(table):
        if column in skip:
            continue
        keys = [normalize_key(v, "name").key for v in table[column].dropna().astype(str).head(2000)]
        keys = [k for k in keys if k]
        share = sum(k in known for k in keys) / len(keys) if keys else 0.0
        if share > best_share:
            best, best_share = column, share
    return best


def guess_key_field(table: pd.DataFrame, skip=()) -> str | None:
    """A record identifier: a column named like an ID or code whose filled values are nearly all distinct."""
    for column in table.columns:
        words = str(column).casefold().replace("-", "_").replace(" ", "_").split("_")
        if column in skip or not any(w in ("id", "code", "uid", "key", "no") or w.endswith("id") for w in words):
            continue
        values = table[column].dropna()
        if len(values) and values.nunique() >= 0.9 * len(values):
            return column
    return None


# --- the checks ------------------------------------------------------------------------------


def _pcode_issues(table, labels, column, known, level, text) -> list[Issue]:
    issues = []
    for position, value in enumerate(table[column]):
        if _is_missing(value):
            continue
        problem = check_pcode(value, known, level)
        if problem is not None:
            issues.append(
                Issue(f"pcode_{problem.kind}", labels[position], column, text(column, value), problem.detail, position)
            )
    return issues


def _name_issues(
    boundaries, table, labels, name_field, table_field, text, table_name, against, points: bool
) -> tuple[list[Issue], dict[int, int]]:
    """Names through the join itself: what ``pakmap join`` would match, suggest or leave out; and the
    boundary (by position) each table row names."""
    keyed = table[[table_field]].copy()
    keyed.index = range(len(keyed))
    result = join_attributes(
        boundaries[[name_field, boundaries.geometry.name]],
        keyed,
        on=[(name_field, table_field)],
        fields=[],
        aggregate="count",
        layer_name=against,
        table_name=table_name,
    )
    rows = result.report.rows
    issues = []
    claimed = {}
    if not points:
        # A table of figures per unit has one row per unit: two rows for Sukkur double-count it.
        for unit, rows_of_unit in result.report.duplicate_table_keys.items():
            positions = sorted(int(p) for p in rows_of_unit)
            for position in positions[1:]:
                issues.append(
                    Issue(
                        "duplicate_key",
                        labels[position],
                        table_field,
                        text(table_field, table[table_field].iloc[position]),
                        f"{labels[positions[0]]} also names {unit}",
                        position,
                    )
                )
    for _, r in rows.iterrows():
        position = int(r["table_row"])
        if len(r["layer_rows"]) == 1:
            claimed[position] = int(r["layer_rows"][0])
        value = table[table_field].iloc[position]
        shown = text(table_field, value)
        if r["how"] == "unmatched" and not _is_missing(value):
            suggestions = result.report.suggestions.get(r["table_key"], [])
            hint = "; did you mean " + ", ".join(str(s) for s in suggestions) if suggestions else "; no close name"
            issues.append(Issue("name_unmatched", labels[position], table_field, shown, f"no boundary{hint}", position))
        elif r["how"] in ("normalized", "alias") and str(value) != str(r["layer_key"]):
            how = "an alias" if r["how"] == "alias" else "normalization"
            issues.append(
                Issue(
                    "name_variant",
                    labels[position],
                    table_field,
                    shown,
                    f"matches '{r['layer_key']}' only through {how}",
                    position,
                )
            )
        elif r["how"] == "total":
            issues.append(
                Issue("totals_row", labels[position], table_field, shown, str(r["detail"] or "a totals row"), position)
            )
    return issues, claimed


def _pcode_claims(table, column, boundaries, boundary_pcode) -> dict[int, int]:
    """The boundary (by position) each row's P-code names, where it names one exactly."""
    where = {str(code).strip(): i for i, code in enumerate(boundaries[boundary_pcode])}
    return {p: where[str(v).strip()] for p, v in enumerate(table[column]) if str(v).strip() in where}


def _totals_issues(table, labels, columns, text) -> list[Issue]:
    issues = []
    for position in range(len(table)):
        for column in columns:
            reason = total_reason(table[column].iloc[position], levels=False)
            if reason:
                value = text(column, table[column].iloc[position])
                issues.append(Issue("totals_row", labels[position], column, value, reason, position))
                break
    return issues


def _listed(labels: list[str], positions) -> str:
    shown = [labels[p] for p in positions[:MAX_ROWS_LISTED]]
    more = len(positions) - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


def _duplicate_issues(table, labels, key, text) -> list[Issue]:
    issues = []
    if key is not None:
        values = table[key]
        filled = values[~values.map(_is_missing)].astype(str).str.strip()
        for value, group in filled.groupby(filled, sort=False):
            if len(group) > 1:
                positions = [table.index.get_loc(i) for i in group.index]
                shown = text(key, value)
                for position in positions[1:]:
                    first = labels[positions[0]]
                    issues.append(
                        Issue("duplicate_key", labels[position], key, shown, f"same {key} as {first}", position)
                    )
    repeated = table.astype(str).duplicated(keep="first")
    for position in np.flatnonzero(repeated.to_numpy()):
        issues.append(
            Issue("duplicate_key", labels[position], "(whole row)", "", "the same as an earlier row", int(position))
        )
    return issues


def _header_row_issues(table, labels) -> list[Issue]:
    """A header of two rows (merged group titles over the real column names): the first data row
    is all words where the rows below it carry numbers."""
    if len(table) < 3:
        return []
    first, rest = table.iloc[0], table.iloc[1:]
    numeric_below = [c for c in table.columns if numeric_values(rest[c]) is not None and rest[c].notna().any()]
    if not numeric_below or not all(
        isinstance(first[c], str) and numeric_values(pd.Series([first[c]])) is None for c in numeric_below
    ):
        return []
    names = ", ".join(str(v) for v in first.dropna().tolist()[:6])
    row = str(table.index[0])
    return [
        Issue(
            "header_row",
            labels[0],
            "(whole row)",
            names,
            f"reads as a second header row: read the file with its header on that row (--header-row {row})",
            0,
        )
    ]


def _missing_issues(table, labels) -> list[Issue]:
    issues = []
    for column in table.columns:
        missing = np.flatnonzero(table[column].map(_is_missing).to_numpy())
        if len(missing) == len(table) and len(table):
            issues.append(Issue("missing", "column", str(column), "", "the column is empty"))
        elif len(missing):
            issues.append(
                Issue("missing", "column", str(column), str(len(missing)), f"missing in {_listed(labels, missing)}")
            )
        numbers = numeric_values(table[column])
        if numbers is not None:
            zeros = np.flatnonzero((numbers == 0).to_numpy())
            if len(zeros):
                issues.append(Issue("zero", "column", str(column), str(len(zeros)), f"0 in {_listed(labels, zeros)}"))
    return issues


def _mixed_unit_issues(table, labels, text) -> list[Issue]:
    issues = []
    for column in table.columns:
        raw = table[column]
        as_text = raw.dropna().astype(str).str.strip()
        percent = as_text.str.endswith("%")
        if percent.any() and not percent.all():
            positions = [table.index.get_loc(i) for i in as_text[~percent].index if not _is_missing(raw.loc[i])]
            if positions:
                issues.append(
                    Issue(
                        "mixed_units",
                        "column",
                        str(column),
                        f"{int(percent.sum())} with %",
                        f"'%' beside plain numbers in {_listed(labels, positions)}",
                    )
                )
                continue
        numbers = numeric_values(raw.where(~raw.astype(str).str.strip().str.endswith("%"), None))
        if numbers is None:
            continue
        filled = numbers.dropna()
        if len(filled) < 4:
            continue
        fractions = filled[(filled > 0) & (filled <= 1) & (filled != filled.round())]
        percents = filled[(filled > 1) & (filled <= 100)]
        if len(fractions) and len(percents) and filled.max() <= 100 and len(fractions) < len(filled):
            minority = fractions if len(fractions) <= len(percents) else percents
            positions = [table.index.get_loc(i) for i in minority.index]
            issues.append(
                Issue(
                    "mixed_units",
                    "column",
                    str(column),
                    f"{len(fractions)} fractions, {len(percents)} percentages",
                    f"shares written both as fractions (0–1) and as percentages (0–100); odd ones in {_listed(labels, positions)}",
                )
            )
            continue
        positive = filled[filled > 0]
        if len(positive) < 4:
            continue
        logs = np.log10(positive)
        off = positive[(logs - logs.median()).abs() >= MAGNITUDE]
        for i, value in off.items():
            position = table.index.get_loc(i)
            factor = value / float(positive.median())
            detail = (
                f"{factor:,.0f} times the column's median"
                if factor > 1
                else f"1/{1 / factor:,.0f} of the column's median"
            )
            issues.append(
                Issue(
                    "mixed_units",
                    labels[position],
                    str(column),
                    text(column, raw.loc[i]),
                    f"{detail}: another unit?",
                    position,
                )
            )
    return issues


# --- the report ------------------------------------------------------------------------------


def check_quality(
    layer: Layer,
    boundaries: gpd.GeoDataFrame | None = None,
    *,
    against: str = "",
    name_field: str | None = None,
    pcode_fields: list[str] | None = None,
    key_field: str | None = None,
    boundary_name: str | None = None,
    boundary_pcode: str | None = None,
    value_text: Callable[[str, Any], str] = lambda field, value: str(value),
    cluster_k: float = 3.0,
    row_labels: list[str] | None = None,
) -> QualityReport:
    """Every check on ``layer`` (a table or a point layer), against ``boundaries`` when given.

    Column roles are guessed when not given (and the report says which were used): the boundaries'
    finest P-code field and its name field, the table's P-code columns (mostly ``PK…`` values), the
    column that holds the boundaries' names, and a key column named like an ID."""
    assert isinstance(layer, (VectorLayer, TableLayer)), "a table or a vector layer"
    table = layer.attributes
    labels = row_labels if row_labels is not None and len(row_labels) == len(table) else _row_labels(table)
    source = layer.source.path.name if layer.source and layer.source.path else layer.name
    report = QualityReport(source=str(source), rows=len(table), against=against)
    text = value_text
    pcode_fields = (
        list(pcode_fields)
        if pcode_fields is not None
        else [c for c in table.columns if _is_text(table[c]) and is_pcode_column(table[c])]
    )
    known = level = None
    if boundaries is not None:
        b_name, b_pcode = boundary_fields(boundaries)
        boundary_name, boundary_pcode = boundary_name or b_name, boundary_pcode or b_pcode
        for role, value in (("boundary name", boundary_name), ("boundary P-code", boundary_pcode)):
            if value:
                report.columns[role] = value
        if boundary_pcode:
            known, level = boundary_pcodes(boundaries[boundary_pcode])
        if name_field is None and boundary_name:
            name_field = guess_name_field(table, boundaries[boundary_name], skip=pcode_fields)
    for column in pcode_fields:
        report.columns.setdefault("P-code", column)
        report.issues += _pcode_issues(table, labels, column, known, level, text)
    if name_field:
        report.columns["name"] = name_field
    claimed: dict[int, int] = {}
    if boundaries is not None:
        boundaries = boundaries.reset_index(drop=True)
    if boundaries is not None and name_field and boundary_name:
        issues, claimed = _name_issues(
            boundaries, table, labels, boundary_name, name_field, text, source, against, isinstance(layer, VectorLayer)
        )
        report.issues += issues
    else:
        if boundaries is None:
            report.notes.append(
                "no boundaries given (--against): names, P-codes and points were not checked against units"
            )
        columns = [name_field] if name_field else _text_columns(table)[:3]
        report.issues += _totals_issues(table, labels, columns, text)
    key_field = (
        key_field
        or guess_key_field(table, skip=pcode_fields)
        or (pcode_fields[0] if len(pcode_fields) == 1 and not isinstance(layer, VectorLayer) else None)
    )
    if key_field:
        report.columns["key"] = key_field
    report.issues += _duplicate_issues(table, labels, key_field, text)
    totals = {i.position for i in report.issues if i.check == "totals_row"}
    figures = table.drop(index=[table.index[p] for p in totals])  # a total is meant to be larger
    report.issues += _header_row_issues(table, labels)
    report.issues += _missing_issues(figures, [labels[p] for p in range(len(table)) if p not in totals])
    report.issues += _mixed_unit_issues(figures, [labels[p] for p in range(len(table)) if p not in totals], text)
    if isinstance(layer, VectorLayer) and layer.geometry_type == "Point":
        claim_field = name_field if claimed else None
        if boundaries is not None and not claimed and pcode_fields and boundary_pcode:
            claimed, claim_field = _pcode_claims(table, pcode_fields[0], boundaries, boundary_pcode), pcode_fields[0]
        points = layer.data
        if boundaries is not None and claimed:
            report.issues += outside_unit_issues(
                points, boundaries, boundary_name or boundary_pcode or "", claimed, claim_field, labels, text
            )
        report.issues += cluster_issues(points, claimed, labels, k=cluster_k)
    return report


__all__ = ["CHECKS", "Issue", "QualityReport", "check_quality", "boundary_fields"]
