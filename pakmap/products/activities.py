"""Who does what where (3W/4W): a partner activity table counted per admin unit and sector.

Partners send the table as they keep it: a title above the header, merged partner cells over their
rows (the reader fills them down), sectors in every spelling (``pakmap.products.sectors``),
districts by P-code or by a name spelled their way, the same row twice, a totals line at the end.
``who_what_where`` reads the roles of the columns (or is told them), leaves out the rows that are
no activity (totals, rows without a partner or sector, exact repeats), joins the rest to the
boundaries through the accountable join (``pakmap.join.join_attributes``: every row's match or why
it has none) and counts, per unit, the distinct partners in all sectors and in each one.

Partners are organisations: their counts are not counts of people and are never suppressed. A
beneficiary column, when the table has one, is a count of people: it is added up per unit and
declared a count, so every output publishes it through the small-count rule.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable

import geopandas as gpd
import numpy as np
import pandas as pd

from ..errors import JoinError
from ..field_kinds import numeric_values
from ..join import join_attributes
from ..join.report import JoinReport
from ..join.totals import total_reason
from ..sources.rows import row_kind
from .pcodes import is_pcode_column
from .quality import boundary_fields, guess_name_field
from .sectors import Sector, SectorTable, fold

PARTNERS = "partners"  # distinct partners in all sectors, per unit
BENEFICIARIES = "beneficiaries"
PARTNER_LIST = "partner_names"

# Header words that name a column's role (compared folded, as whole words or phrases).
ROLE_WORDS: dict[str, tuple[str, ...]] = {
    "partner": (
        "partner",
        "partners",
        "implementing partner",
        "organization",
        "organisation",
        "org",
        "agency name",
        "ngo",
        "actor",
        "who",
    ),
    "sector": ("sector", "cluster", "sector cluster", "what"),
    "activity": ("activity", "activities", "intervention", "project"),
    "status": ("status", "activity status"),
    "month": ("month", "reporting month", "period", "reporting period", "date", "when"),
    "beneficiaries": (
        "beneficiaries",
        "people reached",
        "persons reached",
        "individuals reached",
        "reached",
        "individuals",
        "people",
        "bnf",
        "no of beneficiaries",
        "number of beneficiaries",
    ),
    "pcode": ("pcode", "p code", "district pcode", "adm2 pcode", "admin2 pcode", "admin pcode"),
}


@dataclass
class ThreeWOptions:
    """Which columns hold what (guessed when None) and which statuses count."""

    partner_field: str | None = None
    sector_field: str | None = None
    name_field: str | None = None  # the admin unit by name
    pcode_field: str | None = None  # the admin unit by P-code
    value_field: str | None = None  # beneficiaries (a count of people)
    statuses: list[str] = field(default_factory=list)  # only rows with these statuses (folded); empty: all


@dataclass
class ThreeW:
    """The counts and how they were made."""

    units: gpd.GeoDataFrame  # every boundary: its name/P-code, partners, partners_<sector>, beneficiaries
    sectors: list[Sector]  # the sectors present, in the sector file's order, unlisted ones last
    keep: list[str]  # the boundaries' name (and P-code) fields kept in ``units``
    report: JoinReport
    columns: dict[str, str]  # role -> the table column used
    partners_total: int  # distinct partners in the whole table
    rows_used: int
    left_out: list[tuple[str, str]] = field(default_factory=list)  # (row label, why) of rows not counted
    sector_partners: dict[str, int] = field(default_factory=dict)  # sector key -> distinct partners in all units
    notes: list[str] = field(default_factory=list)

    def sector_field(self, sector: Sector) -> str:
        return f"{PARTNERS}_{sector.key}".replace(" ", "_")

    @property
    def has_beneficiaries(self) -> bool:
        return BENEFICIARIES in self.units.columns

    def summary(self) -> str:
        present = int((self.units[PARTNERS] > 0).sum())
        lines = [
            f"{self.partners_total} partner(s) in {len(self.sectors)} sector(s) across {present} unit(s), "
            f"from {self.rows_used} activity row(s)"
        ]
        if self.left_out:
            lines.append(f"{len(self.left_out)} row(s) not counted (totals, repeats, no partner or sector)")
        unmatched = self.report.unmatched_rows
        if len(unmatched):
            keys = ", ".join(repr(k) for k in unmatched["table_key"].drop_duplicates().head(6))
            lines.append(f"{len(unmatched)} row(s) name no unit of the boundaries: {keys}")
        return "\n  ".join(lines)


def _words(header) -> str:
    return fold(header)


def _role_column(table: pd.DataFrame, role: str, taken: set[str]) -> str | None:
    """The first column whose folded header is one of the role's words, else one that contains one."""
    words = ROLE_WORDS[role]
    headers = [(c, _words(c)) for c in table.columns if c not in taken]
    for column, folded in headers:
        if folded in words:
            return column
    for column, folded in headers:
        padded = f" {folded} "
        if any(f" {w} " in padded for w in words):
            return column
    return None


