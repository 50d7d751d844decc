"""``python -m pakmap_ui.screenshot DATA_DIR OUT_FOLDER``: the pictures in ``docs/screenshots``.

Drives the real window as an officer would: the 2023-census district boundaries and figures from
``DATA_DIR`` (``../shared/data``), the census joined on district name, a population choropleth with
labels, provinces on top, the attribute table open with one district selected; then grabs it
(``main-window.png``). Then the print layout with that map's page previewed, its two insets
(Karachi; Hazara and Azad Kashmir) included (``print-layout.png``). And the districts' style dialog,
its histogram with the class bounds and its fill transparency (``style-dialog.png``).

The pictures are quantized to 256 colours by Pillow (a development dependency, ``.[test]``, where
this script is run): a third of the size of the full-colour PNG, and screenshots of flat interface
colours lose nothing a reader sees.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    data, folder = Path(argv[0]), Path(argv[1])
    from PySide6.QtCore import QSettings, Qt

    from pakmap.project import JoinSpec
    from pakmap.style import GraduatedStyle, LabelStyle, SingleSymbolStyle, Symbol

    from .app import create_app, run_until
    from .main_window import MainWindow

    _app = create_app()  # kept alive for the whole capture
    scratch = Path(tempfile.mkdtemp(prefix="pakmap-shot-"))
    window = MainWindow(QSettings(str(scratch / "settings.ini"), QSettings.Format.IniFormat), scratch / "rec.toml")
    window.resize(1600, 1000)
    window.show()
    added = []
    files = [data / "pak_census2023_districts.csv", data / "pak_districts.geojson", data / "pak_provinces.geojson"]
    window.add_files(files, on_done=added.append)
    run_until(lambda: len(added) == 3)
    doc = window.document
    doc.rename_layer("pak_districts", "Districts")
    doc.rename_layer("pak_provinces", "Provinces")
    doc.rename_layer("pak_census2023_districts", "Census 2023")
    doc.apply_join(JoinSpec(layer="Districts", table="Census 2023", on=[["name", "district"]]))
    districts = doc.layer("Districts")
    doc.set_style(
        "Districts",
        GraduatedStyle(field="population_2023", method="natural_breaks", classes=5, palette="unhcr_blue"),
        LabelStyle(field="name", size=7),
    )
    doc.set_style("Provinces", SingleSymbolStyle(Symbol(fill="#00000000", stroke="#18375F", stroke_width=0.6)))
    window.layers_panel.select_layer("Districts")
    table = window.open_table(districts)
    window.resizeDocks([window.tables_dock], [230], Qt.Orientation.Vertical)
    lahore = int((districts.data["name"] == "Lahore").to_numpy().nonzero()[0][0])
    doc.select("Districts", [lahore])
    window.identify_panel.show_features(districts, [lahore])
    window.identify_dock.show()
    window.canvas.zoom_full()
    run_until(
        lambda: (
            not window.canvas._timer.isActive() and not window.canvas.is_rendering and window.canvas.image is not None
        )
    )
    table.view.scrollTo(table.model.index(int(table.model.view_rows_of([lahore])[0]), 0))
    window.statusBar().showMessage("Districts: 156 features; join Census 2023 → Districts: 136 of 136 rows matched")
    folder.mkdir(parents=True, exist_ok=True)
    save_small(window.grab().toImage(), folder / "main-window.png")

    layout = window.open_layout()
    layout.resize(1300, 760)
    layout.set_field("title", "Pakistan: population by district")
    layout.set_field("subtitle", "Population Census 2023")
    layout.set_field("sources", "Boundaries: © OpenStreetMap contributors; Statistics: PBS Census 2023")
    run_until(lambda: layout.preview_image is not None and not layout._timer.isActive() and not window.tasks.running)
    save_small(layout.grab().toImage(), folder / "print-layout.png")
    layout.close()

    editor = window.open_style_editor(districts)
    save_small(editor.grab().toImage(), folder / "style-dialog.png")
    editor.reject()
    doc.mark_dirty(False)
    window.close()
    print(folder / "main-window.png", folder / "print-layout.png", folder / "style-dialog.png")
    return 0


def save_small(image, out: Path) -> None:
    """``image`` (a QImage) as a 256-colour PNG."""
    from PIL import Image

    rgb = image.convertToFormat(image.Format.Format_RGB888)
    width, height, stride = rgb.width(), rgb.height(), rgb.bytesPerLine()
    picture = Image.frombuffer("RGB", (width, height), bytes(rgb.constBits()), "raw", "RGB", stride, 1)
    picture.quantize(256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(out, optimize=True)


if __name__ == "__main__":
    sys.exit(main())
