"""Villages exported as GPX waypoints carry a description (commune · district), as their KML placemarks do."""
from __future__ import annotations

import pyogrio

from data.export import export_layer
from data.store import read_layer


def test_village_waypoints_have_commune_and_district_in_desc(demo_con, tmp_path):
    out = tmp_path / "villages.gpx"
    export_layer(demo_con, "villages", out)
    gpx = pyogrio.read_dataframe(out, layer="waypoints")
    v = read_layer(demo_con, "villages")
    want = [" · ".join(str(x) for x in (c, d) if isinstance(x, str) and x) for c, d in
            zip(v["commune"], v["district"], strict=True)]
    assert len(gpx) == len(v) and gpx["desc"].notna().all()
    assert gpx["name"].tolist() == v["name"].tolist()          # file order = layer order
    assert gpx["desc"].tolist() == want
