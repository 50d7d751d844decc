"""One plan per render: the exports of a project that publish the same fields share their protection.

A PNG and a PDF of the same map publish the same fields under the same decisions: their layers are
detected and protected once, and both records say the same. An export that shows other fields (a
web map's popups) or is allowed other fields gets its own protection.
"""

from __future__ import annotations

import json

import pytest
from test_protection_published_fields import districts_with_households

import pakmap.commands.common
import pakmap.protection.policy
import pakmap.protection.reuse
from pakmap.commands.common import run_project_exports
from pakmap.project.model import AllowSpec, ExportSpec

pytestmark = pytest.mark.filterwarnings("ignore:Could not parse column:UserWarning")


def _project_with_exports(districts_path, tmp_path, paths, popups=()):
    loaded = districts_with_households(districts_path, popups=popups)
    loaded.project.path = tmp_path / "map.toml"
    loaded.project.exports = [ExportSpec(path, dpi=30) for path in paths]
    return loaded


@pytest.fixture()
def calls(monkeypatch):
    """How many times the exports protected and detected the layers (the cells all exports of a
    render hide are worked out before: their protections are not counted)."""
    counted = {"protected": 0, "inspected": 0}
    protect, inspect = pakmap.protection.policy._protected_layers, pakmap.protection.reuse.inspect_layer
    shared = pakmap.commands.common.shared_suppression

    def shared_suppression(*args, **kwargs):
        cells = shared(*args, **kwargs)
        counted["protected"] = 0
        return cells

    def protected_layers(*args, **kwargs):
        counted["protected"] += 1
        return protect(*args, **kwargs)

    def inspect_layer(*args, **kwargs):
        counted["inspected"] += 1
        return inspect(*args, **kwargs)

    monkeypatch.setattr(pakmap.protection.policy, "_protected_layers", protected_layers)
    monkeypatch.setattr(pakmap.protection.reuse, "inspect_layer", inspect_layer)
    monkeypatch.setattr(pakmap.commands.common, "shared_suppression", shared_suppression)
    return counted


def _protection(tmp_path, name: str) -> dict:
    return json.loads((tmp_path / f"{name}.record.json").read_text(encoding="utf-8"))["protection"]


@pytest.mark.timeout(120)
def test_a_png_and_a_pdf_of_one_map_are_protected_once(districts_path, tmp_path, calls, capsys):
    loaded = _project_with_exports(districts_path, tmp_path, ["map.png", "map.pdf"])
    run_project_exports(loaded)
    assert calls == {"protected": 1, "inspected": 1}  # one layer, detected and protected once
    assert _protection(tmp_path, "map.png") == _protection(tmp_path, "map.pdf")


@pytest.mark.timeout(120)
def test_an_export_that_shows_other_fields_is_protected_on_its_own(districts_path, tmp_path, calls, capsys):
    loaded = _project_with_exports(districts_path, tmp_path, ["map.png", "map.html", "map.pdf"], popups=["households"])
    run_project_exports(loaded)
    assert calls["protected"] == 2  # the print's plan (PNG and PDF), the web map's
    png, web, pdf = (_protection(tmp_path, n) for n in ("map.png", "map.html", "map.pdf"))
    assert png == pdf and png["published"] == {"districts": ["refugees"]} and not png["secondary_suppressed"]
    assert web["published"] == {"districts": ["refugees", "households"]}
    assert web["secondary_suppressed"]["districts"]["households"] >= 1


@pytest.mark.timeout(120)
def test_an_export_allowed_other_fields_is_protected_on_its_own(districts_path, tmp_path, calls, capsys):
    loaded = _project_with_exports(districts_path, tmp_path, ["map.png", "map.pdf"])
    layer = loaded.layer("districts")
    layer.sensitive_fields = {"name": "a name"}
    layer.labels = None
    loaded.project.protection.allow = [AllowSpec("districts", "name", export="map.pdf", reason="agreement")]
    run_project_exports(loaded)
    assert calls["protected"] == 2
    assert _protection(tmp_path, "map.png")["withheld"] == {"districts": {"name": "a name"}}
    assert _protection(tmp_path, "map.pdf")["allowed"] == {"districts": {"name": "agreement"}}
