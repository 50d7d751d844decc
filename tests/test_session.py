"""The session: the one object that changes an open project, every change undoable (no Qt)."""

from __future__ import annotations

import dataclasses

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point, box

from pakmap.errors import ProjectError, StyleError
from pakmap.events import Signal
from pakmap.layer import VectorLayer
from pakmap.project import AllowSpec, AtlasSpec, JoinSpec, load_project
from pakmap.project.model import ProductSpec
from pakmap.session import Command, Edit, History, Session
from pakmap.sources import open_layer
from pakmap.style import GraduatedStyle, LabelStyle, SingleSymbolStyle, Symbol


@pytest.fixture
def files(tmp_path):
    districts = gpd.GeoDataFrame(
        {"name": ["Peshawar", "Quetta", "Lahore"], "pcode": ["PK401", "PK501", "PK601"]},
        geometry=[box(71, 33, 72, 34), box(66, 30, 67, 31), box(74, 31, 75, 32)],
        crs="EPSG:4326",
    )
    districts.to_file(tmp_path / "districts.geojson", driver="GeoJSON")
    pd.DataFrame({"district": ["Peshawar", "Quetta", "Lahore"], "refugees": [90_000, 60_000, 30_000]}).to_csv(
        tmp_path / "refugees.csv", index=False
    )
    sites = gpd.GeoDataFrame({"site": ["a", "b"]}, geometry=[Point(71.5, 33.5), Point(66.5, 30.5)], crs="EPSG:4326")
    sites.to_file(tmp_path / "sites.geojson", driver="GeoJSON")
    return tmp_path


def session_with(files, *names: str) -> Session:
    session = Session()
    for name in names:
        path = files / {"districts": "districts.geojson", "refugees": "refugees.csv", "sites": "sites.geojson"}[name]
        layer = open_layer(path)
        layer.name = name
        session.add_layer(layer, path)
    return session


def joined(files) -> Session:
    session = session_with(files, "refugees", "districts")
    session.apply_join(JoinSpec(layer="districts", table="refugees", on=[["name", "district"]]))
    return session


GRADUATED = GraduatedStyle(field="refugees", method="manual", breaks=[50_000, 100_000])


def test_a_style_is_one_object_in_spec_and_layer_and_undo_redo_swap_it(files):
    session = joined(files)
    before = session.layer("districts").style
    session.set_style("districts", GRADUATED, LabelStyle(field="name"))
    spec, layer = session.project.layer_spec("districts"), session.layer("districts")
    assert spec.style is layer.style is GRADUATED and spec.labels is layer.labels
    assert session.history.undo_text == "Style of districts"
    session.undo()
    assert spec.style is layer.style is before and spec.labels is layer.labels is None
    session.redo()
    assert spec.style is layer.style is GRADUATED


def test_a_saved_project_holds_the_typed_style_and_nothing_is_synced_first(files):
    session = joined(files)
    session.set_style("districts", GRADUATED, LabelStyle(field="name", size=8))
    written = session.save(files / "map.toml")
    text = written.read_text(encoding="utf-8")
    assert 'kind = "graduated"' in text and "breaks = [50000, 100000]" in text
    assert "halo_width" not in text  # defaults are not written: short files that read back the same
    again = load_project(written).layer_spec("districts")
    assert again.style == GRADUATED and again.labels == LabelStyle(field="name", size=8)
    assert not session.dirty and not hasattr(session, "sync_specs")


def test_a_dialogs_live_changes_are_one_undo_step_and_cancel_leaves_none(files):
    session = joined(files)
    original = session.layer("districts").style
    for classes in (3, 4, 5):
        session.set_style("districts", GraduatedStyle(field="refugees", classes=classes), merge_key="dialog 1")
    assert len(session.history.commands) == 4  # add, add, join … and one for the dialog
    assert session.layer("districts").style.classes == 5
    session.undo()
    assert session.layer("districts").style is original
    session.redo()
    session.set_style("districts", GraduatedStyle(field="refugees", classes=2), merge_key="dialog 2")
    session.set_style("districts", session.history.commands[-1].edits[0].before, merge_key="dialog 2")  # Cancel
    assert session.history.undo_text == "Style of districts" and session.layer("districts").style.classes == 5
    assert len(session.history.commands) == 4  # the cancelled dialog left no step


def test_an_invalid_style_is_refused_before_the_project_changes(files):
    session = joined(files)
    with pytest.raises(StyleError, match="needs a 'field'"):
        session.set_style("districts", GraduatedStyle(field=""))
    assert session.history.undo_text.startswith("Join")


