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
    if suffix == ".gpkg":
        assert gdf["length_km"].sum() == pytest.approx(load_patrols(demo_con, WEEK)["length_km"].sum())


def test_cli_export_patrols(demo_db, tmp_path):
    r = _cli.bw("export-patrols", "--db", demo_db, "--from", "2026-11-01", "--to", "2026-11-07",
                "--out", tmp_path / "x.gpx", lang=None)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "x.gpx").read_text().count("<trk>") > 0
    r = _cli.bw("export-patrols", "--db", demo_db, "--out", tmp_path / "x.shp", lang=None)
    assert r.returncode == 2 and "Traceback" not in r.stderr
