"""The store: offline spatial, schema, migrations, layer round trips."""
from __future__ import annotations

import os
import subprocess
import sys

import duckdb
import geopandas as gpd
import pytest
from shapely.geometry import LineString, Point

from core.errors import ExtensionError, StoreError
from data import store
from data.schema import LAYERS, SCHEMA_VERSION


def test_spatial_loads_from_wheel_without_install(tmp_path):
    """A fresh HOME stays empty: the extension is LOADed from the wheel, never INSTALLed."""
    home = tmp_path / "home"
    home.mkdir()
    code = ("from data.store import connect; con = connect(r'%s');"
            "print(con.execute(\"SELECT ST_AsText(ST_Point(106.6, 16.6))\").fetchone()[0])") % (tmp_path / "s.duckdb")
    out = subprocess.run([sys.executable, "-c", code], env={**os.environ, "HOME": str(home)},
                         capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "POINT (106.6 16.6)"
    assert list(home.rglob("*")) == []
    assert store.spatial_extension_path().name == "spatial.duckdb_extension"


def test_autoinstall_is_off(tmp_path):
    con = store.connect(tmp_path / "s.duckdb")
    assert con.execute("SELECT current_setting('autoinstall_known_extensions')").fetchone()[0] is False


SIGNATURE_PROBE = r"""
import shutil, sys
from pathlib import Path
from core.errors import StoreError
from data import store

real = store.spatial_extension_path()
copy = Path(sys.argv[1]) / real.name
shutil.copyfile(real, copy)
store.spatial_extension_path = lambda: copy          # a signed file of our own to change later
modes, cons = [], []
for name in ("a", "b", "a"):                            # "a" stays open: the third shares its instance
    cons.append(con := store.connect(Path(sys.argv[1]) / f"{name}.duckdb"))
    con.execute("SELECT ST_Point(1, 2)").fetchone()
    modes.append(con.execute("SELECT current_setting('allow_unsigned_extensions')").fetchone()[0])
print(modes)
with copy.open("r+b") as f:                             # one byte of the library changes on disk
    f.seek(copy.stat().st_size // 2)
    b = f.read(1)
    f.seek(-1, 1)
    f.write(bytes([b[0] ^ 0xFF]))
try:
    store.connect(Path(sys.argv[1]) / "c.duckdb")
    print("loaded")
except Exception as exc:
    print("refused", type(exc).__name__, "signature" in str(exc).lower())
"""


def test_signature_is_checked_once_per_process_and_again_when_the_file_changes(tmp_path):
    """The first connection LOADs the spatial extension with DuckDB's signature check; later ones in
    the same process skip the repeated check (≈ 0.19 s CPU each) only while the file is unchanged.
    A second connection to an open store shares its (strict) instance. A changed file is checked
    again and refused."""
    out = subprocess.run([sys.executable, "-c", SIGNATURE_PROBE, str(tmp_path)], capture_output=True, text=True,
                         check=True)
    lines = out.stdout.splitlines()
    assert lines[0] == "[False, True, False]"
    assert lines[1] == "refused ExtensionError True"


SWAP_PROBE = r"""
import os, shutil, sys
from pathlib import Path
from data import store

tmp = Path(sys.argv[1])
real = store.spatial_extension_path()
copy = tmp / real.name
shutil.copyfile(real, copy)
store.spatial_extension_path = lambda: copy


def damaged() -> Path:
    bad = tmp / "bad.duckdb_extension"
    shutil.copyfile(copy, bad)
    with bad.open("r+b") as f:
        f.seek(bad.stat().st_size // 2)
        b = f.read(1)
        f.seek(-1, 1)
        f.write(bytes([b[0] ^ 0xFF]))
    return bad


def opens(target) -> str:
    try:
        store.connect(target).close()
        return "opened"
    except Exception as exc:
        return type(exc).__name__


held = store.connect(tmp / "a.duckdb")              # verifies the signed copy; stays open
if sys.argv[2] == "swap":                           # a new file (new inode) under the same name
    os.replace(damaged(), copy)
else:                                               # the same inode written in place, its mtime put back
    st = copy.stat()
    with copy.open("r+b") as f:
        f.seek(st.st_size // 2)
        b = f.read(1)
        f.seek(-1, 1)
        f.write(bytes([b[0] ^ 0xFF]))
    os.utime(copy, ns=(st.st_atime_ns, st.st_mtime_ns))
again = store.connect(tmp / "a.duckdb")             # shares the open instance: its LOAD checks nothing
print(opens(tmp / "b.duckdb"), opens(":memory:"))
"""


@pytest.mark.parametrize("how", ["swap", "in_place"])
def test_a_file_changed_under_a_running_process_is_never_taken_as_checked(tmp_path, how):
    """The extension file changes while a store is open (replaced by another file, or written in place with its
    modification time put back). Opening that store again shares its instance, whose LOAD checks nothing: it
    must not count as a check, so the next store and an in-memory one are refused."""
    out = subprocess.run([sys.executable, "-c", SWAP_PROBE, str(tmp_path), how], capture_output=True, text=True,
                         check=True)
    assert out.stdout.split() == ["ExtensionError", "ExtensionError"], out.stdout + out.stderr


def test_a_relaxed_connection_loads_nothing_unchecked(tmp_path, monkeypatch):
    """On a connection that skips the re-check, :func:`store.load_spatial` still refuses a file that was
    never LOADed signed in this process."""
    con = duckdb.connect(":memory:", config={"allow_unsigned_extensions": "true"})
    other = tmp_path / "spatial.duckdb_extension"
    other.write_bytes(store.spatial_extension_path().read_bytes()[:4096])
    monkeypatch.setattr(store, "spatial_extension_path", lambda: other)
    with pytest.raises(ExtensionError, match="restart borderwatch|khởi động lại"):
        store.load_spatial(con)
    con.close()


SLOW_QUERY = "SELECT sum(hash(range)) FROM range(20000000)"


def test_no_progress_bar_on_stdout(any_empty, capfd):
    """DuckDB draws a progress bar on stdout for a query over ``progress_bar_time`` (2 s): under load it
    landed in a CLI's output. With the wait set to 0 a bare connection draws it; a store's does not."""
    bare = duckdb.connect(":memory:")
    bare.execute("SET progress_bar_time = 0")
    bare.execute(SLOW_QUERY).fetchall()
    bare.close()
    assert "100%" in capfd.readouterr().out            # the control: the bar is there to be seen
    con = store.connect(any_empty)
    con.execute("SET progress_bar_time = 0")
    con.cursor().execute(SLOW_QUERY).fetchall()
    con.close()
    assert capfd.readouterr().out == ""


def test_schema_is_versioned_and_migrations_run_once(any_empty):
    path = any_empty
    con = store.connect(path)
    assert store.schema_version(con) == SCHEMA_VERSION
    tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    assert set(LAYERS) | {"meta", "communes", "import_log", "import_rejects"} <= tables
    con.close()
    con = store.connect(path)  # reopening does not re-run migrations
    assert store.schema_version(con) == SCHEMA_VERSION


def test_point_layer_round_trip_keeps_lon_lat_order(any_empty):
    empty_con = store.connect(any_empty)
    gdf = gpd.GeoDataFrame({"id": ["S1"], "name": ["Đồn <b>X</b>"]}, geometry=[Point(106.60065, 16.61406)],
                           crs="EPSG:4326")
    store.insert_layer(empty_con, "stations", gdf)
    back = store.read_layer(empty_con, "stations")
    assert back.crs.to_epsg() == 4326
    assert back.geometry.iloc[0].x == pytest.approx(106.60065)
    assert back.geometry.iloc[0].y == pytest.approx(16.61406)
    assert back["name"].iloc[0] == "Đồn <b>X</b>"
    empty_con.close()


def test_insert_refuses_other_crs(any_empty):
    con = store.connect(any_empty)
    gdf = gpd.GeoDataFrame({"id": ["B"], "name": ["b"]}, geometry=[LineString([(0, 0), (1, 1)])], crs="EPSG:32648")
    with pytest.raises(StoreError, match="EPSG:4326"):
        store.insert_layer(con, "border", gdf)
    con.close()


def test_incidents_get_derived_columns(any_demo_con):
    row = any_demo_con.execute("SELECT lon, lat, h3_9, village_id, commune, ST_X(geom), ST_Y(geom) "
                           "FROM incidents LIMIT 1").fetchone()
    lon, lat, cell, village, commune, gx, gy = row
    import h3
    assert h3.int_to_str(cell) == h3.latlng_to_cell(lat, lon, 9)
    assert (gx, gy) == (lon, lat)
    assert village.startswith("V-") and commune


def test_missing_store_read_only_is_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("BORDERWATCH_LANG", "en")
    with pytest.raises(StoreError, match="not found"):
        store.connect(tmp_path / "missing.duckdb", read_only=True)
    monkeypatch.setenv("BORDERWATCH_LANG", "vi")          # the message is translated, Vietnamese by default
    with pytest.raises(StoreError, match="Không tìm thấy kho dữ liệu"):
        store.connect(tmp_path / "missing.duckdb", read_only=True)


def test_duckdb_pinned_version():
    assert duckdb.__version__ == "1.5.5"


def test_current_status_is_latest_decision(any_demo_con):
    hist = any_demo_con.execute("SELECT village_id, status, decided_on FROM village_status ORDER BY decided_on").df()
    cur = store.current_village_status(any_demo_con).set_index("village_id")
    for vid, grp in hist.groupby("village_id"):
        assert cur.loc[vid, "status"] == grp.iloc[-1]["status"]
