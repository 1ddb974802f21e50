"""Nothing overlaps on the slides, measured with matplotlib text extents: the title ends before the
"LƯU HÀNH NỘI BỘ" stamp, the body ends above the footer, the map legend keeps off the map, gap ranks
keep off each other and off place labels. The briefing is built and drawn once per language (``drawn``)."""
from __future__ import annotations

from dataclasses import replace
from itertools import combinations

import pandas as pd
import pytest
from matplotlib.figure import Figure
from matplotlib.transforms import Bbox

from report.canvas import renderer_of
from report.slidepng import slide_figure
from report.slides import Slide
from report.staticmap import MAP_KINDS, map_figure

LONG_TITLE = "Tuyến, hướng: cửa khẩu, đường mòn, đoạn biên giới, lối mở và các bản giáp ranh phía Tây"


def _boxes(fig: Figure, gid: str) -> list[Bbox]:
    """Window boxes of the artists tagged ``gid``: a boxed text's box (not its leader line)."""
    r = renderer_of(fig)
    out = []
    for a in fig.findobj(lambda x: x.get_gid() == gid):
        patch = a.get_bbox_patch() if hasattr(a, "get_bbox_patch") else None
        out.append(patch.get_window_extent(r) if patch is not None else a.get_window_extent(r))
    return out


def _assert_slide_fits(fig: Figure, where: str) -> int:
    fig.canvas.draw()                  # measure what is drawn (box patches are sized at draw time)
    r = renderer_of(fig)
    (title,), (stamp,), (footer,) = _boxes(fig, "title"), _boxes(fig, "stamp"), _boxes(fig, "footer")
    assert not title.overlaps(stamp) and title.x1 < stamp.x0, (where, title, stamp)
    body = [t for t in fig.texts if t.get_gid() is None and t.get_text().strip()]
    for text in body:
        box = text.get_window_extent(r)
        assert box.y0 > footer.y1, (where, text.get_text(), box.y0, footer.y1)
        assert box.x1 <= fig.bbox.width, (where, text.get_text())
    return len(body)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_slide_and_a_long_one_fit(drawn, lang):
    b, images = drawn(lang)
    drawn = 0
    for s in b.slides:
        drawn += _assert_slide_fits(slide_figure(b, s, images), s.key)
    assert drawn > 30
    # every slide with a long title, many long sentences and a long table
    long_table = pd.DataFrame({"#": [str(i) for i in range(1, 16)],
                               "Nơi": [f"Thôn Ván Ri / Lối mở Ván Ri · km {90 + i},5 (cách 2,4 km hướng Tây Nam)"
                                       for i in range(15)]})
    bullets = [f"Câu dài thứ {i}: " + "vụ việc gần cửa khẩu quốc tế Lao Bảo trong bán kính 2 km " * 3
               for i in range(12)]
    for s in b.slides:
        long = replace(s, title=LONG_TITLE, table=long_table, bullets=bullets)
        fig = slide_figure(b, long, images)
        _assert_slide_fits(fig, f"long {s.key}")
        texts = " ".join(t.get_text() for t in fig.texts)
        assert "…" in texts, f"long {s.key}: rows were dropped with '… and N more'"


def test_title_without_stamp_uses_the_width(drawn):
    b, _ = drawn("vi")
    s = Slide("x", LONG_TITLE * 2, "sub")
    fig = slide_figure(b, s, {}, classification="")
    (title,) = _boxes(fig, "title")
    assert not _boxes(fig, "stamp") and title.x1 <= fig.bbox.width


@pytest.mark.parametrize("kind", MAP_KINDS)
def test_map_legend_is_off_the_map_and_gap_ranks_are_readable(drawn, kind):
    b, _ = drawn("vi")
    fig = map_figure(b, kind, dpi=100)
    fig.canvas.draw()
    r = renderer_of(fig)
    (ax,) = fig.axes
    data_area = ax.get_window_extent(r)
    (legend,) = fig.legends
    leg = legend.get_window_extent(r)
    assert leg.y1 < data_area.y0 and not leg.overlaps(data_area), (leg, data_area)
    ranks = _boxes(fig, "gap-rank")
    places = _boxes(fig, "place-label")
    if kind == "patrols":
        assert len(ranks) == min(len(b.patrols["gaps"]), 7)
    for a, c in combinations(ranks, 2):
        assert not a.overlaps(c), (a, c)
    for a in ranks:
        assert data_area.contains(a.x0, a.y0) and data_area.contains(a.x1, a.y1)
        assert not any(a.overlaps(p) for p in places)


def test_gap_rows_near_one_village_are_told_apart(drawn):
    b, _ = drawn("vi")
    s = next(x for x in b.slides if x.key == "patrols")
    places = list(s.table.iloc[:, 1])
    assert len(set(places)) == len(places), places
    gaps = b.patrols["gaps"].head(len(places))
    for place, km in zip(places, gaps["border_km"], strict=True):
        assert f"km {km:.1f}".replace(".", ",") in place
    assert (gaps["border_km"].between(0, 400)).all()


@pytest.mark.parametrize("kind", MAP_KINDS)
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_country_name_keeps_off_the_north_arrow(drawn, kind, lang):
    """"VIỆT NAM" sat at the upper right corner, where the north arrow stands, and touched it."""
    from core.i18n import t

    b, _ = drawn(lang)
    fig = map_figure(b, kind, dpi=100)
    fig.canvas.draw()
    r = renderer_of(fig)
    (ax,) = fig.axes
    (name,) = [x for x in ax.texts if x.get_text() == t("report.country.VNM", lang)]
    (arrow,) = [x for x in ax.texts if x.get_text() == t("report.north", lang)]
    box = name.get_window_extent(r)
    assert not box.overlaps(arrow.get_window_extent(r)) and not box.overlaps(arrow.arrow_patch.get_window_extent(r))
    assert box.x1 < arrow.arrow_patch.get_window_extent(r).x0
