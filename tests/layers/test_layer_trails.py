"""layers.trails: dashed lines per trail kind, colour/dash/weight from palette.TRAIL_KIND."""
import geopandas as gpd
from maptest import HOSTILE, assert_escaped, children, page_of
from shapely.geometry import LineString

from core import palette
from data.filters import Filter
from layers import trails
from layers._leaflet import GeoLayer


def _gdf(name="Đường mòn"):
    kinds = list(palette.TRAIL_KIND)
    return gpd.GeoDataFrame({"id": kinds, "name": [name] * len(kinds), "kind": kinds},
                            geometry=[LineString([(106.5, 16.5 + i / 50), (106.6, 16.6 + i / 50)])
                                      for i in range(len(kinds))], crs="EPSG:4326")


def test_styles_follow_the_palette_and_trails_are_dashed():
    fg = trails.render(_gdf(), lang="vi")
    (layer,) = children(fg, GeoLayer)
    assert layer.pane == "bw_lines"
    for f in layer.features:
        kind = _gdf()["kind"].iloc[layer.features.index(f)]
        s = layer.styles[f["properties"]["s"]]
        spec = palette.TRAIL_KIND[kind]
        assert (s["color"], s["dashArray"], s["weight"]) == (spec["color"], spec["dash"], spec["weight"])
    dashed = [s for s in layer.styles if s["dashArray"]]
    assert len(dashed) == 2                 # trail and opening path dashed; road solid (palette)


def test_hostile_name_is_escaped():
    assert_escaped(page_of(trails.render(_gdf(HOSTILE), lang="en")))


def test_legend_lines_match(layers_con):
    gdf = trails.load(layers_con, filters=Filter())
    items = trails.legend(gdf, lang="vi")
    assert items and all(palette.TRAIL_KIND[k]["color"] in svg for (svg, _), k in
                         zip(items, [k for k in palette.TRAIL_KIND if k in set(gdf["kind"])], strict=True))
