"""layers.stations: a shield at each post and the station's area outlined (palette.STATION)."""
import geopandas as gpd
from maptest import HOSTILE, assert_escaped, children, page_of
from shapely.geometry import Point, box

from core import palette
from data.filters import Filter
from layers import stations
from layers._leaflet import GeoLayer


def _gdf(name="Đồn Biên phòng Thanh"):
    return gpd.GeoDataFrame({"id": ["DBP-THANH"], "name": [name], "area": [box(106.6, 16.5, 106.7, 16.6)]},
                            geometry=[Point(106.65, 16.55)], crs="EPSG:4326")


def test_posts_and_areas():
    fg = stations.render(_gdf(), lang="vi")
    areas, posts = children(fg, GeoLayer)
    assert areas.pane == "bw_areas" and areas.styles[0]["color"] == palette.STATION["area_color"]
    assert areas.features[0]["geometry"]["type"] == "Polygon"
    assert posts.features[0]["properties"]["k"] == "post"
    assert palette.STATION["color"] in posts.icons["post"]["html"] and "bw-shield" in posts.icons["post"]["html"]


def test_hostile_name_is_escaped():
    assert_escaped(page_of(stations.render(_gdf(HOSTILE), lang="vi")))


def test_load_demo(layers_con):
    gdf = stations.load(layers_con, filters=Filter())
    assert len(gdf) == 8 and gdf["area"].notna().all()
    (areas, posts) = children(stations.render(gdf, lang="en"), GeoLayer)
    assert len(areas.features) == len(posts.features) == 8
