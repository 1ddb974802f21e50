"""Offline basemaps: MBTiles made by gdal_translate, a VN-2000 GeoTIFF made by gdal_create, bad files."""
from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap

import pyproj
import pytest
from rasters import COLORS, VN2000_ULLR, gdal_missing, make_geotiff_vn2000, make_mbtiles

from cli import main as cli_main
from data import basemaps
from data.store import connect

pytestmark = pytest.mark.skipif(gdal_missing(), reason="GDAL tools (gdal-bin) not installed")


def test_mbtiles_registered_and_read_per_tile(demo_db, tmp_path):
    mb = make_mbtiles(tmp_path / "unit.mbtiles")
    assert cli_main(["basemap", "add", str(mb), "--db", str(demo_db)]) == 0
    con = connect(demo_db, read_only=True)
    bm = basemaps.get(con, "unit")
    con.close()
    assert bm.kind == "mbtiles" and bm.tiles == str(mb) and bm.format == "png"
    w, s, e, n = bm.bounds
    assert abs(w - 106.45) < 1e-3 and abs(n - 16.75) < 1e-3
    x0, x1, y0, y1 = basemaps.tile_range(bm.bounds, bm.max_zoom)
    body, mime = basemaps.read_tile(bm.tiles, bm.max_zoom, x0, y0)
    assert mime == "image/png" and body[:4] == b"\x89PNG"
    assert basemaps.read_tile(bm.tiles, bm.max_zoom, 0, 0) is None


def test_vn2000_geotiff_tiled_where_it_belongs(demo_db, tmp_path):
    tif = make_geotiff_vn2000(tmp_path / "vn.tif")
    assert cli_main(["basemap", "add", str(tif), "--name", "vn", "--db", str(demo_db)]) == 0
    con = connect(demo_db, read_only=True)
    bm = basemaps.get(con, "vn")
    con.close()
    assert bm.kind == "geotiff" and bm.tiles.endswith("vn.mbtiles")
    tr = pyproj.Transformer.from_crs("EPSG:9212", "EPSG:4326", always_xy=True)
    ulx, uly, lrx, lry = VN2000_ULLR
    xs, ys = tr.transform([ulx, lrx, ulx, lrx], [uly, uly, lry, lry])
    w, s, e, n = bm.bounds
    # the tile pyramid's bounds hold the raster's corners (EPSG:6960 datum shift), within one pixel
    tol = 0.0015
    assert w <= min(xs) + tol and e >= max(xs) - tol and s <= min(ys) + tol and n >= max(ys) - tol
    assert abs(w - min(xs)) < 0.01 and abs(n - max(ys)) < 0.01
    from io import BytesIO

    from PIL import Image

    x0, x1, y0, y1 = basemaps.tile_range(bm.bounds, bm.max_zoom)
    colours = set()
    for x in range(x0, x1 + 1):
        for y in range(y0, y1 + 1):
            tile = basemaps.read_tile(bm.tiles, bm.max_zoom, x, y)
            if tile:
                img = Image.open(BytesIO(tile[0])).convert("RGBA")
                colours |= {c[:3] for c in img.get_flattened_data() if c[3] == 255}
    assert COLORS["vn2000"] in colours
    assert cli_main(["basemap", "remove", "vn", "--db", str(demo_db)]) == 0
    assert not (tmp_path / "vn.mbtiles").exists()


