"""Print exports: PDF (vector, fonts embedded), SVG, PNG (with world file), atlases.

``export_print`` is the one entry point the ``render`` command, ``pakmap map`` and the desktop app
call; it composes the page from the project's layout and picks the writer from the extension.
"""

from __future__ import annotations

import os
from pathlib import Path

from .. import limits
from ..errors import ExportError
from ..project.loaded import LoadedProject

__all__ = ["export_print", "PRINT_SUFFIXES"]

PRINT_SUFFIXES = (".pdf", ".png", ".svg")


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
    from ..layout.template import load_template

    out_path = Path(out_path)
    suffix = out_path.suffix.lower()
    template = load_template(loaded.project.layout.template, loaded.project.folder)
    # Every format renders the page (or, in a PDF, its rasters and dense layers) at dpi: bounded first.
    limits.check_page(template.width, template.height, dpi, path=out_path)
    if atlas:
        from .atlas import write_atlas

        return write_atlas(loaded, out_path, atlas, dpi=dpi, world_file=world_file)
    if suffix not in PRINT_SUFFIXES:
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
        from .png import write_map_png

        px = dpi / 25.4
        return write_map_png(
            loaded,
            out_path,
            width=round(template.width * px),
            height=round(template.height * px),
            dpi=dpi,
            world_file=world_file,
        )
    from ..layout.compose import compose_page

    page = compose_page(loaded)
    if suffix == ".pdf":
        from .pdf import write_pdf

        return [write_pdf([page], out_path, dpi=dpi)]
    if suffix == ".svg":
        from .svg import write_svg

        return [write_svg(page, out_path, dpi=dpi)]
    from .png import write_png

    return write_png(page, out_path, dpi=dpi, world_file=world_file)
