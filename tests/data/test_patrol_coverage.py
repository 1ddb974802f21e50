"""data.coverage + ``borderwatch coverage``: planted incidents and patrols where the gap list is known."""
from __future__ import annotations

import datetime as dt
import math

import _cli
import geopandas as gpd
import h3
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely
from gpxfiles import UTC, garmin_gpx, walk

from data.coverage import coverage_for, gaps_for, places_for
from data.filters import Filter
from data.patrols import import_patrols
from data.store import connect, insert_layer, read_layer

MARCH = Filter(date_from=dt.date(2024, 3, 1), date_to=dt.date(2024, 3, 31))
PLANT = {"A": 25, "B": 30, "C": 40}          # incidents per planted place
DAYS = {"A": 5, "B": 1, "C": 0}              # patrol days around it


def _pick_villages(con):
    v = read_layer(con, "villages")
    pts = v.geometry.representative_point()
    cells = [h3.latlng_to_cell(p.y, p.x, 7) for p in pts]
    chosen = []
    for i, c in enumerate(cells):
        if all(h3.grid_distance(c, cells[j]) >= 4 for j in chosen):
            chosen.append(i)
        if len(chosen) == 3:
            break
    return {k: (pts.iloc[i].x, pts.iloc[i].y, v["name"].iloc[i]) for k, i in zip("ABC", chosen, strict=True)}


def _loop(lon, lat, r_m=300, n=60):
    k = 111_195.0
    return [(lat + r_m / k * math.sin(2 * math.pi * i / n),
             lon + r_m / (k * math.cos(math.radians(lat))) * math.cos(2 * math.pi * i / n)) for i in range(n + 1)]


@pytest.fixture()
def planted(demo_db, tmp_path):
    con = connect(demo_db)
    con.execute("DELETE FROM incidents; DELETE FROM patrol_cells; DELETE FROM patrols; DELETE FROM patrol_points")
    places = _pick_villages(con)
    rng = np.random.default_rng(7)
    rows, geoms = [], []
    for key, n in PLANT.items():
        lon, lat, _ = places[key]
        for i in range(n):
            rows.append({"id": f"P-{key}-{i}", "occurred_at": dt.datetime(2024, 3, 2 + i % 25, 10), "article": "250",
                         "drug": "heroin", "quantity_g": 1.0, "persons": 1})
            geoms.append(shapely.Point(lon + rng.normal(0, 1e-5), lat + rng.normal(0, 1e-5)))
    con.execute("BEGIN")
    insert_layer(con, "incidents", gpd.GeoDataFrame(rows, geometry=geoms, crs=4326))
    con.execute("COMMIT")
    tracks = {}
    for key, ndays in DAYS.items():
        lon, lat, _ = places[key]
        for d in range(ndays):
            t0 = dt.datetime(2024, 3, 3 + 4 * d, 1, 0, tzinfo=UTC)
            tracks[f"{key}-{d}"] = [[(la, lo, 300.0, t0 + dt.timedelta(minutes=i)) for i, (la, lo) in
                                     enumerate(_loop(lon, lat))]]
    f = tmp_path / "loops.gpx"
    f.write_text(garmin_gpx(tracks))
    import_patrols(con, f, station="DBP-THUAN")
    # a walk from the Van Ri opening inland on 21/3: 10 days before the end of March
    opening = read_layer(con, "crossings", where="id = 'LM-VANRI'").geometry.iloc[0]
    line = read_layer(con, "trails", where="id = 'TR-VANRI'").geometry.iloc[0]
    s = line.project(opening, normalized=True)
    g = tmp_path / "vanri.gpx"
    g.write_text(garmin_gpx({"vanri": [walk(line, start_utc=dt.datetime(2024, 3, 21, 1, tzinfo=UTC),
                                            frm=s, to=min(s + 0.1, 1.0))]}))
    import_patrols(con, g, station="DBP-THUAN")
    yield con, places
    con.close()


def _cell(lon, lat):
    """Resolution-7 cell the store aggregates to: the parent of the point's resolution-9 cell."""
    return h3.cell_to_parent(h3.latlng_to_cell(lat, lon, 9), 7)


