"""layers.emerging: categories coloured from palette.EMERGING, no_pattern not drawn."""
import h3
import numpy as np
import pandas as pd
from maptest import children

from core import palette
from core.vocab import label
from data.filters import Filter
from layers import emerging
from layers._leaflet import HexLayer, cell_frame

CATS = ["new_hot", "persistent_hot", "no_pattern", "intensifying_cold"]


def _gdf():
    cells = [h3.latlng_to_cell(16.6 + i / 20, 106.6, 7) for i in range(len(CATS))]
    return cell_frame(pd.DataFrame({"h3": cells, "category": CATS, "trend_tau": [0.5, 0.1, 0.0, -0.4],
                                    "trend_p": [0.01, 0.5, 1.0, 0.02], "share_hot": [0.1, 0.95, 0.0, 0.0]}))


def test_categories_coloured_from_palette():
    (layer,) = children(emerging.render(_gdf(), lang="vi"), HexLayer)
    assert len(layer.rows) == 3
    assert ([layer.styles[r[0]]["fillColor"] for r in layer.rows]
            == [palette.EMERGING[c] for c in CATS if c != "no_pattern"])
    assert label("emerging", "new_hot", "vi") in layer.rows[0][1]


def test_legend_lists_present_categories_only():
    items = emerging.legend(_gdf(), lang="en")
    labels = [text for svg, text in items if svg]
    assert labels == [label("emerging", c, "en") for c in emerging.ORDER if c in CATS and c != "no_pattern"]


def test_load_demo(layers_con):
    gdf = emerging.load(layers_con, filters=Filter(), res=7)
    assert (gdf["category"] != "no_pattern").all() and gdf.geometry.notna().all()


def _lab_f(t: np.ndarray) -> np.ndarray:
    """CIE 1976 L*a*b* companding of a tristimulus ratio."""
    return np.where(t > 0.008856, np.cbrt(t), 7.787 * t + 16 / 116)


def _lab_seen(hex_color: str, cvd: np.ndarray) -> np.ndarray:
    """CIELAB of a colour as seen with colour-vision matrix ``cvd`` (Machado et al. 2009, severity 1)."""
    c = np.array([int(hex_color[i:i + 2], 16) / 255 for i in (1, 3, 5)])
    rgb = np.clip(cvd @ np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4), 0, 1)
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]) @ rgb
    fx, fy, fz = _lab_f(xyz / np.array([0.9505, 1.0, 1.089]))
    return np.array([116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)])


def test_emerging_pairs_users_compare_stay_apart_for_colour_blind_eyes():
    cvd = {"normal": np.eye(3),
           "deuteranopia": np.array([[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                                     [-0.011820, 0.042940, 0.968881]]),
           "protanopia": np.array([[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
                                   [-0.003882, -0.048116, 1.051998]]),
           "tritanopia": np.array([[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602],
                                   [0.004733, 0.691367, 0.303900]])}
    for side in ("hot", "cold"):
        for a, b in (("new", "sporadic"), ("intensifying", "persistent")):
            ca, cb = palette.EMERGING[f"{a}_{side}"], palette.EMERGING[f"{b}_{side}"]
            for name, m in cvd.items():
                delta = float(np.linalg.norm(_lab_seen(ca, m) - _lab_seen(cb, m)))
                assert delta >= 20, (side, a, b, name, round(delta, 1))     # ΔE*ab ≥ 20: plainly different
