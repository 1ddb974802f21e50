"""layers.belt: the belt polygon in the areas pane, fill and outline from core.palette.BELT."""
import geopandas as gpd
from maptest import HOSTILE, assert_escaped, children, page_of
from shapely.geometry import box

from core import palette
from data.filters import Filter
from layers import belt
from layers._leaflet import GeoLayer


def _gdf(name="Vành đai"):
    return gpd.GeoDataFrame({"id": ["BELT"], "name": [name]}, geometry=[box(106.5, 16.5, 106.7, 16.7)],
                            crs="EPSG:4326")


def test_render_fill_and_outline_from_palette():
    fg = belt.render(_gdf(), lang="vi")
    (layer,) = children(fg, GeoLayer)
    assert layer.pane == "bw_areas"
    s = layer.styles[0]
    assert (s["color"], s["fillColor"], s["fillOpacity"]) == (palette.BELT["color"], palette.BELT["fill"],
                                                               palette.BELT["fill_opacity"])
    assert layer.features[0]["geometry"]["type"] == "Polygon"
    # coordinates are rounded to 5 decimals (about 1 m)
    x, y = layer.features[0]["geometry"]["coordinates"][0][0]
    assert round(x, 5) == x and round(y, 5) == y
    assert palette.BELT["fill"] in page_of(fg)


def test_hostile_name_is_escaped():
    assert_escaped(page_of(belt.render(_gdf(HOSTILE), lang="vi")))


def test_load(layers_con):
    gdf = belt.load(layers_con, filters=Filter())
    assert len(gdf) == 1 and gdf.geometry.iloc[0].geom_type in ("Polygon", "MultiPolygon")
