"""An export publishes the fields it shows, and is protected on those.

A print (PNG, PDF) shows the style field, the labels, the charts and the atlas fields; a web map what
its colours, labels and popups show; a GeoPackage the fields the map uses. A count field that the
export does not show is not published: no complementary suppression runs on it and its record does
not list it. Labelled, the same field is protected as before: no suppressed cell can be recovered.
"""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pytest
from test_protection_complementary import exposed_cells

from pakmap.jobs.outputs import write_output
from pakmap.layer import SourceInfo, VectorLayer
from pakmap.project.loaded import LoadedProject
from pakmap.project.model import LayerSpec, Project
from pakmap.protection.complementary import SECONDARY_MARK
from pakmap.protection.policy import DATA, PRINT, WEB, guard_export, shown_fields
from pakmap.style import GraduatedStyle, LabelStyle

pytestmark = pytest.mark.filterwarnings("ignore:Could not parse column:UserWarning")


def districts_with_households(districts_path, labels: LabelStyle | None = None, popups=()) -> LoadedProject:
    """The real districts mapped by refugees (all large), with a count of households that has one
    small cell: alone under 5 in its province and in the country, so the province total, or the
    national one, gives it back unless other cells are hidden too."""
    districts = gpd.read_file(districts_path)
    districts["refugees"] = np.arange(len(districts)) * 10 + 500
    districts["households"] = np.arange(len(districts)) * 3 + 40
    sindh = np.flatnonzero(districts["province"] == "Sindh")
    districts.loc[sindh[4], "households"] = 3
    layer = VectorLayer("districts", districts, SourceInfo(districts_path))
    layer.style = GraduatedStyle(field="refugees")
    layer.labels = labels
    project = Project(layers=[LayerSpec("districts", str(districts_path), popup_fields=list(popups))])
    return LoadedProject(project, [layer])


@pytest.mark.timeout(120)
@pytest.mark.parametrize("suffix", [".png", ".pdf"])
def test_a_print_does_not_publish_nor_protect_a_count_it_does_not_show(districts_path, tmp_path, suffix):
    loaded = districts_with_households(districts_path, popups=["households"])  # popups are not printed
    out = tmp_path / f"map{suffix}"
    write_output(loaded, out, dpi=40)
    protection = json.loads((tmp_path / f"map{suffix}.record.json").read_text(encoding="utf-8"))["protection"]
    assert protection["published"] == {"districts": ["refugees"]}
    assert "districts" not in protection["secondary_suppressed"]
    assert "districts" not in protection["suppressed_counts"]
    safe, plan = guard_export(loaded, out, shows=PRINT)
    assert plan.layers["districts"].secondary == {}
    # The field is not touched: nothing in it was computed for an export that does not show it.
    assert safe.layer("districts").data["households"].tolist() == loaded.layer("districts").data["households"].tolist()


@pytest.mark.parametrize(
    "labels", [LabelStyle(field="households"), LabelStyle(expression="{name}\n{households:,.0f} households")]
)
def test_a_print_that_labels_the_count_protects_it(districts_path, tmp_path, labels):
    loaded = districts_with_households(districts_path, labels=labels)
    safe, plan = guard_export(loaded, tmp_path / "map.pdf", shows=PRINT)
    assert "households" in plan.layers["districts"].fields
    assert plan.layers["districts"].secondary["households"] >= 1
    published = safe.layer("districts").data
    assert (published["households"] == SECONDARY_MARK).any()
    assert exposed_cells(published, ["households"], ["division", "province"], []) == []
    # Without the complementary cells the small one is recoverable: the check above can fail.
    original = loaded.layer("districts").data
    assert exposed_cells(original, ["households"], ["division", "province"], []) != []


def test_each_kind_of_export_publishes_what_it_shows(districts_path, tmp_path):
    loaded = districts_with_households(districts_path, popups=["name", "households"])
    layer, project = loaded.layer("districts"), loaded.project
    assert shown_fields(project, layer, PRINT, drawn=True) == {"refugees"}
    assert shown_fields(project, layer, WEB, drawn=True) == {"refugees", "name", "households"}
    assert shown_fields(project, layer, DATA, drawn=False) == {"refugees", "name", "households"}
    assert shown_fields(project, layer, None, drawn=True) is None  # unknown export: every field
    _, web = guard_export(loaded, tmp_path / "map.html", shows=WEB)
    assert web.layers["districts"].fields == ["name", "refugees", "households"]
    assert web.layers["districts"].secondary["households"] >= 1


def test_a_declared_denominator_of_a_shown_rate_is_published_with_it(districts_path):
    loaded = districts_with_households(districts_path)
    layer = loaded.layer("districts")
    layer.data["share"] = 0.5
    layer.style = GraduatedStyle(field="share")
    loaded.project.layers[0].denominators = {"share": "households"}
    assert shown_fields(loaded.project, layer, PRINT, drawn=True) == {"share", "households"}


def test_a_label_that_cannot_be_read_publishes_every_field(districts_path):
    """Deny by default: when the fields an export shows cannot be told, all are protected."""
    loaded = districts_with_households(districts_path, labels=LabelStyle(expression="{name} {households"))
    assert shown_fields(loaded.project, loaded.layer("districts"), PRINT, drawn=True) is None
    _, plan = guard_export(loaded, None, shows=PRINT)
    assert "households" in plan.layers["districts"].fields
