"""The page as a whole: loads, filters drive the numbers, the URL round-trips, language switches."""
from __future__ import annotations

import datetime as dt

from core.i18n import fmt_int
from data.filters import Filter
from data.queries import count_incidents
from data.store import connect
from ui.periods import preset_range


def _metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def _has(at, key: str) -> bool:
    return any(w.key == key for w in at.sidebar.text_input)


def _typed_range(at) -> tuple[str, str]:
    return at.sidebar.text_input(key="f_from_text").value, at.sidebar.text_input(key="f_to_text").value


def _count(db, flt: Filter) -> int:
    con = connect(db)
    try:
        return count_incidents(con, flt)
    finally:
        con.close()


def test_page_loads_with_banner_tabs_and_count(app, app_db):
    at = app().run()
    assert not at.exception
    assert not at.error
    assert any("Dữ liệu minh họa" in h.value for h in at.html)      # the slim demo note beside the period
    assert [tab.label for tab in at.tabs] == ["Bản đồ", "Điểm nóng", "Thống kê", "Thôn, bản", "Dữ liệu",
                                             "Nhập liệu", "Quản trị"]
    lo, hi = preset_range("year", dt.date.today())
    assert _metric(at, "Số vụ việc") == fmt_int(_count(app_db, Filter(date_from=lo, date_to=hi)), "vi")
    # attribution of the base data in the sidebar
    assert any("Natural Earth" in c.value for c in at.sidebar.caption)


def test_changing_period_changes_the_count(app, app_db):
    at = app().run()
    year = _metric(at, "Số vụ việc")
    at.sidebar.selectbox(key="f_preset").set_value("30d").run()
    assert not at.exception
    lo, hi = preset_range("30d", dt.date.today())
    expected = _count(app_db, Filter(date_from=lo, date_to=hi))
    assert _metric(at, "Số vụ việc") == fmt_int(expected, "vi")
    assert _metric(at, "Số vụ việc") != year
    assert at.query_params["period"] == "30d"
    assert at.query_params["date_from"] == lo.isoformat()


def test_custom_range_and_value_filters(app, app_db):
    at = app().run()
    at.sidebar.selectbox(key="f_preset").set_value("custom").run()
    at.sidebar.text_input(key="f_from_text").input("01/01/2025").run()
    at.sidebar.text_input(key="f_to_text").input("30/06/2025").run()
    at.sidebar.multiselect(key="f_drugs").set_value(["heroin"]).run()
    assert not at.exception
    flt = Filter(date_from=dt.date(2025, 1, 1), date_to=dt.date(2025, 6, 30), drugs=("heroin",))
    assert _metric(at, "Số vụ việc") == fmt_int(_count(app_db, flt), "vi")
    assert "period" not in at.query_params
    assert at.query_params["drugs"] == "heroin"
    assert at.query_params["date_to"] == "2025-06-30"


def test_url_opens_the_same_view(app, app_db):
    at = app(date_from="2025-02-01", date_to="2025-03-31", drugs="methamphetamine,heroin", communes="Lao Bảo").run()
    assert not at.exception and not at.warning[1:]
    assert at.sidebar.selectbox(key="f_preset").value == "custom"
    assert at.sidebar.multiselect(key="f_drugs").value == ["methamphetamine", "heroin"]
    assert at.sidebar.multiselect(key="f_communes").value == ["Lao Bảo"]
    flt = Filter(date_from=dt.date(2025, 2, 1), date_to=dt.date(2025, 3, 31), drugs=("methamphetamine", "heroin"),
                 communes=("Lao Bảo",))
    assert _metric(at, "Số vụ việc") == fmt_int(_count(app_db, flt), "vi")


def test_unknown_url_value_is_dropped_with_a_warning(app):
    at = app(drugs="heroin,unobtainium", period="30d").run()
    assert not at.exception
    assert any("unobtainium" in w.value for w in at.warning)
    assert at.sidebar.selectbox(key="f_preset").value == "30d"
    assert at.sidebar.multiselect(key="f_drugs").value == []


