"""``borderwatch export incidents FILE.vi.csv``: the Vietnamese spreadsheet, read back with pyogrio (GDAL)."""
from __future__ import annotations

import re
import warnings
from pathlib import Path

import _cli
import pyogrio
import pyproj

from core.vocab import label
from data.store import connect


def run(*args):
    r = _cli.bw(*args, lang=None)
    assert "Traceback" not in r.stderr, r.stderr
    return r


def _num(text: str) -> float:
    return float(text.replace(",", "."))


def test_vietnamese_spreadsheet_opened_with_pyogrio(demo_db, tmp_path):
    out = tmp_path / "vu_viec.vi.csv"
    r = run("export", "incidents", out, "--db", demo_db, "--from", "2026-01-01")
    assert r.returncode == 0, r.stderr
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")                          # BOM: Excel shows the diacritics
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)             # GDAL notes the commas inside the cells
        df = pyogrio.read_dataframe(out)
    assert list(df.columns)[:9] == ["Mã vụ việc", "Ngày giờ xảy ra", "Điều (BLHS 2015)", "Tội danh", "Loại ma túy",
                                    "Khối lượng (g)", "Số viên", "Số đối tượng", "Đồn biên phòng"]
    for col in ("Thôn, bản", "Xã (trước 1/7/2025)", "Xã (từ 1/7/2025)", "Vĩ độ (WGS 84)", "Kinh độ (WGS 84)",
                "x VN-2000 (m, hướng Đông)", "y VN-2000 (m, hướng Bắc)", "Mô tả"):
        assert col in df.columns, col
    assert not (out.with_suffix(".csvt")).exists() and Path(f"{out}.watermark.json").exists()

    con = connect(demo_db, read_only=True)
    try:
        stored = con.execute("""SELECT i.id, i.lat, i.lon, i.article, i.drug, i.commune, c.new_name, v.name, s.name,
                                       i.quantity_g, i.occurred_at
                                FROM incidents i LEFT JOIN communes c ON c.old_name = i.commune
                                LEFT JOIN villages v ON v.id = i.village_id LEFT JOIN stations s ON s.id = i.station_id
                                WHERE i.occurred_at >= DATE '2026-01-01'""").fetchall()
    finally:
        con.close()
    assert len(df) == len(stored) > 50
    by_id = {r[0]: r for r in stored}
    to_vn2000 = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:9212", always_xy=True)
    six = re.compile(r"^-?\d+,\d{6}$")
    for rec in df.itertuples(index=False):
        row = dict(zip(df.columns, rec, strict=True))
        s = by_id[row["Mã vụ việc"]]
        assert six.match(row["Vĩ độ (WGS 84)"]) and six.match(row["Kinh độ (WGS 84)"])
        assert abs(_num(row["Vĩ độ (WGS 84)"]) - s[1]) <= 5e-7 and abs(_num(row["Kinh độ (WGS 84)"]) - s[2]) <= 5e-7
        x, y = to_vn2000.transform(s[2], s[1])
        assert abs(_num(row["x VN-2000 (m, hướng Đông)"]) - x) <= 0.005
        assert abs(_num(row["y VN-2000 (m, hướng Bắc)"]) - y) <= 0.005
        assert 400_000 < x < 700_000 and 1_700_000 < y < 1_950_000       # easting, northing of Quảng Trị
        assert row["Điều (BLHS 2015)"] == s[3] and row["Tội danh"] == label("article", s[3], "vi")
        assert row["Loại ma túy"] == label("drug", s[4], "vi")
        assert row["Xã (trước 1/7/2025)"] == (s[5] or "") and row["Xã (từ 1/7/2025)"] == (s[6] or "")
        assert row["Thôn, bản"] == (s[7] or "") and row["Đồn biên phòng"] == (s[8] or "")
        assert row["Ngày giờ xảy ra"] == s[10].strftime("%d/%m/%Y %H:%M")
        if s[9] is not None:
            assert abs(_num(row["Khối lượng (g)"]) - s[9]) < 1e-9 * max(1, s[9])
        assert row["Ngoài lãnh thổ Việt Nam (phối hợp)"] == "Không"
    merged = [r for r in stored if r[5] and r[6] and r[5] != r[6]]
    assert merged, "the demo has communes renamed by the 2025 merger"


def test_villages_as_a_vietnamese_spreadsheet(demo_db, tmp_path):
    out = tmp_path / "thon.vi.csv"
    assert run("export", "villages", out, "--db", demo_db).returncode == 0
    head = out.read_text(encoding="utf-8-sig").splitlines()[0].split(";")
    assert head[:4] == ["Mã thôn", "Tên thôn, bản", "Xã (trước 1/7/2025)", "Xã (từ 1/7/2025)"]
    assert {"Dân số", "Vĩ độ (WGS 84)", "x VN-2000 (m, hướng Đông)"} <= set(head)
