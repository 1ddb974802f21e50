"""A large import is validated and written in pieces inside its one transaction (issue #15): the pieces give
exactly what the whole file at once gives — problems (file, row, column, reason), counts, rows stored."""
from __future__ import annotations

import importlib
import shutil
from pathlib import Path

import pandas as pd
import pytest

from core.errors import ValidationError
from data.importers import import_file, read_source
from data.store import connect

HEADER = ["id", "occurred_at", "lat", "lon", "article", "drug", "quantity_g", "tablets", "persons", "station_id",
          "description"]


def _rows(village_points: list[tuple[float, float]], *, ragged: bool = True) -> list[list]:
    """20 incidents; problems spread over the pieces: a repeated id (rows 3 and 17 of the file), an impossible
    date, an unknown drug, a row with a value too many (``ragged``: the file is then read cell by cell, else
    columnar), a stored incident changed (IMP-3) and one unchanged."""
    out = []
    for k in range(20):
        lat, lon = village_points[k % len(village_points)]
        out.append([f"IMP-{k + 1}", f"2024-04-{k % 28 + 1:02d} 08:30:00", lat, lon, "250", "ma túy đá",
                    f"{k + 1}.5", "", k % 3 + 1, "DBP-LAOBAO", f"Vụ việc thử {k + 1}"])
    out[15][0] = "IMP-2"                                   # the id of file row 3 again, in a later piece
    out[7][1] = "31/02/2024"
    out[11][5] = "bột"
    if ragged:
        out[13] = out[13] + ["thừa"]                         # one value too many (found while reading)
    out[2][10] = "Vụ việc thử 3, sửa lại"                    # differs from the stored IMP-3
    return out


def _import(template: Path, folder: Path, rows: list[list], chunk: int, monkeypatch, **how):
    """Import into a fresh copy of the demo store holding IMP-1..IMP-5; the outcome and the rows stored."""
    folder = folder / f"pieces_of_{chunk}"
    folder.mkdir()
    db = folder / "store.duckdb"
    shutil.copy(template, db)
    path = folder / "inc.csv"
    lines = [",".join(HEADER)] + [",".join(f'"{v}"' if "," in str(v) else str(v) for v in r) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    con = connect(db)
    try:
        first = folder / "first.csv"
        first.write_text("\n".join([lines[0]] + [",".join(str(v) for v in r) for r in _rows_first(rows)]) + "\n",
                         encoding="utf-8")
        import_file(con, "incidents", first, who="lan", lang="en")
        monkeypatch.setattr(importlib.import_module("data.importers.commit"), "CHUNK_ROWS", chunk)
        try:
            result = import_file(con, "incidents", path, who="lan", lang="en", **how)
            outcome = ("ok", result.rows_in, result.rows_new, result.rows_replaced, result.rows_rejected,
                       result.rows_unchanged, [(p.file, p.row, p.column, p.reason) for p in result.problems],
                       result.rejects_csv.read_text(encoding="utf-8-sig") if result.rejects_csv else None)
        except ValidationError as exc:
            outcome = ("refused", [(p.file, p.row, p.column, p.reason) for p in exc.problems], str(exc))
        stored = con.execute("SELECT * EXCLUDE (import_id) FROM incidents WHERE id LIKE 'IMP-%' ORDER BY id").fetchall()
        rejects = con.execute('SELECT file, "row", "column", reason, raw FROM import_rejects ORDER BY "row", reason'
                              ).fetchall()
        return outcome, stored, rejects
    finally:
        con.close()


def _rows_first(rows: list[list]) -> list[list]:
    """IMP-1..IMP-5 as first stored: the rows of the file before its changes."""
    first = [list(r) for r in rows[:5]]
    first[2][10] = "Vụ việc thử 3"
    return first


@pytest.mark.parametrize("ragged", [True, False], ids=["per_cell_read", "columnar_read"])
@pytest.mark.parametrize("how", [{}, {"skip_invalid": True}, {"skip_invalid": True, "replace": True}],
                         ids=["all_or_nothing", "skip_invalid", "replace"])
def test_pieces_give_what_the_whole_file_gives(demo_db_template, tmp_path, village_points, monkeypatch, how, ragged):
    rows = _rows(village_points, ragged=ragged)
    whole = _import(demo_db_template, tmp_path, rows, 1000, monkeypatch, **how)
    read = read_source(tmp_path / "pieces_of_1000" / "inc.csv", layer="incidents")
    assert isinstance(read.frame["id"].dtype, pd.ArrowDtype) is not ragged      # which read the file took
    for chunk in (3, 7):
        assert _import(demo_db_template, tmp_path, rows, chunk, monkeypatch, **how) == whole
    outcome = whole[0]
    problems = outcome[1] if outcome[0] == "refused" else outcome[6]
    assert (None, None) not in {(p[1], p[2]) for p in problems}
    assert ("inc.csv", 17, "id") in {p[:3] for p in problems}          # the repeated id, across pieces
    if not how:
        assert outcome[0] == "refused" and [p[1] for p in problems] == [4, 9, 13, *([15] if ragged else []), 17]
    else:
        assert outcome[0] == "ok" and outcome[4] == (4 if how.get("replace") else 5) - (not ragged)


def test_pieces_in_both_store_modes(any_demo, tmp_path, village_points, monkeypatch):
    """Server mode too: the ids stored before the import are read once, pieces written in one transaction."""
    rows = _rows(village_points)
    path, first = tmp_path / "inc.csv", tmp_path / "first.csv"
    path.write_text("\n".join([",".join(HEADER)] + [",".join(f'"{v}"' if "," in str(v) else str(v) for v in r)
                                                     for r in rows]) + "\n", encoding="utf-8")
    first.write_text("\n".join([",".join(HEADER)] + [",".join(str(v) for v in r) for r in _rows_first(rows)]) + "\n",
                     encoding="utf-8")
    con = connect(any_demo)
    try:
        import_file(con, "incidents", first, who="lan", lang="en")
        monkeypatch.setattr(importlib.import_module("data.importers.commit"), "CHUNK_ROWS", 6)
        before = con.execute("SELECT count(*) FROM incidents").fetchone()[0]
        with pytest.raises(ValidationError) as err:
            import_file(con, "incidents", path, who="lan", lang="en")
        assert [p.row for p in err.value.problems] == [4, 9, 13, 15, 17]
        assert con.execute("SELECT count(*) FROM incidents").fetchone()[0] == before
        result = import_file(con, "incidents", path, who="lan", lang="en", skip_invalid=True)
        assert (result.rows_in, result.rows_new, result.rows_rejected, result.rows_unchanged) == (20, 11, 5, 4)
        assert con.execute("SELECT count(*) FROM incidents").fetchone()[0] == before + 11
        ids = {r[0] for r in con.execute("SELECT id FROM incidents WHERE import_id = ?", [result.import_id]).fetchall()}
        assert ids == {f"IMP-{k}" for k in range(6, 21)} - {"IMP-8", "IMP-12", "IMP-14", "IMP-16"}
    finally:
        con.close()
