"""Rows of a table, view or query into frames, and what the server can say about them without
sending them (columns, count, extent, geometry types, validity, CRS).

Geometry travels as WKB (``ST_AsBinary``) over psycopg's binary protocol and becomes shapely
geometry with one vectorized ``shapely.from_wkb``; a layer of plain 2D points skips shapely and
becomes ``PointColumns`` (its WKB is a fixed 21 bytes a row, read with numpy). The bounding box of a
view is pushed to the server (``geom && ST_MakeEnvelope(…)``), where the table's spatial index
finds the rows under it.
"""

from __future__ import annotations

import decimal
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import psycopg
import shapely
from psycopg import sql
from pyproj import CRS

from ..column_names import clean_names
from ..errors import SourceError
from ..layer import ValidityReport
from ..point_columns import PointColumns
from .address import PgSource

_GEOMETRY_TYPES = ("geometry", "geography")
_POINT_WKB = np.array([1, 1, 0, 0, 0], dtype=np.uint8)  # little endian, type 1: a 2D point


@dataclass
class Relation:
    """What the server says about a table or query before any row is sent."""

    columns: list[str]  # attribute columns, in order (the geometry column excluded)
    geometry: str | None  # the geometry column, or None for a plain table
    geography: bool = False
    srid: int = 0
    crs: CRS | None = None
    count: int = 0
    bounds: tuple[float, float, float, float] = (float("nan"),) * 4
    geometry_types: list[str] = field(default_factory=list)  # base types present: Point, LineString, Polygon
    validity: ValidityReport = field(default_factory=ValidityReport)
    measured: bool = False  # count, bounds, types and validity known (``measure``)


def relation_sql(source: PgSource) -> sql.Composable:
    """What follows ``FROM``: the table or view, or the query as a subquery."""
    if source.query is not None:
        return sql.SQL("({}) AS pakmap_query").format(sql.SQL(source.query))
    return sql.Identifier(*source.table)


def _geometry_sql(relation: Relation) -> sql.Composable:
    column = sql.Identifier(str(relation.geometry))
    return sql.SQL("{}::geometry").format(column) if relation.geography else column


def describe(conn: psycopg.Connection, source: PgSource) -> Relation:
    """Columns, the geometry column, its SRID (and CRS) and, when the column is typed
    (``geometry(Point, 4326)``), its type: what the server knows without reading the rows.
    ``measure`` adds what only a pass over them tells."""
    cur = conn.execute(sql.SQL("SELECT * FROM {} LIMIT 0").format(relation_sql(source)))
    description = cur.description or []
    type_names = _type_names(conn, {d.type_code for d in description})
    geometries = [d.name for d in description if type_names.get(d.type_code) in _GEOMETRY_TYPES]
    geometry = _choose_geometry(source, geometries)
    relation = Relation([d.name for d in description if d.name != geometry], geometry)
    if geometry is None:
        return relation
    position = [d.name for d in description].index(geometry)
    relation.geography = type_names.get(description[position].type_code) == "geography"
    typmod = cur.pgresult.fmod(position) if cur.pgresult is not None else -1
    kind, srid = None, 0
    if typmod >= 0:
        typed = conn.execute("SELECT postgis_typmod_type(%s), postgis_typmod_srid(%s)", [typmod, typmod]).fetchone()
        kind, srid = typed if typed is not None else (None, 0)
    if not srid:
        first = conn.execute(
            sql.SQL("SELECT ST_SRID({g}) FROM {rel} WHERE {g} IS NOT NULL LIMIT 1").format(
                g=_geometry_sql(relation), rel=relation_sql(source)
            )
        ).fetchone()
        srid = int(first[0]) if first else 0
    relation.srid = int(srid or 0)
    relation.crs = _crs_of(conn, relation.srid)
    base = _TYPMOD_BASE.get(str(kind or "").upper().rstrip("ZM").rstrip())
    relation.geometry_types = [base] if base else []
    return relation


# A typed column's geometry type (``postgis_typmod_type``) as the base type the officer sees.
_TYPMOD_BASE = {
    "POINT": "Point",
    "MULTIPOINT": "Point",
    "LINESTRING": "LineString",
    "MULTILINESTRING": "LineString",
    "POLYGON": "Polygon",
    "MULTIPOLYGON": "Polygon",
}


