"""Time zones (issue 11 §1): no zone = Vietnam local (UTC+07:00), a zone is converted, each row by its own rule."""
from __future__ import annotations

import datetime as dt

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import shapely

from data.importers import import_file

VN = dt.timezone(dt.timedelta(hours=7))

# (text as written in the file, the instant it means). Written out, not parsed by the code under test.
ROWS = [
    ("2024-04-03T01:30:00Z", dt.datetime(2024, 4, 3, 1, 30, tzinfo=dt.timezone.utc)),
    ("2024-04-03T08:30:00", dt.datetime(2024, 4, 3, 8, 30, tzinfo=VN)),               # no zone: local
    ("2024-04-03T08:30:00+07:00", dt.datetime(2024, 4, 3, 8, 30, tzinfo=VN)),
    ("2024-04-03T20:15:00-05:00", dt.datetime(2024, 4, 4, 1, 15, tzinfo=dt.timezone.utc)),  # next day in VN
    ("2024-04-05", dt.datetime(2024, 4, 5, 0, 0, tzinfo=VN)),                          # a date stays the date
]


def stored_instants(con, prefix):
    """Stored occurred_at read as Vietnam local time, as instants."""
    rows = con.execute("SELECT id, occurred_at FROM incidents WHERE id LIKE ? ORDER BY id", [prefix + "%"]).fetchall()
    return [(i, ts.replace(tzinfo=VN)) for i, ts in rows]


def as_python(text: str) -> dt.datetime:
    """The value a GIS user's script hands to GDAL: aware when the text has a zone, naive when not."""
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def mixed_gdf(village_points, prefix="TZ"):
    """Real datetimes (GDAL writes a DateTime field), zoned and unzoned in one column."""
    return gpd.GeoDataFrame(
        {"id": [f"{prefix}-{k}" for k in range(len(ROWS))],
         "occurred_at": pd.Series([as_python(text) for text, _ in ROWS], dtype=object),
         "article": "250", "drug": "heroin"},
        geometry=shapely.points([(lon, lat) for lat, lon in village_points[:len(ROWS)]]), crs="EPSG:4326")


@pytest.mark.parametrize("name, driver", [("tz.geojson", "GeoJSON"), ("tz.gpkg", "GPKG")])
def test_mixed_zone_file_from_gdal_keeps_each_instant(demo_con, files, village_points, name, driver):
    path = files.dir / name
    pyogrio.write_dataframe(mixed_gdf(village_points), path, driver=driver)
    # GDAL itself sees a DateTime column: it is what used to put every row in UTC
    assert pyogrio.read_info(path)["dtypes"][1].startswith("datetime64")
    assert import_file(demo_con, "incidents", path).rows_new == len(ROWS)
    got = stored_instants(demo_con, "TZ")
    assert [ts for _, ts in got] == [instant for _, instant in ROWS]       # equal instants (aware comparison)
    local = demo_con.execute("SELECT strftime(occurred_at, '%Y-%m-%d %H:%M') FROM incidents "
                             "WHERE id LIKE 'TZ-%' ORDER BY id").fetchall()
    assert [r[0] for r in local] == ["2024-04-03 08:30", "2024-04-03 08:30", "2024-04-03 08:30",
                                     "2024-04-04 08:15", "2024-04-05 00:00"]


def test_mixed_zone_csv_and_xlsx(demo_con, files, village_points):
    header = ["id", "occurred_at", "lat", "lon", "article", "drug"]
    rows = [[f"TZC-{k}", text, *village_points[k], "250", "heroin"] for k, (text, _) in enumerate(ROWS)]
    import_file(demo_con, "incidents", files.csv("tz.csv", header, rows))
    assert [ts for _, ts in stored_instants(demo_con, "TZC")] == [instant for _, instant in ROWS]
    rows = [[f"TZX-{k}", text, *village_points[k], "250", "heroin"] for k, (text, _) in enumerate(ROWS)]
    rows[1][1] = dt.datetime(2024, 4, 3, 8, 30)          # an Excel date cell: no zone, local time
    import_file(demo_con, "incidents", files.xlsx("tz.xlsx", header, rows))
    assert [ts for _, ts in stored_instants(demo_con, "TZX")] == [instant for _, instant in ROWS]


def test_village_status_dates_stay_dates(demo_con, files):
    header = ["village_id", "status", "decided_on", "review_due"]
    rows = [["V-001", "recognised", "2025-03-15", "15/03/2026"]]
    import_file(demo_con, "village_status", files.csv("vs.csv", header, rows))
    got = demo_con.execute("SELECT decided_on, review_due FROM village_status WHERE village_id = 'V-001' "
                           "AND decided_on = DATE '2025-03-15'").fetchall()
    assert got == [(dt.date(2025, 3, 15), dt.date(2026, 3, 15))]


def test_store_keeps_local_wall_clock_time(demo_con):
    """The representation the importer keeps consistent: TIMESTAMP without zone = Vietnam local time."""
    kind = demo_con.execute("SELECT data_type FROM information_schema.columns "
                            "WHERE table_name = 'incidents' AND column_name = 'occurred_at'").fetchone()[0]
    assert kind == "TIMESTAMP"
    assert pd.Timestamp("2024-04-03 08:30").tz_localize("Asia/Ho_Chi_Minh").utcoffset() == dt.timedelta(hours=7)
