"""layers.patrols, layers.coverage, layers.patrolgaps on the demo store (illustrative patrols)."""
import datetime as dt

import numpy as np
from maptest import HOSTILE, assert_escaped, children, page_of

from core import palette
from data.filters import Filter
from layers import coverage, patrolgaps, patrols
from layers._leaflet import GeoLayer, HexLayer

YEAR = Filter(date_from=dt.date(2025, 12, 1), date_to=dt.date(2026, 11, 28))


def test_tracks_coloured_by_station_with_popups(layers_con):
    gdf = patrols.load(layers_con, filters=YEAR)
    assert 0 < len(gdf) <= patrols.MAX_TRACKS and gdf.attrs["total"] >= len(gdf)
    fg = patrols.render(gdf, lang="en")
    (layer,) = children(fg, GeoLayer)
    stations = sorted(set(gdf["station_id"]))
    for f, sid in zip(layer.features, gdf["station_id"], strict=True):
        assert layer.styles[f["properties"]["s"]]["color"] == palette.PATROL_STATIONS[stations.index(sid)]
        assert "Length (km)" in f["properties"]["p"] and "Team / unit" in f["properties"]["p"]
    items = patrols.legend(gdf, lang="vi")
    assert len(items) == len(stations) + 1 and "tuyến" in items[-1][1]


def test_track_popup_escapes_hostile_text(layers_con):
    gdf = patrols.load(layers_con, filters=YEAR).head(3)
    gdf["team"] = HOSTILE
    gdf["name"] = HOSTILE
    assert_escaped(page_of(patrols.render(gdf, lang="vi")))


def test_coverage_hexagons_by_patrol_days(layers_con):
    gdf = coverage.load(layers_con, filters=YEAR, res=7)
    assert len(gdf) and (gdf["patrol_days"] >= 1).all()
    (hexes,) = children(coverage.render(gdf, lang="vi"), HexLayer)
    b = coverage.breaks(gdf["patrol_days"])
    # the darkest class holds the most patrolled cell
    assert int(np.searchsorted(b, gdf["patrol_days"].max())) == len(b) - 1
    assert hexes.styles[len(b) - 1]["fillColor"] == palette.COVERAGE_DAYS[-1]
    assert "ngày" in coverage.legend(gdf, lang="vi")[0][1]
    month = coverage.load(layers_con, filters=Filter(date_from=dt.date(2026, 11, 1), date_to=dt.date(2026, 11, 28)))
    assert 1 <= month["patrol_days"].max() <= 28 < gdf["patrol_days"].max()


def test_gaps_outlined_and_every_gap_unpatrolled(layers_con):
    gdf = patrolgaps.load(layers_con, filters=YEAR, res=7)
    assert len(gdf) and (gdf["patrol_days"] == 0).all() and list(gdf["z"]) == sorted(gdf["z"], reverse=True)
    (hexes,) = children(patrolgaps.render(gdf, lang="en"), HexLayer)
    assert hexes.styles[0]["fill"] is False and hexes.styles[0]["color"] == palette.GAP_OUTLINE["color"]
    cov = coverage.load(layers_con, filters=YEAR, res=7)
    assert not set(gdf["h3"]) & set(cov["h3"])
