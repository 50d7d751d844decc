"""QGIS itself opens what pakmap writes: the .qgz project, the GeoPackage's layer_styles, .qml and .sld.

QGIS runs in Debian's system Python (``python3-qgis``) through ``tests/qgis_probe.py`` in a
subprocess; these tests are skipped, saying why, only when /usr/bin/python3 cannot import qgis.core.

The render comparison: QGIS renders the exported project's map at 100 dpi, pakmap renders the same
extent at 100 dpi, and the share of pixels whose colour differs by more than 32 (of 255, in any
channel) is compared with a tolerance: at most 2.5 % without labels (only anti-aliased edges
differ), at most 10 % with labels (QGIS's label engine places more labels, more tightly, than
pakmap, which keeps half an em between labels).
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import zipfile
from pathlib import Path

import numpy as np
import pytest

from pakmap.jobs.qgis_project import export_qgis_project
from pakmap.project.loader import load_layers
from pakmap.project.toml_format import load_project

QGIS_PYTHON = "/usr/bin/python3"
PROBE = Path(__file__).with_name("qgis_probe.py")
DPI = 100
PIXEL_DIFFERENCE = 32  # a pixel "differs" when one channel differs by more than this (of 255)
MAX_DIFFERING_FILLS = 0.025
MAX_DIFFERING_WITH_LABELS = 0.10

pytestmark = pytest.mark.timeout(600)


def _qgis_importable() -> bool:
    try:
        return subprocess.run([QGIS_PYTHON, "-c", "import qgis.core"], capture_output=True, timeout=120).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


@pytest.fixture(scope="module")
def qgis():
    if not _qgis_importable():
        pytest.skip(f"{QGIS_PYTHON} cannot import qgis.core: apt-get install python3-qgis (scripts/setup does)")
    return QGIS_PYTHON


def probe(*args: str) -> dict:
    done = subprocess.run(
        [QGIS_PYTHON, str(PROBE), *args],
        capture_output=True,
        text=True,
        timeout=500,
        env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin", "HOME": "/tmp"},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


PROJECT = """
[pakmap]
format = 1

[map]
title = "Population by district"

[[layers]]
name = "census"
path = "{data}/pak_census2023_districts.csv"
visible = false
legend = false

[[layers]]
name = "districts"
path = "{data}/pak_districts.geojson"
style = {{ kind = "graduated", field = "population_2023", method = "natural_breaks", classes = 5, palette = "unhcr_blue" }}
labels = {{ field = "name" }}

[[layers]]
name = "provinces"
path = "{data}/pakistan_admin.gpkg"
layer = "provinces"
repair = true
style = {{ kind = "single", symbol = {{ fill = "none", stroke = "#18375F", stroke_width = 0.5 }} }}

[[layers]]
name = "line_of_control"
path = "{data}/pakistan_admin.gpkg"
layer = "line_of_control"
style = {{ kind = "single", symbol = {{ fill = "#18375F", stroke = "#FFFFFF", stroke_width = 0.4, line_style = "dot" }} }}

[[layers]]
name = "admin centres"
path = "{data}/pak_admin_centres.csv"
options = {{ lat = "lat", lon = "lon" }}
style = {{ kind = "single", symbol = {{ fill = "#EF4A60", stroke = "#FFFFFF", marker = "capital", size = 3 }} }}
labels = {{ field = "name", bold = true, size = 7.5 }}

[[joins]]
layer = "districts"
table = "census"
on = [["name", "district"]]

[layout]
title = "Pakistan: population by district"
subtitle = "Census 2023"
sources = "Boundaries: OpenStreetMap contributors; Statistics: PBS Census 2023"

[protection]
places = ["admin centres"]  # points read from a CSV: declared as places, not people
"""


@pytest.fixture(scope="module")
def exported(qgis, shared_data, tmp_path_factory):
    """The real-data project exported once as a .qgz, and QGIS's description and render of it."""
    folder = tmp_path_factory.mktemp("qgz")
    (folder / "project.toml").write_text(PROJECT.format(data=shared_data.as_posix()), encoding="utf-8")
    loaded = load_layers(load_project(folder / "project.toml"))
    out = folder / "export" / "map.qgz"
    out.parent.mkdir()
    written = export_qgis_project(loaded, out)
    # Moved elsewhere, the project still finds its GeoPackage: its paths are relative.
    moved = folder / "moved"
    shutil.copytree(out.parent, moved)
    width, height = (round(v / 25.4 * DPI) for v in (210, 158))  # the A4 template's map frame
    described = probe("project", str(moved / "map.qgz"), str(folder / "qgis.png"), str(DPI), str(width), str(height))
    bare = probe(
        "project", str(moved / "map.qgz"), str(folder / "qgis_fills.png"), str(DPI), str(width), str(height), "nolabels"
    )
    return {
        "loaded": loaded,
        "written": written,
        "out": out,
        "qgis": described,
        "folder": folder,
        "size": (width, height),
        "bare": bare,
    }


