"""The layers panel: the project's layers, top of the map first, as a Qt item model over the Session.

Checking a layer shows or hides it, editing its name renames it, dragging it reorders the map, files
dropped on the panel are added (several at once, zips included), the slider sets the opacity. Each
action is one call on the ``Session`` (``pakmap.session``); the panel repaints from their signals.

Each layer's icon is its symbol (an outline layer an outline, a dotted line dots, a marker its
shape); under a classified layer, one row per class with its swatch and the label the print legend
gives it (``pakmap.render.legend_items``; a raster: its ramp and the values at its ends).
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from PySide6.QtCore import QAbstractItemModel, QMimeData, QModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QAction, QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHBoxLayout,
    QLabel,
    QMenu,
    QSlider,
    QStyle,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from pakmap.errors import PakmapError, StyleError
from pakmap.layer import RasterLayer, TableLayer, VectorLayer
from pakmap.layout.legend import raster_limits
from pakmap.palettes import palette
from pakmap.render import legend_items
from pakmap.render.legend_items import legend_title
from pakmap.render.raster import ramp_label
from pakmap.session import Session
from pakmap.style import SingleSymbolStyle

from .icons import SWATCH_SIZE, legend_item_pixmap, swatch_pixmap

LAYER_MIME = "application/x-pakmap-layer"
TOP = 0  # the internal id of a layer's row; a class row's is its layer's row + 1


@dataclass(frozen=True)
class ClassRow:
    """One row of a layer's legend in the panel: the swatch and the print legend's label."""

    label: str
    icon: QIcon


def _ramp_colours(style) -> list[str]:
    try:
        return palette(style.palette).ramp(13)
    except StyleError:  # an unknown palette is reported when the layer draws; the icon stays plain
        return ["#8EBEFF"] * 13


def _table_icon() -> QIcon:
    w, h = SWATCH_SIZE
    pix = QPixmap(w, h)
    pix.fill(Qt.GlobalColor.transparent)
    p = QPainter(pix)
    p.setPen(QColor("#666666"))
    for y in (3, 8, 13):
        p.drawLine(2, y, w - 3, y)
    p.drawLine(8, 3, 8, 13)
    p.end()
    return QIcon(pix)


def layer_icon(layer, classes=()) -> QIcon:
    """The layer's symbol: a raster its colour ramp, a table a grid, a vector layer its symbol as
    drawn (a classified polygon layer: a strip of each class colour, from ``classes``, its
    ``pakmap.render.LegendItem`` rows)."""
    if isinstance(layer, RasterLayer):
        return QIcon(swatch_pixmap("ramp", "", colours=_ramp_colours(layer.style), opacity=layer.style.opacity))
    if not isinstance(layer, VectorLayer):
        return _table_icon()
    symbol = layer.style.symbol
    if layer.geometry_type == "Point" or layer.style.kind == "proportional":
        kind = "circle" if layer.style.kind == "proportional" else "marker"
        fill = classes[0].color if classes and kind == "marker" else symbol.fill
        return QIcon(
            swatch_pixmap(
                kind, fill, symbol.stroke, symbol.stroke_width, marker_name=symbol.marker, opacity=symbol.fill_alpha
            )
        )
    kind = "line" if layer.geometry_type == "LineString" else "fill"
    colours = [c.color for c in classes if not c.nodata]
    fill = colours[len(colours) // 2] if kind == "line" and colours else symbol.fill
    return QIcon(
        swatch_pixmap(
            kind,
            fill,
            symbol.stroke,
            symbol.stroke_width,
            line_style=symbol.line_style,
            opacity=symbol.opacity if kind == "line" else symbol.fill_alpha,
            colours=colours if kind == "fill" and len(colours) > 1 else (),
        )
    )


_MISSING_ROLES = (
    Qt.ItemDataRole.DisplayRole,
    Qt.ItemDataRole.DecorationRole,
    Qt.ItemDataRole.ForegroundRole,
    Qt.ItemDataRole.ToolTipRole,
)


def _missing(layer, role):
    """A layer whose file was not found when the project opened: named so, greyed, and said why."""
    if role == Qt.ItemDataRole.DisplayRole:
        return f"{layer.name}  (missing)"
    if role == Qt.ItemDataRole.ForegroundRole:
        return QColor("#888888")
    if role == Qt.ItemDataRole.DecorationRole:
        return QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
    where = html.escape(str(layer.source.path)) if layer.source else "its file"
    return (
        f"<b>{html.escape(layer.name)}</b><br>File not found: {where}<br>"
        "Kept in the project and saved as it was; reopen the project to find the file."
    )


class LayersModel(QAbstractItemModel):
    """Rows are layers, top of the map first (the reverse of draw order); under each classified
    layer, its legend's classes."""

    files_dropped = Signal(list)  # local file paths dropped onto the panel

    def __init__(self, document: Session, parent=None) -> None:
        super().__init__(parent)
        self.document = document
        # Each layer's class rows and icon, with what they were made from (layer id → key, rows, icon):
        # made once per style, not on every repaint.
        self._classes: dict[int, tuple[tuple, tuple[ClassRow, ...], QIcon]] = {}
        document.layers_changed.connect(self._reset)
        document.layer_changed.connect(self._layer_changed)

    def set_document(self, document: Session) -> None:
        self.document.layers_changed.disconnect(self._reset)
        self.document.layer_changed.disconnect(self._layer_changed)
        self.document = document
        document.layers_changed.connect(self._reset)
        document.layer_changed.connect(self._layer_changed)
        self._reset()

    def _reset(self) -> None:
        self.beginResetModel()
        self._classes.clear()
        self.endResetModel()

    def _layer_changed(self, layer) -> None:
        row = self.row_of(layer.name)
        if row is None:
            return
        parent = self.index(row)
        known = self._classes.get(id(layer))
        key = self._legend_key(layer)
        if known is not None and known[0] != key:  # the view has the old classes: replace them
            old = len(known[1])
            rows, icon = self._make_legend(layer)
            if old != len(rows):  # a style of another kind, or another number of classes
                if old:
                    self.beginRemoveRows(parent, 0, old - 1)
                    self._classes[id(layer)] = (key, (), icon)
                    self.endRemoveRows()
                if rows:
                    self.beginInsertRows(parent, 0, len(rows) - 1)
                self._classes[id(layer)] = (key, rows, icon)
                if rows:
                    self.endInsertRows()
            else:
                self._classes[id(layer)] = (key, rows, icon)
        self.dataChanged.emit(parent, parent)
        shown = len(self._classes.get(id(layer), ((), ()))[1])
        if shown:  # new labels, or the same greyed for a hidden layer
            self.dataChanged.emit(self.index(0, 0, parent), self.index(shown - 1, 0, parent))

    def layer_at(self, row: int):
        layers = self.document.layers
        return layers[len(layers) - 1 - row]

    def layer_of(self, index: QModelIndex):
        """The layer of a row: a layer's own row, or the layer a class row belongs to."""
        return self.layer_at(self.layer_row(index))

    def row_of(self, name: str) -> int | None:
        names = [l.name for l in self.document.layers]
        return len(names) - 1 - names.index(name) if name in names else None

    # --- the legend under each layer ---------------------------------------------------------

    def _legend_key(self, layer) -> tuple:
        """What the class rows depend on: the style, the threshold, the data (a join's columns)."""
        return (
            repr(getattr(layer, "style", None)),
            self.document.project.protection.threshold,
            getattr(layer, "data_token", None),
            tuple((f, k.kind) for f, k in getattr(layer, "declared_kinds", {}).items()),
        )

    def _legend(self, layer) -> tuple[tuple[ClassRow, ...], QIcon]:
        """The layer's class rows and its icon, computed once per style."""
        key = self._legend_key(layer)
        known = self._classes.get(id(layer))
        if known is not None and known[0] == key:
            return known[1], known[2]
        rows, icon = self._make_legend(layer)
        self._classes[id(layer)] = (key, rows, icon)
        return rows, icon

    def _make_legend(self, layer) -> tuple[tuple[ClassRow, ...], QIcon]:
        if layer.missing:  # not read: no classes to list; the row shows why
            return (), QIcon()
        if isinstance(layer, RasterLayer):
            loaded = self.document.loaded
            try:
                limits = raster_limits(loaded, layer, loaded.layer_bounds(layer))
            except (PakmapError, OSError, ValueError):  # the canvas reports what keeps it from drawing
                limits = None
            icon = layer_icon(layer)
            return ((ClassRow(ramp_label(*limits), icon),) if limits is not None else ()), icon
        if not isinstance(layer, VectorLayer) or isinstance(layer.style, SingleSymbolStyle):
            # One symbol: the icon says it all, and a database layer is not read whole to say it.
            return (), layer_icon(layer)
        try:
            items = tuple(legend_items(layer, self.document.project.protection.threshold))
        except PakmapError:  # a style the canvas cannot draw says why there; the panel shows no classes
            return (), layer_icon(layer)
        return tuple(ClassRow(item.label, QIcon(legend_item_pixmap(item))) for item in items), layer_icon(layer, items)

    # --- read --------------------------------------------------------------------------------

    def index(self, row: int, column: int = 0, parent: QModelIndex = QModelIndex()) -> QModelIndex:
        if row < 0 or column != 0:
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, 0, TOP) if row < len(self.document.layers) else QModelIndex()
        if parent.internalId() == TOP and row < self.rowCount(parent):
            return self.createIndex(row, 0, parent.row() + 1)
        return QModelIndex()

    def parent(self, index: QModelIndex = QModelIndex()) -> QModelIndex:  # type: ignore[override]
        if not index.isValid() or index.internalId() == TOP:
            return QModelIndex()
        return self.createIndex(index.internalId() - 1, 0, TOP)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 1

    def rowCount(self, parent=QModelIndex()) -> int:
        if not parent.isValid():
            return len(self.document.layers)
        if parent.internalId() != TOP or parent.row() >= len(self.document.layers):
            return 0
        return len(self._legend(self.layer_at(parent.row()))[0])

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        if index.internalId() != TOP:
            return self._class_data(index, role)
        layer = self.layer_at(index.row())
        if layer.missing and role in _MISSING_ROLES:
            return _missing(layer, role)
        flagged = getattr(layer, "sensitive_fields", {})
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            text = layer.name
            if role == Qt.ItemDataRole.DisplayRole and flagged:
                text += "  ⚠"
            return text
        if role == Qt.ItemDataRole.CheckStateRole and not isinstance(layer, TableLayer):
            return Qt.CheckState.Checked if layer.visible else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.DecorationRole:
            return self._legend(layer)[1]
        if role == Qt.ItemDataRole.ForegroundRole and flagged:
            return QColor("#B3261E")
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(layer)
        return None

    def _class_data(self, index, role):
        layer = self.layer_of(index)
        rows = self._legend(layer)[0]
        if index.row() >= len(rows):
            return None
        row = rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return row.label
        if role == Qt.ItemDataRole.DecorationRole:
            return row.icon
        if role == Qt.ItemDataRole.ToolTipRole:
            title = legend_title(layer) if isinstance(layer, VectorLayer) else ""
            return f"{html.escape(title)}: {html.escape(row.label)}" if title else html.escape(row.label)
        if role == Qt.ItemDataRole.ForegroundRole and not layer.visible:
            return QColor("#999999")
        return None

    def _tooltip(self, layer) -> str:
        lines = [f"<b>{layer.name}</b>"]
        if layer.source is not None:
            lines.append(str(layer.source.path) + (f" ▸ {layer.source.layer}" if layer.source.layer else ""))
            lines.extend(f"Read: {html.escape(note)}" for note in layer.source.notes)
        if isinstance(layer, VectorLayer):
            lines.append(
                f"{layer.feature_count:,} features, {layer.geometry_type}; "
                f"CRS {layer.crs.to_string() if layer.crs else 'not set'}"
            )
            lines.append(f"Geometry: {layer.validity.summary()}")
        elif isinstance(layer, TableLayer):
            lines.append(f"Table: {len(layer.data):,} rows (join it to boundaries to map it)")
        elif isinstance(layer, RasterLayer):
            lines.append(f"Raster {layer.width}×{layer.height}, {layer.count} band(s)")
        for field, why in getattr(layer, "sensitive_fields", {}).items():
            lines.append(f"⚠ sensitive field <b>{field}</b>: {why}")
        return "<br>".join(lines)

    def flags(self, index):
        base = Qt.ItemFlag.ItemIsDropEnabled
        if not index.isValid():
            return base
        if index.internalId() != TOP:
            return Qt.ItemFlag.ItemIsEnabled  # a class row: read only, not a drop target of its own
        layer = self.layer_at(index.row())
        flags = (
            base
            | Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemIsEditable
            | Qt.ItemFlag.ItemIsDragEnabled
        )
        if not isinstance(layer, TableLayer):
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    # --- write -------------------------------------------------------------------------------

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or index.internalId() != TOP:
            return False
        layer = self.layer_at(index.row())
        if role == Qt.ItemDataRole.CheckStateRole:
            self.document.set_visible(layer.name, Qt.CheckState(value) == Qt.CheckState.Checked)
            return True
        if role == Qt.ItemDataRole.EditRole:
            self.document.rename_layer(layer.name, str(value))
            return True
        return False

    # --- drag and drop -----------------------------------------------------------------------

    def supportedDropActions(self):
        return Qt.DropAction.MoveAction | Qt.DropAction.CopyAction

    def mimeTypes(self):
        return [LAYER_MIME, "text/uri-list"]

    def mimeData(self, indexes):
        mime = QMimeData()
        if indexes:
            mime.setData(LAYER_MIME, self.layer_of(indexes[0]).name.encode("utf-8"))
        return mime

    def layer_row(self, index: QModelIndex) -> int:
        """The panel row of the layer ``index`` shows, or whose class it shows."""
        return index.row() if index.internalId() == TOP else index.internalId() - 1

    def canDropMimeData(self, data, action, row, column, parent) -> bool:
        return data.hasFormat(LAYER_MIME) or data.hasUrls()

    def dropMimeData(self, data, action, row, column, parent) -> bool:
        if data.hasUrls():
            paths = [u.toLocalFile() for u in data.urls() if u.isLocalFile()]
            if paths:
                self.files_dropped.emit(paths)
            return bool(paths)
        if not data.hasFormat(LAYER_MIME):
            return False
        name = bytes(data.data(LAYER_MIME)).decode("utf-8")
        if parent.isValid():
            # Onto a layer: where that layer is; among its classes (shown under it): just below it.
            among_classes = row >= 0 or parent.internalId() != TOP
            row = self.layer_row(parent) + (1 if among_classes else 0)
        elif row < 0:
            row = self.rowCount()
        self.move_to_row(name, row)
        return False  # the model resets itself; Qt must not remove the dragged row a second time

    def move_to_row(self, name: str, row: int) -> None:
        """Move a layer so it sits at panel row ``row`` (0 = top of the map)."""
        n = len(self.document.layers)
        current = self.row_of(name)
        if current is not None and row > current:
            row -= 1  # the row numbers below shift up once the layer is taken out
        self.document.move_layer(name, n - 1 - max(0, min(row, n - 1)))


