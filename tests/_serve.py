"""One way to run a real dashboard server for tests and benchmarks: ``with serve(db) as srv: srv.url``.

``borderwatch serve --db DB`` (or ``streamlit run PAGE`` with ``BORDERWATCH_DB=DB``) on
127.0.0.1 and a free port, in its own process group (``start_new_session``), its output in
a log file. The context waits until ``/_stcore/health`` answers ``ok``, and on leaving
stops the whole group: SIGTERM, then SIGKILL after ``stop_timeout`` seconds. A server that
exits or stays unhealthy raises :class:`RuntimeError` with the end of its log.

Imported as ``_serve`` (``tests/`` is on ``sys.path`` under pytest; ``benchmarks/load.py``
adds it).
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BW = str(Path(sys.executable).with_name("borderwatch"))
#: Variables of the caller's shell that would change what the page shows; a test sets them explicitly.
CLEARED_ENV = ("BORDERWATCH_LANG", "BORDERWATCH_TILE_URL", "BORDERWATCH_DB", "BORDERWATCH_USER")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def healthy(url: str) -> bool:
    """True when Streamlit's health endpoint at ``url`` answers ``ok``."""
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:  # noqa: S310 - 127.0.0.1 only
            return resp.status == 200 and resp.read().strip() == b"ok"
    except OSError:
        return False


@dataclass
class Server:
    """A running server: its ``url``, ``port``, process (group leader) and log file."""

    url: str
    port: int
    proc: subprocess.Popen
    log: Path
    stop_timeout: float = 15

    def stop(self) -> None:
        """Stop the server's process group (idempotent), e.g. to release the store before reading it."""
        if self.proc.poll() is not None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=self.stop_timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        except ProcessLookupError:
            self.proc.wait(timeout=10)

    def log_tail(self, n: int = 3000) -> str:
        try:
            return self.log.read_text(encoding="utf-8", errors="replace")[-n:]
        except OSError:
            return ""


def _command(db: str | Path, port: int, page: Path | None) -> list[str]:
    if page is None:
        return [BW, "serve", "--db", str(db), "--port", str(port), "--address", "127.0.0.1"]
    return [sys.executable, "-m", "streamlit", "run", str(page), "--server.headless", "true",
            "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
            "--server.fileWatcherType", "none"]


@contextmanager
def serve(db: str | Path, *, page: str | Path | None = None, env: Mapping[str, str] | None = None,
          log: str | Path | None = None, port: int | None = None, timeout: float = 90,
          stop_timeout: float = 15) -> Iterator[Server]:
    """Run the dashboard on store ``db`` until the ``with`` block ends.

    Parameters
    ----------
    db : path of the DuckDB store the server opens, or a ``postgresql://`` URL (then ``log`` is required).
    page : a Streamlit script to run instead of ``borderwatch serve`` (it gets ``BORDERWATCH_DB``).
    env : variables added to the environment (after :data:`CLEARED_ENV` are removed).
    log : file for the server's stdout and stderr; default ``<db>.serve.log`` beside the store.
    port : the port; default a free one.
    timeout : seconds to wait for ``/_stcore/health``.
    stop_timeout : seconds between SIGTERM and SIGKILL when stopping.
    """
    on_server = isinstance(db, str) and db.strip().lower().startswith(("postgresql://", "postgres://"))
    if on_server and log is None:
        raise ValueError("serve(postgresql://…) needs log=: a server store has no folder to put the log in")
    port = port or free_port()
    if on_server:
        db = str(db).strip()
        log_path = Path(str(log))
    else:
        db = Path(db)
        log_path = Path(log) if log else db.with_name(db.name + ".serve.log")
    full_env = {k: v for k, v in os.environ.items() if k not in CLEARED_ENV}
    if page is not None:
        full_env["BORDERWATCH_DB"] = str(db)
    full_env.update(env or {})
    url = f"http://127.0.0.1:{port}"
    with log_path.open("wb") as out:
        proc = subprocess.Popen(_command(db, port, Path(page) if page else None), cwd=ROOT, env=full_env,
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    srv = Server(url=url, port=port, proc=proc, log=log_path, stop_timeout=stop_timeout)
    try:
        deadline = time.monotonic() + timeout
        while not healthy(url):
            if proc.poll() is not None:
                raise RuntimeError(f"server exited with code {proc.returncode}; {log_path}:\n{srv.log_tail()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"server not healthy after {timeout:.0f} s; {log_path}:\n{srv.log_tail()}")
            time.sleep(0.25)
        yield srv
    finally:
        srv.stop()
