"""A pakmap project as a QGIS project (``.qgz``) that QGIS 3.22 and later opens as the same map.

QGIS cannot re-run pakmap's accountable joins (the join report, accepted fuzzy matches) nor its
protection (withheld fields, "<5"), so the layers QGIS reads are the *published* ones: every vector
layer goes through the export guard into a GeoPackage beside the ``.qgz`` (``map.qgz`` →
``map.gpkg``, with its ``layer_styles``), and the project points at it by a relative path. Rasters
are referred to where they are, relative to the ``.qgz``. The project holds the map CRS, the
extent the print map shows, each layer's symbology and labels (``pakmap.interop.qml``) and one
print layout with the template's page, title, map, legend, scale bar, north arrow, sources,
disclaimer and the other texts of the page.
"""

from __future__ import annotations

import os
import re
import uuid
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

from pyproj import CRS

from ..atomic import atomic_path
from ..errors import ExportError
from ..field_kinds import count_fields_of
from ..interop.qgis_symbols import qgis_color
from ..interop.qml import LABEL_FONT, QGIS_VERSION, fill_style_elements, geometry_kind
from ..layer import RasterLayer, VectorLayer
from ..layout.compose import Page, compose_page
from ..layout.legend import raster_limits
from ..layout.template import ElementSpec
from ..palettes import palette
from ..project.loaded import LoadedProject
from ..protection import guard_export, write_export_record
from ..protection.counts import published_frame
from ..protection.publish import write_geopackage_tables
from ..protection.record import record_path
from ..render.legend_items import legend_title, single_label
from .outputs import check_exports, loaded_sources

QGZ_SUFFIX = ".qgz"
NORTH_ARROW_SVG = ":/images/north_arrows/layout_default_north_arrow.svg"  # shipped inside QGIS
# QgsLayoutItemRegistry item types.
PAGE, MAP, PICTURE, LABEL, LEGEND, SCALEBAR = 65638, 65639, 65640, 65641, 65642, 65646
_HALIGN = {"left": "1", "right": "2", "center": "4"}  # Qt::AlignmentFlag
_GEOMETRY = {"polygon": "Polygon", "line": "Line", "point": "Point"}
_TEXT_ITEMS = ("title", "subtitle", "dates", "map_id", "sources", "disclaimer", "kashmir_note", "contact", "banner")


def spatialrefsys(parent: ET.Element, crs: CRS) -> None:
    srs = ET.SubElement(parent, "spatialrefsys")
    ET.SubElement(srs, "wkt").text = crs.to_wkt()
    authority = crs.to_authority()
    ET.SubElement(srs, "authid").text = f"{authority[0]}:{authority[1]}" if authority else ""
    ET.SubElement(srs, "description").text = crs.name
    ET.SubElement(srs, "geographicflag").text = "true" if crs.is_geographic else "false"


def _extent(parent: ET.Element, tag: str, bounds) -> ET.Element:
    element = ET.SubElement(parent, tag)
    for key, value in zip(("xmin", "ymin", "xmax", "ymax"), bounds):
        ET.SubElement(element, key).text = repr(float(value))
    return element


def _layer_id(name: str, index: int) -> str:
    """A layer id QGIS keeps: it replaces ids of 10 characters or fewer with new ones."""
    base = re.sub(r"[^0-9A-Za-z_]+", "_", name).strip("_") or "layer"
    return f"{base}_{index}_{uuid.uuid5(uuid.NAMESPACE_URL, f'pakmap:layer:{name}').hex[:12]}"


def _relative(path: Path, folder: Path) -> str:
    try:
        text = os.path.relpath(path, folder)
    except ValueError:  # another drive on Windows
        return path.as_posix()
    return "./" + Path(text).as_posix()


