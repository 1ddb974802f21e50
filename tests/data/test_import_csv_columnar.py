"""The columnar CSV read (pyarrow) gives exactly the table the per-cell read (csv module) gives (issue #15).

Generated files mix quoting, delimiters in quotes, doubled quotes, blanks, Vietnamese text (NFC and not),
numbers such as ``1.500``, formula-neutralised cells, line breaks inside quotes, CRLF, a BOM, title, blank,
total and signature rows, ragged rows and damage. Whenever the columnar read answers, its cells, row
numbers, notes, delimiter and encoding equal the per-cell read's; otherwise the per-cell read decides.
"""
from __future__ import annotations

import csv
import io
import tempfile
import unicodedata
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import InputError
from data.importers import csvfile, read_source
from data.importers.readers import RawTable, _Ctx
from data.importers.source import _header_scorer

_HEADER = ["id", "occurred_at", "lat", "lon", "drug", "quantity_g", "station_id", "description"]
_WORDS = ["Vụ việc thử", "ma túy đá", "hồng phiến", "Đồn Biên phòng Lao Bảo", "1.500", "1,5", "16.614056",
          "106.6", "2024-03-04 14:30:00", "04/03/2024", "heroin", "BP-01", "a,b", 'say "hi"', "x;y", "",
          "  ", " padded ", "'=SUM(A1)", "'+84 912", "'plain", "Tổng cộng", "Người lập biểu", "sum", "1\n2",
          "tab\there", "Thôn A Dơi", unicodedata.normalize("NFD", "Thôn Cù Bai"), "\ufeff", "total 5"]
_ODD = {"1\n2", unicodedata.normalize("NFD", "Thôn Cù Bai"), "\ufeff", "Tổng cộng", "Người lập biểu", "sum",
        "total 5", "", "  "}
_CELL = st.one_of(st.sampled_from(_WORDS), st.text(alphabet="abcĐđơư0123456789 .,;'\"-\t", max_size=10))
# Mostly cells the columnar read takes, sometimes any cell; ids mostly as a station writes them.
_USUAL = st.one_of(st.sampled_from([w for w in _WORDS if w not in _ODD]),
                   st.text(alphabet="abcĐđơư0123456789 .,;'\"-\t", max_size=10))
_ID = st.one_of(st.from_regex(r"QT-[0-9]{1,5}", fullmatch=True), st.from_regex(r"QT-[0-9]{1,5}", fullmatch=True),
                st.from_regex(r"QT-[0-9]{1,5}", fullmatch=True), _CELL)
_ROW = st.tuples(_ID, st.lists(_USUAL, min_size=len(_HEADER) - 1, max_size=len(_HEADER) - 1)).map(
    lambda r: [r[0], *r[1]])


def _ctx(path: Path, **kw) -> _Ctx:
    return _Ctx(path=path, name=path.name, layer="incidents", encoding=kw.get("encoding"), max_bytes=2**30,
                max_rows=kw.get("max_rows", 100_000), lang="en", header_row=kw.get("header_row"),
                header_score=_header_scorer("incidents", {}))


def _same(fast: RawTable, slow: RawTable) -> None:
    assert list(fast.frame.columns) == list(slow.frame.columns)
    for c in fast.frame.columns:
        assert fast.frame[c].tolist() == slow.frame[c].tolist(), c
    assert np.array_equal(fast.rows, slow.rows)
    assert (fast.notes, fast.bad_rows, fast.delimiter, fast.encoding) == (
        slow.notes, slow.bad_rows, slow.delimiter, slow.encoding)


def _compare(data: bytes, **kw) -> RawTable | None:
    """Both reads of ``data``; returns the columnar table (None when it stood aside)."""
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "incidents.csv"
        path.write_bytes(data)
        ctx = _ctx(path, **kw)
        fast = csvfile._read_columnar(ctx, data)
        try:
            slow = csvfile._read_cells(ctx)
        except InputError as exc:
            assert fast is None, f"columnar read accepted what the per-cell read refuses: {exc}"
            return None
        if fast is not None:
            _same(fast, slow)
        return fast


def _write(rows: list[list[str]], delimiter: str, quoting: int, line_end: str) -> str:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, quoting=quoting, lineterminator=line_end).writerows(rows)
    return buf.getvalue()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(_ROW, min_size=1, max_size=12),
       delimiter=st.sampled_from([",", ";", "\t"]), quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]),
       line_end=st.sampled_from(["\n", "\r\n"]), bom=st.booleans(), final_newline=st.booleans(),
       extra=st.sampled_from(["", "", "", "", "", "title", "blank", "footer", "total", "ragged", "short",
                              "ragged_blank"]))