def test_rename_carries_through_joins_layout_and_protection_and_undoes(files):
    session = session_with(files, "refugees", "districts", "sites")
    session.apply_join(JoinSpec(layer="districts", table="refugees", on=[["name", "district"]]))
    project = session.project
    project.layout.extent = dataclasses.replace(project.layout.extent, layer="districts")
    project.layout.atlas = AtlasSpec("districts")
    project.protection.aggregate = {"sites": "admin:districts"}
    project.protection.allow = [AllowSpec("districts", "name")]
    assert session.rename_layer("districts", "Districts 2023") == "Districts 2023"
    assert project.joins[0].layer == "Districts 2023" and project.layer_spec("Districts 2023").name
    assert project.layout.extent.layer == "Districts 2023" and project.layout.atlas.layer == "Districts 2023"
    assert project.protection.aggregate == {"sites": "admin:Districts 2023"}
    assert project.protection.allow[0].layer == "Districts 2023"
    assert [k[0] for k in session.join_reports] == ["Districts 2023"]
    session.undo()
    assert project.joins[0].layer == "districts" and session.layer("districts").name == "districts"
    assert project.layout.extent.layer == "districts" and project.layout.atlas.layer == "districts"
    assert project.protection.aggregate == {"sites": "admin:districts"}
    assert session.rename_layer("sites", "refugees") == "refugees (2)"  # names stay unique


def test_remove_takes_joins_layout_and_protection_along_and_undo_brings_all_back(files):
    session = session_with(files, "refugees", "districts", "sites")
    _, report = session.apply_join(JoinSpec(layer="districts", table="refugees", on=[["name", "district"]]))
    project = session.project
    project.layout.atlas = AtlasSpec("districts")
    project.layout.extent = dataclasses.replace(project.layout.extent, layer="districts", field="name", value="Quetta")
    project.protection.aggregate = {"sites": "admin:districts"}
    with pytest.raises(ProjectError, match="used by a join onto 'districts'"):
        session.remove_layer("refugees")
    layer = session.layer("districts")
    session.remove_layer("districts")
    assert [l.name for l in session.layers] == ["refugees", "sites"] and project.joins == []
    assert session.loaded.join_reports == [] and project.layout.atlas is None
    assert project.layout.extent.layer is None and project.layout.extent.value is None
    assert project.protection.aggregate == {}  # no boundary left to aggregate to: asked again at export
    session.undo()
    assert session.layer("districts") is layer and session.loaded.join_reports == [report]
    assert project.joins[0].layer == "districts" and project.layout.atlas.layer == "districts"
    assert project.protection.aggregate == {"sites": "admin:districts"}
    session.redo()
    assert "districts" not in [s.name for s in project.layers]


def test_order_crs_layout_and_visibility_are_undoable_and_announced(files):
    session = session_with(files, "districts", "sites")
    heard = []
    session.layers_changed.connect(lambda: heard.append("layers"))
    session.crs_changed.connect(lambda crs: heard.append(crs.to_epsg()))
    session.layout_changed.connect(lambda: heard.append("layout"))
    session.layer_changed.connect(lambda layer: heard.append(layer.name))
    session.move_layer("sites", 0)
    session.set_crs("EPSG:32642")
    session.set_layout(title="Afghan refugees", as_of="31 October 2026")
    session.set_visible("districts", False)
    session.set_opacity("sites", 0.5)
    assert heard == ["layers", 32642, "layout", "districts", "sites"]
    assert session.history.undo_text == "Opacity of sites"
    for _ in range(5):
        session.undo()
    assert [l.name for l in session.layers] == ["districts", "sites"] and session.crs.to_epsg() == 4326
    assert session.project.layout.title == "" and session.project.map.crs is None
    assert session.layer("districts").visible and session.project.layer_spec("sites").opacity == 1.0
    assert heard[5:] == ["sites", "districts", "layout", 4326, "layers"]
    with pytest.raises(ProjectError, match="no field 'titel'"):
        session.set_layout(titel="typo")


def test_unsaved_follows_the_history(files, tmp_path):
    session = session_with(files, "districts")
    states = []
    session.dirty_changed.connect(states.append)
    session.save(tmp_path / "p.toml")
    session.set_style("districts", SingleSymbolStyle(Symbol(fill="#EF4A60")))
    session.undo()  # back where it was saved
    session.redo()
    assert states == [False, True, False, True]