def test_export_writes_a_qgz_its_geopackage_and_the_record(exported):
    out = exported["out"]
    assert [p.name for p in exported["written"]] == ["map.qgz", "map.gpkg", "map.qgz.record.json"]
    with zipfile.ZipFile(out) as archive:
        assert archive.namelist() == ["map.qgs"]
        qgs = archive.read("map.qgs").decode("utf-8")
    assert "./map.gpkg|layername=districts" in qgs
    assert str(exported["folder"]) not in qgs  # no absolute path to the officer's folders


def test_qgis_opens_the_project_with_every_layer_valid_crs_and_symbology(exported):
    described = exported["qgis"]
    assert described["read"] and described["crs"] == "EPSG:4326"
    layers = {l["name"]: l for l in described["layers"]}
    assert set(layers) == {"districts", "provinces", "line_of_control", "admin centres"}
    assert all(l["valid"] for l in layers.values()), layers
    assert [l["name"] for l in described["layers"]] == ["admin centres", "line_of_control", "provinces", "districts"]
    from pakmap.render.styling import symbolize

    districts = layers["districts"]
    assert districts["renderer"] == "graduatedSymbol" and districts["features"] == 156
    sym = symbolize(exported["loaded"].layer("districts"), 5)
    assert [c["color"] for c in districts["classes"]] == [c.fill for c in sym.classes]
    assert [c["label"] for c in districts["classes"]] == [c.label for c in sym.classes]
    uppers = [c["upper"] for c in districts["classes"] if c["label"] != "No data"]
    assert uppers == list(sym.breaks.bins)
    assert districts["labels"]["text"] == "name" and districts["labels"]["buffer"]
    assert layers["admin centres"]["classes"][0]["layers"] == ["SvgMarker"]
    assert layers["admin centres"]["labels"]["size"] == 7.5
    assert layers["line_of_control"]["classes"][0]["layers"] == ["SimpleLine", "SimpleLine"]


def test_qgis_layout_has_the_page_and_its_furniture(exported):
    items = exported["qgis"]["layout"]
    page = next(i for i in items if i["kind"] == "page")
    assert (page["width"], page["height"]) == (297, 210)
    kinds = {i["kind"] for i in items}
    assert {"map", "legend", "scalebar", "picture", "label"} <= kinds
    labels = {i["id"]: i["text"] for i in items if i["kind"] == "label"}
    assert labels["title"] == "Pakistan: population by district"
    assert labels["subtitle"] == "Census 2023"
    assert labels["sources"].endswith("Statistics: PBS Census 2023")
    assert "do not imply official endorsement" in labels["disclaimer"]
    assert "Line of Control" in labels["kashmir_note"]
    north = next(i for i in items if i["kind"] == "picture")
    assert north["id"] == "north_arrow" and north["north"]
    bar = next(i for i in items if i["kind"] == "scalebar")
    assert bar["map"] and bar["units"] == 1  # QgsUnitTypes.DistanceKilometers
    # The bar's kilometres are ground kilometres: its segments span 30–100 % of its box on the page.
    from pyproj import Geod

    map_item = next(i for i in items if i["kind"] == "map")
    xmin, ymin, xmax, ymax = map_item["extent"]
    middle = (ymin + ymax) / 2
    km_per_mm = Geod(ellps="WGS84").line_length([xmin, xmax], [middle, middle]) / 1000 / map_item["box"][2]
    bar_mm = bar["segments"] * bar["units_per_segment"] * bar["map_units_per_unit"] / km_per_mm
    assert 0.3 * bar["box"][2] <= bar_mm <= bar["box"][2], (bar, km_per_mm)
    map_item = next(i for i in items if i["kind"] == "map")
    assert map_item["crs"] == "EPSG:4326" and map_item["box"] == [8, 27, 210, 158]
    from pakmap.layout.compose import compose_page
    from pakmap.protection import safe_loaded

    expected = compose_page(safe_loaded(exported["loaded"])).map_extent
    assert np.allclose(map_item["extent"], expected, atol=1e-6)


