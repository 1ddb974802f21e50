"""data.patrol_export: GPX a handheld can load (and borderwatch can read back), GeoPackage and KML via GDAL."""
from __future__ import annotations

import datetime as dt

import _cli
import pyogrio
import pytest

from data.coverage import load_patrols
from data.filters import Filter
from data.patrol_export import export_tracks
from data.patrols import read_tracks

WEEK = Filter(date_from=dt.date(2026, 11, 1), date_to=dt.date(2026, 11, 7))


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
    assert r.returncode == 2 and "Traceback" not in r.stderr
