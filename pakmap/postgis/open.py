"""``open_database_layer``: a table, view or query as a layer (what ``open_layer`` does for an address)."""

from __future__ import annotations

from ..crs import check_placeable, parse_crs
from ..errors import SourceError
from ..layer import SourceInfo, TableLayer
from .address import PgSource
from .catalog import list_tables
from .connection import connected
from .layer import PostgisLayer
from .read import describe, has_rows, read_rows

OPTIONS = {"crs"}


def open_database_layer(source: PgSource, layer: str | None = None, **options) -> PostgisLayer | TableLayer:
    """A ``PostgisLayer`` for a table with geometry, a ``TableLayer`` (read whole) for a plain table
    or query: statistics to join."""
    unknown = sorted(set(options) - OPTIONS)
    if unknown:
        raise SourceError(
            f"unknown reader option(s) {', '.join(unknown)} for a database layer",
            path=str(source),
            fix=f"use: {', '.join(sorted(OPTIONS))}",
        )
    if layer:
        source = source.with_table(layer)
    if not source.table and source.query is None:
        names = [t.name for t in list_tables(source)]
        raise SourceError(
            "the address names no table",
            path=str(source),
            fix=f"add the table to the address (…/SCHEMA.TABLE): {', '.join(names[:12]) or '(no spatial tables)'}",
        )
    opts = {k: v for k, v in options.items() if v is not None}
    with connected(source) as conn:
        relation = describe(conn, source)
        if relation.geometry is None:
            frame = read_rows(conn, source, relation)
            return TableLayer(source.name, frame, SourceInfo(source, options=opts))
        if not has_rows(conn, source):
            raise SourceError(f"'{source.name}' has no features", path=str(source), fix="choose a table that has rows")
    if "crs" in opts:
        relation.crs = parse_crs(opts["crs"], path=str(source))
    check_placeable(relation.crs, path=str(source))
    return PostgisLayer(source.name, source, relation, opts)


__all__ = ["open_database_layer"]
