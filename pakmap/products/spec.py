"""``[[products]]`` of a project file: each re-made by ``pakmap render`` from its files as they are now.

A quality report, an exposure product or a who-does-what-where (3W) product is described by the
same options as its command (paths relative to the project file), so next month's run reads next
month's files and writes the same outputs, each with its export record.
"""

from __future__ import annotations

from pathlib import Path

from ..project.model import ProductSpec, Project
from .activities import ThreeWOptions
from .quality_report import QualityOptions, write_quality_outputs
from .threew_report import ThreeWFiles, write_threew_outputs


def _path(project: Project, relative: str | None) -> str | None:
    return str(project.resolve(relative)) if relative else None


def run_product(project: Project, product: ProductSpec) -> tuple[str, list[Path]]:
    """Make one product; returns its summary and the files written."""
    outputs = [project.resolve(p) for p in product.outputs]
    if product.kind == "quality":
        options = QualityOptions(
            against=_path(project, product.against),
            layer=product.sheet,
            header_row=product.header_row,
            name_field=product.name_field,
            pcode_field=product.pcode_field,
            key_field=product.key_field,
            places=product.places,
        )
        report, written = write_quality_outputs(
            project.resolve(product.input), outputs, options, title=product.title or None
        )
        return report.summary(), written
    if product.kind == "3w":
        files = ThreeWFiles(
            input=str(project.resolve(product.input)),
            by=str(project.resolve(product.by)),
            sheet=product.sheet,
            header_row=product.header_row,
            by_layer=product.by_layer,
            columns=ThreeWOptions(
                partner_field=product.partner_field,
                sector_field=product.sector_field,
                name_field=product.name_field,
                pcode_field=product.pcode_field,
                value_field=product.value,
                statuses=list(product.statuses),
            ),
            title=product.title,
        )
        counts, written = write_threew_outputs(outputs, files)
        return counts.summary(), written
    # The exposure product reads its hazard raster through rasterio (a GDAL of its own, ~30 MB
    # resident): loaded when a project lists one, not by every ``pakmap render`` of a map.
    from .exposure_report import ExposureOptions, write_exposure_outputs

    exposure_options = ExposureOptions(
        hazard=str(project.resolve(product.hazard)),
        by=str(project.resolve(product.by)),
        people=_path(project, product.people),
        value=product.value,
        threshold=product.threshold,
        places=product.places,
        title=product.title,
    )
    result, written = write_exposure_outputs(outputs, exposure_options)
    return result.summary(), written


__all__ = ["run_product"]
