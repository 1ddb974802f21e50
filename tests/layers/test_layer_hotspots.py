"""layers.hotspots: only significant Gi* bins drawn, colours equal palette.GI_BINS."""
import h3
import pandas as pd
from maptest import children

from core import palette
from data.filters import Filter
from layers import hotspots
from layers._leaflet import HexLayer, cell_frame

BINS = [3, 2, 1, 0, -1, -2, -3]


def _gdf():
    cells = [h3.latlng_to_cell(16.6 + i / 20, 106.6, 7) for i in range(len(BINS))]
    return cell_frame(pd.DataFrame({"h3": cells, "count": range(7), "z": [3.1, 2.1, 1.7, 0.1, -1.7, -2.1, -3.1],
                                    "p": [0.001, 0.03, 0.08, 0.9, 0.08, 0.03, 0.001], "bin": BINS}))


def test_bins_coloured_from_palette_and_not_significant_left_out():
    (layer,) = children(hotspots.render(_gdf(), lang="vi"), HexLayer)
    assert len(layer.rows) == 6
    fills = [layer.styles[r[0]]["fillColor"] for r in layer.rows]
    assert fills == [palette.GI_BINS[b] for b in BINS if b != 0]
    assert "99%" in layer.rows[0][1] and "z = 3,10" in layer.rows[0][1]


def test_legend_matches_palette():
    items = hotspots.legend(_gdf(), lang="en")
    swatches = [svg for svg, _ in items if svg]
    assert [palette.GI_BINS[b] in s for b, s in zip(hotspots.BINS, swatches, strict=True)] == [True] * 6
    assert "Cells that are not significant are not drawn" in [t for s, t in items if not s]


def test_load_demo_keeps_only_significant_cells(layers_con):
    gdf = hotspots.load(layers_con, filters=Filter(), res=7)
    assert len(gdf) > 0 and (gdf["bin"] != 0).all()
    assert set(hotspots.SCHEMA) <= set(gdf.columns)
