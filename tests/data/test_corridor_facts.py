"""Corridor facts stored per incident (migration 10): the same numbers as computing them, filled on every
write path, back-filled in older stores, recomputed when the places change. Both store modes."""
from __future__ import annotations

import datetime as dt
import importlib

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from data import analysis, corridor_facts, store
from data.filters import Filter
from data.importers import import_file
from data.store import connect, is_server, pg_execute, read_layer
from geo.corridor import incident_proximity

FILTERS = [Filter(), Filter(date_from=dt.date(2025, 1, 1), date_to=dt.date(2025, 12, 31)),
           Filter(drugs=("heroin",))]


def assert_same_corridor(a: dict, b: dict) -> None:
    """Two corridor_for results: per-incident distances to 1e-6 m, counts and chainage identical."""
    ia, ib = (x["incidents"].sort_values("id").reset_index(drop=True) for x in (a, b))
    assert list(ia["id"]) == list(ib["id"])
    for col in ("dist_border_m", "dist_crossing_m", "dist_trail_m"):
        np.testing.assert_allclose(ia[col].to_numpy(float), ib[col].to_numpy(float), rtol=0, atol=1e-6)
    for col in ("nearest_crossing", "nearest_trail"):
        assert list(ia[col]) == list(ib[col])
    for key in ("crossings", "trails", "chainage"):
        pd.testing.assert_frame_equal(a[key].reset_index(drop=True), b[key].reset_index(drop=True))


def stored_facts(con, where: str = "true") -> pd.DataFrame:
    cols = ", ".join(corridor_facts.FACT_COLUMNS)
    return con.execute(f"SELECT id, lon, lat, {cols} FROM incidents WHERE {where} ORDER BY id").df()


def assert_facts_follow_places(con, where: str = "true") -> None:
    """The stored facts equal incident_proximity over the places now in the store."""
    got = stored_facts(con, where)
    assert len(got)
    places = corridor_facts.load_places(con)
    want = incident_proximity(got, border=places.border, crossings=places.crossings, trails=places.trails)
    for col in ("border_m", "chainage_km", "crossing_m", "trail_m"):
        np.testing.assert_allclose(got[col].to_numpy(float), want[col].to_numpy(float), rtol=0, atol=1e-6)
    assert list(got["crossing_id"]) == list(want["crossing_id"])
    assert list(got["trail_id"]) == list(want["trail_id"])


def test_stored_facts_give_the_recomputed_corridor(any_demo):
    con = connect(any_demo)
    try:
        places = corridor_facts.load_places(con)
        assert corridor_facts.usable(con, places)                 # the demo writes them at build time
        assert con.execute("SELECT count(*) FROM incidents WHERE border_m IS NULL").fetchone()[0] == 0
        for flt in FILTERS:
            fast, slow = analysis.corridor_for(con, flt), analysis.corridor_recompute(con, flt)
            assert len(fast["incidents"]) > 0 and fast["crossings"]["count"].sum() > 0
            assert_same_corridor(fast, slow)
        # another buffer and stretch length: still the same
        assert_same_corridor(analysis.corridor_for(con, buffer_m=5000, km=5),
                             analysis.corridor_recompute(con, buffer_m=5000, km=5))
    finally:
        con.close()


def _as_schema_9(db) -> None:
    """Make ``db`` what a store written before migration 10 looks like: no fact columns, version 9."""
    con = connect(db)
    try:
        drops = [f"ALTER TABLE incidents DROP COLUMN {c}" for c in corridor_facts.FACT_COLUMNS]
        if is_server(str(db)):
            for sql in drops + ["UPDATE meta SET value = '9' WHERE key = 'schema_version'",
                                f"DELETE FROM meta WHERE key = '{corridor_facts.META_KEY}'"]:
                pg_execute(con, sql)
        else:
            con.execute("DROP INDEX incidents_time")         # DuckDB drops no column of an indexed table
            for sql in drops:
                con.execute(sql)
            con.execute("CREATE INDEX incidents_time ON incidents (occurred_at)")
            con.execute("UPDATE meta SET value = '9' WHERE key = 'schema_version'")
            con.execute("DELETE FROM meta WHERE key = ?", [corridor_facts.META_KEY])
    finally:
        con.close()


def test_migration_10_back_fills_an_older_store(any_demo, store_mode):
    before = connect(any_demo)
    try:
        want = analysis.corridor_recompute(before)
    finally:
        before.close()
    _as_schema_9(any_demo)
    if store_mode == "duckdb":              # read-only, not migrated: the page still gets the same tables
        ro = connect(any_demo, read_only=True)
        try:
            assert store.schema_version(ro) == 9
            assert_same_corridor(analysis.corridor_for(ro), want)
        finally:
            ro.close()
    con = connect(any_demo)                 # read-write open: migration 10, then the rows are filled
    try:
        assert store.schema_version(con) >= 10
        assert con.execute("SELECT count(*) FROM incidents WHERE border_m IS NULL").fetchone()[0] == 0
        assert corridor_facts.usable(con, corridor_facts.load_places(con))
        assert_facts_follow_places(con)
        assert_same_corridor(analysis.corridor_for(con), want)
    finally:
        con.close()


def test_written_incidents_get_their_facts(any_demo, tmp_path, incident_rows):
    path = tmp_path / "inc.csv"
    pd.DataFrame(incident_rows, columns=["id", "occurred_at", "lat", "lon", "article", "drug", "quantity_g",
                                         "tablets", "persons", "station_id", "description"]).to_csv(path, index=False)
    con = connect(any_demo)
    try:
        import_file(con, "incidents", path, who="lan")
        assert_facts_follow_places(con, "id LIKE 'IMP-%'")
        assert corridor_facts.usable(con, corridor_facts.load_places(con))
    finally:
        con.close()