def test_bad_files_are_refused_with_a_reason(demo_db, tmp_path, capsys):
    junk = tmp_path / "junk.mbtiles"
    junk.write_bytes(b"not a database at all" * 100)
    assert cli_main(["basemap", "add", str(junk), "--db", str(demo_db), "--lang", "en"]) == 2
    assert "junk.mbtiles is not a usable raster MBTiles file" in capsys.readouterr().err
    empty = tmp_path / "empty.mbtiles"
    sqlite3.connect(empty).executescript("CREATE TABLE metadata (name, value); CREATE TABLE tiles "
                                         "(zoom_level, tile_column, tile_row, tile_data);")
    assert cli_main(["basemap", "add", str(empty), "--db", str(demo_db), "--lang", "en"]) == 2
    assert "no tiles" in capsys.readouterr().err
    assert cli_main(["basemap", "add", str(tmp_path / "gone.tif"), "--db", str(demo_db), "--lang", "en"]) == 2
    assert "not found" in capsys.readouterr().err
    nocrs = tmp_path / "nocrs.tif"
    subprocess.run(["gdal_create", "-of", "GTiff", "-outsize", "10", "10", "-bands", "1", str(nocrs)], check=True)
    assert cli_main(["basemap", "add", str(nocrs), "--db", str(demo_db), "--lang", "en"]) == 2
    assert "no coordinate reference system" in capsys.readouterr().err
    con = connect(demo_db, read_only=True)
    assert basemaps.list_basemaps(con) == []
    con.close()
    # a registered file that went bad is flagged by list and refused by map --out
    mb = make_mbtiles(tmp_path / "unit.mbtiles")
    assert cli_main(["basemap", "add", str(mb), "--db", str(demo_db)]) == 0
    mb.write_bytes(b"overwritten")
    assert cli_main(["basemap", "list", "--db", str(demo_db), "--lang", "en"]) == 0
    assert "BROKEN" in capsys.readouterr().out
    assert cli_main(["map", "--db", str(demo_db), "--out", str(tmp_path / "m.html"), "--basemap", "unit",
                     "--lang", "en"]) == 2
    assert not (tmp_path / "m.html").exists()


def test_large_mbtiles_is_not_read_into_memory(tmp_path):
    """A 600 MB MBTiles (a real pyramid plus 600 MB of other rows): inspect and tiles in a fresh process
    stay far below the file's size in resident memory."""
    mb = make_mbtiles(tmp_path / "big.mbtiles")
    con = sqlite3.connect(mb)
    con.execute("CREATE TABLE padding (b BLOB)")
    con.executemany("INSERT INTO padding VALUES (zeroblob(?))", [(10_000_000,)] * 60)
    con.commit()
    con.close()
    assert mb.stat().st_size > 600_000_000
    code = textwrap.dedent(f"""
        from data import basemaps
        info = basemaps.inspect_mbtiles({str(mb)!r})
        z = info["max_zoom"]
        x0, x1, y0, y1 = basemaps.tile_range(info["bounds"], z)
        n = sum(basemaps.read_tile({str(mb)!r}, z, x, y) is not None
                for x in range(x0, x1 + 1) for y in range(y0, y1 + 1))
        # VmHWM: this process's own peak (ru_maxrss would carry the parent's peak over fork+exec)
        hwm = next(line for line in open("/proc/self/status") if line.startswith("VmHWM:")).split()[1]
        print(n, hwm)
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    tiles, rss_kb = int(out[0]), int(out[1])
    assert tiles > 0
    assert rss_kb < 100_000, f"peak RSS {rss_kb} kB for a {mb.stat().st_size} B file"


def test_tile_names_are_read_once_per_interval_whatever_is_asked(demo_db, tmp_path, monkeypatch):
    """The tile route needs no login (Leaflet fetches pictures): requests for unknown names must not make the
    server query the store per request. The names are read through the server's cursor at most once per
    interval; a basemap added in this process is served at once."""
    con = connect(demo_db)
    opened = []

    def cursor():
        opened.append(1)
        return con.cursor()

    key = str(tmp_path / "unique-key")
    now = [1000.0]
    monkeypatch.setattr(basemaps.time, "monotonic", lambda: now[0])
    try:
        for i in range(50):
            assert basemaps.tiles_path(key, f"nothing{i}", cursor) is None
        assert basemaps.tiles_path(key, "../etc", cursor) is None
        assert len(opened) == 1
        now[0] += basemaps._TTL + 0.1
        assert basemaps.tiles_path(key, "nothing", cursor) is None
        assert len(opened) == 2
        mb = make_mbtiles(tmp_path / "unit.mbtiles")
        basemaps.add(con, demo_db, mb, name="unit")
        assert basemaps.tiles_path(key, "unit", cursor) == str(mb)
        assert len(opened) == 3
    finally:
        con.close()
