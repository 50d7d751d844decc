"""Web map export: size, safety (escaping, chosen fields only, no paths), styles and legend as print.

Browser checks (console, features drawn, tooltips, no network) are in ``test_web_browser.py``, which
uses the projects built here.
"""

from __future__ import annotations

import html
import json
import re
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from pakmap.errors import ExportError, ProjectError
from pakmap.layer import SourceInfo, VectorLayer
from pakmap.project.loaded import LoadedProject
from pakmap.project.model import LayerSpec, LayoutSpec, MapSpec, Project, ProtectionSpec, WebSpec
from pakmap.render import legend_items
from pakmap.render.styling import symbolize
from pakmap.style import CategorizedStyle, GraduatedStyle, LabelStyle, ProportionalStyle, SingleSymbolStyle, Symbol
from pakmap.web import export_webmap, render_html
from pakmap.web.encoding import decode

XSS = "<img src=x onerror=alert(1)>"


# --- projects used here and by the browser tests --------------------------------------------


def real_loaded(shared_data: Path, basemap: str = "none") -> LoadedProject:
    """The real 156 districts with the census joined (choropleth) and 54 generated refugee villages."""
    from pakmap.jobs.demo_data import refugee_villages

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # osm_relations is not JSON: geopandas says so
        districts = gpd.read_file(shared_data / "pak_districts.geojson")
    census = pd.read_csv(shared_data / "pak_census2023_districts.csv")
    joined = districts.merge(
        census.drop(columns=["division", "province"]), left_on="name", right_on="district", how="left"
    ).drop(columns=["district"])
    valid = districts.assign(geometry=districts.make_valid())
    villages = refugee_villages(valid, "province")
    project = Project(
        map=MapSpec(title="Population by district"),
        layers=[
            LayerSpec(
                "Districts",
                str(shared_data / "pak_districts.geojson"),
                popup_fields=["province", "population_2023", "literacy_rate"],
            ),
            LayerSpec("Refugee villages", "villages.geojson", popup_fields=["village", "population"]),
        ],
        layout=LayoutSpec(
            title="Pakistan: population by district",
            subtitle="Census 2023",
            sources="Boundaries: © OpenStreetMap contributors; Statistics: PBS Census 2023",
        ),
        web=WebSpec(basemap=basemap),
        illustrative=True,
    )
    project.path = shared_data / "project.toml"
    layers = [
        VectorLayer(
            "Districts",
            joined,
            SourceInfo(shared_data / "pak_districts.geojson"),
            GraduatedStyle(field="population_2023", classes=5),
            LabelStyle(field="name"),
        ),
        VectorLayer(
            "Refugee villages",
            villages,
            SourceInfo(shared_data / "villages.geojson"),
            SingleSymbolStyle(Symbol(fill="#EF4A60", stroke="#FFFFFF", size=2.5)),
        ),
    ]
    return LoadedProject(project, layers)


def small_loaded(tmp_path: Path, **spec_changes) -> LoadedProject:
    """Four square 'districts' with a hostile name, a secret column, a small count and a missing value."""
    data = gpd.GeoDataFrame(
        {
            "name": ["Peshawar", XSS, "Quetta", "Lahore"],
            "refugees": [1234567, 3, 0, None],
            "phone": ["+92 300 1111111", "+92 300 2222222", "+92 300 3333333", "+92 300 4444444"],
            "notes": ["confidential-note-a", "confidential-note-b", "confidential-note-c", "confidential-note-d"],
            "kind": ["urban", XSS, "rural", "rural"],
        },
        geometry=[shapely.box(70 + i, 30, 71 + i, 31) for i in range(4)],
        crs="EPSG:4326",
    )
    source = tmp_path / "secret_folder" / "districts_private.gpkg"
    spec = LayerSpec("Districts", str(source), popup_fields=["refugees"], **spec_changes)
    project = Project(layers=[spec], layout=LayoutSpec(title=f"Refugees {XSS}"), protection=ProtectionSpec(threshold=5))
    project.path = tmp_path / "secret_folder" / "project.toml"
    layer = VectorLayer(
        "Districts", data, SourceInfo(source), GraduatedStyle(field="refugees", classes=2), LabelStyle(field="name")
    )
    return LoadedProject(project, [layer])


