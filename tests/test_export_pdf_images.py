"""Finished PDFs: pakmap's indexed images in place of Qt's, the document information, a valid file.

Synthetic maps (no shared data): a grey polygon under a grid of points in three classes with a dark
outline, spaced so that markers never touch; the pages are rendered back with poppler and checked
by qpdf (through pikepdf, and its command line when installed).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zlib
from pathlib import Path

import geopandas as gpd
import numpy as np
import pikepdf
import pytest
from pyproj import CRS
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QPainter, QPdfWriter
from shapely.geometry import box

from pakmap.errors import ExportError
from pakmap.export import export_print
from pakmap.export.atlas import atlas_pages, atlas_spec
from pakmap.export.pdf import page_layout, pdf_document
from pakmap.export.pdf_finish import PdfFinishError, finish_pdf
from pakmap.layer import VectorLayer
from pakmap.layout.compose import compose_page
from pakmap.layout.paint import paint_page, qrect
from pakmap.project.loaded import LoadedProject
from pakmap.project.model import AtlasSpec, LayoutSpec, Project
from pakmap.render import ImageSink, MapView, RenderContext, render_map
from pakmap.render.context import PLACEHOLDER_MAGIC
from pakmap.render.indexed import IndexedImage
from pakmap.render.transform import DeviceTransform
from pakmap.style import CategorizedStyle, SingleSymbolStyle, Symbol

pytestmark = pytest.mark.skipif(
    shutil.which("pdftoppm") is None or shutil.which("pdfimages") is None, reason="poppler-utils not installed"
)

CRS_M = CRS.from_epsg(3857)
FILLS = {"camp": (0xEF, 0x4A, 0x60), "village": (0x00, 0x72, 0xBC), "town": (0x00, 0xB3, 0x98)}
STROKE = (0x22, 0x22, 0x22)
GROUND = (0xE6, 0xE6, 0xE6)  # the polygon under the points
DPI = 300


def _hex(rgb) -> str:
    return "#%02X%02X%02X" % tuple(rgb)


def _points(nx: int, ny: int, x0: float = 0.0) -> VectorLayer:
    """A grid of ``nx`` x ``ny`` points one map unit apart, classes in a pattern that mixes neighbours."""
    gx, gy = np.meshgrid(np.arange(nx) + x0 + 0.5, np.arange(ny) + 0.5)
    kinds = np.array(list(FILLS))[(np.arange(gx.size) * 7 // 3) % 3]
    frame = gpd.GeoDataFrame({"kind": kinds}, geometry=gpd.points_from_xy(gx.ravel(), gy.ravel()), crs=CRS_M)
    style = CategorizedStyle(
        field="kind",
        colors={k: _hex(v) for k, v in FILLS.items()},
        symbol=Symbol(size=0.6, stroke=_hex(STROKE), stroke_width=0.15),
    )
    return VectorLayer("points", frame, style=style)


def _ground(bounds) -> VectorLayer:
    frame = gpd.GeoDataFrame({"name": ["ground"]}, geometry=[box(*bounds)], crs=CRS_M)
    return VectorLayer("ground", frame, style=SingleSymbolStyle(Symbol(fill=_hex(GROUND), stroke_width=0)))


def _project(layers, **layout) -> LoadedProject:
    spec = LayoutSpec(title="Dense points", sources="synthetic", locator=False, **layout)
    return LoadedProject(Project(layout=spec), list(layers))


def _qt_pdf(pages, out: Path) -> list[MapView]:
    """``pages`` painted on a plain QPdfWriter that never opted in (Qt's own images); their map views."""
    writer = QPdfWriter(str(out))
    writer.setResolution(DPI)
    painter = QPainter()
    views = []
    for i, page in enumerate(pages):
        writer.setPageLayout(page_layout(page.template.width, page.template.height, page.template.name))
        if i == 0:
            assert painter.begin(writer)
        else:
            writer.newPage()
        views.append(paint_page(page, painter, DPI))
    painter.end()
    del painter, writer
    return views


def _render(pdf: Path, tmp_path: Path) -> list[np.ndarray]:
    """Every page of ``pdf`` rendered by pdftoppm at 300 dpi, (h, w, 3) uint8; poppler must not complain."""
    prefix = tmp_path / f"{pdf.stem}-page"
    done = subprocess.run(["pdftoppm", "-r", str(DPI), str(pdf), str(prefix)], capture_output=True, text=True)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    pages = []
    for ppm in sorted(tmp_path.glob(f"{prefix.name}-*.ppm")):
        magic, size, _, pixels = ppm.read_bytes().split(b"\n", 3)
        width, height = map(int, size.split())
        pages.append(np.frombuffer(pixels, np.uint8).reshape(height, width, 3))
    return pages


def _assert_valid(pdf: Path) -> None:
    """qpdf finds nothing wrong in the file: its library through pikepdf, and its command line when installed."""
    with pikepdf.open(pdf) as doc:
        assert doc.check_pdf_syntax() == []
    if shutil.which("qpdf"):
        done = subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True, text=True)
        assert done.returncode == 0 and "No syntax or stream encoding errors" in done.stdout, done.stdout + done.stderr


