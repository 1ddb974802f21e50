"""Tables the tabs show (ui/frames.py, ui/places.py) and the URL of a view (ui/state.url_query)."""
from __future__ import annotations

import datetime as dt

import h3
import numpy as np
import pandas as pd

from data.filters import Filter
from ui.frames import HOTSPOT_TABLE, VILLAGE_TABLE, alert_text, focus_of, hotspot_table, village_table
from ui.places import haversine_km, nearest
from ui.state import url_query

LAO_BAO = (16.6141, 106.6007)
KHE_SANH = (16.6283, 106.7388)


def _cell(lat, lon, res=7):
    return h3.latlng_to_cell(lat, lon, res)


def test_haversine_against_a_known_distance():
    # Lao Bảo – Khe Sanh ≈ 14.8 km on the great circle
    d = haversine_km([LAO_BAO[0]], [LAO_BAO[1]], [KHE_SANH[0]], [KHE_SANH[1]])[0, 0]
    assert 14.5 < d < 15.1


def test_nearest_keeps_the_index_and_handles_no_places():
    pts = pd.DataFrame({"lat": [16.62], "lon": [106.74]}, index=[7])
    places = pd.DataFrame({"name": ["Lao Bảo", "Khe Sanh"], "lat": [LAO_BAO[0], KHE_SANH[0]],
                           "lon": [LAO_BAO[1], KHE_SANH[1]]})
    out = nearest(pts, places)
    assert list(out.index) == [7] and out.loc[7, "name"] == "Khe Sanh" and out.loc[7, "km"] < 2
    empty = nearest(pts, places.iloc[0:0])
    assert empty.loc[7, "name"] is None and np.isnan(empty.loc[7, "km"])


def test_hotspot_table_names_cells_and_sorts_hottest_first():
    hot, cold, dull = _cell(*LAO_BAO), _cell(*KHE_SANH), _cell(16.3, 106.9)
    hs = pd.DataFrame({"h3": [cold, hot, dull], "count": [0, 40, 0], "z": [-2.1, 3.5, 0.1], "p": [0.03, 0.0004, 0.9],
                       "bin": [-2, 3, 0]})
    em = pd.DataFrame({"h3": [hot], "category": ["intensifying_hot"]})
    villages = pd.DataFrame({"name": ["Khóm Duy Tân", "Thôn Khe Sanh"], "commune": ["Lao Bảo", "Khe Sanh"],
                             "lat": [LAO_BAO[0], KHE_SANH[0]], "lon": [LAO_BAO[1], KHE_SANH[1]]})
    crossings = pd.DataFrame({"name": ["Cửa khẩu quốc tế Lao Bảo"], "lat": [16.614], "lon": [106.601]})
    out = hotspot_table(hs, em, villages, crossings, "vi")
    assert list(out.columns) == HOTSPOT_TABLE
    assert list(out["h3"]) == [hot, cold]                       # the not-significant empty cell is dropped
    assert out.loc[0, "place"] == "Khóm Duy Tân (xã Lao Bảo)"
    assert out.loc[0, "crossing"] == "Cửa khẩu quốc tế Lao Bảo" and out.loc[0, "crossing_km"] < 3
    assert out.loc[0, "bin_label"] == "Nóng 99%" and out.loc[1, "bin_label"] == "Lạnh 95%"
    assert out.loc[0, "category_label"] == "Điểm nóng đang gia tăng"
    assert out.loc[1, "category_label"] == "Không có xu hướng"
    lat, lon, zoom = focus_of(out.iloc[0])
    assert h3.latlng_to_cell(lat, lon, 7) == hot and zoom == 12


def test_hotspot_table_of_nothing_has_the_columns():
    assert list(hotspot_table(pd.DataFrame(columns=["h3", "count", "z", "p", "bin"]), None, pd.DataFrame(),
                              pd.DataFrame(), "en").columns) == HOTSPOT_TABLE


def test_village_table_joins_exposure_and_puts_alerts_first():
    villages = pd.DataFrame({"id": ["V1", "V2"], "name": ["Thôn A", "Thôn B"], "commune": ["Thanh", "Xy"],
                             "commune_new": ["Lìa", "A Dơi"], "status": ["recognised", "revoked"],
                             "decided_on": [dt.date(2024, 5, 1), dt.date(2023, 1, 2)],
                             "decision_ref": ["12/QĐ-UBND", "3/QĐ-UBND"], "review_due": [None, None],
                             "lat": [16.6, 16.5], "lon": [106.6, 106.7]})
    exposure = pd.DataFrame({"village_id": ["V1", "V2"], "incidents_within": [3, 9], "incidents_recent": [0, 6],
                             "alert": [True, False], "alert_reason": ["hotspot:new_hot", ""]})
    out = village_table(villages, exposure, "en")
    assert list(out.columns) == VILLAGE_TABLE
    assert list(out["village_id"]) == ["V1", "V2"]
    assert list(out["status_label"]) == ["Recognised drug-free", "Recognition revoked"]
    assert village_table(villages, None, "vi")["incidents_within"].tolist() == [0, 0]


def test_alert_reasons_read_as_text():
    assert alert_text("hotspot:new_hot;count:7>=5", "vi") == "nằm trong ô Điểm nóng mới; 7 vụ gần đây (ngưỡng 5)"
    assert alert_text("", "en") == ""


def test_url_of_a_view_round_trips_through_the_filter():
    flt = Filter(date_from=dt.date(2025, 1, 1), date_to=dt.date(2025, 3, 31), drugs=("heroin",), communes=("Lao Bảo",))
    q = url_query(flt, preset="custom", lang="en", tab="villages")
    assert q == {"date_from": "2025-01-01", "date_to": "2025-03-31", "drugs": "heroin", "communes": "Lao Bảo",
                 "lang": "en", "tab": "villages"}
    assert Filter.from_query(q) == flt
    assert url_query(Filter(), preset="all", lang="vi", tab="map") == {"period": "all"}