def test_columnar_read_equals_the_per_cell_read(rows, delimiter, quoting, line_end, bom, final_newline,
                                                extra) -> None:
    body = [list(_HEADER)] + [list(r) for r in rows]
    if extra == "title":
        body.insert(0, ["BÁO CÁO VỤ VIỆC"])
    elif extra == "blank":
        body.insert(2, [""] * len(_HEADER))
    elif extra == "footer":
        body += [["Người lập biểu"], ["Nguyễn Văn A"]]
    elif extra == "total":
        body.append(["Tổng cộng", "", "", "", "", "12"])
    elif extra == "ragged":
        body[-1] = body[-1] + ["more"]
    elif extra == "ragged_blank":
        body[-1] = body[-1] + ["", " "]
    elif extra == "short":
        body[-1] = body[-1][:-2]
    text = _write(body, delimiter, quoting, line_end)
    if not final_newline:
        text = text[:-len(line_end)]
    _compare(("\ufeff" if bom else "").encode() + text.encode("utf-8"))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.sampled_from(list('ab,;"\'\r\n \t=ơ\x00')), max_size=60))
def test_columnar_read_of_odd_text_equals_the_per_cell_read(tail: str) -> None:
    """Hand-made quoting (``"a"b``, ``a"b``, unbalanced, quotes around line breaks), lone CRs, NULs."""
    _compare(("id,drug,description\n" + tail).encode("utf-8"))


def test_a_plain_station_export_is_read_columnar(tmp_path: Path) -> None:
    rows = [["QT-1", "2024-03-04 14:30:00", "16.61", "106.6", "ma túy đá", "1.500", "BP-01", 'Vụ "A", thôn B'],
            ["QT-2", "2024-03-05 08:00:00", "16.62", "106.7", "heroin", "", "BP-02", "'=HYPERLINK(1)"]]
    for delimiter, line_end in ((",", "\n"), (";", "\r\n")):
        data = "\ufeff".encode() + _write([_HEADER] + rows, delimiter, csv.QUOTE_MINIMAL, line_end).encode()
        fast = _compare(data)
        assert fast is not None
        assert fast.frame["description"].tolist() == ['Vụ "A", thôn B', "=HYPERLINK(1)"]
        assert fast.rows.tolist() == [2, 3] and fast.delimiter == delimiter


@pytest.mark.parametrize("data, kw", [
    ("id,drug\nQT-1,heroin\n".encode("cp1258"), {"encoding": "cp1258"}),     # another encoding: per cell
    ("id,drug\nQT-1,heroin\n".encode("utf-16"), {}),                          # UTF-16 (BOM): per cell
    (b"id,drug\nQT-1,\xff\n", {}),                                              # not UTF-8: refused per cell
    ("id,drug\nQT-1,Thôn Cù Bai\n".encode(), {"header_row": 2}),               # --header-row elsewhere
    ("id,drug\n" + "".join(f"QT-{k},heroin\n" for k in range(5)), {"max_rows": 3}),   # too many rows
])
def test_files_the_columnar_read_leaves_to_the_per_cell_read(data, kw) -> None:
    assert _compare(data if isinstance(data, bytes) else data.encode(), **kw) is None


def test_import_through_both_reads_stores_the_same_rows(tmp_path: Path) -> None:
    """read_source on a columnar file and on the same file forced per cell (a NUL-free title row) agree."""
    rows = "".join(f"QT-{k},2024-03-0{k % 9 + 1} 1{k % 10}:30:00,16.6{k},106.6{k},ma túy đá,{k}.500,BP-01,"
                   f"\"Vụ {k}, thôn B\"\n" for k in range(30))
    plain = tmp_path / "plain.csv"
    plain.write_text(",".join(_HEADER) + "\n" + rows, encoding="utf-8")
    titled = tmp_path / "titled.csv"
    titled.write_text("BÁO CÁO\n" + ",".join(_HEADER) + "\n" + rows, encoding="utf-8")
    a, b = read_source(plain, layer="incidents"), read_source(titled, layer="incidents")
    assert a.frame.dtypes.iloc[0] != b.frame.dtypes.iloc[0]      # one columnar, one per cell
    for c in a.frame.columns:
        assert a.frame[c].tolist() == b.frame[c].tolist()
    assert (b.rows - a.rows).tolist() == [1] * 30 and a.mapping == b.mapping
    assert (a.numbers.decimal, a.numbers.mixed) == (b.numbers.decimal, b.numbers.mixed)
    assert a.numbers.source == (b.numbers.source[0], b.numbers.source[1] - 1, b.numbers.source[2])
