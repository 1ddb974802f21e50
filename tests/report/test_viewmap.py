"""Saving the map view: PNG/PDF, A4/A3 landscape, title, legend, scale bar, north arrow, VN-2000 grid."""
from __future__ import annotations

import datetime as dt
import io

import numpy as np
import pytest
from matplotlib.image import imread
from pyproj import Transformer

from data.filters import Filter
from report import viewmap
from report.canvas import new_figure
from report.staticmap import nice_length_km, scale_bar

LAO_BAO_VIEW = (106.3, 16.45, 106.9, 16.8)


@pytest.fixture(scope="module")
def con(demo_db_template):
    from data.store import connect
    c = connect(demo_db_template, read_only=True)
    yield c
    c.close()


@pytest.mark.parametrize("paper", ["A4", "A3"])
def test_png_is_landscape_paper_at_the_dpi(con, paper):
    png = viewmap.render_view(con, Filter(), bounds=LAO_BAO_VIEW, sheet=viewmap.Sheet(paper=paper, dpi=60))
    img = imread(io.BytesIO(png))
    w_in, h_in = viewmap.PAPERS[paper]
    assert img.shape[1] == round(w_in * 60) and img.shape[0] == round(h_in * 60) and img.shape[1] > img.shape[0]


def test_pdf_page_size_and_vietnamese_text(con):
    pdf = viewmap.render_view(con, Filter(date_from=dt.date(2026, 1, 1), date_to=dt.date(2026, 11, 30)),
                              bounds=LAO_BAO_VIEW, sheet=viewmap.Sheet(paper="A3", fmt="pdf"), lang="vi")
    assert pdf.startswith(b"%PDF")
    box = [float(v) for v in pdf.split(b"/MediaBox [")[1].split(b"]")[0].split()]
    assert box[2:] == pytest.approx([16.54 * 72, 11.69 * 72], abs=1)                 # A3 landscape in points
    assert b"/FontFile" in pdf or b"/Type3" in pdf or b"/FontDescriptor" in pdf      # fonts embedded with the text


def test_bounds_are_checked_and_widened_to_the_paper_never_cut():
    with pytest.raises(ValueError, match="not ordered"):
        viewmap.check_bounds((107, 16, 106, 17))
    with pytest.raises(ValueError, match="four numbers"):
        viewmap.check_bounds(("a", 1, 2))
    x0, y0, x1, y1 = viewmap.fit_paper(LAO_BAO_VIEW, 1.6)
    assert x0 <= LAO_BAO_VIEW[0] and y0 <= LAO_BAO_VIEW[1] and x1 >= LAO_BAO_VIEW[2] and y1 >= LAO_BAO_VIEW[3]
    k = np.cos(np.radians((y0 + y1) / 2))
    assert (x1 - x0) * k / (y1 - y0) == pytest.approx(1.6)


def test_scale_bar_length_matches_geodesic_distance():
    from pyproj import Geod
    fig = new_figure(8, 6, dpi=50)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(106.3, 106.9)
    ax.set_ylim(16.45, 16.8)
    km = scale_bar(ax, lang="en")
    assert km == nice_length_km(0.6 * 111.32 * np.cos(np.radians(16.625)))
    bars = [p for p in ax.patches if p.get_facecolor()[:3] in ((0, 0, 0), (1, 1, 1)) and p.get_height() < 0.01]
    x_left = min(p.get_x() for p in bars)
    x_right = max(p.get_x() + p.get_width() for p in bars)
    _, _, metres = Geod(ellps="WGS84").inv(x_left, 16.45 + 0.045 * 0.35, x_right, 16.45 + 0.045 * 0.35)
    assert metres / 1000 == pytest.approx(km, rel=0.005)


def test_grid_lines_are_vn2000_kilometres(con):
    fig = new_figure(8, 6, dpi=50)
    ax = fig.add_axes((0.1, 0.1, 0.8, 0.8))
    ax.set_xlim(106.3, 106.9)
    ax.set_ylim(16.45, 16.8)
    step = viewmap.vn2000_grid(ax)
    assert step in (10_000, 20_000) and len(ax.lines) >= 4          # about six lines over ≈ 64 km
    to_vn = Transformer.from_crs("EPSG:4326", "EPSG:9212", always_xy=True)
    for line in ax.lines:
        e, n = to_vn.transform(*line.get_data())
        # every grid line keeps one VN-2000 coordinate at a multiple of the step (to a metre)
        assert min(np.ptp(e), np.ptp(n)) < 1.0
        const = e[0] if np.ptp(e) < 1.0 else n[0]
        assert abs(const / step - round(const / step)) < 1e-4