def test_coverage_and_gaps_are_the_planted_ones(planted):
    con, places = planted
    table = coverage_for(con, MARCH, res=7).set_index("h3")
    a, b, c = (_cell(*places[k][:2]) for k in "ABC")
    # the cell holding each planted place: its incidents, its patrol days
    assert [int(table.loc[x, "patrol_days"]) for x in (a, b, c)] == [5, 1, 0]
    assert [int(table.loc[x, "incidents"]) for x in (a, b, c)] == [25, 30, 40]
    assert all(table.loc[x, "bin"] >= 2 for x in (a, b, c))
    km_a = con.execute("SELECT sum(km) FROM patrol_cells").fetchone()[0]
    assert table["patrol_km"].sum() == pytest.approx(km_a)
    assert table.loc[a, "incidents_per_10km"] == pytest.approx(10 * 25 / table.loc[a, "patrol_km"])
    assert table.loc[a, "effort"] == "ok"
    assert math.isnan(table.loc[c, "incidents_per_10km"]) and table.loc[c, "effort"] == "too_little_effort"
    assert table.loc[a, "last_patrol"] == pd.Timestamp(2024, 3, 19)
    # min 1 day: C's cell is a gap (never patrolled), A and B are not
    assert (table.loc[a, "gap"], table.loc[b, "gap"], table.loc[c, "gap"]) == (False, False, True)
    assert table.loc[c, "reason"] == "no_patrol"
    # the rule, over every cell
    hot = (table["bin"] >= 2) | table["category"].isin(["new_hot", "intensifying_hot", "consecutive_hot"])
    assert (table["gap"] == (hot & (table["patrol_days"] < 1))).all()
    # min 3 days: B joins (few patrol days)
    t3 = coverage_for(con, MARCH, res=7, min_days=3).set_index("h3")
    assert (t3.loc[a, "gap"], t3.loc[b, "gap"], t3.loc[c, "gap"]) == (False, True, True)
    assert t3.loc[b, "reason"] == "few_patrol_days"


def test_gap_list_ranked_by_z_with_names_and_stale_crossings(planted):
    con, places = planted
    gaps = gaps_for(con, MARCH, res=7, min_days=3, max_days=7)
    cells = gaps[gaps["kind"] == "hot_cell"]
    assert list(cells["z"]) == sorted(cells["z"], reverse=True)
    assert {_cell(*places["B"][:2]), _cell(*places["C"][:2])} <= set(cells["h3"])
    assert _cell(*places["A"][:2]) not in set(cells["h3"])
    row_c = cells.set_index("h3").loc[_cell(*places["C"][:2])]
    assert row_c["nearest_village"] == places["C"][2]
    assert row_c["nearest_crossing"] in set(read_layer(con, "crossings")["name"])
    xs = gaps[gaps["kind"] == "crossing"].set_index("id")
    assert xs.loc["LM-VANRI", "days_since"] == 10 and xs.loc["LM-VANRI", "reason"] == "stale"
    later = gaps_for(con, MARCH, res=7, min_days=3, max_days=30)
    assert "LM-VANRI" not in set(later[later["kind"] == "crossing"]["id"])
    near = places_for(con, MARCH)["crossings"].set_index("id")
    assert near.loc["LM-VANRI", "patrols"] == 1
    assert near.loc["LM-VANRI", "last_patrolled"].date() == dt.date(2024, 3, 21)


def test_station_and_period_filters_reach_the_patrols(planted):
    con, places = planted
    other = coverage_for(con, Filter(date_from=MARCH.date_from, date_to=MARCH.date_to, stations=("DBP-LALAY",)))
    assert other["patrol_days"].sum() == 0
    early = coverage_for(con, Filter(date_from=dt.date(2024, 3, 1), date_to=dt.date(2024, 3, 5)))
    assert early.set_index("h3").loc[_cell(*places["A"][:2]), "patrol_days"] == 1




def test_cli_coverage_csv_geojson_gpkg_and_gaps(planted, tmp_path):
    con, places = planted
    db = con.execute("PRAGMA database_list").fetchall()[0][2]
    con.close()
    base = ["coverage", "--db", db, "--from", "2024-03-01", "--to", "31/03/2024", "--lang", "en"]
    r = _cli.bw(*base, "--out", tmp_path / "c.csv")
    assert r.returncode == 0, r.stderr
    df = pd.read_csv(tmp_path / "c.csv")
    assert list(df.columns[:9]) == ["h3", "patrol_km", "patrol_hours", "patrol_days", "last_patrol", "incidents",
                                    "incidents_per_10km", "bin", "gap"]
    assert df.set_index("h3").loc[_cell(*places["C"][:2]), "gap"]
    for suffix in (".geojson", ".gpkg"):
        r = _cli.bw(*base, "--out", tmp_path / f"c{suffix}")
        assert r.returncode == 0, r.stderr
        g = gpd.read_file(tmp_path / f"c{suffix}")
        assert len(g) == len(df) and set(g.geom_type) == {"Polygon"}
    r = _cli.bw(*base, "--gaps", "--min-days", "3", "--max-days", "7", "--out", tmp_path / "g.gpkg")
    assert r.returncode == 0, r.stderr
    g = gpd.read_file(tmp_path / "g.gpkg", layer="gap_cells")
    assert set(g["kind"]) == {"hot_cell"} and "nearest_village" in g.columns
    assert set(gpd.read_file(tmp_path / "g.gpkg", layer="gap_crossings")["kind"]) == {"crossing"}
    r = _cli.bw(*base, "--out", tmp_path / "c.txt")
    assert r.returncode == 2 and "Traceback" not in r.stderr


def _types(path, layer=None):
    info = pyogrio.read_info(path, layer=layer)
    return info, dict(zip(info["fields"], info["ogr_types"], strict=True))