def _streams(data: bytes):
    """Every stream's bytes, inflated when they inflate."""
    for match in re.finditer(rb"(?<!end)stream\r?\n", data):
        raw = data[match.end() : data.find(b"endstream", match.end())]
        try:
            yield zlib.decompressobj().decompress(raw)
        except zlib.error:
            yield raw


def _images(pdf: Path) -> list[dict]:
    """``pdfimages -list``: one dict per image (page, type, width, height, color, bpc, object)."""
    lines = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
    keys = ("page", "num", "type", "width", "height", "color", "comp", "bpc", "enc", "interp", "object")
    return [dict(zip(keys, line.split())) for line in lines.splitlines()[2:]]


def _device_points(layer: VectorLayer, view: MapView, origin) -> tuple[np.ndarray, np.ndarray]:
    """Page pixels (x, y) of the layer's points and their class names."""
    xy = np.column_stack([layer.data.geometry.x, layer.data.geometry.y])
    px = DeviceTransform.for_view(view.fitted()).apply(xy) + [origin.x(), origin.y()]
    return px, layer.data["kind"].to_numpy()


def _assert_points_coloured(page: np.ndarray, px: np.ndarray, kinds: np.ndarray, frame) -> int:
    """At every point well inside the frame: its class colour at the centre, the outline colour at
    the marker's edge, and the ground between markers. Returns how many points were checked."""
    inside = (
        (px[:, 0] > frame.left() + 12)
        & (px[:, 0] < frame.right() - 12)
        & (px[:, 1] > frame.top() + 12)
        & (px[:, 1] < frame.bottom() - 12)
    )
    ix, iy = np.floor(px[inside]).astype(int).T
    expected = np.array([FILLS[k] for k in kinds[inside]])
    assert np.array_equal(page[iy, ix], expected)
    # The outline: 0.6 mm marker (radius ~3.5 px) + 0.15 mm stroke; somewhere 3-5 px left of centre.
    ring = page[iy[:, None], ix[:, None] - np.arange(3, 6)]
    assert (ring == STROKE).all(axis=2).any(axis=1).all()
    # Halfway to the diagonal neighbour (~7 px both ways) no marker reaches: the ground shows.
    between = page[iy + 7, ix + 7]
    assert (between == GROUND).all(axis=1).mean() > 0.99
    return int(inside.sum())


def test_dense_points_exported_as_indexed_image_in_a_valid_smaller_pdf(tmp_path):
    points = _points(170, 128)
    loaded = _project([_ground((-5, -5, 175, 133)), points])
    out = tmp_path / "points.pdf"
    assert export_print(loaded, out) == [out]
    data = out.read_bytes()
    _assert_valid(out)
    assert not any(s.startswith(PLACEHOLDER_MAGIC) for s in _streams(data))
    images = _images(out)
    assert [(i["type"], i["color"], i["bpc"]) for i in images] == [("image", "index", "4")]  # 4 colours + clear
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Title:\s+Dense points", info)

    qt_out = tmp_path / "qt.pdf"
    page = compose_page(loaded)
    (view,) = _qt_pdf([page], qt_out)
    frame = qrect(page.elements["map"].box, DPI)
    assert int(images[0]["width"]) == view.width and int(images[0]["height"]) == view.height
    assert out.stat().st_size <= qt_out.stat().st_size

    px, kinds = _device_points(points, view, frame.topLeft())
    assert np.diff(np.unique(np.round(px[:, 0]))).min() >= 12  # the grid keeps markers apart
    (ours,) = _render(out, tmp_path)
    (theirs,) = _render(qt_out, tmp_path)
    assert _assert_points_coloured(ours, px, kinds, frame) > 20_000
    _assert_points_coloured(theirs, px, kinds, frame)
    # Outside the map frame (title, legend, furniture) nothing changed.
    outside = np.ones(ours.shape[:2], bool)
    outside[int(frame.top()) - 2 : int(frame.bottom()) + 3, int(frame.left()) - 2 : int(frame.right()) + 3] = False
    assert np.array_equal(ours[outside], theirs[outside])


def test_a_writer_that_did_not_opt_in_gets_qts_image(tmp_path):
    points = _points(170, 128)
    qt_out = tmp_path / "qt.pdf"
    (view,) = _qt_pdf([compose_page(_project([points]))], qt_out)
    data = qt_out.read_bytes()
    assert not any(s.startswith(PLACEHOLDER_MAGIC) for s in _streams(data))
    colour = [i for i in _images(qt_out) if i["color"] == "rgb"]
    assert [(int(i["width"]), int(i["height"])) for i in colour] == [(view.width, view.height)]
    assert b"/Indexed" not in data


