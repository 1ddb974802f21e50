"""Snapshots: data version, save/load round trip, "the last briefing"."""
from __future__ import annotations

import datetime as dt

from data.filters import Filter
from report.snapshots import (
    data_version,
    latest_snapshot,
    list_snapshots,
    load_snapshot,
    previous_snapshot,
    save_snapshot,
)


def test_data_version_changes_with_any_row(demo_con):
    v1 = data_version(demo_con)
    assert v1 == data_version(demo_con) and v1.counts["incidents"] == 3000
    demo_con.execute("UPDATE incidents SET persons = persons + 1 WHERE id = (SELECT min(id) FROM incidents)")
    v2 = data_version(demo_con)
    assert v2.hash != v1.hash and v2.counts == v1.counts
    demo_con.execute("UPDATE village_status SET note = 'x' WHERE rowid = 0")
    assert data_version(demo_con).hash != v2.hash


def test_save_load_round_trip_and_dedupe(demo_con, period):
    flt = Filter(date_from=period.date_from, date_to=period.date_to, drugs=("heroin",))
    sid = save_snapshot(demo_con, flt, {"a": 1}, title="T", saved_by="lan")
    snap = load_snapshot(demo_con, sid)
    assert snap.filter == flt and snap.summary == {"a": 1} and snap.saved_by == "lan"
    assert snap.version == data_version(demo_con)
    assert save_snapshot(demo_con, flt, {"a": 2}) == sid          # same filter, same data: no duplicate
    assert len(list_snapshots(demo_con)) == 1
    other = save_snapshot(demo_con, Filter(date_from=dt.date(2026, 11, 1), date_to=dt.date(2026, 11, 28)), {})
    assert other != sid and latest_snapshot(demo_con).id == other
    # "the last briefing" for the second one is the first
    assert previous_snapshot(demo_con, load_snapshot(demo_con, other).filter, data_version(demo_con)).id == sid


def test_read_only_store_without_table_has_no_snapshots(empty_con):
    empty_con.execute("DROP TABLE briefing_snapshots")
    assert latest_snapshot(empty_con) is None and list_snapshots(empty_con).empty
