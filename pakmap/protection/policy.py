"""What an export may publish: the plan, the findings, the safe copy of the project, the guard.

For one export target, each layer's sensitive fields (``pakmap.sensitivity.detect``, the flags on the
layer, and fields joined in from a flagged table) are either **allowed** (an ``AllowSpec`` in the
project for that layer and this export or ``"*"``, or ``--allow-sensitive``) or **withheld**:
dropped from the copy every exporter works from, so they reach no label, popup, tooltip, web-map
data or exported layer.

A withheld field that the map uses (style, labels, popups, atlas or extent of a visible layer) is a
**blocking** finding: the export is refused rather than silently changing the map. So is a visible
point layer of individuals or households, unless its points are allowed (``LAYER:geometry``) or
aggregated (``[protection.aggregate]`` ``LAYER = "hex:10"`` or ``"admin:BOUNDARY_LAYER"``). A hidden one is
simply left out of the export. Counts stay numbers; every surface writes them through
``format_number`` with the project's threshold ("<5"), tables through ``counts.published_frame``.
"""

from __future__ import annotations

import copy
import dataclasses
import fnmatch
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from ..calculate import parse as parse_expression
from ..errors import ExpressionError, ProtectionError
from ..field_format import expression_fields
from ..field_kinds import count_fields_of, is_count, name_tokens
from ..layer import Layer, RasterLayer, TableLayer, VectorLayer, replace_data
from ..layout.chart_data import ChartFields
from ..postgis.address import as_source, is_database_address
from ..project.loaded import LoadedProject
from ..project.model import AllowSpec, ChartSpec, Project
from ..sensitivity.detect import (
    household_size_field,
    inspect_layer,
    is_individual_level,
    rows_are_households,
)
from ..style import CategorizedStyle, GraduatedStyle, ProportionalStyle, SingleSymbolStyle
from .aggregate import aggregate_points
from .charts import chart_groups, protected_totals, published_charts, resolved_fields, totals_table
from .complementary import SECONDARY_MARK, complementary_suppression
from .contributors import denominator_counts, few_contributors
from .counts import suppression_counts
from .differencing import protect_differences
from .reuse import PlanCache
from .system import SharedCells, Table, has_units, hide, solve

GEOMETRY = "geometry"
STANDARD_THRESHOLD = 5  # UNHCR's usual minimum cell size: lower needs a recorded reason
LIST_EVIDENCE = "points read from a list not declared as places"
PLACES_FIX = (
    "if the points are places (villages, facilities), declare them: --places {layer} or [protection] "
    'places = ["{layer}"]; '
)  # the pseudo-field naming a point layer's locations in allows and findings


# What an export shows of each layer (``plan_export``'s ``shows``): its complementary suppression,
# differencing and few-contributors rule run on those fields, and its record lists them as published.
PRINT = "print"  # a PDF, PNG or SVG page or atlas: what the page draws (no popups)
WEB = "web"  # a web map: colours, labels, popups, tooltips and the search
DATA = "data"  # a GeoPackage or database table: the fields the map uses (``publish.published_layer``)
EXPORT_KINDS = (PRINT, WEB, DATA)


SUPPRESSION_METHOD = (
    'counts of people from 1 to threshold - 1 shown as "<threshold"; complementary cells shown as "x" '
    "so that no suppressed count follows from row, column or parent-unit totals; a total published by two "
    'layers (a row, or the sum of rows) that differs by 1 to threshold - 1 between them shown as "x" '
    "(differencing); the layers and chart totals of the export solved as one system (a unit's figure in one "
    'table = the sum of its parts in another), more cells shown as "x" where it would give a hidden one back; '
    "the exports of one project hide the same cells"
)


@dataclass
class Finding:
    """One protection finding, for ``pakmap check``, the GUI and the guard's error."""

    layer: str
    field: str  # a field, or GEOMETRY for the point locations of individuals/households
    reason: str
    blocking: bool  # the export needs it and it is neither allowed nor aggregated
    used_by: tuple[str, ...] = ()  # "style", "labels", "popups", "atlas", "extent"
    exports: tuple[str, ...] = ()  # export file names concerned (``check_project``)

    @property
    def allow_arg(self) -> str:
        return f"{self.layer}:{self.field}"

    def message(self) -> str:
        """One line: layer, field, reason, and how to allow or fix it."""
        how_to_allow = (
            f'--allow-sensitive {self.allow_arg} --reason "…" (or [[protection.allow]] '
            f'layer = "{self.layer}", field = "{self.field}", reason = "…")'
        )
        if self.field == GEOMETRY:
            what = f"layer '{self.layer}': points of individuals or households ({self.reason})"
            if self.blocking:
                return (
                    f"{what} — exact locations cannot be exported: aggregate the points "
                    f'(--aggregate {self.layer}=hex:10, or [protection.aggregate] {self.layer} = "hex:10" or '
                    f'"admin:BOUNDARY_LAYER"), or hide the layer and count it per unit with a spatial join; '
                    f"{PLACES_FIX.format(layer=self.layer) if LIST_EVIDENCE in self.reason else ''}"
                    f"only under a data-sharing agreement, {how_to_allow}"
                )
            return f"{what} — the layer is hidden and left out of exports; to publish the points pass {how_to_allow}"
        what = f"layer '{self.layer}', field '{self.field}': {self.reason}"
        if self.blocking:
            return (
                f"{what} — used by {', '.join(self.used_by)}: remove it from the {' and '.join(self.used_by)}, "
                f"or, to publish it under a data-sharing agreement, pass {how_to_allow}"
            )
        return f"{what} — withheld from exports; to publish it pass {how_to_allow}"

    def __str__(self) -> str:
        return self.message()


@dataclass
class LayerPlan:
    """What one layer may publish in one export."""

    name: str
    fields: list[str]  # the fields the export publishes: all those not withheld, or those it shows
    withheld: dict[str, str] = field(default_factory=dict)  # field → reason
    allowed: dict[str, str] = field(default_factory=dict)  # sensitive field → why it is allowed
    individual: bool = False  # rows are individuals or households
    points: str = ""  # individual points: "allowed", "aggregated", "left out" or "blocked"
    aggregate: str = ""  # "hex:10" / "admin:districts" when aggregated
    suppressed: dict[str, int] = field(default_factory=dict)  # count field → values shown as "<threshold"
    secondary: dict[str, int] = field(default_factory=dict)  # count field → cells shown as "x" (complementary)
    few_contributors: dict[str, int] = field(default_factory=dict)  # field → values of < threshold contributors
    dropped_cells: int = 0  # hexagons of fewer households than the threshold, left out
    differencing: dict[str, int] = field(default_factory=dict)  # count field → totals hidden ("x") for differencing
    centres_near_home: int = 0  # units of few households with a drawn point within 1 km of one: "x"
    across: dict[str, int] = field(default_factory=dict)  # count field → cells "x" for other tables' links
    project_cells: dict[str, int] = field(default_factory=dict)  # count field → cells hidden in every export


