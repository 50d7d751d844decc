"""A tiny observer so core models can announce changes without importing Qt.

The desktop front end connects Qt slots to these signals (napari-style: models in the core, views in
``ui/`` subscribe), the command line simply ignores them.
"""

from __future__ import annotations

from typing import Any, Callable


class Signal:
    """A list of callbacks called with the same arguments on ``emit``."""

    def __init__(self) -> None:
        self._callbacks: list[Callable[..., Any]] = []

    def connect(self, callback: Callable[..., Any]) -> None:
        if callback not in self._callbacks:
            self._callbacks.append(callback)

    def disconnect(self, callback: Callable[..., Any]) -> None:
        if callback in self._callbacks:
            self._callbacks.remove(callback)

    def emit(self, *args: Any) -> None:
        for callback in list(self._callbacks):
            callback(*args)
