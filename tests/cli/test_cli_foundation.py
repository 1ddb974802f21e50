"""The CLI contract for demo and info: built in this process (``tests/_cli.py``), and the console script's
own behaviour (reading a store, exit code and default language) through a real subprocess."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import _cli

BW = str(Path(sys.executable).with_name("borderwatch"))


def run(*args, env=None):
    return subprocess.run([BW, *args], capture_output=True, text=True, env={**os.environ, **(env or {})})


def test_demo_then_info_json(tmp_path):
    db = tmp_path / "d.duckdb"
    r = _cli.bw("demo", "--db", str(db), "--incidents", "300", "--seed", "5", "--end", "2026-11-28")
    assert r.returncode == 0, r.stderr
    info = json.loads(run("info", "--db", str(db), "--json").stdout)          # the console script reads it
    assert info["layers"]["incidents"]["rows"] == 300
    assert info["layers"]["villages"]["rows"] >= 40
    assert info["incidents"]["last"].startswith("2026-11")
    assert set(info["layers"]) >= {"border", "belt", "crossings", "trails", "villages", "village_status",
                                   "stations", "incidents", "patrols", "patrol_points"}
    assert info["layers"]["patrols"]["rows"] > 0                 # the demo's illustrative patrols


def test_demo_zero_incidents(tmp_path):
    db = tmp_path / "z.duckdb"
    assert _cli.bw("demo", "--db", str(db), "--incidents", "0").returncode == 0
    info = json.loads(_cli.bw("info", "--db", str(db), "--json").stdout)
    assert info["layers"]["incidents"]["rows"] == 0 and info["incidents"]["first"] is None


def test_db_from_environment(tmp_path):
    db = tmp_path / "env.duckdb"
    assert _cli.bw("demo", "--incidents", "10", env={"BORDERWATCH_DB": str(db)}).returncode == 0
    assert db.exists()


def test_missing_store_exit_2_message_in_language(tmp_path):
    missing = str(tmp_path / "none.duckdb")
    vi = run("info", "--db", missing)                          # the console script: exit code, default language
    en = _cli.bw("info", "--db", missing, "--lang", "en", lang=None)
    env_en = _cli.bw("info", "--db", missing, env={"BORDERWATCH_LANG": "en"})
    assert vi.returncode == en.returncode == 2
    assert "Không tìm thấy" in vi.stderr and "not found" in en.stderr and "not found" in env_en.stderr
    assert "Traceback" not in vi.stderr + en.stderr
