"""Report outputs: a PDF (a map page composed by the page layout, then table pages) and an HTML file.

The map page is an ordinary pakmap page (``compose_page`` + ``paint_page``: template, legend, scale
bar, sources, Lato) of a project built in memory; the tables that follow are drawn on the same
``pdf_document`` in Lato on A4 landscape, in UNHCR's blue, wrapped to their columns and continued
on as many pages as they need, with the header row repeated. The HTML report is one self-contained
file (the map page embedded as a PNG, styles inline, no script, nothing fetched), every text escaped.
"""

from __future__ import annotations

import base64
import html
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPen

from ..atomic import write_text_atomic
from ..dates import creation_date
from ..errors import ExportError
from ..export.pdf import pdf_document
from ..export.png import page_image
from ..export.png_encode import encode_png
from ..file_guard import check_outputs
from ..layout.paint import paint_page
from ..layout.text import make_font, wrap
from ..protection.record import record_path

BLUE = "#0072BC"
HEADER_FILL = "#DCE9F5"
GRID = "#BFC9D4"
TEXT = "#1A1A1A"
PAGE_W, PAGE_H, MARGIN = 297.0, 210.0, 14.0
FAMILY = "Lato"
PageWriter = Callable[[Any, float], None]  # draws pages into a pdf_document: (pdf, dpi)


@dataclass
class Table:
    heading: str
    columns: list[str]
    rows: list[list[str]]
    note: str = ""
    widths: list[float] = field(default_factory=list)  # relative column widths (default: from the texts)
    total: list[str] = field(default_factory=list)  # a last row in bold (the table's totals)


@dataclass
class Report:
    title: str
    subtitle: str
    tables: list[Table]
    notes: list[str] = field(default_factory=list)
    sources: str = ""


def _widths(table: Table) -> list[float]:
    if table.widths:
        total = sum(table.widths)
        return [w / total for w in table.widths]
    longest = [
        min(60, max([len(table.columns[i])] + [len(r[i]) for r in table.rows[:200]]) + 4)
        for i in range(len(table.columns))
    ]
    total = sum(longest)
    return [w / total for w in longest]


class _TablePainter:
    """Lays table rows out on A4 landscape pages, starting a new page when one is full."""

    painter: QPainter  # the current page's, from ``new_page``

    def __init__(self, pdf, dpi: float, report: Report):
        self.pdf, self.px, self.report = pdf, dpi / 25.4, report
        self.fonts = {
            "title": make_font(FAMILY, 15, True),
            "heading": make_font(FAMILY, 11, True),
            "cell": make_font(FAMILY, 7.5),
            "head": make_font(FAMILY, 7.5, True),
            "note": make_font(FAMILY, 7.5),
        }
        self.metrics_of = lambda font: QFontMetricsF(font, self.painter.device())
        self.y = 0.0
        self.page = 0

    def new_page(self) -> None:
        self.painter = self.pdf.new_page(PAGE_W, PAGE_H)
        self.page += 1
        p = self.painter
        p.setPen(QColor(BLUE))
        p.setFont(self.fonts["title"])
        p.drawText(QPointF(MARGIN * self.px, (MARGIN + 5) * self.px), self.report.title)
        p.setPen(QColor(TEXT))
        p.setFont(self.fonts["note"])
        p.drawText(QPointF(MARGIN * self.px, (PAGE_H - 7) * self.px), f"{self.report.subtitle} · page {self.page}")
        self.y = MARGIN + 11

    def _lines(self, text: str, font, width_mm: float) -> list[str]:
        return wrap(text, self.metrics_of(font), width_mm * self.px) or [""]

    def text_block(self, text: str, key: str = "note", color: str = TEXT) -> None:
        font = self.fonts[key]
        metrics = self.metrics_of(font)
        line_mm = (metrics.ascent() + metrics.descent()) / self.px * 1.15
        lines = self._lines(text, font, PAGE_W - 2 * MARGIN)
        if self.y + line_mm * min(len(lines), 3) > PAGE_H - MARGIN - 6:
            self.new_page()
        self.painter.setFont(font)
        self.painter.setPen(QColor(color))
        for line in lines:
            self.painter.drawText(QPointF(MARGIN * self.px, (self.y + line_mm * 0.8) * self.px), line)
            self.y += line_mm
        self.y += 1.5

    def table(self, table: Table) -> None:
        width = PAGE_W - 2 * MARGIN
        cols = [w * width for w in _widths(table)]
        cell_font, head_font = self.fonts["cell"], self.fonts["head"]
        metrics = self.metrics_of(cell_font)
        line_mm = (metrics.ascent() + metrics.descent()) / self.px * 1.05
        self.text_block(table.heading, "heading", BLUE)
        if table.note:
            self.text_block(table.note)

        def row(cells: list[str], font, fill: str | None) -> None:
            wrapped = [self._lines(c, font, w - 2) for c, w in zip(cells, cols)]
            height = max(len(w) for w in wrapped) * line_mm + 1.3
            if self.y + height > PAGE_H - MARGIN - 6:
                self.new_page()
                self.text_block(f"{table.heading} (continued)", "heading", BLUE)
                if font is cell_font:
                    row(table.columns, head_font, HEADER_FILL)
            p = self.painter
            x = MARGIN
            if fill:
                p.fillRect(QRectF(MARGIN * self.px, self.y * self.px, width * self.px, height * self.px), QColor(fill))
            p.setFont(font)
            p.setPen(QColor(TEXT))
            for lines, w in zip(wrapped, cols):
                for i, line in enumerate(lines):
                    p.drawText(QPointF((x + 1) * self.px, (self.y + 0.8 + line_mm * (i + 0.8)) * self.px), line)
                x += w
            self.y += height
            p.setPen(QPen(QColor(GRID), 0.15 * self.px))
            p.drawLine(
                QPointF(MARGIN * self.px, self.y * self.px), QPointF((MARGIN + width) * self.px, self.y * self.px)
            )

        row(table.columns, head_font, HEADER_FILL)
        for cells in table.rows:
            row(cells, cell_font, None)
        if table.total:
            row(table.total, head_font, HEADER_FILL)
        self.y += 5


