"""What the exports of one render share: each layer's detection, and the protected layers of a plan.

``pakmap render`` of a project that lists a PNG and a PDF plans and protects each export: the same
detection over the same layers, the same complementary suppression of the same published fields.
A ``PlanCache`` made for the render (``run_project_exports``) keeps both, so the second export reuses
them. It is keyed by what a plan depends on (the layer objects, the project's joins, layer specs and
layout, and every layer's plan: published fields, withheld and allowed fields, points, threshold), so
two exports that publish different fields never share protected layers. It lives as long as one
render, whose layers do not change under it; the desktop app, whose layers do, passes none.
"""

from __future__ import annotations

from typing import Any, Hashable

from ..layer import Layer
from ..sensitivity.detect import inspect_layer


class PlanCache:
    """Detections and protected layers of one render, each held with the objects its key names by
    identity (so no identity is reused by another object while the cache lives)."""

    def __init__(self) -> None:
        self._detected: dict[tuple[int, bool | None], tuple[Layer, dict[str, str], bool]] = {}
        self._protected: dict[Hashable, tuple[tuple, Any]] = {}

    def inspect(self, layer: Layer, individual: bool | None = None) -> tuple[dict[str, str], bool]:
        """``inspect_layer(layer, individual)``, computed once per layer and question."""
        key = (id(layer), individual)
        kept = self._detected.get(key)
        if kept is None or kept[0] is not layer:
            kept = self._detected[key] = (layer, *inspect_layer(layer, individual))
        return dict(kept[1]), kept[2]

    def protected(self, key: Hashable) -> Any | None:
        """What ``keep`` stored under ``key``, or None."""
        kept = self._protected.get(key)
        return None if kept is None else kept[1]

    def keep(self, key: Hashable, value: Any, holds: tuple) -> None:
        """Store ``value`` under ``key``; ``holds``: the objects whose identities ``key`` uses."""
        self._protected[key] = (holds, value)


__all__ = ["PlanCache"]
