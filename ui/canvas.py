"""The map canvas: the core renderer run off the GUI thread, with instant pan and zoom feedback.

QGIS's canvas design: every view change starts a render job (``pakmap.render.render_map`` into a
QImage on a worker thread) and cancels the previous one through its render context's ``cancel``.
Until the new image arrives, the last finished image is drawn shifted and scaled to where its extent
lies in the new view, so dragging and wheel-zooming answer at screen speed whatever the data size.

The canvas holds only view state (centre, map units per pixel); what is drawn comes from the
``Session`` and repaints follow its signals.
"""

from __future__ import annotations

import concurrent.futures
import functools
import time
from collections.abc import Callable

import numpy as np
import shapely
from pyproj import CRS
from PySide6.QtCore import QObject, QPoint, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QWidget

from pakmap.layer import Layer, VectorLayer
from pakmap.map_scale import screen_scale_denominator
from pakmap.mapview import MapView
from pakmap.project.loaded import transform_bounds
from pakmap.session import Session
from pakmap.style import SingleSymbolStyle, Symbol

from .map_tools import TOOLS, MapTool, SelectMode, combine_selection

SELECTION_STYLE = SingleSymbolStyle(Symbol(fill="#00000000", stroke="#FFD400", stroke_width=0.8))


@functools.lru_cache(maxsize=1)
def render_executor() -> concurrent.futures.ThreadPoolExecutor:
    """The canvas render thread, shared by every canvas of the process."""
    return concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="pakmap-render")


class _JobSignals(QObject):
    done = Signal(int, QImage, tuple, float)  # generation, image, extent, seconds
    failed = Signal(int, object)


