"""Patrol tracks out: GPX a handheld can load (and borderwatch can read back), GeoPackage and KML via GDAL;
an export like any other (analyst role, private file, watermark, audit entry), and a layer of ``export all``."""
from __future__ import annotations

import datetime as dt
import os
import stat

import _cli
import pyogrio
import pytest

from core.errors import AccessDenied
from core.roles import LOCAL_ADMIN, User
from data import audit, users
from data.coverage import load_patrols
from data.export import export_all, export_patrols
from data.filters import Filter
from data.patrols import read_tracks
from data.store import connect

WEEK = Filter(date_from=dt.date(2026, 11, 1), date_to=dt.date(2026, 11, 7))
WEEK_ARGS = ("--from", "2026-11-01", "--to", "2026-11-07")


def export_tracks(con, path, flt):
    return export_patrols(con, path, flt, user=LOCAL_ADMIN, lang="en")


def test_gpx_round_trip_keeps_every_vertex(demo_con, tmp_path):
    n = export_tracks(demo_con, tmp_path / "w.gpx", WEEK)
    stored = load_patrols(demo_con, WEEK)
    assert n == len(stored) > 0
    back = read_tracks(tmp_path / "w.gpx")
    assert len(back.meta) == n and back.problems == []
    assert len(back.points) == sum(len(g.coords) if g.geom_type == "LineString" else sum(len(p.coords) for p in g.geoms)
                                   for g in stored.geometry)
    first = back.points[back.points["track"] == 0][["lon", "lat"]].to_numpy()
    assert first[0] == pytest.approx(stored.geometry.iloc[0].coords[0], abs=1e-7)


@pytest.mark.parametrize("suffix", [".gpkg", ".kml"])
def test_gdal_formats(demo_con, tmp_path, suffix):
    n = export_tracks(demo_con, tmp_path / f"w{suffix}", WEEK)
    gdf = pyogrio.read_dataframe(tmp_path / f"w{suffix}")
    assert len(gdf) == n and set(gdf.geom_type) <= {"LineString", "MultiLineString"}
    info = pyogrio.read_info(tmp_path / f"w{suffix}")
    # one geometry type for the layer (KML layers declare none: every feature is one)
    assert set(gdf.geom_type) == {"MultiLineString"}
    assert info["geometry_type"] == ("MultiLineString" if suffix == ".gpkg" else "Unknown")
    stored = load_patrols(demo_con, WEEK)
    if suffix == ".gpkg":
        assert gdf["length_km"].sum() == pytest.approx(stored["length_km"].sum())
        types = dict(zip(info["fields"], info["dtypes"], strict=True))
        assert types["started_at"].startswith("datetime64") and types["ended_at"].startswith("datetime64")
        # stored Vietnam local time, written as the UTC instant GeoPackage asks for: 7 hours earlier
        back = pyogrio.read_dataframe(tmp_path / "w.gpkg", datetime_as_string=True)
        first = back.sort_values("id").iloc[0]
        local = stored.sort_values("id").iloc[0]["started_at"]
        assert first["started_at"].startswith((local - dt.timedelta(hours=7)).strftime("%Y-%m-%dT%H:%M:%S"))


def test_importing_our_own_gpx_export_is_refused_rather_than_counted_twice(demo_con, tmp_path):
    from core.errors import InputError
    from data.patrols import import_patrols

    export_tracks(demo_con, tmp_path / "w.gpx", WEEK)
    before = demo_con.execute("SELECT count(*) FROM patrols").fetchone()[0]
    with pytest.raises(InputError, match="exported by borderwatch"):
        import_patrols(demo_con, tmp_path / "w.gpx", date=dt.date(2026, 11, 3), lang="en")
    assert demo_con.execute("SELECT count(*) FROM patrols").fetchone()[0] == before


def test_cli_export_patrols(demo_db, tmp_path):
    r = _cli.bw("export-patrols", "--db", demo_db, "--from", "2026-11-01", "--to", "2026-11-07",
                "--out", tmp_path / "x.gpx", lang=None)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "x.gpx").read_text().count("<trk>") > 0
    r = _cli.bw("export-patrols", "--db", demo_db, "--out", tmp_path / "x.shp", lang=None)
    assert r.returncode == 4 and "Traceback" not in r.stderr and ".gpx, .gpkg, .kml" in r.stderr
    assert not (tmp_path / "x.shp").exists()


