"""Write a validated file into the store: one DuckDB transaction, all or nothing by default.

Default: any problem → :class:`~core.errors.ValidationError` with every problem, the
transaction rolled back, the store unchanged. ``skip_invalid``: valid rows go in; the
rejected rows are kept with their reasons in ``import_rejects`` and in a CSV
``<input>.rejected.csv`` beside the input. Problems with the whole file (a required
column missing) refuse the import in both modes.

Idempotent: rows identical to the stored ones are not rewritten (counted as
unchanged), so importing the same file twice changes no layer row. Each committed
import adds one ``import_log`` row (who, when, file, layer, mode, rows_in = data rows in
the file, rows_rejected, rows_unchanged), also when nothing was written, for the audit.
"""
from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import gc
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, TypedDict, Unpack

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from core.errors import Problem, StoreError, ValidationError
from core.i18n import t
from data import corridor_facts
from data.export import neutralise
from data.fsmodes import open_private
from data.importers.readers import paused_gc
from data.importers.validate import Actor, FileKeys, Report, validate_piece
from data.schema import LAYERS
from data.store import delete_rows, insert_layer, next_id, serialise

Progress = Callable[[float, str], None]
#: Rows validated and written per piece (parsed values, geometries, derived columns and corridor facts exist
#: for one piece at a time, which bounds the memory of a large import); every piece goes into the import's one
#: transaction. DuckDB's row group size: a piece fills whole row groups, which DuckDB writes out to the store
#: file during the transaction instead of holding them in memory until the commit (measured at 1M rows).
CHUNK_ROWS = 122_880


@dataclass(frozen=True)
class ImportResult:
    """What an import did. ``rows_in`` = data rows in the file = written + rejected + unchanged."""

    import_id: int
    layer: str
    file: str
    mode: str
    rows_in: int
    rows_new: int
    rows_replaced: int
    rows_rejected: int
    rows_unchanged: int
    problems: list[Problem] = field(default_factory=list)
    rejects_csv: Path | None = None
    notes: list[str] = field(default_factory=list)
    outside_ids: list[str] = field(default_factory=list)   # incidents written with outside_vietnam = true

    @property
    def rows_written(self) -> int:
        return self.rows_new + self.rows_replaced


def mode_name(*, skip_invalid: bool, replace: bool) -> str:
    """``all_or_nothing`` or ``skip_invalid``, with ``+replace``."""
    return ("skip_invalid" if skip_invalid else "all_or_nothing") + ("+replace" if replace else "")


def rejects_path_for(path: Path) -> Path:
    """``incidents.csv`` → ``incidents.csv.rejected.csv`` beside it."""
    path = Path(path)
    return path.with_name(path.name + ".rejected.csv")


def problems_summary(problems: list[Problem], lang: str | None = None, *, limit: int = 200) -> str:
    """The problems as translated lines (file, row, column: reason)."""
    lines = [t("import.problems_head", lang, n=len(problems))]
    for p in problems[:limit]:
        lines.append("  - " + problem_text(p, lang))
    if len(problems) > limit:
        lines.append("  " + t("import.problems_more", lang, n=len(problems) - limit))
    return "\n".join(lines)


def problem_text(p: Problem, lang: str | None = None) -> str:
    where = [p.file]
    if p.row is not None:
        where.append(t("import.where_row", lang, row=p.row))
    if p.column:
        where.append(t("import.where_column", lang, column=p.column))
    return f"{', '.join(where)}: {p.reason}"


class CommitOptions(TypedDict, total=False):
    """How an import is written (:func:`commit`): ``skip_invalid`` (valid rows in, rejected rows kept with
    reasons) or all-or-nothing; ``replace`` the layer's rows; ``who`` and ``user`` (below); ``progress``;
    ``max_distance_km`` from the study area; ``rejects_csv``, where skipped rows are written."""

    skip_invalid: bool
    replace: bool
    who: str | None
    user: Any
    progress: Progress | None
    max_distance_km: float
    rejects_csv: Path | None


