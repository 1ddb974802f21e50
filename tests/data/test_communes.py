"""Communes as areas on the demo store: one row per commune with rates, last year's count, the files."""
from __future__ import annotations

import datetime as dt
import json

import geopandas as gpd
import pandas as pd
import pytest

from cli import main as cli_main
from data.communes import class_breaks, class_of, commune_stats
from data.filters import Filter
from data.store import connect, read_layer


@pytest.fixture()
def con(demo_db):
    c = connect(demo_db)
    yield c
    c.close()


def test_demo_builds_illustrative_areas_one_per_commune(con):
    areas = read_layer(con, "commune_areas")
    communes = {r[0] for r in con.execute("SELECT DISTINCT commune FROM villages").fetchall()}
    assert set(areas["name"]) == communes and len(areas) == len(communes)
    assert areas["illustrative"].all()
    assert areas.geometry.geom_type.isin(["Polygon", "MultiPolygon"]).all()
    belt = read_layer(con, "belt").geometry.union_all()
    assert all(g.difference(belt).area < 1e-4 * g.area for g in areas.geometry)   # clipped in metres
    assert all(a.intersection(b).area < 1e-6 * a.area for i, a in enumerate(areas.geometry)
               for b in list(areas.geometry)[i + 1:])
    # population = the commune's villages
    pops = con.execute("SELECT commune, sum(population) FROM villages GROUP BY 1").fetchall()
    assert dict(zip(areas["name"], areas["population"], strict=True)) == {c: int(p) for c, p in pops}


def test_stats_count_every_incident_once_and_rates_follow(con):
    lo, hi = dt.date(2025, 1, 1), dt.date(2025, 6, 30)
    flt = Filter(date_from=lo, date_to=hi)
    g = commune_stats(con, flt)
    assert len(g) == len(read_layer(con, "commune_areas"))
    where, params = flt.where()
    total = con.execute(f"SELECT count(*) FROM incidents WHERE {where}", params).fetchone()[0]
    assert g["incidents"].sum() == total > 0
    # each area holds exactly the incidents attributed to its commune (nearest village) in the demo
    direct = dict(con.execute(f"SELECT commune, count(*) FROM incidents WHERE {where} GROUP BY 1", params).fetchall())
    assert dict(zip(g["commune"], g["incidents"], strict=True)) == {c: direct.get(c, 0) for c in g["commune"]}
    assert (g["rate_per_1000"] - g["incidents"] / g["population"].astype(float) * 1000).abs().max() < 1e-9
    # same days one year earlier
    prev = dict(con.execute("SELECT commune, count(*) FROM incidents WHERE occurred_at >= ? AND occurred_at < ? "
                            "GROUP BY 1", [dt.datetime(2024, 1, 1), dt.datetime(2024, 7, 1)]).fetchall())
    assert dict(zip(g["commune"], g["incidents_prev"], strict=True)) == {c: prev.get(c, 0) for c in g["commune"]}
    assert (g["change"] == g["incidents"] - g["incidents_prev"]).all()
    # sorted by rate, new names from the name table
    assert list(g["rate_per_1000"]) == sorted(g["rate_per_1000"], reverse=True)
    names = dict(con.execute("SELECT old_name, new_name FROM communes").fetchall())
    assert all(g.loc[i, "new_name"] == names[c] for i, c in g["commune"].items() if c in names)


def test_commune_filter_and_grams(con):
    flt = Filter(communes=("Lao Bảo",)).validated(con)
    g = commune_stats(con, flt).set_index("commune")
    # "Lao Bảo" is a former commune and the merged one (with Tân Thành and Tân Long): all three keep incidents
    merged = {r[0] for r in con.execute("SELECT old_name FROM communes WHERE old_name = 'Lao Bảo' "
                                        "OR new_name = 'Lao Bảo'").fetchall()}
    assert merged >= {"Lao Bảo", "Tân Thành"}
    assert (g.loc[sorted(merged), "incidents"] > 0).all() and g.drop(index=sorted(merged))["incidents"].sum() == 0
    grams = con.execute("SELECT sum(quantity_g) FROM incidents WHERE commune = 'Lao Bảo'").fetchone()[0]
    assert g.loc["Lao Bảo", "grams"] == pytest.approx(grams)


def test_breaks_and_classes():
    b = class_breaks([0.5, 1.2, 3.3, 8.0, 20.4, 55.0])
    assert b == sorted(set(b)) and b[-1] >= 55.0
    assert class_of(0.0, b) == 0 and class_of(55.0, b) == len(b) - 1 and class_of(float("nan"), b) is None


@pytest.mark.parametrize("ext", ["csv", "geojson", "gpkg"])
def test_cli_writes_a_row_per_commune(demo_db, tmp_path, ext):
    out = tmp_path / f"communes.{ext}"
    assert cli_main(["communes", "--db", str(demo_db), "--from", "2025-01-01", "--to", "2025-06-30",
                     "--out", str(out)]) == 0
    con = connect(demo_db, read_only=True)
    try:
        expected = commune_stats(con, Filter(dt.date(2025, 1, 1), dt.date(2025, 6, 30)))
    finally:
        con.close()
    if ext == "csv":
        got = pd.read_csv(out, encoding="utf-8-sig")
    else:
        got = gpd.read_file(out)
        assert got.crs.to_epsg() == 4326 and got.geometry.geom_type.isin(["Polygon", "MultiPolygon"]).all()
    for col in ("commune", "old_names", "new_name", "incidents", "grams", "persons", "population", "rate_per_1000",
                "incidents_prev", "change"):
        assert col in got.columns
    assert len(got) == len(expected) == 16
    assert list(got["commune"]) == list(expected["commune"])
    assert list(got["incidents"]) == list(expected["incidents"])
    assert (got["rate_per_1000"] - expected["rate_per_1000"]).abs().max() < 1e-3


def test_cli_refuses_other_formats_and_stores_without_areas(demo_db, tmp_path, capsys):
    assert cli_main(["communes", "--db", str(demo_db), "--out", str(tmp_path / "x.xlsx"), "--lang", "en"]) == 2
    assert "csv" in capsys.readouterr().err and not (tmp_path / "x.xlsx").exists()
    con = connect(demo_db)
    con.execute("DELETE FROM commune_areas")
    con.close()
    assert cli_main(["communes", "--db", str(demo_db), "--lang", "en"]) == 2
    assert "commune_areas" in capsys.readouterr().err


def test_choropleth_in_the_standalone_layer_switch_with_classes(demo_db, tmp_path):
    out = tmp_path / "map.html"
    assert cli_main(["map", "--db", str(demo_db), "--out", str(out), "--layers", "belt,communes", "--lang", "en"]) == 0
    html = out.read_text(encoding="utf-8")
    from core.i18n import t

    assert json.dumps(t("layers.communes", "en"))[1:-1] in html
    assert json.dumps(t("layers.commune_counts", "en"))[1:-1] in html
    assert "per 1,000 residents" in html and t("communes.illustrative", "en") in html
