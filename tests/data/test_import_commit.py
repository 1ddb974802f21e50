"""Writing: one transaction, all or nothing, --skip-invalid with rejects, idempotency, --replace, import_log."""
from __future__ import annotations

import csv
import json

import pandas as pd
import pytest

from core.errors import StoreError, ValidationError
from data.importers import commit, import_file, read_source, rejects_path_for

HEADER = ["id", "occurred_at", "lat", "lon", "article", "drug", "quantity_g", "tablets", "persons", "station_id",
          "description"]


def with_bad_rows(rows):
    bad_date = rows[1][:1] + ["31/02/2024"] + rows[1][2:]
    bad_drug = rows[3][:5] + ["bột"] + rows[3][6:]
    return [rows[0], bad_date, rows[2], bad_drug, rows[4]]


def incident_ids(con, prefix="IMP-"):
    rows = con.execute("SELECT id FROM incidents WHERE id LIKE ? ORDER BY id", [prefix + "%"]).fetchall()
    return [r[0] for r in rows]


def test_all_or_nothing_refuses_and_changes_nothing(demo_con, files, incident_rows, snapshot):
    path = files.csv("inc.csv", HEADER, with_bad_rows(incident_rows))
    before = snapshot(demo_con)
    with pytest.raises(ValidationError) as err:
        import_file(demo_con, "incidents", path, who="lan", lang="en")
    assert err.value.exit_code == 2
    assert [(p.row, p.column) for p in err.value.problems] == [(3, "occurred_at"), (5, "drug")]   # file rows
    text = str(err.value)
    assert text.startswith("2 problem(s):") and "inc.csv, row 3, column occurred_at: impossible date" in text
    assert snapshot(demo_con) == before
    assert not rejects_path_for(path).exists()
    with pytest.raises(ValidationError) as err:
        import_file(demo_con, "incidents", path, lang="vi")
    assert str(err.value).startswith("2 vấn đề:") and "inc.csv, dòng 3, cột occurred_at" in str(err.value)


def test_skip_invalid_keeps_rejects_in_table_and_csv(demo_con, files, incident_rows):
    path = files.csv("inc.csv", HEADER, with_bad_rows(incident_rows))
    result = import_file(demo_con, "incidents", path, skip_invalid=True, who="lan", lang="en")
    assert (result.rows_in, result.rows_new, result.rows_rejected, result.rows_unchanged) == (5, 3, 2, 0)
    assert result.mode == "skip_invalid"
    assert incident_ids(demo_con) == ["IMP-1", "IMP-3", "IMP-5"]
    stored_import = {r[0] for r in demo_con.execute("SELECT import_id FROM incidents WHERE id LIKE 'IMP-%'").fetchall()}
    assert stored_import == {result.import_id}
    rej = demo_con.execute('SELECT import_id, file, "row", "column", reason, raw FROM import_rejects '
                           'ORDER BY "row"').fetchall()
    assert [(r[0], r[1], r[2], r[3]) for r in rej] == [(result.import_id, "inc.csv", 3, "occurred_at"),
                                                        (result.import_id, "inc.csv", 5, "drug")]
    assert rej[0][4] == "impossible date: 31/02/2024"
    assert json.loads(rej[1][5])["drug"] == "bột" and json.loads(rej[1][5])["id"] == "IMP-4"
    assert result.rejects_csv == path.with_name("inc.csv.rejected.csv")
    with open(result.rejects_csv, encoding="utf-8-sig", newline="") as fh:
        lines = list(csv.reader(fh))
    assert lines[0] == ["row", "problems"] + HEADER
    assert [ln[0] for ln in lines[1:]] == ["3", "5"]
    assert lines[1][1] == "occurred_at: impossible date: 31/02/2024" and lines[1][2] == "IMP-2"
    assert lines[2][1].startswith("drug: unknown value: bột") and lines[2][7] == "bột"


def test_rejects_csv_can_be_fixed_and_imported(demo_con, files, incident_rows):
    path = files.csv("inc.csv", HEADER, with_bad_rows(incident_rows))
    result = import_file(demo_con, "incidents", path, skip_invalid=True)
    with open(result.rejects_csv, encoding="utf-8-sig", newline="") as fh:
        lines = list(csv.reader(fh))
    fixed = [ln[2:] for ln in lines[1:]]
    fixed[0][1], fixed[1][5] = "28/02/2024", "heroin"
    again = import_file(demo_con, "incidents", files.csv("fixed.csv", HEADER, fixed))
    assert again.rows_new == 2
    assert incident_ids(demo_con) == ["IMP-1", "IMP-2", "IMP-3", "IMP-4", "IMP-5"]


def test_importing_identical_rows_again_changes_nothing(demo_con, files, incident_rows, snapshot):
    path = files.csv("inc.csv", HEADER, incident_rows)
    first = import_file(demo_con, "incidents", path, who="lan")
    assert first.rows_new == 5
    layers_before = {k: v for k, v in snapshot(demo_con).items() if k != "import_log"}
    second = import_file(demo_con, "incidents", path, who="lan")
    assert (second.rows_new, second.rows_replaced, second.rows_unchanged, second.rows_rejected) == (0, 0, 5, 0)
    assert {k: v for k, v in snapshot(demo_con).items() if k != "import_log"} == layers_before
    log = demo_con.execute("SELECT id, rows_in, rows_unchanged FROM import_log ORDER BY id").fetchall()
    assert log == [(first.import_id, 5, 0), (second.import_id, 5, 5)]   # the attempt is logged, rows untouched


