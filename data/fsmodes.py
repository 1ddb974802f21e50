"""Files and folders only their owner can read: 0600 files, 0700 folders, whatever the umask.

docs/security.md names file permissions as the boundary around the store, so the product sets
them itself instead of trusting the umask of whoever starts it:

* :func:`private_umask` — the process umask gains ``0o077`` (called when a store file is opened
  and by the CLI at start-up). It covers files other libraries create for us (DuckDB's store
  and WAL, GDAL's GeoPackage, openpyxl's workbook).
* :func:`open_private` — ``open()`` for a new or replaced file, created 0600 and never through a
  symlink.
* :func:`make_private` — ``chmod`` a file we wrote (0600) or a folder (0700), when it is ours.
* :func:`private_dir` / :func:`private_tempdir` — folders created 0700.
* :func:`private_write` — write a file through a writer function into a 0700 scratch folder beside
  the target, make it 0600, then rename it into place: no reader ever sees a wider mode.
"""
from __future__ import annotations

import os
import shutil
import stat
import tempfile
from pathlib import Path
from typing import Callable

FILE_MODE = 0o600
DIR_MODE = 0o700


def private_umask() -> int:
    """Add ``0o077`` to the process umask (keeps any stricter bits); returns the new umask."""
    old = os.umask(0o077)
    new = old | 0o077
    if new != 0o077:
        os.umask(new)
    return new


def make_private(path: str | Path) -> None:
    """0600 for a file, 0700 for a folder — only for our own, never through a symlink."""
    p = Path(path)
    try:
        st = os.lstat(p)
    except FileNotFoundError:
        return
    if stat.S_ISLNK(st.st_mode) or st.st_uid != os.geteuid():
        return
    want = DIR_MODE if stat.S_ISDIR(st.st_mode) else FILE_MODE
    if stat.S_IMODE(st.st_mode) != want:
        os.chmod(p, want)


def open_private(path: str | Path, mode: str = "w", **kwargs):
    """``open(path, mode)`` for writing, the file created (or truncated) 0600; refuses a symlink."""
    if not any(c in mode for c in "wax"):
        raise ValueError("open_private is for writing")
    flags = os.O_WRONLY | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    flags |= os.O_EXCL if "x" in mode else (os.O_APPEND if "a" in mode else os.O_TRUNC)
    fd = os.open(path, flags, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)
        return os.fdopen(fd, mode.replace("x", "w"), **kwargs)
    except BaseException:
        os.close(fd)
        raise


def private_dir(path: str | Path, *, parents: bool = False) -> Path:
    """Create ``path`` as a 0700 folder (or tighten our own existing one); returns it."""
    p = Path(path)
    if parents:
        p.parent.mkdir(parents=True, exist_ok=True)
    try:
        p.mkdir(mode=DIR_MODE)
    except FileExistsError:
        pass
    make_private(p)
    return p


def private_tempdir(prefix: str, dir: str | Path | None = None) -> Path:
    """A new 0700 temporary folder (``tempfile.mkdtemp`` already creates it so; asserted here)."""
    p = Path(tempfile.mkdtemp(prefix=prefix, dir=dir))
    os.chmod(p, DIR_MODE)
    return p


def private_write(target: str | Path, writer: Callable[[Path], None]) -> Path:
    """Let ``writer(tmp_path)`` write the file, then make it 0600 and move it to ``target`` atomically.

    ``tmp_path`` lies in a 0700 folder beside ``target`` (same file system), so no other user can
    open the file while it is still being written, whatever mode the writer created it with.
    """
    target = Path(target)
    scratch = private_tempdir(f".{target.name}.", dir=target.parent)
    try:
        tmp = scratch / target.name
        writer(tmp)
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, target)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return target
