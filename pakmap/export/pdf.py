"""PDF export: vector pages through ``QPdfWriter``, Lato embedded (subset), text selectable.

Document information: Title (the map title), Subject (subtitle and data date), Author (the
template's organisation), Creator (pakmap) and the creation date; never a local path or a user name
(the officer emails these files out).

Dense point layers go into the file as indexed images that pakmap writes itself: the pages are
painted with a render context whose image sink takes them (``pakmap/render/context.py``), and once
Qt has closed the file ``pdf_finish.py`` puts them in and sets the document information, before the
file is renamed into place.
"""

from __future__ import annotations

import contextlib
import itertools
import os
from pathlib import Path
from typing import Iterable, Iterator

from PySide6.QtCore import QMarginsF, QSizeF
from PySide6.QtGui import QPageLayout, QPageSize, QPainter, QPdfWriter

from ..atomic import atomic_path, check_complete
from ..errors import ExportError
from ..layout.compose import Page
from ..layout.paint import paint_page
from ..render.context import ImageSink, RenderContext, TextSink
from ..render.qt import ensure_gui_app


def page_layout(width_mm: float, height_mm: float, name: str = "") -> QPageLayout:
    """A page of exactly ``width_mm`` x ``height_mm``, without margins."""
    size = QPageSize(QSizeF(width_mm, height_mm), QPageSize.Unit.Millimeter, name, QPageSize.SizeMatchPolicy.ExactMatch)
    return QPageLayout(size, QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Millimeter)


class PdfPages:
    """The pages of a PDF being written (``pdf_document``): each ``new_page`` returns the painter;
    render into it with ``context``, whose image sink takes the dense point images."""

    def __init__(self, writer: QPdfWriter, painter: QPainter, out_path: Path, images: ImageSink, texts: TextSink):
        self._writer: QPdfWriter | None = writer
        self._painter: QPainter | None = painter
        self._out_path = out_path
        self.count = 0
        self.context = RenderContext(images=images, texts=texts)

    def new_page(self, width_mm: float, height_mm: float, name: str = "") -> QPainter:
        """Start a page of ``width_mm`` x ``height_mm`` (device pixels at the document's dpi)."""
        if self._writer is None or self._painter is None:
            raise RuntimeError("the PDF is already finished")
        self._writer.setPageLayout(page_layout(width_mm, height_mm, name))
        if self.count == 0:
            if not self._painter.begin(self._writer):
                raise ExportError("cannot write the PDF", path=self._out_path, fix="check the folder is writable")
        else:
            self._writer.newPage()
        if self.context.texts is not None:
            self.context.texts.page = self.count
        self.count += 1
        return self._painter

    def _close(self) -> None:
        # End the painter before the writer goes away, also on error: Qt crashes otherwise.
        if self._painter is not None and self._painter.isActive():
            self._painter.end()
        self._writer = self._painter = None


@contextlib.contextmanager
def pdf_document(
    out_path: str | os.PathLike,
    *,
    dpi: int = 300,
    title: str = "",
    creator: str = "pakmap",
    info: dict[str, str] | None = None,
    created: str | None = None,
) -> Iterator[PdfPages]:
    """Paint a PDF page by page, as every pakmap PDF export does, written atomically to ``out_path``.

    On leaving the block the file is finished (``finish_pdf``): the images handed to the pages'
    ``context`` are put in, and ``info`` (Title, Subject, ...) and ``created`` (ISO day) when given.
    """
    ensure_gui_app()
    out_path = Path(out_path)
    with atomic_path(out_path) as tmp:
        writer = QPdfWriter(str(tmp))
        writer.setResolution(int(dpi))
        writer.setTitle(title)
        writer.setCreator(creator)
        painter = QPainter()
        sink, texts = ImageSink(), TextSink()
        pages = PdfPages(writer, painter, out_path, sink, texts)
        try:
            yield pages
        finally:
            pages._close()
        count = pages.count
        del pages, painter, writer  # the writer flushes and closes the file before it is finished
        if count == 0:
            raise ExportError("nothing to export: no pages", path=out_path, fix="check the atlas layer has features")
        check_complete(tmp, out_path, b"%%EOF")
        if sink.images or info or texts.lines:
            # pikepdf (qpdf, and lxml for the XMP: ~8 MB resident) is loaded by the first PDF finished,
            # not by every render: a PNG export's page is drawn without it in memory.
            from .pdf_finish import PdfFinishError, finish_pdf

            try:
                finish_pdf(tmp, sink.images, info, created, texts.lines, dpi)
            except PdfFinishError as exc:
                raise ExportError(
                    f"cannot finish the PDF: {exc}", path=out_path, fix="report this as a bug in pakmap"
                ) from None


def write_pdf(
    pages: Iterable[Page], out_path: str | os.PathLike, *, dpi: int = 300, metadata: dict[str, str] | None = None
) -> Path:
    """Write ``pages`` (one or many: an atlas) to one PDF, atomically; ``metadata`` overrides the first page's."""
    out_path = Path(out_path)
    pages = iter(pages)
    first = next(pages, None)
    if first is None:
        raise ExportError("nothing to export: no pages", path=out_path, fix="check the atlas layer has features")
    meta = {**first.metadata, **(metadata or {})}
    info = {
        "Title": meta["title"],
        "Subject": meta["subject"],
        "Author": first.template.texts.get("logo_text", ""),  # the organisation, never a person
        "Creator": meta["creator"],
        "Producer": "pakmap (Qt PDF writer, pikepdf)",
    }
    with pdf_document(
        out_path, dpi=dpi, title=meta["title"], creator=meta["creator"], info=info, created=meta["created"]
    ) as pdf:
        for page in itertools.chain([first], pages):
            template = page.template
            paint_page(page, pdf.new_page(template.width, template.height, template.name), dpi, pdf.context)
    return out_path