@dataclass
class ExportPlan:
    export: str  # the export's file name ("" for a check without an export)
    threshold: int
    layers: dict[str, LayerPlan] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    threshold_reason: str = ""  # why a threshold below STANDARD_THRESHOLD is enough
    allow_arguments: list[str] = field(default_factory=list)  # --allow-sensitive values used
    places: list[str] = field(default_factory=list)  # point layers from lists declared as places, not people
    chart_cells: dict[str, int] = field(default_factory=dict)  # chart → totals "x" for links with the layers
    chart_totals: dict[str, pd.Series] = field(default_factory=dict, repr=False)  # chart key → published totals

    @property
    def blocking(self) -> list[Finding]:
        return [f for f in self.findings if f.blocking]

    def summary(self) -> dict:
        """What the export record keeps: withheld and allowed fields, aggregations, suppression."""
        return {
            "threshold": self.threshold,
            **({"threshold_reason": self.threshold_reason} if self.threshold < STANDARD_THRESHOLD else {}),
            # field → why detection flagged it (the rule that fired, never a value)
            "withheld": {n: dict(sorted(p.withheld.items())) for n, p in self.layers.items() if p.withheld},
            "allowed": {n: dict(p.allowed) for n, p in self.layers.items() if p.allowed},
            # layer → the fields whose values this export publishes and protects ([]: none, the
            # layer's shapes at most)
            "published": {n: list(p.fields) for n, p in self.layers.items() if p.points != "left out"},
            "points_left_out": [n for n, p in self.layers.items() if p.points == "left out"],
            "aggregated": {n: p.aggregate for n, p in self.layers.items() if p.points == "aggregated"},
            "hexagons_left_out": {n: p.dropped_cells for n, p in self.layers.items() if p.dropped_cells},
            "units_with_a_centre_near_a_home": {
                n: p.centres_near_home for n, p in self.layers.items() if p.centres_near_home
            },
            "suppressed_counts": {n: dict(p.suppressed) for n, p in self.layers.items() if p.suppressed},
            "secondary_suppressed": {n: dict(p.secondary) for n, p in self.layers.items() if p.secondary},
            "few_contributors": {n: dict(p.few_contributors) for n, p in self.layers.items() if p.few_contributors},
            "differencing_suppressed": {n: dict(p.differencing) for n, p in self.layers.items() if p.differencing},
            # cells hidden because the export's layers and charts were solved as one system, and cells
            # hidden in every export of the project (counts only, never values)
            "suppressed_across_tables": {
                **{n: dict(p.across) for n, p in self.layers.items() if p.across},
                **{f"chart {k}": {"totals": n} for k, n in self.chart_cells.items() if n},
            },
            "suppressed_across_exports": {n: dict(p.project_cells) for n, p in self.layers.items() if p.project_cells},
            "suppression_method": SUPPRESSION_METHOD,
            "allow_sensitive_arguments": list(self.allow_arguments),
            "declared_places": list(self.places),
        }


# --- allows ------------------------------------------------------------------------------------


def parse_allow_arguments(values, reason: str = "") -> list[AllowSpec]:
    """``--allow-sensitive`` values: ``FIELD`` (any layer) or ``LAYER:FIELD``, for this export only;
    ``reason`` (``--reason``) is what the export record keeps for each."""
    out = []
    for value in values or ():
        layer, sep, name = str(value).rpartition(":")
        out.append(
            AllowSpec(
                layer=layer if sep else "*",
                field=name,
                export="*",
                reason=reason.strip() or "--allow-sensitive given for this export",
            )
        )
    return out


def check_allow_reason(values, reason: str = "", path=None) -> None:
    """Exact locations of people are published only for a stated reason (a data-sharing agreement),
    which the export record keeps: ``--allow-sensitive LAYER:geometry`` without ``--reason`` is refused."""
    points = [str(v) for v in values or () if str(v).rpartition(":")[2] == GEOMETRY]
    if points and not reason.strip():
        layer = points[0].rpartition(":")[0] or "LAYER"
        raise ProtectionError(
            f"--allow-sensitive {points[0]} publishes the exact locations of people and needs a recorded reason",
            path=path,
            fix=f"aggregate the points instead (--aggregate {layer}=hex:10), or state the agreement: "
            f'--reason "data-sharing agreement with …, 2026-11"',
        )


def low_threshold(threshold: int, reason: str = "") -> str | None:
    """The warning for a threshold below ``STANDARD_THRESHOLD`` (None when it is not below)."""
    if threshold >= STANDARD_THRESHOLD:
        return None
    why = f"reason: {reason.strip()}" if reason.strip() else "no reason given: exports are refused"
    return (
        f"threshold {threshold} is below {STANDARD_THRESHOLD}: counts of {threshold} and more people are "
        f"published ({why})"
    )


def check_threshold(threshold: int, reason: str = "", path=None) -> None:
    """A threshold below 5 publishes counts of 3 or 4 people: only for a stated, recorded reason."""
    if threshold < STANDARD_THRESHOLD and not reason.strip():
        raise ProtectionError(
            f"a threshold of {threshold} publishes counts below {STANDARD_THRESHOLD} and needs a recorded reason",
            path=path,
            fix=f'give it: --threshold {threshold} --reason "…" (or [protection] threshold_reason = "…"), '
            f"or keep the threshold at {STANDARD_THRESHOLD}",
        )


# Counts of things, not people: a class per value shows no one ("3 schools").
THING_WORDS = {"sites", "villages", "schools", "facilities", "camps", "visits", "points", "wells", "clinics"}


