"""``borderwatch briefing`` through a real subprocess."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pypdf
from PIL import Image

BW = str(Path(sys.executable).with_name("borderwatch"))


def run(*args, lang="vi"):
    env = {**os.environ, "BORDERWATCH_LANG": lang}
    return subprocess.run([BW, *args], capture_output=True, text=True, env=env, timeout=120)


def test_briefing_pdf_png_and_snapshot(demo_db, tmp_path):
    out, png = tmp_path / "giao-ban.pdf", tmp_path / "slides"
    r = run("briefing", "--db", str(demo_db), "--from", "01/08/2026", "--to", "31/10/2026", "--out", str(out),
            "--png", str(png), "--unit", "Bộ Chỉ huy BĐBP tỉnh", "--classification", "MẬT", "--save")
    assert r.returncode == 0, r.stderr
    assert "7 trang" in r.stderr and "Đã lưu buổi giao ban số 1" in r.stderr
    reader = pypdf.PdfReader(out)
    assert len(reader.pages) == 7
    first = reader.pages[0].extract_text()
    assert "MẬT" in first and "Bộ Chỉ huy BĐBP tỉnh" in first and "Buổi giao ban đã lưu số 1" in first
    files = sorted(p.name for p in png.iterdir())
    assert files == ["01-overview.png", "02-hotspots.png", "03-villages.png", "04-trends.png", "05-corridor.png",
                     "06-changes.png"]
    assert Image.open(png / files[0]).size == (1920, 1080)

    # shown again exactly from the snapshot (no filter arguments), in English
    again = tmp_path / "again.pdf"
    r = run("briefing", "--db", str(demo_db), "--snapshot", "1", "--out", str(again), "--lang", "en", lang="en")
    assert r.returncode == 0, r.stderr
    text = pypdf.PdfReader(again).pages[0].extract_text()
    assert "Reporting period: 2026-08-01 – 2026-10-31" in text and "Saved briefing no. 1" in text


def test_refusals_exit_2(demo_db, tmp_path):
    r = run("briefing", "--db", str(demo_db), "--from", "2026-08-01", "--to", "2026-10-31", "--out", str(tmp_path / "x.txt"))
    assert r.returncode == 2 and ".pdf" in r.stderr and "Traceback" not in r.stderr
    r = run("briefing", "--db", str(demo_db), "--drug", "sữa", "--out", str(tmp_path / "x.pdf"))
    assert r.returncode == 2 and "Ma túy đá" not in r.stderr and "methamphetamine" in r.stderr
    r = run("briefing", "--db", str(demo_db), "--snapshot", "99", "--out", str(tmp_path / "x.pdf"))
    assert r.returncode == 2 and "Không có buổi giao ban số 99" in r.stderr
    assert not (tmp_path / "x.pdf").exists()
