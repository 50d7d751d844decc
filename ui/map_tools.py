"""The canvas's map tools, as QGIS has them: one tool at a time decides what the mouse does.

Pan (drag; Shift-drag a box to zoom into), Identify (click shows the attributes, never touching the
selection), Select (click, or drag a rectangle), Select by polygon (click the vertices, double-click
or Enter closes), Measure line and Measure area (click the vertices; the running geodesic total is
shown in a readout on the map; double-click or Enter finishes, Esc clears).

Selection modifiers are QGIS's: Shift adds to the selection, Ctrl removes (a Ctrl-click toggles the
feature), Shift+Ctrl keeps only what is both selected and inside.
"""

from __future__ import annotations

import enum

import numpy as np
import shapely
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QColor, QPainter, QPen, QPolygonF
from PySide6.QtWidgets import QLabel

from pakmap.measure import geodesic_area, geodesic_length, geodesic_path, geodesic_perimeter
from pakmap.numbers import format_number

CLICK_PX = 4  # a press and release closer than this is a click, not a drag
# Red as QGIS's rubber bands: it stands out on the UNHCR blues of the default styles.
RUBBER = QColor("#E4002B")
RUBBER_FILL = QColor(228, 0, 43, 50)
READOUT = "measure_readout"


class SelectMode(enum.Enum):
    REPLACE = "replace"
    ADD = "add"
    REMOVE = "remove"
    TOGGLE = "toggle"
    INTERSECT = "intersect"


def select_mode(modifiers, click: bool) -> SelectMode:
    """QGIS's selection modifiers: Shift adds, Ctrl removes (toggles for a click), both intersect."""
    shift = bool(modifiers & Qt.KeyboardModifier.ShiftModifier)
    ctrl = bool(modifiers & Qt.KeyboardModifier.ControlModifier)
    if shift and ctrl:
        return SelectMode.ADD if click else SelectMode.INTERSECT
    if shift:
        return SelectMode.ADD
    if ctrl:
        return SelectMode.TOGGLE if click else SelectMode.REMOVE
    return SelectMode.REPLACE


def combine_selection(current: np.ndarray, hits: np.ndarray, mode: SelectMode) -> np.ndarray:
    """The row positions selected after applying ``hits`` to ``current`` in ``mode``."""
    if mode is SelectMode.REPLACE:
        return hits
    if mode is SelectMode.ADD:
        return np.union1d(current, hits)
    if mode is SelectMode.REMOVE:
        return np.setdiff1d(current, hits)
    if mode is SelectMode.INTERSECT:
        return np.intersect1d(current, hits)
    return np.setxor1d(current, hits)  # TOGGLE


def format_length(metres: float) -> str:
    return (
        f"{format_number(metres / 1000, decimals=3)} km" if metres >= 1000 else f"{format_number(metres, decimals=1)} m"
    )


def format_area(square_metres: float) -> str:
    if square_metres >= 1e6:
        return f"{format_number(square_metres / 1e6, decimals=3)} km²"
    return f"{format_number(square_metres, decimals=0)} m²"


