"""layers.emerging: categories coloured from palette.EMERGING, no_pattern not drawn."""
import h3
import pandas as pd

from core import palette
from core.i18n import t
from core.vocab import label
from data.filters import Filter
from layers import emerging
from layers._common import HexLayer, cell_frame
from maptest import children

CATS = ["new_hot", "persistent_hot", "no_pattern", "intensifying_cold"]


def _gdf():
    cells = [h3.latlng_to_cell(16.6 + i / 20, 106.6, 7) for i in range(len(CATS))]
    return cell_frame(pd.DataFrame({"h3": cells, "category": CATS, "trend_tau": [0.5, 0.1, 0.0, -0.4],
                                    "trend_p": [0.01, 0.5, 1.0, 0.02], "share_hot": [0.1, 0.95, 0.0, 0.0]}))


def test_categories_coloured_from_palette():
    (layer,) = children(emerging.render(_gdf(), lang="vi"), HexLayer)
    assert len(layer.rows) == 3
    assert [layer.styles[r[0]]["fillColor"] for r in layer.rows] == [palette.EMERGING[c] for c in CATS if c != "no_pattern"]
    assert label("emerging", "new_hot", "vi") in layer.rows[0][1]


def test_legend_lists_present_categories_only():
    items = emerging.legend(_gdf(), lang="en")
    labels = [text for svg, text in items if svg]
    assert labels == [label("emerging", c, "en") for c in emerging.ORDER if c in CATS and c != "no_pattern"]


def test_load_demo(layers_con):
    gdf = emerging.load(layers_con, filters=Filter(), res=7)
    assert (gdf["category"] != "no_pattern").all() and gdf.geometry.notna().all()
