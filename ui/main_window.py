"""The main window: canvas in the middle, layers on the left, identify results on the right,
attribute tables below, project and layer actions in menus and the toolbar, map status at the bottom.

The window wires views to the ``Session`` (``pakmap.session``) and routes actions; the work itself is in the core
(reading, joining, rendering, exporting) and in the panels.
"""

from __future__ import annotations

from pathlib import Path

from pyproj import CRS
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDockWidget,
    QFileDialog,
    QLabel,
    QListWidget,
    QMainWindow,
    QPushButton,
    QStyle,
    QTabWidget,
    QVBoxLayout,
)

from pakmap.errors import PakmapError
from pakmap.layer import RasterLayer, TableLayer, VectorLayer
from pakmap.postgis.address import is_database_address
from pakmap.project import ViewSpec
from pakmap.session import Session

from .attribute_table import AttributeTable
from .canvas import MapCanvas
from .crs_picker import CrsPicker
from .errors import error_text, show_error
from .identify_panel import IdentifyPanel
from .interop_actions import InteropActions
from .layers_panel import LayersPanel
from .map_tool_actions import MapToolActions
from .postgis_dialog import PostgisDialog
from .project_actions import ProjectFiles
from .tasks import TaskBar, TaskRunner

DATA_FILTER = (
    "Data files (*.shp *.zip *.gpkg *.geojson *.json *.kml *.kmz *.fgb *.csv *.xlsx *.tif *.tiff);;All files (*)"
)
SCALES = (25_000, 50_000, 100_000, 250_000, 500_000, 1_000_000, 2_500_000, 5_000_000, 10_000_000)


