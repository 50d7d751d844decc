"""The whole-process QGIS peer of ``bench_process.py``: one print layout exported to PNG and PDF.

Run with Debian's system Python (``/usr/bin/python3``, package ``python3-qgis``), one process per map,
as an officer would run a PyQGIS script:

    /usr/bin/python3 bench/qgis_layout.py spec.json

``spec.json`` names the boundaries, an optional statistics CSV joined onto them, the points, the
classified field and the two outputs. The layout is what ``pakmap render`` draws: an A4 landscape
page with the map (graduated quantile classes, white outlines, no-data grey, red 0.6 mm points), a
title, a legend and a scale bar, at 300 dpi.
"""

from __future__ import annotations

import json
import os
import sys

RAMP = ("#CDE3F1", "#05568B")  # the ends of pakmap's unhcr_blue


def main(spec_path: str) -> int:
    with open(spec_path, encoding="utf-8") as f:
        spec = json.load(f)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from qgis.core import (
        QgsApplication,
        QgsClassificationQuantile,
        QgsFillSymbol,
        QgsGradientColorRamp,
        QgsGraduatedSymbolRenderer,
        QgsLayoutExporter,
        QgsMarkerSymbol,
        QgsProject,
        QgsSingleSymbolRenderer,
        QgsVectorLayer,
        QgsVectorLayerJoinInfo,
    )
    from qgis.PyQt.QtGui import QColor

    app = QgsApplication([], False)
    app.initQgis()
    project = QgsProject.instance()
    districts = QgsVectorLayer(spec["districts"], "districts", "ogr")
    points = QgsVectorLayer(spec["points"], "points", "ogr")
    field = spec["field"]
    project.addMapLayers([districts, points])
    project.setCrs(districts.crs())  # a script sets what the desktop takes from the first layer
    project.setEllipsoid("EPSG:7030")  # the scale bar measures kilometres on the WGS 84 ellipsoid
    if spec.get("table"):
        uri = f"file://{spec['table']}?delimiter=,&detectTypes=yes&geomType=none"
        table = QgsVectorLayer(uri, "census", "delimitedtext")
        project.addMapLayer(table, False)  # joined, not drawn: kept out of the legend
    if spec.get("table"):
        join = QgsVectorLayerJoinInfo()
        join.setJoinLayer(table)
        join.setJoinFieldName(spec["table_key"])
        join.setTargetFieldName(spec["key"])
        join.setPrefix("")
        join.setUsingMemoryCache(True)
        districts.addJoin(join)
    renderer = QgsGraduatedSymbolRenderer(field)
    renderer.setSourceSymbol(QgsFillSymbol.createSimple({"outline_color": "#FFFFFF", "outline_width": "0.1"}))
    renderer.setClassificationMethod(QgsClassificationQuantile())
    renderer.updateClasses(districts, 5)
    renderer.updateColorRamp(QgsGradientColorRamp(QColor(RAMP[0]), QColor(RAMP[1])))
    districts.setRenderer(renderer)
    points.setRenderer(
        QgsSingleSymbolRenderer(
            QgsMarkerSymbol.createSimple({"name": "circle", "color": "#EF4A60", "size": "0.6", "outline_style": "no"})
        )
    )

    layout = a4_print_layout(project, [points, districts], districts, spec["title"])
    exporter = QgsLayoutExporter(layout)
    image = QgsLayoutExporter.ImageExportSettings()
    image.dpi = 300
    status = exporter.exportToImage(spec["png"], image)
    pdf = QgsLayoutExporter.PdfExportSettings()
    pdf.dpi = 300
    status = status or exporter.exportToPdf(spec["pdf"], pdf)
    sys.stdout.flush()
    # No exitQgis: QGIS 3.22 may crash tearing down, which is no part of the map's cost.
    os._exit(1 if status else 0)


def a4_print_layout(project, layers, extent_layer, title: str):
    """An A4 landscape print layout with the boxes of pakmap's default template: the map of
    ``layers`` (top first) over ``extent_layer``'s extent, framed; the title; a legend; a scale bar
    in kilometres. Shared by this script and ``bench_layout.py``'s QGIS peer."""
    from qgis.core import (
        QgsLayoutItemLabel,
        QgsLayoutItemLegend,
        QgsLayoutItemMap,
        QgsLayoutItemScaleBar,
        QgsLayoutPoint,
        QgsLayoutSize,
        QgsPrintLayout,
        QgsUnitTypes,
    )
    from qgis.PyQt.QtGui import QFont

    mm = QgsUnitTypes.LayoutMillimeters
    layout = QgsPrintLayout(project)
    layout.initializeDefaults()
    page = layout.pageCollection().page(0)
    page.setPageSize("A4", page.Landscape)
    item = QgsLayoutItemMap(layout)
    item.attemptMove(QgsLayoutPoint(8, 27, mm))
    item.attemptResize(QgsLayoutSize(210, 158, mm))
    item.setCrs(extent_layer.crs())
    item.setLayers(list(layers))
    item.setExtent(extent_layer.extent())
    item.setFrameEnabled(True)
    layout.addLayoutItem(item)
    label = QgsLayoutItemLabel(layout)
    label.setText(title)
    label.setFont(QFont("Lato", 20, QFont.Bold))
    label.attemptMove(QgsLayoutPoint(8, 8, mm))
    label.attemptResize(QgsLayoutSize(228, 10, mm))
    layout.addLayoutItem(label)
    legend = QgsLayoutItemLegend(layout)
    legend.setLinkedMap(item)
    legend.attemptMove(QgsLayoutPoint(222, 91, mm))
    layout.addLayoutItem(legend)
    bar = QgsLayoutItemScaleBar(layout)
    bar.setStyle("Single Box")
    bar.setLinkedMap(item)
    bar.applyDefaultSize(QgsUnitTypes.DistanceKilometers)  # (its units argument wins over setUnits)
    bar.setUnitLabel("km")
    bar.attemptMove(QgsLayoutPoint(235, 167, mm))
    layout.addLayoutItem(bar)
    return layout


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