def write_report_pdf(
    out_path: str | os.PathLike, report: Report, map_page=None, *, dpi: int = 150, pages: Sequence[PageWriter] = ()
) -> Path:
    """The map page (a composed ``Page``, when given), the ``pages`` (each draws its own pages into the
    document: ``page(pdf, dpi)``), then the report's notes and tables."""
    out_path = Path(out_path)
    info = {
        "Title": report.title,
        "Subject": report.subtitle,
        "Creator": "pakmap",
        "Producer": "pakmap (Qt PDF writer, pikepdf)",
    }
    if map_page is not None:
        info["Author"] = map_page.template.texts.get("logo_text", "")  # the organisation, never a person
    with pdf_document(out_path, dpi=dpi, title=report.title, info=info, created=creation_date().isoformat()) as pdf:
        if map_page is not None:
            template = map_page.template
            # The page's render context: its image sink takes dense point layers, as in a map's PDF.
            paint_page(map_page, pdf.new_page(template.width, template.height, template.name), dpi, pdf.context)
        for page in pages:
            page(pdf, dpi)
        tables = _TablePainter(pdf, dpi, report)
        tables.page = pdf.count  # the footer's page numbers go on after the pages before
        tables.new_page()
        for note in report.notes:
            tables.text_block(note)
        for table in report.tables:
            tables.table(table)
    return out_path


def page_png(page, dpi: int = 110) -> bytes:
    """A composed page as PNG bytes (the HTML report's map)."""
    return encode_png(page_image(page, dpi)[0])


def check_product_outputs(outputs, formats: tuple[str, ...], what: str, read) -> None:
    """Before any data is read: every output has a format ``what`` can be written as, its folder is
    writable, and neither it nor its export record is a file the product reads (``read``)."""
    for out in outputs:
        if Path(out).suffix.lower() not in formats:
            raise ExportError(
                f"cannot write {what} as '{Path(out).suffix or 'no extension'}'",
                path=out,
                fix=f"use one of: {', '.join(formats)}",
            )
    check_outputs([p for out in outputs for p in (Path(out), record_path(out))], read)


_CSS = f"""body{{font-family:Lato,'Segoe UI',Arial,sans-serif;color:{TEXT};margin:2em auto;max-width:70em;padding:0 1em}}
h1{{color:{BLUE};font-size:1.6em;margin-bottom:.2em}}h2{{color:{BLUE};font-size:1.15em;margin-top:1.6em}}
p.sub{{margin-top:0;color:#555}}table{{border-collapse:collapse;width:100%;font-size:.85em;table-layout:fixed}}
th{{background:{HEADER_FILL};text-align:left}}th,td{{padding:.3em .5em;border-bottom:1px solid {GRID};vertical-align:top}}
img{{max-width:100%;border:1px solid {GRID}}}p.note{{font-size:.9em}}"""


def write_report_html(out_path: str | os.PathLike, report: Report, map_png: bytes | None = None) -> Path:
    """One offline HTML file: title, the map (embedded PNG), notes, tables, Lato embedded (subset, as
    in the web maps); every text escaped."""
    # pakmap.web.assets loads folium, which only this HTML report needs of the products.
    from ..web.assets import lato_css

    e = html.escape
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; font-src data:; style-src 'unsafe-inline'\">",
        f"<title>{e(report.title)}</title><style>{lato_css()}{_CSS}</style></head><body>",
        f"<h1>{e(report.title)}</h1>",
        f'<p class="sub">{e(report.subtitle)}</p>',
    ]
    if map_png is not None:
        data = base64.b64encode(map_png).decode("ascii")
        parts.append(f'<img alt="{e("Map: " + report.title)}" src="data:image/png;base64,{data}">')
    parts += [f'<p class="note">{e(note)}</p>' for note in report.notes]
    for table in report.tables:
        parts.append(f"<h2>{e(table.heading)}</h2>")
        if table.note:
            parts.append(f'<p class="note">{e(table.note)}</p>')
        head = "".join(f"<th>{e(c)}</th>" for c in table.columns)
        body = "".join("<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>" for row in table.rows)
        foot = "<tfoot><tr>" + "".join(f"<th>{e(c)}</th>" for c in table.total) + "</tr></tfoot>" if table.total else ""
        cols = "".join(f'<col style="width:{100 * w:.1f}%">' for w in _widths(table))
        parts.append(
            f"<table><colgroup>{cols}</colgroup><thead><tr>{head}</tr></thead><tbody>{body}</tbody>{foot}</table>"
        )
    if report.sources:
        parts.append(f'<p class="note">{e(report.sources)}</p>')
    parts.append("</body></html>")
    out_path = Path(out_path)
    write_text_atomic(out_path, "\n".join(parts) + "\n")
    return out_path


__all__ = ["Report", "Table", "write_report_pdf", "write_report_html", "page_png", "check_product_outputs"]
