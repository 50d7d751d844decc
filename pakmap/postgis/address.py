"""Where a database layer is: the server (libpq keywords), and a table, a view or a query.

Two spellings, both without credentials:

- an address, ``postgresql://[user@][host][:port]/[dbname/]schema.table[?service=NAME&geometry=COLUMN]``
  (the last part of the path is the table or view; ``postgres://`` works too; a Unix socket folder
  is written percent-encoded as the host, ``%2Fvar%2Frun%2Fpostgresql``);
- a project's ``[layers.source]`` table: ``service``, ``host``, ``port``, ``dbname``, ``user``,
  ``sslmode``, and ``table`` or ``query``, with ``geometry`` naming the geometry column.

A password is refused in both: it would be saved in the project, printed in errors and copied into
export records. libpq finds it where PostgreSQL's own tools do (``PGPASSFILE`` or ``~/.pgpass``,
``PGPASSWORD``), and a ``pg_service.conf`` service names the server.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from ..errors import SourceError

SCHEMES = ("postgresql", "postgres")
# libpq keywords a project or an address may give (everything else is ours or refused).
CONNECTION_KEYS = ("service", "host", "port", "dbname", "user", "sslmode")
_OWN_KEYS = ("table", "query", "geometry")
_CREDENTIALS = ("password", "passfile", "sslpassword")
CREDENTIALS_FIX = (
    "name the server with service= (pg_service.conf) and keep the password in PGPASSFILE (~/.pgpass) "
    "or PGPASSWORD, as psql and QGIS do"
)
_NAME_PART = re.compile(r'"((?:[^"]|"")+)"|([^".]+)')


def is_database_address(location) -> bool:
    """Whether ``location`` (a path, an address or a ``PgSource``) names a database layer."""
    if isinstance(location, PgSource):
        return True
    if not isinstance(location, str):
        return False
    return location.split("://", 1)[0].lower() in SCHEMES and "://" in location


@dataclass(frozen=True)
class PgSource:
    """A table, view or query of a PostgreSQL database, and the server it is on (no password)."""

    params: tuple[tuple[str, str], ...] = ()  # libpq keywords, in CONNECTION_KEYS
    table: tuple[str, ...] = ()  # (schema, name) or (name,)
    query: str | None = None
    geometry: str | None = None  # the geometry column; default: the only one

    # --- as a path-like ``SourceInfo.path``: not a file, never an output's twin ---------------------
    suffix = ""

    @property
    def name(self) -> str:
        return self.table[-1] if self.table else "query"

    def exists(self) -> bool:
        return False

    def __fspath__(self) -> str:
        """The address: what an error message names (``PakmapError(path=…)``); no file has it."""
        return str(self)

    # --- what it says -------------------------------------------------------------------------------
    @property
    def settings(self) -> dict[str, str]:
        return dict(self.params)

    @property
    def server(self) -> str:
        """The server for messages: ``service 'pakmap'`` or ``host:port/dbname`` (never a password)."""
        s = self.settings
        where = f"{s.get('host') or 'local socket'}" + (f":{s['port']}" if s.get("port") else "")
        where += f"/{s['dbname']}" if s.get("dbname") else ""
        if s.get("service"):
            return f"service '{s['service']}'" + (f" ({where})" if s.get("host") or s.get("dbname") else "")
        return f"server {where}" + (f" as {s['user']}" if s.get("user") else "")

    @property
    def table_name(self) -> str:
        """``schema.table``; a part holding a dot or a double quote is double-quoted, as in SQL."""
        return ".".join(p if re.fullmatch(r'[^."]+', p) else '"' + p.replace('"', '""') + '"' for p in self.table)

    def __str__(self) -> str:
        """The address (no password can be in it): what a project stores and a record names."""
        s = self.settings
        user = quote(s["user"], safe="") + "@" if s.get("user") else ""
        host = quote(s.get("host", ""), safe="")
        port = f":{s['port']}" if s.get("port") else ""
        parts = [*([s["dbname"]] if s.get("dbname") else []), self.table_name or ""]
        path = "/" + "/".join(quote(p, safe='."') for p in parts)
        query = [f"{k}={quote(v, safe='')}" for k, v in self.params if k in ("service", "sslmode")]
        if self.geometry:
            query.append(f"geometry={quote(self.geometry, safe='')}")
        text = f"postgresql://{user}{host}{port}{path}" + ("?" + "&".join(query) if query else "")
        return text + (" (query)" if self.query else "")

    def as_table(self) -> dict[str, str]:
        """The project's ``[layers.source]`` table for this source."""
        out = dict(self.params)
        if self.query:
            out["query"] = self.query
        elif self.table:
            out["table"] = self.table_name
        if self.geometry:
            out["geometry"] = self.geometry
        return out

    def with_table(self, table: str) -> "PgSource":
        return PgSource(self.params, parse_table_name(table, str(self)), None, self.geometry)