def categorized_counts(loaded: LoadedProject) -> list[tuple[str, str]]:
    """``(layer, field)`` of drawn layers styled by category on a count of people: each small value
    would be its own legend entry and colour ("1", "2", "3"), no "<5" class possible."""
    out = []
    aggregated = set(loaded.project.protection.aggregate)  # drawn as graduated counts per cell
    for layer in loaded.drawable:
        style = getattr(layer, "style", None)
        if layer.name in aggregated:
            continue
        if isinstance(style, CategorizedStyle) and is_count(layer, style.field):
            if not set(name_tokens(style.field)) & THING_WORDS:
                out.append((layer.name, style.field))
    return out


def categorized_count_message(layer: str, field: str) -> tuple[str, str]:
    """The problem and the fix of a categorized style on a count (one line each)."""
    return (
        f"layer '{layer}' is styled by category on '{field}', a count of people: each small value would "
        "be its own class and legend entry",
        f'style it graduated (style = {{ kind = "graduated", field = "{field}" }}; its small values share one '
        f'"<5" class), or declare the field as not a count ([layers.fields] {field} = "other")',
    )


def check_categorized_counts(loaded: LoadedProject, path=None) -> None:
    found = categorized_counts(loaded)
    if found:
        problem, fix = categorized_count_message(*found[0])
        raise ProtectionError(problem, path=path, fix=fix)


def with_threshold(loaded: LoadedProject, threshold: int | None, reason: str = "") -> LoadedProject:
    """``loaded`` whose project uses ``threshold`` (``--threshold``) and ``reason`` for this export."""
    if threshold is None:
        return loaded
    if not 1 <= int(threshold) <= 1_000:
        raise ProtectionError(f"--threshold {threshold} is out of range", fix="give a whole number from 1 to 1000")
    project = copy.copy(loaded.project)
    project.protection = dataclasses.replace(
        project.protection,
        threshold=int(threshold),
        threshold_reason=reason.strip() or project.protection.threshold_reason,
    )
    return LoadedProject(project, loaded.layers, loaded.join_reports, loaded.crs)


def _export_matches(pattern: str, project: Project, export_path) -> bool:
    """An allow's ``export``: "*" for every export, else a path (or glob) relative to the project."""
    if pattern in ("", "*"):
        return True
    if export_path is None:
        return False
    if is_database_address(pattern) or is_database_address(str(export_path)):
        return fnmatch.fnmatchcase(str(export_path), pattern)
    target = os.path.normcase(str(Path(export_path).resolve()))
    wanted = os.path.normcase(str(project.resolve(pattern).resolve()))
    return fnmatch.fnmatchcase(target, wanted)


def _find_allow(allows: list[AllowSpec], layer: Layer, name: str) -> AllowSpec | None:
    """The first allow for ``name`` of ``layer`` (GEOMETRY also answers to the geometry column's name)."""
    names = {name}
    if name == GEOMETRY and isinstance(layer, VectorLayer):
        names.add(layer.geometry_name)
    return next((a for a in allows if a.layer in ("*", layer.name) and a.field in names), None)


# --- what the map uses -------------------------------------------------------------------------


def used_fields(project: Project, layer: Layer, drawn: bool = True) -> dict[str, set[str]]:
    """Field → what uses it in the outputs: style, labels and popups (when the layer is ``drawn``),
    atlas page titles and the map extent (whether drawn or not)."""
    uses: dict[str, set[str]] = {}

    def use(name, what):
        if name:
            uses.setdefault(str(name), set()).add(what)

    if drawn and isinstance(layer, VectorLayer):
        style = layer.style
        if isinstance(style, (CategorizedStyle, GraduatedStyle, ProportionalStyle)):
            use(style.field, "style")
        if layer.labels is not None and layer.labels.visible:
            use(layer.labels.field, "labels")
            use(layer.labels.priority, "labels")
            for name in expression_fields(layer.labels.expression):
                use(name, "labels")
    spec = next((s for s in project.layers if s.name == layer.name), None)
    if drawn and spec is not None:
        for name in spec.popup_fields:
            use(name, "popups")
    atlas = project.layout.atlas
    if atlas is not None and atlas.layer == layer.name:
        use(atlas.name_field, "atlas")
        use(atlas.sort_field, "atlas")
        for name in expression_fields(atlas.title):  # page titles print these fields
            use(name, "atlas")
    extent = project.layout.extent
    if extent.layer == layer.name:
        use(extent.field, "extent")
    for fields in resolved_fields(project.layout.charts, layer):
        for name in (fields.value, fields.label, fields.by):
            use(name, "chart")
    return uses


def shown_fields(project: Project, layer: Layer, shows: str | None, drawn: bool) -> set[str] | None:
    """The fields of ``layer`` whose values an export of kind ``shows`` publishes: what ``used_fields``
    finds (on paper, not the popups), with the declared denominators of those; None when that cannot
    be told (an unknown kind of export, an expression that does not parse): every field not withheld
    is then published, deny by default."""
    if shows not in EXPORT_KINDS or not isinstance(layer, (VectorLayer, TableLayer)):
        return None
    labels = getattr(layer, "labels", None)
    atlas = project.layout.atlas
    expressions = [labels.expression if labels is not None and labels.visible else None]
    expressions.append(atlas.title if atlas is not None and atlas.layer == layer.name else None)
    if any(text and "{" in text and not expression_fields(text) for text in expressions):
        return None
    # A GeoPackage holds the layer whether or not the map draws it (``publish.published_layer``).
    uses = used_fields(project, layer, drawn=drawn or shows == DATA)
    shown = {name for name, what in uses.items() if shows != PRINT or what - {"popups"}}
    spec = next((s for s in project.layers if s.name == layer.name), None)
    if spec is not None:  # a rate's population decides which of its values are suppressed: it is shown too
        shown |= {spec.denominators[name] for name in shown if name in spec.denominators}
    return shown


# --- the plan ----------------------------------------------------------------------------------


def _is_point_layer(layer: Layer) -> bool:
    return isinstance(layer, VectorLayer) and layer.geometry_type == "Point"