def feature_layers(text: str) -> list[tuple[list[dict], list[dict]]]:
    """(features, styles) of every layer written into the page, in the order they are added."""
    out = []
    for name in re.findall(r"var (feature_layer_\w+) = L\.geoJson", text):
        styles = json.loads(re.search(rf"var {name}_styles = (.*?);\n", text).group(1))
        payload = json.loads(re.search(rf"{name}\.addData\(pmDecode\((.*?)\)\);\n", text).group(1))
        out.append((decode(payload), styles))
    return out


# --- size --------------------------------------------------------------------------------------


@pytest.mark.realdata
def test_real_map_is_small_and_much_smaller_than_explore(shared_data, tmp_path):
    loaded = real_loaded(shared_data)
    out = export_webmap(loaded, tmp_path / "map.html")
    size = out.stat().st_size
    assert size < 1_500_000
    m = loaded.layers[0].data.explore(column="population_2023")
    loaded.layers[1].data.explore(m=m)
    m.save(tmp_path / "explore.html")
    explore_size = (tmp_path / "explore.html").stat().st_size
    assert explore_size / size >= 5, (size, explore_size)
    features = feature_layers(out.read_text(encoding="utf-8"))
    assert [len(f) for f, _ in features] == [156, 54]


# --- safety ------------------------------------------------------------------------------------


def test_hostile_values_are_escaped_everywhere(tmp_path):
    loaded = small_loaded(tmp_path)
    loaded.layers[0].name = loaded.project.layers[0].name = f"Districts {XSS}"
    loaded.layers[0].style = CategorizedStyle(field="kind")  # the hostile value becomes a legend class
    text = render_html(loaded)
    assert "<img" not in text.lower()
    features, _ = feature_layers(text)[0]
    # Decoded from JSON, the tooltip heading is the escaped text: the browser shows it as text.
    assert features[1]["properties"]["h"] == html.escape(XSS)
    assert html.escape(XSS) in json.loads(re.search(r'div\.innerHTML = (".*?");', text, re.S).group(1))


def test_only_chosen_fields_are_embedded(tmp_path):
    from pakmap.web.content import embedded_fields

    loaded = small_loaded(tmp_path)
    assert embedded_fields(loaded.layers[0], ["refugees"]) == {"name", "refugees"}  # label, popup, style
    text = render_html(loaded)
    for secret in ("+92 300", "confidential-note", "phone", "notes", "urban", "rural"):
        assert secret not in text, secret
    features, _ = feature_layers(text)[0]
    assert set(features[0]["properties"]) == {"s", "h", "r"}  # style index, heading, chosen rows
    assert [f["properties"]["h"] for f in features][0] == "Peshawar"


def test_numbers_have_separators_and_small_counts_are_suppressed(tmp_path):
    features, _ = feature_layers(render_html(small_loaded(tmp_path)))[0]
    rows = [f["properties"]["r"] for f in features]
    assert rows == [["1,234,567"], ["&lt;5"], ["0"], ["No data"]]


def test_rates_are_not_suppressed(tmp_path):
    loaded = small_loaded(tmp_path)
    loaded.layers[0].data["literacy"] = [0.36, 0.5, 0.71, 0.9]
    loaded.project.layers[0].popup_fields = ["literacy"]
    features, _ = feature_layers(render_html(loaded))[0]
    assert [f["properties"]["r"] for f in features] == [["0.36"], ["0.5"], ["0.71"], ["0.9"]]


