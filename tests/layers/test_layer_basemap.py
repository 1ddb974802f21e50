"""layers.basemap: Natural Earth polygons in the lowest pane, no tiles unless a local URL is given."""
import folium
import pytest
from maptest import children

from layers import basemap
from layers._leaflet import GeoLayer


def test_load_reads_the_bundled_file_with_attribution():
    gdf = basemap.load()
    assert {"VNM", "LAO"} <= set(gdf["iso3"])
    assert "Natural Earth" in gdf.attrs["attribution"]


def test_render_is_a_base_layer_in_the_base_pane():
    fg = basemap.render(basemap.load(), lang="vi")
    assert fg.overlay is False and fg.control is True
    polys, labels = children(fg, GeoLayer)
    assert polys.pane == "bw_base" and "Natural Earth" in polys.attribution
    names = " ".join(i["html"] for i in labels.icons.values())
    assert "VIỆT NAM" in names and "LÀO" in names
    assert not children(fg, folium.TileLayer)


def test_tile_layer_only_for_a_template_url():
    tl = basemap.tile_layer("http://127.0.0.1:8080/{z}/{x}/{y}.png", lang="en")
    assert tl.tiles.startswith("http://127.0.0.1") and tl.overlay is False
    with pytest.raises(ValueError):
        basemap.tile_layer("http://example.org/tile.png")


def test_basemap_covers_both_sides_of_the_border_to_the_edges_of_a_wide_window():
    """The Lao polygon used to stop at a straight line at 105.6° E, leaving sea colour on the map."""
    import numpy as np
    import shapely

    from data.build_border import BASEMAP_BOX

    gdf = basemap.load()
    land = shapely.union_all(gdf.geometry.values)
    lao = gdf[gdf["iso3"] == "LAO"].geometry.iloc[0]
    # west of the border, as far as a 1920 px window at zoom 8 reaches from the belt: land everywhere
    xs, ys = np.meshgrid(np.linspace(102.5, 105.5, 40), np.linspace(14.5, 19.0, 40))
    pts = shapely.points(xs.ravel(), ys.ravel())
    assert shapely.covers(land, pts).all()
    assert lao.bounds[0] < 101.0 and lao.bounds[2] > 107.0          # Laos whole, not cut west of the border
    left, bottom, right, top = BASEMAP_BOX
    assert (right - left) * 91 >= 1366 and (top - bottom) * 91 >= 768    # ≈ 91 px per degree at zoom 7 (min zoom)
