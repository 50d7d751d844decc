"""Connecting to a PostgreSQL server, and its errors as one line the officer can act on.

Every connection has a connect timeout (``PAKMAP_PG_CONNECT_TIMEOUT``), a statement timeout set on
the server (``PAKMAP_PG_STATEMENT_TIMEOUT``) and TCP keepalives, so a server that stops answering is
an error within seconds, never a frozen window. Messages name the server (``service 'pakmap'`` or
host, port and database) and never a password: pakmap never holds one (see ``address``), and any
text from libpq is scrubbed of ``password=`` settings all the same.
"""

from __future__ import annotations

import os
import re
from contextlib import contextmanager
from typing import Any, Iterator

import psycopg
import psycopg.errors

from ..errors import ExportError, PakmapError, SourceError
from ..limits import PG_CONNECT_TIMEOUT, PG_STATEMENT_TIMEOUT
from .address import CREDENTIALS_FIX, PgSource

APPLICATION_NAME = "pakmap"
_LOST = (
    "server closed the connection",
    "terminating connection",
    "connection is lost",
    "consuming input failed",
    "no connection to the server",
    "the connection is closed",
    "SSL SYSCALL error",
    "could not receive data",
)


@contextmanager
def connected(source: PgSource, *, writing: bool = False) -> Iterator[psycopg.Connection]:
    """A connection to ``source``'s server, in a transaction committed when the block ends (rolled
    back if it raises). Database errors leave as one-line ``SourceError`` (``ExportError`` when
    ``writing``)."""
    kind = ExportError if writing else SourceError
    statement_ms = int(PG_STATEMENT_TIMEOUT.value() * 1000)
    try:
        settings: dict[str, Any] = {
            **source.settings,
            "connect_timeout": max(1, int(round(PG_CONNECT_TIMEOUT.value()))),
            "application_name": APPLICATION_NAME,
            "options": f"-c statement_timeout={statement_ms} -c lock_timeout={statement_ms}",
            "keepalives": 1,
            "keepalives_idle": 10,
            "keepalives_interval": 5,
            "keepalives_count": 3,
        }
        conn = psycopg.connect(**settings)
    except psycopg.Error as exc:
        raise database_error(exc, source, kind, connecting=True) from None
    try:
        with conn:
            yield conn
    except psycopg.Error as exc:
        raise database_error(exc, source, kind) from None


def database_error(
    exc: Exception, source: PgSource, kind: type[PakmapError] = SourceError, *, connecting: bool = False
) -> PakmapError:
    """``exc`` (a psycopg error) as one line naming the server, the problem and the fix."""
    detail = _scrubbed(_first_line(exc))
    state = getattr(exc, "sqlstate", None) or ""
    server = source.server
    where = str(source)
    lowered = detail.lower()
    login = connecting and ("password" in lowered or "authentication" in lowered)
    if state in ("28P01", "28000") or login:
        return kind(f"{server} refused the login ({detail})", path=where, fix=CREDENTIALS_FIX)
    if "definition of service" in lowered or "service file" in lowered:
        return kind(
            f"the database service is not defined ({detail})",
            path=where,
            fix="add it to pg_service.conf (~/.pg_service.conf, or the file PGSERVICEFILE names)",
        )
    if state == "3D000":
        return kind(f"{server} has no such database ({detail})", path=where, fix="check dbname (or the service)")
    if state == "57014":
        limit = PG_STATEMENT_TIMEOUT.value()
        return kind(
            f"the query on {server} took longer than {limit:g} s and was stopped",
            path=where,
            fix=f"add an index or narrow the query, or raise {PG_STATEMENT_TIMEOUT.env}",
        )
    if state == "55P03":
        return kind(
            f"the table is locked on {server} by another session",
            path=where,
            fix="wait for the other write to finish and run again",
        )
    if state.startswith("57P") or any(s.lower() in lowered for s in _LOST):
        return kind(
            f"the connection to {server} was lost ({detail})",
            path=where,
            fix="check that the server is up (pg_isready) and the network, then run again",
        )
    if state == "42601":
        return kind(
            f"the query has a syntax error ({detail})", path=where, fix="correct the query (try it in psql first)"
        )
    if state in ("42P01", "42703", "42883"):
        return kind(
            f"{detail} on {server}", path=where, fix="check the name (pakmap info on the service lists its tables)"
        )
    if state == "42501":
        return kind(
            f"{server} refused access ({detail})",
            path=where,
            fix="ask the database administrator for the rights (SELECT to read, CREATE to write)",
        )
    if connecting or isinstance(exc, psycopg.OperationalError):
        timeout = " (timed out)" if "timeout" in lowered else ""
        return kind(
            f"cannot connect to {server}{timeout} ({detail})",
            path=where,
            fix="check that the server runs and the host and port (or the service in pg_service.conf); "
            f"{PG_CONNECT_TIMEOUT.env} sets the wait",
        )
    return kind(f"{server} refused the request ({detail})", path=where, fix="check the table or query")


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    # libpq prefixes every attempt ("connection to server at … failed:"); the cause is on the last.
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith(("LINE ", "^"))]
    if not lines:
        return type(exc).__name__
    line = lines[0] if not lines[0].endswith("failed:") else lines[-1]
    return line[:200]


def _scrubbed(text: str) -> str:
    text = re.sub(r"(?i)((?:ssl)?pass(?:word|file)\s*=\s*)\S+", r"\1…", text)
    secret = os.environ.get("PGPASSWORD")
    return text.replace(secret, "…") if secret else text


__all__ = ["connected", "database_error", "APPLICATION_NAME"]