def _vector_layer(layer: VectorLayer, layer_id: str, source: str, crs: CRS, threshold: int) -> ET.Element:
    kind = geometry_kind(layer)
    labels_on = layer.labels is not None and layer.labels.visible
    element = ET.Element(
        "maplayer",
        {
            "type": "vector",
            "geometry": _GEOMETRY[kind],
            "labelsEnabled": "1" if labels_on else "0",
            "styleCategories": "AllStyleCategories",
        },
    )
    ET.SubElement(element, "id").text = layer_id
    ET.SubElement(element, "datasource").text = source
    ET.SubElement(element, "layername").text = layer.name
    spatialrefsys(ET.SubElement(element, "srs"), crs)
    ET.SubElement(element, "provider", encoding="UTF-8").text = "ogr"
    published = published_frame(layer.attributes, threshold, count_fields_of(layer)) if layer.feature_count else None
    fill_style_elements(element, layer, threshold, published, float(layer.opacity))
    return element


def _raster_layer(loaded: LoadedProject, layer: RasterLayer, layer_id: str, source: str, extent) -> ET.Element:
    style = layer.style
    limits = raster_limits(loaded, layer, extent) or (0.0, 1.0)
    element = ET.Element("maplayer", {"type": "raster"})
    ET.SubElement(element, "id").text = layer_id
    ET.SubElement(element, "datasource").text = source
    ET.SubElement(element, "layername").text = layer.name
    if layer.crs is not None:
        spatialrefsys(ET.SubElement(element, "srs"), layer.crs)
    ET.SubElement(element, "provider").text = "gdal"
    if style.nodata is not None:
        nodata = ET.SubElement(element, "noData")
        band = ET.SubElement(nodata, "noDataList", bandNo=str(style.band), useSrcNoData="1")
        ET.SubElement(band, "noDataRange", min=repr(style.nodata), max=repr(style.nodata))
    pipe = ET.SubElement(element, "pipe")
    lo, hi = limits
    renderer = ET.SubElement(
        pipe,
        "rasterrenderer",
        {
            "type": "singlebandpseudocolor",
            "band": str(style.band),
            "opacity": f"{style.opacity:g}",
            "alphaBand": "-1",
            "classificationMin": repr(float(lo)),
            "classificationMax": repr(float(hi)),
        },
    )
    shader = ET.SubElement(
        ET.SubElement(renderer, "rastershader"),
        "colorrampshader",
        {
            "colorRampType": "INTERPOLATED",
            "classificationMode": "1",
            "clip": "0",
            "minimumValue": repr(float(lo)),
            "maximumValue": repr(float(hi)),
        },
    )
    colors = palette(style.palette).colors
    for i, color in enumerate(colors):
        value = lo + (hi - lo) * i / max(len(colors) - 1, 1)
        ET.SubElement(shader, "item", value=repr(float(value)), color=color.lower(), alpha="255", label=f"{value:g}")
    return element


# --- the print layout -----------------------------------------------------------------------------


def _item(parent: ET.Element, kind: int, name: str, spec: ElementSpec, z: int, **attrs) -> ET.Element:
    box = spec.box
    item = ET.SubElement(
        parent,
        "LayoutItem",
        {
            "type": str(kind),
            "id": name,
            "uuid": "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"pakmap:{name}")) + "}",
            "position": f"{box.x:g},{box.y:g},mm",
            "positionOnPage": f"{box.x:g},{box.y:g},mm",
            "size": f"{box.width:g},{box.height:g},mm",
            "zValue": str(z),
            "visibility": "1",
            "opacity": "1",
            "referencePoint": "0",
            "frame": "false",
            "background": "false",
            "itemRotation": "0",
            "positionLock": "false",
            **attrs,
        },
    )
    return item


def _font(size: float, bold: bool = False) -> str:
    return f"{LABEL_FONT},{size:g},-1,5,{75 if bold else 50},0,0,0,0,0"


def _qcolor(parent: ET.Element, tag: str, color: str) -> None:
    c = color.lstrip("#")
    ET.SubElement(
        parent, tag, red=str(int(c[0:2], 16)), green=str(int(c[2:4], 16)), blue=str(int(c[4:6], 16)), alpha="255"
    )


