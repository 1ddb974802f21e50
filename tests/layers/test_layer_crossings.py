"""layers.crossings: a distinct DivIcon symbol (shape + colour from palette) per crossing kind."""
import geopandas as gpd
import pytest
from maptest import HOSTILE, HOSTILE_ESCAPED, assert_escaped, children, page_of
from shapely.geometry import Point

from core import palette
from core.vocab import label
from data.filters import Filter
from layers import crossings
from layers._leaflet import GeoLayer
from layers.symbols import symbol_svg


def _gdf(names=None):
    kinds = list(palette.CROSSING_KIND)
    names = names or [f"Cửa {i}" for i in range(len(kinds))]
    return gpd.GeoDataFrame({"id": [f"C{i}" for i in range(len(kinds))], "name": names, "kind": kinds,
                             "facing": ["Dansavanh"] * len(kinds), "commune": ["Lao Bảo"] * len(kinds),
                             "approximate": [False, True, None, True, False]},
                            geometry=[Point(106.6 + i / 100, 16.6) for i in range(len(kinds))], crs="EPSG:4326")


def test_each_kind_has_its_own_symbol_in_palette_colour():
    fg = crossings.render(_gdf(), lang="vi")
    (layer,) = children(fg, GeoLayer)
    assert set(layer.icons) == set(palette.CROSSING_KIND)
    for kind, spec in palette.CROSSING_KIND.items():
        assert layer.icons[kind]["html"] == symbol_svg(spec["shape"], spec["color"], size=spec["size"])
        assert spec["color"] in layer.icons[kind]["html"]
    assert len({i["html"] for i in layer.icons.values()}) == len(palette.CROSSING_KIND)
    assert [f["properties"]["k"] for f in layer.features] == list(palette.CROSSING_KIND)
    page = page_of(fg)
    assert "AwesomeMarkers" not in page and "L.divIcon" in page


def test_popup_shows_kind_label_and_approximate_flag():
    fg = crossings.render(_gdf(), lang="en")
    (layer,) = children(fg, GeoLayer)
    pop = layer.features[1]["properties"]["p"]
    assert label("crossing_kind", "main_gate", "en") in pop and "Approximate location" in pop and "yes" in pop
    assert "Approximate" not in layer.features[2]["properties"]["p"]          # unknown flag: row left out


def test_hostile_strings_are_escaped():
    fg = crossings.render(_gdf([HOSTILE] * 5), lang="vi")
    (layer,) = children(fg, GeoLayer)
    assert all(HOSTILE_ESCAPED in f["properties"]["t"] and HOSTILE not in f["properties"]["p"]
               for f in layer.features)
    assert_escaped(page_of(fg))


def test_missing_column_is_named():
    with pytest.raises(ValueError, match="kind"):
        crossings.render(_gdf().drop(columns=["kind"]), lang="vi")


def test_load_demo(layers_con):
    gdf = crossings.load(layers_con, filters=Filter())
    assert {"international_gate", "opening"} <= set(gdf["kind"])
