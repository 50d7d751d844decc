"""Long work off the GUI thread: loading big files, joins, exports, atlases.

A ``Task`` wraps a function ``fn(progress, cancelled)``; it runs on a pool of long-lived Python threads
(not ``QThreadPool``, whose threads get a new Python thread state per job, which tears down pyproj's
per-thread PROJ contexts under CRS objects still in use) and reports back through Qt signals, which
Qt delivers on the GUI thread (queued connections), so widgets are only ever touched there. ``TaskBar`` is the status-bar strip with the progress bar and the Cancel button.
Errors raised by the work (``PakmapError`` above all) travel back as the exception object: the window
shows them and keeps running.
"""

from __future__ import annotations

import concurrent.futures
import threading
import traceback
from typing import Any, Callable

import shiboken6
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget


class Cancelled(Exception):
    """Raised inside a task's work when the user pressed Cancel."""


class _TaskSignals(QObject):
    progress = Signal(str, float)
    finished = Signal(tuple)  # (result,): a bare None through Signal(object) upsets PySide's refcounts
    failed = Signal(object)


class Task:
    """One piece of background work; ``fn(progress, cancelled)`` returns the result."""

    def __init__(self, title: str, fn: Callable[[Callable[[str, float], None], Callable[[], bool]], Any]):
        self.title = title
        self.fn = fn
        self.signals = _TaskSignals()
        self._cancel = threading.Event()
        self.done = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def _progress(self, message: str, fraction: float) -> None:
        if self._cancel.is_set():
            raise Cancelled()
        self.signals.progress.emit(message, float(fraction))

    def run(self) -> None:  # worker thread
        try:
            result = self.fn(self._progress, self._cancel.is_set)
            if self._cancel.is_set():
                raise Cancelled()
        except Cancelled as exc:
            self.signals.failed.emit(exc)
        except Exception as exc:  # noqa: BLE001 - every failure must reach the window, not kill a thread
            exc.__pakmap_traceback__ = traceback.format_exc()  # for the log; never shown raw
            self.signals.failed.emit(exc)
        else:
            self.signals.finished.emit((result,))
        finally:
            self.done.set()


class TaskRunner(QObject):
    """Starts tasks on a thread pool and keeps them alive until they report."""

    started = Signal(object)  # Task
    ended = Signal(object)  # Task

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = concurrent.futures.ThreadPoolExecutor(max_workers=2, thread_name_prefix="pakmap-task")
        self.running: list[Task] = []
        self._futures: list[concurrent.futures.Future] = []

    def start(
        self,
        title: str,
        fn,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        owner: QObject | None = None,
    ) -> Task:
        """Run ``fn`` in the background. ``on_done``/``on_error`` are called on the GUI thread, unless
        ``owner`` (the widget they update) has been deleted by then: a dialog closed while its work
        was still running must not be touched."""
        task = Task(title, fn)
        self.running.append(task)

        def owner_gone() -> bool:
            return owner is not None and not shiboken6.isValid(owner)

        def finished(wrapped):
            self._end(task)
            if on_done and not owner_gone():
                on_done(wrapped[0])

        def failed(exc):
            self._end(task)
            if on_error and not isinstance(exc, Cancelled) and not owner_gone():
                on_error(exc)

        task.signals.finished.connect(finished)
        task.signals.failed.connect(failed)
        self.started.emit(task)
        self._futures = [f for f in self._futures if not f.done()] + [self.pool.submit(task.run)]
        return task

    def _end(self, task: Task) -> None:
        # The slots connected in ``start`` hold the task, and the task holds them through its signals'
        # Qt connections, which Python's cycle collector cannot see: unless they are cut here, every
        # task lives for ever with its callbacks and all they hold (each layer ever added, say).
        task.signals.finished.disconnect()
        task.signals.failed.disconnect()
        if task in self.running:
            self.running.remove(task)
        self.ended.emit(task)

    def wait(self, msecs: int = 30000) -> bool:
        """Block until the submitted work has finished (closing the window)."""
        _done, pending = concurrent.futures.wait(self._futures, timeout=msecs / 1000)
        return not pending


class TaskBar(QWidget):
    """Progress bar, message and Cancel button for the newest running task (hidden when idle)."""

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.label = QLabel()
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.bar.setFixedWidth(180)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop this task; nothing already saved is changed")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for w in (self.label, self.bar, self.cancel_button):
            layout.addWidget(w)
        self.cancel_button.clicked.connect(self.cancel_current)
        runner.started.connect(self._on_started)
        runner.ended.connect(self._on_ended)
        self.current: Task | None = None
        self.hide()

    def cancel_current(self) -> None:
        if self.current is not None:
            self.current.cancel()
            self.label.setText(f"{self.current.title}: cancelling…")

    def _on_started(self, task: Task) -> None:
        self.current = task
        self.label.setText(task.title)
        # Busy (a moving bar) until the work reports a share done: reading one big file is a single
        # call into GDAL that reports nothing, and a bar standing at 0 looks like a hang.
        self.bar.setRange(0, 0)
        task.signals.progress.connect(self._on_progress)
        self.show()

    def _on_progress(self, message: str, fraction: float) -> None:
        if self.current is not None:
            self.label.setText(f"{self.current.title}: {message}")
        if fraction > 0:
            self.bar.setRange(0, 1000)
            self.bar.setValue(int(min(1.0, fraction) * 1000))

    def _on_ended(self, task: Task) -> None:
        if task is self.current:
            self.current = self.runner.running[-1] if self.runner.running else None
            if self.current is None:
                self.hide()
            else:
                self.label.setText(self.current.title)
                self.bar.setRange(0, 0)
