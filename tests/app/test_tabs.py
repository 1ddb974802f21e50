"""Each tab renders from the demo store and reacts to its own widgets."""
from __future__ import annotations

import json

import pytest

from data.queries import villages_with_status
from data.store import connect


def _open(app, tab: str, **kw):
    at = app(tab=tab, **kw)
    at.run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    return at


def _select_row(at, key: str, row: int):
    at.session_state[key] = {"selection": {"rows": [row], "columns": [], "cells": []}}
    return at.run()


def test_hotspot_tab_table_and_focus(app):
    at = _open(app, "hotspots", period="all")
    table = next(d for d in at.dataframe if d.key == "hot_table").value
    assert len(table) > 0
    assert {"place", "count", "z", "bin_label", "category_label", "crossing", "crossing_km"} <= set(table.columns)
    assert table["z"].is_monotonic_decreasing                     # hottest first
    assert table["place"].notna().all() and table["crossing"].notna().all()
    before = json.loads(at.get("component_instance")[0].proto.json_args)
    _select_row(at, "hot_table", 0)
    assert not at.exception
    after = json.loads(at.get("component_instance")[0].proto.json_args)
    assert after["script"] == before["script"]                   # the same map moves: it is not rebuilt
    lat, lon = table.iloc[0]["lat"], table.iloc[0]["lon"]
    assert after["center"] == [pytest.approx(float(lat)), pytest.approx(float(lon))]  # centred on the cell
    assert after["zoom"] > 9
    assert f"{round(float(lat), 5)}" in after["feature_group"]     # the focus ring around it
    # corridor charts (per crossing, per trail, per km of border) in their own lazily computed view
    assert not at.get("vega_lite_chart")
    at.session_state["hot_view_id"] = "corridor"
    at.run()
    assert not at.exception
    titles = {json.loads(c.proto.spec).get("title") for c in at.get("vega_lite_chart")}
    assert {"Số vụ gần cửa khẩu, lối mở", "Số vụ gần đường mòn", "Số vụ theo km đường biên"} <= titles


def test_stats_tab_has_the_charts(app):
    at = _open(app, "stats", period="all")
    charts = at.get("vega_lite_chart")
    assert len(charts) == 5
    titles = {json.loads(c.proto.spec).get("title") for c in charts}
    assert {"Số vụ việc", "Khối lượng thu giữ (gam)", "Số viên thu giữ", "Số đối tượng"} <= titles


def test_villages_tab_lists_every_village_with_status(app, app_db):
    con = connect(app_db)
    try:
        n = len(villages_with_status(con))
    finally:
        con.close()
    at = _open(app, "villages", period="all")
    table = next(d for d in at.dataframe if d.key == "vil_table").value
    assert len(table) == n
    assert table["status_label"].isin(["Được công nhận không ma túy", "Đang xem xét lại", "Bị thu hồi công nhận",
                                       "Chưa được công nhận"]).all()
    at.multiselect(key="vil_status").set_value(["revoked"]).run()
    revoked = next(d for d in at.dataframe if d.key == "vil_table").value
    assert 0 < len(revoked) < n and (revoked["status"] == "revoked").all()
    _select_row(at, "vil_table", 0)
    assert not at.exception
    assert any(s.value.startswith("Lịch sử công nhận") for s in at.subheader)
    history = at.dataframe[-1].value
    assert len(history) >= 1


def test_viewer_gets_no_projector_and_no_import(app):
    at = app(role="viewer", tab="data")
    at.run()
    assert not at.exception
    assert not [w for w in at.sidebar.toggle if w.key == "projector"]
    assert not [c for c in at.get("bidi_component") if c.key == "imp_file"]


def test_viewer_map_has_no_incident_layer(app):
    from core.i18n import t

    incidents = t("layers.incidents", "vi")
    assert incidents in app(role="analyst").run().multiselect(key="map_layers").options
    at = app(role="viewer").run()
    assert not at.exception
    assert incidents not in at.multiselect(key="map_layers").options
    assert "incidents" not in at.multiselect(key="map_layers").value


def test_villages_tab_flags_overdue_reviews(app, app_db):
    import datetime as dt
    con = connect(app_db)
    try:
        v = villages_with_status(con)
    finally:
        con.close()
    today = dt.date.today()
    due = {r["id"]: r["review_due"] for _, r in v.iterrows()}
    overdue = {k for k, d in due.items() if d is not None and str(d) != "NaT" and d.date() < today}
    assert overdue, "the demo store holds reviews that have passed"
    at = _open(app, "villages", period="all")
    table = next(d for d in at.dataframe if d.key == "vil_table").value
    assert set(table.loc[table["review_overdue"], "village_id"]) == overdue
    assert any(w.value.startswith(f"{len(overdue)} thôn, bản đã quá hạn xem xét lại") for w in at.warning)
    at.toggle(key="vil_overdue_only").set_value(True).run()
    only = next(d for d in at.dataframe if d.key == "vil_table").value
    assert set(only["village_id"]) == overdue
