"""Print exports: PDF (vector, fonts embedded), SVG, PNG (with world file), atlases.

``export_print`` is the print exporter of ``pakmap.jobs.outputs.EXPORTERS`` (the one table from an
output's suffix to its exporter, which takes its print suffixes from ``PAGE_WRITERS`` here); it
composes the page from the project's layout and hands it to the page writer of its format.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

from .. import limits
from ..errors import ExportError
from ..layout.compose import Page, compose_page
from ..layout.template import load_template
from ..project.loaded import LoadedProject
from .atlas import write_atlas
from .pdf import write_pdf
from .png import write_map_png, write_png
from .svg import write_svg

__all__ = ["export_print", "PAGE_WRITERS"]


def _write_pdf_page(page: Page, out_path: Path, dpi: int, world_file: bool) -> list[Path]:
    return [write_pdf([page], out_path, dpi=dpi)]


def _write_svg_page(page: Page, out_path: Path, dpi: int, world_file: bool) -> list[Path]:
    return [write_svg(page, out_path, dpi=dpi)]


def _write_png_page(page: Page, out_path: Path, dpi: int, world_file: bool) -> list[Path]:
    return write_png(page, out_path, dpi=dpi, world_file=world_file)


# A print format's suffix → the writer of one composed page (``page, path, dpi, world_file``).
PAGE_WRITERS: dict[str, Callable[[Page, Path, int, bool], list[Path]]] = {
    ".pdf": _write_pdf_page,
    ".png": _write_png_page,
    ".svg": _write_svg_page,
}


def export_print(
    loaded: LoadedProject,
    out_path: str | os.PathLike,
    *,
    dpi: int = 300,
    atlas: str | None = None,
    world_file: bool = False,
    furniture: bool = True,
) -> list[Path]:
    """Write the print map of ``loaded`` to ``out_path`` (.pdf, .png or .svg); returns the files written.

    ``atlas`` names a coverage layer: one page per feature (a multi-page PDF, or one PNG per feature).
    ``world_file`` writes a .pgw georeferencing the map frame of a PNG. ``furniture=False`` writes the
    map alone as a PNG of the template's page size (its world file is then exact for every pixel).
    """
    out_path = Path(out_path)
    suffix = out_path.suffix.lower()
    template = load_template(loaded.project.layout.template, loaded.project.folder)
    # Every format renders the page (or, in a PDF, its rasters and dense layers) at dpi: bounded first.
    limits.check_page(template.width, template.height, dpi, path=out_path)
    if atlas:
        return write_atlas(loaded, out_path, atlas, dpi=dpi, world_file=world_file)
    if suffix not in PAGE_WRITERS:
        raise ExportError(
            f"unknown print format '{suffix or '(none)'}'",
            path=out_path,
            fix="end the output name with .pdf, .png or .svg (.html is the web map)",
        )
    if not furniture:
        if suffix != ".png":
            raise ExportError(
                "a map without page furniture is written as PNG",
                path=out_path,
                fix="use a .png output, or keep the page layout",
            )
        px = dpi / 25.4
        return write_map_png(
            loaded,
            out_path,
            width=round(template.width * px),
            height=round(template.height * px),
            dpi=dpi,
            world_file=world_file,
        )
    return PAGE_WRITERS[suffix](compose_page(loaded), out_path, dpi, world_file)
