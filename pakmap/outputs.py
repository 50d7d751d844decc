"""From a loaded project to files: protection check, the right exporter, the export record.

The ``render`` and ``map`` commands and the desktop app's export action all go through
``write_output``, so no export path can skip the data-protection guard or the export record.
"""

from __future__ import annotations

import os
from pathlib import Path

from .errors import ExportError
from .project.loaded import LoadedProject

PRINT_FORMATS = (".pdf", ".png", ".svg")
WEB_FORMATS = (".html", ".htm")
DATA_FORMATS = (".gpkg",)  # the published layers themselves, protected like every other output


def write_output(loaded: LoadedProject, out_path: str | os.PathLike, *, dpi: int = 300,
                 atlas: str | None = None, world_file: bool = False,
                 allow_sensitive: tuple[str, ...] = (), aggregate: dict[str, str] | None = None) -> list[Path]:
    """Export ``loaded`` to ``out_path`` (format from the extension); returns the files written.

    ``allow_sensitive`` and ``aggregate`` are the officer's decisions for this export only
    (``--allow-sensitive``, ``--aggregate``); the project's saved decisions apply as well.
    """
    from .protection import guard_export, write_export_record, write_geopackage

    out_path = Path(out_path)
    suffix = out_path.suffix.lower()
    if suffix not in PRINT_FORMATS + WEB_FORMATS + DATA_FORMATS:
        raise ExportError(f"unknown output format '{suffix or '(none)'}'", path=out_path,
                          fix="end the output name with .pdf, .png, .svg, .html or .gpkg")
    if atlas and suffix not in PRINT_FORMATS:
        raise ExportError("an atlas is a print product", path=out_path, fix="use .pdf or .png with --atlas")
    safe, plan = guard_export(loaded, out_path, list(allow_sensitive), aggregate)
    if suffix in DATA_FORMATS:
        written = [Path(write_geopackage(safe, out_path))]
    elif suffix in WEB_FORMATS:
        from .web import export_webmap

        written = [Path(export_webmap(safe, out_path))]
    else:
        from .export import export_print

        written = [Path(p) for p in export_print(safe, out_path, dpi=dpi, atlas=atlas, world_file=world_file)]
    record = write_export_record(safe, out_path, plan, extra={"files": [p.name for p in written]})
    return written + [Path(record)]
