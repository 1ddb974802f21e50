"""``borderwatch`` commands in separate processes that skip Python start-up: forked from one warm server.

A test that needs real processes (several at once against one store, or one to SIGKILL at a
random moment) but not the console script itself starts a :class:`ForkServer`: a child Python
that imports ``cli`` (GeoPandas, DuckDB, the importers) once, then forks one process per
command. Each forked process runs ``cli.main(ARGS)`` with its own store connection, its own
stdin/stdout (``/dev/null``) and stderr (a file per command), and ends with ``os._exit`` once
the command has returned (the command closes its store first; interpreter teardown in a forked
child can crash). The entry point itself is covered by the ``_cli.run_subprocess`` smoke tests.

Protocol (one line each way): ``start<TAB>ERRFILE<TAB>ARGS…`` → the child's pid; ``wait<TAB>PID`` →
its exit code once it ended (``-9``: SIGKILL). A child stays unreaped until its ``wait``, so its
pid is never reused before then and ``os.pidfd_open`` on it is safe.

Imported as ``_fork`` (``tests/`` is on ``sys.path`` under pytest).
"""
from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SERVER = r"""
import os, sys
import cli, cli.importing, cli.patrols, data.importers, data.audit, data.store
devnull = os.open(os.devnull, os.O_RDWR)
for line in sys.stdin:
    op, *rest = line.rstrip("\n").split("\t")
    if op == "wait":
        print(os.waitstatus_to_exitcode(os.waitpid(int(rest[0]), 0)[1]), flush=True)
        continue
    err, *argv = rest
    pid = os.fork()
    if pid == 0:
        fd = os.open(err, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(devnull, 0)
        os.dup2(devnull, 1)
        os.dup2(fd, 2)
        try:
            code = cli.main(argv)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        except BaseException as exc:
            print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
            code = 1
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    print(pid, flush=True)
"""


class ForkServer:
    """A warm process that forks one process per ``borderwatch`` command (see the module docstring)."""

    def __init__(self, folder: Path, env: Mapping[str, str | None] | None = None) -> None:
        self.folder = folder
        full_env = dict(os.environ)
        for k, v in (env or {}).items():
            if v is None:
                full_env.pop(k, None)
            else:
                full_env[k] = v
        self._log = open(folder / "fork-server.log", "w")
        self._n = 0
        self._errs: dict[int, Path] = {}
        self.proc = subprocess.Popen([sys.executable, "-c", SERVER], cwd=ROOT, env=full_env, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=self._log, text=True, bufsize=1)

    def __enter__(self) -> ForkServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _ask(self, *fields: object) -> int:
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write("\t".join(str(f) for f in fields) + "\n")
        self.proc.stdin.flush()
        answer = self.proc.stdout.readline()
        assert answer, f"fork server ended: {(self.folder / 'fork-server.log').read_text()}"
        return int(answer)

    def start(self, *args: object) -> int:
        """Fork ``borderwatch ARGS``; its pid (running until :meth:`wait`)."""
        self._n += 1
        err = self.folder / f"fork-{self._n}.stderr"
        pid = self._ask("start", err, *args)
        self._errs[pid] = err
        return pid

    def wait(self, pid: int) -> int:
        """The exit code of the process ``pid`` (negative: the signal that ended it)."""
        return self._ask("wait", pid)

    def stderr(self, pid: int) -> str:
        """What the process ``pid`` wrote to stderr."""
        return self._errs[pid].read_text(encoding="utf-8", errors="replace")

    def run(self, *args: object) -> tuple[int, str]:
        """``borderwatch ARGS`` to its end: (exit code, stderr)."""
        pid = self.start(*args)
        return self.wait(pid), self.stderr(pid)

    def kill_after(self, delay: float, *args: object) -> float | None:
        """Start ``borderwatch ARGS`` and SIGKILL it ``delay`` seconds later: None when the kill ended it,
        else the seconds it took (it finished first, also when it exited between the check and the signal)."""
        t0 = time.monotonic()
        pid = self.start(*args)
        pidfd = os.pidfd_open(pid)          # readable once it has exited (a zombie until "wait")
        try:
            if not select.select([pidfd], [], [], delay)[0]:
                signal.pidfd_send_signal(pidfd, signal.SIGKILL)
            took = time.monotonic() - t0
        finally:
            os.close(pidfd)
        return None if self.wait(pid) == -signal.SIGKILL else took

    def close(self) -> None:
        if self.proc.stdin and not self.proc.stdin.closed:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=60)
        finally:
            self._log.close()
