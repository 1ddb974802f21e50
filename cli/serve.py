"""``borderwatch serve``: run the dashboard with Streamlit on 127.0.0.1.

(``server.py``: app.py plus ui.routes: session cookie, upload, basemap tiles.)
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from cli._common import db_path

ROOT = Path(__file__).resolve().parent.parent


def add_arguments(p, name: str) -> None:
    p.add_argument("--port", type=int, default=8501)
    p.add_argument("--address", default="127.0.0.1")


def run(args) -> int:
    from layers.assets import ensure_static

    ensure_static(ROOT)  # Leaflet & co. from pip packages into ./static before Streamlit starts serving it
    from data.store import db_location

    env = dict(os.environ, BORDERWATCH_DB=db_location(db_path(args)))   # a file path or a postgresql:// URL
    cmd = [sys.executable, "-m", "streamlit", "run", str(ROOT / "server.py"),   # app.py + ui.routes
           "--server.port", str(args.port), "--server.address", args.address,
           "--server.headless", "true", "--browser.gatherUsageStats", "false"]
    os.chdir(ROOT)  # Streamlit reads .streamlit/config.toml and serves ./static from here
    os.execvpe(cmd[0], cmd, env)
    return 0  # pragma: no cover