def sensitive_fields(
    loaded: LoadedProject,
    layer: Layer,
    detected: dict[str, str] | None = None,
    inspect: Callable[[Layer], tuple[dict[str, str], bool]] = inspect_layer,
) -> dict[str, str]:
    """Field → reason: detected now (or ``detected``), flagged on the layer, or joined in from a
    flagged table (detected by ``inspect``: a render's ``PlanCache.inspect`` detects each table once)."""
    if not isinstance(layer, (VectorLayer, TableLayer)):
        return {}
    columns = set(map(str, layer.fields))
    if isinstance(layer, VectorLayer):
        columns.add(str(layer.geometry_name))
    detected = inspect(layer)[0] if detected is None else detected
    found = {**detected, **{f: r for f, r in layer.sensitive_fields.items() if f in columns}}
    for join in loaded.project.joins:
        if join.layer != layer.name or not join.table:
            continue
        table = next((l for l in loaded.layers if l.name == join.table), None)
        if table is None or table is layer:
            continue
        for name, reason in {**inspect(table)[0], **getattr(table, "sensitive_fields", {})}.items():
            if name in columns and name not in found:
                found[name] = f"{reason}, joined from '{join.table}'"
    return _calculated_from_sensitive(loaded, layer, found, columns)


def _calculated_from_sensitive(
    loaded: LoadedProject, layer: Layer, found: dict[str, str], columns: set[str]
) -> dict[str, str]:
    """A field calculated from a personal one (``concat(phone)``, ``upper(head_of_household)``) is
    personal too; one whose expression cannot be read any more is taken as personal."""
    spec = next((s for s in loaded.project.layers if s.name == layer.name), None)
    if spec is None:
        return found
    for target, expression in spec.calculate.items():  # in order: a calculation may read an earlier one
        if target not in columns or target in found:
            continue
        try:
            read = parse_expression(expression, sorted(columns)).fields
        except ExpressionError:
            found[target] = "calculated by an expression that cannot be checked"
            continue
        personal = [f for f in read if f in found]
        if personal:
            found[target] = f"calculated from '{personal[0]}' ({found[personal[0]]})"
    return found


# Points from these files are lists an officer keeps (survey exports, registration extracts, KML
# drawn by hand): they are taken as people unless the project declares them as places.
LIST_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".kml", ".kmz")


def _read_from_a_list(layer: Layer) -> bool:
    source = getattr(layer, "source", None)
    return source is not None and source.path is not None and Path(str(source.path)).suffix.lower() in LIST_SUFFIXES


def point_lists(loaded: LoadedProject) -> list[str]:
    """The point layers read from a CSV, XLSX or KML list that may be declared as places (a list with
    names, phones or ID numbers is people whatever is declared, so it is not among them)."""
    return [l.name for l in loaded.layers if _is_point_layer(l) and _read_from_a_list(l) and not is_individual_level(l)]


def _not_individual(layer: Layer, how: str) -> ProtectionError:
    """An aggregation of a layer that is not known as individual-level would do nothing: refused, so
    no export publishes exact points while its record says they were aggregated."""
    what = (
        "it has no points"
        if not _is_point_layer(layer)
        else "it is declared as places"
        if _read_from_a_list(layer)
        else "no household or person fields were found in it"
    )
    return ProtectionError(
        f"aggregation '{how}' of layer '{layer.name}': the layer is not known as individual-level "
        f"({what}), so aggregating would change nothing",
        fix=f"drop the aggregation of '{layer.name}', or aggregate the point layer of households or individuals",
    )


def _undeclared_list(layer: Layer, places) -> bool:
    """Points read from a list that nobody declared as places: taken as people (deny by default)."""
    return _is_point_layer(layer) and _read_from_a_list(layer) and layer.name not in set(places)


def _plan_layer(
    loaded: LoadedProject,
    layer: VectorLayer | TableLayer,
    allows: list[AllowSpec],
    aggregations: dict[str, str],
    visible: bool,
    used_allows: set[int],
    places=(),
    shows: str | None = None,
    inspect: Callable[..., tuple[dict[str, str], bool]] = inspect_layer,
) -> tuple[LayerPlan, list[Finding]]:
    """One layer's share of the plan: its points, its sensitive fields, its published fields (those
    the export ``shows``), its suppressed counts."""
    threshold = int(loaded.project.protection.threshold)
    detected, individual = inspect(layer)
    # Only points nothing marks as people are taken as people for being a list (and told how to
    # declare them as places): a list with phones or names is people whatever is declared.
    undeclared = not individual and _undeclared_list(layer, places)
    if undeclared:
        detected, individual = inspect(layer, True)
    sensitive = sensitive_fields(loaded, layer, detected, inspect)
    lp = LayerPlan(layer.name, fields=[], individual=individual)
    findings: list[Finding] = []
    uses = used_fields(loaded.project, layer, drawn=visible)
    points_out = False  # the layer's rows reach no exporter (aggregated or left out)
    if layer.name in aggregations and not lp.individual:
        raise _not_individual(layer, aggregations[layer.name])
    if lp.individual and _is_point_layer(layer):
        allow = _find_allow(allows, layer, GEOMETRY)
        if allow is not None:
            lp.points = "allowed"
            lp.allowed[GEOMETRY] = allow.reason or "allowed in the project"
            used_allows.add(id(allow))
        elif layer.name in aggregations:
            lp.points, lp.aggregate = "aggregated", aggregations[layer.name]
            points_out = True
        else:
            lp.points = "blocked" if visible else "left out"
            points_out = not visible
            evidence = ", ".join(sorted(sensitive)) or "household or individual fields"
            if undeclared:
                source = layer.source.path if layer.source is not None else ""  # a list was read from a file
                evidence = f"{LIST_EVIDENCE} ({Path(str(source)).suffix.lower()})"
            findings.append(Finding(layer.name, GEOMETRY, f"identified by {evidence}", blocking=visible))
    for name, why in sensitive.items():
        allow = _find_allow(allows, layer, name)
        if allow is not None:
            lp.allowed[name] = allow.reason or "allowed in the project"
            used_allows.add(id(allow))
            continue
        lp.withheld[name] = why
        # Fields of points that are left out or aggregated reach no export: never blocking. Fields
        # of blocked points are reported with their uses, so one check shows everything to do.
        used_by = () if points_out else tuple(sorted(uses.get(name, ())))
        findings.append(Finding(layer.name, name, why, blocking=bool(used_by), used_by=used_by))
    lp.fields = [str(c) for c in _attribute_columns(layer) if str(c) not in lp.withheld]
    shown = shown_fields(loaded.project, layer, shows, visible)
    if shown is not None and lp.points != "aggregated":  # an aggregated layer publishes all its counts
        lp.fields = [f for f in lp.fields if f in shown]
    if not points_out and lp.fields:
        counts = [f for f in count_fields_of(layer) if f in lp.fields]
        lp.suppressed = suppression_counts(layer.attributes[lp.fields], threshold, counts)
    return lp, findings


