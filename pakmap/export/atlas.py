"""Atlases: one page per feature of a coverage layer (each province or district).

Each page's map extent, title and locator box follow its feature. Output: one multi-page PDF, or one
PNG/SVG per feature named from the atlas name field (sanitized: safe on Windows, no path tricks).
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Iterator

from ..atomic import write_error
from ..errors import ExportError, ProjectError, StyleError
from ..field_format import parse_expression
from ..file_guard import check_outputs
from ..layer import VectorLayer
from ..layout.compose import Page, compose_page
from ..layout.template import Template, load_template
from ..project.files import project_sources
from ..project.loaded import LoadedProject
from ..project.model import AtlasSpec
from ..render.labels import formatted_records
from .pdf import write_pdf
from .png import write_png
from .svg import write_svg

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


def sanitize_filename(name: str, fallback: str = "feature") -> str:
    """``"Azad Jammu & Kashmir"`` → ``"Azad_Jammu_Kashmir"``: ASCII letters, digits, ``._-`` only."""
    ascii_name = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode("ascii")
    safe = _UNSAFE.sub("_", ascii_name).strip("._-")[:100]
    if not safe or safe.upper() in _RESERVED:
        safe = f"{fallback}_{safe}" if safe else fallback
    return safe


def atlas_spec(loaded: LoadedProject, layer_name: str) -> AtlasSpec:
    """The project's atlas settings if they are for ``layer_name``, else defaults for that layer."""
    configured = loaded.project.layout.atlas
    if configured is not None and configured.layer == layer_name:
        return configured
    layer = loaded.layer(layer_name)
    name_field = "name"
    if isinstance(layer, VectorLayer) and "name" not in layer.data.columns:
        text_fields = [f for f in layer.fields if layer.data[f].dtype == object]
        name_field = text_fields[0] if text_fields else layer.fields[0]
    return AtlasSpec(layer=layer_name, name_field=name_field)


def atlas_pages(loaded: LoadedProject, spec: AtlasSpec, template: Template | None = None) -> Iterator[tuple[str, Page]]:
    """(feature name, composed page) for every feature of the coverage layer, in sort order."""
    layer = loaded.layer(spec.layer)
    if not isinstance(layer, VectorLayer):
        raise ProjectError(
            f"atlas layer '{spec.layer}' has no geometry",
            path=loaded.project.path,
            fix="choose a boundary layer (provinces, districts) for the atlas",
        )
    if spec.name_field not in layer.data.columns:
        raise ProjectError(
            f"atlas layer '{spec.layer}' has no field '{spec.name_field}'",
            path=loaded.project.path,
            fix=f"set [layout.atlas] name_field to one of: {', '.join(layer.fields)}",
        )
    template = template or load_template(loaded.project.layout.template, loaded.project.folder)
    data = layer.data[~(layer.data.geometry.is_empty | layer.data.geometry.isna())]
    if spec.sort_field:
        data = data.sort_values(spec.sort_field, kind="stable")
    layout = loaded.project.layout
    subtitle = " — ".join(t for t in (layout.title, layout.subtitle) if t)
    try:
        title_expression = parse_expression(spec.title, "the atlas title")
    except StyleError as exc:
        raise ProjectError(exc.problem, path=loaded.project.path, fix=exc.fix) from None
    # Page titles are written as labels are: a count under the threshold is "<5".
    records, formatter = formatted_records(layer, data, loaded.project.protection.threshold)
    for (_, row), fields in zip(data.iterrows(), records):
        name = str(row[spec.name_field])
        fields["name"] = name
        try:
            title = title_expression.format(fields, formatter.format_field)
        except (KeyError, ValueError, TypeError) as exc:
            raise ProjectError(
                f"atlas title {spec.title!r} uses an unknown field {exc}",
                path=loaded.project.path,
                fix=f"use {{name}} or fields of '{spec.layer}'",
            ) from None
        extent = loaded.layer_bounds(layer, row.geometry.bounds)
        feature = data.loc[[row.name], [data.geometry.name]]
        yield name, compose_page(loaded, template, extent=extent, title=title, subtitle=subtitle, highlight=feature)


def atlas_file_names(names: list[str]) -> list[str]:
    """Sanitized, unique file stems (a second "Kurram" becomes "Kurram_2")."""
    seen: dict[str, int] = {}
    out = []
    for i, name in enumerate(names):
        stem = sanitize_filename(name, f"page_{i + 1}")
        count = seen.get(stem.lower(), 0) + 1
        seen[stem.lower()] = count
        out.append(stem if count == 1 else f"{stem}_{count}")
    return out


def write_atlas(
    loaded: LoadedProject, out_path: Path, layer_name: str, *, dpi: int = 300, world_file: bool = False
) -> list[Path]:
    """A multi-page PDF (``.pdf``), or one image per feature: into ``out_path`` if it has no extension
    (a folder), else beside it as ``<stem>_<name>.png``/``.svg``."""
    spec = atlas_spec(loaded, layer_name)
    suffix = out_path.suffix.lower()
    if suffix == ".pdf":
        layout = loaded.project.layout
        title = layout.title or f"Atlas of {layer_name}"
        meta = {"title": title, "subject": f"One page per feature of {layer_name}"}
        return [write_pdf((page for _, page in atlas_pages(loaded, spec)), out_path, dpi=dpi, metadata=meta)]
    if suffix in ("", ".png", ".svg"):
        folder = out_path if suffix == "" else out_path.parent
        ext = suffix or ".png"
        prefix = "" if suffix == "" else f"{out_path.stem}_"
        pages = list(atlas_pages(loaded, spec))
        if not pages:
            raise ExportError(f"atlas layer '{layer_name}' has no features", path=out_path, fix="choose another layer")
        targets = [folder / f"{prefix}{stem}{ext}" for stem in atlas_file_names([n for n, _ in pages])]
        # The page names come from the features, so they are checked here, once they are known.
        check_outputs(targets, project_sources(loaded.project), folders=[folder])
        if suffix == "":
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise write_error(folder, exc) from None
        written: list[Path] = []
        for target, (_, page) in zip(targets, pages):
            if ext == ".svg":
                written.append(write_svg(page, target, dpi=dpi))
            else:
                written.extend(write_png(page, target, dpi=dpi, world_file=world_file))
        return written
    raise ExportError(
        f"an atlas cannot be written as '{suffix}'",
        path=out_path,
        fix="use .pdf (one file), .png or a folder name without extension (one PNG per feature)",
    )
