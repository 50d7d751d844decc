"""A throwaway PostgreSQL + PostGIS cluster for the tests and the benchmarks: a real server, no mock.

``Cluster.start()`` runs Debian's ``initdb`` into a fresh temporary folder, starts the server with
``pg_ctl`` listening on a Unix socket in that folder and on 127.0.0.1 at a free port, with password
(SCRAM) authentication everywhere, creates the database ``pakmap`` with the ``postgis`` extension and
a login role for the officer; ``stop()`` stops the server and removes the folder.

PostgreSQL refuses to run as root: when the tests run as root the server runs as the ``postgres``
system user (``runuser``), which Debian's package creates; the folder is handed to that user.
Clients (the tests) connect as any user through the socket path or the port.
"""

from __future__ import annotations

import glob
import json
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

# Polls the owner's pid; when it is gone, stops the server (if still there) and removes the folder.
_WATCHDOG = """
import json, os, shutil, subprocess, sys, time
owner, root, stop = int(sys.argv[1]), sys.argv[2], json.loads(sys.argv[3])
while os.path.isdir(root):
    try:
        os.kill(owner, 0)
    except ProcessLookupError:
        if os.path.exists(os.path.join(root, "data", "postmaster.pid")):
            subprocess.run(stop, capture_output=True, timeout=60)
        shutil.rmtree(root, ignore_errors=True)
        break
    time.sleep(1)
"""

DATABASE = "pakmap"
OFFICER = "officer"


def server_binaries() -> Path | None:
    """Debian's PostgreSQL server binaries (newest version installed), or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[4]))
    if not found:
        on_path = shutil.which("initdb")
        return Path(on_path).parent if on_path else None
    return Path(found[-1]).parent


def postgis_installed(binaries: Path) -> bool:
    share = subprocess.run(
        [str(binaries / "pg_config"), "--sharedir"], capture_output=True, text=True, check=False
    ).stdout.strip()
    return bool(share) and Path(share, "extension", "postgis.control").exists()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Cluster:
    binaries: Path
    root: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="pakmap-pg-")))
    port: int = field(default_factory=_free_port)
    superuser_password: str = field(default_factory=lambda: secrets.token_hex(12))
    officer_password: str = field(default_factory=lambda: "Pw-" + secrets.token_hex(10))

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def socket_dir(self) -> Path:
        return self.root / "socket"

    def _as_server_user(self, argv: list[str], **kwargs) -> subprocess.CompletedProcess:
        if os.geteuid() == 0:
            argv = ["runuser", "-u", "postgres", "--", *argv]
        return subprocess.run(argv, capture_output=True, text=True, check=True, timeout=120, **kwargs)

    def start(self) -> "Cluster":
        self.socket_dir.mkdir()
        pwfile = self.root / "superuser.pw"
        pwfile.write_text(self.superuser_password + "\n")
        if os.geteuid() == 0:
            server_user = pwd.getpwnam("postgres")
            for path in (self.root, self.socket_dir, pwfile):
                os.chown(path, server_user.pw_uid, server_user.pw_gid)
        self._as_server_user(
            [
                str(self.binaries / "initdb"),
                "-D",
                str(self.data_dir),
                "-U",
                "postgres",
                "--auth=scram-sha-256",
                f"--pwfile={pwfile}",
                "--encoding=UTF8",
                "--locale=C",
            ]
        )
        pwfile.unlink()
        options = f"-k {self.socket_dir} -p {self.port} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._as_server_user(
            [
                str(self.binaries / "pg_ctl"),
                "-D",
                str(self.data_dir),
                "-l",
                str(self.root / "server.log"),
                "-o",
                options,
                "-w",
                "start",
            ]
        )
        self._watch_owner()
        self.sql(
            f"CREATE ROLE {OFFICER} LOGIN PASSWORD '{self.officer_password}'",
            f"CREATE DATABASE {DATABASE} OWNER {OFFICER}",
        )
        self.sql("CREATE EXTENSION postgis", f"GRANT ALL ON SCHEMA public TO {OFFICER}", database=DATABASE)
        return self

    def _watch_owner(self) -> None:
        """A watchdog process that stops the server and removes its folder if this process dies
        without ``stop()`` (pytest killed by a CI timeout): no server is left running."""
        stop = [str(self.binaries / "pg_ctl"), "-D", str(self.data_dir), "-m", "immediate", "-w", "stop"]
        if os.geteuid() == 0:
            stop = ["runuser", "-u", "postgres", "--", *stop]
        subprocess.Popen(
            [sys.executable, "-c", _WATCHDOG, str(os.getpid()), str(self.root), json.dumps(stop)],
            start_new_session=True,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def superuser_dsn(self, database: str = "postgres") -> str:
        return (
            f"host={self.socket_dir} port={self.port} dbname={database} user=postgres "
            f"password={self.superuser_password} connect_timeout=10"
        )

    def sql(self, *statements: str, database: str = "postgres") -> None:
        import psycopg

        with psycopg.connect(self.superuser_dsn(database), autocommit=True) as conn:
            for statement in statements:
                conn.execute(statement)

    def write_service_file(self, folder: Path, service: str = "pakmap") -> tuple[Path, Path]:
        """A ``pg_service.conf`` naming the server (no password) and a ``.pgpass`` holding it, as an
        officer's machine would have them; returns both paths."""
        services = folder / "pg_service.conf"
        services.write_text(
            f"[{service}]\nhost=127.0.0.1\nport={self.port}\ndbname={DATABASE}\nuser={OFFICER}\n"
            f"[{service}-socket]\nhost={self.socket_dir}\nport={self.port}\ndbname={DATABASE}\nuser={OFFICER}\n"
        )
        passfile = folder / "pgpass"
        passfile.write_text(
            f"127.0.0.1:{self.port}:{DATABASE}:{OFFICER}:{self.officer_password}\n"
            f"{self.socket_dir}:{self.port}:{DATABASE}:{OFFICER}:{self.officer_password}\n"
        )
        passfile.chmod(0o600)
        return services, passfile

    def stop(self) -> None:
        try:
            if (self.data_dir / "postmaster.pid").exists():
                self._as_server_user(
                    [str(self.binaries / "pg_ctl"), "-D", str(self.data_dir), "-m", "immediate", "-w", "stop"]
                )
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def wait_ready(self, seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            probe = subprocess.run(
                [str(self.binaries / "pg_isready"), "-h", str(self.socket_dir), "-p", str(self.port)],
                capture_output=True,
                check=False,
            )
            if probe.returncode == 0:
                return
            time.sleep(0.2)
        raise RuntimeError("the test server did not come up")