def test_no_local_paths_in_the_file(tmp_path):
    text = render_html(small_loaded(tmp_path))
    for fragment in (str(tmp_path), "secret_folder", "districts_private", "project.toml", "file://"):
        assert fragment not in text, fragment


@pytest.mark.realdata
def test_no_local_paths_in_the_real_map(shared_data, tmp_path):
    text = export_webmap(real_loaded(shared_data), tmp_path / "out.html").read_text(encoding="utf-8")
    for fragment in (str(shared_data), str(tmp_path), "pak_districts", "villages.geojson", "/work/", "/home/"):
        assert fragment not in text, fragment


def test_unknown_popup_field_is_a_project_error(tmp_path):
    loaded = small_loaded(tmp_path)
    loaded.project.layers[0].popup_fields = ["population"]
    with pytest.raises(ProjectError, match="population"):
        render_html(loaded)


def test_colours_must_be_hex(tmp_path):
    from pakmap.errors import StyleError

    loaded = small_loaded(tmp_path)
    loaded.layers[0].style = SingleSymbolStyle(Symbol(fill="red;background:url(http://x)"))
    with pytest.raises(StyleError, match="hex"):
        render_html(loaded)


# --- offline and basemap -----------------------------------------------------------------------


def test_offline_map_loads_nothing_from_the_network(tmp_path):
    text = render_html(small_loaded(tmp_path))
    assert "<script src" not in text and "<link" not in text
    assert not re.search(r"""url\(\s*['"]?(https?:)?//""", text)
    assert 't.version="1.9.3"' in text
    assert "data:image/png;base64," in text  # the layer-control icons, inlined
    assert "sourceMappingURL" not in text
    assert text.count("src:url(data:font/woff;base64,") == 2  # Lato regular and bold, inlined


def test_basemap_from_xyzservices_with_its_attribution(tmp_path):
    loaded = small_loaded(tmp_path)
    loaded.project.web = WebSpec(basemap="OpenStreetMap.Mapnik")
    text = render_html(loaded)
    assert "https://tile.openstreetmap.org/{z}/{x}/{y}.png" in text
    assert "openstreetmap.org/copyright" in text
    assert "<script src" not in text  # tiles are the only thing fetched


@pytest.mark.parametrize("name, message", [("Nowhere.Tiles", "unknown basemap"), ("CartoDB.Positron", "API key")])
def test_bad_basemaps_are_project_errors(tmp_path, name, message):
    loaded = small_loaded(tmp_path)
    loaded.project.web = WebSpec(basemap=name)
    with pytest.raises(ProjectError, match=message):
        render_html(loaded)


# --- styles, legend, order, geometry ---------------------------------------------------------


def test_feature_colours_are_the_print_colours(tmp_path):
    loaded = small_loaded(tmp_path)
    features, styles = feature_layers(render_html(loaded))[0]
    sym = symbolize(loaded.layers[0], 5)
    expected = [sym.classes[c].fill for c in sym.class_of]
    assert expected[3] == "#E6E6E6"  # missing value: the no-data grey, not a class colour
    # ... drawn hatched on the web (grey lines on that grey), so it never reads as the lightest class
    expected[3] = "url(#pm-nodata-E6E6E6)"
    assert [styles[f["properties"]["s"]]["fillColor"] for f in features] == expected


def test_legend_lists_the_print_legend(tmp_path):
    loaded = small_loaded(tmp_path)
    text = render_html(loaded)
    legend = json.loads(re.findall(r'div\.innerHTML = (".*?");', text, re.S)[-1])
    labels = [item.label for item in legend_items(loaded.layers[0], 5)]
    assert labels[-1] == "No data" and len(labels) >= 2
    positions = [legend.index(html.escape(label)) for label in labels]
    assert positions == sorted(positions)


