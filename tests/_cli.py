"""Run the ``borderwatch`` command inside the test process: ``bw("info", "--db", db, lang="en")``.

A subprocess pays Python's start-up and the import of GeoPandas, DuckDB and friends (1-3 s on
the 2-core test machine) for every call; ``cli.main([...])`` pays it once per session. The
result looks like :class:`subprocess.CompletedProcess` (``returncode``, ``stdout``, ``stderr``)
so a test reads the same either way. What the call changes in the process is put back
afterwards: stdin/stdout/stderr, the environment variables passed in ``env``, the umask the
command tightens and the SIGTERM handler it installs. (``cli.main`` itself scopes ``--lang``
and the audit origin to the call.)

The language is passed as ``--lang`` (never by writing ``BORDERWATCH_LANG``); ``lang=None``
leaves the command line as it is (for a test that passes ``--lang`` itself). A few tests per
command family still run the real console script in a subprocess (``run_subprocess``): the
entry point, exit codes seen by a shell, signals and other OS users.

Imported as ``_cli`` (``tests/`` is on ``sys.path`` under pytest).
"""
from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import cli

BW = str(Path(sys.executable).with_name("borderwatch"))
#: Variables of the caller's shell that would change what a command does; a test sets them explicitly.
CLEARED_ENV = ("BORDERWATCH_LANG", "BORDERWATCH_USER", "BORDERWATCH_DB", "BORDERWATCH_TILE_URL", "BORDERWATCH_DEBUG")


@dataclass
class Result:
    """What one in-process command returned and printed (the fields of ``subprocess.CompletedProcess``)."""

    args: list[str]
    returncode: int
    stdout: str
    stderr: str


@contextmanager
def scoped_env(env: Mapping[str, str | None]) -> Iterator[None]:
    """Set (or, for ``None``, remove) the variables in ``env`` for the block; the old values come back after."""
    before = {k: os.environ.get(k) for k in env}
    try:
        for k, v in env.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        yield
    finally:
        for k, v in before.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _argv(args: tuple[object, ...], lang: str | None) -> list[str]:
    argv = [str(a) for a in args]
    if lang is not None and "--lang" not in argv and argv and argv[0] in cli.COMMANDS:
        argv += ["--lang", lang]
    return argv


def _text(stream: io.TextIOWrapper) -> str:
    stream.flush()
    buffer = stream.buffer
    assert isinstance(buffer, io.BytesIO)
    return buffer.getvalue().decode("utf-8", errors="replace")


def bw(*args: object, lang: str | None = "vi", env: Mapping[str, str | None] | None = None,
       stdin: str | None = None) -> Result:
    """``borderwatch ARGS --lang LANG`` in this process, its output captured.

    ``env`` adds variables for the call (``None`` removes one); the variables in
    :data:`CLEARED_ENV` are removed unless ``env`` names them. ``stdin`` is the text the
    command reads (empty by default, as ``subprocess.run(..., input="")`` would give).
    """
    if env and "BORDERWATCH_LANG" in env:   # a test of the variable itself: no --lang added
        lang = None
    argv = _argv(args, lang)
    full_env: dict[str, str | None] = dict.fromkeys(CLEARED_ENV)
    full_env.update(env or {})
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", write_through=True)
    err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", write_through=True)
    saved = sys.stdin, sys.stdout, sys.stderr
    umask = os.umask(0o022)
    os.umask(umask)
    handler = signal.getsignal(signal.SIGTERM)
    sys.stdin, sys.stdout, sys.stderr = io.StringIO(stdin or ""), out, err
    try:
        with scoped_env(full_env):
            try:
                code: int | str | None = cli.main(argv)
            except SystemExit as exc:       # argparse: --help, a usage error
                code = exc.code
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved
        os.umask(umask)
        if threading.current_thread() is threading.main_thread():   # cli.main sets it only there
            signal.signal(signal.SIGTERM, handler)
    stderr = _text(err)
    if isinstance(code, str):               # SystemExit("message"): printed, exit code 1
        stderr += code + "\n"
        code = 1
    return Result(args=argv, returncode=int(code or 0), stdout=_text(out), stderr=stderr)


def run_subprocess(*args: object, lang: str | None = "vi", env: Mapping[str, str | None] | None = None,
                   stdin: str | None = None, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """The same call through the real console script in a child process (the smoke tests)."""
    if env and "BORDERWATCH_LANG" in env:
        lang = None
    full_env = {k: v for k, v in os.environ.items() if k not in CLEARED_ENV}
    for k, v in (env or {}).items():
        if v is None:
            full_env.pop(k, None)
        else:
            full_env[k] = v
    return subprocess.run([BW, *_argv(args, lang)], input=stdin, capture_output=True, text=True, env=full_env,
                          timeout=timeout)
