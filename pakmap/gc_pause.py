"""``paused_gc()``: no cyclic garbage collection while a million objects are being made.

Making one shapely geometry per feature (reading a layer, simplifying or clipping it) creates
Python objects by the million. Every 700 new objects CPython's cyclic collector runs, and its full
passes walk every tracked object of the process — with pandas, Qt and scipy loaded, a few hundred
thousand, so those passes cost more than making the geometries (bench/README.md).
Geometries hold no reference cycles, so nothing is lost by pausing; whatever cycles other code
makes meanwhile are collected once the collector runs again.

Nested and concurrent uses (a canvas render in a worker thread while a layer loads) are counted:
the collector is re-enabled when the last one ends, and only if it was enabled before the first.
"""

from __future__ import annotations

import gc
import threading
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_was_enabled = False


@contextmanager
def paused_gc():
    """Disable the cyclic garbage collector for the ``with`` block (reference counting still frees)."""
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()


__all__ = ["paused_gc"]
