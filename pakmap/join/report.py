"""The join report: what matched, how, and what did not: the antidote to silent empty cells.

Every attribute join returns one (``JoinResult.report``). The CLI prints ``summary()``, the GUI shows
``rows`` and ``suggestions``, ``to_csv`` writes everything for the officer to fix the table, and
``warnings`` lists what the user must see (unmatched table rows that carry values); ``notes`` are
the rest (duplicates in the layer, stale accepted matches, aggregated text fields).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Iterator, Protocol

import geopandas as gpd
import numpy as np
import pandas as pd

from ..csv_out import write_rows_csv
from ..errors import JoinError

# How a table row found its feature, strongest first; then totals rows (left out on purpose) and
# "unmatched" last.
MATCH_KINDS = ("exact", "normalized", "alias", "accepted", "group", "total", "unmatched")
KIND_LABELS = {
    "exact": "matched exactly",
    "normalized": "matched after normalization",
    "alias": "matched by alias",
    "accepted": "matched by accepted suggestion",
    "group": "matched to a group of features (drawn dissolved)",
    "total": "totals rows, left out of the join",
    "unmatched": "unmatched table rows",
}
NOT_JOINED = ("total", "unmatched")

# Columns of JoinReport.rows (one line per table row).
ROW_COLUMNS = (
    "table_row",
    "table_key",
    "how",
    "layer_key",
    "layer_rows",
    "detail",
    "suggestions",
    "has_values",
    "values",
)

KEY_SEPARATOR = " | "  # between the values of a composite key, in reports and accepted matches


def key_text(values: tuple[Any, ...]) -> str:
    """A key as people write it: ``"Kurram"``, or ``"Kurram | Khyber Pakhtunkhwa"`` for several fields."""
    return KEY_SEPARATOR.join("" if v is None or (isinstance(v, float) and v != v) else str(v) for v in values)


@dataclass(frozen=True)
class Suggestion:
    """A fuzzy candidate for an unmatched table key: accept it with ``accepted[table_key] = layer_key``."""

    table_key: str
    layer_key: str
    score: float  # rapidfuzz WRatio of the normalized keys, 0–100
    via: str = ""  # "alias 'X'" when the candidate came through an alias name

    def __str__(self) -> str:
        via = f" via {self.via}" if self.via else ""
        return f"{self.layer_key} ({self.score:.0f}{via})"


@dataclass
class JoinReport:
    """Everything a join did, per table row and per layer feature."""

    layer_name: str = "layer"
    table_name: str = "table"
    rows: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=list(ROW_COLUMNS)))
    unmatched_layer: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["layer_row", "layer_key"]))
    duplicate_layer_keys: dict[str, list[Any]] = field(default_factory=dict)  # layer key -> layer rows
    duplicate_table_keys: dict[str, list[Any]] = field(default_factory=dict)  # layer key -> table rows joined to it
    suggestions: dict[str, list[Suggestion]] = field(default_factory=dict)  # table key -> ranked candidates
    accepted: dict[str, str] = field(default_factory=dict)  # accepted matches used or given (table -> layer key)
    aggregate: str | None = None
    row_kind: str = "row"  # what ``table_row`` numbers: "file line", "sheet row" (pakmap.sources.rows)
    fields: list[str] = field(default_factory=list)  # output columns added to the layer
    value_fields: list[str] = field(default_factory=list)  # table fields an unmatched row's ``values`` shows
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    # --- counts ------------------------------------------------------------------------------
    def count(self, how: str) -> int:
        return int((self.rows["how"] == how).sum()) if len(self.rows) else 0

    @property
    def matched(self) -> int:
        return len(self.rows) - sum(self.count(kind) for kind in NOT_JOINED)

    @property
    def unmatched_rows(self) -> pd.DataFrame:
        return self.rows[self.rows["how"] == "unmatched"]

    @property
    def ok(self) -> bool:
        """No warnings: every table row with values found its feature."""
        return not self.warnings

    def counts(self) -> dict[str, int]:
        out = {kind: self.count(kind) for kind in MATCH_KINDS}
        out["unmatched_layer"] = len(self.unmatched_layer)
        out["duplicate_layer_keys"] = len(self.duplicate_layer_keys)
        out["duplicate_table_keys"] = len(self.duplicate_table_keys)
        return out

    # --- text --------------------------------------------------------------------------------
    def summary(self, max_listed: int = 10) -> str:
        """Several lines for the CLI: counts, then each unmatched table key with its suggestions."""
        total = len(self.rows)
        lines = [f"join {self.table_name} → {self.layer_name}: {self.matched} of {total} table rows matched"]
        for kind in MATCH_KINDS[:-2]:
            if self.count(kind):
                lines.append(f"  {KIND_LABELS[kind]}: {self.count(kind)}")
        totals = self.rows[self.rows["how"] == "total"]
        if len(totals):
            listed = ", ".join(
                f"{self.row_kind} {r['table_row']}: {r['detail']}" for _, r in totals.head(max_listed).iterrows()
            )
            lines.append(
                f"  {KIND_LABELS['total']}: {len(totals)} ({listed}{' …' if len(totals) > max_listed else ''})"
            )
        unmatched = self.unmatched_rows
        if len(unmatched):
            lines.append(f"  unmatched table rows: {len(unmatched)}")
            for _, row in unmatched.head(max_listed).iterrows():
                hint = f" — did you mean {row['suggestions']}?" if row["suggestions"] else ""
                lines.append(f"    {self.row_kind} {row['table_row']}: {row['table_key']!r}{hint}")
            if len(unmatched) > max_listed:
                lines.append(f"    … and {len(unmatched) - max_listed} more (see the report CSV)")
        if len(self.unmatched_layer):
            names = ", ".join(map(str, self.unmatched_layer["layer_key"].head(max_listed)))
            more = " …" if len(self.unmatched_layer) > max_listed else ""
            lines.append(f"  layer features without data: {len(self.unmatched_layer)} ({names}{more})")
        if self.duplicate_layer_keys:
            lines.append(f"  duplicate keys in the layer: {', '.join(list(self.duplicate_layer_keys)[:max_listed])}")
        if self.duplicate_table_keys:
            how = f"aggregated ({self.aggregate})" if self.aggregate else "refused"
            keys = ", ".join(list(self.duplicate_table_keys)[:max_listed])
            lines.append(f"  several table rows per feature, {how}: {keys}")
        for note in self.notes:
            lines.append(f"  note: {note}")
        return "\n".join(lines)

    def to_csv(self, path: str | os.PathLike) -> None:
        """One line per table row, then one per unmatched layer feature; written atomically."""
        write_rows_csv(path, self._csv_rows())

    def _csv_rows(self) -> Iterator[list]:
        # The row column says how the file numbers its rows, so "4" is found where the officer looks.
        yield ["section", f"table row ({self.row_kind})", *ROW_COLUMNS[1:]]
        for record in self.rows.to_dict("records"):
            section = {"unmatched": "unmatched_table", "total": "total_row"}.get(
                record["how"], f"matched_{record['how']}"
            )
            yield [section, *(_cell(record.get(c)) for c in ROW_COLUMNS)]
        for record in self.unmatched_layer.to_dict("records"):
            yield [
                "unmatched_layer",
                "",
                "",
                "",
                record["layer_key"],
                _cell([record["layer_row"]]),
                "feature of the layer without table data",
                "",
                "",
                "",
            ]
        for key, rows in self.duplicate_layer_keys.items():
            yield [
                "duplicate_layer",
                "",
                "",
                "",
                key,
                _cell(rows),
                "key appears more than once in the layer",
                "",
                "",
                "",
            ]
        for key, rows in self.duplicate_table_keys.items():
            yield [
                "duplicate_table",
                _cell(rows),
                "",
                "",
                key,
                "",
                f"several table rows for one feature ({self.aggregate or 'refused'})",
                "",
                "",
                "",
            ]

    # --- project file ------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """Plain data (TOML/JSON): counts, accepted matches, warnings, notes and per-row outcomes."""
        return {
            "layer": self.layer_name,
            "table": self.table_name,
            "counts": self.counts(),
            "accepted": dict(self.accepted),
            "aggregate": self.aggregate or "",
            "fields": list(self.fields),
            "row_kind": self.row_kind,
            "warnings": list(self.warnings),
            "notes": list(self.notes),
            "rows": [{c: _plain(r.get(c)) for c in ROW_COLUMNS} for r in self.rows.to_dict("records")],
            "unmatched_layer": [{k: _plain(v) for k, v in r.items()} for r in self.unmatched_layer.to_dict("records")],
            "duplicate_layer_keys": {k: [_plain(v) for v in rows] for k, rows in self.duplicate_layer_keys.items()},
            "duplicate_table_keys": {k: [_plain(v) for v in rows] for k, rows in self.duplicate_table_keys.items()},
            "suggestions": {k: [[s.layer_key, s.score, s.via] for s in v] for k, v in self.suggestions.items()},
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "JoinReport":
        rows = pd.DataFrame(data.get("rows", []), columns=list(ROW_COLUMNS))
        layer = pd.DataFrame(data.get("unmatched_layer", []), columns=["layer_row", "layer_key"])
        return cls(
            layer_name=data.get("layer", "layer"),
            table_name=data.get("table", "table"),
            rows=rows,
            unmatched_layer=layer,
            duplicate_layer_keys={k: list(v) for k, v in data.get("duplicate_layer_keys", {}).items()},
            duplicate_table_keys={k: list(v) for k, v in data.get("duplicate_table_keys", {}).items()},
            suggestions={
                k: [Suggestion(k, s[0], float(s[1]), s[2] if len(s) > 2 else "") for s in v]
                for k, v in data.get("suggestions", {}).items()
            },
            accepted=accepted_from_dict(data.get("accepted", {})),
            aggregate=data.get("aggregate") or None,
            fields=list(data.get("fields", [])),
            row_kind=data.get("row_kind", "row"),
            warnings=list(data.get("warnings", [])),
            notes=list(data.get("notes", [])),
        )


class JoinOutcome(Protocol):
    """What every join returns (attribute, spatial, zonal): the joined frame and its report."""

    @property
    def data(self) -> gpd.GeoDataFrame: ...

    @property
    def report(self) -> Any: ...


@dataclass
class JoinResult:
    """The joined layer data (every feature kept, in order) and the report of how it was joined."""

    data: gpd.GeoDataFrame
    report: JoinReport
    # Joined field → table rows added up or averaged into each feature (``aggregate`` sum or mean), in
    # feature order: a mean of two households identifies them (``pakmap.protection.contributors``).
    contributors: dict[str, np.ndarray] = field(default_factory=dict)


def accepted_from_dict(data: Any, where: str = "accepted") -> dict[str, str]:
    """Validate accepted matches read from a project file: ``{table key: layer key}``, both text."""
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise JoinError(f'{where} must be a table of "table key" = "layer key"', fix='e.g. Peshwar = "Peshawar"')
    out: dict[str, str] = {}
    for key, value in data.items():
        if not isinstance(value, str) or not str(key).strip() or not value.strip():
            raise JoinError(
                f"{where}: {key!r} = {value!r} is not a pair of names",
                fix='write "table key" = "layer key", both as text',
            )
        out[str(key)] = value
    return out


def accepted_to_dict(accepted: dict[str, str]) -> dict[str, str]:
    """Accepted matches as the project file stores them (sorted for stable diffs)."""
    return {str(k): str(v) for k, v in sorted(accepted.items(), key=lambda kv: str(kv[0]).casefold())}


def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, (list, tuple)):
        return "; ".join(map(str, value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _plain(value: Any) -> Any:
    """numpy scalars and lists → TOML/JSON-friendly Python values."""
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        try:
            return value.item()
        except (ValueError, AttributeError):
            return str(value)
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return value


__all__ = [
    "JoinReport",
    "JoinResult",
    "Suggestion",
    "MATCH_KINDS",
    "KIND_LABELS",
    "NOT_JOINED",
    "key_text",
    "accepted_from_dict",
    "accepted_to_dict",
    "KEY_SEPARATOR",
]