def guess_columns(table: pd.DataFrame, boundary_names: pd.Series | None, options: ThreeWOptions) -> dict[str, str]:
    """role -> column: those given in ``options``, the others from the headers (and the unit column
    from its values: P-codes, or the boundaries' names)."""
    given = {
        "partner": options.partner_field,
        "sector": options.sector_field,
        "name": options.name_field,
        "pcode": options.pcode_field,
        "beneficiaries": options.value_field,
    }
    for role, column in given.items():
        if column is not None and column not in table.columns:
            raise JoinError(
                f"the activity table has no column '{column}' (given as the {role} column)",
                fix=f"use one of: {', '.join(map(str, table.columns[:30]))}",
            )
    columns = {role: column for role, column in given.items() if column}
    taken = set(columns.values())
    for role in ("partner", "sector", "activity", "status", "month", "beneficiaries", "pcode"):
        if role in columns:
            continue
        found = _role_column(table, role, taken)
        if role == "pcode" and (found is None or not is_pcode_column(table[found])):
            found = next((c for c in table.columns if c not in taken and is_pcode_column(table[c])), None)
        if role == "beneficiaries" and found is not None and numeric_values(table[found]) is None:
            found = None
        if found is not None:
            columns[role] = found
            taken.add(found)
    if "name" not in columns and boundary_names is not None:
        name = guess_name_field(table, boundary_names, skip=taken)
        if name is not None:
            columns["name"] = name
    if options.value_field and numeric_values(table[options.value_field]) is None:
        raise JoinError(
            f"the people-reached column '{options.value_field}' holds no numbers",
            fix="give the column of people reached, or leave it out",
        )
    if options.statuses and "status" not in columns:
        raise JoinError(
            "only some statuses are counted, but the activity table has no status column",
            fix="name the status column 'Status', or count every row (no statuses)",
        )
    for role in ("partner", "sector"):
        if role not in columns:
            raise JoinError(
                f"the activity table has no {role} column that pakmap recognises",
                fix=f"name it with --{role}-field (columns: {', '.join(map(str, table.columns[:20]))})",
            )
    if "name" not in columns and "pcode" not in columns:
        raise JoinError(
            "the activity table has no column of admin units (P-codes or names of the boundaries)",
            fix="name it with --name-field or --pcode-field",
        )
    return columns


def _partner_key(value) -> str:
    """Spellings of one organisation's name as one key ("UNHCR", "unhcr ", "U.N.H.C.R")."""
    return fold(value).replace(" ", "") if value is not None else ""


def _row_label(kind: str, label) -> str:
    return f"{kind} {label}" if kind != "row" else f"data row {label}"


def _is_blank(value) -> bool:
    return value is None or (isinstance(value, float) and value != value) or not str(value).strip()


def clean_rows(
    table: pd.DataFrame, columns: dict[str, str], sectors: SectorTable, statuses: list[str]
) -> tuple[pd.DataFrame, list[tuple[str, str]]]:
    """The activity rows to count, with ``_partner``, ``_partner_key`` and ``_sectors`` (the sectors
    the row's cell names) added, and the rows left out with the reason."""
    kind = row_kind(table.index)
    wanted = {fold(s) for s in statuses}
    keep: list[int] = []
    left_out: list[tuple[str, str]] = []
    seen: dict[tuple, str] = {}
    sectors_of: dict[int, tuple[Sector, ...]] = {}
    # A table repeats a few partners, sectors and places thousands of times: each distinct cell is
    # folded, tested for a total and read as sectors once.
    folded: dict[Any, str] = {}
    totals: dict[str, bool] = {}
    named_of: dict[Any, tuple[Sector, ...]] = {}

    def fold_cell(value) -> str:
        if value not in folded:
            folded[value] = "" if _is_blank(value) else fold(value)
        return folded[value]

    def is_total(value) -> bool:
        if value not in totals:
            totals[value] = total_reason(value) is not None
        return totals[value]

    roles = list(columns.values())
    at = {column: i for i, column in enumerate(roles)}
    partner_at, sector_at = at[columns["partner"]], at[columns["sector"]]
    status_at = at.get(columns.get("status", ""), None)
    for position, (label, *cells) in enumerate(table[roles].itertuples(name=None)):
        where = _row_label(kind, label)
        if any(isinstance(c, str) and is_total(c) for c in cells):
            left_out.append((where, "a totals row"))
            continue
        partner, sector_text = cells[partner_at], cells[sector_at]
        if _is_blank(partner):
            left_out.append((where, "no partner named"))
            continue
        if _is_blank(sector_text):
            left_out.append((where, "no sector named"))
            continue
        if wanted and status_at is not None and fold_cell(cells[status_at]) not in wanted:
            left_out.append((where, f"status '{cells[status_at]}' not counted"))
            continue
        if sector_text not in named_of:
            named_of[sector_text] = sectors.all_of(sector_text)
        named = sectors_of[position] = named_of[sector_text]
        # The same activity reported twice: its beneficiaries would count twice.
        signature = tuple(fold_cell(c) for i, c in enumerate(cells) if i != sector_at) + tuple(
            sorted(s.key for s in named)
        )
        if signature in seen:
            left_out.append((where, f"repeats {seen[signature]}"))
            continue
        seen[signature] = where
        keep.append(position)
    rows = table.iloc[keep].copy()
    rows["_partner"] = [" ".join(str(v).split()) for v in rows[columns["partner"]]]
    rows["_partner_key"] = [_partner_key(v) for v in rows[columns["partner"]]]
    rows["_sectors"] = [sectors_of[p] for p in keep]
    return rows, left_out