def test_a_viewer_may_not_export_patrol_routes_and_an_export_is_audited(demo_db, tmp_path):
    """Patrol routes leave the system only as an export does: a viewer is refused (exit 3, recorded), an
    analyst's file is private whatever the umask and carries the watermark, and the audit log has its rows."""
    con = connect(demo_db)
    try:
        users.create_user(con, "v1", "viewer", "viewer-pass-Lao-Bao-1", who="test")
        users.create_user(con, "a1", "analyst", "analyst-pass-Lao-Bao-1", who="test")
    finally:
        con.close()
    (tmp_path / "out").mkdir()
    out = tmp_path / "out" / "routes.gpkg"
    r = _cli.bw("export-patrols", "--db", demo_db, "--out", out, "--as", "v1", lang="en")
    assert r.returncode == 3 and "Access denied" in r.stderr and not out.exists()
    old = os.umask(0o022)
    try:
        r = _cli.bw("export-patrols", "--db", demo_db, "--out", out, "--as", "a1", *WEEK_ARGS, lang="en")
    finally:
        os.umask(old)
    assert r.returncode == 0, r.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert [p.name for p in out.parent.iterdir()] == ["routes.gpkg"]        # no scratch left beside it
    meta = pyogrio.read_info(out, layer="patrols")["layer_metadata"]
    assert meta["exported_by"] == "a1" and meta["layer"] == "patrols"
    con = connect(demo_db, read_only=True)
    try:
        n = len(load_patrols(con, WEEK))
        denied = audit.entries(con, action="access_denied")
        last = audit.entries(con, limit=1).iloc[0]
    finally:
        con.close()
    assert len(pyogrio.read_dataframe(out)) == n > 0
    assert list(denied.who) == ["v1"]
    assert (last.who, last.action, last.n_rows) == ("a1", "export", n) and "patrols" in last.what
    with pytest.raises(AccessDenied):
        export_patrols(connect(demo_db, read_only=True), tmp_path / "x.gpx", user=User("v1", "viewer"))


def test_export_all_carries_the_patrol_tracks(demo_con, tmp_path):
    counts = export_all(demo_con, tmp_path / "all.gpkg", user=LOCAL_ADMIN, lang="en")
    stored = load_patrols(demo_con, Filter())
    assert counts["patrols"] == len(stored) > 0
    layers = dict(pyogrio.list_layers(tmp_path / "all.gpkg"))
    assert layers["patrols"] == "MultiLineString" and "incidents" in layers
    back = pyogrio.read_dataframe(tmp_path / "all.gpkg", layer="patrols")
    assert len(back) == len(stored) and back["length_km"].sum() == pytest.approx(stored["length_km"].sum())


@pytest.mark.parametrize("suffix", [".gpkg", ".kml"])
def test_gis_exports_keep_local_times_and_are_not_imported_twice(demo_con, tmp_path, suffix):
    """GDAL writes KML times as ``2026/11/01 09:43:00+07`` and GeoPackage times in UTC: both read back as the
    stored Vietnam local times (the ``+07`` form was taken for local time, 7 hours off). Importing our own
    export is refused like our GPX, so no patrol is counted twice."""
    from core.errors import InputError
    from data.patrols import import_patrols

    export_tracks(demo_con, tmp_path / f"w{suffix}", WEEK)
    stored = load_patrols(demo_con, WEEK).sort_values("id")
    back = read_tracks(tmp_path / f"w{suffix}")
    firsts = back.points.groupby("track")["time"].min().to_numpy()
    assert sorted(firsts) == sorted(stored["started_at"].to_numpy().astype("datetime64[s]"))
    before = demo_con.execute("SELECT count(*) FROM patrols").fetchone()[0]
    with pytest.raises(InputError, match="exported by borderwatch"):
        import_patrols(demo_con, tmp_path / f"w{suffix}", lang="en")
    assert demo_con.execute("SELECT count(*) FROM patrols").fetchone()[0] == before


