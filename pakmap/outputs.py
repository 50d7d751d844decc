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


def write_output(loaded: LoadedProject, out_path: str | os.PathLike, *, dpi: int = 300,
                 atlas: str | None = None, world_file: bool = False,
                 allow_sensitive: tuple[str, ...] = ()) -> list[Path]:
    """Export ``loaded`` to ``out_path`` (format from the extension); returns the files written."""
    from .protection.policy import guard_export
    from .protection.record import write_export_record

    out_path = Path(out_path)
    suffix = out_path.suffix.lower()
    if suffix not in PRINT_FORMATS + WEB_FORMATS:
        raise ExportError(f"unknown output format '{suffix or '(none)'}'", path=out_path,
                          fix="end the output name with .pdf, .png, .svg or .html")
    if atlas and suffix in WEB_FORMATS:
        raise ExportError("an atlas is a print product", path=out_path, fix="use .pdf or .png with --atlas")
    safe, plan = guard_export(loaded, out_path, list(allow_sensitive))
    if suffix in WEB_FORMATS:
        from .web import export_webmap

        written = [Path(export_webmap(safe, out_path))]
    else:
        from .export import export_print

        written = [Path(p) for p in export_print(safe, out_path, dpi=dpi, atlas=atlas, world_file=world_file)]
    record = write_export_record(safe, out_path, plan, extra={"files": [p.name for p in written]})
    return written + [Path(record)]