def _differing_share(a_path: Path, b_path: Path) -> float:
    from PIL import Image

    a = np.asarray(Image.open(a_path).convert("RGB"), dtype=int)
    b = np.asarray(Image.open(b_path).convert("RGB"), dtype=int)
    assert a.shape == b.shape
    return float((np.abs(a - b).max(axis=2) > PIXEL_DIFFERENCE).mean())


def _pakmap_render(exported, extent, path: Path, labels: bool) -> None:
    from pakmap.mapview import MapView
    from pakmap.protection import safe_loaded
    from pakmap.render.offscreen import render_image

    safe = safe_loaded(exported["loaded"])
    if not labels:
        for layer in safe.drawable:
            layer.labels = None
    width, height = exported["size"]
    view = MapView(
        layers=safe.drawable,
        extent=tuple(extent),
        crs=safe.crs,
        width=width,
        height=height,
        dpi=DPI,
        background="#FFFFFF",
        count_threshold=5,
    )
    image, _ = render_image(view)
    image.save(str(path))


def test_qgis_renders_the_map_as_pakmap_does(exported):
    folder = exported["folder"]
    _pakmap_render(exported, exported["bare"]["rendered_extent"], folder / "pakmap_fills.png", labels=False)
    fills = _differing_share(folder / "pakmap_fills.png", folder / "qgis_fills.png")
    assert fills <= MAX_DIFFERING_FILLS, f"{fills:.1%} of pixels differ without labels"
    _pakmap_render(exported, exported["qgis"]["rendered_extent"], folder / "pakmap.png", labels=True)
    labelled = _differing_share(folder / "pakmap.png", folder / "qgis.png")
    assert labelled <= MAX_DIFFERING_WITH_LABELS, f"{labelled:.1%} of pixels differ with labels"


def test_qgis_opens_the_geopackage_styled_from_layer_styles(exported):
    gpkg = exported["folder"] / "moved" / "map.gpkg"
    with sqlite3.connect(gpkg) as db:
        rows = db.execute(
            "SELECT f_table_name, f_geometry_column, styleName, useAsDefault, length(styleQML), "
            "length(styleSLD) FROM layer_styles ORDER BY f_table_name"
        ).fetchall()
        contents = db.execute("SELECT data_type FROM gpkg_contents WHERE table_name = 'layer_styles'").fetchall()
    assert contents == [("attributes",)]
    assert [r[0] for r in rows] == ["admin_centres", "districts", "line_of_control", "provinces"]
    assert all(r[1] == "geom" and r[2] == "pakmap" and r[3] == 1 and r[4] > 0 and r[5] > 0 for r in rows)
    layers = {l["name"]: l for l in probe("gpkg", str(gpkg))["layers"]}
    assert layers["districts"]["renderer"] == "graduatedSymbol"
    assert layers["districts"]["classes"][0]["color"] == "#CDE3F1"
    assert layers["provinces"]["renderer"] == "singleSymbol"


def test_qgis_loads_the_qml_and_the_sld(exported, tmp_path, shared_data):
    from pakmap.interop import style_to_qml, style_to_sld

    layer = exported["loaded"].layer("districts")
    (tmp_path / "d.qml").write_text(style_to_qml(layer, 5), encoding="utf-8")
    (tmp_path / "d.sld").write_text(style_to_sld(layer, 5), encoding="utf-8")
    source = str(shared_data / "pak_districts.geojson")
    qml = probe("style", source, str(tmp_path / "d.qml"))
    assert qml["loaded"] and qml["layer"]["renderer"] == "graduatedSymbol"
    assert len(qml["layer"]["classes"]) == 6
    sld = probe("style", source, str(tmp_path / "d.sld"))
    assert sld["loaded"], sld["message"]
    assert sld["layer"]["renderer"] == "RuleRenderer"
    assert [r["color"] for r in sld["layer"]["rules"]][:5] == ["#CDE3F1", "#8FC1E1", "#4F9ED0", "#05568B", "#0B3754"]
    assert sld["layer"]["labels"]["text"] == "name"