@paused_gc()
def commit(con: duckdb.DuckDBPyConnection, source, *, lang: str | None = None,
           **how: Unpack[CommitOptions]) -> ImportResult:
    """Validate ``source`` again inside one transaction and write it (``how``: :class:`CommitOptions`).

    ``user`` (a :class:`core.roles.User`): incidents flagged ``outside_vietnam`` are accepted
    only when it holds :data:`core.roles.CROSS_BORDER`; the written ones are listed in
    ``outside_ids`` for :func:`log_outside`. ``who`` defaults to its name.

    Raises :class:`~core.errors.ValidationError` (exit code 2) with every problem when
    the import is refused; the store is then unchanged.
    """
    from core import roles

    skip_invalid, replace = how.get("skip_invalid", False), how.get("replace", False)
    who, user, progress = how.get("who"), how.get("user"), how.get("progress")
    max_distance_km, rejects_csv = how.get("max_distance_km", 50), how.get("rejects_csv")
    say = progress or (lambda fraction, message: None)
    layer = source.layer
    who = who if who is not None else getattr(user, "name", None)
    allow_outside = user is not None and roles.can(user, roles.CROSS_BORDER)
    mode = mode_name(skip_invalid=skip_invalid, replace=replace)
    csv_path = Path(rejects_csv) if rejects_csv else rejects_path_for(source.path)
    wrote_csv = False
    con.execute("BEGIN TRANSACTION")
    try:
        # server mode: imports into one layer run in turn, each seeing what the previous committed,
        # so the same file imported by several processes at once writes its rows once, without error
        serialise(con, f"import:{layer}")
        done = _validate_and_write(con, source, say, lang=lang, skip_invalid=skip_invalid, replace=replace,
                                   max_distance_km=max_distance_km, actor=(allow_outside, who, user))
        report = done.report
        if layer in corridor_facts.PLACE_LAYERS:
            say(0.8, t("import.progress.write", lang, layer="incidents"))
            corridor_facts.ensure_current(con)      # new border, crossings or trails: every incident's facts again
        rejected = report.rejected_rows
        con.execute("INSERT INTO import_log VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [done.import_id, who, dt.datetime.now().replace(microsecond=0), source.file, layer, mode,
                     report.rows, len(rejected), report.unchanged])
        if report.problems:
            _store_rejects(con, done.import_id, source, report)
            _write_rejects_csv(csv_path, source, report, lang)
            wrote_csv = True
        say(0.95, t("import.progress.commit", lang))
        con.execute("COMMIT")
    except BaseException as exc:
        try:
            con.execute("ROLLBACK")
        except duckdb.Error:
            pass
        if wrote_csv:
            csv_path.unlink(missing_ok=True)
        if isinstance(exc, duckdb.Error):
            raise StoreError(t("import.store_failed", lang, detail=str(exc).splitlines()[0])) from exc
        raise
    say(1.0, t("import.progress.done", lang))
    return ImportResult(import_id=done.import_id, layer=layer, file=source.file, mode=mode, rows_in=report.rows,
                        rows_new=done.new, rows_replaced=done.replaced, rows_rejected=len(rejected),
                        rows_unchanged=report.unchanged, problems=report.problems,
                        rejects_csv=csv_path if wrote_csv else None, notes=report.notes,
                        outside_ids=done.outside_ids)


@dataclass
class _Written:
    """What :func:`_validate_and_write` did: the whole file's report (problems of every piece, in file order;
    ``valid`` left empty) and the rows written."""

    report: Report
    import_id: int
    new: int = 0
    replaced: int = 0
    outside_ids: list[str] = field(default_factory=list)


