"""What QGIS makes of pakmap's files: run by Debian's system Python with python3-qgis, never by pakmap.

    /usr/bin/python3 tests/qgis_probe.py style LAYER_SOURCE STYLE.qml|STYLE.sld [SAVED.qml]
    /usr/bin/python3 tests/qgis_probe.py project MAP.qgz [RENDER.png DPI WIDTH HEIGHT [labels|nolabels]]
    /usr/bin/python3 tests/qgis_probe.py gpkg FILE.gpkg

prints one JSON object describing the layers (validity, CRS, renderer type, classes with bounds and
colours and alphas, labels) and, for a project, its print layout's items; ``style … SAVED.qml`` also
saves the style as QGIS writes it; ``project … RENDER.png`` also renders
the project's map canvas extent at DPI to a WIDTH×HEIGHT PNG. tests/test_interop_qgis.py runs it.
"""

from __future__ import annotations

import json
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from qgis.core import (  # noqa: E402
    QgsApplication,
    QgsCategorizedSymbolRenderer,
    QgsGraduatedSymbolRenderer,
    QgsLayoutItemLabel,
    QgsLayoutItemLegend,
    QgsLayoutItemMap,
    QgsLayoutItemPicture,
    QgsLayoutItemScaleBar,
    QgsMapRendererSequentialJob,
    QgsMapSettings,
    QgsProject,
    QgsRectangle,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QSize  # noqa: E402
from qgis.PyQt.QtGui import QColor  # noqa: E402


def _color(symbol) -> str:
    return symbol.color().name().upper()


def _alphas(symbol) -> dict:
    """The alpha (0–255) of the symbol's fill colour and of its outline, and the symbol's own opacity."""
    layer = symbol.symbolLayer(0)
    stroke = layer.strokeColor() if hasattr(layer, "strokeColor") else None
    return {
        "fill_alpha": layer.color().alpha(),
        "stroke_alpha": stroke.alpha() if stroke is not None else None,
        "symbol_opacity": symbol.opacity(),
    }


def describe_layer(layer) -> dict:
    out = {
        "name": layer.name(),
        "valid": layer.isValid(),
        "crs": layer.crs().authid(),
        "source": layer.source(),
        "opacity": layer.opacity(),
    }
    if not isinstance(layer, QgsVectorLayer):
        out["type"] = "raster"
        return out
    out["features"] = layer.featureCount()
    renderer = layer.renderer()
    out["renderer"] = renderer.type() if renderer else None
    if isinstance(renderer, QgsGraduatedSymbolRenderer):
        out["attr"] = renderer.classAttribute()
        out["classes"] = [
            {
                "lower": r.lowerValue(),
                "upper": r.upperValue(),
                "color": _color(r.symbol()),
                "label": r.label(),
                **_alphas(r.symbol()),
            }
            for r in renderer.ranges()
        ]
    elif isinstance(renderer, QgsCategorizedSymbolRenderer):
        out["attr"] = renderer.classAttribute()
        out["classes"] = [
            {"value": str(c.value()), "color": _color(c.symbol()), "label": c.label()} for c in renderer.categories()
        ]
    elif renderer is not None and renderer.type() == "RuleRenderer":
        out["rules"] = [
            {"label": r.label(), "color": _color(r.symbol()) if r.symbol() else None, "filter": r.filterExpression()}
            for r in renderer.rootRule().children()
        ]
    elif renderer is not None and renderer.type() == "singleSymbol":
        symbol = renderer.symbol()
        out["classes"] = [{"color": _color(symbol), "layers": [l.layerType() for l in symbol.symbolLayers()]}]
    if layer.labelsEnabled() and layer.labeling() is not None:
        settings = layer.labeling().settings()
        fmt = settings.format()
        out["labels"] = {
            "text": settings.fieldName,
            "expression": settings.isExpression,
            "size": fmt.size(),
            "color": fmt.color().name().upper(),
            "buffer": fmt.buffer().enabled(),
            "buffer_size": fmt.buffer().size(),
        }
    return out


def probe_style(source: str, style_path: str, saved: str | None = None) -> dict:
    layer = QgsVectorLayer(source, "layer", "ogr")
    if style_path.endswith(".sld"):
        message, ok = layer.loadSldStyle(style_path)
    else:
        message, ok = layer.loadNamedStyle(style_path)
    if saved:
        layer.saveNamedStyle(saved)
    return {"loaded": bool(ok), "message": message, "layer": describe_layer(layer)}


def _layout_items(project) -> list[dict]:
    items = []
    for layout in project.layoutManager().printLayouts():
        page = layout.pageCollection().page(0)
        size = page.pageSize()
        items.append({"kind": "page", "width": size.width(), "height": size.height(), "layout": layout.name()})
        for item in layout.items():
            entry = None
            if isinstance(item, QgsLayoutItemMap):
                extent = item.extent()
                entry = {
                    "kind": "map",
                    "crs": item.crs().authid(),
                    "extent": [extent.xMinimum(), extent.yMinimum(), extent.xMaximum(), extent.yMaximum()],
                }
            elif isinstance(item, QgsLayoutItemLegend):
                entry = {"kind": "legend", "title": item.title(), "map": item.linkedMap() is not None}
            elif isinstance(item, QgsLayoutItemScaleBar):
                entry = {
                    "kind": "scalebar",
                    "map": item.linkedMap() is not None,
                    "units": item.units(),
                    "units_per_segment": item.unitsPerSegment(),
                    "segments": item.numberOfSegments(),
                    "map_units_per_unit": item.mapUnitsPerScaleBarUnit(),
                }
            elif isinstance(item, QgsLayoutItemPicture):
                entry = {"kind": "picture", "id": item.id(), "north": item.linkedMap() is not None}
            elif isinstance(item, QgsLayoutItemLabel):
                entry = {"kind": "label", "id": item.id(), "text": item.text()}
            if entry is not None:
                pos, size = item.positionWithUnits(), item.sizeWithUnits()
                entry["box"] = [pos.x(), pos.y(), size.width(), size.height()]
                items.append(entry)
    return items


def probe_project(
    path: str, png: str | None = None, dpi: str = "100", width: str = "0", height: str = "0", labels: str = "labels"
) -> dict:
    project = QgsProject.instance()
    ok = project.read(path)
    layers = [project.mapLayer(node.layerId()) for node in project.layerTreeRoot().findLayers()]
    out = {
        "read": bool(ok),
        "crs": project.crs().authid(),
        "layers": [describe_layer(l) for l in layers],
        "layout": _layout_items(project),
    }
    if png:
        maps = [i for i in project.layoutManager().printLayouts()[0].items() if isinstance(i, QgsLayoutItemMap)]
        settings = QgsMapSettings()
        settings.setLayers([node.layer() for node in project.layerTreeRoot().findLayers() if node.isVisible()])
        settings.setDestinationCrs(project.crs())
        settings.setOutputDpi(float(dpi))
        settings.setOutputSize(QSize(int(width), int(height)))
        settings.setBackgroundColor(QColor("#FFFFFF"))
        settings.setExtent(QgsRectangle(maps[0].extent()) if maps else project.viewSettings().defaultViewExtent())
        settings.setFlag(QgsMapSettings.Antialiasing, True)
        settings.setFlag(QgsMapSettings.DrawLabeling, labels == "labels")
        job = QgsMapRendererSequentialJob(settings)
        job.start()
        job.waitForFinished()
        job.renderedImage().save(png, "PNG")
        extent = settings.visibleExtent()
        out["rendered_extent"] = [extent.xMinimum(), extent.yMinimum(), extent.xMaximum(), extent.yMaximum()]
    return out


def probe_gpkg(path: str) -> dict:
    from osgeo import ogr

    source = ogr.Open(path)
    names = [source.GetLayer(i).GetName() for i in range(source.GetLayerCount())]
    layers = [QgsVectorLayer(f"{path}|layername={name}", name, "ogr") for name in names if name != "layer_styles"]
    return {"layers": [describe_layer(l) for l in layers]}


def main(argv: list[str]) -> int:
    app = QgsApplication([], False)
    app.initQgis()
    command, args = argv[0], argv[1:]
    result = {"style": probe_style, "project": probe_project, "gpkg": probe_gpkg}[command](*args)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
