"""The cells every export of one project hides: one suppression for the union of what they publish.

Each export is protected on its own, but a reader holds all of them. A web dashboard whose chart of
totals per province hides Gilgit-Baltistan (beside Islamabad's "<5") hides one of its districts as
well, so that the districts shown beside the chart do not add up to it; a GeoPackage of the same
project, without the chart, shows that district, and the two files together give Islamabad back. So
when the exports of one render publish different things (charts, fields, allows), the suppression is
worked out once for everything any of them publishes — every layer with the union of its published
fields, every chart of every export — and each export hides those cells too
(``apply_plan(..., shared=)``). An export publishes a subset of that union and hides at least its
hidden cells, so whatever the exports show together, no hidden cell follows from it.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Sequence

from ..field_kinds import count_fields_of
from ..layer import TableLayer, VectorLayer
from ..project.loaded import LoadedProject
from .charts import resolved_fields
from .policy import ExportPlan, LayerPlan, apply_plan, chart_key, plan_export, with_threshold
from .system import SharedCells, published_hidden

_MAX_ROUNDS = 5  # each round only hides more cells; two are the rule


def _union_layer(plans: list[LayerPlan]) -> LayerPlan:
    """One layer's plan publishing what any export's plan publishes."""
    shown = [p for p in plans if p.points not in ("left out", "blocked")] or plans
    out = dataclasses.replace(shown[0])
    out.fields = list(dict.fromkeys(f for p in shown for f in p.fields))
    withheld = set.intersection(*(set(p.withheld) for p in shown))
    out.withheld = {f: r for f, r in shown[0].withheld.items() if f in withheld}
    out.allowed = {f: r for p in shown for f, r in p.allowed.items()}
    for name in ("suppressed", "secondary", "few_contributors", "differencing", "across", "project_cells"):
        setattr(out, name, {})
    return out


def _union(exports: list[tuple[LoadedProject, ExportPlan]]) -> tuple[LoadedProject, ExportPlan]:
    """The project publishing everything its exports publish: each layer's fields, every chart."""
    loaded, first = exports[0]
    charts = []
    for each, _plan in exports:
        charts += [c for c in each.project.layout.charts if c not in charts]
    project = copy.copy(loaded.project)
    project.layout = dataclasses.replace(project.layout, charts=charts)
    plan = ExportPlan(export="", threshold=first.threshold, threshold_reason=first.threshold_reason)
    for name in first.layers:
        plan.layers[name] = _union_layer([p.layers[name] for _, p in exports if name in p.layers])
    return LoadedProject(project, loaded.layers, loaded.join_reports, loaded.crs), plan


def _hidden(safe: LoadedProject, plan: ExportPlan) -> SharedCells:
    """The cells ``safe`` (protected for ``plan``) publishes as no number: per layer and count field,
    and per chart's totals (``"chart KEY"``)."""
    out: SharedCells = {}
    for layer in safe.layers:
        lp = plan.layers.get(layer.name)
        if lp is None or not isinstance(layer, (VectorLayer, TableLayer)):
            continue
        counts = [f for f in count_fields_of(layer) if f in set(lp.fields)]
        cells = published_hidden(layer.attributes.reset_index(drop=True), counts, plan.threshold)
        if cells:
            out[layer.name] = cells
    for spec in safe.project.layout.charts:
        charted = safe.layer(spec.layer) if spec.layer in plan.layers else None
        if not isinstance(charted, (VectorLayer, TableLayer)):
            continue
        fields = next((f for f in resolved_fields([spec], charted) if f.by), None)
        totals = plan.chart_totals.get(chart_key(spec, fields)) if fields is not None else None
        if fields is not None and totals is not None:
            frame = totals.to_frame(fields.value).reset_index(drop=True)
            cells = published_hidden(frame, [fields.value], plan.threshold)
            if cells:
                out[f"chart {chart_key(spec, fields)}"] = cells
    return out


def _merge(into: SharedCells, cells: SharedCells) -> bool:
    """Add ``cells`` to ``into``; whether a cell was new."""
    grown = False
    for table, fields in cells.items():
        known = into.setdefault(table, {})
        for name, mask in fields.items():
            old = known.get(name)
            if old is None or len(old) != len(mask):
                known[name], grown = mask.copy(), True
            elif (mask & ~old).any():
                known[name], grown = old | mask, True
    return grown


def shared_cells(
    exports: Sequence[tuple[LoadedProject, object]],
    allow_sensitive=(),
    aggregate: dict[str, str] | None = None,
    reason: str = "",
    places=(),
    threshold: int | None = None,
) -> SharedCells:
    """The cells (layer → count field → rows; ``"chart KEY"`` → its totals) that every export of
    ``exports`` (each its prepared project and its target) hides. First those of the union of what
    they publish; then, while one export needs more under its own relations (a total no table of it
    shows is taken as known), those too, so that all of them hide the same cells. Exports a finding
    blocks are left out: they publish nothing."""
    planned = []
    for loaded, target in exports:
        loaded = with_threshold(loaded, threshold, reason)
        plan = plan_export(loaded, target, allow_sensitive, aggregate, reason, places)
        if not plan.blocking:
            planned.append((loaded, plan))
    if len(planned) < 2:
        return {}
    loaded, plan = _union(planned)
    out: SharedCells = {}
    _merge(out, _hidden(apply_plan(loaded, plan), plan))
    for _ in range(_MAX_ROUNDS):
        grown = False
        for each, plan in planned:
            plan = copy.deepcopy(plan)
            grown |= _merge(out, _hidden(apply_plan(each, plan, shared=out), plan))
        if not grown:
            break
    return out


__all__ = ["shared_cells"]