def plan_export(
    loaded: LoadedProject,
    export_path=None,
    allow_sensitive=(),
    aggregate: dict[str, str] | None = None,
    reason: str = "",
    places=(),
    shows: str | None = None,
    cache: PlanCache | None = None,
) -> ExportPlan:
    """What each layer may publish in the export to ``export_path`` (None: a check for all exports).

    ``allow_sensitive``: ``--allow-sensitive`` values (``FIELD`` or ``LAYER:FIELD``);
    ``aggregate``: layer → ``"hex:SIZE_KM"`` or ``"admin:LAYER"`` for individual point layers
    (added to the project's ``[protection.aggregate]``); ``shows``: the kind of export (``PRINT``,
    ``WEB``, ``DATA``), which publishes only the fields it shows (``shown_fields``); None: every
    field not withheld; ``cache``: the render's ``PlanCache`` (each layer detected once).
    """
    project = loaded.project
    cli_allows = parse_allow_arguments(allow_sensitive, reason)
    allows = [a for a in project.protection.allow if _export_matches(a.export, project, export_path)] + cli_allows
    aggregations = {**project.protection.aggregate, **(aggregate or {})}
    plan = ExportPlan(
        export=Path(export_path).name if export_path else "",
        threshold=int(project.protection.threshold),
        threshold_reason=project.protection.threshold_reason.strip(),
        allow_arguments=[str(v) for v in allow_sensitive or ()],
        places=sorted({*project.protection.places, *places} & {l.name for l in loaded.layers}),
    )
    unknown = [name for name in aggregations if name not in {l.name for l in loaded.layers}]
    if unknown:
        raise ProtectionError(
            f"aggregation of '{unknown[0]}': the project has no such layer",
            path=export_path,
            fix=f"use one of: {', '.join(l.name for l in loaded.layers)}",
        )
    drawn = {id(l) for l in loaded.drawable}
    used_allows: set[int] = set()
    inspect = cache.inspect if cache is not None else inspect_layer
    for layer in loaded.layers:
        if isinstance(layer, RasterLayer):
            continue
        lp, findings = _plan_layer(
            loaded, layer, allows, aggregations, id(layer) in drawn, used_allows, plan.places, shows, inspect
        )
        plan.layers[layer.name] = lp
        plan.findings.extend(findings)
    unused = [f"{a.layer}:{a.field}" if a.layer != "*" else a.field for a in cli_allows if id(a) not in used_allows]
    if unused:
        names = sorted({f.allow_arg for f in plan.findings})
        raise ProtectionError(
            f"--allow-sensitive {', '.join(unused)} matches no sensitive field",
            path=export_path,
            fix=f"use one of: {', '.join(names)}" if names else "the project has no sensitive field; drop the option",
        )
    for lp in plan.layers.values():
        if lp.points == "aggregated":
            _check_aggregation(loaded, lp)
    return plan


def _attribute_columns(layer: VectorLayer | TableLayer) -> list:
    if isinstance(layer, VectorLayer):
        return list(layer.fields)
    return list(layer.data.columns)


def _parse_aggregation(text: str) -> tuple[str, str]:
    kind, _, arg = str(text).partition(":")
    return kind.strip().lower(), arg.strip()


def _check_aggregation(loaded: LoadedProject, lp: LayerPlan) -> None:
    kind, arg = _parse_aggregation(lp.aggregate)
    if kind == "hex":
        try:
            float(arg or 10)
        except ValueError:
            raise ProtectionError(
                f"aggregation '{lp.aggregate}' of layer '{lp.name}' has no size in km",
                fix="write hex:10 for hexagons of 10 km",
            ) from None
    elif kind == "admin":
        target = next((l for l in loaded.layers if l.name == arg), None)
        if not isinstance(target, VectorLayer) or target.geometry_type not in ("Polygon",):
            names = [l.name for l in loaded.layers if isinstance(l, VectorLayer) and l.geometry_type == "Polygon"]
            raise ProtectionError(
                f"aggregation '{lp.aggregate}' of layer '{lp.name}' names no boundary layer",
                fix=f"write admin:LAYER with one of: {', '.join(names) or '(no polygon layer)'}",
            )
    else:
        raise ProtectionError(
            f"unknown aggregation '{lp.aggregate}' for layer '{lp.name}'",
            fix='write "hex:SIZE_KM" or "admin:BOUNDARY_LAYER"',
        )


# --- the safe copy -----------------------------------------------------------------------------


def _aggregated_layer(loaded: LoadedProject, layer: VectorLayer, lp: LayerPlan) -> VectorLayer:
    """The individual points replaced by counts per admin unit or hexagon (graduated, "<5"-safe)."""
    kind, arg = _parse_aggregation(lp.aggregate)
    fields = _attribute_columns(layer)
    households = rows_are_households(fields)
    count_name = "households" if households else "individuals"
    size = household_size_field(fields) if households else None
    sums = {"individuals": size} if size is not None else {}
    threshold = loaded.project.protection.threshold
    if kind == "hex":
        data = aggregate_points(
            layer.data, "hex", size_km=float(arg or 10), count_name=count_name, sums=sums, threshold=threshold
        )
        data = data.drop(columns=["hex_q", "hex_r"])
    else:
        polygons = loaded.vector_layer(arg).data
        data = aggregate_points(layer.data, "admin", polygons, count_name=count_name, sums=sums, threshold=threshold)
    new = VectorLayer(
        layer.name,
        data,
        layer.source,
        GraduatedStyle(field=count_name, method="natural_breaks", classes=5, palette="unhcr_blue"),
    )
    new.visible, new.opacity = layer.visible, layer.opacity
    # Sums over a unit's few households (their members) are theirs: suppressed with the count.
    counts = data[count_name].to_numpy()
    new.contributors = {name: counts for name in sums}
    near = data.attrs.get("centre_near_home")
    if near is not None and near.any():
        # A unit whose label or circle would sit within a kilometre of one of its few homes publishes
        # none of its figures ("x"): nothing is drawn at that point.
        new.contributors = {name: np.where(near, 1, counts) for name in sums}
        new.contributors[count_name] = near.astype(np.int64)
        lp.centres_near_home = int(near.sum())
    lp.fields = [str(c) for c in data.columns if c != data.geometry.name]
    lp.suppressed = data.attrs.get("suppressed", {})
    lp.dropped_cells = int(data.attrs.get("dropped_cells", 0))
    return new


