"""The Map Tools menu and toolbar: the canvas's exclusive, checkable tools (pan, identify, select,
select by polygon, measure line, measure area), zoom to selection and the previous / next view."""

from __future__ import annotations

from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QToolBar

from . import icons
from .canvas import MapCanvas

# (tool name, menu text, shortcut, icon, status tip)
TOOL_ACTIONS = (
    ("pan", "&Pan", None, icons.pan, "Drag to move the map; Shift-drag a box to zoom into it"),
    ("identify", "&Identify features", "Ctrl+Shift+I", icons.identify, "Click a feature to see its attributes"),
    (
        "select",
        "&Select features",
        None,
        icons.select,
        "Click or drag a rectangle; Shift adds to the selection, Ctrl removes",
    ),
    (
        "select_polygon",
        "Select by &polygon",
        None,
        icons.select_polygon,
        "Click the corners, double-click or Enter to close; Shift adds, Ctrl removes",
    ),
    (
        "measure_line",
        "&Measure line",
        "Ctrl+Shift+M",
        icons.measure_line,
        "Click along a line: its length on the ground; double-click or Enter ends, Esc clears",
    ),
    (
        "measure_area",
        "Measure &area",
        "Ctrl+Shift+A",
        icons.measure_area,
        "Click the corners of an area: its area on the ground; double-click or Enter ends, Esc clears",
    ),
)


class MapToolActions:
    """Builds the tool actions of ``window`` for its ``canvas`` and keeps them in step with it."""

    def __init__(self, window: QMainWindow, canvas: MapCanvas, zoom_selection: QAction) -> None:
        self.canvas = canvas
        self.group = QActionGroup(window)
        self.group.setExclusive(True)
        self.tools: dict[str, QAction] = {}
        for name, text, shortcut, icon, tip in TOOL_ACTIONS:
            action = QAction(icon(), text, window)
            action.setCheckable(True)
            action.setStatusTip(tip)
            action.setToolTip(f"{text.replace('&', '')}: {tip}")
            if shortcut:
                action.setShortcut(QKeySequence(shortcut))
            action.triggered.connect(lambda _checked=False, n=name: canvas.set_tool(n))
            self.group.addAction(action)
            self.tools[name] = action
        zoom_selection.setIcon(icons.zoom_selection())
        self.zoom_selection = zoom_selection
        self.previous = QAction(icons.zoom_previous(), "Zoom to p&revious view", window)
        self.previous.setShortcut(QKeySequence("Alt+Left"))
        self.previous.triggered.connect(lambda *_: canvas.previous_view())
        self.next = QAction(icons.zoom_next(), "Zoom to ne&xt view", window)
        self.next.setShortcut(QKeySequence("Alt+Right"))
        self.next.triggered.connect(lambda *_: canvas.next_view())
        canvas.tool_changed.connect(self._show_tool)
        canvas.history_changed.connect(self._show_history)
        self._show_tool(canvas.tool.name)
        self._show_history()

    def _show_tool(self, name: str) -> None:
        self.tools[name].setChecked(True)

    def _show_history(self) -> None:
        self.previous.setEnabled(self.canvas.can_go_back())
        self.next.setEnabled(self.canvas.can_go_forward())

    def fill(self, menu: QMenu, toolbar: QToolBar) -> None:
        for target in (menu, toolbar):
            for action in self.tools.values():
                target.addAction(action)
            target.addSeparator()
            for action in (self.zoom_selection, self.previous, self.next):
                target.addAction(action)
