"""layers.mapbuild: the assembled map is offline, complete, and follows layers/month/focus/tiles."""
import datetime as dt
import json
import re

import folium
import pytest
from folium.plugins import Fullscreen, HeatMap
from maptest import EXTERNAL, children, references

import layers
from data.filters import Filter
from layers import mapbuild
from layers._leaflet import GeoLayer
from layers.controls import FocusRing
from layers.mapbuild import MapView, Page

FOLIUM_DEFAULT_JS = list(folium.Map.default_js)


@pytest.fixture(scope="module")
def demo_map(layers_con):
    return mapbuild.build_map(layers_con, Filter(), lang="vi")


@pytest.fixture(scope="module")
def demo_page(demo_map):
    return mapbuild.map_html(demo_map)


def test_page_links_only_local_static_files(demo_page):
    refs, tags = references(demo_page)
    assert refs, "the page should link Leaflet from /app/static"
    assert not [r for r in refs if EXTERNAL.match(r)]
    assert all(r.startswith("/app/static/map/") for r in refs), refs
    assert "jquery" not in demo_page.lower() and "bootstrap" not in demo_page.lower()
    assert "tile" not in " ".join(refs)


def test_page_has_controls_legend_and_layers(demo_page):
    for needle in ("L.control.layers", "L.control.scale", "borderwatchVN2000", "L.Icon.Default.imagePath",
                   "bw-legend", "L.markerClusterGroup", "L.heatLayer", '"maxZoom": 18', "bw_base"):
        assert needle in demo_page, needle


def test_folium_class_defaults_are_untouched(demo_map):
    assert folium.Map.default_js == FOLIUM_DEFAULT_JS          # instance attributes only: no shared state
    assert [n for n, _ in demo_map.default_js] == ["leaflet"]


def test_every_registered_layer_is_in_the_control_with_default_visibility(demo_map):
    groups = {g.layer_name: g for g in children(demo_map, folium.FeatureGroup)}
    for s in layers.REGISTRY:
        g = groups[layers.module(s.name).TITLE["vi"]]
        assert g.show is s.default_on, s.name


def test_layers_argument_chooses_what_is_shown(layers_con):
    m = mapbuild.build_map(layers_con, Filter(), lang="en", view=MapView(layers=("heat", "border")))
    shown = {g.layer_name for g in children(m, folium.FeatureGroup) if g.show and g.overlay}
    assert shown == {layers.module("heat").TITLE["en"], layers.module("border").TITLE["en"]}
    with pytest.raises(ValueError, match="valid"):
        mapbuild.build_map(layers_con, Filter(), view=MapView(layers=("nope",)))


def test_month_filter_intersects_the_period():
    flt = Filter(date_from=dt.date(2024, 3, 10), date_to=dt.date(2024, 6, 30))
    assert mapbuild.month_filter(flt, dt.date(2024, 3, 31)) == Filter(date_from=dt.date(2024, 3, 10),
                                                                     date_to=dt.date(2024, 3, 31))
    empty = mapbuild.month_filter(flt, dt.date(2025, 1, 5))
    assert empty.date_from > empty.date_to
    assert mapbuild.month_filter(Filter(), None) == Filter()


def test_month_restricts_the_sliced_layers(layers_con):
    month = dt.date(2026, 6, 15)
    frames = mapbuild.load_layers(layers_con, Filter(), month=month)
    in_month = layers_con.execute("SELECT count(*) FROM incidents WHERE occurred_at >= '2026-06-01' "
                                  "AND occurred_at < '2026-07-01'").fetchone()[0]
    assert 0 < in_month < 3000
    assert frames["heat"]["count"].sum() == in_month
    assert frames["h3counts"]["count"].sum() == in_month
    assert frames["incidents"].attrs["total"] == in_month      # the month step drives the points too
    page = mapbuild.map_html(mapbuild.assemble(frames, lang="en", view=MapView(month=month)))
    assert "Time layers: month 06/2026" in page


def test_focus_centres_the_map_and_marks_the_spot(layers_con):
    m = mapbuild.build_map(layers_con, Filter(), view=MapView(focus=(16.62, 106.60, 13)))
    assert m.location == [16.62, 106.60] and m.options["zoom"] == 13
    assert children(m, FocusRing)
    assert "fitBounds" not in mapbuild.map_html(m)


def test_tile_url_adds_a_local_base_layer(layers_con):
    url = "http://127.0.0.1:8080/{z}/{x}/{y}.png"
    m = mapbuild.build_map(layers_con, Filter(), page=Page(tile_url=url))
    (tl,) = children(m, folium.TileLayer)
    assert tl.tiles == url and tl.show is False


def test_an_unknown_cdn_plugin_is_refused(layers_con):
    m = mapbuild.build_map(layers_con, Filter())
    Fullscreen().add_to(m)
    with pytest.raises(ValueError, match="not available offline"):
        mapbuild.localise_assets(m)


def test_assemble_draws_loaded_frames_without_the_store(layers_con):
    frames = mapbuild.load_layers(layers_con, Filter(drugs=("heroin",)))
    m = mapbuild.assemble(frames, lang="vi", demo=True)
    assert children(m, HeatMap) and len(children(m, GeoLayer)) >= 8
    assert "Dữ liệu minh họa" in mapbuild.map_html(m)