def _join_report(boundaries, rows: pd.DataFrame, on, table_name, layer_name, value_text) -> JoinReport:
    """How every row matched the boundaries (``join_attributes``' report: its ``layer_rows``).

    The join refuses a row for a group of units ("Karachi") beside a row for one of them ("Karachi
    East"): two figures would be drawn on one district. Partners are counted per unit, so both rows
    are wanted here; the refusal carries the complete report, which is all this product uses."""
    try:
        return join_attributes(
            boundaries,
            rows,
            on,
            fields=["_partner"],
            aggregate="count",
            table_name=table_name,
            layer_name=layer_name,
            value_text=value_text,
        ).report
    except JoinError as exc:
        report = getattr(exc, "report", None)
        if report is None:
            raise
        return report


def _display_names(rows: pd.DataFrame) -> dict[str, str]:
    """Partner key -> the spelling the table uses most (the first one on a tie)."""
    counts: dict[str, Counter] = {}
    for key, name in zip(rows["_partner_key"], rows["_partner"]):
        counts.setdefault(key, Counter())[name] += 1
    return {key: c.most_common(1)[0][0] for key, c in counts.items()}


def _present_sectors(rows: pd.DataFrame, sectors: SectorTable) -> list[Sector]:
    present = {s.key: s for named in rows["_sectors"] for s in named}
    listed = [s for s in sectors.sectors if s.key in present]
    return listed + sorted((s for s in present.values() if not s.listed), key=lambda s: s.label.casefold())