def _strip_layer(layer: VectorLayer | TableLayer, lp: LayerPlan) -> VectorLayer | TableLayer:
    """A copy without the withheld fields; styles and labels that needed them fall back to plain."""
    withheld = set(lp.withheld)
    new: VectorLayer | TableLayer
    if isinstance(layer, VectorLayer):
        new = vector = replace_data(layer, layer.data_without([c for c in layer.fields if str(c) in withheld]))
        if getattr(vector.style, "field", None) in withheld:
            vector.style = SingleSymbolStyle(symbol=dataclasses.replace(vector.style.symbol))
        labels = vector.labels
        if (
            labels is not None
            and ({labels.field, labels.priority} | set(expression_fields(labels.expression))) & withheld
        ):
            vector.labels = None
    else:
        new = TableLayer(
            layer.name, layer.data.drop(columns=[c for c in layer.data.columns if str(c) in withheld]), layer.source
        )
        new.visible, new.opacity = layer.visible, layer.opacity
        new.declared_kinds = dict(layer.declared_kinds)
    new.sensitive_fields = {f: r for f, r in lp.allowed.items() if f != GEOMETRY}
    return new


def _contributor_counts(loaded: LoadedProject, layer: Layer, lp: LayerPlan) -> dict:
    """Field → contributors per row where known: aggregated points, joins that added up or averaged
    the rows of a table of people or households, declared denominators."""
    counts: dict = {}
    if lp.points == "aggregated":
        counts.update(getattr(layer, "contributors", {}))
    elif getattr(layer, "contributors", None):
        tables = {l.name: l for l in loaded.layers}
        for join in loaded.project.joins:
            if join.layer != layer.name:
                continue
            # Sums and means over the rows of a table, or the points of a layer, of people or households.
            spatial = join.kind == "spatial"
            source = tables.get(join.points if spatial else join.table)
            combined = spatial or join.aggregate in ("sum", "mean")
            if isinstance(layer, VectorLayer) and source is not None and combined and is_individual_level(source):
                counts.update(layer.contributors)
    spec = next((s for s in loaded.project.layers if s.name == layer.name), None)
    if spec is not None and spec.denominators and isinstance(layer, (VectorLayer, TableLayer)):
        counts.update(denominator_counts(layer.attributes, spec.denominators))
    return {f: n for f, n in counts.items() if f in set(lp.fields)}


def _protect_cells(loaded: LoadedProject, layer: Layer, lp: LayerPlan, threshold: int) -> Layer:
    """``layer`` with values of too few contributors and complementary cells suppressed ("x"):
    ``pakmap.protection.contributors`` and ``pakmap.protection.complementary``; the totals per group
    that charts publish are relations too (``pakmap.protection.charts``)."""
    if not isinstance(layer, (VectorLayer, TableLayer)) or not lp.fields:
        return layer
    # On the attributes: a point layer held as columns never builds its million shapely points here.
    attributes = layer.attributes
    frame, hidden = few_contributors(attributes, _contributor_counts(loaded, layer, lp), threshold)
    lp.few_contributors = {f: int(mask.sum()) for f, mask in hidden.items()}
    counts = [f for f in count_fields_of(layer) if f in set(lp.fields)]
    if counts:
        groups = chart_groups(loaded.project.layout.charts, layer)
        frame, lp.secondary = complementary_suppression(frame, counts, threshold, hidden, groups)
    if frame is attributes:
        return layer
    return _with_frame(layer, frame, lp)


def _with_frame(layer: VectorLayer | TableLayer, frame, lp: LayerPlan) -> Layer:
    """``layer`` publishing ``frame`` (its attributes with cells suppressed)."""
    if isinstance(layer, VectorLayer):
        points = layer.point_columns
        if points is not None:
            data = dataclasses.replace(points, attributes=frame)
        else:
            data = layer.data.copy()
            for column in frame.columns:
                data[column] = frame[column].to_numpy()
        new = replace_data(layer, data)
        style = new.style
        suppressed = {*lp.secondary, *lp.few_contributors, *lp.differencing, *lp.across}
        if isinstance(style, GraduatedStyle) and style.field in suppressed and "(x)" not in style.nodata_label:
            # Its "x" cells are drawn in the no-data colour: the legend says why.
            new.style = dataclasses.replace(style, nodata_label=f"{style.nodata_label} or suppressed (x)")
        return new
    layer.data = frame
    return layer


def _protect_differences(layers: list[Layer], plan: ExportPlan) -> list[Layer]:
    """The layers with no two totals of one count differing by 1 … k − 1 (``pakmap.protection.differencing``)."""
    frames, fields = {}, {}
    for layer in layers:
        lp = plan.layers.get(layer.name)
        if lp is None or not isinstance(layer, (VectorLayer, TableLayer)) or not lp.fields:
            continue
        counts = [f for f in count_fields_of(layer) if f in set(lp.fields)]
        if counts:
            frames[layer.name], fields[layer.name] = layer.attributes, counts
    if len(frames) < 2:
        return layers
    protected, hidden = protect_differences(frames, fields, plan.threshold)
    out = []
    for layer in layers:
        lp = plan.layers.get(layer.name)
        if lp is not None and layer.name in hidden and isinstance(layer, (VectorLayer, TableLayer)):
            lp.differencing = hidden[layer.name]
            frame = protected[layer.name]
            frame.index = layer.attributes.index
            lp.secondary = {
                f: int((frame[f] == SECONDARY_MARK).sum()) - lp.few_contributors.get(f, 0) - lp.differencing.get(f, 0)
                for f in fields[layer.name]
            }
            lp.secondary = {f: n for f, n in lp.secondary.items() if n > 0}
            layer = _with_frame(layer, frame, lp)
        out.append(layer)
    return out


def _safe_project(project: Project, plan: ExportPlan, layers: list[Layer]) -> Project:
    """A shallow copy of the project whose layer specs match the safe layers: no withheld field in
    popups, the aggregated layers' new style."""
    safe = copy.copy(project)
    by_name = {l.name: l for l in layers}
    specs = []
    for spec in project.layers:
        lp = plan.layers.get(spec.name)
        if lp is None:
            specs.append(spec)
            continue
        changes: dict = {"popup_fields": [f for f in spec.popup_fields if f in set(lp.fields)]}
        aggregated = by_name.get(spec.name)
        if lp.points == "aggregated" and isinstance(aggregated, VectorLayer):
            changes.update(style=aggregated.style, labels=None, popup_fields=list(lp.fields))
        specs.append(dataclasses.replace(spec, **changes))
    safe.layers = specs
    return safe


