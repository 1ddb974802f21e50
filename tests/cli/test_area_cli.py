"""``--area FILE.geojson``: keep the incidents inside a polygon drawn in QGIS (written here with pyogrio,
as GDAL does)."""
from __future__ import annotations

import _cli
import geopandas as gpd
import pandas as pd
import pyogrio
import shapely

from data.store import connect
from geo.areas import circle_polygon

LAO_BAO = (16.614, 106.601)


def bw(*args):
    r = _cli.bw(*args, lang=None)
    assert "Traceback" not in r.stderr, r.stderr
    return r


def _inside(db, poly) -> set[str]:
    con = connect(db, read_only=True)
    try:
        df = con.execute("SELECT id, lon, lat FROM incidents").df()
    finally:
        con.close()
    keep = shapely.contains_xy(poly, df["lon"].to_numpy(), df["lat"].to_numpy())
    return set(df.loc[keep, "id"])


def test_area_file_keeps_exactly_the_incidents_inside(demo_db, tmp_path):
    poly = circle_polygon(*LAO_BAO, 4000)
    area = tmp_path / "area.geojson"
    pyogrio.write_dataframe(gpd.GeoDataFrame({"name": ["Lao Bảo 4 km"]}, geometry=[poly], crs="EPSG:4326"), area,
                            driver="GeoJSON")
    out = tmp_path / "inc.csv"
    r = bw("export", "incidents", out, "--db", demo_db, "--area", area)
    assert r.returncode == 0, r.stderr
    got = set(pd.read_csv(out)["id"])
    want = _inside(demo_db, poly)
    assert 0 < len(want) < 3000 and got == want

    # hot spots over the same area: only cells with incidents inside it
    hs = tmp_path / "hs.csv"
    assert bw("hotspots", "--db", demo_db, "--area", area, "--out", hs).returncode == 0
    assert pd.read_csv(hs)["count"].sum() == len(want)


def test_bad_area_files_are_refused_with_the_reason(demo_db, tmp_path):
    line = tmp_path / "line.geojson"
    pyogrio.write_dataframe(gpd.GeoDataFrame({"n": [1]}, geometry=[shapely.LineString([(106, 16), (107, 17)])],
                                             crs="EPSG:4326"), line, driver="GeoJSON")
    utm = tmp_path / "utm.geojson"
    pyogrio.write_dataframe(gpd.GeoDataFrame({"n": [1]}, geometry=[circle_polygon(*LAO_BAO, 4000)], crs="EPSG:4326")
                            .to_crs("EPSG:32648"), utm, driver="GeoJSON", RFC7946="NO")
    broken = tmp_path / "broken.geojson"
    broken.write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    for path, reason in ((line, "polygon"), (utm, "WGS 84"), (broken, "GeoJSON"), (tmp_path / "none.geojson", "")):
        r = bw("export", "incidents", tmp_path / "o.csv", "--db", demo_db, "--area", path, "--lang", "en")
        assert r.returncode == 2, (path, r.stderr)
        assert f"Area file {path}" in r.stderr and reason in r.stderr
        assert not (tmp_path / "o.csv").exists()