def test_a_places_import_recomputes_the_facts(any_demo, files):
    con = connect(any_demo)
    try:
        crossings = read_layer(con, "crossings").sort_values("id")
        old_fp = corridor_facts.load_places(con).fingerprint
        # a new crossing right where many incidents are: the busiest H3 cell's first incident
        at = con.execute("SELECT lon, lat FROM incidents WHERE h3_9 = (SELECT h3_9 FROM incidents GROUP BY h3_9 "
                         "ORDER BY count(*) DESC, h3_9 LIMIT 1) ORDER BY id LIMIT 1").fetchone()
        new = gpd.GeoDataFrame({"id": ["X-NEW"], "name": ["Lối mở thử"], "kind": [crossings["kind"].iloc[0]]},
                               geometry=[shapely.Point(at[0], at[1])], crs="EPSG:4326")
        import_file(con, "crossings", files.gis("crossings.geojson", new, driver="GeoJSON"), who="lan")
        places = corridor_facts.load_places(con)
        assert places.fingerprint != old_fp and corridor_facts.usable(con, places)
        nearest = con.execute("SELECT count(*) FROM incidents WHERE crossing_id = 'X-NEW'").fetchone()[0]
        assert nearest > 0
        assert_facts_follow_places(con)
        assert_same_corridor(analysis.corridor_for(con), analysis.corridor_recompute(con))
    finally:
        con.close()


def test_stale_facts_are_not_read(demo_db):
    """Places changed behind the facts' back (no write path does this): the analysis recomputes."""
    con = connect(demo_db)
    try:
        con.execute("UPDATE crossings SET geom = ST_Translate(geom, 0.05, 0.0)")
        assert not corridor_facts.usable(con, corridor_facts.load_places(con))
        assert_same_corridor(analysis.corridor_for(con), analysis.corridor_recompute(con))
    finally:
        con.close()
    con = connect(demo_db)                    # the next read-write open recomputes them
    try:
        assert corridor_facts.usable(con, corridor_facts.load_places(con))
        assert_facts_follow_places(con)
    finally:
        con.close()


@pytest.mark.parametrize("n", [0])
def test_no_border_no_facts(n):
    con = connect(":memory:")
    try:
        places = corridor_facts.load_places(con)
        assert places.border is None and places.fingerprint.endswith(corridor_facts.NO_BORDER)
        assert not corridor_facts.stale(con, places)
        assert corridor_facts.compute(pd.DataFrame({"lon": [106.5], "lat": [16.6]}), places).isna().all().all()
    finally:
        con.close()


def test_an_import_written_in_pieces_is_all_or_nothing(any_demo, tmp_path, incident_rows, snapshot, monkeypatch):
    """Pieces of 2 rows; the user stops the import (Ctrl-C) while the third piece is written: nothing stays."""
    commit_mod = importlib.import_module("data.importers.commit")     # the package's `commit` is the function
    monkeypatch.setattr(commit_mod, "CHUNK_ROWS", 2)
    path = tmp_path / "inc.csv"
    pd.DataFrame(incident_rows, columns=["id", "occurred_at", "lat", "lon", "article", "drug", "quantity_g",
                                         "tablets", "persons", "station_id", "description"]).to_csv(path, index=False)
    con = connect(any_demo)
    try:
        before = snapshot(con)
        seen: list[int] = []

        def progress(fraction: float, message: str) -> None:
            if "/5" in message:                  # "Writing to layer incidents: 2/5 rows", …
                seen.append(con.execute("SELECT count(*) FROM incidents WHERE id LIKE 'IMP-%'").fetchone()[0])
                if len(seen) == 2:
                    raise KeyboardInterrupt

        with pytest.raises(KeyboardInterrupt):
            import_file(con, "incidents", path, who="lan", lang="en", progress=progress)
        assert seen == [2, 4]                    # two pieces were in the transaction when it stopped
        assert snapshot(con) == before
        res = import_file(con, "incidents", path, who="lan", lang="en")      # and in pieces it all goes in
        assert res.rows_new == 5
        assert_facts_follow_places(con, "id LIKE 'IMP-%'")
    finally:
        con.close()


def test_fingerprint_sees_a_nanodegree_a_renamed_id_and_a_row_gone(any_demo):
    """The fingerprint the read-write open compares (computed in SQL, both store modes) changes with any
    vertex moved by 1e-9°, any id renamed, any row removed, and comes back when the change is undone."""
    con = connect(any_demo)
    try:
        fp = corridor_facts.fingerprint(con)
        assert corridor_facts.get_meta(con, corridor_facts.META_KEY) == fp and not corridor_facts.stale(con)
        tid, wkb = con.execute("SELECT id, ST_AsWKB(geom) FROM trails ORDER BY id LIMIT 1").fetchone()
        seen = {fp}
        for change, undo, args in [
                ("UPDATE trails SET geom = ST_Translate(geom, 1e-9, 0) WHERE id = ?",
                 "UPDATE trails SET geom = ST_GeomFromWKB(?) WHERE id = ?", [bytes(wkb), tid]),
                ("UPDATE trails SET id = id || 'b' WHERE id = ?", "UPDATE trails SET id = ? WHERE id = ? || 'b'",
                 [tid, tid])]:
            con.execute(change, [tid])
            moved = corridor_facts.fingerprint(con)
            assert moved not in seen and corridor_facts.stale(con)
            seen.add(moved)
            con.execute(undo, args)
            assert corridor_facts.fingerprint(con) == fp and not corridor_facts.stale(con)
        con.execute("DELETE FROM crossings WHERE id = (SELECT min(id) FROM crossings)")
        assert corridor_facts.fingerprint(con) not in seen and corridor_facts.stale(con)
    finally:
        con.close()