def has_rows(conn: psycopg.Connection, source: PgSource) -> bool:
    row = conn.execute(sql.SQL("SELECT EXISTS (SELECT 1 FROM {})").format(relation_sql(source))).fetchone()
    return row is not None and bool(row[0])


def _type_names(conn: psycopg.Connection, oids: set[int]) -> dict[int, str]:
    rows = conn.execute("SELECT oid::int, typname FROM pg_type WHERE oid = ANY(%s)", [list(oids)]).fetchall()
    return {int(oid): name for oid, name in rows}


def _choose_geometry(source: PgSource, geometries: list[str]) -> str | None:
    if source.geometry is not None:
        if source.geometry not in geometries:
            raise SourceError(
                f"has no geometry column '{source.geometry}'",
                path=str(source),
                fix=f"use one of: {', '.join(geometries) or '(none: it is a plain table)'}",
            )
        return source.geometry
    if len(geometries) > 1:
        raise SourceError(
            f"has {len(geometries)} geometry columns ({', '.join(geometries)}) and pakmap will not guess which to draw",
            path=str(source),
            fix='choose one: ?geometry=NAME in the address, geometry = "NAME" in the project',
        )
    return geometries[0] if geometries else None


def measure(conn: psycopg.Connection, source: PgSource, relation: Relation) -> None:
    """On the server, without sending rows: count, extent, dimensions, SRIDs, and the geometry checks
    pakmap makes of every file (null, empty, invalid with GEOS's reason; points are never invalid)."""
    g = _geometry_sql(relation)
    rel = relation_sql(source)
    row = conn.execute(
        sql.SQL(
            "SELECT n, ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e), low, high, srid_low, srid_high, nulls, empties "
            "FROM (SELECT count(*) AS n, ST_Extent({g}) AS e, min(ST_Dimension({g})) AS low, "
            "max(ST_Dimension({g})) AS high, min(ST_SRID({g})) AS srid_low, max(ST_SRID({g})) AS srid_high, "
            "count(*) FILTER (WHERE {g} IS NULL) AS nulls, count(*) FILTER (WHERE ST_IsEmpty({g})) AS empties "
            "FROM {rel}) AS m"
        ).format(g=g, rel=rel)
    ).fetchone()
    if row is None:  # an aggregate answers one row: never the case
        raise SourceError("the server sent no summary of the table", path=str(source), fix="run again")
    count, xmin, ymin, xmax, ymax, low, high, srid_low, srid_high, nulls, empties = row
    relation.count = int(count)
    if xmin is not None:
        relation.bounds = (float(xmin), float(ymin), float(xmax), float(ymax))
    relation.geometry_types = [_DIMENSIONS[d] for d in sorted({low, high} - {None})]
    if srid_low != srid_high:
        raise SourceError(
            f"mixes coordinate systems (SRIDs {srid_low} to {srid_high}) in one geometry column",
            path=str(source),
            fix="read one SRID at a time with a query (WHERE ST_SRID(geom) = …)",
        )
    if relation.srid != int(srid_low or 0):  # the typed or the first SRID said otherwise
        relation.srid = int(srid_low or 0)
        relation.crs = _crs_of(conn, relation.srid)
    reasons: dict[str, int] = {}
    if high is not None and high > 0:
        for reason, n in conn.execute(
            sql.SQL(
                "SELECT split_part(ST_IsValidReason({g}), '[', 1), count(*) FROM {rel} "
                "WHERE NOT ST_IsValid({g}) GROUP BY 1"
            ).format(g=g, rel=rel)
        ):
            reasons[str(reason).strip()] = int(n)
    relation.validity = ValidityReport(
        total=relation.count, invalid=sum(reasons.values()), empty=int(empties), null=int(nulls), reasons=reasons
    )
    relation.measured = True


_DIMENSIONS = {0: "Point", 1: "LineString", 2: "Polygon"}