def _protection_key(loaded: LoadedProject, plan: ExportPlan, shared: SharedCells) -> tuple[tuple, tuple]:
    """What ``_protected_layers`` depends on, as a key of plain values and identities; and the
    objects those identities are of. A layer's plan enters whole: its published fields too."""
    project = loaded.project
    # The shared cells by identity: one render passes one set to all its exports.
    holds = (*loaded.layers, project.joins, project.layers, project.layout.charts, *([shared] if shared else []))
    plans = tuple(
        (
            name,
            tuple(lp.fields),
            tuple(sorted(lp.withheld.items())),
            tuple(sorted(lp.allowed.items())),
            lp.individual,
            lp.points,
            lp.aggregate,
            tuple(sorted(lp.suppressed.items())),
        )
        for name, lp in plan.layers.items()
    )
    return (tuple(map(id, holds)), plan.threshold, plans), holds


def chart_key(spec: ChartSpec, fields: ChartFields) -> str:
    """How the record and the project's shared cells name a chart's totals: layer, group column, value."""
    return f"{spec.layer}: {fields.value} by {fields.by}"


def _layer_tables(
    loaded: LoadedProject, layers: list[Layer], originals: dict, plan: ExportPlan, shared: SharedCells
) -> list[tuple[int, Table]]:
    """The export's layers that can link to another table, as tables of its system: position, table."""
    charts = loaded.project.layout.charts
    out = []
    for i, layer in enumerate(layers):
        lp = plan.layers.get(layer.name)
        if lp is None or layer.name not in originals or not isinstance(layer, (VectorLayer, TableLayer)):
            continue
        original = originals[layer.name]
        groups = tuple(chart_groups(charts, layer))
        if isinstance(layer, TableLayer) and not resolved_fields(charts, layer):
            continue  # no exporter writes a table: its figures reach a reader through layers and charts
        if not (layer.name in shared or groups or has_units(original)):
            continue  # a table that names no unit links to no other: solved alone already
        counts = [f for f in count_fields_of(layer) if f in set(lp.fields)]
        if not counts:
            continue
        cells = {f: m for f, m in shared.get(layer.name, {}).items() if f in counts and len(m) == len(original)}
        published = layer.attributes.reset_index(drop=True)
        out.append((i, Table(layer.name, original.reset_index(drop=True), published, counts, groups, cells)))
    return out


def _chart_tables(
    loaded: LoadedProject, originals: dict, plan: ExportPlan, shared: SharedCells
) -> list[tuple[int, str, pd.Series, Table]]:
    """The totals per group of the export's charts, as tables of its system: chart position, key,
    the totals as protected alone, table."""
    out = []
    for j, spec in enumerate(loaded.project.layout.charts):
        original = loaded.layer(spec.layer) if spec.layer in originals else None
        if not isinstance(original, (VectorLayer, TableLayer)):
            continue
        fields = next((f for f in resolved_fields([spec], original) if f.by), None)
        if fields is None or not is_count(original, fields.value):
            continue
        if not {fields.by, fields.value} <= set(map(str, original.attributes.columns)):
            continue  # an aggregated point layer: its totals are not the points' columns
        key = chart_key(spec, fields)
        frame = totals_table(original, fields)
        totals = protected_totals(original, fields, plan.threshold)
        published = pd.DataFrame({fields.by: frame[fields.by], fields.value: totals.to_numpy()})
        cells = {f: m for f, m in shared.get(f"chart {key}", {}).items() if len(m) == len(frame)}
        out.append((j, key, totals, Table(f"chart {key}", frame, published, [fields.value], (), cells)))
    return out


def _protect_across(
    loaded: LoadedProject, layers: list[Layer], originals: dict, plan: ExportPlan, shared: SharedCells
) -> tuple[list[Layer], dict[int, pd.Series]]:
    """The layers, and the totals per group of the charts, with the cells hidden that the export's
    tables solved as one system need (``pakmap.protection.system``); ``shared``: the cells the
    project's exports all hide. Returns the layers and chart position → its published totals."""
    layer_tables = _layer_tables(loaded, layers, originals, plan, shared)
    chart_tables = _chart_tables(loaded, originals, plan, shared)
    tables = [t for _, t in layer_tables] + [t for *_, t in chart_tables]
    if len(tables) < 2 and not shared:
        return layers, {}
    added = solve(tables, plan.threshold)
    out = list(layers)
    for (i, table), new in zip(layer_tables, added):
        layer, lp = out[i], plan.layers[out[i].name]
        lp.project_cells = {f: int(m.sum()) for f, m in table.shared.items() if m.any()}
        if new and isinstance(layer, (VectorLayer, TableLayer)):
            lp.across = {f: int(m.sum()) for f, m in new.items()}
            frame = hide(table.published, new)
            frame.index = layer.attributes.index
            out[i] = _with_frame(layer, frame, lp)
    solved: dict[int, pd.Series] = {}
    for (j, key, totals, table), new in zip(chart_tables, added[len(layer_tables) :]):
        plan.chart_cells[key] = int(sum(m.sum() for m in new.values()))
        column = hide(table.published, new)[table.fields[0]]
        solved[j] = plan.chart_totals[key] = pd.Series(column.to_numpy(), index=totals.index, name=totals.name)
    return out, solved


def apply_plan(
    loaded: LoadedProject, plan: ExportPlan, cache: PlanCache | None = None, shared: SharedCells | None = None
) -> LoadedProject:
    """The copy of ``loaded`` that the exporters may see for ``plan`` (the original is untouched).

    Aggregated layers are computed here; their plan entries then list the published count fields
    and how many counts are suppressed (what the export record reports). ``cache``: the render's
    ``PlanCache``, whose protected layers an export with the same plan reuses; ``shared``: cells
    every export of the project hides (``pakmap.protection.project_cells``)."""
    shared = shared or {}
    if cache is None:
        layers, charts = _protected_layers(loaded, plan, shared)
    else:
        key, holds = _protection_key(loaded, plan, shared)
        kept = cache.protected(key)
        if kept is None:
            layers, charts = _protected_layers(loaded, plan, shared)
            kept_plan = copy.deepcopy((plan.layers, plan.chart_cells, plan.chart_totals))
            cache.keep(key, (layers, charts, kept_plan), holds)
        else:
            layers, charts, plans = kept
            # what protecting wrote into the plan: suppressed cells, chart totals
            plan.layers, plan.chart_cells, plan.chart_totals = copy.deepcopy(plans)
    safe = LoadedProject(
        _safe_project(loaded.project, plan, layers), list(layers), list(loaded.join_reports), loaded.crs
    )
    safe.published_charts = charts
    return safe


