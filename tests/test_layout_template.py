"""Page templates: the four UNHCR templates load, and an officer's mistakes are clear StyleErrors."""

from __future__ import annotations

from pathlib import Path

import pytest

from pakmap.errors import StyleError
from pakmap.layout.box import Box, overlaps
from pakmap.layout.template import ELEMENTS, available_templates, load_template

PAGES = {"a4_landscape": (297, 210), "a4_portrait": (210, 297), "a3_landscape": (420, 297), "a3_portrait": (297, 420)}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_standard_templates_place_every_element_inside_the_page_without_overlap(name):
    template = load_template(name)
    assert (template.width, template.height) == PAGES[name]
    # The charts panel is cut from the map frame when a project has charts (pakmap.layout.chart_panel).
    assert set(template.elements) == set(ELEMENTS) - {"charts"}
    printable = template.page.inset(template.margin)
    for spec in template.elements.values():
        assert spec.box.inside(printable), spec.name
    assert overlaps({n: s.box for n, s in template.elements.items()}) == []
    assert template.font == "Lato"
    assert template.elements["title"].color in ("#0072BC", "#18375F")
    assert "do not imply official endorsement" in template.texts["disclaimer"]
    assert "Line of Control in Jammu and Kashmir" in template.texts["kashmir_note"]


def test_available_templates_lists_the_four():
    assert set(PAGES) <= set(available_templates())


def test_box_geometry():
    a, b = Box(0, 0, 10, 10), Box(10, 0, 5, 5)
    assert not a.intersects(b)  # touching edges do not overlap
    assert a.intersects(Box(9.9, 9.9, 1, 1))
    assert Box(1, 1, 2, 2).inside(a) and not Box(9, 9, 2, 2).inside(a)
    assert a.to_px(25.4) == (0, 0, 10, 10)


def _write(tmp_path: Path, text: str) -> Path:
    base = load_template("a4_landscape").path.read_text(encoding="utf-8")
    path = tmp_path / "mine.toml"
    path.write_text(base + text if text.startswith("\n") else text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "text, expected",
    [
        ("\n[elements.titel]\nbox = [1, 1, 1, 1]\n", "unknown element(s) titel"),
        (
            "[page]\nwidth = 297\nheight = 210\nmargin = 8\n[elements.map]\nbox = [8, 27, 210, 158]\n",
            "no title element",
        ),
        (
            "[page]\nwidth = 297\nheight = 210\nmargin = 8\n[elements.map]\nbox = [8, 27, 210, 158]\n[elements.title]\nbox = [8, 30, 100, 10]\n",
            "elements 'map' and 'title' overlap",
        ),
        (
            "[page]\nwidth = 297\nheight = 210\nmargin = 8\n[elements.map]\nbox = [8, 27, 290, 158]\n[elements.title]\nbox = [8, 8, 100, 10]\n",
            "outside the page margins",
        ),
        (
            '[page]\nwidth = 297\nheight = 210\nmargin = 8\n[elements.map]\nbox = [8, 27, 200, 158]\ncolour = "#000000"\n'
            "[elements.title]\nbox = [8, 8, 100, 10]\n",
            "unknown key(s) colour in [elements.map]",
        ),
        (
            "[page]\nwidth = 297\nheight = 210\nmargin = 8\n[elements.map]\nbox = [8, 27, 200, 158]\n"
            '[elements.title]\nbox = [8, 8, 100, 10]\ncolor = "blue"\n',
            "is not a colour",
        ),
        (
            "[page]\nwidth = 297\nheight = 210\nmargin = 8\n[elements.map]\nbox = [8, 27, 200]\n[elements.title]\nbox = [8, 8, 100, 10]\n",
            "needs box = [x, y, width, height]",
        ),
        ("[page]\nwidth = 297\n", "height must be a positive number"),
        ("[page\n", "cannot read the template"),
    ],
)
def test_template_mistakes_are_one_line_style_errors_naming_the_file(tmp_path, text, expected):
    path = _write(tmp_path, text)
    with pytest.raises(StyleError) as info:
        load_template(path)
    message = str(info.value)
    assert expected in message
    assert str(path) in message and "\n" not in message and info.value.fix


def test_missing_template_lists_the_available_ones(tmp_path):
    with pytest.raises(StyleError, match="a4_landscape"):
        load_template("a5_sideways")


def test_an_officer_can_remove_optional_elements(tmp_path):
    path = tmp_path / "minimal.toml"
    path.write_text(
        "[page]\nwidth = 297\nheight = 210\nmargin = 8\n[elements.map]\nbox = [8, 27, 200, 158]\n"
        "[elements.title]\nbox = [8, 8, 100, 10]\n",
        encoding="utf-8",
    )
    template = load_template(path)
    assert set(template.elements) == {"map", "title"}