def test_layers_in_project_order_and_reprojected(tmp_path):
    loaded = small_loaded(tmp_path)
    points = gpd.GeoDataFrame(
        {"camp": ["A", "B"]}, geometry=gpd.points_from_xy([71.5, 72.5], [30.5, 30.5]), crs="EPSG:4326"
    ).to_crs("EPSG:3857")
    loaded.layers.append(VectorLayer("Camps", points, style=SingleSymbolStyle(Symbol(size=3.0))))
    loaded.project.layers.append(LayerSpec("Camps", "camps.csv", popup_fields=["camp"]))
    text = render_html(loaded)
    (polys, _), (pts, pt_styles) = feature_layers(text)
    assert len(polys) == 4 and len(pts) == 2
    assert pts[0]["geometry"]["coordinates"] == [71.5, 30.5]  # EPSG:3857 written as lon/lat
    # The print marker at its print size: 3 mm wide plus the 0.2 mm outline, at 96 dpi.
    assert pt_styles[0]["icon"]["iconSize"][0] == pytest.approx((3.0 + 0.2) * 96 / 25.4, abs=0.01)
    assert text.index('"Districts"') < text.index('"Camps"')  # layer control in project order
    # Each layer in its own pane, stacked in project order.
    assert [s["pane"] for s in pt_styles] == ["pm-layer-1"]
    panes = dict(re.findall(r'createPane\(\s*"(pm-layer-\d+)"\);\s*\w+\.style\.zIndex = (\d+);', text))
    assert panes == {"pm-layer-0": "400", "pm-layer-1": "401"}


def test_proportional_circles_at_representative_points(tmp_path):
    loaded = small_loaded(tmp_path)
    loaded.layers[0].style = ProportionalStyle(field="refugees", max_size=10.0)
    features, styles = feature_layers(render_html(loaded))[0]
    assert len(features) == 2  # 0 and missing draw no circle
    radii = sorted(styles[f["properties"]["s"]]["radius"] for f in features)
    assert radii[-1] == pytest.approx(5.0 * 96 / 25.4, abs=0.01)
    # 3 refugees is drawn as the one "<5" circle: the size of 5, which gives no small count back.
    assert radii[0] == pytest.approx(radii[-1] * np.sqrt(5 / 1234567), abs=0.006)  # px: 2 decimals
    assert all(f["geometry"]["type"] == "Point" for f in features)


# --- writing -----------------------------------------------------------------------------------


def test_export_is_atomic_and_leaves_no_temp_files(tmp_path):
    out = export_webmap(small_loaded(tmp_path), tmp_path / "map.html")
    assert out == tmp_path / "map.html" and out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["map.html"]
    with pytest.raises(ExportError, match="folder does not exist"):
        export_webmap(small_loaded(tmp_path), tmp_path / "missing" / "map.html")


# --- through the command line ------------------------------------------------------------------


def test_pakmap_render_writes_the_web_map(tmp_path, capsys):
    """``pakmap render project.toml -o map.html``: reader, project, protection guard, web export."""
    from pakmap.cli import main
    from pakmap.project import save_project

    data = gpd.GeoDataFrame(
        {"district": ["Peshawar", "Quetta"], "refugees": [1234567, 4]},
        geometry=[shapely.box(71, 33, 72, 34), shapely.box(66, 30, 67, 31)],
        crs="EPSG:4326",
    )
    data.to_file(tmp_path / "districts.geojson", driver="GeoJSON")
    project = Project(
        layers=[
            LayerSpec(
                "Districts",
                "districts.geojson",
                popup_fields=["refugees"],
                style=GraduatedStyle(field="refugees", classes=2),
                labels=LabelStyle(field="district"),
            )
        ],
        layout=LayoutSpec(title="Refugees by district"),
    )
    project.path = tmp_path / "project.toml"  # layer paths are relative to it
    toml = save_project(project)
    assert main(["render", str(toml), "-o", str(tmp_path / "map.html")]) == 0
    text = (tmp_path / "map.html").read_text(encoding="utf-8")
    features, _ = feature_layers(text)[0]
    # The other figure is the complementary cell: with it published, the "<5" would follow from the total.
    assert [f["properties"]["r"] for f in features] == [["x"], ["&lt;5"]]
    assert str(tmp_path) not in text and "districts.geojson" not in text