def test_same_rows_from_another_format_are_unchanged(demo_con, files, incident_rows, make_gdf):
    import_file(demo_con, "incidents", files.csv("inc.csv", HEADER, incident_rows))
    again = import_file(demo_con, "incidents", files.gis("inc.gpkg", make_gdf(incident_rows)))
    assert again.rows_unchanged == 5 and again.rows_written == 0


def test_replace_overwrites_changed_rows_and_recomputes_derived_columns(demo_con, files, incident_rows,
                                                                         village_points, snapshot):
    import_file(demo_con, "incidents", files.csv("inc.csv", HEADER, incident_rows))
    before = demo_con.execute("SELECT village_id, h3_9 FROM incidents WHERE id = 'IMP-1'").fetchone()
    rows = [list(r) for r in incident_rows]
    rows[0][2], rows[0][3] = village_points[20]           # moved next to another village
    rows[0][5] = "heroin"
    path = files.csv("inc2.csv", HEADER, rows)
    state = snapshot(demo_con)
    with pytest.raises(ValidationError) as err:
        import_file(demo_con, "incidents", path, lang="en")
    [p] = err.value.problems
    assert "(drug, geometry)" in p.reason and "--replace" in p.reason
    assert snapshot(demo_con) == state
    result = import_file(demo_con, "incidents", path, replace=True, who="lan")
    assert (result.rows_replaced, result.rows_unchanged, result.rows_new) == (1, 4, 0)
    assert result.mode == "all_or_nothing+replace"
    after = demo_con.execute("SELECT drug, lat, lon, village_id, h3_9, import_id FROM incidents "
                             "WHERE id = 'IMP-1'").fetchall()
    assert len(after) == 1
    drug, lat, lon, village, h3, import_id = after[0]
    assert (drug, lat, lon, import_id) == ("heroin", *village_points[20], result.import_id)
    assert (village, h3) != before


def test_replace_village_status_by_its_composite_key(demo_con, files):
    header = ["village_id", "status", "decided_on", "decision_ref", "note"]
    path = files.csv("vs.csv", header, [["V-001", "recognised", "2030-01-01", "1/QĐ", "lần 1"]])
    import_file(demo_con, "village_status", path)
    path = files.csv("vs2.csv", header, [["V-001", "recognised", "01/01/2030", "2/QĐ", "lần 2"]])
    with pytest.raises(ValidationError):
        import_file(demo_con, "village_status", path)
    import_file(demo_con, "village_status", path, replace=True)
    rows = demo_con.execute("SELECT decision_ref, note FROM village_status WHERE village_id = 'V-001' "
                            "AND decided_on = DATE '2030-01-01'").fetchall()
    assert rows == [("2/QĐ", "lần 2")]


def test_import_log_row(demo_con, files, incident_rows):
    path = files.csv("inc.csv", HEADER, with_bad_rows(incident_rows))
    result = import_file(demo_con, "incidents", path, skip_invalid=True, who="nguyen.van.a")
    row = demo_con.execute("SELECT id, who, at_time, file, layer, mode, rows_in, rows_rejected, rows_unchanged "
                           "FROM import_log WHERE id = ?", [result.import_id]).fetchone()
    assert row[0] == result.import_id and row[1] == "nguyen.van.a"
    assert abs(pd.Timestamp(row[2]) - pd.Timestamp.now()) < pd.Timedelta(minutes=5)
    assert row[3:] == ("inc.csv", "incidents", "skip_invalid", 5, 2, 0)


def test_failure_while_writing_rolls_everything_back(demo_con, files, incident_rows, snapshot):
    path = files.csv("inc.csv", HEADER, with_bad_rows(incident_rows))
    before = snapshot(demo_con)
    src = read_source(path, layer="incidents")
    with pytest.raises(StoreError):
        # the rows are inserted, then writing the rejects file fails: the whole transaction goes
        commit(demo_con, src, skip_invalid=True, rejects_csv=files.dir / "no" / "such" / "dir.csv")
    assert snapshot(demo_con) == before
    assert demo_con.execute("SELECT count(*) FROM incidents WHERE id LIKE 'IMP-%'").fetchone()[0] == 0


def test_dashboard_flow_and_progress(demo_con, files, incident_rows):
    src = read_source(files.csv("inc.csv", HEADER, incident_rows), layer="incidents", name="bao_cao_thang_4.csv")
    seen = []
    result = commit(demo_con, src, who="lan", progress=lambda f, msg: seen.append((f, msg)), lang="en")
    assert result.file == "bao_cao_thang_4.csv" and result.rows_new == 5
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0 and len(seen) >= 3
    assert seen[0][1] == "Checking bao_cao_thang_4.csv"


def test_problems_name_the_uploaded_file(demo_con, files, incident_rows):
    path = files.csv("tmp123.csv", HEADER, with_bad_rows(incident_rows))
    src = read_source(path, layer="incidents", name="so_lieu.csv")
    with pytest.raises(ValidationError) as err:
        commit(demo_con, src)
    assert {p.file for p in err.value.problems} == {"so_lieu.csv"}
