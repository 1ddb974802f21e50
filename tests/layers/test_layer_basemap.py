"""layers.basemap: Natural Earth polygons in the lowest pane, no tiles unless a local URL is given."""
import folium
import pytest

from layers import basemap
from layers._common import GeoLayer
from maptest import children


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
