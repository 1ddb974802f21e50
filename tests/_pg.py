"""A throw-away PostgreSQL + PostGIS cluster for tests and benchmarks (server mode, issue 15).

``initdb`` refuses root, so the cluster runs as the ``postgres`` OS user (``runuser -u postgres --``
when we are root). Its data and socket live in a fresh temporary folder; it listens on 127.0.0.1 at
a free port with ``fsync=off`` (a test cluster: speed over durability) and trusts local
connections. ``template_bw`` has PostGIS; :meth:`Cluster.new_database` copies it (``CREATE
DATABASE … TEMPLATE``, a file copy: fast). :meth:`Cluster.stop` removes everything.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

from tests._serve import free_port

PG_VERSION = "15"
BIN = Path(f"/usr/lib/postgresql/{PG_VERSION}/bin")
TEMPLATE = "template_bw"


def missing_reason() -> str | None:
    """Why no cluster can be started here (``None`` when one can)."""
    if not (BIN / "initdb").exists() or not (BIN / "pg_ctl").exists():
        return f"PostgreSQL {PG_VERSION} binaries are not installed ({BIN}); make test installs them"
    if not Path(f"/usr/share/postgresql/{PG_VERSION}/extension/postgis.control").exists():
        return f"PostGIS for PostgreSQL {PG_VERSION} is not installed (postgresql-{PG_VERSION}-postgis-3)"
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "runuser is missing: cannot run initdb as the postgres user"
    return None


class Cluster:
    """One running test cluster; ``url(dbname)`` is what ``--db`` takes."""

    def __init__(self) -> None:
        reason = missing_reason()
        if reason:
            raise RuntimeError(reason)
        self.root = Path(tempfile.mkdtemp(prefix="bw-pg-"))
        self.data = self.root / "data"
        self.sock = self.root / "sock"
        self.sock.mkdir()
        self.port = free_port()
        self.user = "postgres"
        self._as_postgres = os.geteuid() == 0
        if self._as_postgres:
            os.chmod(self.root, 0o755)
            shutil.chown(self.root, "postgres", "postgres")
            shutil.chown(self.sock, "postgres", "postgres")
        self._run([str(BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                   "--locale=C.UTF-8", "--no-sync"])
        opts = (f"-p {self.port} -k {self.sock} -c listen_addresses=127.0.0.1 -c fsync=off "
                "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
        self._run([str(BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.root / "log"), "-o", opts, "-w",
                   "start"])
        self.psql(f"CREATE DATABASE {TEMPLATE}")
        self.psql("CREATE EXTENSION postgis", db=TEMPLATE)

    def _run(self, cmd: list[str]) -> subprocess.CompletedProcess:
        if self._as_postgres:
            cmd = ["runuser", "-u", "postgres", "--"] + cmd
        return subprocess.run(cmd, check=True, capture_output=True, text=True, cwd="/")

    def psql(self, sql: str, db: str = "postgres") -> str:
        """Run ``sql`` through psql over the TCP port; returns its unaligned output."""
        out = subprocess.run([str(BIN / "psql"), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1",
                              "-p", str(self.port), "-U", self.user, "-d", db, "-c", sql],
                             check=True, capture_output=True, text=True)
        return out.stdout.strip()

    def new_database(self, prefix: str = "bw") -> str:
        """A fresh database with PostGIS (copied from the template); returns its URL."""
        name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        self.psql(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
        return self.url(name)

    def url(self, dbname: str) -> str:
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{dbname}"

    def stop(self) -> None:
        try:
            self._run([str(BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop"])
        except subprocess.CalledProcessError:
            pass
        for _ in range(20):
            try:
                shutil.rmtree(self.root)
                return
            except OSError:
                time.sleep(0.1)

    def __enter__(self) -> "Cluster":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
