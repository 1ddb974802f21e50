"""layers.border: the border line in the lines pane, coloured from core.palette.BORDER."""
import folium
import geopandas as gpd
from maptest import HOSTILE, assert_escaped, children, page_of
from shapely.geometry import LineString

from core import palette
from data.filters import Filter
from layers import border
from layers._leaflet import GeoLayer


def _gdf(name="Biên giới"):
    return gpd.GeoDataFrame({"id": ["B1"], "name": [name]},
                            geometry=[LineString([(106.5, 16.6), (106.6, 16.7)])], crs="EPSG:4326")


def test_render_draws_the_line_with_the_palette_colour():
    fg = border.render(_gdf(), lang="vi")
    assert isinstance(fg, folium.FeatureGroup)
    assert fg.layer_name == border.TITLE["vi"]
    (layer,) = children(fg, GeoLayer)
    assert layer.pane == "bw_lines"
    assert len(layer.features) == 1
    assert layer.features[0]["geometry"]["type"] == "LineString"
    assert layer.styles[0]["color"] == palette.BORDER["color"]
    assert layer.styles[0]["weight"] == palette.BORDER["weight"]
    assert palette.BORDER["color"] in page_of(fg)


def test_hostile_name_is_escaped():
    fg = border.render(_gdf(HOSTILE), lang="en")
    assert_escaped(page_of(fg))


def test_load_reads_the_store(layers_con):
    gdf = border.load(layers_con, filters=Filter())
    assert len(gdf) >= 1 and set(border.SCHEMA) <= set(gdf.columns)
    assert gdf.crs.to_epsg() == 4326
