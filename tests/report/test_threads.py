"""Briefings drawn by several server sessions at once: no pyplot, no shared figure state.

The Streamlit server runs each session's script in its own thread. Two briefings drawn at
the same moment (same store, different periods) must each come out exactly as when drawn
alone: the same pages and text in the PDF, the same pixels in every map, chart and slide.
"""
from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pypdf
from PIL import Image

from data.filters import Filter
from report.pdf import render_images, write_pdf
from report.slidepng import slide_png
from report.slides import build_briefing

ROOT = Path(__file__).resolve().parents[2]
NOW = dt.datetime(2026, 11, 29, 8, 0)
PERIODS = {"aug-oct": Filter(date_from=dt.date(2026, 8, 1), date_to=dt.date(2026, 10, 31)),
           "feb-may": Filter(date_from=dt.date(2026, 2, 1), date_to=dt.date(2026, 5, 31))}


def _pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))


def _render(con, flt: Filter, barrier: threading.Barrier | None = None) -> dict:
    """Everything a briefing draws: the visuals, the slide PNGs and the PDF (read back)."""
    cur = con.cursor()                              # one cursor per thread, as ui/cache.cursor gives
    try:
        b = build_briefing(cur, flt, lang="vi", compare_to=False, now=NOW)
    finally:
        cur.close()
    if barrier is not None:
        barrier.wait(timeout=120)                   # both threads start drawing together
    images = render_images(b)
    slides = [slide_png(b, s, images) for s in b.slides]
    reader = pypdf.PdfReader(io.BytesIO(write_pdf(b, images=images)))
    return {"images": images, "slides": slides, "pages": [p.extract_text() for p in reader.pages]}


def _assert_same(got: dict, alone: dict, name: str) -> None:
    assert len(got["pages"]) == len(alone["pages"]) == 8, name
    assert got["pages"] == alone["pages"], name
    assert got["images"].keys() == alone["images"].keys(), name
    for key in alone["images"]:
        np.testing.assert_array_equal(_pixels(got["images"][key]), _pixels(alone["images"][key]),
                                      err_msg=f"{name} {key}")
    for i, (a, b) in enumerate(zip(got["slides"], alone["slides"], strict=True), start=1):
        np.testing.assert_array_equal(_pixels(a), _pixels(b), err_msg=f"{name} slide {i}")


def test_two_briefings_drawn_at_once_equal_each_drawn_alone(demo_con):
    alone = {name: _render(demo_con, flt) for name, flt in PERIODS.items()}
    # the two periods really differ, so a mix-up between the threads would show
    assert alone["aug-oct"]["pages"][0] != alone["feb-may"]["pages"][0]
    assert not np.array_equal(_pixels(alone["aug-oct"]["images"]["chart:monthly"]),
                              _pixels(alone["feb-may"]["images"]["chart:monthly"]))

    barrier = threading.Barrier(len(PERIODS))
    results: dict[str, dict] = {}
    errors: list[BaseException] = []

    def work(name: str) -> None:
        try:
            results[name] = _render(demo_con, PERIODS[name], barrier)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the main thread below
            errors.append(exc)
            barrier.abort()

    threads = [threading.Thread(target=work, args=(name,)) for name in PERIODS]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=300)
    assert not errors, errors
    for name in PERIODS:
        _assert_same(results[name], alone[name], name)


def test_no_module_of_report_or_ui_loads_pyplot():
    """Importing every report/ and ui/ module leaves pyplot unloaded and the backend unchosen."""
    code = (
        "import importlib, pkgutil, sys\n"
        "import matplotlib\n"
        "for pkg in ('report', 'ui'):\n"
        "    for m in pkgutil.iter_modules(importlib.import_module(pkg).__path__):\n"
        "        importlib.import_module(pkg + '.' + m.name)\n"
        "print('matplotlib.pyplot' in sys.modules, matplotlib.rcParams._get_backend_or_none())\n"
    )
    # importing streamlit (in this test process, by earlier tests) sets MPLBACKEND=Agg in os.environ;
    # the child must start without it to see what our modules choose
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120, env=env)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["False", "None"]