def test_atlas_pdf_has_an_indexed_image_on_every_page(tmp_path):
    points = _points(300, 150)
    zones = gpd.GeoDataFrame(
        {"name": ["West", "East"]}, geometry=[box(0, 0, 150, 150), box(150, 0, 300, 150)], crs=CRS_M
    )
    coverage = VectorLayer("zones", zones, style=SingleSymbolStyle(Symbol(fill=_hex(GROUND), stroke_width=0)))
    loaded = _project([coverage, points], atlas=AtlasSpec(layer="zones", name_field="name"))
    out = tmp_path / "atlas.pdf"
    assert export_print(loaded, out, atlas="zones") == [out]
    data = out.read_bytes()
    _assert_valid(out)
    assert not any(s.startswith(PLACEHOLDER_MAGIC) for s in _streams(data))
    images = _images(out)
    assert [(i["page"], i["color"]) for i in images] == [("1", "index"), ("2", "index")]
    assert images[0]["object"] != images[1]["object"]

    named = list(atlas_pages(loaded, atlas_spec(loaded, "zones")))
    views = _qt_pdf([page for _, page in named], tmp_path / "qt_atlas.pdf")
    rendered = _render(out, tmp_path)
    assert len(rendered) == 2
    x, y = points.data.geometry.x.to_numpy(), points.data.geometry.y.to_numpy()
    for (name, page), view, image in zip(named, views, rendered):
        frame = qrect(page.elements["map"].box, DPI)
        px, kinds = _device_points(points, view, frame.topLeft())
        # The page's feature is outlined over the map: check the points off that outline.
        x0, y0, x1, y1 = zones[zones["name"] == name].total_bounds
        off = (np.abs(x - x0) > 1) & (np.abs(x - x1) > 1) & (np.abs(y - y0) > 1) & (np.abs(y - y1) > 1)
        assert _assert_points_coloured(image, px[off], kinds[off], frame) > 20_000


def test_pdf_document_yields_pages_and_puts_the_images_in(tmp_path):
    # The helper the benchmark uses: a whole page of map, image pixels on page pixels.
    width, height = 2950, 2125  # whole points at 300 dpi: 708 x 510 pt
    points = _points(180, 130)
    view = MapView((_ground((-1, -1, 181, 131)), points), (-1, -1, 181, 131), CRS_M, width, height, dpi=DPI)
    out = tmp_path / "page.pdf"
    with pdf_document(out, dpi=DPI) as pdf:
        render_map(view, pdf.new_page(width / DPI * 25.4, height / DPI * 25.4), pdf.context)
    _assert_valid(out)
    (image,) = _render(out, tmp_path)
    assert image.shape == (height, width, 3)
    px, kinds = _device_points(points, view, QPointF(0, 0))
    assert _assert_points_coloured(image, px, kinds, QRectF(0, 0, width, height)) > 20_000


def test_two_dense_layers_on_one_page_each_get_their_image(tmp_path):
    rng = np.random.default_rng(3)
    layers = []
    for name, colour in (("red", "#EF4A60"), ("blue", "#0072BC")):
        xy = rng.uniform(0, 100, (40_000, 2))
        frame = gpd.GeoDataFrame(geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs=CRS_M)
        layers.append(VectorLayer(name, frame, style=SingleSymbolStyle(Symbol(fill=colour, size=0.4, stroke_width=0))))
    out = tmp_path / "two.pdf"
    with pdf_document(out, dpi=DPI) as pdf:
        view = MapView(tuple(layers), (0, 0, 100, 100), CRS_M, 1500, 1500, dpi=DPI)
        render_map(view, pdf.new_page(127, 127), pdf.context)
    data = out.read_bytes()
    _assert_valid(out)
    assert not any(s.startswith(PLACEHOLDER_MAGIC) for s in _streams(data))
    images = _images(out)
    assert [(i["color"], i["bpc"]) for i in images] == [("index", "1"), ("index", "1")]
    with pikepdf.open(out) as doc:
        palettes = {bytes(image.ColorSpace[3]) for image in doc.pages[0].Resources.XObject.values()}
    assert palettes == {bytes.fromhex("EF4A60EF4A60"), bytes.fromhex("0072BC0072BC")}  # entry 0: the marker colour
    (page,) = _render(out, tmp_path)
    colours = {tuple(c) for c in np.unique(page.reshape(-1, 3), axis=0)}
    assert {(0xEF, 0x4A, 0x60), (0x00, 0x72, 0xBC), (255, 255, 255)} <= colours