class MapTool:
    """Pan: a drag moves the map, Shift-drag zooms to a box; a click does nothing."""

    name = "pan"
    cursor = Qt.CursorShape.OpenHandCursor

    def __init__(self, canvas) -> None:
        self.canvas = canvas
        self._press: QPoint | None = None
        self._last: QPoint | None = None
        self._box: QRect | None = None

    @property
    def dragging(self) -> bool:
        """A mouse button is down: the view is still moving and not yet one for the history."""
        return self._press is not None

    # --- events the canvas forwards ----------------------------------------------------------

    def press(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._press = self._last = event.position().toPoint()
            if self.starts_box(event.modifiers()):
                self._box = QRect(self._press, self._press)

    def move(self, event) -> None:
        if self._press is None:
            return
        pos = event.position().toPoint()
        if self._box is not None:
            self._box = QRect(self._press, pos).normalized()
            self.canvas.update()
        elif self._last is not None:
            delta = pos - self._last
            self._last = pos
            self.canvas.pan_pixels(delta.x(), delta.y())

    def release(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton or self._press is None:
            return
        pos = event.position().toPoint()
        press, box = self._press, self._box
        self._press = self._last = self._box = None
        if (pos - press).manhattanLength() < CLICK_PX:
            self.canvas.update()
            self.clicked(pos, event.modifiers())
        elif box is not None:
            self.canvas.update()
            self.boxed(box, event.modifiers())
        else:
            self.canvas.remember_view()  # the end of a drag is a view of the history

    def double_click(self, event) -> None:
        pass

    def key(self, event) -> bool:
        """True when the tool used the key (Enter, Esc, Backspace…)."""
        return False

    def paint(self, painter: QPainter) -> None:
        if self._box is not None:
            painter.setPen(QPen(RUBBER, 1, Qt.PenStyle.DashLine))
            painter.fillRect(self._box, RUBBER_FILL)
            painter.drawRect(self._box)

    def deactivate(self) -> None:
        self._press = self._last = self._box = None

    # --- what this tool does -----------------------------------------------------------------

    def starts_box(self, modifiers) -> bool:
        return bool(modifiers & Qt.KeyboardModifier.ShiftModifier)

    def clicked(self, pos: QPoint, modifiers) -> None:
        pass

    def boxed(self, box: QRect, modifiers) -> None:
        if box.width() > CLICK_PX and box.height() > CLICK_PX:
            (x0, y1), (x1, y0) = self.canvas.to_map(box.topLeft()), self.canvas.to_map(box.bottomRight())
            self.canvas.set_extent((x0, y0, x1, y1))


class IdentifyTool(MapTool):
    """A click shows the attributes of the features under it; the selection stays as it is."""

    name = "identify"
    cursor = Qt.CursorShape.WhatsThisCursor

    def clicked(self, pos: QPoint, modifiers) -> None:
        self.canvas.identify(pos)


class SelectTool(MapTool):
    """A click selects the feature under it, a drag the features its rectangle touches."""

    name = "select"
    cursor = Qt.CursorShape.CrossCursor

    def starts_box(self, modifiers) -> bool:
        return True

    def clicked(self, pos: QPoint, modifiers) -> None:
        self.canvas.select_at(pos, select_mode(modifiers, click=True))

    def boxed(self, box: QRect, modifiers) -> None:
        (x0, y1), (x1, y0) = self.canvas.to_map(box.topLeft()), self.canvas.to_map(box.bottomRight())
        self.canvas.select_in(shapely.box(x0, y0, x1, y1), select_mode(modifiers, click=False))


class VertexTool(MapTool):
    """Clicks add vertices (in map units, so panning with the arrows keeps them); a double-click or
    Enter finishes, Backspace drops the last vertex, Esc starts again."""

    closed = False  # draw the rubber band as a ring

    def __init__(self, canvas) -> None:
        super().__init__(canvas)
        self.vertices: list[tuple[float, float]] = []
        self.hover: tuple[float, float] | None = None
        self.finished = False

    def press(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._press = event.position().toPoint()

    def move(self, event) -> None:
        self.hover = self.canvas.to_map(event.position())
        if self.vertices and not self.finished:
            self.changed()
            self.canvas.update()

    def release(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton or self._press is None:
            return
        self._press = None
        if self.finished:
            self.vertices, self.finished = [], False
        self.vertices.append(self.canvas.to_map(event.position()))
        self.changed()
        self.canvas.update()

    def double_click(self, event) -> None:
        # Qt sends press, release, double-click, release: the double-click's point is usually a
        # vertex already (the first release added it), and the last release finds no press.
        if self.finished:
            return
        here = self.canvas.to_map(event.position())
        last = self.canvas.to_screen(*self.vertices[-1]) if self.vertices else None
        if last is None or (last - event.position()).manhattanLength() >= CLICK_PX:
            self.vertices.append(here)
        self.finish()

    def key(self, event) -> bool:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.finish()
        elif event.key() == Qt.Key.Key_Escape:
            self.deactivate()
        elif event.key() == Qt.Key.Key_Backspace and self.vertices and not self.finished:
            self.vertices.pop()
            self.changed()
            self.canvas.update()
        else:
            return False
        return True

    def finish(self) -> None:
        self.vertices = [v for i, v in enumerate(self.vertices) if i == 0 or v != self.vertices[i - 1]]
        self.finished = True
        self.completed()
        self.canvas.update()

    def deactivate(self) -> None:
        super().deactivate()
        self.vertices, self.hover, self.finished = [], None, False
        self.changed()
        self.canvas.update()

    def live_vertices(self) -> list[tuple[float, float]]:
        """The vertices with the mouse position as the next one while drawing."""
        if self.finished or self.hover is None or not self.vertices:
            return list(self.vertices)
        return [*self.vertices, self.hover]

    def band(self) -> list[tuple[float, float]]:
        """The rubber band's points in map units: the vertices joined straight (a selection polygon
        is planar in the map CRS)."""
        return self.live_vertices()

    def paint(self, painter: QPainter) -> None:
        points = [self.canvas.to_screen(x, y) for x, y in self.band()]
        if not points:
            return
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(RUBBER, 2))
        painter.setBrush(RUBBER_FILL if self.closed else Qt.BrushStyle.NoBrush)
        if self.closed and len(points) > 2:
            painter.drawPolygon(QPolygonF(points))
        else:
            painter.drawPolyline(QPolygonF(points))
        painter.setBrush(RUBBER)
        for x, y in self.vertices:
            painter.drawEllipse(self.canvas.to_screen(x, y), 3, 3)

    def changed(self) -> None:
        pass

    def completed(self) -> None:
        pass


class PolygonSelectTool(VertexTool):
    name = "select_polygon"
    cursor = Qt.CursorShape.CrossCursor
    closed = True

    def __init__(self, canvas) -> None:
        super().__init__(canvas)
        self._modifiers = Qt.KeyboardModifier.NoModifier

    def release(self, event) -> None:
        self._modifiers = event.modifiers()  # the modifiers held at the last vertex choose the mode
        super().release(event)

    def completed(self) -> None:
        vertices, self.vertices = self.vertices, []
        self.finished = False
        if len(vertices) >= 3:
            polygon = shapely.make_valid(shapely.Polygon(vertices))
            self.canvas.select_in(polygon, select_mode(self._modifiers, click=False))


class MeasureTool(VertexTool):
    """Measure a line's geodesic length; the readout follows the mouse while drawing."""

    name = "measure_line"
    cursor = Qt.CursorShape.CrossCursor

    def __init__(self, canvas) -> None:
        super().__init__(canvas)
        self.readout = canvas.findChild(QLabel, READOUT) or self._make_readout(canvas)
        self.readout.hide()

    @staticmethod
    def _make_readout(canvas) -> QLabel:
        """The one readout of the canvas, in its top-left corner, shared by the measure tools."""
        readout = QLabel(canvas)
        readout.setObjectName(READOUT)
        readout.setStyleSheet(
            "QLabel { background: rgba(255,255,255,230); border: 1px solid #0072BC; padding: 3px 6px; color: #18375F; }"
        )
        readout.move(8, 8)
        return readout

    def measurement(self) -> str:
        return format_length(geodesic_length(self.canvas.document.crs, self.live_vertices()))

    def band(self) -> list[tuple[float, float]]:
        """The geodesics that are measured, not straight map-CRS segments (in degrees a long
        east-west line bows toward the pole)."""
        try:
            return geodesic_path(self.canvas.document.crs, self.live_vertices(), closed=self.closed)
        except ValueError:  # a map CRS with no geographic datum: the readout says so
            return self.live_vertices()

    def changed(self) -> None:
        if not self.vertices:
            self.readout.hide()
            return
        try:
            text = self.measurement()
        except ValueError as exc:  # a map CRS with no geographic datum (a local engineering grid)
            text = f"Cannot measure: {exc}"
        self.readout.setText(text)
        self.readout.adjustSize()
        self.readout.show()
        self.readout.raise_()

    def completed(self) -> None:
        self.changed()


class MeasureAreaTool(MeasureTool):
    """Measure a polygon's geodesic area (and its perimeter)."""

    name = "measure_area"
    closed = True

    def measurement(self) -> str:
        crs, ring = self.canvas.document.crs, self.live_vertices()
        return f"{format_area(geodesic_area(crs, ring))} · perimeter {format_length(geodesic_perimeter(crs, ring))}"


TOOLS = {
    tool.name: tool for tool in (MapTool, IdentifyTool, SelectTool, PolygonSelectTool, MeasureTool, MeasureAreaTool)
}