def _pieces(source) -> list[tuple[int, int]]:
    """``(start, stop)`` positions of the pieces a file is validated and written in: :data:`CHUNK_ROWS` rows
    each; the whole file at once when it is small, when a whole-file problem refuses it (a required column
    missing: listed with every row problem, as before), or when its rows are not in strictly increasing
    order (a KML placemark split into parts)."""
    n = len(source.frame)
    rows = np.asarray(source.rows)
    if (n <= CHUNK_ROWS or any(p[0] is None for p in source.pending) or len(rows) != n
            or not bool(np.all(np.diff(rows) > 0))):
        return [(0, n)]
    return [(lo, min(lo + CHUNK_ROWS, n)) for lo in range(0, n, CHUNK_ROWS)]


def _piece(source, lo: int, hi: int):
    """Rows ``lo:hi`` of ``source`` as a source of their own (the problems found while reading them with them)."""
    if (lo, hi) == (0, len(source.frame)):
        return source
    rows = np.asarray(source.rows)[lo:hi]
    first, last = int(rows[0]), int(rows[-1])
    return dataclasses.replace(
        source, frame=source.frame.iloc[lo:hi].reset_index(drop=True), rows=rows,
        geometry=None if source.geometry is None else source.geometry[lo:hi],
        read_problems=tuple(p for p in source.read_problems if p[0] is not None and first <= p[0] <= last),
        pending=tuple(p for p in source.pending if p[0] is not None and first <= p[0] <= last))


def _validate_and_write(con: duckdb.DuckDBPyConnection, source, say: Progress, *, lang: str | None,
                        skip_invalid: bool, replace: bool, max_distance_km: float, actor: tuple) -> _Written:
    """Validate ``source`` piece by piece (:func:`_pieces`) and write each piece's rows while no problem
    refuses the import, inside the caller's transaction. A key is checked against every earlier row of the
    file (one ``seen`` for all pieces); a row is compared with the store after the earlier pieces are
    written, whose keys it cannot repeat. Raises :class:`ValidationError` with every problem of the file
    when the import is refused."""
    allow_outside, who, user = actor
    layer, n = source.layer, len(source.frame)
    pieces = _pieces(source)
    seen = FileKeys()
    if len(pieces) > 1 and LAYERS[layer].key == "id":
        ids = con.execute(f"SELECT id FROM {layer}").to_arrow_table().column(0)
        seen.stored_ids = ids.combine_chunks().cast(pa.string())
    problems: list[Problem] = []
    written = _Written(report=Report(file=source.file, layer=layer, rows=n, valid=pd.DataFrame(), problems=[],
                                     replace=replace, notes=list(source.notes)), import_id=-1)
    import_id: int | None = None
    refused = False
    for lo, hi in pieces:
        say(0.1 + 0.7 * lo / n, t("import.progress.validate", lang, file=source.file))
        report = validate_piece(_piece(source, lo, hi), con, seen, replace=replace, max_distance_km=max_distance_km,
                                lang=lang, actor=Actor(allow_outside, who, getattr(user, "role", None)))
        problems += report.problems
        written.report.new += report.new
        written.report.unchanged += report.unchanged
        written.report.changed += report.changed
        refused = refused or bool(report.file_problems) or bool(problems and not skip_invalid)
        if refused:             # nothing more is written; the rest is validated to list every problem
            continue
        start = 0.1 + 0.7 * lo / n + 0.5 * (hi - lo) / n
        say(start, t("import.progress.write", lang, layer=layer))
        if import_id is None:
            import_id = next_id(con, "import_seq")
        todo = report.to_write()
        del report
        replaced = todo[todo["_status"] == "changed"]
        _delete(con, layer, replaced)
        total = written.new + written.replaced + len(todo) + (n - hi)
        for k in range(0, len(todo), CHUNK_ROWS):
            insert_layer(con, layer, todo.iloc[k:k + CHUNK_ROWS], import_id=import_id)
            done = written.new + written.replaced + min(k + CHUNK_ROWS, len(todo))
            say(start + (0.1 + 0.7 * hi / n - start) * min(k + CHUNK_ROWS, len(todo)) / len(todo),
                t("import.progress.rows", lang, layer=layer, done=done, total=total))
        written.new += int((todo["_status"] == "new").sum())
        written.replaced += len(replaced)
        written.outside_ids += _outside_ids(todo)
        del todo, replaced
        if hi < n:
            gc.collect()        # the piece's frames, before the next piece is read (the collector is paused)
    written.report.problems = problems
    if refused:
        raise ValidationError(problems=problems, summary=problems_summary(problems, lang))
    written.import_id = next_id(con, "import_seq") if import_id is None else import_id
    return written