def test_standalone_has_no_url_at_all(layers_con):
    page = mapbuild.standalone_html(layers_con, Filter(), lang="en")
    refs, tags = references(page)
    assert refs == []                                        # every script and style sheet is inline
    assert "bw-inline" not in page
    assert "Leaflet 1.9.3" in page and "L.MarkerClusterGroup" in page and "simpleheat" in page
    assert "data:image/png;base64," in page and "url(images/" not in page


def _live(layers_con, flt: Filter | None = None, **kw):
    frames = mapbuild.load_layers(layers_con, flt if flt is not None else Filter())
    base, groups = mapbuild.live_base(frames, lang="en")
    html = mapbuild.map_html(base)
    # the overlay refers to the base's groups by their JavaScript variables (here: folium's own names)
    refs = {name: g.get_name() for name, g in groups.items()}
    return frames, html, refs, mapbuild.live_overlay(frames, refs, lang="en", **kw)


def test_registry_filtered_flag_matches_what_the_filter_changes(layers_con):
    narrow = Filter(date_from=dt.date(2026, 11, 1), date_to=dt.date(2026, 11, 28), drugs=("opium",))
    wide, small = mapbuild.load_layers(layers_con, Filter()), mapbuild.load_layers(layers_con, narrow)
    for spec in layers.REGISTRY:
        same = wide[spec.name].drop(columns="geometry").equals(small[spec.name].drop(columns="geometry"))
        assert same != spec.filtered, spec.name


def test_live_base_holds_no_filtered_layer_and_the_overlay_swaps_them(layers_con):
    every = [s.name for s in layers.REGISTRY]
    frames, html, refs, live = _live(layers_con, view=MapView(layers=tuple(every), focus=(16.62, 106.62, 12)),
                                     demo=True)
    assert {"basemap", "belt", "context", "stations", "border", "trails", "crossings", "villages"} == set(refs)
    assert "L.markerClusterGroup" not in html and "L.heatLayer" not in html and "L.control.layers" not in html
    assert "L.control.scale" in html and "borderwatchVN2000" in html
    # the overlay: first removes the previous one, then draws the filtered layers, the focus ring, the legend,
    # and one layer control listing every layer (base layers by the base's variables)
    assert live.startswith(mapbuild._LIVE_CLEAR)
    assert "L.markerClusterGroup" in live and "L.heatLayer" in live and "bw-legend" in live
    assert live.count("L.control.layers(") == 1 and "[16.62,106.62]" in live
    control = live[live.index("L.control.layers("):]
    for spec in layers.REGISTRY:
        assert f'"{layers.module(spec.name).TITLE["en"]}"' in control, spec.name
    for name, var in refs.items():
        assert var in control, name
    assert "map_div" in live and not re.search(r"\bmap_[0-9a-f]{32}\b", live)   # drawn on the component's map
    added = set(re.findall(r"(\w+)\.addTo\(map_div\)", live))
    pushed = set(re.findall(r"window\.bwLive\.push\((\w+)\)", live))
    assert added <= pushed | {"bw_layer_control"}            # everything it adds, the next overlay takes away


def test_live_overlay_draws_only_the_chosen_filtered_layers(layers_con):
    _, _, refs, live = _live(layers_con, view=MapView(layers=("incidents", "border")))
    added = re.findall(r"(\w+)\.addTo\(map_div\)", live)
    assert len([a for a in added if a.startswith("feature_group_")]) == 1     # incidents only
    assert "L.markerClusterGroup" in live
    assert "L.heatLayer" not in live and "hex_layer_" not in live                # hidden filtered layers: no data sent
    control = live[live.index("L.control.layers("):]
    titles = {s.name: f'"{layers.module(s.name).TITLE["en"]}"' for s in layers.REGISTRY}
    assert titles["incidents"] in control and titles["heat"] not in control and titles["hotspots"] not in control
    for spec in layers.REGISTRY:                  # the base layers stay switchable on the map
        if not spec.filtered:
            assert titles[spec.name] in control and refs[spec.name] in control, spec.name


def test_build_map_draws_what_the_view_allows(layers_con):
    """A view without incident details draws no incident point; min_cell marks the hexagon counts."""
    from folium.plugins import FastMarkerCluster

    def points(m: folium.Map) -> int:
        (cluster,) = children(m, FastMarkerCluster)
        return len(json.loads(cluster.data_js))

    shown = ("incidents", "h3counts")
    full = mapbuild.build_map(layers_con, Filter(), view=MapView(layers=shown))
    bare = mapbuild.build_map(layers_con, Filter(), view=MapView(layers=shown, details=False, min_cell=3))
    total = layers_con.execute("SELECT count(*) FROM incidents").fetchone()[0]
    assert points(full) == min(total, layers.module("incidents").CAP) > 0
    assert points(bare) == 0
    frames = mapbuild.load_layers(layers_con, Filter())
    assert "min_cell" not in frames["h3counts"].attrs
    assert mapbuild.small_cells(frames, 3)["h3counts"].attrs["min_cell"] == 3
