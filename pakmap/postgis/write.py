"""A layer (and its companion tables) written into the database in one transaction.

``write_tables(target, frame, companions, replace=…)`` creates ``schema.table`` with typed columns
and a geometry column of the layer's type and SRID, copies the rows in (``COPY``, EWKB geometry),
builds the spatial index, and writes each companion table (the join report, the export record)
the same way — all in one transaction: a reader sees the old tables or the new ones, never a part;
a failure anywhere leaves the database as it was. An existing table is replaced only when asked.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import psycopg
import shapely
from psycopg import sql

from ..errors import ExportError
from .address import PgSource
from .connection import connected

_TYPE_NAMES = {0: "Point", 1: "LineString", 3: "Polygon", 4: "MultiPoint", 5: "MultiLineString", 6: "MultiPolygon"}


@dataclass
class Companion:
    """A plain table written beside the layer: ``<table><suffix>`` (``_join_report``…)."""

    suffix: str
    frame: pd.DataFrame


def companion_name(target: PgSource, suffix: str) -> tuple[str, ...]:
    return (*target.table[:-1], target.table[-1] + suffix)


def existing_tables(conn: psycopg.Connection, names: list[tuple[str, ...]]) -> list[str]:
    found = []
    for name in names:
        qualified = sql.Identifier(*name).as_string(conn)
        row = conn.execute("SELECT to_regclass(%s)", [qualified]).fetchone()
        if row is not None and row[0] is not None:
            found.append(".".join(name))
    return found


def check_target(target: PgSource, companions: list[str], *, replace: bool) -> None:
    """Before anything is read or computed: the server answers, and the tables are free (or
    ``replace`` was given)."""
    with connected(target, writing=True) as conn:
        _refuse_existing(conn, target, [target.table, *(companion_name(target, s) for s in companions)], replace)


def _refuse_existing(conn, target: PgSource, names, replace: bool) -> None:
    if replace:
        return
    taken = existing_tables(conn, names)
    if taken:
        raise ExportError(
            f"table {', '.join(taken)} already exists on {target.server}",
            path=str(target),
            fix="pass --replace to replace it (in one transaction), or write to another table name",
        )


def write_tables(target: PgSource, frame: pd.DataFrame, companions: list[Companion], *, replace: bool) -> None:
    """Write ``frame`` (a GeoDataFrame or a plain DataFrame) and ``companions``, all or nothing."""
    names = [target.table, *(companion_name(target, c.suffix) for c in companions)]
    with connected(target, writing=True) as conn:
        # One writer at a time per table name; readers keep reading the old tables until the commit.
        for name in names:
            conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [".".join(name)])
        _refuse_existing(conn, target, names, replace)
        _write_one(conn, target.table, frame)
        for companion, name in zip(companions, names[1:]):
            _write_one(conn, name, companion.frame)


def _write_one(conn: psycopg.Connection, name: tuple[str, ...], frame: pd.DataFrame) -> None:
    table = sql.Identifier(*name)
    conn.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(table))
    geometry = frame.geometry.name if isinstance(frame, gpd.GeoDataFrame) else None
    columns = [c for c in frame.columns if c != geometry]
    definitions = [sql.SQL("{} {}").format(sql.Identifier(str(c)), sql.SQL(_sql_type(frame[c]))) for c in columns]
    cells = [_cells(frame[c]) for c in columns]
    if geometry is not None:
        srid = _srid(frame)
        definitions.append(
            sql.SQL("{} geometry({}, {})").format(
                sql.Identifier(str(geometry)), sql.SQL(_geometry_type(frame.geometry.values)), sql.Literal(srid)
            )
        )
        geoms = shapely.set_srid(np.asarray(frame.geometry.values, dtype=object), srid)
        cells.append(list(shapely.to_wkb(geoms, hex=True, include_srid=True)))
    conn.execute(sql.SQL("CREATE TABLE {} ({})").format(table, sql.SQL(", ").join(definitions)))
    names = [sql.Identifier(str(c)) for c in columns] + ([sql.Identifier(str(geometry))] if geometry else [])
    with conn.cursor().copy(sql.SQL("COPY {} ({}) FROM STDIN").format(table, sql.SQL(", ").join(names))) as copy:
        for row in zip(*cells):
            copy.write_row(row)
    if geometry is not None:
        conn.execute(sql.SQL("CREATE INDEX ON {} USING GIST ({})").format(table, sql.Identifier(str(geometry))))
    conn.execute(sql.SQL("ANALYZE {}").format(table))


def _srid(frame: gpd.GeoDataFrame) -> int:
    if frame.crs is None:
        return 0
    authority = frame.crs.to_authority(min_confidence=90)
    if authority and authority[0].upper() == "EPSG":
        return int(authority[1])
    raise ExportError(
        f"the layer's CRS ({frame.crs.name}) has no EPSG code, which PostGIS needs",
        fix="reproject it to an EPSG CRS (EPSG:4326, EPSG:32642) first",
    )


def _geometry_type(geoms: np.ndarray) -> str:
    ids = set(np.unique(shapely.get_type_id(geoms[~shapely.is_missing(geoms)])).tolist())
    if len(ids) == 1 and next(iter(ids)) in _TYPE_NAMES:
        return _TYPE_NAMES[ids.pop()]
    return "Geometry"


def _sql_type(values: pd.Series) -> str:
    dtype = values.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return "boolean"
    if pd.api.types.is_integer_dtype(dtype):
        return "bigint"
    if pd.api.types.is_float_dtype(dtype):
        return "double precision"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "timestamptz" if getattr(dtype, "tz", None) is not None else "timestamp"
    return "text"


def _cells(values: pd.Series) -> list:
    """A column as Python values for COPY: missing as NULL, text as text."""
    text = _sql_type(values) == "text"
    out: list[Any] = []
    for value in values.astype(object).tolist():
        if value is None or (not isinstance(value, str) and pd.isna(value)):
            out.append(None)
        elif text:
            out.append(value if isinstance(value, str) else str(value))
        elif isinstance(value, np.generic):
            out.append(value.item())
        else:
            out.append(value)
    return out


__all__ = ["write_tables", "check_target", "Companion", "companion_name", "existing_tables"]