def _outside_ids(rows: pd.DataFrame) -> list[str]:
    if "outside_vietnam" not in rows.columns or not len(rows):
        return []
    flagged = rows["outside_vietnam"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    return [str(x) for x in rows.loc[flagged, "id"]]


def log_outside(con: duckdb.DuckDBPyConnection, who: str, result: ImportResult) -> None:
    """One audit entry ``outside_vietnam`` naming the incidents written across the border (none: nothing)."""
    if not result.outside_ids:
        return
    from data import audit

    audit.log(con, who, "outside_vietnam", f"incidents: {', '.join(result.outside_ids)} "
              f"(import_id {result.import_id}, {result.file})", len(result.outside_ids))


def _delete(con: duckdb.DuckDBPyConnection, layer: str, rows: pd.DataFrame) -> None:
    if not len(rows):
        return
    if LAYERS[layer].key == "id":
        delete_rows(con, layer, [str(x) for x in rows["id"]])
        return
    keys = pd.DataFrame({"village_id": rows["village_id"].to_numpy(), "status": rows["status"].to_numpy(),
                         "decided_on": pd.to_datetime(rows["decided_on"].tolist())})
    con.register("__bw_del", keys)
    try:
        con.execute("DELETE FROM village_status s USING __bw_del k WHERE s.village_id = k.village_id "
                    "AND s.status = k.status AND s.decided_on = CAST(k.decided_on AS DATE)")
    finally:
        con.unregister("__bw_del")


def _raw_row(source, row: int) -> dict:
    i = int((source.rows == row).argmax())
    return {str(c): (None if v is None or (isinstance(v, float) and v != v) else str(v))
            for c, v in source.frame.iloc[i].items()}


def _store_rejects(con: duckdb.DuckDBPyConnection, import_id: int, source, report: Report) -> None:
    recs = [(import_id, p.file, p.row, p.column, p.reason,
             json.dumps(_raw_row(source, p.row), ensure_ascii=False) if p.row is not None else None)
            for p in report.problems]
    con.register("__bw_rej", pd.DataFrame(recs, columns=["import_id", "file", "row", "column", "reason", "raw"]))
    try:
        con.execute('INSERT INTO import_rejects SELECT CAST(import_id AS BIGINT), file, CAST("row" AS INTEGER), '
                    '"column", reason, raw FROM __bw_rej')
    finally:
        con.unregister("__bw_rej")


def _write_rejects_csv(path: Path, source, report: Report, lang: str | None) -> None:
    """One line per rejected row: its row number, all its problems, then the row as read.

    UTF-8 with BOM so that Excel shows Vietnamese; cells that a spreadsheet would run as
    a formula are neutralised.
    """
    by_row: dict[int, list[str]] = {}
    for p in report.problems:
        if p.row is not None:
            by_row.setdefault(p.row, []).append(f"{p.column}: {p.reason}" if p.column else p.reason)
    head = [t("import.rejects.row", lang), t("import.rejects.problems", lang)] + [str(c) for c in source.columns]
    try:
        with open_private(path, "w", encoding="utf-8-sig", newline="") as fh:     # 0600 whatever the umask
            w = csv.writer(fh)
            w.writerow([neutralise(h) for h in head])
            for row, reasons in sorted(by_row.items()):
                raw = _raw_row(source, row)
                w.writerow([row, neutralise(" | ".join(reasons))] + [neutralise(raw[c]) for c in raw])
    except OSError as exc:
        raise StoreError(t("import.rejects_unwritable", lang, path=path, detail=exc.strerror or str(exc))) from exc
