"""Helpers shared by the security tests (imported as ``seclib``; test folders have no packages)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BW = str(Path(sys.executable).with_name("borderwatch"))
PASSWORD = "Sông-Sê-Pôn-2024!"          # the same for every test account
ROLES = ("viewer", "analyst", "editor", "admin")


def bw(*args, stdin: str | None = None, env: dict | None = None, timeout: float = 120):
    """Run the ``borderwatch`` command with English messages and no login delay."""
    full_env = {**os.environ, "BORDERWATCH_LANG": "en", "BORDERWATCH_LOGIN_DELAY_S": "0", **(env or {})}
    if "BORDERWATCH_USER" not in (env or {}):
        full_env.pop("BORDERWATCH_USER", None)
    return subprocess.run([BW, *args], input=stdin, capture_output=True, text=True, env=full_env, timeout=timeout)


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
