"""A small typed observer so core models can announce changes without importing Qt.

The desktop front end connects Qt slots to these signals (napari-style: models in the core, views in
``ui/`` subscribe), the command line simply ignores them.

A signal declares the types of what it sends twice over, once for each kind of checker:
``layer_changed: Signal[[Layer]] = Signal(Layer)``. The annotation lets mypy check every ``emit``
and ``connect`` in the core statically; the runtime types let ``connect`` refuse a callback that
cannot take the arguments (as psygnal does) and ``emit`` refuse arguments of the wrong type, so the
front end, which mypy does not check, is held to the same signature.
"""

from __future__ import annotations

import inspect
from typing import Any, Callable, Generic, ParamSpec

P = ParamSpec("P")


class Signal(Generic[P]):
    """Callbacks called with the same arguments on ``emit``, in the order they were connected."""

    def __init__(self, *types: type | tuple[type, ...]) -> None:
        self.types = types
        self._callbacks: list[Callable[P, Any]] = []

    def connect(self, callback: Callable[P, Any]) -> None:
        """Call ``callback`` on every emit; a callback that cannot take the signal's arguments is a
        ``TypeError`` now rather than at the first emit."""
        try:
            signature = inspect.signature(callback)
        except (TypeError, ValueError):  # some builtins and Qt slots have no signature to read
            signature = None
        if signature is not None:
            try:
                signature.bind(*([None] * len(self.types)))
            except TypeError:
                raise TypeError(
                    f"{getattr(callback, '__qualname__', callback)!r} cannot take this signal's "
                    f"{len(self.types)} argument(s) ({', '.join(_name(t) for t in self.types) or 'none'})"
                ) from None
        if callback not in self._callbacks:
            self._callbacks.append(callback)

    def disconnect(self, callback: Callable[P, Any]) -> None:
        if callback in self._callbacks:
            self._callbacks.remove(callback)

    def emit(self, *args: P.args, **kwargs: P.kwargs) -> None:
        if kwargs or len(args) != len(self.types):
            raise TypeError(f"this signal sends {len(self.types)} positional argument(s), not {len(args)}")
        for value, expected in zip(args, self.types):
            if not isinstance(value, expected):
                raise TypeError(f"this signal sends {_name(expected)}, not {type(value).__name__}")
        for callback in list(self._callbacks):
            callback(*args, **kwargs)


def _name(expected: type | tuple[type, ...]) -> str:
    if isinstance(expected, tuple):
        return " or ".join(t.__name__ for t in expected)
    return expected.__name__