def test_a_failed_export_leaves_no_file(tmp_path):
    out = tmp_path / "broken.pdf"
    with pytest.raises(RuntimeError, match="mid-page"):
        with pdf_document(out) as pdf:
            painter = pdf.new_page(100, 100)
            render_map(
                MapView((_points(180, 130),), (0, 0, 180, 130), CRS_M, 1181, 1181, dpi=DPI), painter, pdf.context
            )
            raise RuntimeError("mid-page")
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(ExportError, match="no pages"):
        with pdf_document(out):
            pass
    assert list(tmp_path.iterdir()) == []


def test_finishing_refuses_a_file_without_the_placeholder(tmp_path):
    out = tmp_path / "plain.pdf"
    with pdf_document(out) as pdf:
        pdf.new_page(50, 50).drawLine(0, 0, 100, 100)
    before = out.read_bytes()
    missing = {PLACEHOLDER_MAGIC + bytes(20): IndexedImage(1, 1, 1, bytes(6), zlib.compress(b"\0"))}
    with pytest.raises(PdfFinishError, match="not found"):
        finish_pdf(out, missing)
    assert out.read_bytes() == before


def test_a_file_with_object_streams_and_an_xref_stream_is_finished(tmp_path):
    # Qt 6 writes a classic xref table; the same file rewritten by qpdf with object streams (so the
    # placeholder's /Length and the Info dictionary sit inside a compressed object stream) and a
    # cross-reference stream must be finished just the same: images in, information set.
    width, height = 2950, 2125
    points = _points(180, 130)
    view = MapView((_ground((-1, -1, 181, 131)), points), (-1, -1, 181, 131), CRS_M, width, height, dpi=DPI)
    qt_out = tmp_path / "qt.pdf"
    writer = QPdfWriter(str(qt_out))
    writer.setResolution(DPI)
    writer.setPageLayout(page_layout(width / DPI * 25.4, height / DPI * 25.4))
    sink = ImageSink()
    painter = QPainter()
    assert painter.begin(writer)
    render_map(view, painter, RenderContext(images=sink))
    painter.end()
    del painter, writer
    assert len(sink.images) == 1
    out = tmp_path / "objstm.pdf"
    with pikepdf.open(qt_out) as doc:
        doc.save(out, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    raw = out.read_bytes()
    assert b"/ObjStm" in raw and b"/XRef" in raw and b"\nxref" not in raw

    finish_pdf(out, sink.images, {"Title": "Object streams", "Author": "UNHCR"}, created="2026-01-15")
    _assert_valid(out)
    assert [(i["color"], i["bpc"]) for i in _images(out)] == [("index", "4")]
    assert not any(s.startswith(PLACEHOLDER_MAGIC) for s in _streams(out.read_bytes()))
    info = subprocess.run(["pdfinfo", "-isodates", str(out)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Title:\s+Object streams\n", info) and re.search(r"Author:\s+UNHCR\n", info)
    assert re.search(r"CreationDate:\s+2026-01-15T00:00:00", info)
    (image,) = _render(out, tmp_path)
    px, kinds = _device_points(points, view, QPointF(0, 0))
    assert _assert_points_coloured(image, px, kinds, QRectF(0, 0, width, height)) > 20_000


def test_document_information_and_xmp_say_the_same(tmp_path):
    # The creation date is SOURCE_DATE_EPOCH's day (pinned by conftest.py: 15 January 2026), in the
    # Info dictionary and in the XMP metadata alike; Qt's own Info (today's date) is gone.
    loaded = _project([_ground((0, 0, 10, 10))], subtitle="By district")
    out = tmp_path / "info.pdf"
    export_print(loaded, out)
    _assert_valid(out)
    info = subprocess.run(["pdfinfo", "-isodates", str(out)], capture_output=True, text=True, check=True).stdout
    fields = {k.strip(): v.strip() for k, v in (line.split(":", 1) for line in info.splitlines() if ":" in line)}
    assert fields["Title"] == "Dense points"
    assert fields["Subject"] == "By district"
    assert fields["Author"] == "UNHCR"  # the template's organisation, never the user's name
    assert fields["Creator"] == "pakmap"
    assert fields["CreationDate"].startswith("2026-01-15T00:00:00")
    assert fields["ModDate"].startswith("2026-01-15T00:00:00")
    assert out.read_bytes().count(b"/CreationDate") == 1
    with pikepdf.open(out) as doc:
        xmp = doc.open_metadata()
        assert xmp["dc:title"] == "Dense points"
        assert xmp["dc:description"] == "By district"
        assert xmp["dc:creator"] == ["UNHCR"]
        for key in ("xmp:CreateDate", "xmp:ModifyDate", "xmp:MetadataDate"):
            assert str(xmp[key]).startswith("2026-01-15"), key
