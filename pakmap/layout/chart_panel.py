"""Where the page's charts go: the template's ``charts`` box, else a panel cut from the map frame.

The standard templates fill their side column with the legend, locator and scale; a chart would
overlap them. So, unless a template places a ``charts`` box of its own, the map frame gives up a
panel on its right (a landscape frame) or at its bottom (a portrait one), and the charts share the
panel in proportion to their rows. Nothing else on the page moves, so no furniture is covered.
"""

from __future__ import annotations

import dataclasses

from .box import Box
from .chart_data import ChartTable
from .template import ElementSpec, Template

GAP = 4.0  # mm between the map frame and the panel, and between charts
SIDE = (0.34, 58.0, 92.0)  # a landscape frame's panel width: share of the frame, least, most (mm)
BOTTOM = (0.30, 48.0, 85.0)  # a portrait frame's panel height: share, least, most (mm)
HEADER_ROWS = 3.0  # a chart's title, heading and note, in rows, when the panel is shared out
CHART_STYLE = {"size": 7.0, "min_size": 5.0, "title_size": 8.5, "color": "#333333", "fill": "#0072BC"}


def chart_name(i: int) -> str:
    return f"chart_{i + 1}"


def place_charts(template: Template, tables: list[ChartTable]) -> dict[str, ElementSpec]:
    """The template's elements with the map frame made room in and one ``chart_N`` per table."""
    specs = dict(template.elements)
    panel_spec = specs.pop("charts", None)
    if not tables:
        return specs
    if panel_spec is not None:
        panel = panel_spec.box
        style = {k: getattr(panel_spec, k) for k in CHART_STYLE if getattr(panel_spec, k) is not None}
        style = {**CHART_STYLE, **style}
    else:
        frame = specs["map"].box
        map_box, panel = _cut(frame)
        specs["map"] = dataclasses.replace(specs["map"], box=map_box)
        style = dict(CHART_STYLE)
    across = panel.width > panel.height * 1.2  # a wide panel: charts side by side
    weights = [len(t.rows) + HEADER_ROWS for t in tables]
    length = (panel.width if across else panel.height) - GAP * (len(tables) - 1)
    start = panel.x if across else panel.y
    for i, weight in enumerate(weights):
        share = length * weight / sum(weights)
        if across:
            box = Box(start, panel.y, share, panel.height)
        else:
            box = Box(panel.x, start, panel.width, share)
        specs[chart_name(i)] = ElementSpec(name=chart_name(i), box=box, **style)
        start += share + GAP
    return specs


def _cut(frame: Box) -> tuple[Box, Box]:
    if frame.width >= frame.height:
        share, least, most = SIDE
        width = min(max(frame.width * share, least), most)
        map_box = Box(frame.x, frame.y, frame.width - width - GAP, frame.height)
        return map_box, Box(map_box.right + GAP, frame.y, width, frame.height)
    share, least, most = BOTTOM
    height = min(max(frame.height * share, least), most)
    map_box = Box(frame.x, frame.y, frame.width, frame.height - height - GAP)
    return map_box, Box(frame.x, map_box.bottom + GAP, frame.width, height)
