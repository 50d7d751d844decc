"""paused_gc: the collector is off inside, restored after, nesting and threads counted."""

from __future__ import annotations

import gc
import threading

from pakmap.gc_pause import paused_gc


def test_collector_paused_inside_and_restored_after():
    assert gc.isenabled()
    with paused_gc():
        assert not gc.isenabled()
        with paused_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer block still runs
    assert gc.isenabled()


def test_restored_after_an_exception_and_left_off_if_it_was_off():
    try:
        with paused_gc():
            raise ValueError("boom")
    except ValueError:
        pass
    assert gc.isenabled()
    gc.disable()
    try:
        with paused_gc():
            pass
        assert not gc.isenabled()  # the caller's choice is kept
    finally:
        gc.enable()


def test_concurrent_blocks_reenable_when_the_last_ends():
    inside, release = threading.Event(), threading.Event()

    def worker():
        with paused_gc():
            inside.set()
            release.wait(5)

    thread = threading.Thread(target=worker)
    thread.start()
    inside.wait(5)
    with paused_gc():
        pass
    assert not gc.isenabled()  # the worker's block is still open
    release.set()
    thread.join(5)
    assert gc.isenabled()
