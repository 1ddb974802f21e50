"""``borderwatch map``: one standalone offline HTML file (the first test through the console script)."""
from __future__ import annotations

import _cli
from maptest import EXTERNAL, references


def run(*args):
    """``borderwatch map ARGS`` in this process (``tests/_cli.py``)."""
    return _cli.bw("map", *args, lang=None)


def test_writes_a_standalone_file_without_external_urls(demo_db, tmp_path):
    out = tmp_path / "sub" / "map.html"
    r = _cli.run_subprocess("map", "--db", demo_db, "--out", out, "--lang", "en", "--drug", "ma túy đá",
                            "--month", "2026-06-01")        # the console script, as a user runs it
    assert r.returncode == 0, r.stderr
    assert "Map written to" in r.stderr
    page = out.read_text(encoding="utf-8")
    refs, tags = references(page)
    assert refs == [] and not [r for r in refs if EXTERNAL.match(r)]
    assert "Leaflet 1.9.3" in page and "L.map(" in page and "L.markerClusterGroup" in page
    assert "Incidents (clustered)" in page and "Time layers: month 06/2026" in page
    assert not list(out.parent.glob(".*tmp"))                    # written atomically


def test_bad_layer_is_refused_with_the_valid_list(demo_db, tmp_path):
    out = tmp_path / "x.html"
    r = run("--db", demo_db, "--out", out, "--layers", "belt,roads")
    assert r.returncode == 2 and "roads" in r.stderr and "incidents" in r.stderr
    assert not out.exists()


def test_bad_output_suffix_and_missing_store(demo_db, tmp_path):
    assert run("--db", demo_db, "--out", tmp_path / "x.pdf").returncode == 2
    r = run("--db", tmp_path / "none.duckdb", "--out", tmp_path / "x.html")
    assert r.returncode == 2 and "borderwatch demo" in r.stderr


def test_bad_focus_is_refused(demo_db, tmp_path):
    r = run("--db", demo_db, "--out", tmp_path / "x.html", "--focus", "16.6,abc", "--lang", "en")
    assert r.returncode == 2 and "--focus must be LAT,LON" in r.stderr
