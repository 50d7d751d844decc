"""Style files in and out of a project: one layer's style to ``.qml``/``.sld``, a ``.qml`` into a project.

The command line (``pakmap style``) and the desktop app's Layer menu both go through here; a style read
from a ``.qml`` is put on the layer by ``Session.set_style``.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..atomic import write_text_atomic
from ..errors import ExportError, StyleError
from ..interop.qml import ImportedStyle, read_qml, style_to_qml
from ..interop.sld import style_to_sld
from ..layer import VectorLayer
from ..project.loaded import LoadedProject
from ..project.model import Project
from ..protection import guard_export
from ..protection.counts import published_frame
from .outputs import check_exports, loaded_sources

STYLE_SUFFIXES = (".qml", ".sld")
MAX_STYLE_BYTES = 50 * 1024 * 1024


def check_style_output(project: Project, out_path: Path, *, sources=()) -> None:
    """A style file can be written at ``out_path``: a style format, into a writable folder, over no
    file ``project`` (or ``sources``) reads. The command calls it before reading any data."""
    suffix = out_path.suffix.lower()
    if suffix not in STYLE_SUFFIXES:
        raise ExportError(
            f"unknown style format '{suffix or '(none)'}'",
            path=out_path,
            fix="end the output name with .qml (QGIS) or .sld (GeoServer, ArcGIS Pro)",
        )
    check_exports(project, [], also=[out_path], sources=sources)


def export_layer_style(loaded: LoadedProject, layer_name: str, out_path: str | os.PathLike) -> Path:
    """Write ``layer_name``'s style as ``out_path`` (``.qml`` or ``.sld``, by extension), atomically.

    The style is computed on the published copy of the data (``guard_export``): category values and
    class bounds are what an export may show.
    """
    out_path = Path(out_path)
    suffix = out_path.suffix.lower()
    check_style_output(loaded.project, out_path, sources=loaded_sources(loaded))
    loaded.layer(layer_name)  # an unknown name lists the layers there are
    safe, _plan = guard_export(loaded, out_path)
    layer = safe.layer(layer_name)
    if not isinstance(layer, VectorLayer):
        raise ExportError(
            f"layer '{layer_name}' is not a vector layer",
            path=out_path,
            fix="export the style of a boundary, line or point layer",
        )
    threshold = int(safe.project.protection.threshold)
    published = published_frame(layer.attributes, threshold)
    if suffix == ".qml":
        text = style_to_qml(layer, threshold, published=published, opacity=float(layer.opacity))
    else:
        text = style_to_sld(layer, threshold, published=published)
    write_text_atomic(out_path, text)
    return out_path


def read_style_file(path: str | os.PathLike) -> ImportedStyle:
    """A ``.qml`` file as an ``ImportedStyle`` (one-line errors for anything else)."""
    path = Path(path)
    if path.suffix.lower() != ".qml":
        raise StyleError(
            "pakmap imports QGIS styles (.qml)",
            path=path,
            fix="in QGIS: Layer Properties ▸ Style ▸ Save Style… as a QGIS QML style file",
        )
    try:
        if path.stat().st_size > MAX_STYLE_BYTES:
            raise StyleError("the file is too large to be a QGIS style", path=path, fix="check it is the right file")
        data = path.read_bytes()
    except OSError as exc:
        raise StyleError(
            f"cannot read the style ({exc.strerror or exc})",
            path=path,
            fix="check the path and that the file is readable",
        ) from None
    return read_qml(data, path)


def check_style_fits(loaded: LoadedProject, layer_name: str, imported: ImportedStyle, source=None) -> None:
    """A one-line error when the imported style maps or labels a field the layer does not have."""
    layer = loaded.layer(layer_name)
    if not isinstance(layer, VectorLayer):
        raise StyleError(
            f"layer '{layer_name}' is not a vector layer",
            path=source,
            fix="import the style onto a boundary, line or point layer",
        )
    wanted = [getattr(imported.style, "field", "")]
    if imported.labels is not None and imported.labels.field:
        wanted.append(imported.labels.field)
    missing = [f for f in wanted if f and f not in layer.fields]
    if missing:
        raise StyleError(
            f"the style uses field '{missing[0]}', which layer '{layer_name}' does not have",
            path=source,
            fix=f"import it onto a layer with that field, or rename the field in QGIS; "
            f"'{layer_name}' has: {', '.join(map(str, layer.fields))}",
        )
