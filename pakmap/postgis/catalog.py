"""The spatial tables and views of a database: name, geometry column and type, CRS, rows.

Rows are PostgreSQL's own estimate (``pg_class.reltuples``, kept by ``ANALYZE`` and autovacuum): a
listing of a database of million-row tables answers at once instead of counting each. A table never
analyzed, or a view, has no estimate (``rows`` None).
"""

from __future__ import annotations

from dataclasses import dataclass

from .address import PgSource
from .connection import connected

_SYSTEM_SCHEMAS = ("pg_catalog", "information_schema", "topology", "tiger", "tiger_data")


@dataclass(frozen=True)
class TableEntry:
    schema: str
    table: str
    geometry: str
    geometry_type: str  # as registered: POINT, MULTIPOLYGON, GEOMETRY…
    srid: int
    crs: str  # "EPSG:4326", or "none"
    rows: int | None  # estimated
    view: bool

    @property
    def name(self) -> str:
        return f"{self.schema}.{self.table}"


def list_tables(source: PgSource) -> list[TableEntry]:
    """Every table and view with a geometry column (``geometry_columns``), by schema and name."""
    with connected(source) as conn:
        registered = conn.execute("SELECT to_regclass('public.geometry_columns') IS NOT NULL").fetchone()
        if registered is None or not registered[0]:
            return []
        rows = conn.execute(
            "SELECT g.f_table_schema, g.f_table_name, g.f_geometry_column, g.type, g.srid, "
            "c.reltuples::bigint, c.relkind, s.auth_name, s.auth_srid "
            "FROM geometry_columns g "
            "JOIN pg_namespace n ON n.nspname = g.f_table_schema "
            "JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = g.f_table_name "
            "LEFT JOIN spatial_ref_sys s ON s.srid = g.srid "
            "WHERE g.f_table_schema <> ALL(%s) ORDER BY 1, 2, 3",
            [list(_SYSTEM_SCHEMAS)],
        ).fetchall()
    entries = []
    for schema, table, column, kind, srid, estimate, relkind, auth, code in rows:
        crs = f"{auth}:{code}" if auth and code else ("none" if not srid else f"SRID {srid}")
        rows_estimate = int(estimate) if estimate is not None and estimate >= 0 and relkind != "v" else None
        entries.append(TableEntry(schema, table, column, str(kind), int(srid or 0), crs, rows_estimate, relkind == "v"))
    return entries


__all__ = ["TableEntry", "list_tables"]
