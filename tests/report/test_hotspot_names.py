"""Hot spots are named so a reader can tell them apart: nearest village and commune, and a short cell
label (distance and direction from the village) when two share a village; the map's tooltips and the
tables show those names, not H3 ids."""
from __future__ import annotations

import datetime as dt
import math
import re

import h3
import numpy as np

from data.filters import Filter
from data.queries import villages_with_status
from layers import emerging as emerging_layer
from layers import hotspots as hotspots_layer
from layers._leaflet import HexLayer
from report.slides import build_briefing

DIRS = {"Bắc": 0, "Đông Bắc": 45, "Đông": 90, "Đông Nam": 135, "Nam": 180, "Tây Nam": 225, "Tây": 270, "Tây Bắc": 315}
CELL = re.compile(r"^(?P<village>.+), (?P<km>\d+,\d) km hướng (?P<dir>.+)$")


def _walk(obj):
    for child in getattr(obj, "_children", {}).values():
        yield child
        yield from _walk(child)


def test_hot_spots_sharing_a_village_are_told_apart(demo_con):
    flt = Filter(date_from=dt.date(2026, 1, 1), date_to=dt.date(2026, 11, 28))
    b = build_briefing(demo_con, flt, lang="vi", compare_to=False)
    table = b.slides[1].table
    names = list(zip(table["Gần thôn, bản"], table["Xã"], strict=True))
    assert len(set(names)) == len(names), names                     # every row of the slide reads differently
    v = villages_with_status(demo_con).set_index("name")
    # shared among all the hot spots of the briefing (the slide shows the first seven)
    base = [CELL.match(n).group("village") if CELL.match(n) else n for n in b.hot["village"]]
    shared = {x for x in base if base.count(x) > 1}
    assert shared, "the demo period has two hot spots near one village"
    for (name, _), h in zip(names, b.hot["h3"].iloc[:len(names)], strict=True):
        m = CELL.match(name)
        assert bool(m) == (m is not None and m.group("village") in shared)
        if not m:
            continue
        # distance and direction checked independently (haversine, initial bearing) from the village point
        p = v.loc[m.group("village")].geometry.representative_point()
        lat, lon = h3.cell_to_latlng(h)
        la1, lo1, la2, lo2 = map(math.radians, (p.y, p.x, lat, lon))
        km = 2 * 6371.0088 * math.asin(math.sqrt(math.sin((la2 - la1) / 2) ** 2 +
                                                 math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2))
        assert abs(float(m.group("km").replace(",", ".")) - km) < 0.15
        bearing = math.degrees(math.atan2(math.sin(lo2 - lo1) * math.cos(la2), math.cos(la1) * math.sin(la2) -
                                          math.sin(la1) * math.cos(la2) * math.cos(lo2 - lo1))) % 360
        assert min(abs(bearing - DIRS[m.group("dir")]), 360 - abs(bearing - DIRS[m.group("dir")])) <= 22.5 + 2
    # the change sentences name places the same way
    both = min(len(b.summary["hotspots"]), len(names))               # the hot spots the slide and the text share
    assert all(h["village"] == n for h, (n, _) in zip(b.summary["hotspots"][:both], names[:both], strict=True))


def test_map_tooltips_name_the_village_not_the_cell(demo_con):
    flt = Filter(date_from=dt.date(2026, 1, 1), date_to=dt.date(2026, 11, 28))
    villages = set(villages_with_status(demo_con)["name"])
    for module in (hotspots_layer, emerging_layer):
        gdf = module.load(demo_con, filters=flt, res=7)
        assert len(gdf)
        (layer,) = [c for c in _walk(module.render(gdf, lang="vi")) if isinstance(c, HexLayer)]
        tips = [r[1] for r in layer.rows]
        assert all(any(v in tip for v in villages) and "(xã " in tip for tip in tips), tips[:3]
        assert not any(h in tip for h in gdf["h3"] for tip in tips[:50])
        english = [r[1] for r in [c for c in _walk(module.render(gdf, lang="en")) if isinstance(c, HexLayer)][0].rows]
        assert all(" commune)" in tip for tip in english)
        assert np.all([t_vi != t_en for t_vi, t_en in zip(tips, english, strict=True)])
