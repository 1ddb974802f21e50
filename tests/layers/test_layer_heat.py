"""layers.heat: HeatMap from aggregated cell weights, never more than CAP points."""
import geopandas as gpd
from folium.plugins import HeatMap
from maptest import children, page_of
from shapely.geometry import Point

from core import palette
from data.filters import Filter
from layers import heat


def test_load_aggregates_cells_and_keeps_every_incident(layers_con):
    gdf = heat.load(layers_con, filters=Filter())
    assert gdf["count"].sum() == 3000
    assert 0 < gdf["weight"].max() == 1.0 and (gdf["weight"] > 0).all()
    assert gdf.attrs["res"] == 9 or len(gdf) <= heat.CAP


def test_load_climbs_resolutions_to_respect_the_cap(layers_con):
    gdf = heat.load(layers_con, filters=Filter(), cap=50)
    assert len(gdf) <= 50 and gdf.attrs["res"] < 9
    assert gdf["count"].sum() == 3000


def test_render_uses_the_palette_gradient():
    gdf = gpd.GeoDataFrame({"count": [3, 1], "weight": [1.0, 0.333]},
                           geometry=[Point(106.6, 16.6), Point(106.7, 16.7)], crs="EPSG:4326")
    fg = heat.render(gdf, lang="vi")
    (hm,) = children(fg, HeatMap)
    assert hm.data == [[16.6, 106.6, 1.0], [16.7, 106.7, 0.333]]
    assert hm.options["gradient"] == palette.HEAT_GRADIENT
    page = page_of(fg)
    assert "L.heatLayer" in page and palette.HEAT_GRADIENT[1.0] in page
    assert all(c in heat.legend(gdf, lang="vi")[0][0] for c in palette.HEAT_GRADIENT.values())


def test_empty_filter_gives_an_empty_layer(layers_con):
    import datetime as dt
    gdf = heat.load(layers_con, filters=Filter(date_from=dt.date(1990, 1, 1), date_to=dt.date(1990, 1, 31)))
    assert len(gdf) == 0
    assert not children(heat.render(gdf, lang="vi"), HeatMap)
