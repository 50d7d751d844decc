"""Field kinds: small-count suppression applies to counts, never to rates, shares, areas or codes.

Real census figures (literacy_rate, population_2023, households, area_sq_km) and generated tables a
partner might send (flood share per district in percent, sites per district) joined onto the real
district boundaries.
"""

from __future__ import annotations

import dataclasses
import re
import subprocess

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from pakmap.cli import main
from pakmap.field_kinds import field_kinds, infer_kind, layer_kinds
from pakmap.layer import VectorLayer
from pakmap.project import load_project, save_project
from pakmap.project.loader import load_layers
from pakmap.render import legend_items
from pakmap.render.labels import label_texts
from pakmap.style import GraduatedStyle, LabelStyle, ProportionalStyle
from pakmap.web.content import feature_content


def kinds_of(frame: pd.DataFrame) -> dict[str, str]:
    return {f: k.kind for f, k in field_kinds(frame).items()}


def test_census_fields_inferred_without_the_catalog(shared_data):
    census = pd.read_csv(shared_data / "pak_census2023_districts.csv")
    assert kinds_of(census) == {
        "population_2023": "count",
        "area_sq_km": "measure",
        "households": "count",
        "literacy_rate": "rate",
        "improved_water_share": "rate",
        "no_toilet_share": "rate",
    }


def test_census_fields_declared_by_the_layer_catalog(shared_data):
    from pakmap.sources import open_layer

    kinds = layer_kinds(open_layer(shared_data / "pak_census2023_districts.csv"))
    assert kinds["literacy_rate"].kind == "rate"
    assert kinds["literacy_rate"].reason == "declared in the layer catalog (district_statistics)"


@pytest.mark.parametrize(
    "name, values, kind",
    [
        ("arrivals_this_month", [3, 0, 1204, 12], "count"),  # 'month' does not make it a date
        ("arrivals_this_month", ["3", "-", "1,204", ""], "count"),  # a partner's text column
        ("refugees", ["<5", "10", "2,000", "-"], "count"),  # cells already suppressed
        ("sites", [1, 3, 14, 40], "count"),
        ("v", [2, 15, 25, 35], "count"),  # whole numbers ≥ 0, neutral name
        ("Flooded %", [3.54, 10.2, 0.5, 1.0], "rate"),
        ("flood_share", [3.54, 10.2, 0.5, 27.0], "rate"),
        ("literacy", [0.19, 0.36, 0.84, 0.5], "rate"),  # decimals within 0–1
        ("flooded", [3.54, 10.2, 0.5, 27.0], "rate"),  # decimals within 0–100
        ("pop_density_per_km2", [12.0, 400.5, 3.0, 9.0], "rate"),  # 'density' before 'km2'
        ("area_sq_km", [29510, 3514, 44748, 1341], "measure"),
        ("ADM2_PCODE", [101, 102, 103, 104], "identifier"),
        ("district_code", ["0101", "0102", "0103", "0104"], "identifier"),
        ("mean_household_size", [6.4, 7.1, 5.5, 6.0], "other"),
        ("hh_size", [6.4, 7.1, 5.5, 6.0], "other"),
        ("household_size", [1, 3, 7, 12], "count"),  # one household's size is a count of people
        ("year", [2023, 2023, 2024, 2024], "other"),
        ("elevation_change", [-3.5, 120.0, 300.2, 5.0], "measure"),
        ("value", [-3.5, 120.0, 300.2, 5.0], "other"),
    ],
)
def test_inference_rules(name, values, kind):
    found = infer_kind(name, pd.Series(values))
    assert found is not None and found.kind == kind, found


def test_text_is_not_numeric():
    assert infer_kind("name", pd.Series(["Awaran", "Chagai"])) is None
    assert infer_kind("flag", pd.Series([True, False])) is None


# --- maps on real districts ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def districts(shared_data):
    return gpd.read_file(shared_data / "pak_districts.geojson", columns=["name"])


def districts_with(districts, **columns) -> gpd.GeoDataFrame:
    gdf = districts.copy()
    for name, values in columns.items():
        gdf[name] = values
    return gdf


def test_literacy_map_of_the_real_census_is_not_suppressed(tmp_path, shared_data):
    """The issue's command: every district was one "<5" class; now five classes of rates."""
    out = tmp_path / "nat.pdf"
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
                "-o",
                str(out),
            ]
        )
        == 0
    )
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "<5" not in text
    assert re.findall(r"0\.\d+ – 0\.\d+", text) == [
        "0.18 – 0.31",  # the lowest bound rounded down: 0.1877 is in the first class
        "0.31 – 0.42",
        "0.42 – 0.54",
        "0.54 – 0.69",
        "0.69 – 0.84",
    ]