def _text_item(parent: ET.Element, name: str, spec: ElementSpec, text: str, z: int) -> None:
    attrs = {
        "labelText": text,
        "htmlState": "0",
        "halign": _HALIGN.get(spec.align, "1"),
        "valign": "32",
        "marginX": "0",
        "marginY": "0",
    }
    if spec.fill:
        attrs["background"] = "true"
    item = _item(parent, LABEL, name, spec, z, **attrs)
    if spec.fill:
        _qcolor(item, "BackgroundColor", spec.fill)
    ET.SubElement(item, "LabelFont", style="", description=_font(spec.size, spec.bold))
    _qcolor(item, "FontColor", spec.color)


def _layout(root: ET.Element, page: Page, loaded: LoadedProject, layer_ids: dict[str, str]) -> None:
    template = page.template
    layouts = ET.SubElement(root, "Layouts")
    layout = ET.SubElement(
        layouts,
        "Layout",
        name=page.texts.get("title") or loaded.project.map.title or "Map",
        units="mm",
        printResolution="300",
        worldFileMap="",
    )
    pages = ET.SubElement(layout, "PageCollection")
    ET.SubElement(
        pages,
        "LayoutItem",
        {
            "type": str(PAGE),
            "size": f"{template.width:g},{template.height:g},mm",
            "position": "0,0,mm",
            "positionOnPage": "0,0,mm",
            "zValue": "0",
            "visibility": "1",
            "background": "true",
            "frame": "false",
            "uuid": "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, "pakmap:page")) + "}",
        },
    )
    specs = page.elements
    map_spec = specs["map"]
    map_uuid = "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, "pakmap:map")) + "}"
    map_item = _item(
        layout,
        MAP,
        "map",
        map_spec,
        1,
        keepLayerSet="false",
        drawCanvasItems="true",
        mapRotation="0",
        followPreset="false",
        followPresetName="",
        isTemporal="0",
        mapFlags="0",
        frame="true" if map_spec.stroke else "false",
        labelMargin="0,mm",
    )
    map_item.set("uuid", map_uuid)
    ET.SubElement(
        map_item, "Extent", {k: repr(float(v)) for k, v in zip(("xmin", "ymin", "xmax", "ymax"), page.map_extent)}
    )
    spatialrefsys(ET.SubElement(map_item, "crs"), loaded.crs)
    ET.SubElement(map_item, "LayerSet")
    if map_spec.stroke:
        _qcolor(map_item, "FrameColor", map_spec.stroke)
        map_item.set("outlineWidthM", "0.25,mm")
    z = 2
    for name in _TEXT_ITEMS:
        if name in specs and page.texts.get(name, "").strip():
            _text_item(layout, name, specs[name], page.texts[name], z)
            z += 1
    if "legend" in specs:
        _legend(layout, specs["legend"], loaded, layer_ids, map_uuid, z)
    if "scalebar" in specs:
        spec = specs["scalebar"]
        bar = _item(
            layout,
            SCALEBAR,
            "scalebar",
            spec,
            z + 1,
            mapUuid=map_uuid,
            style="Single Box",
            unitType="km",
            unitLabel="km",
            numMapUnitsPerScaleBarUnit="1",
            numSegments="2",
            numSegmentsLeft="0",
            segmentSizeMode="1",
            minBarWidth=f"{spec.box.width * 0.4:g}",
            maxBarWidth=f"{spec.box.width * 0.8:g}",
            height="2",
            labelBarSpace="1.5",
            boxContentSpace="1",
            alignment="0",
            outlineWidth="0.3",
        )
        ET.SubElement(bar, "scaleBarFont", style="", description=_font(spec.size))
        _qcolor(bar, "fillColor", spec.color)
        _qcolor(bar, "fillColor2", "#FFFFFF")
        _qcolor(bar, "strokeColor", spec.color)
        _qcolor(bar, "textColor", spec.color)
    if "north_arrow" in specs:
        _item(
            layout,
            PICTURE,
            "north_arrow",
            specs["north_arrow"],
            z + 2,
            file=NORTH_ARROW_SVG,
            mode="0",
            mapUuid=map_uuid,
            northMode="1",
            northOffset="0",
            resizeMode="0",
            anchorPoint="4",
            svgFillColor=qgis_color(specs["north_arrow"].color),
            svgBorderColor=qgis_color(specs["north_arrow"].color),
            svgBorderWidth="0",
        )


