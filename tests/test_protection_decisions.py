"""Protection decisions saved in the project and read back."""

from __future__ import annotations

import pytest

from pakmap.errors import ProjectError, ProtectionError
from pakmap.project import load_project, save_project
from pakmap.project.model import LayerSpec, Project
from pakmap.protection.decisions import allow_field, revoke_allow, set_aggregation


def make_project() -> Project:
    return Project(layers=[LayerSpec("districts", "districts.gpkg"), LayerSpec("households", "survey.csv")])


def test_allow_saved_and_read_back(tmp_path):
    project = make_project()
    changes = []
    project.changed.connect(lambda p: changes.append(p))
    allow_field(project, "households", "phone", export="out/partner.html", reason="  partner data-sharing agreement ")
    allow_field(project, "households", "phone", export="out/partner.html", reason="renewed agreement")
    set_aggregation(project, "households", "admin:districts")
    assert len(changes) == 3
    path = save_project(project, tmp_path / "p.toml")
    again = load_project(path)
    assert [(a.layer, a.field, a.export, a.reason) for a in again.protection.allow] == [
        ("households", "phone", "out/partner.html", "renewed agreement")
    ]
    assert again.protection.aggregate == {"households": "admin:districts"}
    assert revoke_allow(again, "households", "phone") == 1 and again.protection.allow == []
    set_aggregation(again, "households", None)
    assert again.protection.aggregate == {}


def test_bad_decisions_refused():
    project = make_project()
    with pytest.raises(ProtectionError, match="needs a reason"):
        allow_field(project, "households", "phone")
    with pytest.raises(ProjectError, match="no layer named 'villages'"):
        allow_field(project, "villages", "phone", reason="x")
    for how, message in [
        ("hex:0.2", "not a hexagon size"),
        ("hex:ten", "not a hexagon size"),
        ("admin:households", "counted in itself"),
        ("grid:5", "unknown aggregation"),
    ]:
        with pytest.raises(ProtectionError, match=message):
            set_aggregation(project, "households", how)
    with pytest.raises(ProjectError, match="no layer named 'provinces'"):
        set_aggregation(project, "households", "admin:provinces")
    assert project.protection.allow == [] and project.protection.aggregate == {}