def test_flood_share_in_percent_is_never_below_threshold(districts):
    rng = np.random.default_rng(12)
    share = np.round(rng.uniform(0.2, 40.0, len(districts)), 2)
    share[0] = 3.54
    gdf = districts_with(districts, flood_share=share)
    layer = VectorLayer(
        "districts",
        gdf,
        style=GraduatedStyle(field="flood_share", classes=5),
        labels=LabelStyle(expression="{flood_share}%"),
    )
    assert label_texts(layer, np.array([0]), threshold=5) == ["3.54%"]
    labels = [item.label for item in legend_items(layer, threshold=5)]
    assert len(labels) == 5 and not any("<" in label for label in labels)
    assert labels[0].startswith(f"{share.min():g} – ")
    assert feature_content(layer, ["flood_share"], 5).rows[0] == ["3.54"]


def test_sites_per_district_keep_the_classes_asked_for(districts):
    sites = np.tile([0, 1, 2, 3, 4, 6, 9, 14, 22, 31, 40, 55], len(districts) // 12 + 1)[: len(districts)]
    gdf = districts_with(districts, sites=sites)
    layer = VectorLayer("districts", gdf, style=GraduatedStyle(field="sites", method="natural_breaks", classes=4))
    labels = [item.label for item in legend_items(layer, threshold=5)]
    # Four classes asked, four drawn: "<5" on its own, the others with their own bounds.
    assert len(labels) == 4 and labels[0] == "<5"
    assert all(re.fullmatch(r"\d+ – \d+", label) for label in labels[1:]), labels
    assert labels[1].startswith("6 – ")
    texts = label_texts(
        VectorLayer("d", gdf, labels=LabelStyle(expression="{name}: {sites} sites")), np.arange(6), threshold=5
    )
    assert [t.split(": ")[1] for t in texts] == ["0 sites"] + ["<5 sites"] * 4 + ["6 sites"]


def test_proportional_circles_draw_one_size_for_small_counts(districts):
    from pakmap.render.styling import symbolize

    refugees = np.resize([1, 3, 4, 0, 50, 900, 12000], len(districts)).astype(float)
    layer = VectorLayer(
        "districts",
        districts_with(districts, refugees=refugees),
        style=ProportionalStyle(field="refugees", max_size=10.0),
    )
    sizes = symbolize(layer, 5).sizes_mm
    assert sizes[0] == sizes[1] == sizes[2] > 0 and np.isnan(sizes[3])  # 1, 3 and 4: one circle
    items = legend_items(layer, threshold=5)
    assert items[-1].label == "<5" and items[-1].size_mm == pytest.approx(sizes[0])
    assert all(i.label in ("10,000", "2,000", "500", "<5") for i in items)
    # A share drawn as circles is not a count: sizes stay true to the values.
    shares = VectorLayer(
        "d",
        districts_with(districts, flood_share=refugees / 1000),
        style=ProportionalStyle(field="flood_share", max_size=10.0),
    )
    sizes = symbolize(shares, 5).sizes_mm
    assert sizes[0] < sizes[1] < sizes[2]


# --- rates that reveal a suppressed count --------------------------------------------------------


def test_check_flags_rates_over_tiny_denominators(tmp_path, shared_data, capsys):
    table = pd.DataFrame(
        {
            "district": ["Quetta", "Awaran", "Chagai", "Gwadar"],
            "refugees": [850, 2, 1200, 40000],
            "refugee_population": [850, 2, 1200, 40000],
            "school_enrolment_share": [0.35, 50.0, 12.0, 40.0],
        }
    )  # percent
    table.to_csv(tmp_path / "camps.csv", index=False)
    project_path = tmp_path / "p.toml"
    assert (
        main(
            [
                "map",
                str(shared_data / "pak_districts.geojson"),
                "--table",
                str(tmp_path / "camps.csv"),
                "--on",
                "name=district",
                "--by",
                "refugees",
                "-o",
                str(tmp_path / "m.pdf"),
                "--save-project",
                str(project_path),
            ]
        )
        == 0
    )
    capsys.readouterr()
    assert main(["check", str(project_path)]) == 0
    out = capsys.readouterr().out
    warnings = [l for l in out.splitlines() if l.startswith("warning: ")]
    assert any("school_enrolment_share × refugee_population gives fewer than 5 in 2 rows" in w for w in warnings), out
    assert any("school_enrolment_share is over fewer than 5 refugee_population in 1 row" in w for w in warnings)
    assert "fields of 'pak_districts': refugees: count" in out
    assert "Quetta" not in out  # row numbers, no data values


def test_census_rates_reveal_nothing(tmp_path, shared_data, capsys):
    project_path = tmp_path / "p.toml"
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
                "-o",
                str(tmp_path / "m.png"),
                "--save-project",
                str(project_path),
            ]
        )
        == 0
    )
    capsys.readouterr()
    assert main(["check", str(project_path)]) == 0
    out = capsys.readouterr().out
    assert "warning:" not in out
    assert "literacy_rate: rate (declared in the layer catalog (district_statistics))" in out