def test_title_box_says_illustrative_and_legend_respects_the_project(tmp_path):
    loaded = small_loaded(tmp_path)
    loaded.project.illustrative = True
    text = render_html(loaded)
    boxes = [json.loads(b) for b in re.findall(r'div\.innerHTML = (".*?");', text, re.S)]
    assert "Illustrative data" in boxes[0] and "Refugees &lt;img" in boxes[0]
    assert "pm-legend" in boxes[-1]
    assert "<title>Refugees &lt;img src=x onerror=alert(1)&gt;</title>" in text
    loaded.project.layers[0].legend = False
    boxes = [json.loads(b) for b in re.findall(r'div\.innerHTML = (".*?");', render_html(loaded), re.S)]
    assert not any("pm-legend" in b for b in boxes)


# --- the print map's labels and legend titles -----------------------------------------------------


def _labels_call(text: str):
    """(styles, rows) given to the page's label placer, or None when it has no labels."""
    found = re.search(r"pmLabels\(map_\w+, \[[\w, ]*\], (\[.*?\]), (\[\[.*?\]\])\);\n", text)
    return (json.loads(found.group(1)), json.loads(found.group(2))) if found else None


def test_web_map_has_the_print_labels_in_the_print_order(tmp_path):
    loaded = small_loaded(tmp_path)
    loaded.layers[0].labels = LabelStyle(expression="{name}\n{refugees}")
    towns = gpd.GeoDataFrame(
        {"name": ["Town"], "pop": [10_000_000]}, geometry=[shapely.Point(70.5, 30.5)], crs="EPSG:4326"
    )
    loaded.layers.append(
        VectorLayer(
            "Towns",
            towns,
            style=SingleSymbolStyle(Symbol(size=2)),
            labels=LabelStyle(field="name", size=8, priority="pop"),
        )
    )
    loaded.project.layers.append(LayerSpec("Towns", "towns.geojson"))
    styles, rows = _labels_call(render_html(loaded))
    texts = [r[4] for r in rows]
    # The print text: separators, "<5" for the small count, nothing for the missing value; the mapped
    # layer's labels (equal squares: in layer order) before the town's, whatever the town's priority.
    assert texts == ["Peshawar\n1,234,567", f"{XSS}\n<5", "Quetta\n0", "Lahore", "Town"]
    assert [r[1] for r in rows] == [0, 0, 0, 0, 2]  # polygons, then the point
    assert styles[1]["size"] >= 11 and styles[1]["gap"] >= 0.5 * styles[1]["size"]
    assert "<img" not in render_html(loaded)  # the hostile name is text in a JSON string, escaped


def test_web_map_without_labels_has_no_label_placer(tmp_path):
    loaded = small_loaded(tmp_path)
    loaded.layers[0].labels = None
    assert _labels_call(render_html(loaded)) is None


@pytest.mark.realdata
def test_web_legend_titles_are_the_print_legend_titles_not_file_names(shared_data, tmp_path):
    from pakmap.cli import main

    out = tmp_path / "literacy.html"
    assert (
        main(
            [
                "map",
                str(shared_data / "pak_districts.geojson"),
                "--table",
                str(shared_data / "pak_census2023_districts.csv"),
                "--on",
                "name=district",
                "--by",
                "literacy_rate",
                "--fields",
                "name",
                "-o",
                str(out),
            ]
        )
        == 0
    )
    legend = json.loads(re.findall(r'div\.innerHTML = (".*?");', out.read_text(encoding="utf-8"), re.S)[-1])
    assert '<div class="pm-layer">Literacy rate</div>' in legend
    assert "pak_districts" not in legend
