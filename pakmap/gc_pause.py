"""``paused_gc()``: no cyclic garbage collection while a million objects are being made.

Making one shapely geometry per feature (reading a layer, simplifying or clipping it) creates
Python objects by the million. Every 700 new objects CPython's cyclic collector runs, and its full
passes walk every tracked object of the process — with pandas, Qt and scipy loaded, a few hundred
thousand, so those passes cost more than making the geometries (bench/README.md).
Geometries hold no reference cycles, so nothing is lost by pausing; whatever cycles other code
makes meanwhile are collected once the collector runs again.

``start_up()`` wraps the imports a process starts with (a command's implementation, the desktop
app's window) and then freezes what they made (``gc.freeze``): the ~80,000 objects of pandas,
pyarrow, geopandas and pakmap's own modules live as long as the process, yet every full collection
walked them, the last one at exit; skipping them shortens every command (bench/README.md).

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


_frozen = False


@contextmanager
def start_up():
    """The ``with`` block's imports made with the collector paused; once per process, everything made
    so far is then moved out of the collector's sight (later calls only pause: a test process calling
    the command line again should not freeze its tests' garbage)."""
    global _frozen
    with paused_gc():
        yield
    if not _frozen:
        _frozen = True
        gc.freeze()


__all__ = ["paused_gc", "start_up"]