# --- declared in the project ---------------------------------------------------------------------


def test_project_declarations_round_trip_and_override(tmp_path, districts):
    gdf = districts_with(districts, score=np.resize([1, 2, 3, 40, 60], len(districts)))
    gdf.to_file(tmp_path / "d.gpkg")
    text = (
        '[pakmap]\nformat = 1\n[[layers]]\nname = "d"\npath = "d.gpkg"\n'
        '[layers.style]\nkind = "graduated"\nfield = "score"\nmethod = "manual"\nbreaks = [4, 40, 60]\n'
        '[layers.fields]\nscore = "rate"\n'
    )
    (tmp_path / "p.toml").write_text(text, encoding="utf-8")
    project = load_project(tmp_path / "p.toml")
    assert project.layers[0].fields == {"score": "rate"}
    layer = load_layers(project).layers[0]
    assert layer_kinds(layer)["score"].reason == "declared in the project"
    assert [i.label for i in legend_items(layer, threshold=5)][0] == "1 – 4"  # a rate: not suppressed
    save_project(project, tmp_path / "again.toml")
    assert '[layers.fields]\nscore = "rate"' in (tmp_path / "again.toml").read_text(encoding="utf-8")
    assert load_project(tmp_path / "again.toml").layers[0].fields == {"score": "rate"}
    # Declared a count, the same field is suppressed.
    project.layers[0].fields = {"score": "count"}
    layer = load_layers(project).layers[0]
    assert [i.label for i in legend_items(layer, threshold=5)][0] == "<5"