def _crs_of(conn: psycopg.Connection, srid: int) -> CRS | None:
    if not srid:
        return None
    row = conn.execute("SELECT auth_name, auth_srid, srtext FROM spatial_ref_sys WHERE srid = %s", [srid]).fetchone()
    if row is None:
        return None
    auth, code, wkt = row
    try:
        return CRS.from_user_input(f"{auth}:{code}") if auth and code else CRS.from_wkt(wkt)
    except Exception:  # pyproj's CRSError and friends: fall back to the server's WKT
        return CRS.from_wkt(wkt) if wkt else None


def envelope_filter(relation: Relation, bbox: tuple[float, float, float, float]) -> sql.Composable:
    """``geom && ST_MakeEnvelope(…)``: rows whose bounding box meets ``bbox`` (in the layer's CRS),
    answered from the spatial index."""
    xmin, ymin, xmax, ymax = (float(v) for v in bbox)
    return sql.SQL("{} && ST_MakeEnvelope({}, {}, {}, {}, {})").format(
        _geometry_sql(relation),
        sql.Literal(xmin),
        sql.Literal(ymin),
        sql.Literal(xmax),
        sql.Literal(ymax),
        sql.Literal(relation.srid),
    )


def read_rows(
    conn: psycopg.Connection,
    source: PgSource,
    relation: Relation,
    *,
    bbox: tuple[float, float, float, float] | None = None,
    columns: list[str] | None = None,
    geometry: bool = True,
    limit: int | None = None,
) -> gpd.GeoDataFrame | PointColumns | pd.DataFrame:
    """The rows (under ``bbox`` if given) as a GeoDataFrame, ``PointColumns`` for plain 2D points, or
    a DataFrame when there is no geometry (or ``geometry=False``)."""
    columns = relation.columns if columns is None else columns
    selected: list[sql.Composable] = [sql.Identifier(c) for c in columns]
    with_geometry = geometry and relation.geometry is not None
    if with_geometry:
        selected.append(sql.SQL("ST_AsBinary({})").format(_geometry_sql(relation)))
    query = sql.SQL("SELECT {} FROM {}").format(sql.SQL(", ").join(selected) or sql.SQL("NULL"), relation_sql(source))
    if bbox is not None and relation.geometry is not None:
        query = sql.SQL("{} WHERE {}").format(query, envelope_filter(relation, bbox))
    if limit is not None:
        query = sql.SQL("{} LIMIT {}").format(query, sql.Literal(int(limit)))
    with conn.cursor(binary=True) as cur:
        cur.execute(query)
        rows = cur.fetchall()
    names = clean_names(list(columns))
    width = len(columns)
    attributes = pd.DataFrame.from_records([r[:width] for r in rows] if with_geometry else rows, columns=range(width))
    attributes.columns = names
    attributes = _plain_types(attributes)
    if not with_geometry:
        return attributes
    wkb = [r[width] for r in rows]
    name = relation.geometry or "geometry"
    xy = _plain_points(wkb)
    if xy is not None:
        return PointColumns(attributes, xy, relation.crs, geometry_name=name)
    geoms = shapely.from_wkb(np.array(wkb, dtype=object))
    frame = attributes.copy()
    frame[name] = geoms
    return gpd.GeoDataFrame(frame, geometry=name, crs=relation.crs)


def _plain_points(wkb: list) -> np.ndarray | None:
    """(n, 2) coordinates when every value is a little-endian 2D point with finite coordinates."""
    if not wkb or any(b is None or len(b) != 21 for b in wkb):
        return None
    rows = np.frombuffer(b"".join(wkb), np.uint8).reshape(len(wkb), 21)
    if not (rows[:, :5] == _POINT_WKB).all():
        return None
    xy = np.ascontiguousarray(rows[:, 5:]).view("<f8").reshape(len(wkb), 2).astype(np.float64)
    return xy if np.isfinite(xy).all() else None


def _plain_types(frame: pd.DataFrame) -> pd.DataFrame:
    """``numeric`` columns (Python ``Decimal``) as floats, as a file reader would give them."""
    for column in frame.columns:
        values = frame[column]
        if values.dtype == object and len(values):
            first = values.dropna().head(1)
            if len(first) and isinstance(first.iloc[0], decimal.Decimal):
                frame[column] = pd.to_numeric(values.astype(float), errors="coerce")
    return frame


__all__ = ["Relation", "describe", "measure", "has_rows", "read_rows", "relation_sql", "envelope_filter"]
