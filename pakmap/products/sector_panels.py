"""The 3W product's sector page: one small map per sector on one A4 landscape page, one legend.

Every panel draws the same units with the same classes (the partner counts of all sectors share one
scale, so a dark district means the same number of partners in every panel) over the same extent as
the map page. Each panel is headed by its sector's name on the sector's colour
(``styles/sectors.toml``) and the number of partners in it. Up to 12 sectors fit on the page; a
table with more continues on a second page.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter

from ..layer import VectorLayer
from ..layout.box import Box
from ..layout.legend import draw_legend, legend_groups
from ..layout.mapframe import draw_map_frame
from ..layout.template import ElementSpec
from ..layout.text import make_font
from ..mapview import fit_extent
from ..palettes import palette
from ..project.loaded import LoadedProject
from ..project.model import LayerSpec, Project
from ..style import GraduatedStyle
from .activities import PARTNERS, ThreeW
from .report_pages import BLUE, FAMILY, TEXT

PAGE_W, PAGE_H, MARGIN = 297.0, 210.0, 10.0
LEGEND_W = 46.0
HEADER_H = 6.0
PER_PAGE = 12
# Upper bounds of the partner classes: few organisations per district, so small whole steps first.
STEPS = (1, 2, 3, 5, 10, 20, 50, 100, 200, 500)
MAX_CLASSES = 5
PALETTE = "unhcr_blue"
NO_PARTNER = "No partner reported"  # a unit where no partner works: the no-data grey


def partner_breaks(largest: int) -> list[float]:
    """Class upper bounds for counts 1…``largest``: 1, 2, 3–5, 6–10… (at most five classes)."""
    bounds = [float(s) for s in STEPS if s < largest][: MAX_CLASSES - 1]
    return bounds + [float(max(largest, 1))]


def partner_style(field: str, largest: int) -> GraduatedStyle:
    """Partners per unit in UNHCR's sequential blue without its palest step (one partner must stand
    out from the grey of "no partner" even in a small panel)."""
    breaks = partner_breaks(largest)
    ramp = palette(PALETTE).colors[1:]
    return GraduatedStyle(
        field=field,
        method="manual",
        classes=len(breaks),
        breaks=breaks,
        palette=PALETTE,
        colors=list(ramp[: len(breaks)]),
        nodata_label=NO_PARTNER,
    )


def _grid(n: int) -> tuple[int, int]:
    """(columns, rows) for ``n`` panels on a landscape page: wider than tall."""
    columns = min(n, max(1, math.ceil(math.sqrt(n * 1.5))))
    return columns, math.ceil(n / columns)


class SectorPanels:
    """Draws the sector page(s) of a 3W report into a ``pdf_document`` (``draw(pdf, dpi)``)."""

    def __init__(self, safe: LoadedProject, layer_name: str, result: ThreeW) -> None:
        layer = safe.layer(layer_name)
        assert isinstance(layer, VectorLayer)
        self.layer, self.result = layer, result
        self.legend = legend_groups(safe)  # the partners in all sectors: the same classes as every panel
        self.title = safe.project.layout.title
        self.sources = safe.project.layout.sources
        self.largest = int(result.units[PARTNERS].max())
        xmin, ymin, xmax, ymax = layer.data.total_bounds  # every unit, as on the map page
        pad = 0.04 * max(xmax - xmin, ymax - ymin)
        self.extent = (xmin - pad, ymin - pad, xmax + pad, ymax + pad)

    def panel_project(self, field: str) -> LoadedProject:
        """The units coloured by ``field`` with the shared classes."""
        style = partner_style(field, self.largest)
        layer = VectorLayer("Partners", self.layer.data, self.layer.source)
        layer.declared_kinds = self.layer.declared_kinds  # organisations: no "<5"
        layer.style = style
        project = Project(layers=[LayerSpec("Partners", style=style)])
        return LoadedProject(project, [layer])

    def draw(self, pdf, dpi: float) -> None:
        sectors = self.result.sectors
        for start in range(0, len(sectors), PER_PAGE):
            self._page(pdf, dpi, sectors[start : start + PER_PAGE], start > 0)

    def _page(self, pdf, dpi: float, sectors, continued: bool) -> None:
        painter = pdf.new_page(PAGE_W, PAGE_H, "sectors")
        px = dpi / 25.4
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(QColor(BLUE))
        painter.setFont(make_font(FAMILY, 15, True))
        heading = "Partners per district, by sector" + (" (continued)" if continued else "")
        painter.drawText(QPointF(MARGIN * px, (MARGIN + 5) * px), heading)
        painter.setPen(QColor(TEXT))
        painter.setFont(make_font(FAMILY, 8))
        painter.drawText(
            QPointF(MARGIN * px, (MARGIN + 10) * px),
            f"{self.title}: number of partner organisations per unit in each sector (one scale for all panels)",
        )
        top = MARGIN + 14
        width = PAGE_W - 2 * MARGIN - LEGEND_W - 4
        height = PAGE_H - top - MARGIN - 8
        columns, rows = _grid(len(sectors))
        gap = 3.0
        cell_w = (width - gap * (columns - 1)) / columns
        cell_h = (height - gap * (rows - 1)) / rows
        map_w, map_h = cell_w, cell_h - HEADER_H
        extent = fit_extent(self.extent, map_w, map_h)
        for i, sector in enumerate(sectors):
            x = MARGIN + (i % columns) * (cell_w + gap)
            y = top + (i // columns) * (cell_h + gap)
            self._header(painter, px, x, y, cell_w, sector)
            loaded = self.panel_project(self.result.sector_field(sector))
            draw_map_frame(painter, loaded, Box(x, y + HEADER_H, map_w, map_h), extent, dpi, "#B3B3B3", (), pdf.context)
        spec = ElementSpec("legend", Box(PAGE_W - MARGIN - LEGEND_W, top, LEGEND_W, 70), size=8, title_size=8.5)
        draw_legend(painter, self.legend, spec, FAMILY, QRectF(*spec.box.to_px(dpi)), dpi)
        painter.setFont(make_font(FAMILY, 6.5))
        painter.setPen(QColor("#555555"))
        painter.drawText(QPointF(MARGIN * px, (PAGE_H - MARGIN + 1) * px), f"Sources: {self.sources}")

    def _header(self, painter: QPainter, px: float, x: float, y: float, w: float, sector) -> None:
        painter.fillRect(QRectF(x * px, y * px, w * px, (HEADER_H - 0.6) * px), QColor(sector.color))
        painter.setPen(QColor("#FFFFFF"))
        font = make_font(FAMILY, 8, True)
        painter.setFont(font)
        count = self.result.sector_partners.get(sector.key, 0)
        text = f"{sector.label} · {count} partner{'s' if count != 1 else ''}"
        rect = QRectF((x + 1.5) * px, y * px, (w - 3) * px, (HEADER_H - 0.6) * px)
        shown = QFontMetricsF(font, painter.device()).elidedText(text, Qt.TextElideMode.ElideRight, rect.width())
        painter.drawText(rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, shown)


__all__ = ["SectorPanels", "partner_style", "partner_breaks", "NO_PARTNER"]