def test_unknown_kind_is_a_one_line_error(tmp_path, capsys):
    (tmp_path / "p.toml").write_text(
        '[pakmap]\nformat = 1\n[[layers]]\nname = "d"\npath = "d.gpkg"\n'
        '[layers.fields]\nliteracy_rate = "percentage"\n',
        encoding="utf-8",
    )
    assert main(["check", str(tmp_path / "p.toml")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "field 'literacy_rate' as 'percentage'" in err and "count, rate, measure, identifier, other" in err


# --- breaks = "keep" -----------------------------------------------------------------------------


def _legend_of(project_path) -> list[str]:
    loaded = load_layers(load_project(project_path))
    return [i.label for i in legend_items(loaded.layer("pak_districts"), threshold=5)]


def test_kept_breaks_round_trip_and_next_month(tmp_path, shared_data, capsys):
    census = pd.read_csv(shared_data / "pak_census2023_districts.csv")
    census.to_csv(tmp_path / "census.csv", index=False)  # this month's table, beside the project
    project_path = tmp_path / "literacy.toml"
    assert (
        main(
            [
                "map",
                str(shared_data / "pak_districts.geojson"),
                "--table",
                str(tmp_path / "census.csv"),
                "--on",
                "name=district",
                "--by",
                "literacy_rate",
                "-o",
                str(tmp_path / "oct.png"),
                "--keep-breaks",
                "--save-project",
                str(project_path),
            ]
        )
        == 0
    )
    assert "class bounds kept from natural_breaks" in capsys.readouterr().out
    style = load_project(project_path).layer_spec("pak_districts").style
    assert style.method == "natural_breaks" and len(style.breaks) == 5
    assert style.breaks_kept_from == (
        "natural_breaks, 5 classes of literacy_rate (136 values, 0.19 – 0.84) in pak_districts.geojson, census.csv"
    )
    october = _legend_of(project_path)
    assert october[:5] == ["0.18 – 0.31", "0.31 – 0.42", "0.42 – 0.54", "0.54 – 0.69", "0.69 – 0.84"]

    # Next month, rates move within the range: the same classes, not new natural breaks.
    census["literacy_rate"] = (census["literacy_rate"] * 0.95 + 0.02).clip(0.19, 0.84)
    census.to_csv(tmp_path / "census.csv", index=False)
    assert _legend_of(project_path) == october
    # Rates beyond the kept range join the first and last classes, whose labels say so.
    census.loc[0, "literacy_rate"], census.loc[1, "literacy_rate"] = 0.12, 0.93
    census.to_csv(tmp_path / "census.csv", index=False)
    november = _legend_of(project_path)
    assert november[:5] == ["≤ 0.31", "0.31 – 0.42", "0.42 – 0.54", "0.54 – 0.69", "> 0.69"]
    loaded = load_layers(load_project(project_path))
    from pakmap.render.styling import symbolize

    sym = symbolize(loaded.layer("pak_districts"), 5)
    districts = loaded.layer("pak_districts").data["name"].tolist()
    assert sym.class_of[districts.index(census.loc[1, "district"])] == 4  # 0.93: drawn in the last class


def test_render_records_breaks_asked_to_be_kept(tmp_path, shared_data, capsys):
    project_path = tmp_path / "sites.toml"
    sites = pd.DataFrame(
        {
            "district": ["Awaran", "Chagai", "Gwadar", "Kech", "Khuzdar", "Panjgur", "Lasbela"],
            "sites": [1, 3, 6, 14, 22, 40, 55],
        }
    )
    sites.to_csv(tmp_path / "sites.csv", index=False)
    assert (
        main(
            [
                "map",
                str(shared_data / "pak_districts.geojson"),
                "--table",
                str(tmp_path / "sites.csv"),
                "--on",
                "name=district",
                "--by",
                "sites",
                "-o",
                str(tmp_path / "a.png"),
                "--save-project",
                str(project_path),
            ]
        )
        == 0
    )
    project = load_project(project_path)
    spec = project.layer_spec("pak_districts")
    spec.style = dataclasses.replace(spec.style, breaks="keep", classes=4)
    save_project(project)
    capsys.readouterr()
    assert main(["render", str(project_path), "-o", str(tmp_path / "b.png")]) == 0
    assert "recorded in sites.toml" in capsys.readouterr().out
    style = load_project(project_path).layer_spec("pak_districts").style
    # The "<5" class is the threshold's, not a kept bound: three bounds above it.
    assert len(style.breaks) == 3 and min(style.breaks) >= 5 and style.breaks_lower == 0
    legend = _legend_of(project_path)
    assert legend[0] == "<5" and legend[1].startswith("5 – ") and len(legend) == 5  # 4 classes and "No data"
    # Next month no district has fewer than 5 sites: the "<5" class stays, so the colours do too.
    sites["sites"] = [5, 7, 9, 14, 22, 40, 60]
    sites.to_csv(tmp_path / "sites.csv", index=False)
    next_month = _legend_of(project_path)
    assert next_month[:3] == legend[:3] and next_month[3].startswith("> ") and len(next_month) == 5


def test_breaks_must_be_keep_or_numbers(tmp_path, capsys):
    (tmp_path / "p.toml").write_text(
        '[pakmap]\nformat = 1\n[[layers]]\nname = "d"\npath = "d.gpkg"\n'
        '[layers.style]\nkind = "graduated"\nfield = "x"\nbreaks = "kept"\n',
        encoding="utf-8",
    )
    assert main(["render", str(tmp_path / "p.toml"), "-o", str(tmp_path / "x.png")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and 'must be a list of numbers or "keep"' in err


def test_a_text_column_of_counts_is_mapped_as_numbers_and_suppressed(tmp_path, shared_data, capsys):
    """A partner's table: arrivals as text with thousands separators and "-" for none."""
    table = pd.DataFrame(
        {
            "district": ["Awaran", "Chagai", "Gwadar", "Kech", "Khuzdar", "Panjgur"],
            "arrivals_this_month": ["3", "-", "1,204", "12", "250", "4"],
        }
    )
    table.to_csv(tmp_path / "arrivals.csv", index=False)
    project_path = tmp_path / "a.toml"
    assert (
        main(
            [
                "map",
                str(shared_data / "pak_districts.geojson"),
                "--table",
                str(tmp_path / "arrivals.csv"),
                "--on",
                "name=district",
                "--by",
                "arrivals_this_month",
                "--fields",
                "arrivals_this_month",
                "-o",
                str(tmp_path / "a.pdf"),
                "--save-project",
                str(project_path),
            ]
        )
        == 0
    )
    style = load_project(project_path).layer_spec("pak_districts").style
    assert style.kind == "graduated"  # numbers, not categories of text
    layer = load_layers(load_project(project_path)).layer("pak_districts")
    labels = [i.label for i in legend_items(layer, threshold=5)]
    assert labels[0] == "<5" and "No data" in labels
    names = layer.data["name"].tolist()
    rows = np.array([names.index("Awaran"), names.index("Gwadar"), names.index("Chagai")])
    assert label_texts(layer, rows, threshold=5) == ["<5", "1,204", "-"]


def test_the_project_declaration_on_the_layer_wins_over_the_catalog(tmp_path, shared_data):
    project_path = tmp_path / "p.toml"
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
                "-o",
                str(tmp_path / "m.png"),
                "--save-project",
                str(project_path),
            ]
        )
        == 0
    )
    project = load_project(project_path)
    project.layer_spec("pak_districts").fields = {"literacy_rate": "count"}
    layer = load_layers(project).layer("pak_districts")
    assert layer_kinds(layer)["literacy_rate"].reason == "declared in the project"
    assert layer_kinds(layer)["population_2023"].reason == "declared in the layer catalog (district_statistics)"