def who_what_where(
    table: pd.DataFrame,
    boundaries: gpd.GeoDataFrame,
    options: ThreeWOptions | None = None,
    *,
    table_name: str = "activities",
    layer_name: str = "boundaries",
    value_text: Callable[[str, Any], str] | None = None,
) -> ThreeW:
    """Count the distinct partners per unit of ``boundaries``, in all sectors and per sector."""
    options = options or ThreeWOptions()
    boundaries = boundaries.reset_index(drop=True)
    b_name, b_pcode = boundary_fields(boundaries)
    columns = guess_columns(table, boundaries[b_name] if b_name else None, options)
    sectors = SectorTable()
    rows, left_out = clean_rows(table, columns, sectors, options.statuses)
    if rows.empty:
        raise JoinError(
            f"the activity table '{table_name}' has no activity rows to count",
            fix="check the sheet and header row (--sheet, --header-row) and the partner and sector columns",
        )
    by_pcode = "pcode" in columns and b_pcode is not None
    if not by_pcode and not ("name" in columns and b_name):
        raise JoinError(
            "the boundaries have no P-code field to match the table's P-codes",
            fix="give boundaries with P-codes (COD-AB), or name the table's district-name column with --name-field",
        )
    # By P-code where the row has one; a row without one, by its name (when the table has names).
    by_name = (
        rows[columns["pcode"]].map(_is_blank).to_numpy()
        if by_pcode and "name" in columns and b_name
        else np.full(len(rows), not by_pcode)
    )
    report: JoinReport | None = None
    units_of: dict[Any, list] = {}
    for part, on in ((~by_name, (b_pcode, columns.get("pcode"))), (by_name, (b_name, columns.get("name")))):
        if not part.any():
            continue
        part_report = _join_report(
            boundaries, rows[part].drop(columns=["_sectors"]), on, table_name, layer_name, value_text
        )
        units_of.update(zip(part_report.rows["table_row"], part_report.rows["layer_rows"]))
        if report is None:
            report = part_report
        else:
            report.rows = pd.concat([report.rows, part_report.rows], ignore_index=True)
    assert report is not None
    units_of_row = [units_of[label] for label in rows.index]
    names = _display_names(rows)
    present = _present_sectors(rows, sectors)
    partners: list[set[str]] = [set() for _ in range(len(boundaries))]
    per_sector: dict[str, list[set[str]]] = {s.key: [set() for _ in range(len(boundaries))] for s in present}
    beneficiaries = pd.Series(float("nan"), index=range(len(boundaries)))
    value_column = columns.get("beneficiaries")
    values = numeric_values(rows[value_column]) if value_column else None
    for i, (key, named) in enumerate(zip(rows["_partner_key"], rows["_sectors"])):
        for unit in units_of_row[i]:
            partners[unit].add(key)
            for sector in named:
                per_sector[sector.key][unit].add(key)
        # A row naming a group of units ("Karachi") has partners in each, but its people cannot be split.
        if values is not None and pd.notna(values.iloc[i]) and len(units_of_row[i]) == 1:
            unit = units_of_row[i][0]
            base = beneficiaries[unit]
            beneficiaries[unit] = float(values.iloc[i]) + (0.0 if pd.isna(base) else base)
    keep = [f for f in (b_name, b_pcode) if f]
    units = boundaries[keep + [boundaries.geometry.name]].copy()
    units[PARTNERS] = [len(p) for p in partners]
    result = ThreeW(
        units,
        present,
        keep,
        report,
        columns,
        partners_total=0,
        rows_used=len(rows),
        left_out=left_out,
    )
    for sector in present:
        units[result.sector_field(sector)] = [len(p) for p in per_sector[sector.key]]
    # Totals over the rows that reached a unit: an unmatched row's partner is on no map.
    mapped = [
        (key, s.key)
        for key, named, units_ in zip(rows["_partner_key"], rows["_sectors"], units_of_row)
        if units_
        for s in named
    ]
    result.partners_total = len({key for key, _ in mapped})
    result.sector_partners = {s.key: len({key for key, k in mapped if k == s.key}) for s in present}
    if values is not None:
        units[BENEFICIARIES] = beneficiaries.to_numpy()
    units[PARTNER_LIST] = ["; ".join(sorted((names[k] for k in p), key=str.casefold)) for p in partners]
    result.notes = _notes(result, rows, by_pcode, int(by_name.sum()) if by_pcode else 0)
    grouped = sum(len(u) > 1 for u in units_of_row)
    if grouped and values is not None:
        result.notes.append(
            f"{grouped} row(s) name a group of units (e.g. Karachi): their partners count in each unit, "
            "their people reached in no unit's total (they cannot be split)."
        )
    return result


def _notes(result: ThreeW, rows: pd.DataFrame, by_pcode: bool, by_name: int) -> list[str]:
    columns = result.columns
    used = ", ".join(f"{role}: '{column}'" for role, column in columns.items())
    how = "P-code" if by_pcode else "name"
    if by_name:
        how += f" ({by_name} row(s) without a P-code by name)"
    notes = [f"Columns read: {used}; joined by {how}."]
    unlisted = [s.label for s in result.sectors if not s.listed]
    if unlisted:
        notes.append(
            f"Sector(s) not in styles/sectors.toml, kept as written: {', '.join(unlisted)} "
            "(add their spellings to the file to merge them with a listed sector)."
        )
    spellings: dict[str, set[str]] = {}
    for text, named in zip(rows[columns["sector"]], rows["_sectors"]):
        if len(named) == 1:
            spellings.setdefault(named[0].label, set()).add(" ".join(str(text).split()))
    several = sum(len(named) > 1 for named in rows["_sectors"])
    if several:
        notes.append(f"{several} row(s) name several sectors (e.g. 'WASH, Health'): the partner counts in each.")
    merged = [f"{label} ({len(s)} spellings)" for label, s in spellings.items() if len(s) > 1]
    if merged:
        notes.append(f"Sector spellings read as one: {', '.join(merged)}.")
    if "month" in columns:
        months = sorted({str(m) for m in rows[columns["month"]].dropna()}, key=_month_order)
        if months:
            notes.append(f"Reporting months in the table: {', '.join(months[:12])}{' …' if len(months) > 12 else ''}.")
    if "beneficiaries" in columns:
        notes.append(
            f"Beneficiaries ('{columns['beneficiaries']}') are people: a unit's total below the threshold is not "
            "published. Partner counts are organisations and are shown as they are."
        )
    return notes


def _month_order(text: str):
    digits = re.findall(r"\d+", text)
    return (int(digits[0]) if digits else 0, text)


__all__ = ["ThreeW", "ThreeWOptions", "who_what_where", "guess_columns", "PARTNERS", "BENEFICIARIES", "PARTNER_LIST"]