class LayersPanel(QWidget):
    """The layers, each with its classes below it, plus an opacity slider; context menu for zoom,
    properties, table, rename, remove. A layer's classes are shown unless the officer folded them."""

    zoom_requested = Signal(object)
    properties_requested = Signal(object)
    table_requested = Signal(object)
    remove_requested = Signal(object)

    def __init__(self, document: Session, parent=None) -> None:
        super().__init__(parent)
        self.model = LayersModel(document, self)
        self.view = QTreeView()
        self.view.setModel(self.model)
        self.view.setHeaderHidden(True)
        self.view.setIconSize(QSize(*SWATCH_SIZE))
        self.view.setExpandsOnDoubleClick(False)  # a double-click opens the style dialog
        self.view.setUniformRowHeights(True)
        self.view.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.view.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.view.setDragEnabled(True)
        self.view.setAcceptDrops(True)
        self.view.setDropIndicatorShown(True)
        self.view.setEditTriggers(
            QAbstractItemView.EditTrigger.EditKeyPressed | QAbstractItemView.EditTrigger.SelectedClicked
        )
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._menu)
        self.view.doubleClicked.connect(lambda i: self.properties_requested.emit(self.model.layer_of(i)))
        self.view.selectionModel().currentChanged.connect(self._on_current)
        self.model.modelReset.connect(self._on_reset)
        self._folded: set[str] = set()  # layers whose classes the officer folded away
        self.view.collapsed.connect(lambda i: self._folded.add(self.model.layer_of(i).name))
        self.view.expanded.connect(lambda i: self._folded.discard(self.model.layer_of(i).name))
        self.model.rowsInserted.connect(self._classes_inserted)

        self.opacity = QSlider(Qt.Orientation.Horizontal)
        self.opacity.setRange(0, 100)
        self.opacity.setToolTip("Opacity of the selected layer")
        self.opacity.valueChanged.connect(self._set_opacity)
        self.opacity.sliderPressed.connect(self._new_drag)
        self._drag = 0  # one drag of the slider is one undo step
        self.model.dataChanged.connect(lambda *_: self._on_current())  # an undo of the opacity moves the slider
        row = QHBoxLayout()
        row.addWidget(QLabel("Opacity"))
        row.addWidget(self.opacity)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.view)
        layout.addLayout(row)
        self._on_current()

    def set_document(self, document: Session) -> None:
        self.model.set_document(document)

    def current_layer(self):
        index = self.view.currentIndex()
        return self.model.layer_of(index) if index.isValid() else None

    def select_layer(self, name: str) -> None:
        row = self.model.row_of(name)
        if row is not None:
            self.view.setCurrentIndex(self.model.index(row))

    def _on_reset(self) -> None:
        self._unfold()
        self._on_current()

    def _unfold(self) -> None:
        """Every layer's classes shown, but those the officer folded."""
        for row in range(self.model.rowCount()):
            index = self.model.index(row)
            if self.model.layer_at(row).name not in self._folded and self.model.rowCount(index):
                self.view.expand(index)

    def _classes_inserted(self, parent: QModelIndex, _first: int, _last: int) -> None:
        if parent.isValid() and self.model.layer_of(parent).name not in self._folded:
            self.view.expand(parent)

    def _on_current(self, *_args) -> None:
        layer = self.current_layer()
        self.opacity.setEnabled(layer is not None and not isinstance(layer, TableLayer))
        self.opacity.blockSignals(True)
        self.opacity.setValue(round(100 * (layer.opacity if layer else 1.0)))
        self.opacity.blockSignals(False)

    def _new_drag(self) -> None:
        self._drag += 1

    def _set_opacity(self, value: int) -> None:
        layer = self.current_layer()
        if layer is not None and round(100 * layer.opacity) != value:
            drag = ("opacity", layer.name, self._drag) if self.opacity.isSliderDown() else None
            self.model.document.set_opacity(layer.name, value / 100, merge_key=drag)

    def _menu(self, pos) -> None:
        index = self.view.indexAt(pos)
        if not index.isValid():
            return
        menu = self.context_menu(index)
        menu.exec(self.view.viewport().mapToGlobal(pos))

    def context_menu(self, index) -> QMenu:
        """The right-click menu of the layer at ``index``: what can be done with that kind of layer."""
        layer = self.model.layer_of(index)
        index = self.model.index(self.model.layer_row(index))  # "Rename" edits the layer's row
        menu = QMenu(self)
        actions = []
        if not isinstance(layer, TableLayer):
            actions.append(("Zoom to layer", lambda: self.zoom_requested.emit(layer)))
        if isinstance(layer, VectorLayer):
            actions.append(("Style and labels…", lambda: self.properties_requested.emit(layer)))
        elif isinstance(layer, RasterLayer):
            actions.append(("Style…", lambda: self.properties_requested.emit(layer)))
        if isinstance(layer, (VectorLayer, TableLayer)):
            actions.append(("Open attribute table", lambda: self.table_requested.emit(layer)))
        actions += [("Rename", lambda: self.view.edit(index)), ("Remove", lambda: self.remove_requested.emit(layer))]
        for text, slot in actions:
            action = QAction(text, menu)
            action.triggered.connect(slot)
            menu.addAction(action)
        return menu
