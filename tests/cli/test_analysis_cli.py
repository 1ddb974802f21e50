"""The analysis commands' contract: columns, filters, empty results, refused values."""
from __future__ import annotations

import json

import _cli
import pandas as pd
import pytest


def bw(*args):
    return _cli.bw(*args, lang=None)


def test_hotspots_csv_columns_and_filters(demo_db, tmp_path):
    out = tmp_path / "h.csv"
    r = bw("hotspots", "--db", str(demo_db), "--from", "01/01/2026", "--to", "2026-11-30", "--drug", "heroin",
           "--drug", "MA TUY DA", "--res", "7", "--out", str(out))
    assert r.returncode == 0, r.stderr
    df = pd.read_csv(out)
    assert list(df.columns) == ["h3", "count", "z", "p", "bin"]
    assert set(df["bin"]) <= {-3, -2, -1, 0, 1, 2, 3}
    full = tmp_path / "all.csv"
    bw("hotspots", "--db", str(demo_db), "--out", str(full))
    assert pd.read_csv(full)["count"].sum() > df["count"].sum() > 0


def test_hotspots_geojson_has_hexagons(demo_db, tmp_path):
    out = tmp_path / "h.geojson"
    assert bw("hotspots", "--db", str(demo_db), "--fdr", "--out", str(out)).returncode == 0
    fc = json.loads(out.read_text())
    assert fc["features"][0]["geometry"]["type"] == "Polygon"
    assert len(fc["features"][0]["geometry"]["coordinates"][0]) == 7  # hexagon, closed ring


def test_empty_results_are_header_only_files(demo_db, tmp_path):
    for cmd, cols in (("hotspots", "h3,count,z,p,bin"), ("corridor", "id,dist_border_m")):
        out = tmp_path / f"{cmd}.csv"
        r = bw(cmd, "--db", str(demo_db), "--from", "2030-01-01", "--out", str(out))
        assert r.returncode == 0, r.stderr
        text = out.read_text().strip()
        assert text.startswith(cols) and len(text.splitlines()) == 1


@pytest.mark.parametrize("flag,value,expect", [("--drug", "cocaine", "heroin"), ("--article", "999", "250"),
                                                ("--station", "DBP-NOWHERE", "DBP-LAOBAO"),
                                                ("--commune", "Atlantis", "Lao Bảo")])
def test_unknown_filter_value_exit_2_with_valid_list(demo_db, tmp_path, flag, value, expect):
    out = tmp_path / "x.csv"
    r = bw("hotspots", "--db", str(demo_db), flag, value, "--out", str(out), "--lang", "en")
    assert r.returncode == 2 and expect in r.stderr and value in r.stderr
    assert not out.exists()


def test_emerging_corridor_villages_columns(demo_db, tmp_path):
    e, c, v = tmp_path / "e.csv", tmp_path / "c.csv", tmp_path / "v.csv"
    assert bw("emerging", "--db", str(demo_db), "--slice", "quarter", "--out", str(e)).returncode == 0
    assert bw("corridor", "--db", str(demo_db), "--commune", "Lao Bảo", "--out", str(c)).returncode == 0
    assert bw("villages", "--db", str(demo_db), "--radius-km", "3", "--out", str(v)).returncode == 0
    de, dc, dv = pd.read_csv(e), pd.read_csv(c), pd.read_csv(v)
    assert list(de.columns[:2]) == ["h3", "category"] and {"trend_tau", "share_hot"} <= set(de.columns)
    assert list(dc.columns) == ["id", "dist_border_m", "nearest_crossing", "dist_crossing_m", "nearest_trail",
                                "dist_trail_m"]
    # Lao Bảo (new commune) incidents lie mostly near the Lao Bảo gate
    assert (dc["nearest_crossing"] == "CK-LAOBAO").mean() > 0.5
    assert list(dv.columns[:5]) == ["village_id", "name", "status", "incidents_within", "alert"]
    assert len(dv) >= 40


def test_villages_flag_overdue_reviews(demo_db, tmp_path):
    """``review_due`` of each village's current decision and ``review_overdue`` (the date has passed),
    checked against SQL on the store; one review planted in the future, one in the past."""
    import datetime as dt

    import duckdb
    today = dt.date.today()
    con = duckdb.connect(str(demo_db))
    try:
        ids = [r[0] for r in con.execute("SELECT id FROM villages ORDER BY id LIMIT 2").fetchall()]
        con.execute("INSERT INTO village_status (village_id, status, decided_on, decision_ref, review_due) VALUES "
                    "(?, 'recognised', ?, 'QĐ 40/QĐ-UBND', ?), (?, 'recognised', ?, 'QĐ 41/QĐ-UBND', ?)",
                    [ids[0], today, today + dt.timedelta(days=365), ids[1], today, today - dt.timedelta(days=1)])
        expected = dict(con.execute("""
            SELECT village_id, review_due FROM (
              SELECT village_id, review_due, row_number() OVER (PARTITION BY village_id ORDER BY decided_on DESC) AS rn
              FROM village_status) WHERE rn = 1""").fetchall())
    finally:
        con.close()
    out = tmp_path / "v.csv"
    r = bw("villages", "--db", str(demo_db), "--out", str(out))
    assert r.returncode == 0, r.stderr
    dv = pd.read_csv(out, dtype={"review_due": str})
    assert list(dv.columns[:7]) == ["village_id", "name", "status", "incidents_within", "alert", "review_due",
                                    "review_overdue"]
    for _, row in dv.iterrows():
        due = expected.get(row["village_id"])
        assert (row["review_due"] if isinstance(row["review_due"], str) else None) == (due.isoformat() if due else None)
        assert bool(row["review_overdue"]) == (due is not None and due < today)
    flags = dv.set_index("village_id")["review_overdue"]
    assert not flags[ids[0]] and flags[ids[1]]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_corridor_without_a_border_says_so_in_the_users_language(tmp_path, lang):
    """A store made by ``init`` has no border line: the corridor analysis is refused with what to import,
    in the user's language, with no Python exception name and no file written."""
    db, out = tmp_path / "nb.duckdb", tmp_path / "c.csv"
    assert _cli.bw("init", "--db", str(db), lang=lang).returncode == 0
    r = _cli.bw("corridor", "--db", str(db), "--out", str(out), lang=lang)
    assert r.returncode == 2 and not out.exists()
    assert "border" in r.stderr
    assert ("đường biên giới" in r.stderr) == (lang == "vi")
    assert "ValueError" not in r.stderr and "Traceback" not in r.stderr