def test_filters_a_patrol_cannot_have_are_refused_not_ignored(demo_db, tmp_path):
    r = _cli.bw("export-patrols", "--db", demo_db, "--out", tmp_path / "x.gpkg", "--article", "249",
                "--commune", "Lao Bảo", lang="en")
    assert r.returncode == 2 and "--article, --commune" in r.stderr and not (tmp_path / "x.gpkg").exists()


@pytest.mark.parametrize("command", [("export-patrols", "--out"), ("export", "villages")])
@pytest.mark.parametrize("target", ["out/", "out", "new.gpkg/"])
def test_a_folder_as_the_output_is_named_as_such(demo_db, tmp_path, command, target):
    """An existing folder, or a name ending in / (a folder meant, not a file to write at that name)."""
    (tmp_path / "out").mkdir()
    r = _cli.bw(*command, f"{tmp_path}/{target}", "--db", demo_db, lang="en")
    assert r.returncode == 4 and "Is a directory" in r.stderr and "format" not in r.stderr, r.stderr
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith("demo.duckdb")] == ["out"]
    assert not any((tmp_path / "out").iterdir())


def test_a_folder_in_a_side_files_place_is_refused_before_anything_is_written(demo_db, tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "v.csv.watermark.json").mkdir()
    r = _cli.bw("export", "villages", tmp_path / "out" / "v.csv", "--db", demo_db, lang="en")
    assert r.returncode == 4 and "v.csv.watermark.json: Is a directory" in r.stderr, r.stderr
    assert not (tmp_path / "out" / "v.csv").exists()


@pytest.mark.parametrize("command", [("export-patrols", "--out"), ("export", "villages")])
def test_the_audit_entry_is_written_before_the_file_lands(demo_db, tmp_path, monkeypatch, command):
    """A process stopped between moving the file into place and writing its audit entry left an unrecorded
    export (an insider could time a kill on the file's appearance). The entry now comes first: a move that
    fails leaves the entry and no file, never a file without its entry."""
    import data.export

    def refuse(src, dst):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(data.export.os, "replace", refuse)
    out = tmp_path / "routes.gpkg"
    r = _cli.bw(*command, out, "--db", demo_db, lang="en")
    assert r.returncode == 4 and not out.exists(), r.stderr
    con = connect(demo_db, read_only=True)
    try:
        last = audit.entries(con, limit=1).iloc[0]
    finally:
        con.close()
    assert last.action == "export" and str(out) in last.what and last.n_rows > 0


def test_the_record_comes_before_any_data_is_written(demo_con, tmp_path):
    """A kill after the data was written to the private scratch folder, before the audit entry, left a whole
    unrecorded copy there: the row count is handed over (to be recorded) before anything is written."""
    from data.export import export_layer

    seen = []
    for name, run in {"all.gpkg": lambda p, cb: export_all(demo_con, p, user=LOCAL_ADMIN, on_rows=cb),
                      "v.csv": lambda p, cb: export_layer(demo_con, "villages", p, on_rows=cb),
                      "w.kml": lambda p, cb: export_patrols(demo_con, p, WEEK, user=LOCAL_ADMIN, on_rows=cb)}.items():
        folder = tmp_path / name.split(".")[0]
        folder.mkdir()
        n = run(folder / name, lambda rows, folder=folder: seen.append((rows, sorted(os.listdir(folder)))))
        assert seen[-1] == ((sum(n.values()) if isinstance(n, dict) else n), [])     # nothing on disk yet
        assert (folder / name).exists()


def test_a_gpkg_name_holding_something_else_is_not_written_into(demo_db, tmp_path):
    """The same checks of the place as every export: an existing .gpkg that is no GeoPackage is kept as it is."""
    (tmp_path / "out").mkdir()
    other = tmp_path / "out" / "x.gpkg"
    other.write_text("notes, not a GeoPackage", encoding="utf-8")
    r = _cli.bw("export-patrols", "--db", demo_db, "--out", other, lang="en")
    assert r.returncode == 4 and "is not a GeoPackage" in r.stderr, r.stderr
    assert other.read_text(encoding="utf-8") == "notes, not a GeoPackage"
    assert [p.name for p in other.parent.iterdir()] == ["x.gpkg"]
