"""The one filter: SQL, validation with the list of valid values, URL round trip, periods."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import InputError
from data.filters import Filter, parse_date
from data.queries import count_incidents, load_incidents
from data.store import connect


def test_vietnamese_date_order():
    assert parse_date("03/04/2024") == dt.date(2024, 4, 3)
    assert parse_date("2024-04-03") == dt.date(2024, 4, 3)
    with pytest.raises(InputError):
        parse_date("31/02/2024")


def test_filters_restrict_rows(demo_ro_con):
    total = count_incidents(demo_ro_con)
    year = Filter(date_from=dt.date(2026, 1, 1), date_to=dt.date(2026, 12, 31))
    two = Filter(date_from=year.date_from, date_to=year.date_to, drugs=("heroin", "methamphetamine"))
    df = load_incidents(demo_ro_con, two)
    assert 0 < len(df) < count_incidents(demo_ro_con, year) < total
    assert set(df["drug"]) <= {"heroin", "methamphetamine"}
    assert df["occurred_at"].min() >= dt.datetime(2026, 1, 1)


def test_date_to_is_inclusive(demo_ro_con):
    day = load_incidents(demo_ro_con)["occurred_at"].iloc[-1].date()
    assert count_incidents(demo_ro_con, Filter(date_from=day, date_to=day)) >= 1


def test_commune_new_name_covers_merged_old_communes(demo_ro_con):
    new = Filter(communes=("Lìa",)).validated(demo_ro_con)      # Lìa ← Thanh + Thuận + Lìa
    old = [Filter(communes=(c,)).validated(demo_ro_con) for c in ("Thanh", "Thuận")]
    assert count_incidents(demo_ro_con, new) == sum(count_incidents(demo_ro_con, f) for f in old) > 0


def test_validation_normalises_aliases_and_refuses_unknown_with_valid_list(demo_ro_con):
    f = Filter(drugs=("MA TUY DA",), articles=("Điều 250",), communes=("lao bao",),
               stations=("Đồn Biên phòng Thuận",)).validated(demo_ro_con)
    assert f.drugs == ("methamphetamine",) and f.articles == ("250",)
    assert f.communes == ("Lao Bảo",) and f.stations == ("DBP-THUAN",)
    with pytest.raises(InputError) as err:
        Filter(drugs=("cocaine",)).validated(demo_ro_con, "en")
    assert "heroin" in str(err.value) and "cocaine" in str(err.value)


def test_station_filter_takes_a_name_or_a_unique_part_as_the_importers_do(demo_ro_con):
    names = dict(demo_ro_con.execute("SELECT id, name FROM stations").fetchall())
    assert Filter(stations=("lao bao",)).validated(demo_ro_con).stations == ("DBP-LAOBAO",)
    assert Filter(stations=(names["DBP-THUAN"].upper(),)).validated(demo_ro_con).stations == ("DBP-THUAN",)
    with pytest.raises(InputError) as err:             # a part that fits several stations names none
        Filter(stations=("Đồn Biên phòng",)).validated(demo_ro_con, "en")
    assert "DBP-LAOBAO" in str(err.value)


def test_previous_period_same_length():
    f = Filter(date_from=dt.date(2026, 10, 1), date_to=dt.date(2026, 10, 31))
    p = f.previous_period()
    assert p.date_to == dt.date(2026, 9, 30) and p.days() == f.days() == 31


@given(st.builds(Filter, date_from=st.none() | st.dates(), date_to=st.none() | st.dates(),
                 drugs=st.lists(st.sampled_from(["heroin", "opium", "other"]), max_size=3).map(tuple),
                 communes=st.lists(st.text(min_size=1).filter(lambda s: "," not in s), max_size=2).map(tuple)))
def test_query_string_round_trip(flt):
    assert Filter.from_query(flt.to_query()) == flt


def test_where_uses_parameters_only():
    sql, params = Filter(communes=("x'; DROP TABLE incidents; --",)).where()
    assert "DROP" not in sql and "x'; DROP TABLE incidents; --" in params


def test_area_filter_sql_url_and_validation():
    import pytest as _pytest
    import shapely

    from core.errors import InputError
    from geo.areas import area_wkt, circle_polygon

    con = connect(":memory:")                  # the store's schema, spatial loaded from the pinned wheel
    con.execute("CREATE TABLE pts AS SELECT * FROM (VALUES ('a', 106.60, 16.61), ('b', 106.70, 16.61), "
                "('c', 106.601, 16.62)) t(id, lon, lat)")
    area = area_wkt(circle_polygon(16.614, 106.601, 2000))              # 2 km: a and c, not b (≈ 10 km east)
    flt = Filter(area=area).validated(con)
    where, params = flt.where("p")
    assert sorted(r[0] for r in con.execute(f"SELECT id FROM pts p WHERE {where}", params).fetchall()) == ["a", "c"]
    # the URL carries it (commas and all) and gives the same filter back
    assert Filter.from_query(flt.to_query()) == flt
    assert shapely.from_wkt(flt.area).geom_type == "Polygon"
    with _pytest.raises(InputError, match="polygon"):
        Filter(area="LINESTRING (106 16, 107 17)").validated(con, "en")
    with _pytest.raises(InputError, match="WKT"):
        Filter(area="POLYGON ((1 2, 3").validated(con, "en")