def _protected_layers(loaded: LoadedProject, plan: ExportPlan, shared: SharedCells) -> tuple[list[Layer], list]:
    """The layers of ``loaded`` as ``plan`` publishes them, and the charts they may publish."""
    layers: list[Layer] = []
    originals: dict[str, object] = {}  # layer → its figures before protection (the system's values)
    for layer in loaded.layers:
        lp = plan.layers.get(layer.name)
        if lp is None or isinstance(layer, RasterLayer):
            layers.append(layer)
        elif lp.points == "aggregated" and isinstance(layer, VectorLayer):  # only points are aggregated
            base = _aggregated_layer(loaded, layer, lp)
            originals[layer.name] = base.attributes
            layers.append(_protect_cells(loaded, base, lp, plan.threshold))
        elif lp.points in ("left out", "blocked"):
            continue  # exact locations of people never reach an exporter
        else:
            stripped = _strip_layer(layer, lp)
            originals[layer.name] = stripped.attributes
            layers.append(_protect_cells(loaded, stripped, lp, plan.threshold))
    layers = _protect_differences(layers, plan)
    layers, solved = _protect_across(loaded, layers, originals, plan, shared)
    return layers, published_charts(loaded, layers, loaded.project.layout.charts, plan.threshold, solved)


def safe_loaded(
    loaded: LoadedProject, export_path=None, allow_sensitive=(), aggregate: dict[str, str] | None = None
) -> LoadedProject:
    """A copy of ``loaded`` with every withheld field dropped and individual points left out or
    aggregated, whatever the findings (previews, the GUI); exports go through ``guard_export``."""
    return apply_plan(loaded, plan_export(loaded, export_path, allow_sensitive, aggregate))


def guard_export(
    loaded: LoadedProject,
    export_path,
    allow_sensitive=(),
    aggregate: dict[str, str] | None = None,
    reason: str = "",
    places=(),
    threshold: int | None = None,
    shows: str | None = None,
    cache: PlanCache | None = None,
    shared: SharedCells | None = None,
) -> tuple[LoadedProject, ExportPlan]:
    """The safe copy and the plan for an export; ``ProtectionError`` when a finding blocks it.

    ``reason``: why the ``allow_sensitive`` fields may be published (required for points) and why a
    ``threshold`` (``--threshold``, else the project's) below 5 is enough (required then); ``shows``:
    the kind of export (``plan_export``); ``cache``: the render's ``PlanCache``, shared by its exports;
    ``shared``: the cells every export of the project hides (``pakmap.protection.project_cells``)."""
    check_allow_reason(allow_sensitive, reason, export_path)
    loaded = with_threshold(loaded, threshold, reason)
    protection = loaded.project.protection
    check_threshold(int(protection.threshold), protection.threshold_reason, export_path)
    plan = plan_export(loaded, export_path, allow_sensitive, aggregate, reason, places, shows, cache)
    blocking = plan.blocking
    if blocking:
        parts = [
            f"{f.layer} points" if f.field == GEOMETRY else f"{f.layer}.{f.field} ({', '.join(f.used_by)})"
            for f in blocking
        ]
        points = next((f.layer for f in blocking if f.field == GEOMETRY), None)
        listed = next((f.layer for f in blocking if f.field == GEOMETRY and LIST_EVIDENCE in f.reason), None)
        used = next((f for f in blocking if f.field != GEOMETRY), None)
        fixes = ([f"aggregate the points (--aggregate {points}=hex:10 or admin:BOUNDARY_LAYER)"] if points else []) + (
            [f"remove {used.field} from the {' and '.join(used.used_by)}"] if used else []
        )
        raise ProtectionError(
            f"the export would publish personal data: {'; '.join(parts)}",
            path=export_path,
            fix=f"{PLACES_FIX.format(layer=listed) if listed else ''}{' and '.join(fixes)} "
            f"(`pakmap check` lists every finding); only under a "
            f'data-sharing agreement, --allow-sensitive {blocking[0].allow_arg} --reason "…"',
        )
    safe = apply_plan(loaded, plan, cache, shared)
    check_categorized_counts(safe, export_path)
    return safe, plan


def _export_name(target) -> str:
    """How a finding names an export: its file name, or its database table."""
    return as_source(target).table_name if is_database_address(str(target)) else Path(target).name


def check_project(loaded: LoadedProject, export_path=None) -> list[Finding]:
    """Every protection finding, for one export or for all the project's exports (merged)."""
    if export_path is not None:
        return plan_export(loaded, export_path).findings
    targets: list[Path | None] = [loaded.project.resolve(e.path) for e in loaded.project.exports] or [None]
    merged: dict[tuple[str, str], Finding] = {}
    cache = PlanCache()
    for target in targets:
        for finding in plan_export(loaded, target, cache=cache).findings:
            key = (finding.layer, finding.field)
            name = (_export_name(target),) if target is not None else ()
            if key not in merged:
                merged[key] = dataclasses.replace(finding, exports=name)
                continue
            old = merged[key]
            merged[key] = dataclasses.replace(
                old,
                blocking=old.blocking or finding.blocking,
                used_by=tuple(sorted(set(old.used_by) | set(finding.used_by))),
                exports=old.exports + tuple(n for n in name if n not in old.exports),
            )
    return list(merged.values())


__all__ = [
    "check_allow_reason",
    "point_lists",
    "check_threshold",
    "low_threshold",
    "with_threshold",
    "STANDARD_THRESHOLD",
    "Finding",
    "LayerPlan",
    "ExportPlan",
    "GEOMETRY",
    "PRINT",
    "WEB",
    "DATA",
    "plan_export",
    "PlanCache",
    "shown_fields",
    "check_project",
    "safe_loaded",
    "guard_export",
    "apply_plan",
    "parse_allow_arguments",
    "sensitive_fields",
    "used_fields",
]
