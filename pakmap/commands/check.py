"""``pakmap check PROJECT``: every data-protection finding, before anything is exported.

One line per finding: the layer, the field (or the layer's points), why it is personal data, and how
to allow it or fix the map. Exit status:

* 0 — nothing would stop an export (withheld fields, if any, are listed: they are simply left out);
* 3 — at least one finding would make ``pakmap render`` refuse an export (a sensitive field the map
  uses, or visible points of individuals or households): the same test ``render`` applies;
* 2 — the project cannot be read (as for every command).

Then, per layer, what each numeric field is (count, rate, measure, identifier, other) and why: only
counts are suppressed below the threshold. Rates that give a suppressed count back (a rate times
its population under the threshold, or a rate over fewer people than the threshold) are warned
about (``pakmap.protection.rates``); warnings do not change the exit status. A threshold below 5 is
a warning too, and exit status 3 when the project gives no ``threshold_reason`` (exports are refused).
"""

from __future__ import annotations

from ..field_kinds import describe_kinds, layer_kinds
from ..layer import RasterLayer
from ..project import load_project
from ..project.loader import load_layers
from ..protection.policy import (
    categorized_count_message,
    categorized_counts,
    check_project,
    low_threshold,
    plan_export,
)
from ..protection.rates import revealing_rates

EXIT_FINDINGS = 3


def run(args) -> int:

    project = load_project(args.project)
    loaded = load_layers(project)
    if args.output or args.allow_sensitive:
        findings = plan_export(
            loaded, project.resolve(args.output) if args.output else None, args.allow_sensitive
        ).findings
    else:
        findings = check_project(loaded)
    blocking = [f for f in findings if f.blocking]
    protection = project.protection
    threshold_warning = low_threshold(int(protection.threshold), protection.threshold_reason)
    if threshold_warning:
        print(f"warning: {threshold_warning}")
    categorized = categorized_counts(loaded)
    for layer, field in categorized:
        problem, fix = categorized_count_message(layer, field)
        print(f"refused: {problem} — {fix}")
    for finding in sorted(findings, key=lambda f: (not f.blocking, f.layer, f.field)):
        where = f" [{', '.join(finding.exports)}]" if finding.exports else ""
        print(f"{'refused' if finding.blocking else 'withheld'}: {finding.message()}{where}")
    if not findings:
        print("no personal data found: every export can run")
    elif blocking:
        print(f"{len(blocking)} finding(s) would stop an export, {len(findings) - len(blocking)} field(s) withheld")
    else:
        print(f"{len(findings)} field(s) withheld from exports; nothing stops an export")
    print_field_kinds(loaded)
    refused_threshold = bool(threshold_warning) and not protection.threshold_reason.strip()
    return EXIT_FINDINGS if blocking or refused_threshold or categorized else 0


def print_field_kinds(loaded) -> None:
    """Each layer's field kinds with their reasons, then the rates that reveal small counts."""
    joined_tables = {j.table for j in loaded.project.joins if j.table}
    threshold = int(loaded.project.protection.threshold)
    warnings = []
    for layer in loaded.layers:
        if isinstance(layer, RasterLayer) or layer.name in joined_tables:
            continue  # a joined table's fields are shown, with their kinds, on the layer they joined
        kinds = layer_kinds(layer)
        print(f"fields of '{layer.name}': {describe_kinds(kinds)}")
        warnings += revealing_rates(layer.name, layer.attributes, kinds, threshold)
    for warning in warnings:
        print(f"warning: {warning.message()}")
