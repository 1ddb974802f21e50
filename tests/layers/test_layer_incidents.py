"""layers.incidents: clustered markers built in JS from one escaped data array, capped."""
import datetime as dt
import json

import folium
import geopandas as gpd
from maptest import HOSTILE, HOSTILE_ESCAPED, assert_escaped, children, page_of
from shapely.geometry import Point

from core import palette
from data.filters import Filter
from layers import incidents


def _gdf(n=3, text="Bắt quả tang"):
    return gpd.GeoDataFrame({
        "id": [f"I{i}" for i in range(n)], "occurred_at": [dt.datetime(2024, 4, 3, 8, 30)] * n,
        "article": ["250"] * n, "drug": ["heroin", "methamphetamine", "opium"][:n] + ["heroin"] * (n - 3),
        "quantity_g": [12.5] + [None] * (n - 1), "tablets": [None] * n, "persons": [2] * n,
        "description": [text] * n, "commune": ["Lao Bảo"] * n, "station": ["Đồn Lao Bảo"] * n,
        "village": [text] * n}, geometry=[Point(106.6 + i / 1000, 16.6) for i in range(n)], crs="EPSG:4326")


def _cluster(fg):
    (c,) = children(fg, folium.plugins.FastMarkerCluster)
    return c


def test_one_data_row_per_incident_and_cluster_in_the_group():
    fg = incidents.render(_gdf(), lang="vi")
    c = _cluster(fg)
    data = json.loads(c.data_js)
    assert len(data) == 3
    assert data[0][:3] == [16.6, 106.6, "03/04/2024 08:30"]
    assert data[0][5] == 12.5 and data[0][6] is None and data[0][7] == 2
    page = page_of(fg)
    assert "L.markerClusterGroup" in page and "AwesomeMarkers" not in page


def test_rows_decode_to_each_incident_with_missing_values_and_repeated_texts():
    gdf = _gdf(5)
    gdf.loc[1, "occurred_at"] = None
    gdf.loc[2, ["description", "village"]] = [None, "Xy <b>"]
    gdf.loc[3, ["quantity_g", "tablets", "persons"]] = [3.0, 1200.5, None]
    data, arts, drugs, strings = incidents.rows(gdf, lang="en")
    assert len(data) == 5 and strings[0] == ""
    for row, rec in zip(data, gdf.itertuples(index=False), strict=True):
        assert row[0] == round(rec.geometry.y, 5) and row[1] == round(rec.geometry.x, 5)
        assert row[2] == ("" if rec.occurred_at is None or rec.occurred_at != rec.occurred_at
                          else rec.occurred_at.strftime("%Y-%m-%d %H:%M"))
        assert arts[row[3]] == rec.article and drugs[row[4]] == rec.drug
        assert row[8] == rec.id
        for i, text in zip((9, 10, 11, 12), (rec.description, rec.commune, rec.station, rec.village), strict=True):
            escaped = text.replace("<", "&lt;").replace(">", "&gt;") if isinstance(text, str) else ""
            assert strings[row[i]] == escaped
    assert data[1][2] == "" and data[2][9] == 0
    assert data[3][5:8] == [3, 1200.5, None] and isinstance(data[3][5], int)
    assert len(strings) == len(set(strings))                   # each text sent once
    assert incidents.rows(gdf.iloc[0:0], lang="vi") == ([], [], [], [""])


def test_marker_colours_are_the_drug_palette():
    fg = incidents.render(_gdf(), lang="en")
    page = page_of(fg)
    for drug in ("heroin", "methamphetamine", "opium"):
        assert palette.DRUG[drug] in page
    legend = incidents.legend(_gdf(), lang="en")
    assert [text for svg, text in legend if svg][:1] == ["Heroin"]
    assert palette.DRUG["heroin"] in legend[0][0]


def test_user_strings_are_escaped_in_the_data_array():
    fg = incidents.render(_gdf(text=HOSTILE), lang="vi")
    c = _cluster(fg)
    # texts travel in the callback's string table, escaped; rows hold indexes into it
    assert HOSTILE_ESCAPED in c.callback.replace("\\u0026", "&")
    assert HOSTILE not in c.callback and "<img" not in c.callback and "<img" not in c.data_js
    assert_escaped(page_of(fg))


def test_load_caps_to_the_most_recent_and_says_so(layers_con):
    gdf = incidents.load(layers_con, filters=Filter(), cap=100)
    assert len(gdf) == 100 and gdf.attrs["total"] == 3000
    assert gdf["occurred_at"].is_monotonic_decreasing
    newest = layers_con.execute("SELECT max(occurred_at) FROM incidents").fetchone()[0]
    assert gdf["occurred_at"].iloc[0] == newest
    assert set(incidents.SCHEMA) <= set(gdf.columns)
    notes = [text for svg, text in incidents.legend(gdf, lang="vi") if not svg]
    assert "100 vụ gần nhất trong tổng số 3.000 vụ" in notes


def test_load_applies_the_filter(layers_con):
    gdf = incidents.load(layers_con, filters=Filter(drugs=("heroin",)))
    assert len(gdf) == gdf.attrs["total"] > 0 and set(gdf["drug"]) == {"heroin"}
    assert gdf["station"].notna().any()                      # station names joined for the popup


def test_hostile_incident_from_the_store(hostile_con):
    gdf = incidents.load(hostile_con, filters=Filter(date_from=dt.date(2026, 11, 27), date_to=dt.date(2026, 11, 27)))
    assert HOSTILE in set(gdf["description"])
    assert_escaped(page_of(incidents.render(gdf, lang="vi")))


def test_an_incident_outside_vietnam_gets_a_dashed_ring_its_tooltip_and_a_legend_row(demo_con):
    demo_con.execute("UPDATE incidents SET outside_vietnam = true WHERE id = (SELECT min(id) FROM incidents)")
    flagged = demo_con.execute("SELECT min(id) FROM incidents").fetchone()[0]
    gdf = incidents.load(demo_con, filters=Filter(), cap=100_000)
    assert gdf["outside_vietnam"].sum() == 1 and bool(gdf.loc[gdf["id"] == flagged, "outside_vietnam"].iloc[0])
    data, *_ = incidents.rows(gdf, lang="vi")
    by_id = {r[8]: r[13] for r in data}
    assert by_id[flagged] == 1 and sum(by_id.values()) == 1
    page = page_of(incidents.render(gdf, lang="vi"))
    assert "stroke-dasharray" in page and "ngoài lãnh thổ VN" in page
    rows = dict((b, a) for a, b in incidents.legend(gdf, lang="vi"))
    assert "stroke-dasharray" in rows["Vụ việc ngoài lãnh thổ Việt Nam (phối hợp): viền đứt nét"]
    plain = _gdf()                                    # frames without the column: no ring, no legend row
    assert all(r[13] == 0 for r in incidents.rows(plain, lang="vi")[0])
    assert not any("đứt nét" in b for _, b in incidents.legend(plain, lang="vi"))
