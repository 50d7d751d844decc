"""The layers panel: the project's layers, top of the map first, as a Qt item model over the Session.

Checking a layer shows or hides it, editing its name renames it, dragging it reorders the map, files
dropped on the panel are added (several at once, zips included), the slider sets the opacity. Each
action is one call on the ``Session`` (``pakmap.session``); the panel repaints from their signals.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QAbstractListModel, QMimeData, QModelIndex, Qt, Signal
from PySide6.QtGui import QAction, QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHBoxLayout,
    QLabel,
    QListView,
    QMenu,
    QSlider,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from pakmap.errors import StyleError
from pakmap.layer import RasterLayer, TableLayer, VectorLayer
from pakmap.palettes import palette
from pakmap.session import Session

LAYER_MIME = "application/x-pakmap-layer"


def layer_icon(layer) -> QIcon:
    """A swatch in the layer's main colour; rasters show their colour ramp; tables get a grid."""
    pix = QPixmap(16, 16)
    pix.fill(Qt.GlobalColor.transparent)
    p = QPainter(pix)
    if isinstance(layer, RasterLayer):
        try:
            colours = palette(layer.style.palette).ramp(13)
        except StyleError:  # an unknown palette is reported when the layer draws; the icon stays plain
            colours = ["#8EBEFF"] * 13
        for i, colour in enumerate(colours):  # light to dark, left to right, as the legend's ramp
            p.fillRect(1 + i, 3, 1, 10, QColor(colour))
        p.setPen(QColor("#444444"))
        p.drawRect(1, 3, 13, 10)
    elif isinstance(layer, TableLayer):
        p.setPen(QColor("#666666"))
        for i in (2, 7, 12):
            p.drawLine(1, i, 14, i)
        p.drawLine(6, 2, 6, 12)
    else:
        fill = getattr(getattr(layer, "style", None), "symbol", None)
        colour = QColor(getattr(fill, "fill", "#0072BC")) if fill else QColor("#8EBEFF")
        p.setBrush(colour)
        p.setPen(QColor("#444444"))
        if isinstance(layer, VectorLayer) and layer.geometry_type == "Point":
            p.drawEllipse(3, 3, 10, 10)
        else:
            p.drawRect(1, 3, 13, 10)
    p.end()
    return QIcon(pix)


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


class LayersModel(QAbstractListModel):
    """Rows are layers, top of the map first (the reverse of draw order)."""

    files_dropped = Signal(list)  # local file paths dropped onto the panel

    def __init__(self, document: Session, parent=None) -> None:
        super().__init__(parent)
        self.document = document
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
        self.endResetModel()

    def _layer_changed(self, layer) -> None:
        row = self.row_of(layer.name)
        if row is not None:
            self.dataChanged.emit(self.index(row), self.index(row))

    def layer_at(self, row: int):
        layers = self.document.layers
        return layers[len(layers) - 1 - row]

    def row_of(self, name: str) -> int | None:
        names = [l.name for l in self.document.layers]
        return len(names) - 1 - names.index(name) if name in names else None

    # --- read --------------------------------------------------------------------------------

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.document.layers)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
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
            return layer_icon(layer)
        if role == Qt.ItemDataRole.ForegroundRole and flagged:
            return QColor("#B3261E")
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(layer)
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
        if not index.isValid():
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
            mime.setData(LAYER_MIME, self.layer_at(indexes[0].row()).name.encode("utf-8"))
        return mime

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
        if row < 0:
            row = parent.row() if parent.isValid() else self.rowCount()
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
    """The list plus an opacity slider; context menu for zoom, properties, table, rename, remove."""

    zoom_requested = Signal(object)
    properties_requested = Signal(object)
    table_requested = Signal(object)
    remove_requested = Signal(object)

    def __init__(self, document: Session, parent=None) -> None:
        super().__init__(parent)
        self.model = LayersModel(document, self)
        self.view = QListView()
        self.view.setModel(self.model)
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
        self.view.doubleClicked.connect(lambda i: self.properties_requested.emit(self.model.layer_at(i.row())))
        self.view.selectionModel().currentChanged.connect(self._on_current)
        self.model.modelReset.connect(self._on_reset)

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
        return self.model.layer_at(index.row()) if index.isValid() else None

    def select_layer(self, name: str) -> None:
        row = self.model.row_of(name)
        if row is not None:
            self.view.setCurrentIndex(self.model.index(row))

    def _on_reset(self) -> None:
        self._on_current()

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
        layer = self.model.layer_at(index.row())
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
