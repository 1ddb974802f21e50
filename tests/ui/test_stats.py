"""Monthly aggregates (data/stats.py) against plain counts, and the charts built from them."""
from __future__ import annotations

import datetime as dt

import pandas as pd

from data import stats
from data.filters import Filter
from data.queries import count_incidents, load_incidents
from data.store import connect, store_revision
from ui import charts


def test_monthly_sums_match_the_incidents(demo_ro_con):
    flt = Filter(date_from=dt.date(2025, 1, 1), date_to=dt.date(2025, 12, 31), drugs=("heroin", "methamphetamine"))
    m = stats.monthly(demo_ro_con, flt)
    inc = load_incidents(demo_ro_con, flt)
    assert m["incidents"].sum() == count_incidents(demo_ro_con, flt) == len(inc)
    assert abs(m["quantity_g"].sum() - inc["quantity_g"].fillna(0).sum()) < 1e-6
    assert m["persons"].sum() == inc["persons"].fillna(0).sum()
    assert set(m["drug"]) <= {"heroin", "methamphetamine"}
    assert m["month"].dt.day.eq(1).all() and m["month"].min() >= pd.Timestamp("2025-01-01")
    tot = stats.totals(demo_ro_con, flt)
    assert tot["incidents"] == len(inc)


def test_empty_filter_gives_empty_frames_and_zero_totals(demo_ro_con):
    flt = Filter(date_from=dt.date(1990, 1, 1), date_to=dt.date(1990, 1, 2))
    assert stats.monthly(demo_ro_con, flt).empty
    assert stats.totals(demo_ro_con, flt) == {"incidents": 0, "quantity_g": 0, "tablets": 0, "persons": 0}


def test_revision_changes_when_rows_change(demo_db):
    demo_ro_con = connect(demo_db)             # its own copy: it deletes a row
    try:
        before = store_revision(demo_ro_con)
        demo_ro_con.execute("DELETE FROM incidents WHERE id IN (SELECT id FROM incidents LIMIT 1)")
        assert store_revision(demo_ro_con) != before
    finally:
        demo_ro_con.close()


def test_charts_use_translated_titles_and_palette(demo_ro_con):
    m = stats.monthly(demo_ro_con, Filter())
    spec = charts.incidents_by_drug(m, "en").to_dict()
    assert spec["title"] == "Incidents"
    assert spec["encoding"]["color"]["scale"]["domain"][0] == "Heroin"
    assert charts.grams_by_drug(m, "vi").to_dict()["title"] == "Khối lượng thu giữ (gam)"
    assert "height" not in spec          # a fixed height squeezed the bars away under Streamlit's autosize
