"""Place search on the map: one box for crossings, communes (old and new names), stations and villages.

:func:`load` builds the index from the store (names and a point each; no incident data, so
every role may have it); :class:`SearchControl` sends it once with the base map, and
``bw.search`` (``layers/js/bw-tools.js``) matches names with or without diacritics
("lao bao" finds "Lao Bảo") and flies to the chosen place.

A commune has no point of its own in the store: it is placed at the mean of the villages
and crossings recorded in it (old or new name); a commune without any is left out.
"""
from __future__ import annotations

import pandas as pd
from branca.element import MacroElement
from folium.template import Template

from core.i18n import t
from data.store import read_layer
from layers._html import NAME_MAX, js_json
from layers._leaflet import COORD_DECIMALS

#: kind -> (order in the results, zoom flown to)
KINDS = {"crossing": (0, 13), "commune": (1, 12), "station": (2, 13), "village": (3, 14)}
COLUMNS = ("kind", "name", "other", "lat", "lon")
#: Leading words a user may leave out ("Lao Bảo" for "Cửa khẩu quốc tế Lao Bảo"), longest first.
PREFIXES = ("Cửa khẩu quốc tế", "Cửa khẩu chính", "Cửa khẩu phụ", "Cửa khẩu", "Lối mở", "Điểm qua lại", "Đường mòn",
            "Đồn Biên phòng", "Đồn BP", "Thị trấn", "Thôn", "Bản", "Khóm", "Xã")


def short_name(name: str) -> str:
    """``name`` without a leading kind word, or ``""`` when it has none.

    >>> short_name("Cửa khẩu quốc tế Lao Bảo"), short_name("Thôn Cù Bai"), short_name("Lao Bảo")
    ('Lao Bảo', 'Cù Bai', '')
    """
    text = str(name or "").strip()
    for p in PREFIXES:
        if text.lower().startswith(p.lower() + " "):
            return text[len(p):].strip()
    return ""


def _points(gdf) -> pd.DataFrame:
    geom = gdf.geometry
    pts = geom.where(geom.geom_type == "Point", geom.representative_point())
    return pd.DataFrame({"name": gdf["name"].astype(str).to_numpy(), "lat": pts.y.to_numpy(), "lon": pts.x.to_numpy(),
                         "commune": gdf["commune"].to_numpy() if "commune" in gdf.columns else None})


def load(con) -> pd.DataFrame:
    """Every searchable place: ``kind``, ``name``, ``other`` (list of other names), ``lat``, ``lon``."""
    rows = []
    frames = {}
    for kind, layer in (("crossing", "crossings"), ("station", "stations"), ("village", "villages")):
        gdf = read_layer(con, layer)
        gdf = gdf[gdf.geometry.notna() & ~gdf.geometry.is_empty] if len(gdf) else gdf
        frames[kind] = _points(gdf) if len(gdf) else pd.DataFrame(columns=["name", "lat", "lon", "commune"])
        for r in frames[kind].itertuples():
            short = short_name(r.name)
            rows.append((kind, r.name, [short] if short else [], float(r.lat), float(r.lon)))
    located = pd.concat([frames["crossing"], frames["village"]], ignore_index=True).dropna(subset=["commune"])
    centre = located.groupby("commune")[["lat", "lon"]].mean()
    names = con.execute("SELECT old_name, new_name FROM communes ORDER BY new_name, old_name").fetchall()
    olds: dict[str, list[str]] = {}
    for old, new in names:
        olds.setdefault(new, []).append(old)
    for new, old_list in olds.items():
        members = [n for n in {new, *old_list} if n in centre.index]
        if members:
            lat, lon = centre.loc[members].mean()
            rows.append(("commune", new, [o for o in old_list if o != new], float(lat), float(lon)))
        for old in old_list:
            if old != new and old not in olds and old in centre.index:
                lat, lon = (float(v) for v in centre.loc[old])
                rows.append(("commune", old, [new], lat, lon))
    return pd.DataFrame(rows, columns=list(COLUMNS))


def _cut(text) -> str:
    text = str(text)
    return text if len(text) <= NAME_MAX else text[: NAME_MAX - 1] + "…"


class SearchControl(MacroElement):
    """The search box (top left) over the places of :func:`load`."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        if (window.bw) { bw.search({{ this._parent.get_name() }}, {{ this.places_js }}, {{ this.texts_js }}); }
        {% endmacro %}
    """)

    def __init__(self, places: pd.DataFrame, *, lang: str = "vi"):
        super().__init__()
        self._name = "SearchControl"
        items = []
        for r in places.itertuples():
            order, zoom = KINDS.get(r.kind, (9, 13))
            # raw names (script-safe through js_json): bw.search escapes them where it writes HTML
            items.append({"n": _cut(r.name), "a": [_cut(o) for o in (r.other or [])],
                          "k": t(f"map.search.kind.{r.kind}", lang), "o": order, "z": zoom,
                          "y": round(float(r.lat), COORD_DECIMALS), "x": round(float(r.lon), COORD_DECIMALS)})
        self.places_js = js_json(items)
        self.texts_js = js_json({k: t(f"map.search.{k}", lang) for k in ("label", "placeholder", "none")})
