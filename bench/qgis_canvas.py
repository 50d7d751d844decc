"""The QGIS peer of ``bench_gui.py``'s cold start: a PyQGIS window with a map canvas, the files added
as layers, until the canvas has drawn them once.

Run with Debian's system Python (``/usr/bin/python3``, package ``python3-qgis``), one process per run:

    /usr/bin/python3 bench/qgis_canvas.py FILE [FILE ...]

It is a lower bound of the QGIS desktop's own start (no plugins, panels, toolbars or project
machinery; this machine has the libraries, not the ``qgis`` application): initQgis, a 1400 × 900
window holding a ``QgsMapCanvas``, the layers added and zoomed to, and the first
``mapCanvasRefreshed``. Prints the seconds since the script started for: window up, layers read,
first map drawn.
"""

from __future__ import annotations

import os
import sys
import time


def main(paths: list[str]) -> int:
    start = time.perf_counter()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from qgis.core import QgsApplication, QgsProject, QgsVectorLayer
    from qgis.gui import QgsMapCanvas
    from qgis.PyQt.QtCore import QEventLoop, QTimer
    from qgis.PyQt.QtWidgets import QMainWindow

    app = QgsApplication([], True)
    app.initQgis()
    window = QMainWindow()
    canvas = QgsMapCanvas()
    canvas.setParallelRenderingEnabled(True)
    window.setCentralWidget(canvas)
    window.resize(1400, 900)
    window.show()
    up = time.perf_counter()
    layers = [QgsVectorLayer(p, os.path.basename(p), "ogr") for p in paths]
    if not all(layer.isValid() for layer in layers):
        print("a layer did not open", file=sys.stderr)
        return 1
    project = QgsProject.instance()
    project.addMapLayers(layers)
    canvas.setDestinationCrs(layers[0].crs())
    canvas.setLayers(list(reversed(layers)))  # the first file at the bottom, as pakmap's layer list
    canvas.zoomToFullExtent()
    read = time.perf_counter()
    loop = QEventLoop()
    canvas.mapCanvasRefreshed.connect(loop.quit)
    QTimer.singleShot(300_000, loop.quit)
    canvas.refresh()
    loop.exec_()
    drawn = time.perf_counter()
    print(f"{up - start:.4f} {read - up:.4f} {drawn - read:.4f}", flush=True)
    os._exit(0)  # measured; skip teardown (as the pakmap child does)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