def parse_table_name(text: str, where: str) -> tuple[str, ...]:
    """``schema.table``, ``table`` or ``"Quoted Schema"."Table"`` as its parts."""
    parts, rest = [], text.strip()
    while rest:
        m = _NAME_PART.match(rest)
        if not m:
            break
        parts.append(m.group(1).replace('""', '"') if m.group(1) is not None else m.group(2).strip())
        rest = rest[m.end() :]
        if rest.startswith("."):
            rest = rest[1:]
        elif rest:
            parts = []
            break
    if not 1 <= len(parts) <= 2 or not all(parts):
        raise SourceError(
            f"'{text}' is not a table name",
            path=where,
            fix='write it as schema.table or table (double-quote names with dots: "my.schema".table)',
        )
    return tuple(parts)


def parse_address(address: str) -> PgSource:
    """``postgresql://…`` as a ``PgSource``; a password in it is refused."""
    shown = _without_password(address)
    try:
        parts = urlsplit(address)
        port = parts.port
    except ValueError as exc:
        raise SourceError(f"not a database address ({exc})", path=shown, fix=_ADDRESS_FIX) from None
    if parts.password is not None:
        raise SourceError("the address holds a password", path=shown, fix=CREDENTIALS_FIX)
    params: dict[str, str] = {}
    if parts.hostname or parts.netloc.split("@")[-1].split(":")[0]:
        params["host"] = unquote(parts.netloc.split("@")[-1].rsplit(":", 1)[0] if port else parts.netloc.split("@")[-1])
    if port:
        params["port"] = str(port)
    if parts.username:
        params["user"] = unquote(parts.username)
    segments = [unquote(s) for s in parts.path.split("/") if s]
    if len(segments) > 2:
        raise SourceError("the address has too many parts", path=shown, fix=_ADDRESS_FIX)
    if len(segments) == 2:
        params["dbname"] = segments[0]
    geometry = None
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        key = key.lower()
        if key in _CREDENTIALS:
            raise SourceError("the address holds a password", path=shown, fix=CREDENTIALS_FIX)
        if key == "geometry":
            geometry = value
        elif key in CONNECTION_KEYS:
            params[key] = value
        else:
            raise SourceError(
                f"unknown setting '{key}' in the address",
                path=shown,
                fix=f"use: {', '.join(CONNECTION_KEYS[:1] + CONNECTION_KEYS[-1:] + ('geometry',))}",
            )
    table = parse_table_name(segments[-1], shown) if segments else ()
    return PgSource(_ordered(params), table, None, geometry)


_ADDRESS_FIX = "write postgresql://HOST:PORT/DATABASE/SCHEMA.TABLE or postgresql:///SCHEMA.TABLE?service=NAME"


def _without_password(address: str) -> str:
    """``address`` as it may be shown: a password in it (``user:secret@``, ``password=``) blanked."""
    text = re.sub(r"(://[^/@:]*):[^/@]*@", r"\1:…@", address)
    return re.sub(r"(?i)((?:ssl)?pass(?:word|file)=)[^&\s]*", r"\1…", text)


def _ordered(params: dict[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple((k, str(params[k])) for k in CONNECTION_KEYS if params.get(k) not in (None, ""))


def source_from_table(table: dict, where: str) -> PgSource:
    """A project's ``[layers.source]`` table as a ``PgSource``."""
    if not isinstance(table, dict):
        raise SourceError("source must be a table", path=where, fix='write source = { service = "…", table = "…" }')
    unknown = sorted(set(table) - set(CONNECTION_KEYS) - set(_OWN_KEYS))
    if any(k.lower() in _CREDENTIALS for k in unknown):
        raise SourceError("the project holds a database password", path=where, fix=CREDENTIALS_FIX)
    if unknown:
        raise SourceError(
            f"unknown key(s) {', '.join(unknown)} in the database source",
            path=where,
            fix=f"use: {', '.join(CONNECTION_KEYS + _OWN_KEYS)}",
        )
    if bool(table.get("table")) == bool(table.get("query")):
        raise SourceError(
            "a database source needs exactly one of table or query", path=where, fix='e.g. table = "public.districts"'
        )
    params = {k: str(table[k]) for k in CONNECTION_KEYS if table.get(k) not in (None, "")}
    if not params:
        raise SourceError("the database source names no server", path=where, fix='give service = "NAME" (or host)')
    name = parse_table_name(str(table["table"]), where) if table.get("table") else ()
    query = str(table["query"]).strip().rstrip(";") if table.get("query") else None
    return PgSource(_ordered(params), name, query, table.get("geometry"))


def as_source(location) -> PgSource:
    if isinstance(location, PgSource):
        return location
    return parse_address(str(location))


__all__ = [
    "PgSource",
    "parse_address",
    "source_from_table",
    "parse_table_name",
    "is_database_address",
    "as_source",
    "CREDENTIALS_FIX",
]