def test_a_raster_goes_over_with_its_ramp(qgis, shared_data, tmp_path):
    """A raster is referred to where it is, drawn with pakmap's palette between the same limits."""
    import rasterio
    from rasterio.transform import from_bounds

    width, height = 360, 300
    values = np.add.outer(np.linspace(0, 50, height), np.linspace(0, 50, width)).astype("float32")
    values[:20, :20] = -9999  # an undeclared "no data" the style names
    tif = tmp_path / "data" / "gradient.tif"
    tif.parent.mkdir()
    with rasterio.open(
        tif,
        "w",
        driver="GTiff",
        width=width,
        height=height,
        count=1,
        dtype="float32",
        crs="EPSG:4326",
        transform=from_bounds(60, 23, 78, 38, width, height),
    ) as dst:
        dst.write(values, 1)
    project = tmp_path / "project.toml"
    project.write_text(
        f"""
[pakmap]
format = 1

[[layers]]
name = "gradient"
path = "data/gradient.tif"
style = {{ palette = "unhcr_blue", vmin = 10, vmax = 90, nodata = -9999 }}

[[layers]]
name = "provinces"
path = "{shared_data.as_posix()}/pakistan_admin.gpkg"
layer = "provinces"
repair = true
style = {{ kind = "single", symbol = {{ fill = "none", stroke = "#18375F", stroke_width = 0.5 }} }}

[layout]
title = "Gradient"
""",
        encoding="utf-8",
    )
    loaded = load_layers(load_project(project))
    out = tmp_path / "out" / "map.qgz"
    out.parent.mkdir()
    export_qgis_project(loaded, out)
    with zipfile.ZipFile(out) as archive:
        assert "<datasource>./../data/gradient.tif</datasource>" in archive.read("map.qgs").decode("utf-8")
    size = [str(round(v / 25.4 * DPI)) for v in (210, 158)]
    described = probe("project", str(out), str(tmp_path / "qgis.png"), str(DPI), *size, "nolabels")
    layers = {l["name"]: l for l in described["layers"]}
    assert layers["gradient"]["valid"] and layers["gradient"]["type"] == "raster"
    exported = {"loaded": loaded, "size": tuple(int(v) for v in size)}
    _pakmap_render(exported, described["rendered_extent"], tmp_path / "pakmap.png", labels=False)
    share = _differing_share(tmp_path / "pakmap.png", tmp_path / "qgis.png")
    assert share <= MAX_DIFFERING_FILLS, f"{share:.1%} of pixels differ"


def test_a_semi_transparent_fill_goes_to_qgis_and_comes_back(qgis, shared_data, tmp_path):
    """A choropleth whose fill is 60 % opaque: QGIS opens the .qgz with the fill's alpha at 153 and the
    outline opaque, and the style QGIS saves reads back as fill_opacity = 0.6."""
    from pakmap.interop import read_qml, style_to_qml

    project = PROJECT.replace(
        'classes = 5, palette = "unhcr_blue" }}',
        'classes = 5, palette = "unhcr_blue", symbol = {{ fill_opacity = 0.6 }} }}',
    )
    assert project != PROJECT
    (tmp_path / "project.toml").write_text(project.format(data=shared_data.as_posix()), encoding="utf-8")
    loaded = load_layers(load_project(tmp_path / "project.toml"))
    out = tmp_path / "export" / "map.qgz"
    out.parent.mkdir()
    export_qgis_project(loaded, out)
    described = probe("project", str(out))
    districts = {l["name"]: l for l in described["layers"]}["districts"]
    assert len(districts["classes"]) == 6
    assert {(c["fill_alpha"], c["stroke_alpha"], c["symbol_opacity"]) for c in districts["classes"]} == {
        (153, 255, 1.0)
    }

    (tmp_path / "d.qml").write_text(style_to_qml(loaded.layer("districts"), 5), encoding="utf-8")
    saved = tmp_path / "saved_by_qgis.qml"
    probe("style", str(shared_data / "pak_districts.geojson"), str(tmp_path / "d.qml"), str(saved))
    imported = read_qml(saved.read_bytes(), saved)
    assert imported.style.symbol.fill_opacity == 0.6 and imported.style.symbol.opacity == 1.0
    # QGIS resaves the label font as its own default; nothing about the fill is lost.
    assert not [note for note in imported.not_carried if "fill" in note or "class" in note], imported.summary()