class MainWindow(QMainWindow):
    def __init__(
        self, settings: QSettings | None = None, recovery_path: Path | None = None, autosave_seconds: int = 60
    ) -> None:
        super().__init__()
        self.settings = settings or QSettings("UNHCR Pakistan", "pakmap")
        self.document = Session()
        self.last_error: str | None = None
        self.errors: list[str] = []  # every message shown this session (the status bar keeps only the last)
        self.tasks = TaskRunner(self)
        self.canvas = MapCanvas(self.document)
        self.setCentralWidget(self.canvas)
        self.layers_panel = LayersPanel(self.document)
        self.identify_panel = IdentifyPanel()
        self.tables = QTabWidget()
        self.tables.setTabsClosable(True)
        self.tables.tabCloseRequested.connect(self.close_table)
        self._docks()
        self._status_bar()
        self.files = ProjectFiles(self, self.settings, recovery_path, autosave_seconds)
        self.interop = InteropActions(self, self.settings)
        self._actions()
        self._connect_panels()
        self._connect_document()
        self.setAcceptDrops(True)
        self.resize(1400, 900)
        geometry = self.settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        state = self.settings.value("window/state")
        if state is not None:
            self.restoreState(state)
        self.update_title()

    # --- construction ------------------------------------------------------------------------

    def _dock(self, title: str, widget, area, name: str) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)  # saveState needs names
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    def _docks(self) -> None:
        self.layers_dock = self._dock("Layers", self.layers_panel, Qt.DockWidgetArea.LeftDockWidgetArea, "layers")
        self.identify_dock = self._dock(
            "Identify results", self.identify_panel, Qt.DockWidgetArea.RightDockWidgetArea, "identify"
        )
        self.tables_dock = self._dock("Attribute table", self.tables, Qt.DockWidgetArea.BottomDockWidgetArea, "tables")
        self.tables_dock.hide()
        self.identify_dock.hide()
        self.resizeDocks([self.layers_dock], [260], Qt.Orientation.Horizontal)

    def _status_bar(self) -> None:
        bar = self.statusBar()
        self.task_bar = TaskBar(self.tasks)
        self.coords = QLabel("")
        self.coords.setMinimumWidth(220)
        self.scale = QComboBox()
        self.scale.setEditable(True)
        self.scale.setMinimumWidth(130)
        self.scale.setToolTip("Map scale: choose or type 1:N")
        self.scale.addItems([f"1:{s:,}" for s in SCALES])
        self.scale.lineEdit().returnPressed.connect(self._scale_entered)
        self.scale.activated.connect(self._scale_entered)
        self.crs_button = QPushButton()
        self.crs_button.setFlat(True)
        self.crs_button.setToolTip("Map coordinate reference system — click to change")
        self.crs_button.clicked.connect(self.choose_crs)
        bar.addPermanentWidget(self.task_bar)
        bar.addPermanentWidget(self.coords)
        bar.addPermanentWidget(QLabel("Scale"))
        bar.addPermanentWidget(self.scale)
        bar.addPermanentWidget(self.crs_button)

    def _action(self, text: str, slot, shortcut=None, icon=None, tip: str | None = None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if isinstance(icon, QIcon):
            action.setIcon(icon)
        elif icon is not None:
            action.setIcon(self.style().standardIcon(icon))
        if tip:
            action.setStatusTip(tip)
        action.triggered.connect(lambda *_: slot())
        return action

    def _actions(self) -> None:
        SP = QStyle.StandardPixmap
        from . import icons

        a = self.actions_by_name = {
            "new": self._action("&New project", self.files.new, QKeySequence.StandardKey.New, SP.SP_FileIcon),
            "open": self._action(
                "&Open project…", self.files.open, QKeySequence.StandardKey.Open, SP.SP_DialogOpenButton
            ),
            "save": self._action("&Save", self.files.save, QKeySequence.StandardKey.Save, SP.SP_DialogSaveButton),
            "save_as": self._action("Save &as…", self.files.save_as, QKeySequence.StandardKey.SaveAs),
            "layout": self._action(
                "&Print layout and export…",
                self.open_layout,
                "Ctrl+P",
                icons.layout(),
                "Page preview, PDF/PNG/SVG/HTML and atlas",
            ),
            "quit": self._action("&Quit", self.close, QKeySequence.StandardKey.Quit),
            "undo": self._action("&Undo", self.undo, "Ctrl+Z", None, "Undo the last change to the project"),
            "redo": self._action("&Redo", self.redo, "Ctrl+Shift+Z", None, "Redo the change undone last"),
            "add": self._action(
                "&Add layer…",
                self.add_layer_dialog,
                "Ctrl+L",
                SP.SP_FileDialogNewFolder,
                "Add boundaries, points, tables or rasters (or drop files on the window)",
            ),
            "add_postgis": self._action(
                "Add &PostGIS layer…",
                self.open_postgis_dialog,
                "Ctrl+Shift+D",
                None,
                "Add tables of a PostgreSQL/PostGIS database (a pg_service.conf service)",
            ),
            "join": self._action(
                "&Join a table…",
                self.open_join_dialog,
                "Ctrl+J",
                icons.join(),
                "Join a statistics table to a boundary layer, with a join report",
            ),
            "spatial_join": self._action(
                "S&patial join…",
                self.open_spatial_join_dialog,
                None,
                None,
                "Count points in polygons, or sum or average a field of theirs",
            ),
            "zonal": self._action(
                "&Zonal statistics…",
                self.open_zonal_dialog,
                None,
                None,
                "Sum or average a raster's cells in each polygon (flood share, population)",
            ),
            "layer_crs": self._action(
                "Set layer C&RS…",
                lambda: self.choose_layer_crs(),
                None,
                None,
                "Say which CRS the selected layer's coordinates are in (a file without .prj); nothing is reprojected",
            ),
            "repair": self._action(
                "Re&pair geometries…",
                lambda: self.open_repair_dialog(),
                None,
                None,
                "Make invalid polygons valid (self-intersections, bow-ties), in place or as a new layer",
            ),
            "dissolve": self._action(
                "&Dissolve…",
                lambda: self.open_dissolve_dialog(),
                None,
                None,
                "Merge features by a field into a new layer (districts into provinces)",
            ),
            "calculator": self._action(
                "Field &calculator…",
                lambda: self.open_field_calculator(),
                "Ctrl+I",
                None,
                "A new or updated field from an expression over the layer's fields",
            ),
            "quality": self._action(
                "&Data-quality report…",
                self.open_quality_dialog,
                None,
                None,
                "Check a table or point layer: P-codes, names, duplicates, stray points (PDF, HTML)",
            ),
            "exposure": self._action(
                "&Exposure to a hazard…",
                self.open_exposure_dialog,
                None,
                None,
                "People and places inside a flood footprint, per admin unit (table, map, report)",
            ),
            "threew": self._action(
                "&Who does what where…",
                self.open_threew_dialog,
                None,
                None,
                "Partners per district and sector from a partner activity table (map, sector panels, matrix, web map)",
            ),
            "style": self._action("&Style and labels…", lambda: self.open_style_editor(), "Ctrl+Shift+S"),
            "table": self._action("Attribute &table", lambda: self.open_table(), "F6", SP.SP_FileDialogListView),
            "remove": self._action("&Remove layer", lambda: self.remove_layer(), None),
            "zoom_full": self._action(
                "Zoom to &full extent", self.canvas.zoom_full, "Ctrl+Shift+F", icons.full_extent()
            ),
            "zoom_layer": self._action("Zoom to &layer", lambda: self.zoom_to_layer(), "Ctrl+Shift+L"),
            "zoom_selection": self._action("Zoom to &selection", self.zoom_to_selection, "Ctrl+Shift+J"),
            "zoom_in": self._action(
                "Zoom &in", lambda: self.canvas.zoom_by(0.5), QKeySequence.StandardKey.ZoomIn, icons.zoom_in()
            ),
            "zoom_out": self._action(
                "Zoom &out", lambda: self.canvas.zoom_by(2.0), QKeySequence.StandardKey.ZoomOut, icons.zoom_out()
            ),
            "crs": self._action("Map &CRS…", self.choose_crs),
            "export_qgis": self._action(
                "Export as &QGIS project…",
                self.interop.export_qgis,
                None,
                None,
                "A .qgz QGIS opens as this map, its layers in a GeoPackage beside it",
            ),
            "import_style": self._action(
                "&Import QGIS style…",
                self.interop.import_style,
                None,
                None,
                "Style the selected layer from a QGIS .qml file",
            ),
            "export_style": self._action(
                "E&xport style…",
                self.interop.export_style,
                None,
                None,
                "The selected layer's style as a QGIS .qml or an SLD (GeoServer, ArcGIS Pro)",
            ),
        }
        menus = self.menuBar()
        project = menus.addMenu("&Project")
        for key in ("new", "open"):
            project.addAction(a[key])
        self.recent_menu = project.addMenu("Open &recent")
        for key in ("save", "save_as"):
            project.addAction(a[key])
        project.addSeparator()
        project.addAction(a["layout"])
        project.addAction(a["export_qgis"])
        project.addSeparator()
        project.addAction(a["quit"])
        edit = menus.addMenu("&Edit")
        for key in ("undo", "redo"):
            edit.addAction(a[key])
        layer = menus.addMenu("&Layer")
        for key in (
            "add",
            "add_postgis",
            "join",
            "spatial_join",
            "zonal",
            None,
            "calculator",
            "dissolve",
            "repair",
            "layer_crs",
            None,
            "style",
            "import_style",
            "export_style",
            "table",
            "remove",
        ):
            layer.addSeparator() if key is None else layer.addAction(a[key])
        products = menus.addMenu("P&roducts")
        for key in ("quality", "exposure", "threew"):
            products.addAction(a[key])
        view = menus.addMenu("&View")
        for key in ("zoom_full", "zoom_layer", "zoom_selection", "zoom_in", "zoom_out", "crs"):
            view.addAction(a[key])
        view.addSeparator()
        for dock in (self.layers_dock, self.identify_dock, self.tables_dock):
            view.addAction(dock.toggleViewAction())
        self.map_tools = MapToolActions(self, self.canvas, a["zoom_selection"])
        a.update({f"tool_{name}": action for name, action in self.map_tools.tools.items()})
        a.update(zoom_previous=self.map_tools.previous, zoom_next=self.map_tools.next)
        toolbar = self.addToolBar("Main")
        toolbar.setObjectName("main_toolbar")
        for key in (
            "new",
            "open",
            "save",
            None,
            "add",
            "join",
            "table",
            None,
            "zoom_full",
            "zoom_in",
            "zoom_out",
            None,
            "layout",
        ):
            toolbar.addSeparator() if key is None else toolbar.addAction(a[key])
        tools_toolbar = self.addToolBar("Map tools")
        tools_toolbar.setObjectName("map_tools_toolbar")
        self.map_tools.fill(menus.addMenu("&Map tools"), tools_toolbar)
        self.files.recent_changed.connect(self._fill_recent)
        self._fill_recent(self.files.recent())

    def _fill_recent(self, paths) -> None:
        self.recent_menu.clear()
        for path in paths:
            action = self.recent_menu.addAction(path)
            action.triggered.connect(lambda *_, p=path: self.files.open(p))
        self.recent_menu.setEnabled(bool(paths))

    def _connect_panels(self) -> None:
        lp = self.layers_panel
        lp.model.files_dropped.connect(self.add_files)
        lp.zoom_requested.connect(self.zoom_to_layer)
        lp.properties_requested.connect(self.open_style_editor)
        lp.table_requested.connect(self.open_table)
        lp.remove_requested.connect(self.remove_layer)
        self.canvas.cursor_moved.connect(self._show_coords)
        self.canvas.view_changed.connect(self._show_scale)
        self.canvas.render_finished.connect(lambda s: self._show_scale())
        self.canvas.render_failed.connect(self.show_error)
        self.canvas.unplaced_changed.connect(self._show_unplaced)
        self.canvas.identified.connect(self._identified)
        self.canvas.current_layer = self.current_layer

    def _connect_document(self) -> None:
        self.document.dirty_changed.connect(lambda _d: self.update_title())
        self.document.crs_changed.connect(lambda _c: self._show_crs())
        self.document.history_changed.connect(self._show_history)
        self._show_crs()
        self._show_history()

    def set_document(self, document: Session) -> None:
        """Show another project (opened, new or recovered): every view follows the new model."""
        for i in reversed(range(self.tables.count())):
            self.close_table(i)
        self.document = document
        self.canvas.set_document(document)
        self.layers_panel.set_document(document)
        self.identify_panel.clear()
        self._connect_document()
        self.restore_view(document.project.view)
        self.update_title()

    def view_state(self) -> ViewSpec:
        """What a saved project remembers of this window: the map's extent and which panels are open."""
        extent = list(self.canvas.extent()) if self.canvas.center is not None else []
        panels = {dock.objectName(): not dock.isHidden() for dock in self.findChildren(QDockWidget)}
        return ViewSpec(extent, panels)

    def restore_view(self, view: ViewSpec) -> None:
        """Open the panels that were open when the project was saved (close the others), then show
        its extent in the canvas as it is laid out with them."""
        for dock in self.findChildren(QDockWidget):
            if dock.objectName() in view.panels:
                dock.setVisible(view.panels[dock.objectName()])
        if view.extent:
            self.layout().activate()  # the canvas takes its size with these panels before it is fitted
            self.canvas.set_extent(view.extent, margin=0.0)

    # --- status ------------------------------------------------------------------------------

    def update_title(self) -> None:
        path = self.document.project.path
        name = path.name if path else "Untitled"
        self.setWindowTitle(f"[*]{name} — pakmap")
        self.setWindowModified(self.document.dirty)

    def _show_history(self) -> None:
        """Undo and Redo name what they would do, and are enabled only when there is something."""
        history = self.document.history
        for key, can, text in (
            ("undo", history.can_undo, history.undo_text),
            ("redo", history.can_redo, history.redo_text),
        ):
            action = self.actions_by_name[key]
            action.setEnabled(can)
            action.setText(f"&{key.capitalize()} {text}" if can else f"&{key.capitalize()}")

    def undo(self) -> None:
        self.document.undo()

    def redo(self) -> None:
        self.document.redo()

    def _show_coords(self, x: float, y: float) -> None:
        if self.document.crs.is_geographic:
            self.coords.setText(f"{y:.5f}° N, {x:.5f}° E")
        else:
            self.coords.setText(f"{x:,.1f}, {y:,.1f}")

    def _show_scale(self) -> None:
        denominator = self.canvas.scale_denominator()
        if denominator and not self.scale.lineEdit().hasFocus():
            self.scale.setEditText(f"1:{round(denominator):,}")

    def _scale_entered(self, *_args) -> None:
        text = self.scale.currentText().replace(",", "").replace(" ", "")
        try:
            value = float(text.split(":")[-1])
        except ValueError:
            self.statusBar().showMessage(f"'{self.scale.currentText()}' is not a scale: type 1:250000", 5000)
            return
        self.canvas.set_scale(value)

    def _show_crs(self) -> None:
        crs = self.document.crs
        code = crs.to_epsg()
        self.crs_button.setText(f"EPSG:{code}" if code else crs.name)
        self.crs_button.setToolTip(f"{crs.name} — click to change the map CRS")

    def _crs_picker(self, title: str, question: str, current, apply) -> CrsPicker:
        code = current.to_authority(min_confidence=100) if current is not None else None
        picker = CrsPicker(title, question, f"{code[0]}:{code[1]}" if code else None, self.settings, self)
        picker.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        picker.accepted.connect(lambda: apply(picker.chosen()))
        picker.open()
        return picker

    def choose_crs(self) -> CrsPicker:
        """The map CRS from the searchable list (the layers are reprojected when drawn)."""
        return self._crs_picker(
            "Map CRS",
            "The map's coordinate reference system: layers are reprojected to it when drawn.",
            self.document.crs,
            self.set_crs,
        )

    def choose_layer_crs(self, layer=None) -> CrsPicker | None:
        """Say which CRS a layer's coordinates are in (a file whose .prj is missing or wrong)."""
        layer = layer or self.current_layer()
        if layer is None or isinstance(layer, TableLayer):
            self.statusBar().showMessage("Choose a boundary, point or raster layer to set its CRS", 5000)
            return None
        name = layer.name

        def apply(code: str) -> None:
            try:
                self.document.set_layer_crs(name, code)
            except PakmapError as exc:
                self.show_error(exc)

        now = layer.crs.name if layer.crs is not None else "none (the file does not say)"
        return self._crs_picker(
            f"CRS of {name}",
            f"Which CRS are the coordinates of {name} in? Now: {now}. This says what they are — it does not "
            "move them; use it for a file whose .prj is missing or wrong.",
            layer.crs,
            apply,
        )

    def set_crs(self, text: str) -> bool:
        try:
            crs = CRS.from_user_input(text)
        except Exception:  # noqa: BLE001 - pyproj's messages are long; ours says what to type
            self.show_error(
                PakmapError(
                    f"'{text}' is not a coordinate reference system",
                    fix="type an EPSG code such as EPSG:4326 or EPSG:32642",
                )
            )
            return False
        self.document.set_crs(crs)
        return True

    def show_error(self, exc: BaseException) -> None:
        self.last_error = error_text(exc)
        self.errors.append(self.last_error)
        self.statusBar().showMessage(self.last_error, 15000)
        show_error(self, exc)

    # --- layers ------------------------------------------------------------------------------

    def current_layer(self):
        return self.layers_panel.current_layer()

    def add_layer_dialog(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(
            self, "Add layers", str(self.settings.value("files/data_folder", str(Path.home()))), DATA_FILTER
        )
        if paths:
            self.settings.setValue("files/data_folder", str(Path(paths[0]).parent))
            self.add_files(paths)

    def open_postgis_dialog(self) -> PostgisDialog:
        """Layer ▸ Add PostGIS layer…: list a service's spatial tables; Add reads the chosen ones."""
        dialog = PostgisDialog(self, self.settings)
        dialog.accepted.connect(lambda: self.add_database_layers(dialog.chosen_addresses()))
        dialog.show()
        return dialog

    def add_database_layers(self, addresses: list[str], on_done=None) -> None:
        """Read database tables (``postgresql://`` addresses) in the background and add them."""
        if addresses:
            self._open_in_background([(address, None) for address in addresses], on_done)

    def choose_sublayers(self, path: str, names: list[str]) -> list[str]:
        """Which layers of a multi-layer file to add (a GeoPackage with provinces, districts…)."""
        dialog = QDialog(self)
        dialog.setWindowTitle(f"Layers in {Path(path).name}")
        names_list = QListWidget()
        names_list.addItems(names)
        names_list.setSelectionMode(QListWidget.SelectionMode.ExtendedSelection)
        names_list.setCurrentRow(0)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(dialog.accept)
        buttons.rejected.connect(dialog.reject)
        layout = QVBoxLayout(dialog)
        layout.addWidget(QLabel("Choose the layers to add:"))
        layout.addWidget(names_list)
        layout.addWidget(buttons)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return []
        return [i.text() for i in names_list.selectedItems()]

    def add_files(self, paths, sublayer: str | None = None, on_done=None) -> None:
        """Read files in the background and add them on top of the map, in the order given.

        Each file's problem is shown on its own; the other files are still added.
        """
        from pakmap.sources import list_layers

        wanted: list[tuple[str, str | None]] = []
        for path in map(str, paths):
            if sublayer is not None or is_database_address(path):  # an address names its table itself
                wanted.append((path, sublayer))
                continue
            try:
                names = [getattr(n, "name", n) for n in list_layers(path)]
            except Exception as exc:  # noqa: BLE001 - a bad file must not stop the others
                self.show_error(exc)
                continue
            chosen = self.choose_sublayers(path, names) if len(names) > 1 else [None]
            wanted += [(path, name) for name in chosen]
        if wanted:
            self._open_in_background(wanted, on_done)

    def _open_in_background(self, wanted: list[tuple[str, str | None]], on_done=None) -> None:
        from pakmap.sources import open_layer

        def work(progress, cancelled):
            results = []
            for i, (path, name) in enumerate(wanted):
                progress(Path(path).name, i / len(wanted))
                try:
                    opened = open_layer(path, layer=name)
                    # Here, off the GUI thread: a database layer counts and checks its rows on first
                    # use, and the status bar shows both as soon as the layer is added.
                    if isinstance(opened, VectorLayer):
                        opened.validity  # noqa: B018
                    results.append((path, name, opened))
                except Exception as exc:  # noqa: BLE001 - reported per file once back on the GUI thread
                    results.append((path, name, exc))
            return results

        def done(results):
            for path, name, result in results:
                if isinstance(result, BaseException):
                    self.show_error(result)
                    continue
                self.document.add_layer(result, path, name)
                self.layers_panel.select_layer(result.name)
                self._report_validity(result)
                if on_done:
                    on_done(result)

        first = Path(wanted[0][0]).name + (f" ▸ {wanted[0][1]}" if wanted[0][1] else "")
        title = f"Adding {first}" + (f" and {len(wanted) - 1} more" if len(wanted) > 1 else "")
        self.tasks.start(title, work, done, self.show_error)

    def _report_validity(self, layer) -> None:
        if isinstance(layer, VectorLayer):
            message = f"{layer.name}: {layer.feature_count:,} features, {layer.validity.summary()}"
            if layer.sensitive_fields:
                message += f" — ⚠ sensitive fields: {', '.join(layer.sensitive_fields)}"
            self.statusBar().showMessage(message, 10000)
        elif isinstance(layer, TableLayer):
            self.statusBar().showMessage(
                f"{layer.name}: table of {len(layer.data):,} rows — join it to a "
                "boundary layer to map it (Layer ▸ Join a table)",
                10000,
            )

    def remove_layer(self, layer=None) -> None:
        layer = layer or self.current_layer()
        if layer is None:
            return
        try:
            self.document.remove_layer(layer.name)
        except PakmapError as exc:
            self.show_error(exc)
            return
        for i in reversed(range(self.tables.count())):
            if self.tables.widget(i).layer_name == layer.name:
                self.close_table(i)

    def zoom_to_layer(self, layer=None) -> None:
        layer = layer or self.current_layer()
        if layer is not None and not isinstance(layer, TableLayer):
            try:
                self.canvas.zoom_to_layer(layer)
            except PakmapError as exc:
                self.show_error(exc)

    def zoom_to_selection(self) -> None:
        if not self.canvas.zoom_to_selection():
            self.statusBar().showMessage("Nothing is selected: click a feature or select rows in the table", 5000)

    def _show_unplaced(self, names: tuple) -> None:
        if names:
            listed = ", ".join(f"'{n}'" for n in names)
            self.statusBar().showMessage(
                f"{listed} not drawn: no coordinate reference system — choose the layer and "
                "Layer ▸ Set layer CRS… (what the coordinates are in, e.g. EPSG:4326)",
                30000,
            )

    def _identified(self, name: str, rows) -> None:
        self.identify_panel.show_features(self.document.layer(name) if name else None, rows)
        self.identify_dock.show()

    # --- panels and dialogs ------------------------------------------------------------------

    def open_style_editor(self, layer=None):
        """The style dialog of a vector layer (symbology and labels) or of a raster (ramp and stretch)."""
        from .raster_style_editor import RasterStyleEditor
        from .style_editor import StyleEditor

        layer = layer or self.current_layer()
        if isinstance(layer, VectorLayer):
            editor = StyleEditor(layer, self.document.project.protection.threshold, self, session=self.document)
        elif isinstance(layer, RasterLayer):
            editor = RasterStyleEditor(layer, self, session=self.document)
        else:
            self.statusBar().showMessage("Choose a boundary, point or raster layer to style", 5000)
            return None
        editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        document = self.document

        def layer_gone() -> None:
            # A join or a removal replaced the layer: edits must not go to a layer no longer shown.
            if not any(l is editor.layer for l in document.layers):
                document.layers_changed.disconnect(layer_gone)
                editor.close()

        document.layers_changed.connect(layer_gone)
        editor.finished.connect(lambda _r: document.layers_changed.disconnect(layer_gone))
        editor.show()
        return editor

    def open_table(self, layer=None) -> AttributeTable | None:
        layer = layer or self.current_layer()
        if layer is None:
            return None
        for i in range(self.tables.count()):
            if self.tables.widget(i).layer_name == layer.name:
                self.close_table(i)  # the layer may have been re-joined: a fresh model over its data
                break
        table = AttributeTable(self.document, layer)
        self.tables.addTab(table, layer.name)
        self.tables.setCurrentWidget(table)
        self.tables_dock.show()
        return table

    def close_table(self, index: int) -> None:
        widget = self.tables.widget(index)
        self.tables.removeTab(index)
        if widget is not None:
            widget.close_model()
            widget.deleteLater()
        if not self.tables.count():
            self.tables_dock.hide()

    def open_join_dialog(self):
        from .join_dialog import JoinDialog

        if not any(isinstance(l, VectorLayer) for l in self.document.layers):
            self.show_error(
                PakmapError(
                    "there is no boundary layer to join a table to", fix="add boundaries first (Layer ▸ Add layer…)"
                )
            )
            return None
        return self._show_tool(JoinDialog(self.document, self.tasks, self))

    def _show_tool(self, dialog):
        """Show a tool window that reports its failures in the main window, deleted when closed."""
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.failed.connect(self.show_error)
        dialog.show()
        return dialog

    def open_spatial_join_dialog(self):
        from .step_dialogs import SpatialJoinDialog

        return self._open_step_dialog(
            SpatialJoinDialog,
            "points",
            lambda l: isinstance(l, VectorLayer) and l.geometry_type == "Point",
            "add a point layer (Layer ▸ Add layer…)",
        )

    def open_zonal_dialog(self):
        from .step_dialogs import ZonalStatisticsDialog

        return self._open_step_dialog(
            ZonalStatisticsDialog, "raster", lambda l: isinstance(l, RasterLayer), "add a GeoTIFF (Layer ▸ Add layer…)"
        )

    def _open_step_dialog(self, dialog_class, source: str, is_source, fix: str):
        """A spatial-join or zonal-statistics dialog, once the map has polygons and ``source``."""
        layers = self.document.layers
        if not any(isinstance(l, VectorLayer) and l.geometry_type == "Polygon" for l in layers):
            self.show_error(
                PakmapError(
                    "there is no polygon layer to compute statistics for",
                    fix="add boundaries first (Layer ▸ Add layer…)",
                )
            )
            return None
        if not any(is_source(l) for l in layers):
            self.show_error(PakmapError(f"the map has no {source} to take statistics from", fix=fix))
            return None
        return self._show_tool(dialog_class(self.document, self.tasks, self))

    def open_repair_dialog(self, layer=None):
        from .data_dialogs import RepairDialog

        return self._open_layer_tool(RepairDialog, layer, "repair")

    def open_dissolve_dialog(self, layer=None):
        from .data_dialogs import DissolveDialog

        return self._open_layer_tool(DissolveDialog, layer, "dissolve")

    def open_field_calculator(self, layer=None):
        from .field_calculator import FieldCalculator

        if not self._has_vector_layer("calculate a field of"):
            return None
        name = (layer or self.current_layer() or self.document.layers[0]).name
        return self._show_tool(FieldCalculator(self.document, self, layer=name))

    def _has_vector_layer(self, what: str) -> bool:
        if any(isinstance(l, VectorLayer) and not l.missing for l in self.document.layers):
            return True
        self.show_error(
            PakmapError(f"there is no boundary or point layer to {what}", fix="add one first (Layer ▸ Add layer…)")
        )
        return False

    def _open_layer_tool(self, dialog_class, layer, what: str):
        if not self._has_vector_layer(what):
            return None
        current = layer or self.current_layer()
        return self._show_tool(
            dialog_class(self.document, self.tasks, self, layer=current.name if current is not None else None)
        )

    def open_quality_dialog(self):
        from .product_dialogs import QualityDialog

        return self._show_product(QualityDialog(self.document, self.tasks, self))

    def open_exposure_dialog(self):
        from .product_dialogs import ExposureDialog

        return self._show_product(ExposureDialog(self.document, self.tasks, self))

    def open_threew_dialog(self):
        from .product_dialogs import ThreeWDialog

        return self._show_product(ThreeWDialog(self.document, self.tasks, self))

    def _show_product(self, dialog):
        dialog.written.connect(
            lambda files: self.statusBar().showMessage("Written: " + ", ".join(p.name for p in files), 15000)
        )
        return self._show_tool(dialog)

    def open_layout(self):
        from .layout_view import LayoutView

        if not self.document.loaded.drawable:
            self.show_error(PakmapError("the map has no layer to print", fix="add boundaries first"))
            return None
        view = LayoutView(self.document, self.tasks, self.settings, self)
        view.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        view.failed.connect(self.show_error)
        view.show()
        return view

    # --- window events -----------------------------------------------------------------------

    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        projects = [p for p in paths if p.lower().endswith(".toml")]
        if projects:
            self.files.open(projects[0])
        data = [p for p in paths if not p.lower().endswith(".toml")]
        if data:
            self.add_files(data)
        event.acceptProposedAction()

    def closeEvent(self, event) -> None:
        if not self.files.maybe_save():
            event.ignore()
            return
        for task in list(self.tasks.running):
            task.cancel()
        self.canvas.wait_idle(5000)
        self.tasks.wait(5000)
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        self.files.discard_recovery()
        self.settings.sync()
        event.accept()
