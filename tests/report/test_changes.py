"""What changed since the last briefing: plant a change between two snapshots, read the sentences."""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from data.queries import villages_with_status
from data.store import insert_layer
from report.changes import describe_changes
from report.slides import build_briefing
from report.snapshots import save_snapshot


def _quiet_recognised_villages(con, flt, n=2):
    where, params = flt.where()
    busy = dict(con.execute(f"SELECT village_id, count(*) FROM incidents WHERE {where} GROUP BY 1", params).fetchall())
    v = villages_with_status(con)
    v = v[v["status"] == "recognised"].copy()
    v["busy"] = v["id"].map(busy).fillna(0)
    return v.sort_values(["busy", "id"]).head(n)


def _plant_incidents(con, village, k=60):
    rng = np.random.default_rng(5)
    p = village.geometry.representative_point()
    lon = p.x + rng.normal(0, 0.002, k)
    lat = p.y + rng.normal(0, 0.002, k)
    df = pd.DataFrame({"id": [f"PLANT-{i:03d}" for i in range(k)],
                       "occurred_at": pd.Timestamp("2026-10-10 21:00") + pd.to_timedelta(np.arange(k), unit="h"),
                       "article": "251", "drug": "methamphetamine", "quantity_g": 5.0, "tablets": None, "persons": 1,
                       "station_id": None, "description": "planted"})
    insert_layer(con, "incidents", gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(lon, lat), crs=4326))


def test_planted_change_is_described_in_vietnamese(demo_con, period):
    first = build_briefing(demo_con, period, lang="vi")
    assert first.previous is None
    save_snapshot(demo_con, first.flt, first.summary, version=first.version)
    before = int(first.figures.set_index("metric").loc["incidents", "current"])

    hot_village, status_village = (r for _, r in _quiet_recognised_villages(demo_con, period).iterrows())
    _plant_incidents(demo_con, hot_village, k=60)
    demo_con.execute("INSERT INTO village_status (village_id, status, decided_on, decision_ref, illustrative) "
                     "VALUES (?, 'under_review', DATE '2026-11-20', '12/TB-BCĐ', true)", [status_village["id"]])

    second = build_briefing(demo_con, period, lang="vi")
    assert second.previous is not None and second.previous.version != second.version
    text = "\n".join(second.changes)
    pct = round(60 / before * 100)
    assert f"Số vụ tăng {pct} % so với buổi giao ban trước" in text
    assert f"{before} vụ → {before + 60} vụ" in text
    assert "Xuất hiện điểm nóng gần" in text and hot_village["name"] in text
    assert f"{status_village['name']} (xã" in text
    assert "chuyển từ “Được công nhận không ma túy” sang “Đang xem xét lại”" in text
    assert "Dữ liệu đã được cập nhật: +60 vụ việc, +1 quyết định công nhận." in text
    # the changes slide carries the same sentences, and English reads the same facts
    assert second.slides[-1].bullets == second.changes
    # the key figures are also set against the same period of the previous year (01/08–31/10/2025), first
    year = demo_con.execute("SELECT count(*) FROM incidents WHERE occurred_at >= DATE '2025-08-01' "
                            "AND occurred_at < DATE '2025-11-01'").fetchone()[0]
    ypct = round(abs(before + 60 - year) / year * 100)
    word = "tăng" if before + 60 > year else "giảm"
    assert second.changes[0] == f"Số vụ {word} {ypct} % so với cùng kỳ năm trước ({year} vụ → {before + 60} vụ)."
    english = "\n".join(describe_changes(second.previous.summary, second.summary, lang="en"))
    assert f"Incidents up {pct} % on the last briefing" in english and status_village["name"] in english


def test_recognised_village_inside_intensifying_hotspot_is_named():
    prev = {"period": ["2026-08-01", "2026-10-31"], "figures": {"incidents": 10, "persons": 10, "seized": {}},
            "hotspots": [], "villages": {"V-1": {"name": "Thôn A", "commune": "Lìa", "status": "recognised",
                                                 "alert": False, "reason": "", "cell_category": None}}}
    cur = {**prev, "villages": {"V-1": {**prev["villages"]["V-1"], "cell_category": "intensifying_hot"}}}
    lines = describe_changes(prev, cur, lang="vi")
    assert any("điểm nóng đang gia tăng: Thôn A (xã Lìa)" in s for s in lines)
    assert describe_changes(prev, prev, lang="vi") == [
        "Số vụ không đổi so với buổi giao ban trước (10 vụ).",
        "Số đối tượng không đổi so với buổi giao ban trước (10 đối tượng)."]
    # a different period: its totals are not set against the last briefing's, only the period is named
    other = {**prev, "period": ["2026-09-01", "2026-11-30"], "figures": {"incidents": 30, "persons": 30, "seized": {}}}
    lines = describe_changes(prev, other, lang="vi")
    assert lines[0] == "Kỳ trước: 01/08/2026 – 31/10/2026; kỳ này: 01/09/2026 – 30/11/2026." and \
        not any("Số vụ" in s for s in lines)