def test_language_switch_changes_labels_and_dates(app):
    at = app().run()
    assert at.sidebar.selectbox(key="f_preset").label == "Thời gian"
    at.session_state["tab_id"] = "villages"
    at.run()
    at.sidebar.segmented_control(key="lang").set_value("en").run()
    assert not at.exception
    assert [tab.label for tab in at.tabs] == ["Map", "Hot spots", "Statistics", "Villages", "Data", "Data entry",
                                             "Administration"]
    assert at.sidebar.selectbox(key="f_preset").label == "Period"
    assert any(m.label == "Incidents" for m in at.metric)
    assert not any("Dữ liệu minh họa" in h.value for h in at.html)
    assert any("Illustrative data" in h.value for h in at.html)
    # the open tab survives the switch
    assert at.session_state["tab_id"] == "villages"
    assert at.session_state["tab"] == "Villages"
    assert at.query_params["lang"] == "en"


def test_dates_are_dd_mm_yyyy_in_vietnamese(app):
    at = app(period="30d").run()
    lo, hi = preset_range("30d", dt.date.today())
    caption = " ".join(c.value for c in at.main.caption)
    assert f"{lo:%d/%m/%Y}" in caption and f"{hi:%d/%m/%Y}" in caption
    assert f"{lo:%d/%m/%Y}" in " ".join(c.value for c in at.sidebar.caption)
    at.sidebar.selectbox(key="f_preset").set_value("custom").run()
    assert at.sidebar.text_input(key="f_from_text").value == f"{lo:%d/%m/%Y}"
    assert at.sidebar.text_input(key="f_to_text").placeholder == "dd/mm/yyyy"


def test_date_field_only_for_a_custom_range_and_it_starts_at_the_preset(app):
    at = app(period="30d").run()
    assert not _has(at, "f_from_text")         # a preset's dates are a caption
    lo, hi = preset_range("30d", dt.date.today())
    at.sidebar.selectbox(key="f_preset").set_value("custom").run()
    assert not at.exception
    assert _typed_range(at) == (f"{lo:%d/%m/%Y}", f"{hi:%d/%m/%Y}")
    at.sidebar.text_input(key="f_from_text").input("01/01/2025").run()
    at.sidebar.text_input(key="f_to_text").input("30/06/2025").run()
    at.sidebar.selectbox(key="f_preset").set_value("7d").run()
    assert not _has(at, "f_from_text")
    at.sidebar.selectbox(key="f_preset").set_value("custom").run()
    assert not at.exception
    lo7, hi7 = preset_range("7d", dt.date.today())
    assert _typed_range(at) == (f"{lo7:%d/%m/%Y}", f"{hi7:%d/%m/%Y}")
    assert at.query_params["date_from"] == lo7.isoformat()


def test_reset_clears_value_filters(app):
    at = app(drugs="heroin", articles="250").run()
    at.sidebar.button(key="f_reset").click().run()
    assert at.sidebar.multiselect(key="f_drugs").value == []
    assert at.sidebar.multiselect(key="f_articles").value == []
    assert "drugs" not in at.query_params


def test_tabs_follow_the_role(app):
    base = ["Bản đồ", "Điểm nóng", "Thống kê", "Thôn, bản"]
    for role, extra in (("viewer", []), ("analyst", ["Dữ liệu"]), ("editor", ["Dữ liệu", "Nhập liệu"])):
        at = app(role=role).run()
        assert not at.exception
        assert [tab.label for tab in at.tabs] == base + extra, role


def test_login_gate_without_a_session(app):
    at = app(role=None).run()
    assert not at.exception
    assert not at.tabs and not at.metric                  # nothing of the store before a login
    assert at.get("text_input")                           # the login form


def test_projector_mode_replaces_the_tabs_and_can_be_left(app):
    at = app(period="30d").run()
    at.sidebar.toggle(key="projector").set_value(True).run()
    assert not at.exception
    assert not at.tabs                                     # the briefing slides instead of the dashboard
    assert at.get("html")
    at.button(key="projector_exit").click().run()
    assert not at.exception
    assert at.session_state["projector"] is False and at.tabs


def test_local_tile_server_from_the_environment(app, monkeypatch):
    import json

    monkeypatch.setenv("BORDERWATCH_TILE_URL", "http://127.0.0.1:8080/tiles/{z}/{x}/{y}.png")
    at = app().run()
    args = json.loads(at.get("component_instance")[0].proto.json_args)
    assert "http://127.0.0.1:8080/tiles/{z}/{x}/{y}.png" in args["script"]