def test_cli_coverage_files_have_one_geometry_type_per_layer_and_typed_fields(planted, tmp_path):
    con, _ = planted
    gaps = gaps_for(con, MARCH, min_days=3, max_days=7)
    table = coverage_for(con, MARCH, min_days=3)
    n_cells, n_cross = int((gaps["kind"] == "hot_cell").sum()), int((gaps["kind"] == "crossing").sum())
    assert n_cells and n_cross
    db = con.execute("PRAGMA database_list").fetchall()[0][2]
    con.close()
    base = ["coverage", "--db", db, "--from", "2024-03-01", "--to", "2024-03-31", "--lang", "en",
            "--min-days", "3", "--max-days", "7"]
    assert _cli.bw(*base, "--gaps", "--out", tmp_path / "g.gpkg").returncode == 0
    assert sorted(map(tuple, pyogrio.list_layers(tmp_path / "g.gpkg"))) == [("gap_cells", "Polygon"),
                                                                           ("gap_crossings", "Point")]
    info, types = _types(tmp_path / "g.gpkg", "gap_cells")
    assert info["features"] == n_cells
    assert {c: types[c] for c in ("bin", "incidents", "patrol_days", "patrol_km", "z", "last_patrol")} == {
        "bin": "OFTInteger64", "incidents": "OFTInteger64", "patrol_days": "OFTInteger64", "patrol_km": "OFTReal",
        "z": "OFTReal", "last_patrol": "OFTDate"}
    info, types = _types(tmp_path / "g.gpkg", "gap_crossings")
    assert info["features"] == n_cross and types["days_since"] == "OFTInteger64" and types["last_patrol"] == "OFTDate"
    cells = pyogrio.read_dataframe(tmp_path / "g.gpkg", layer="gap_cells")
    want = gaps[gaps["kind"] == "hot_cell"].reset_index(drop=True)
    assert list(cells["h3"]) == list(want["h3"]) and list(cells["incidents"]) == list(want["incidents"])
    # GeoJSON holds one geometry type per file: two files beside the name asked for
    r = _cli.bw(*base, "--gaps", "--out", tmp_path / "g.geojson")
    assert r.returncode == 0 and not (tmp_path / "g.geojson").exists()
    info, types = _types(tmp_path / "g_cells.geojson")
    assert (info["geometry_type"], info["features"]) == ("Polygon", n_cells)
    assert types["incidents"] == "OFTInteger" and types["z"] == "OFTReal"
    info, types = _types(tmp_path / "g_crossings.geojson")
    assert (info["geometry_type"], info["features"]) == ("Point", n_cross) and types["days_since"] == "OFTInteger"
    # CSV: one table, types in the .csvt
    assert _cli.bw(*base, "--gaps", "--out", tmp_path / "g.csv").returncode == 0
    info, types = _types(tmp_path / "g.csv")
    assert info["features"] == len(gaps)
    assert [types[c] for c in ("bin", "incidents", "patrol_days", "patrol_km", "last_patrol", "days_since")] == [
        "OFTInteger64", "OFTInteger64", "OFTInteger64", "OFTReal", "OFTDate", "OFTInteger64"]
    # the cell table
    for suffix in (".gpkg", ".geojson", ".csv"):
        assert _cli.bw(*base, "--out", tmp_path / f"c{suffix}").returncode == 0
        info, types = _types(tmp_path / f"c{suffix}")
        assert info["features"] == len(table)
        assert info["geometry_type"] == (None if suffix == ".csv" else "Polygon")
        assert types["patrol_km"] == "OFTReal" and types["last_patrol"] == "OFTDate"
        assert types["patrol_days"] in ("OFTInteger", "OFTInteger64") and types["gap"] == "OFTInteger"
    assert pyogrio.read_dataframe(tmp_path / "c.csv")["gap"].sum() == table["gap"].sum()


def test_cli_coverage_without_out_prints_a_summary_in_the_users_language(planted):
    con, places = planted
    db = con.execute("PRAGMA database_list").fetchall()[0][2]
    table = coverage_for(con, MARCH)
    gaps = gaps_for(con, MARCH, min_days=3, max_days=7)
    con.close()
    base = ["coverage", "--db", db, "--from", "2024-03-01", "--to", "2024-03-31"]
    en = _cli.bw(*base, lang="en")
    assert en.returncode == 0, en.stderr
    assert f"{len(table)} cells" in en.stdout and f"{int(table['gap'].sum())} of them gaps" in en.stdout
    vi = _cli.bw(*base, lang="vi")
    assert vi.returncode == 0 and f"{len(table)} ô" in vi.stdout and "cells" not in vi.stdout
    g = _cli.bw(*base, "--gaps", "--min-days", "3", "--max-days", "7", lang="en")
    assert g.returncode == 0, g.stderr
    lines = g.stdout.strip().splitlines()
    assert len(lines) == len(gaps) + 1 and lines[0].startswith("kind")
    assert _cell(*places["C"][:2]) in g.stdout and "not patrolled" in g.stdout