def _legend(
    layout: ET.Element, spec: ElementSpec, loaded: LoadedProject, layer_ids: dict[str, str], map_uuid: str, z: int
) -> None:
    legend = _item(
        layout,
        LEGEND,
        "legend",
        spec,
        z,
        map_uuid=map_uuid,
        title="",
        resizeToContents="0",
        columnCount="1",
        symbolWidth="5",
        symbolHeight="3.5",
        boxSpace="1",
        columnSpace="2",
        legendFilterByAtlas="0",
        fontColor=spec.color,
        wrapChar="",
    )
    styles = ET.SubElement(legend, "styles")
    for name, size, bold, margin in (
        ("title", spec.title_size or spec.size, True, "2"),
        ("group", spec.title_size or spec.size, True, "2"),
        ("subgroup", spec.title_size or spec.size, True, "2"),
        ("symbol", spec.size, False, "1.2"),
        ("symbolLabel", spec.size, False, "1.2"),
    ):
        style = ET.SubElement(styles, "style", name=name, marginTop=margin, alignment="1")
        ET.SubElement(style, "styleFont", style="", description=_font(size, bold))
    # Only the layers pakmap's legend lists, top first, under its headings ("Population 2023").
    listed = {spec_.name for spec_ in loaded.project.layers if spec_.legend}
    tree = ET.SubElement(legend, "layer-tree-group")
    ET.SubElement(ET.SubElement(tree, "customproperties"), "Option")
    for layer in reversed(loaded.drawable):
        if layer.name not in listed or layer.name not in layer_ids:
            continue
        title = legend_title(layer) if isinstance(layer, VectorLayer) else ""
        node = ET.SubElement(
            tree,
            "layer-tree-layer",
            {
                "id": layer_ids[layer.name],
                "name": title or single_label(layer),
                "checked": "Qt::Checked",
                "expanded": "1",
                "providerKey": "",
            },
        )
        props = ET.SubElement(ET.SubElement(node, "customproperties"), "Option", type="Map")
        ET.SubElement(props, "Option", type="QString", name="legend/title-label", value=title or single_label(layer))


# --- the project ----------------------------------------------------------------------------------


