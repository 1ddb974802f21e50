"""What a session leaves on the server: prepared downloads (``/media/…``) and temporary folders.

Streamlit keeps a download button's bytes fetchable at ``/media/<id>`` until two script runs
after the button is gone, and a session that ends (browser closed) only marks its files.
So the app drops them itself:

* at logout, idle expiry or a disabled account (:func:`drop_session`, from ``ui.auth``);
* for sessions that have ended or lost their connection (:func:`sweep`, every
  :data:`SWEEP_SECONDS` in a daemon thread and at every gate);
* temporary folders (``bw-upload-<pid>-*``, ``bw-rejects-<pid>-*``) with the session, at
  process exit (``atexit``) and, at start-up, those of processes that no longer run
  (:func:`start_up`; only folders owned by this OS user).

Reaching into Streamlit's media manager uses its private tables (pinned Streamlit 1.67;
``tests/security/test_leftovers.py`` fails if they change).
"""
from __future__ import annotations

import atexit
import logging
import os
import re
import shutil
import tempfile
import threading
from pathlib import Path

log = logging.getLogger("borderwatch.leftovers")

PREFIXES = ("bw-upload-", "bw-rejects-")
SWEEP_SECONDS = 10.0
_FOLDERS: dict[str, set[str]] = {}          # session id -> its temporary folders
_LOCK = threading.Lock()
_STARTED: list[bool] = []


def _session_id() -> str | None:
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx(suppress_warning=True)
    return ctx.session_id if ctx else None


def _runtime():
    from streamlit import runtime

    return runtime.get_instance() if runtime.exists() else None


def temp_folder(prefix: str) -> Path:
    """A new 0700 folder ``<tmp>/<prefix><pid>-XXXX`` owned by this session (removed with it)."""
    if prefix not in PREFIXES:
        raise ValueError(f"prefix must be one of {PREFIXES}")
    folder = Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-"))
    sid = _session_id()
    if sid:
        with _LOCK:
            _FOLDERS.setdefault(sid, set()).add(str(folder))
    return folder


def remove_folder(folder: Path | str) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    with _LOCK:
        for held in _FOLDERS.values():
            held.discard(str(folder))


def _drop_media(session_id: str) -> int:
    """Delete the files of ``session_id`` and every file no session refers to from Streamlit's media storage.

    A full rerun (a logout click) has already dropped the session's references when its
    callbacks run, so its files are found among the unreferenced ones; those are dropped at
    once (Streamlit would keep a download for one more run of some session).
    """
    rt = _runtime()
    if rt is None:
        return 0
    mgr = rt.media_file_mgr
    with mgr._lock:
        mgr._files_by_session_and_coord.pop(session_id, None)
        gone = [f for f in mgr._get_inactive_file_ids() if f in mgr._file_metadata]
        for file_id in gone:
            mgr._delete_file(file_id)
    return len(gone)


def drop_session(session_id: str | None = None) -> None:
    """Forget this session's prepared downloads and temporary folders (logout, expiry)."""
    sid = session_id or _session_id()
    if not sid:
        return
    _drop_media(sid)
    with _LOCK:
        folders = _FOLDERS.pop(sid, set())
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)


def sweep() -> None:
    """Drop what sessions that ended (or lost their connection) left behind."""
    rt = _runtime()
    if rt is None:
        return
    with rt.media_file_mgr._lock:
        sessions = set(rt.media_file_mgr._files_by_session_and_coord)
    with _LOCK:
        sessions |= set(_FOLDERS)
    for sid in sessions:
        if not rt.is_active_session(sid):
            drop_session(sid)
    with rt.media_file_mgr._lock:        # files no session refers to any more: at once, not two runs later
        mgr = rt.media_file_mgr
        for file_id in list(mgr._get_inactive_file_ids()):
            mgr._delete_file(file_id)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def stale_folders(root: Path | None = None) -> list[Path]:
    """Our temporary folders in ``root`` (default: the temp dir) whose process no longer runs."""
    root = Path(root or tempfile.gettempdir())
    pattern = re.compile(r"^(%s)(\d+)-" % "|".join(re.escape(p) for p in PREFIXES))
    out = []
    for entry in root.iterdir():
        m = pattern.match(entry.name)
        try:
            mine = entry.is_dir() and not entry.is_symlink() and entry.stat().st_uid == os.getuid()
        except OSError:
            continue
        if m and mine and (int(m.group(2)) != os.getpid()) and not _alive(int(m.group(2))):
            out.append(entry)
    return out


def _at_exit() -> None:
    with _LOCK:
        folders = [f for held in _FOLDERS.values() for f in held]
        _FOLDERS.clear()
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)


def _sweeper() -> None:
    stop = threading.Event()
    while not stop.wait(SWEEP_SECONDS):
        try:
            sweep()
        except Exception:  # noqa: BLE001 -- a sweep that fails is retried at the next tick; the app goes on
            log.exception("sweep failed")


def start_up() -> int:
    """Once per process: remove stale folders, register the exit hook, start the sweeper. Returns folders removed."""
    with _LOCK:
        if _STARTED:
            return 0
        _STARTED.append(True)
    stale = stale_folders()
    for folder in stale:
        shutil.rmtree(folder, ignore_errors=True)
    atexit.register(_at_exit)
    threading.Thread(target=_sweeper, name="bw-leftovers", daemon=True).start()
    return len(stale)
