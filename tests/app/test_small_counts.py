"""Issue 12 item 6: a viewer with the narrowest filter (one village, one day) cannot read one
incident's numbers: header cards, charts, tables and the map show "< 3" or leave the cell out;
an analyst sees the exact numbers."""
from __future__ import annotations

import pytest

from data.store import connect


@pytest.fixture(scope="module")
def one_incident(app_db) -> dict:
    """A village and a day holding exactly one incident, with its persons and grams."""
    con = connect(app_db)
    try:
        vid, day, persons = con.execute("""
            SELECT village_id, CAST(occurred_at AS DATE) AS d, max(persons) FROM incidents
            WHERE village_id IS NOT NULL GROUP BY ALL HAVING count(*) = 1 AND max(persons) > 0
            ORDER BY d DESC LIMIT 1""").fetchone()
    finally:
        con.close()
    return {"villages": vid, "date_from": day.isoformat(), "date_to": day.isoformat(), "persons": int(persons)}


def _query(one: dict) -> dict:
    return {"villages": one["villages"], "date_from": one["date_from"], "date_to": one["date_to"], "lang": "en"}


def _metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_viewer_header_cards_hide_a_single_incident(app, one_incident):
    at = app(role="viewer", **_query(one_incident))
    at.run()
    assert not at.exception
    cards = _metrics(at)
    assert cards["Incidents"] == "< 3"
    assert {cards[k] for k in cards if k != "Incidents"} == {"–"}
    at = app(role="analyst", **_query(one_incident))
    at.run()
    assert _metrics(at)["Incidents"] == "1" and _metrics(at)["Persons"] == str(one_incident["persons"])


def test_viewer_charts_send_no_cell_of_one_incident(app, app_db, one_incident):
    import datetime as dt

    from core.roles import User, min_cell
    from data import stats
    from data.filters import Filter
    from ui import charts

    flt = Filter(date_from=dt.date.fromisoformat(one_incident["date_from"]),
                 date_to=dt.date.fromisoformat(one_incident["date_to"]), villages=(one_incident["villages"],))
    con = connect(app_db)
    try:
        df = stats.monthly(con, flt)
    finally:
        con.close()
    k = min_cell(User("v", "viewer"))
    for make in (charts.incidents_by_article, charts.incidents_by_drug, charts.grams_by_drug, charts.tablets,
                 charts.persons):
        assert len(make(df, "en", k=k).data) == 0          # nothing of the one incident reaches the browser
    assert charts.persons(df, "en", k=min_cell(User("a", "analyst"))).data["persons"].sum() == one_incident["persons"]
    at = app(role="viewer", tab="stats", **_query(one_incident))
    at.run()
    assert not at.exception
    assert any("< 3" in c.value for c in at.caption)


def test_viewer_tables_show_small_counts_as_less_than(app, one_incident):
    at = app(role="viewer", tab="villages", **_query(one_incident))
    at.run()
    assert not at.exception
    table = at.dataframe(key="vil_table").value
    row = table.set_index("village_id").loc[one_incident["villages"]]
    assert row["incidents_within"] in ("< 3", "0") and "1" not in set(table["incidents_within"])
    at = app(role="viewer", tab="hotspots", **_query(one_incident))
    at.run()
    assert not at.exception
    hot = at.dataframe(key="hot_table").value
    assert set(hot["count"]) <= {"< 3", "0"} and "< 3" in set(hot["count"])


def test_viewer_map_hexagon_says_less_than_three(app_db, one_incident):
    import datetime as dt

    from core.roles import User, min_cell
    from data.filters import Filter
    from layers import h3counts

    flt = Filter(date_from=dt.date.fromisoformat(one_incident["date_from"]),
                 date_to=dt.date.fromisoformat(one_incident["date_to"]), villages=(one_incident["villages"],))
    con = connect(app_db)
    try:
        gdf = h3counts.load(con, filters=flt)
    finally:
        con.close()
    gdf.attrs["min_cell"] = min_cell(User("v", "viewer"))
    import folium

    m = folium.Map(location=[16.6, 106.6], tiles=None)
    h3counts.render(gdf, lang="en").add_to(m)
    html = m.get_root().render()
    assert "Incidents: \\u0026lt; 3" in html and "Incidents: 1\\u003c" not in html      # JSON-escaped HTML


def test_viewer_corridor_bars_and_map_areas_hide_small_counts(app_db, one_incident):
    """Corridor bars (per crossing, trail, border km), commune areas and patrol gaps: nothing resting on
    1-2 incidents reaches a viewer's browser; an analyst's frames are unchanged."""
    import datetime as dt
    import types

    import numpy as np

    from core.roles import User, min_cell
    from data import analysis
    from data.filters import Filter
    from layers import commune_counts, mapbuild
    from ui import hotspots_tab

    flt = Filter(date_from=dt.date.fromisoformat(one_incident["date_from"]),
                 date_to=dt.date.fromisoformat(one_incident["date_to"]))
    con = connect(app_db)
    try:
        corr = analysis.corridor_for(con, flt)
        communes = commune_counts.load(con, filters=flt)
    finally:
        con.close()
    viewer, analyst = User("v", "viewer"), User("a", "analyst")
    k = min_cell(viewer)
    assert k == 3 and min_cell(analyst) == 1
    small_before = sum(int(((df["count"] > 0) & (df["count"] < k)).sum())
                       for df in (corr[key] for key in ("crossings", "trails", "chainage")) if df is not None)
    assert small_before > 0, "the day's incident makes at least one small bar"
    shown = hotspots_tab._viewer_cells(types.SimpleNamespace(user=viewer, lang="en"), corr)
    for df in shown:
        if df is not None and len(df):
            assert (df["count"] >= k).all()
    same = hotspots_tab._viewer_cells(types.SimpleNamespace(user=analyst, lang="en"), corr)
    assert [len(d) for d in same if d is not None] == [len(corr[key]) for key in ("crossings", "trails", "chainage")
                                                        if corr[key] is not None]
    few = (communes["incidents"] > 0) & (communes["incidents"] < k)
    assert few.any()
    masked = mapbuild.small_cells({"commune_counts": communes}, k)["commune_counts"]
    for col in ("incidents", "rate_per_1000"):
        assert masked.loc[few, col].isna().all() and np.array_equal(masked.loc[~few, col], communes.loc[~few, col])
    import folium

    m = folium.Map()
    commune_counts.render(masked, lang="en").add_to(m)
    html = m.get_root().render()
    assert len(masked) == len(communes) and "Incidents" in html
