"""Helpers shared by the security tests (imported as ``seclib``; test folders have no packages)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import _cli

ROOT = Path(__file__).resolve().parents[2]
BW = str(Path(sys.executable).with_name("borderwatch"))
PASSWORD = "Sông-Sê-Pôn-2024!"          # the same for every test account
ROLES = ("viewer", "analyst", "editor", "admin")


def bw(*args: str, stdin: str | None = None, env: dict[str, str | None] | None = None) -> _cli.Result:
    """Run the ``borderwatch`` command (in this process, ``tests/_cli.py``) with English messages and no login delay."""
    return _cli.bw(*args, lang="en", env={"BORDERWATCH_LOGIN_DELAY_S": "0", **(env or {})}, stdin=stdin)


NOBODY = 65534
#: Runs a command as another OS user (nobody), the way a second local account would.
AS_NOBODY = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]


def as_nobody(script: str, **kwargs):
    """Run the shell ``script`` as the OS user ``nobody``; returns the CompletedProcess."""
    return subprocess.run([*AS_NOBODY, "sh", "-c", script], capture_output=True, text=True, timeout=60, **kwargs)


def copy_store(src: Path, dst: Path) -> Path:
    """Copy a store file together with its audit anchor (what moving a store properly means)."""
    import shutil

    shutil.copy(src, dst)
    anchor = Path(str(src) + ".audit-anchor")
    if anchor.exists():
        shutil.copy(anchor, Path(str(dst) + ".audit-anchor"))
    return dst
