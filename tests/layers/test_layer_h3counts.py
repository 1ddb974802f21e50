"""layers.h3counts: hexagons with incidents, five classes coloured from palette.HEAT_GRADIENT."""

import h3
import pandas as pd
from maptest import children, page_of

from core import palette
from data.filters import Filter
from layers import h3counts
from layers._leaflet import HexLayer, cell_frame

CELLS = [h3.latlng_to_cell(16.6 + i / 20, 106.6, 7) for i in range(5)]


def _gdf(counts=(1, 2, 5, 9, 40)):
    return cell_frame(pd.DataFrame({"h3": CELLS[:len(counts)], "count": list(counts)}))


def test_cells_are_hexagons_with_class_colours():
    fg = h3counts.render(_gdf(), lang="vi")
    (layer,) = children(fg, HexLayer)
    assert len(layer.rows) == 5
    assert all(len(r) == 2 + 12 for r in layer.rows)                  # style, tooltip, 6 vertices
    colours = [layer.styles[r[0]]["fillColor"] for r in layer.rows]
    assert colours == [c for _, c in sorted(palette.HEAT_GRADIENT.items())]
    assert "40" in layer.rows[-1][1] and CELLS[4] in layer.rows[-1][1]
    assert "L.polygon" in page_of(fg)


def test_delta_encoding_round_trips_to_the_h3_boundary():
    (layer,) = children(h3counts.render(_gdf((3,)), lang="vi"), HexLayer)
    vals = layer.rows[0][2:]
    xs, ys = [], []
    x = y = 0
    for i in range(0, len(vals), 2):
        x += vals[i]
        y += vals[i + 1]
        xs.append(x / 1e5)
        ys.append(y / 1e5)
    expected = h3.cell_to_boundary(CELLS[0])
    assert all(abs(lat - ey) < 1e-5 and abs(lon - ex) < 1e-5
               for (lat, lon), ex, ey in zip(expected, xs, ys, strict=True))


def test_legend_classes_match_breaks():
    items = h3counts.legend(_gdf(), lang="vi")
    assert [text for svg, text in items if svg] == ["1 vụ", "2 vụ", "3–5 vụ", "6–9 vụ", "10–40 vụ"]


def test_load_demo(layers_con):
    gdf = h3counts.load(layers_con, filters=Filter(), res=7)
    assert gdf["count"].sum() == 3000 and (gdf["count"] > 0).all()
    assert gdf.geometry.geom_type.eq("Polygon").all() and gdf.attrs["res"] == 7