def test_a_kept_product_is_an_undoable_step_and_is_saved(files, tmp_path):
    session = session_with(files, "districts")
    session.save(tmp_path / "p.toml")
    product = ProductSpec(kind="quality", input=str(files / "sites.geojson"), outputs=[str(tmp_path / "q.pdf")])
    session.add_product(product)
    assert session.project.products == [product] and session.dirty
    assert session.history.undo_text == "Keep the quality product"
    session.undo()
    assert session.project.products == [] and not session.dirty
    session.redo()
    saved = load_project(session.save()).products
    assert [(p.kind, p.input, p.outputs) for p in saved] == [("quality", "sites.geojson", ["q.pdf"])]


def test_the_history_keeps_its_last_steps():
    history = History(limit=3)
    box_ = type("Box", (), {"value": 0})()
    for value in range(1, 6):
        command = Command(f"set {value}", [Edit(box_, "value", box_.value, value)])
        command.redo()
        history.push(command)
    assert [c.text for c in history.commands] == ["set 3", "set 4", "set 5"] and history.clean_index is None
    while history.undo():
        pass
    assert box_.value == 2  # older steps are forgotten


def test_signals_are_typed_at_connect_and_at_emit():
    signal: Signal[[VectorLayer]] = Signal(VectorLayer)
    with pytest.raises(TypeError, match="cannot take this signal's 1 argument"):
        signal.connect(lambda: None)
    signal.connect(lambda layer: None)
    with pytest.raises(TypeError, match="sends VectorLayer, not str"):
        signal.emit("districts")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="1 positional argument"):
        signal.emit()  # type: ignore[call-arg]


def test_protection_decisions_are_undoable_steps(files):
    from pakmap.errors import ProtectionError
    from pakmap.protection import allow_field, set_aggregation

    session = session_with(files, "districts", "sites")
    protection = session.project.protection
    session.decide(lambda p: set_aggregation(p, "sites", "admin:districts"), "Count sites per district")
    session.decide(lambda p: allow_field(p, "sites", "site", reason="public site names"), "Publish site")
    session.decide(lambda p: allow_field(p, "sites", "site", reason="agreed with the partner"), "Publish site")
    assert protection.allow[0].reason == "agreed with the partner"
    with pytest.raises(ProtectionError, match="needs a reason"):
        session.decide(lambda p: allow_field(p, "sites", "site", reason=" "), "Publish site")
    assert session.history.undo_text == "Publish site" and len(session.history.commands) == 5
    session.undo()
    assert protection.allow[0].reason == "public site names"
    session.undo()
    session.undo()
    assert protection.allow == [] and protection.aggregate == {}
    session.redo()
    session.redo()
    session.redo()
    assert protection.aggregate == {"sites": "admin:districts"}
    assert protection.allow[0].reason == "agreed with the partner"


def _contrast_on_white(color: str) -> float:
    """WCAG contrast ratio of ``color`` against white."""

    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    luminance = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    return 1.05 / (luminance + 0.05)


def test_each_new_layer_takes_its_own_colour_and_polygons_over_polygons_are_outlines(files, tmp_path):
    from pakmap.palettes import palette

    colours = palette("unhcr_layers").colors
    assert len(set(colours)) == len(colours) and all(_contrast_on_white(c) >= 3 for c in colours)
    provinces = gpd.GeoDataFrame(
        {"name": ["KP", "Balochistan"]}, geometry=[box(70, 32, 73, 35), box(65, 28, 68, 32)], crs="EPSG:4326"
    )
    provinces.to_file(tmp_path / "provinces.geojson", driver="GeoJSON")
    session = session_with(files, "refugees", "districts", "sites")
    session.add_layer(open_layer(tmp_path / "provinces.geojson"), tmp_path / "provinces.geojson")
    districts, sites, provinces = (session.layer(n).style.symbol for n in ("districts", "sites", "provinces"))
    # The first boundaries are filled; the points take the next colour; the provinces added over the
    # districts are an outline in a third colour, so the districts beneath stay visible.
    assert (districts.fill, sites.fill) == colours[:2]
    assert provinces.fill == "none" and provinces.stroke == colours[2] and provinces.stroke_width >= 0.5
    assert session.project.layer_spec("provinces").style is session.layer("provinces").style
    # A style the layer came with (a catalog's, a caller's) is kept.
    styled = open_layer(tmp_path / "provinces.geojson")
    styled.style = SingleSymbolStyle(Symbol(fill="#123456"))
    session.add_layer(styled, tmp_path / "provinces.geojson")
    assert session.layer("provinces (2)").style.symbol.fill == "#123456"
