"""PDF export: vector pages through ``QPdfWriter``, Lato embedded (subset), text selectable.

Document information: Title (the map title), Subject (subtitle and data date), Creator (pakmap) and
the creation date; never a local path or a user name (the officer emails these files out).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable

from PySide6.QtCore import QMarginsF, QSizeF
from PySide6.QtGui import QPageLayout, QPageSize, QPainter, QPdfWriter

from ..atomic import atomic_path
from ..errors import ExportError
from ..layout.compose import Page
from ..layout.paint import paint_page
from ..render.qt import ensure_gui_app
from .metadata import set_document_info


def _page_layout(page: Page) -> QPageLayout:
    size = QPageSize(QSizeF(page.template.width, page.template.height), QPageSize.Unit.Millimeter,
                     page.template.name, QPageSize.SizeMatchPolicy.ExactMatch)
    return QPageLayout(size, QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Millimeter)


def write_pdf(pages: Iterable[Page], out_path: str | os.PathLike, *, dpi: int = 300,
              metadata: dict[str, str] | None = None) -> Path:
    """Write ``pages`` (one or many: an atlas) to one PDF, atomically; ``metadata`` overrides the first page's."""
    ensure_gui_app()
    out_path = Path(out_path)
    with atomic_path(out_path) as tmp:
        writer = None
        painter = QPainter()
        first: Page | None = None
        try:
            for page in pages:
                if writer is None:
                    first = page
                    writer = QPdfWriter(str(tmp))
                    writer.setResolution(int(dpi))
                    writer.setPageLayout(_page_layout(page))
                    writer.setTitle((metadata or page.metadata)["title"])
                    writer.setCreator(page.metadata["creator"])
                    if not painter.begin(writer):
                        raise ExportError("cannot write the PDF", path=out_path, fix="check the folder is writable")
                else:
                    writer.setPageLayout(_page_layout(page))
                    writer.newPage()
                paint_page(page, painter, dpi)
        finally:
            # End the painter before the writer goes away, also on error: Qt crashes otherwise.
            if painter.isActive():
                painter.end()
        if writer is None:
            raise ExportError("nothing to export: no pages", path=out_path, fix="check the atlas layer has features")
        del painter, writer  # flush and close the file before it is renamed
        meta = {**first.metadata, **(metadata or {})}
        set_document_info(tmp, {"Title": meta["title"], "Subject": meta["subject"], "Creator": meta["creator"],
                                "Producer": "pakmap (Qt PDF writer)"}, created=meta["created"])
    return out_path