def project_xml(
    loaded: LoadedProject, safe: LoadedProject, folder: Path, gpkg_name: str, tables: dict[str, str]
) -> ET.Element:
    """The ``.qgs`` document of ``safe`` (the guarded copy of ``loaded``) with vector layers in ``gpkg_name``."""
    page = compose_page(safe)
    threshold = int(safe.project.protection.threshold)
    root = ET.Element("qgis", version=QGIS_VERSION, projectname=page.texts.get("title") or safe.project.map.title)
    ET.SubElement(root, "title").text = page.texts.get("title") or safe.project.map.title
    spatialrefsys(ET.SubElement(root, "projectCrs"), safe.crs)
    layer_ids: dict[str, str] = {}
    maplayers: list[ET.Element] = []
    for index, layer in enumerate(safe.layers):
        if isinstance(layer, VectorLayer) and layer.name in tables:
            layer_id = layer_ids[layer.name] = _layer_id(layer.name, index)
            maplayers.append(
                _vector_layer(
                    layer, layer_id, f"./{gpkg_name}|layername={tables[layer.name]}", layer.crs or safe.crs, threshold
                )
            )
        elif isinstance(layer, RasterLayer):
            layer_id = layer_ids[layer.name] = _layer_id(layer.name, index)
            maplayers.append(
                _raster_layer(safe, layer, layer_id, _relative(Path(layer.path).resolve(), folder), page.map_extent)
            )
    tree = ET.SubElement(root, "layer-tree-group")
    ET.SubElement(ET.SubElement(tree, "customproperties"), "Option")
    by_name = {l.name: l for l in safe.layers}
    for layer in reversed(safe.layers):  # QGIS lists the top layer first; pakmap draws the first at the bottom
        if layer.name not in layer_ids:
            continue
        source = next(m.findtext("datasource", "") for m in maplayers if m.findtext("id") == layer_ids[layer.name])
        ET.SubElement(
            tree,
            "layer-tree-layer",
            {
                "id": layer_ids[layer.name],
                "name": layer.name,
                "source": source,
                "expanded": "1",
                "providerKey": "ogr" if isinstance(by_name[layer.name], VectorLayer) else "gdal",
                "checked": "Qt::Checked" if layer.visible else "Qt::Unchecked",
            },
        )
    ET.SubElement(tree, "custom-order", enabled="0")
    canvas = ET.SubElement(root, "mapcanvas", name="theMapCanvas")
    _extent(canvas, "extent", page.map_extent)
    ET.SubElement(canvas, "rotation").text = "0"
    spatialrefsys(ET.SubElement(canvas, "destinationsrs"), safe.crs)
    view = ET.SubElement(root, "ProjectViewSettings", UseProjectScales="0", rotation="0")
    default_extent = ET.SubElement(
        view,
        "DefaultViewExtent",
        {k: repr(float(v)) for k, v in zip(("xmin", "ymin", "xmax", "ymax"), page.map_extent)},
    )
    spatialrefsys(default_extent, safe.crs)
    project_layers = ET.SubElement(root, "projectlayers")
    project_layers.extend(maplayers)
    properties = ET.SubElement(root, "properties")
    # QGIS reads <projectCrs> only when the project says it has one.
    ET.SubElement(ET.SubElement(properties, "SpatialRefSys"), "ProjectionsEnabled", type="int").text = "1"
    # Distances (the scale bar) on the ellipsoid, as pakmap measures them: in degrees they mean nothing.
    ellipsoid_id = safe.crs.ellipsoid.to_json_dict().get("id", {}) if safe.crs.ellipsoid is not None else {}
    measure = ET.SubElement(properties, "Measure")
    ET.SubElement(measure, "Ellipsoid", type="QString").text = (
        f"{ellipsoid_id['authority']}:{ellipsoid_id['code']}" if ellipsoid_id.get("code") else "WGS84"
    )
    paths = ET.SubElement(properties, "Paths")
    ET.SubElement(paths, "Absolute", type="bool").text = "false"
    _layout(root, page, safe, layer_ids)
    return root


def qgis_export_files(out_path: str | os.PathLike) -> list[Path]:
    """What ``export_qgis_project`` writes for ``out_path``: the .qgz, its GeoPackage, the record."""
    out_path = Path(out_path)
    return [out_path, out_path.with_suffix(".gpkg"), record_path(out_path)]


def export_qgis_project(
    loaded: LoadedProject,
    out_path: str | os.PathLike,
    *,
    allow_sensitive: tuple[str, ...] = (),
    aggregate: dict[str, str] | None = None,
    reason: str = "",
    places: tuple[str, ...] = (),
    threshold: int | None = None,
) -> list[Path]:
    """Write ``out_path`` (``.qgz``) and its GeoPackage of published layers; returns the files written
    (with the export record)."""
    out_path = Path(out_path)
    if out_path.suffix.lower() != QGZ_SUFFIX:
        raise ExportError("a QGIS project is written as a .qgz", path=out_path, fix="end the output name with .qgz")
    gpkg = out_path.with_suffix(".gpkg")
    check_exports(loaded.project, [], also=qgis_export_files(out_path), sources=loaded_sources(loaded))
    safe, plan = guard_export(loaded, out_path, list(allow_sensitive), aggregate, reason, places, threshold)
    tables = write_geopackage_tables(safe, gpkg)
    root = project_xml(loaded, safe, out_path.parent.resolve(), gpkg.name, tables)
    ET.indent(root)
    text = "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n" + ET.tostring(root, encoding="unicode")
    with atomic_path(out_path) as tmp:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as archive:
            info = zipfile.ZipInfo(out_path.with_suffix(".qgs").name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text.encode("utf-8"))
    record = write_export_record(safe, out_path, plan, extra={"files": [out_path.name, gpkg.name]})
    return [out_path, gpkg, Path(record)]