class RenderJob:
    """Render one ``MapView`` (plus the selection overlay) into a QImage on a worker thread."""

    def __init__(self, generation: int, view: MapView, overlay: MapView | None) -> None:
        self.generation = generation
        self.view = view
        self.overlay = overlay
        self.cancelled = False
        self.signals = _JobSignals()

    def cancel(self) -> None:
        self.cancelled = True

    def run(self) -> None:
        from pakmap.render import RenderContext, render_map

        start = time.perf_counter()
        image = QImage(self.view.width, self.view.height, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(QColor(self.view.background or "#FFFFFF"))
        painter = QPainter(image)
        try:
            context = RenderContext(cancel=lambda: self.cancelled)
            render_map(self.view, painter, context)
            if self.overlay is not None and not self.cancelled:
                render_map(self.overlay, painter, context)
        except Exception as exc:  # noqa: BLE001 - reported to the window, which keeps running
            painter.end()
            self.signals.failed.emit(self.generation, exc)
            return
        painter.end()
        if not self.cancelled:
            self.signals.done.emit(self.generation, image, tuple(self.view.extent), time.perf_counter() - start)


class MapCanvas(QWidget):
    """Pan (arrows, wheel zoom), the active map tool's mouse work, a history of views; renders in the background."""

    view_changed = Signal()  # centre or resolution changed (status bar scale)
    cursor_moved = Signal(float, float)  # map coordinates under the mouse
    identified = Signal(str, object)  # layer name ('' when nothing), positional rows
    tool_changed = Signal(str)  # the active map tool's name
    history_changed = Signal()  # previous / next view became (un)available
    render_finished = Signal(float)  # seconds the last completed render took
    render_failed = Signal(object)  # the exception
    # Layers left off the map because they have no CRS to place them by (names); () when none.
    unplaced_changed = Signal(tuple)

    def __init__(self, document: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumSize(200, 150)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAcceptDrops(False)  # the main window takes file drops
        # One long-lived Python thread renders, one job at a time (a newer one cancels the older).
        # Not QThreadPool: its threads get a fresh Python thread state per job, and pyproj's
        # per-thread PROJ contexts must not be torn down under CRS objects still in use.
        self.pool = render_executor()
        self._futures: list = []
        self.center: tuple[float, float] | None = None
        self.resolution = 1.0  # map units per pixel
        self.image: QImage | None = None
        self.image_extent: tuple[float, float, float, float] | None = None
        self.generation = 0
        self.rendered_generation = -1
        self.last_render_seconds = 0.0
        self._job: RenderJob | None = None
        self._jobs: list[RenderJob] = []
        self.tool: MapTool = MapTool(self)
        self.setCursor(self.tool.cursor)
        # The layer the selection tools work on (the layers panel's current one); None: the topmost.
        self.current_layer: Callable[[], Layer | None] = lambda: None
        self._history: list[tuple[tuple[float, float], float]] = []  # (centre, resolution) views
        self._history_index = -1
        self._timer = QTimer(self, singleShot=True, interval=30)  # coalesces wheel bursts into one render
        self._timer.timeout.connect(self._start_render)
        self.document: Session | None = None
        self.set_document(document)

    # --- model -------------------------------------------------------------------------------

    def set_document(self, document: Session) -> None:
        if self.document is not None:
            for sig, slot in self._connections():
                sig.disconnect(slot)
        self.document = document
        for sig, slot in self._connections():
            sig.connect(slot)
        self.image = None
        self.center = None
        self._view_crs = document.crs
        self._forget_history()
        self.tool.deactivate()
        self.zoom_full()

    def _connections(self):
        d = self.document
        return [
            (d.layers_changed, self.refresh),
            (d.layer_changed, self._on_layer_changed),
            (d.crs_changed, self._on_crs_changed),
            (d.selection_changed, self._on_selection),
        ]

    def _on_layer_changed(self, _layer) -> None:
        self.refresh()

    def _on_selection(self, _name, _source) -> None:
        self.refresh()

    def _on_crs_changed(self, crs) -> None:
        old, self._view_crs = self._view_crs, crs
        if self.center is not None and old is not None and CRS.from_user_input(old) != crs:
            self._fit(transform_bounds(self.extent(), old, crs), margin=0)
            self.view_changed.emit()
            self._forget_history()  # views in the old CRS cannot be gone back to
            self.tool.deactivate()
        self.image = None  # an image in another CRS cannot be shifted into this one
        self.refresh()

    # --- view state --------------------------------------------------------------------------

    def extent(self) -> tuple[float, float, float, float]:
        cx, cy = self.center or (0.0, 0.0)
        hw, hh = self.width() * self.resolution / 2, self.height() * self.resolution / 2
        return (cx - hw, cy - hh, cx + hw, cy + hh)

    def _fit(self, extent, margin: float = 0.03) -> None:
        xmin, ymin, xmax, ymax = extent
        w, h = max(xmax - xmin, 1e-9), max(ymax - ymin, 1e-9)
        self.center = ((xmin + xmax) / 2, (ymin + ymax) / 2)
        self.resolution = max(w / max(self.width(), 1), h / max(self.height(), 1)) * (1 + 2 * margin)

    def set_extent(self, extent, margin: float = 0.03) -> None:
        self._fit(extent, margin)
        self.view_changed.emit()
        self.refresh()

    def zoom_full(self) -> None:
        if any(l.crs is not None for l in self.document.loaded.drawable):
            from pakmap.project import ExtentSpec

            self.set_extent(self.document.loaded.extent(ExtentSpec()))
        else:
            self.update()

    def zoom_to_layer(self, layer) -> None:
        self.set_extent(self.document.loaded.layer_bounds(layer))

    def zoom_to_selection(self) -> bool:
        boxes = []
        for name, rows in self.document.selection.items():
            layer = self.document.layer(name)
            if len(rows) and isinstance(layer, VectorLayer):
                bounds = shapely.total_bounds(layer.data.geometry.values[rows])
                boxes.append(transform_bounds(bounds, layer.crs, self.document.crs))
        if not boxes:
            return False
        b = np.array(boxes)
        self.set_extent((b[:, 0].min(), b[:, 1].min(), b[:, 2].max(), b[:, 3].max()))
        return True

    def zoom_by(self, factor: float, anchor: QPointF | None = None) -> None:
        """Zoom in (factor < 1) or out keeping the map point under ``anchor`` in place."""
        if self.center is None:
            return
        anchor = anchor or QPointF(self.width() / 2, self.height() / 2)
        mx, my = self.to_map(anchor)
        self.resolution *= factor
        cx = mx - (anchor.x() - self.width() / 2) * self.resolution
        cy = my + (anchor.y() - self.height() / 2) * self.resolution
        self.center = (cx, cy)
        self.view_changed.emit()
        self.update()
        self._timer.start()

    def pan_pixels(self, dx: float, dy: float) -> None:
        if self.center is None:
            return
        self.center = (self.center[0] - dx * self.resolution, self.center[1] + dy * self.resolution)
        self.view_changed.emit()
        self.update()
        self._timer.start()

    # --- history of views (previous / next extent) -----------------------------------------

    def remember_view(self) -> None:
        """Add the view shown now to the history (a settled pan, zoom or extent; not each frame)."""
        if self.center is None:
            return
        view = (self.center, self.resolution)
        if 0 <= self._history_index < len(self._history) and self._history[self._history_index] == view:
            return
        del self._history[self._history_index + 1 :]  # a new view ends the "next" branch
        self._history.append(view)
        self._history_index = len(self._history) - 1
        self.history_changed.emit()

    def _forget_history(self) -> None:
        self._history, self._history_index = [], -1
        self.history_changed.emit()

    def can_go_back(self) -> bool:
        return self._history_index > 0

    def can_go_forward(self) -> bool:
        return self._history_index < len(self._history) - 1

    def previous_view(self) -> bool:
        self._settle_view()
        return self._go_to_view(self._history_index - 1)

    def next_view(self) -> bool:
        self._settle_view()
        return self._go_to_view(self._history_index + 1)

    def _settle_view(self) -> None:
        if self._timer.isActive():
            self.remember_view()  # a wheel zoom still settling is the view to come back to

    def _go_to_view(self, index: int) -> bool:
        if not 0 <= index < len(self._history):
            return False
        self._history_index = index
        self.center, self.resolution = self._history[index]
        self.view_changed.emit()
        self.history_changed.emit()
        self.refresh()
        return True

    def to_map(self, p: QPointF | QPoint) -> tuple[float, float]:
        xmin, _, _, ymax = self.extent()
        return xmin + p.x() * self.resolution, ymax - p.y() * self.resolution

    def to_screen(self, x: float, y: float) -> QPointF:
        xmin, _, _, ymax = self.extent()
        return QPointF((x - xmin) / self.resolution, (ymax - y) / self.resolution)

    def scale_denominator(self) -> float | None:
        """1:N at the centre of the view for this screen, measured as the print scale bar measures it."""
        if self.center is None:
            return None
        return screen_scale_denominator(self.document.crs, self.center, self.resolution, self.logicalDpiX())

    def set_scale(self, denominator: float) -> None:
        for _ in range(3):  # geodesic scale is not exactly linear in resolution: converge
            current = self.scale_denominator()
            if not current or denominator <= 0:
                return
            self.zoom_by(denominator / current)

    # --- rendering ---------------------------------------------------------------------------

    def refresh(self) -> None:
        """Something changed: re-render soon (the old image stays on screen meanwhile)."""
        if self.center is None and self.document.loaded.drawable:
            self.zoom_full()  # the first layer of an empty map
            return
        self.update()
        self._timer.start()

    def map_view(self) -> MapView | None:
        if self.center is None or self.width() < 2 or self.height() < 2:
            return None
        loaded = self.document.loaded
        # A layer without a CRS cannot be placed: the map draws the others (as QGIS does) and says
        # which ones it left off, instead of failing every render.
        placed = tuple(l for l in loaded.drawable if l.crs is not None or loaded.crs is None)
        unplaced = tuple(l.name for l in loaded.drawable if l not in placed)
        if unplaced != self.unplaced:
            self.unplaced = unplaced
            self.unplaced_changed.emit(unplaced)
        return MapView(
            layers=placed,
            extent=self.extent(),
            crs=loaded.crs,
            width=self.width(),
            height=self.height(),
            dpi=self.logicalDpiX(),
            background="#FFFFFF",
            count_threshold=self.document.project.protection.threshold,
        )

    def _selection_view(self, view: MapView) -> MapView | None:
        layers = []
        for name, rows in self.document.selection.items():
            try:
                layer = self.document.layer(name)
            except Exception:  # noqa: BLE001 - a selection of a layer just removed
                continue
            if len(rows) and isinstance(layer, VectorLayer) and layer.visible:
                layers.append(VectorLayer(f"{name} (selection)", layer.take(rows), style=SELECTION_STYLE))
        return (
            MapView(
                layers=tuple(layers),
                extent=view.extent,
                crs=view.crs,
                width=view.width,
                height=view.height,
                dpi=view.dpi,
                background=None,
            )
            if layers
            else None
        )

    def _start_render(self) -> None:
        view = self.map_view()
        if view is None:
            return
        if not self.tool.dragging:
            self.remember_view()
        if self._job is not None:
            self._job.cancel()
        self.generation += 1
        job = RenderJob(self.generation, view, self._selection_view(view))
        job.signals.done.connect(self._on_done)
        job.signals.failed.connect(self._on_failed)
        self._job = job
        self._jobs.append(job)
        self._futures = [f for f in self._futures if not f.done()] + [self.pool.submit(job.run)]

    def _forget_jobs_up_to(self, generation: int) -> None:
        """Drop the finished jobs: their map views hold the layers they drew (perhaps removed since)."""
        self._jobs = [j for j in self._jobs if j.generation > generation]
        if self._job is not None and self._job.generation <= generation:
            self._job = None

    def _on_done(self, generation: int, image: QImage, extent: tuple, seconds: float) -> None:
        self._forget_jobs_up_to(generation)
        if generation < self.rendered_generation:
            return
        self.image, self.image_extent, self.rendered_generation = image, extent, generation
        self.last_render_seconds = seconds
        self.update()
        self.render_finished.emit(seconds)

    def _on_failed(self, generation: int, exc: BaseException) -> None:
        self._forget_jobs_up_to(generation)
        self.failed_generation = max(self.failed_generation, generation)
        if generation == self.generation:
            self.render_failed.emit(exc)

    _view_crs: CRS | None = None

    def wait_idle(self, msecs: int = 30000) -> bool:
        """Block until submitted renders are finished (closing the window, benchmarks)."""
        done, pending = concurrent.futures.wait(self._futures, timeout=msecs / 1000)
        return not pending

    unplaced: tuple[str, ...] = ()
    failed_generation = 0  # the newest render that ended in an error: it is over, not pending

    @property
    def is_rendering(self) -> bool:
        return max(self.rendered_generation, self.failed_generation) < self.generation

    # --- Qt events ---------------------------------------------------------------------------

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#FFFFFF"))
        if self.image is not None and self.image_extent is not None and self.center is not None:
            xmin, ymin, xmax, ymax = self.image_extent
            top_left, bottom_right = self.to_screen(xmin, ymax), self.to_screen(xmax, ymin)
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)  # speed while moving
            painter.drawImage(QRectF(top_left, bottom_right), self.image)
        elif not self.document.loaded.drawable:
            painter.setPen(QColor("#666666"))
            painter.drawText(
                self.rect(), Qt.AlignmentFlag.AlignCenter, "Drop boundary files here, or use Layer ▸ Add layer…"
            )
        self.tool.paint(painter)
        painter.end()

    def resizeEvent(self, event) -> None:
        old = event.oldSize()
        if self.center is None:
            self.zoom_full()
        elif old.width() > 0 and old.height() > 0:
            self.refresh()  # same centre and resolution: the map is revealed, not stretched
        super().resizeEvent(event)

    def set_tool(self, name: str) -> None:
        """Make the map tool called ``name`` (see ``map_tools.TOOLS``) the one the mouse drives."""
        if name == self.tool.name:
            return
        self.tool.deactivate()
        self.tool = TOOLS[name](self)
        self.setCursor(self.tool.cursor)
        self.tool_changed.emit(name)

    def mousePressEvent(self, event) -> None:
        self.tool.press(event)

    def mouseMoveEvent(self, event) -> None:
        if self.center is not None:
            self.cursor_moved.emit(*self.to_map(event.position()))
            self.tool.move(event)

    def mouseReleaseEvent(self, event) -> None:
        if self.center is not None:
            self.tool.release(event)

    def mouseDoubleClickEvent(self, event) -> None:
        if self.center is not None and event.button() == Qt.MouseButton.LeftButton:
            self.tool.double_click(event)

    def wheelEvent(self, event) -> None:
        steps = event.angleDelta().y() / 120
        if steps:
            self.zoom_by(0.8**steps, event.position())

    def keyPressEvent(self, event) -> None:
        step_x, step_y = self.width() / 4, self.height() / 4
        moves = {
            Qt.Key.Key_Left: (step_x, 0),
            Qt.Key.Key_Right: (-step_x, 0),
            Qt.Key.Key_Up: (0, step_y),
            Qt.Key.Key_Down: (0, -step_y),
        }
        if self.tool.key(event):
            return
        if event.key() in moves:
            self.pan_pixels(*moves[event.key()])
        elif event.key() in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom_by(0.5)
        elif event.key() == Qt.Key.Key_Minus:
            self.zoom_by(2.0)
        else:
            super().keyPressEvent(event)

    # --- identify ----------------------------------------------------------------------------

    def features_at(self, pos: QPoint, tolerance_px: float = 4.0):
        """The topmost visible vector layer with features under ``pos``, and their row positions."""
        from pakmap.render.transform import projected

        x, y = self.to_map(pos)
        tol = tolerance_px * self.resolution
        probe = shapely.box(x - tol, y - tol, x + tol, y + tol)
        point = shapely.Point(x, y)
        for layer in reversed(self.document.loaded.drawable):
            if not isinstance(layer, VectorLayer) or layer.crs is None:
                continue
            proj = projected(layer, self.document.crs)
            if proj.point_xy is not None:
                rows = proj.points_in(x - tol, y - tol, x + tol, y + tol)
            else:
                rows = proj.tree.query(point, predicate="intersects")
                if not len(rows):
                    rows = proj.tree.query(probe, predicate="intersects")
            if len(rows):
                return layer, np.sort(rows)
        return None, np.empty(0, dtype=np.int64)

    def identify(self, pos: QPoint) -> None:
        """Show the features under ``pos``; the selection is left as it is (QGIS's Identify)."""
        layer, rows = self.features_at(pos)
        self.identified.emit(layer.name if layer is not None else "", rows)

    # --- select ------------------------------------------------------------------------------

    def _selectable(self, layer) -> bool:
        return isinstance(layer, VectorLayer) and layer.crs is not None and layer.visible

    def selection_layer(self) -> VectorLayer | None:
        """The current layer when it can be selected in, else the topmost visible vector layer."""
        current = self.current_layer()
        if self._selectable(current):
            return current
        return next((l for l in reversed(self.document.loaded.drawable) if self._selectable(l)), None)

    def rows_in(self, layer: VectorLayer, area) -> np.ndarray:
        """Positions of ``layer``'s features touching ``area`` (a shapely geometry in the map CRS)."""
        from pakmap.render.transform import projected

        proj = projected(layer, self.document.crs)
        if proj.point_xy is not None:
            rows = proj.points_in(*shapely.bounds(area))
            xy = proj.point_xy[rows]
            rows = rows[shapely.intersects_xy(area, xy[:, 0], xy[:, 1])]
        else:
            rows = proj.tree.query(area, predicate="intersects")
        return np.sort(np.asarray(rows, dtype=np.int64))

    def select_at(self, pos: QPoint, mode: SelectMode = SelectMode.REPLACE) -> None:
        """Select the feature under ``pos`` in the selection layer: the nearest within a few pixels,
        of overlapping ones the last drawn (on top)."""
        from pakmap.render.transform import projected

        layer = self.selection_layer()
        if layer is None:
            return
        x, y = self.to_map(pos)
        tol = 4.0 * self.resolution
        hits = self.rows_in(layer, shapely.box(x - tol, y - tol, x + tol, y + tol))
        if len(hits) > 1:
            proj = projected(layer, self.document.crs)
            if proj.point_xy is not None:
                distance = np.hypot(proj.point_xy[hits, 0] - x, proj.point_xy[hits, 1] - y)
            else:
                distance = shapely.distance(proj.geoms[hits], shapely.Point(x, y))
            hits = hits[len(hits) - 1 - np.argmin(distance[::-1]) :][:1]
        self._apply_selection(layer, hits, mode)

    def select_in(self, area, mode: SelectMode = SelectMode.REPLACE) -> None:
        """Select the features of the selection layer touching ``area`` (map CRS)."""
        layer = self.selection_layer()
        if layer is not None:
            self._apply_selection(layer, self.rows_in(layer, area), mode)

    def _apply_selection(self, layer: VectorLayer, hits: np.ndarray, mode: SelectMode) -> None:
        rows = combine_selection(self.document.selected(layer.name), hits, mode)
        self.document.select(layer.name, rows, source=self)
