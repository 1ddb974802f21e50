"""The default demo (``build_demo(path)``) is of this border's size: hundreds of cases a year, not thousands;
kilogram seizures; the rare very large ones at Lao Bảo; at least three years; planted hot spots still show.
Figures are computed from the store, against the bounds the demo's docstring states."""
from __future__ import annotations

import datetime as dt

import geopandas as gpd
import pytest
from shapely.geometry import Point

from data import demo
from data.demo import LAO_BAO_KM, build_demo
from data.demo_facts import PLANTED_DYNAMICS
from data.store import connect, read_layer

END = dt.date(2026, 11, 28)


@pytest.fixture(scope="module")
def plausible(tmp_path_factory):
    path = tmp_path_factory.mktemp("plausible") / "demo.duckdb"
    summary = build_demo(path, seed=233, end=END)
    con = connect(path, read_only=True)
    yield summary, con
    con.close()


def test_cases_per_year_are_tens_to_a_few_hundred_over_three_years(plausible):
    summary, con = plausible
    assert summary["kind"] == "plausible" and summary["incidents"] == demo.plausible_count()
    first, last = con.execute("SELECT min(occurred_at), max(occurred_at) FROM incidents").fetchone()
    assert (last - first).days >= 3 * 365
    per_year = con.execute("SELECT year(occurred_at), count(*) FROM incidents GROUP BY 1 ORDER BY 1").fetchall()
    full_years = [n for y, n in per_year if dt.date(y, 1, 1) >= first.date() and dt.date(y, 12, 31) <= END]
    assert full_years and all(50 <= n <= 400 for n in full_years), per_year
    # twelve months of this demo hold less than a tenth of the old default's 6,271 cases in eleven months
    n12 = con.execute("SELECT count(*) FROM incidents WHERE occurred_at >= ?", [dt.datetime(2025, 12, 1)]).fetchone()[0]
    assert n12 < 400


def test_seizures_are_kilograms_and_the_very_large_ones_are_at_lao_bao(plausible):
    _, con = plausible
    heroin_kg_year = con.execute("SELECT sum(quantity_g) / 1000 FROM incidents WHERE drug = 'heroin' "
                                 "AND year(occurred_at) = 2025").fetchone()[0]
    assert 1 <= heroin_kg_year <= 50                          # not 1.9 t
    median_g = con.execute("SELECT median(quantity_g) FROM incidents WHERE quantity_g IS NOT NULL").fetchone()[0]
    assert median_g < 100                                     # most cases are small
    assert con.execute("SELECT max(quantity_g) FROM incidents WHERE drug = 'heroin'").fetchone()[0] <= 6 * 350
    big = con.execute("SELECT id, ST_X(geom), ST_Y(geom) FROM incidents "
                      "WHERE quantity_g > 10000 OR tablets > 60000").fetchall()
    assert 1 <= len(big) <= 3
    gate = read_layer(con, "crossings").set_index("id").loc["CK-LAOBAO"].geometry
    pts = gpd.GeoSeries([Point(x, y) for _, x, y in big], crs=4326).to_crs(32648)
    lao_bao = gpd.GeoSeries([gate], crs=4326).to_crs(32648).iloc[0]
    assert (pts.distance(lao_bao) <= LAO_BAO_KM * 1000 + 50).all()


def test_planted_hot_spots_stay_visible(plausible):
    from data.analysis import hotspots_for

    _, con = plausible
    hs = hotspots_for(con, res=7)
    hot = hs[hs["bin"] == 3]
    villages = read_layer(con, "villages")
    names = villages["name"].str.split(" ", n=1).str[1]
    import h3

    hot_cells = set(hot["h3"].astype(str))
    shown = []
    for kind in ("historical", "intensifying", "diminishing"):
        v = villages[names == PLANTED_DYNAMICS[kind]].geometry.iloc[0]
        ring = {str(c) for c in h3.grid_disk(h3.latlng_to_cell(v.y, v.x, 7), 1)}
        shown.append(bool(ring & hot_cells))
    assert all(shown), shown


def test_an_explicit_size_is_the_load_demo(tmp_path):
    summary = build_demo(tmp_path / "load.duckdb", incidents=300, seed=1, end=END)
    assert summary["kind"] == "load" and summary["incidents"] == 300
