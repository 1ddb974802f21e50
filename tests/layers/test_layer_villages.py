"""layers.villages: colour AND shape by status (palette.VILLAGE_STATUS), polygons get a symbol too."""
import datetime as dt

import geopandas as gpd
from maptest import HOSTILE, HOSTILE_ESCAPED, assert_escaped, children, page_of
from shapely.geometry import Point, box

from core import palette
from core.vocab import label
from data.filters import Filter
from layers import villages
from layers._leaflet import GeoLayer
from layers.symbols import symbol_svg

STATUSES = list(palette.VILLAGE_STATUS)


def _gdf(name="Thôn A"):
    geoms = [Point(106.6, 16.6), Point(106.61, 16.6), Point(106.62, 16.6), box(106.63, 16.59, 106.64, 16.6)]
    return gpd.GeoDataFrame({"id": [f"V{i}" for i in range(4)], "name": [name] * 4, "commune": ["Thanh"] * 4,
                             "status": STATUSES, "decided_on": [dt.datetime(2024, 4, 3)] * 4,
                             "decision_ref": ["12/QĐ-UBND"] * 4, "population": [1200, None, 300, 50]},
                            geometry=geoms, crs="EPSG:4326")


def test_symbols_are_colour_and_shape_of_the_status():
    fg = villages.render(_gdf(), lang="vi")
    (layer,) = children(fg, GeoLayer)
    for status, spec in palette.VILLAGE_STATUS.items():
        assert layer.icons[status]["html"] == symbol_svg(spec["shape"], spec["color"], size=villages.SIZE)
        assert f'bw-{spec["shape"]}' in layer.icons[status]["html"]
    points = [f for f in layer.features if f["geometry"]["type"] == "Point"]
    assert [f["properties"]["k"] for f in points] == STATUSES          # the polygon got a point symbol too
    (poly,) = [f for f in layer.features if f["geometry"]["type"] == "Polygon"]
    assert layer.styles[poly["properties"]["s"]]["color"] == palette.VILLAGE_STATUS["not_recognised"]["color"]


def test_popup_has_status_decision_and_vietnamese_date():
    (layer,) = children(villages.render(_gdf(), lang="vi"), GeoLayer)
    pop = layer.features[0]["properties"]["p"]
    assert label("status", "recognised", "vi") in pop and "12/QĐ-UBND" in pop and "03/04/2024" in pop
    assert "1.200" in pop


def test_hostile_name_is_escaped():
    fg = villages.render(_gdf(HOSTILE), lang="vi")
    (layer,) = children(fg, GeoLayer)
    assert HOSTILE_ESCAPED in layer.features[0]["properties"]["t"]
    assert_escaped(page_of(fg))


def test_legend_lists_every_status_with_its_symbol(layers_con):
    gdf = villages.load(layers_con, filters=Filter())
    items = villages.legend(gdf, lang="en")
    assert [text for _, text in items] == [label("status", s, "en") for s in STATUSES]
    assert all(palette.VILLAGE_STATUS[s]["color"] in svg for (svg, _), s in zip(items, STATUSES, strict=True))


def test_very_long_names_are_cut_in_tooltip_and_popup():
    long = "Đ" * 100_000
    (layer,) = children(villages.render(_gdf(long), lang="vi"), GeoLayer)
    props = layer.features[0]["properties"]
    assert long[:100] not in props["t"] and long[:100] not in props["p"]
    assert props["t"].startswith("Đ" * 79 + "…")
