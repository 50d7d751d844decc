"""Builders shared by the layout and export tests: the real districts with census figures.

Real boundaries from ``../shared/data`` (``pakistan_admin.gpkg``), the census CSV joined with a plain
pandas merge (``name`` = ``district``) so these tests do not depend on ``pakmap.join``.
"""

from __future__ import annotations

import functools

import geopandas as gpd
import pandas as pd
import pytest

from pakmap.layer import VectorLayer
from pakmap.project.loaded import LoadedProject
from pakmap.project.model import LayoutSpec, Project
from pakmap.style import GraduatedStyle, SingleSymbolStyle, Symbol

TITLE = "Pakistan: population by district"
SOURCES = "Boundaries: © OpenStreetMap contributors; Statistics: PBS Census 2023; UNHCR"


@functools.lru_cache(maxsize=None)
def _frames(gpkg: str):
    districts = gpd.read_file(gpkg, layer="districts")
    census = pd.read_csv(gpkg.replace("pakistan_admin.gpkg", "pak_census2023_districts.csv"))
    districts = districts.merge(
        census[["district", "population_2023"]], left_on="name", right_on="district", how="left"
    )
    return districts, gpd.read_file(gpkg, layer="provinces"), gpd.read_file(gpkg, layer="line_of_control")


def real_project(
    gpkg,
    *,
    illustrative: bool = False,
    template: str = "a4_landscape",
    provinces: bool = True,
    loc: bool = True,
    **layout,
) -> LoadedProject:
    """Districts (graduated by population, 5 natural-breaks classes), provinces outline, Line of Control."""
    districts, prov, line = _frames(str(gpkg))
    layers = [VectorLayer("districts", districts.copy(), style=GraduatedStyle(field="population_2023", classes=5))]
    if provinces:
        layers.append(
            VectorLayer(
                "provinces",
                prov,
                style=SingleSymbolStyle(Symbol(fill="#00000000", stroke="#333333", stroke_width=0.35)),
            )
        )
    if loc:
        layers.append(
            VectorLayer(
                "line_of_control",
                line,
                style=SingleSymbolStyle(Symbol(fill="#333333", stroke="#333333", stroke_width=0.4)),
            )
        )
    spec = LayoutSpec(
        template=template,
        title=TITLE,
        subtitle="Population Census 2023, by district",
        as_of="1 March 2023",
        map_id="PAK-IM-2026-001",
        sources=SOURCES,
        contact="UNHCR Pakistan Information Management",
    )
    for key, value in layout.items():
        setattr(spec, key, value)
    return LoadedProject(Project(layout=spec, illustrative=illustrative), layers)


@pytest.fixture
def loaded(admin_gpkg) -> LoadedProject:
    return real_project(admin_gpkg)
