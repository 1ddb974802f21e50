"""``borderwatch briefing``: the first test through the real console script, the others in this process."""
from __future__ import annotations

import sys
from pathlib import Path

import _cli
import pypdf
from PIL import Image

BW = str(Path(sys.executable).with_name("borderwatch"))


def run(*args, lang="vi"):
    """In this process (``tests/_cli.py``); the first test runs the console script as a smoke test."""
    return _cli.bw(*args, lang=lang)


def test_briefing_pdf_png_and_snapshot(demo_db, tmp_path):
    out, png = tmp_path / "giao-ban.pdf", tmp_path / "slides"
    r = _cli.run_subprocess("briefing", "--db", demo_db, "--from", "01/08/2026", "--to", "31/10/2026", "--out", out,
                            "--png", png, "--unit", "Bộ Chỉ huy BĐBP tỉnh", "--classification", "MẬT", "--save")
    assert r.returncode == 0, r.stderr
    assert "8 trang" in r.stderr and "Đã lưu buổi giao ban số 1" in r.stderr
    reader = pypdf.PdfReader(out)
    assert len(reader.pages) == 8
    first = reader.pages[0].extract_text()
    assert "MẬT" in first and "Bộ Chỉ huy BĐBP tỉnh" in first and "Buổi giao ban đã lưu số 1" in first
    files = sorted(p.name for p in png.iterdir())
    assert files == ["01-overview.png", "02-hotspots.png", "03-villages.png", "04-trends.png", "05-corridor.png",
                     "06-patrols.png", "07-changes.png"]
    assert Image.open(png / files[0]).size == (1920, 1080)

    # shown again exactly from the snapshot (no filter arguments), in English
    again = tmp_path / "again.pdf"
    r = run("briefing", "--db", str(demo_db), "--snapshot", "1", "--out", str(again), lang="en")
    assert r.returncode == 0, r.stderr
    text = pypdf.PdfReader(again).pages[0].extract_text()
    assert "Reporting period: 2026-08-01 – 2026-10-31" in text and "Saved briefing no. 1" in text


def test_refusals_exit_2(demo_db, tmp_path):
    r = run("briefing", "--db", str(demo_db), "--from", "2026-08-01", "--to", "2026-10-31",
            "--out", str(tmp_path / "x.txt"))
    assert r.returncode == 2 and ".pdf" in r.stderr and "Traceback" not in r.stderr
    r = run("briefing", "--db", str(demo_db), "--drug", "sữa", "--out", str(tmp_path / "x.pdf"))
    assert r.returncode == 2 and "Ma túy đá" not in r.stderr and "methamphetamine" in r.stderr
    r = run("briefing", "--db", str(demo_db), "--snapshot", "99", "--out", str(tmp_path / "x.pdf"))
    assert r.returncode == 2 and "Không có buổi giao ban số 99" in r.stderr
    assert not (tmp_path / "x.pdf").exists()


def _count(db, start: str, end_exclusive: str) -> int:
    import duckdb
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT count(*) FROM incidents WHERE occurred_at >= CAST(? AS DATE) "
                           "AND occurred_at < CAST(? AS DATE)", [start, end_exclusive]).fetchone()[0]
    finally:
        con.close()


def test_briefing_compares_with_the_same_period_last_year(demo_db, tmp_path):
    """01/01–29/11/2026 against 01/01–29/11/2025, the way the committee's reports compare."""
    now, year = _count(demo_db, "2026-01-01", "2026-11-30"), _count(demo_db, "2025-01-01", "2025-11-30")
    prev_days = _count(demo_db, "2025-02-02", "2026-01-01")          # the 333 days just before, second figure
    out = tmp_path / "ytd.pdf"
    r = run("briefing", "--db", str(demo_db), "--from", "01/01/2026", "--to", "29/11/2026", "--out", str(out))
    assert r.returncode == 0, r.stderr
    pages = [" ".join(p.extract_text().split()) for p in pypdf.PdfReader(out).pages]
    overview, changes = pages[1], pages[-1]
    assert "Kỳ báo cáo 01/01/2026 – 29/11/2026 · so với cùng kỳ năm trước (01/01/2025 – 29/11/2025)" in overview

    def fmt(n: int) -> str:                                          # Vietnamese thousands
        return f"{n:,}".replace(",", ".")

    pct = round(abs(now - year) / year * 100)
    arrow = "↑" if now > year else "↓" if now < year else "→"
    assert f"{fmt(now)} vụ {arrow} {pct} %" in overview
    assert f"Cùng kỳ năm trước (01/01/2025 – 29/11/2025): {fmt(year)} vụ" in overview
    assert f"Kỳ liền trước (02/02/2025 – 31/12/2025): {fmt(prev_days)} vụ" in overview
    word = "tăng" if now > year else "giảm"
    assert f"Số vụ {word} {pct} % so với cùng kỳ năm trước ({fmt(year)} vụ → {fmt(now)} vụ)." in changes
