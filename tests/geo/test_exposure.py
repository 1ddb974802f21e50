import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from pyproj import Geod
from shapely.geometry import Point

from geo.exposure import EXPOSURE_COLUMNS, AlertRule, village_exposure
from geo.h3grid import cells_to_str, points_to_cells

GEOD = Geod(ellps="WGS84")
V1, V2 = (106.601, 16.614), (106.75, 16.70)


@pytest.fixture
def villages():
    return gpd.GeoDataFrame({"id": ["V1", "V2", "V3"], "name": ["Ka Tăng", "A Rông", "Tà Rùng"],
                             "status": ["recognised", "recognised", "none"]},
                            geometry=[Point(V1), Point(V2), Point(V1)], crs="EPSG:4326", index=[10, 20, 30])


def around(centre, distances_m, when, make_incidents):
    az = np.linspace(0, 360, len(distances_m), endpoint=False)
    lon, lat, _ = GEOD.fwd(np.full(len(az), centre[0]), np.full(len(az), centre[1]), az, distances_m)
    return make_incidents(lat, lon, when=when)


@pytest.fixture
def incidents(make_incidents):
    recent = around(V1, [300, 500, 800, 1000, 1500, 2000], ["2024-06-20"] * 6, make_incidents)
    older = around(V1, [2900, 2950], ["2024-01-10"] * 2, make_incidents)
    outside = around(V1, [3100], ["2024-06-25"], make_incidents)
    return pd.concat([recent, older, outside], ignore_index=True)


def test_counts_within_radius_and_count_alert(incidents, villages):
    out = village_exposure(incidents, villages, period_end="2024-06-30")
    assert out.columns.tolist() == EXPOSURE_COLUMNS and out.index.tolist() == [10, 20, 30]
    assert out["incidents_within"].tolist() == [8, 0, 8]
    assert out["incidents_recent"].tolist() == [6, 0, 6]
    assert out["alert"].tolist() == [True, False, False]  # V3 is not recognised
    assert out["alert_reason"].tolist() == ["count:6>=5", "", ""]


def test_overrides(incidents, villages):
    out = village_exposure(incidents, villages, period_end="2024-06-30",
                           rule=AlertRule(radius_km=3.2, min_count=7, months=6))
    assert out["incidents_within"].tolist()[0] == 9
    assert out["alert_reason"].iloc[0] == "count:9>=7"
    out = village_exposure(incidents, villages, period_end="2024-09-30")  # window Jul-Sep: nothing recent
    assert not out["alert"].any()
    out = village_exposure(incidents, villages, period_end="2024-06-30",
                           rule=AlertRule(alert_statuses=("recognised", "none")))
    assert out["alert"].tolist() == [True, False, True]


def test_hotspot_alert(incidents, villages):
    cell_v2 = cells_to_str(points_to_cells([V2[1]], [V2[0]], res=7))[0]
    cell_v1 = cells_to_str(points_to_cells([V1[1]], [V1[0]], res=7))[0]
    cats = pd.DataFrame({"h3": [cell_v2, cell_v1], "category": ["intensifying_hot", "persistent_hot"]})
    out = village_exposure(incidents, villages, categories=cats, period_end="2024-06-30")
    assert out["alert_reason"].tolist() == ["count:6>=5", "hotspot:intensifying_hot", ""]
    cats["category"] = ["persistent_hot", "new_hot"]
    out = village_exposure(incidents, villages, categories=cats, period_end="2024-06-30")
    assert out["alert_reason"].tolist() == ["hotspot:new_hot;count:6>=5", "", ""]


def test_empty_and_checks(make_incidents, villages):
    out = village_exposure(make_incidents([], []), villages)
    assert out["incidents_within"].tolist() == [0, 0, 0] and not out["alert"].any()
    none = village_exposure(make_incidents([], []), villages.iloc[:0])
    assert none.columns.tolist() == EXPOSURE_COLUMNS and len(none) == 0
    with pytest.raises(ValueError, match="no CRS"):
        village_exposure(make_incidents([], []), gpd.GeoDataFrame(villages.drop(columns="geometry"),
                                                                 geometry=list(villages.geometry)))
    with pytest.raises(ValueError, match="status"):
        village_exposure(make_incidents([], []), villages.drop(columns="status"))


def test_timezone_aware_times(incidents, villages):
    tz = incidents.assign(occurred_at=incidents["occurred_at"].dt.tz_localize("Asia/Ho_Chi_Minh"))
    out = village_exposure(tz, villages, period_end="2024-06-30")
    assert out["incidents_recent"].tolist() == [6, 0, 6]


def test_rule_refuses_values_that_cannot_hold():
    for bad in (dict(radius_km=0), dict(min_count=0), dict(months=0)):
        with pytest.raises(ValueError, match="radius_km must be > 0"):
            AlertRule(**bad)
