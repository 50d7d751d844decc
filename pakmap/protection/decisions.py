"""The officer's protection decisions, saved in the project (``[protection]``).

An explicit allow (this field may be published, in this export or all) and an aggregation (these
household points are published as counts per admin unit or hexagon) are project data: they are
re-applied next month and listed in every export record. The GUI's export dialog and the layers
panel call these functions; each change is announced on ``project.changed``.
"""

from __future__ import annotations

from ..errors import ProtectionError
from ..project.model import AllowSpec, Project
from .aggregate import MIN_HEX_KM


def allow_field(project: Project, layer: str, field: str, export: str = "*", reason: str = "") -> AllowSpec:
    """Let ``field`` of ``layer`` into ``export`` ("*": every export). A reason is required: it is
    what a reviewer reads in the project and in each export record."""
    project.layer_spec(layer)  # raises, naming the layers, when there is no such layer
    if not reason.strip():
        raise ProtectionError(
            f"publishing '{field}' of layer '{layer}' needs a reason",
            fix='say why this personal data may be published (e.g. "shared with the partner '
            'under the data-sharing agreement")',
        )
    for allow in project.protection.allow:
        if (allow.layer, allow.field, allow.export) == (layer, field, export):
            allow.reason = reason.strip()
            break
    else:
        allow = AllowSpec(layer=layer, field=field, export=export, reason=reason.strip())
        project.protection.allow.append(allow)
    project.changed.emit(project)
    return allow


def revoke_allow(project: Project, layer: str, field: str, export: str | None = None) -> int:
    """Withdraw the allows of ``field`` of ``layer`` (for ``export`` only, or all); returns how many."""
    before = len(project.protection.allow)
    project.protection.allow = [
        a
        for a in project.protection.allow
        if not (a.layer == layer and a.field == field and export in (None, a.export))
    ]
    removed = before - len(project.protection.allow)
    if removed:
        project.changed.emit(project)
    return removed


def declare_places(project: Project, layer: str, places: bool = True) -> None:
    """Declare the points of ``layer`` (read from a CSV, XLSX or KML list) as places, not people
    (``--places LAYER``, ``[protection] places``); ``places=False`` withdraws it."""
    project.layer_spec(layer)
    current = list(project.protection.places)
    wanted = sorted({*current, layer}) if places else [p for p in current if p != layer]
    if wanted != current:
        project.protection.places = wanted
        project.changed.emit(project)


def set_aggregation(project: Project, layer: str, how: str | None) -> None:
    """Publish the points of ``layer`` as counts: ``"hex:SIZE_KM"`` or ``"admin:BOUNDARY_LAYER"``;
    ``None`` removes the decision (the points are then refused or left out again)."""
    project.layer_spec(layer)
    if how is None:
        if project.protection.aggregate.pop(layer, None) is not None:
            project.changed.emit(project)
        return
    kind, _, arg = how.partition(":")
    if kind == "hex":
        try:
            size = float(arg)
        except ValueError:
            size = float("nan")
        if not size >= MIN_HEX_KM:
            raise ProtectionError(f"'{how}' is not a hexagon size", fix=f"write hex:10 (km, at least {MIN_HEX_KM:g})")
    elif kind == "admin":
        project.layer_spec(arg)
        if arg == layer:
            raise ProtectionError(f"layer '{layer}' cannot be counted in itself", fix="name a boundary layer")
    else:
        raise ProtectionError(f"unknown aggregation '{how}'", fix='write "hex:SIZE_KM" or "admin:BOUNDARY_LAYER"')
    project.protection.aggregate[layer] = how
    project.changed.emit(project)


__all__ = ["allow_field", "revoke_allow", "declare_places", "set_aggregation"]
