"""Composed pages from the real districts: every element present, inside the page, not overlapping;
legend entries equal to the classes; the J&K note only where Jammu and Kashmir is in view."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
from pyproj import CRS
from PySide6.QtCore import QRectF
from PySide6.QtGui import QImage
from test_layout_helpers import TITLE, _frames, real_project

from pakmap.classify import classify
from pakmap.layer import VectorLayer
from pakmap.layout.box import overlaps
from pakmap.layout.compose import compose_page
from pakmap.layout.legend import LegendGroup, LegendRow, Swatch, layout_legend, legend_groups
from pakmap.layout.template import load_template
from pakmap.layout.text import fit_text
from pakmap.project.loaded import LoadedProject
from pakmap.project.model import LayoutSpec, Project
from pakmap.render.qt import ensure_gui_app
from pakmap.style import CategorizedStyle, ProportionalStyle

pytestmark = pytest.mark.realdata

ALWAYS = {
    "title",
    "subtitle",
    "dates",
    "map_id",
    "map",
    "legend",
    "scalebar",
    "north_arrow",
    "locator",
    "sources",
    "disclaimer",
    "logo",
    "contact",
}


@pytest.mark.parametrize("template", ["a4_landscape", "a4_portrait", "a3_landscape", "a3_portrait"])
def test_every_element_present_inside_the_page_and_not_overlapping(admin_gpkg, template):
    page = compose_page(real_project(admin_gpkg, template=template, illustrative=True))
    boxes = page.boxes
    assert set(boxes) == ALWAYS | {"kashmir_note", "banner"}
    printable = page.template.page.inset(page.template.margin)
    assert all(box.inside(printable) for box in boxes.values())
    assert overlaps(boxes) == []
    assert page.texts["title"] == TITLE
    assert page.texts["banner"] == "ILLUSTRATIVE DATA — not for operational use"


def test_legend_entries_equal_the_classes(admin_gpkg):
    loaded = real_project(admin_gpkg)
    page = compose_page(loaded)
    population = loaded.layer("districts").data["population_2023"]
    classes = classify(population, "natural_breaks", 5, below=5, readable=True)  # a count, none under 5
    graduated = next(g for g in page.legend if g.title == "Population 2023")
    assert [r.label for r in graduated.rows] == classes.labels() + ["No data"]  # AJK and GB: no census
    assert graduated.rows[0].label.count(",") >= 1 and " – " in graduated.rows[0].label  # "120,000 – 1,000,000"
    (plain,) = [g for g in page.legend if not g.title]  # single-symbol layers share one block
    assert [r.label for r in plain.rows] == ["Line of control", "Provinces"]
    assert graduated.rows[-1].swatch.fill == "#E6E6E6"


def test_legend_lists_only_layers_marked_for_it(admin_gpkg):
    from pakmap.project.model import LayerSpec

    loaded = real_project(admin_gpkg)
    loaded.project.layers = [LayerSpec(name="provinces", path="x.gpkg", legend=False)]
    assert "Provinces" not in compose_page(loaded).legend_labels


def test_kashmir_note_only_when_jammu_and_kashmir_is_in_view(admin_gpkg):
    loaded = real_project(admin_gpkg, loc=False)
    assert "kashmir_note" in compose_page(loaded).boxes  # all Pakistan: the bbox is in view
    sindh = tuple(loaded.layer("provinces").data.query("name == 'Sindh'").total_bounds)
    page = compose_page(loaded, extent=sindh)
    assert "kashmir_note" not in page.boxes and "kashmir_note" not in page.texts


def test_kashmir_note_follows_the_line_of_control_layer(admin_gpkg):
    """A custom template whose J&K box is elsewhere still prints the note when the LoC layer is in view."""
    import dataclasses

    loaded = real_project(admin_gpkg)
    template = dataclasses.replace(load_template("a4_landscape"), kashmir_bbox=(0.0, 0.0, 1.0, 1.0))
    assert "kashmir_note" in compose_page(loaded, template).boxes
    no_loc = real_project(admin_gpkg, loc=False)
    assert "kashmir_note" not in compose_page(no_loc, template).boxes


def test_banner_only_for_illustrative_projects(admin_gpkg):
    assert "banner" not in compose_page(real_project(admin_gpkg)).boxes
    assert "banner" in compose_page(real_project(admin_gpkg, illustrative=True)).boxes


def test_empty_texts_leave_their_elements_out(admin_gpkg):
    page = compose_page(real_project(admin_gpkg, subtitle="", map_id="", contact="", sources="", as_of=""))
    assert {"subtitle", "map_id", "contact", "sources"}.isdisjoint(page.boxes)
    assert page.texts["dates"].startswith("Creation date: ")


def test_locator_from_provinces_layer_or_dissolved_districts(admin_gpkg):
    page = compose_page(real_project(admin_gpkg))
    assert len(page.locator) == 7
    without = compose_page(real_project(admin_gpkg, provinces=False))
    assert sorted(without.locator["province"]) == sorted(_frames(str(admin_gpkg))[0]["province"].unique())
    assert "locator" not in compose_page(real_project(admin_gpkg, locator=False)).boxes


def test_fitted_map_extent_has_the_frame_aspect_and_contains_the_request(admin_gpkg):
    page = compose_page(real_project(admin_gpkg))
    frame = page.boxes["map"]
    x0, y0, x1, y1 = page.map_extent
    assert (x1 - x0) / (y1 - y0) == pytest.approx(frame.width / frame.height, rel=1e-3)
    r = page.extent
    assert x0 <= r[0] and y0 <= r[1] and x1 >= r[2] and y1 >= r[3]


def test_unknown_field_in_template_wording_is_a_style_error(admin_gpkg, tmp_path):
    from pakmap.errors import StyleError

    text = load_template("a4_landscape").path.read_text(encoding="utf-8")
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace('as_of = "Data as of {as_of}"', 'as_of = "Data as of {asof}"'), encoding="utf-8")
    with pytest.raises(StyleError, match="asof"):
        compose_page(real_project(admin_gpkg), str(bad))


# --- legend and text layout never overflow their boxes ------------------------------------------


def _device():
    ensure_gui_app()
    image = QImage(10, 10, QImage.Format.Format_ARGB32)
    image.setDotsPerMeterX(round(300 / 0.0254))
    image.setDotsPerMeterY(round(300 / 0.0254))
    return image


def _inside(layout, rect: QRectF) -> bool:
    swatches_ok = all(rect.adjusted(-0.5, -0.5, 0.5, 0.5).contains(s.rect) for s in layout.swatches)
    return swatches_ok and all(
        rect.left() - 0.5 <= t.x <= rect.right() and rect.top() <= t.baseline <= rect.bottom() + 0.5
        for t in layout.texts
    )


def test_legend_with_many_categories_shrinks_and_flows_into_columns():
    spec = load_template("a4_landscape").elements["legend"]
    device = _device()
    dpi = 300
    rect = QRectF(0, 0, spec.box.width * dpi / 25.4, spec.box.height * dpi / 25.4)
    rows = tuple(LegendRow(f"District number {i}", Swatch("fill", "#0072BC", "#FFFFFF", 0.2)) for i in range(40))
    layout = layout_legend([LegendGroup("Districts", rows)], spec, "Lato", rect, device, dpi)
    assert layout.fits and (layout.columns > 1 or layout.size < spec.size)
    assert _inside(layout, rect)
    few = layout_legend([LegendGroup("Districts", rows[:5])], spec, "Lato", rect, device, dpi)
    assert few.fits and few.columns == 1 and few.size == spec.max_size  # a short legend grows into its box


def test_legend_that_cannot_fit_still_stays_in_its_box():
    spec = load_template("a4_landscape").elements["legend"]
    dpi = 300
    rect = QRectF(0, 0, 40 * dpi / 25.4, 20 * dpi / 25.4)  # a small box for 200 entries
    rows = tuple(LegendRow(f"Entry {i}", Swatch("fill", "#0072BC", "#FFFFFF", 0.2)) for i in range(200))
    layout = layout_legend([LegendGroup("", rows)], spec, "Lato", rect, _device(), dpi)
    assert not layout.fits and layout.omitted > 0
    assert len(layout.texts) + layout.omitted == 200
    assert _inside(layout, rect)


def test_proportional_and_categorized_legends(admin_gpkg):
    districts = _frames(str(admin_gpkg))[0]
    points = gpd.GeoDataFrame(
        {"refugees": [120_000, 30_000, 4_000], "kind": ["camp", "village", "camp"]},
        geometry=gpd.points_from_xy([71.5, 67.0, 66.9], [34.0, 24.9, 30.2]),
        crs=4326,
    )
    layers = [
        VectorLayer("districts", districts, style=CategorizedStyle(field="province")),
        VectorLayer("refugees", points, style=ProportionalStyle(field="refugees", max_size=12)),
    ]
    loaded = LoadedProject(Project(layout=LayoutSpec(title="t")), layers)
    groups = legend_groups(loaded)
    circles = groups[0]
    assert circles.title == "Refugees"
    sizes = [r.swatch.size for r in circles.rows]
    values = [float(r.label.replace(",", "")) for r in circles.rows]
    assert values[0] == 100_000 and sizes == sorted(sizes, reverse=True)
    # Area-true: diameter ∝ √value, the largest value (120,000) has the 12 mm circle.
    assert np.allclose(sizes, 12 * np.sqrt(np.array(values) / 120_000))
    assert [r.label for r in groups[1].rows] == sorted(districts["province"].unique())


def test_text_shrinks_to_fit_and_wraps():
    device = _device()
    long = "The boundaries and names shown and the designations used on this map do not imply official endorsement"
    fitted = fit_text(long, "Lato", 10, 5, False, 600, 60, device)
    assert fitted.fits and fitted.height <= 60 * 1.02 and fitted.font.pointSizeF() < 10
    roomy = fit_text("Title", "Lato", 10, 5, True, 2000, 200, device)
    assert roomy.fits and roomy.font.pointSizeF() == 10 and roomy.lines == ["Title"]


def test_fixed_scale_is_honoured(admin_gpkg):
    from pakmap.map_scale import scale_denominator

    loaded = real_project(admin_gpkg)
    loaded.project.layout.extent.scale = 5_000_000
    page = compose_page(loaded)
    assert scale_denominator(loaded.crs, page.map_extent, page.boxes["map"].width) == pytest.approx(
        5_000_000, rel=0.005
    )


def test_explicit_bounds_and_feature_extents(admin_gpkg):
    from pakmap.project.model import ExtentSpec

    loaded = real_project(admin_gpkg)
    loaded.project.layout.extent = ExtentSpec(bounds=[66.0, 24.0, 68.0, 26.0], margin=0.0)
    assert compose_page(loaded).extent == (66.0, 24.0, 68.0, 26.0)
    loaded.project.layout.extent = ExtentSpec(layer="provinces", field="name", value="Punjab")
    punjab = tuple(loaded.layer("provinces").data.query("name == 'Punjab'").total_bounds)
    assert compose_page(loaded).extent == pytest.approx(punjab)


def _template_with(tmp_path, element: str, extra: str):
    text = load_template("a4_landscape").path.read_text(encoding="utf-8")
    head = f"[elements.{element}]\n"
    path = tmp_path / "custom.toml"
    path.write_text(text.replace(head, head + extra + "\n", 1), encoding="utf-8")
    return path


def test_locator_from_a_boundary_file_named_in_the_template(admin_gpkg, shared_data, tmp_path):
    path = _template_with(tmp_path, "locator", f'path = "{(shared_data / "pak_provinces.geojson").as_posix()}"')
    page = compose_page(real_project(admin_gpkg, provinces=False), str(path))
    assert len(page.locator) == 7 and "kind" in page.locator.columns


def test_logo_from_an_svg_file(admin_gpkg, tmp_path):
    from PySide6.QtGui import QImage, QPainter

    from pakmap.layout.paint import paint_page

    (tmp_path / "logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="10">'
        '<rect width="40" height="10" fill="#00B398"/></svg>',
        encoding="utf-8",
    )
    page = compose_page(real_project(admin_gpkg), str(_template_with(tmp_path, "logo", 'path = "logo.svg"')))
    ensure_gui_app()
    dpi = 50
    image = QImage(round(297 / 25.4 * dpi), round(210 / 25.4 * dpi), QImage.Format.Format_ARGB32)
    image.fill(0xFFFFFFFF)
    painter = QPainter(image)
    paint_page(page, painter, dpi)
    painter.end()
    box = page.boxes["logo"]
    centre = image.pixelColor(round((box.right - 10) / 25.4 * dpi), round((box.y + box.height / 2) / 25.4 * dpi))
    assert centre.name().upper() == "#00B398"


def _geotiff(path, values, bounds):
    """A small single-band EPSG:4326 GeoTIFF made for the test (no raster data is shipped)."""
    import rasterio
    from rasterio.transform import from_bounds

    h, w = values.shape
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        width=w,
        height=h,
        count=1,
        dtype="float32",
        crs="EPSG:4326",
        transform=from_bounds(*bounds, w, h),
        nodata=-9999,
    ) as dst:
        dst.write(values.astype("float32"), 1)
    from pakmap.layer import RasterLayer

    return RasterLayer("elevation_m", path, CRS.from_epsg(4326), bounds, w, h, 1, -9999, "float32")


def test_raster_legend_is_a_ramp_labelled_with_the_stretch(admin_gpkg, tmp_path):
    from pakmap.export import export_print
    from pakmap.project.model import ExtentSpec
    from pakmap.style import RasterStyle

    bounds = (66.0, 24.0, 72.0, 30.0)
    values = np.tile(np.arange(200, dtype=float), (200, 1))  # 0…199 west to east
    raster = _geotiff(tmp_path / "dem.tif", values, bounds)
    extent = ExtentSpec(bounds=list(bounds), margin=0.0)
    loaded = LoadedProject(Project(layout=LayoutSpec(title="Elevation", extent=extent)), [raster])
    (group,) = compose_page(loaded).legend
    assert group.title == "Elevation m"
    (row,) = group.rows
    assert row.swatch.kind == "ramp" and row.swatch.ramp[0] == "#CDE3F1"
    lo, hi = (float(v.replace(",", "")) for v in row.label.split(" – "))
    assert lo == pytest.approx(np.percentile(values, 2), abs=2) and hi == pytest.approx(
        np.percentile(values, 98), abs=2
    )
    assert len(row.label.replace(",", "").replace(".", "").replace(" – ", "")) <= 6  # 3 significant digits each
    raster.style = RasterStyle(vmin=0, vmax=1500)
    assert compose_page(loaded).legend[0].rows[0].label == "0 – 1,500"
    out = tmp_path / "dem.pdf"
    export_print(loaded, out)
    assert out.stat().st_size > 1000
