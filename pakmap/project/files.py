"""The files a project reads: its layers' data (with their sidecars), alias tables, page template.

Known from the project alone, before any data is read, so that every output can be checked against
them first (``pakmap.file_guard.check_outputs``).
"""

from __future__ import annotations

from pathlib import Path

from ..file_guard import Source, sources_of
from ..postgis.address import is_database_address
from .model import PRODUCT_FILES, Project


def project_sources(project: Project, *, with_project_file: bool = True) -> list[Source]:
    """Every file ``project`` reads; ``with_project_file=False`` when saving that project itself."""
    found: list[Source] = []
    if with_project_file and project.path is not None:
        found += sources_of(project.path, "the project file")
    for spec in project.layers:
        if spec.path and not is_database_address(spec.path):  # a dissolved layer: its source's file
            found += sources_of(project.resolve(spec.path), f"the data of layer '{spec.name}'")
    for join in project.joins:
        for alias_file in join.aliases:
            found += sources_of(project.resolve(alias_file), "an alias table of a join")
    for product in project.products:
        for role in PRODUCT_FILES:
            if getattr(product, role):
                found += sources_of(
                    project.resolve(getattr(product, role)), f"the {role} file of a {product.kind} product"
                )
    # A template given as a path may be found from the working folder or beside the project: guard
    # both (a built-in template's bare name matches no output, which always has an extension).
    template = project.layout.template
    found += [
        Source(Path(template).expanduser(), "the page template"),
        Source(project.resolve(template), "the page template"),
    ]
    return found


__all__ = ["project_sources"]
