"""The map tab: offline assets only, cached component arguments equal st_folium's, month player."""
from __future__ import annotations

import datetime as dt
import json
import re

from ui.periods import month_starts, preset_range

_URL = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)|url\(\s*["']?([^"')]+)""", re.I)
_HTTP = re.compile(r"https?://[^\s\"'<>)\\]+")
_NAMESPACES = {"http://www.w3.org/2000/svg"}


def _map_args(at, index: int = 0) -> dict:
    comps = at.get("component_instance")
    assert comps, "no map component on the page"
    return json.loads(comps[index].proto.json_args)


def test_map_component_references_only_app_static(app):
    at = app().run()
    assert not at.exception
    args = _map_args(at)
    # only the clicks bw-tools.js sends come back: panning and zooming never rerun the script
    assert args["returned_objects"] == ["last_geocoder_result"]
    assert args["css_links"] and args["js_links"]
    for link in args["css_links"] + args["js_links"]:
        assert link.startswith("/app/static/"), link
    code = args["script"] + args["header"] + args["html"] + args["feature_group"]
    for match in _URL.finditer(code):
        ref = match.group(1) or match.group(2)
        assert ref.startswith(("/app/static/", "data:", "#")), ref
    assert set(_HTTP.findall(code)) <= _NAMESPACES
    # scale bar and mouse position belong to the base; the layer control and legend to the overlay,
    # which first takes away the previous overlay (the map itself is built once)
    assert "L.control.scale" in args["script"]
    assert "L.control.layers" in args["feature_group"] and "L.control.layers" not in args["script"]
    assert args["feature_group"].startswith("(window.bwLive || []).forEach")
    assert "bw-legend" in args["feature_group"]
    assert "borderwatchVN2000" in args["script"] and "mousemove" in args["script"]


def test_cached_arguments_equal_what_st_folium_sends():
    from streamlit.testing.v1 import AppTest

    def script():
        import folium
        from streamlit_folium import st_folium

        from ui import mapview

        def make_map():
            m = folium.Map(location=[16.6, 106.6], zoom_start=9, tiles=None, control_scale=True)
            fg = folium.FeatureGroup(name="Cửa khẩu").add_to(m)
            folium.CircleMarker([16.61, 106.60], radius=5, tooltip="Lao Bảo").add_to(fg)
            folium.LayerControl().add_to(m)
            stack, n = [m], 0
            while stack:                      # deterministic element ids, so two maps compare equal
                el = stack.pop(0)
                el._id = f"{n:032x}"
                n += 1
                stack.extend(getattr(el, "_children", {}).values())
            return m

        mapview.show(mapview.component_args(make_map()), key="ours", height=400)
        st_folium(make_map(), key="theirs", height=400, width=None, returned_objects=[])

    at = AppTest.from_function(script, default_timeout=30).run()
    assert not at.exception
    ours, theirs = (json.loads(c.proto.json_args) for c in at.get("component_instance"))
    for key in ("script", "header", "html", "id", "css_links", "js_links", "returned_objects", "height"):
        assert ours[key] == theirs[key], key


def test_month_player_steps_through_months(app):
    at = app(period="year").run()
    at.toggle(key="map_by_month").set_value(True).run()
    assert not at.exception
    lo, hi = preset_range("year", dt.date.today())
    months = month_starts(lo, hi)
    slider = at.select_slider(key="map_month")
    assert slider.value == months[-1]
    before = _map_args(at)
    if len(months) > 1:
        at.button(key="map_prev").click().run()
        assert at.select_slider(key="map_month").value == months[-2]
        after = _map_args(at)
        assert after["feature_group"] != before["feature_group"]   # heat / hexagons / Gi* redrawn for that month
        assert after["script"] == before["script"]                 # on the same map: nothing else is redrawn
        at.button(key="map_next").click().run()
        assert at.select_slider(key="map_month").value == months[-1]
    at.button(key="map_next").click().run()                 # wraps round to the first month
    assert at.select_slider(key="map_month").value == months[0]


def test_play_advances_a_month_per_tick(app):
    at = app(period="year").run()
    at.toggle(key="map_by_month").set_value(True).run()
    first = at.select_slider(key="map_month").value
    at.session_state["_map_tick"] = 0.0
    at.toggle(key="map_play").set_value(True).run()
    assert not at.exception
    assert at.select_slider(key="map_month").value != first


def test_layer_choice_is_kept_and_sent_to_the_map(app):
    at = app().run()
    chosen = at.multiselect(key="map_layers")
    assert "incidents" in chosen.value
    at.multiselect(key="map_layers").unselect("incidents").select("heat").run()
    assert not at.exception
    assert "heat" in at.session_state["map_layers"] and "incidents" not in at.session_state["map_layers"]
    # a filter change keeps the choice
    at.sidebar.selectbox(key="f_preset").set_value("30d").run()
    assert "heat" in at.multiselect(key="map_layers").value


def test_without_incident_details_the_map_has_no_incident_points(app_db):
    import datetime as _dt

    from data.filters import Filter
    from ui import cache

    flt = Filter(date_from=_dt.date(2000, 1, 1), date_to=_dt.date.today())
    rev = cache.revision(str(app_db))
    full = cache.map_frames_sliced(str(app_db), rev, flt, None, 7, ("incidents",), 1, True)
    redacted = cache.map_frames_sliced(str(app_db), rev, flt, None, 7, ("incidents",), 1, False)
    month = cache.map_frames_sliced(str(app_db), rev, flt, _dt.date.today(), 7, ("incidents",), 3, False)
    assert len(month["incidents"]) == 0          # the month step does not bring the points back
    assert len(full["incidents"]) > 0
    assert len(redacted["incidents"]) == 0


def test_month_mode_adds_heat_and_choices_survive_a_tab_switch(app):
    at = app().run()
    assert "heat" not in at.multiselect(key="map_layers").value
    at.toggle(key="map_by_month").set_value(True).run()
    assert "heat" in at.multiselect(key="map_layers").value
    at.session_state["tab_id"] = "stats"
    at.run()
    at.session_state["tab_id"] = "map"
    at.run()
    assert not at.exception
    assert at.toggle(key="map_by_month").value is True
    assert "heat" in at.multiselect(key="map_layers").value


def test_switching_a_layer_reloads_only_the_frames_it_changes(app_db, monkeypatch):
    import datetime as _dt

    from data.filters import Filter
    from ui import cache

    loads = []
    real = cache._load
    monkeypatch.setattr(cache, "_load",
                        lambda con, spec, flt, res: loads.append(spec.name) or real(con, spec, flt, res))
    flt = Filter(date_from=_dt.date(2001, 2, 3), date_to=_dt.date.today())       # a filter no other test caches
    rev = cache.revision(str(app_db))
    first = cache.map_args(str(app_db), rev, flt, "en", cache.MapView(("hotspots", "border", "incidents")), None)
    assert sorted(n for n in loads if n in ("hotspots", "incidents")) == ["hotspots", "incidents"]
    loads.clear()
    with_stations = cache.map_args(str(app_db), rev, flt, "en",
                                   cache.MapView(("stations", "hotspots", "border", "incidents")), None)
    with_heat = cache.map_args(str(app_db), rev, flt, "en", cache.MapView(("hotspots", "heat", "border", "incidents")),
                               None)
    assert loads == ["heat"]        # one cache entry per sliced layer: only the new one loads, never the incidents
    assert first["live"] != with_heat["live"] and "L.heatLayer" in with_heat["live"]
    assert "L.markerClusterGroup" in with_stations["live"]


def _metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_a_drawn_circle_becomes_the_filter_area_and_goes_into_the_url(app, app_db):
    from data.filters import Filter
    from data.queries import count_incidents
    from geo.areas import area_wkt, circle_polygon

    at = app().run()
    before = _metric(at, "Số vụ việc")
    # what bw-tools.js sends after a circle is drawn (streamlit-folium puts it under the map's key)
    at.session_state["map"] = {"last_geocoder_result": {"kind": "area", "n": "1-1",
                                                        "circle": {"lat": 16.614, "lon": 106.601, "radius_m": 5000}}}
    at.run()
    assert not at.exception
    area = at.session_state["f_area"]
    assert area == area_wkt(circle_polygon(16.614, 106.601, 5000))
    lo, hi = preset_range("year", dt.date.today())
    from core.i18n import fmt_int
    from ui import cache
    expected = count_incidents(cache.cursor(str(app_db)), Filter(date_from=lo, date_to=hi, area=area))
    assert _metric(at, "Số vụ việc") == fmt_int(expected, "vi") != before
    assert at.query_params["area"] in (area, [area])
    # removing it brings the whole belt back; the same drawing is not applied twice
    at.button(key="map_area_clear").click().run()
    assert not at.session_state["f_area"] and _metric(at, "Số vụ việc") == before


def test_save_view_offers_png_and_pdf_of_the_view_and_audits_it(app, app_db):
    at = app().run()
    at.session_state["map"] = {"last_geocoder_result": {"kind": "view", "n": "7-1", "zoom": 11,
                                                        "bounds": [106.3, 16.45, 106.9, 16.8]}}
    at.run()
    assert not at.exception
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Tải PNG" in labels and "Tải PDF" in labels
    from ui import cache
    n = cache.cursor(str(app_db)).execute("SELECT count(*) FROM audit WHERE action = 'map_export' "
                                          "AND what LIKE 'view 106.30000%'").fetchone()[0]
    assert n >= 1


def test_clicked_hexagon_lists_rows_for_analysts_and_totals_for_viewers(app, app_db):
    from data.filters import Filter
    from data.queries import cell_of, incident_list
    from ui import cache
    from ui.periods import preset_range

    lo, hi = preset_range("year", dt.date.today())
    click = {"kind": "cell", "layer": "hotspots", "res": 7, "lat": 16.614, "lon": 106.601, "n": "3-1"}
    rows = incident_list(cache.cursor(str(app_db)), Filter(date_from=lo, date_to=hi), cell=cell_of(16.614, 106.601, 7))
    assert len(rows) > 3
    for role, table in (("admin", True), ("viewer", False)):
        at = app(role=role).run()
        at.session_state["map"] = {"last_geocoder_result": click}
        at.run()
        assert not at.exception
        heads = " ".join(m.value for m in at.markdown)
        assert f"{cell_of(16.614, 106.601, 7)}): " in heads
        assert any(df.value.shape[0] == len(rows) for df in at.dataframe) is table
        if not table:
            assert any("chỉ xem số tổng hợp" in c.value for c in at.caption)
