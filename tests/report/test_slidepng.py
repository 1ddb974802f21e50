"""Slide PNGs: every text stays inside the 1920×1080 slide (no "↑ 34 %" cut at the right edge)."""
from __future__ import annotations

from dataclasses import replace
from itertools import pairwise

import pytest

from report.slidepng import slide_figure


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_no_text_runs_past_the_slide_edges(drawn, lang):
    b, images = drawn(lang)
    checked = 0
    for slide in b.slides:
        # a long card, as a drug with a long label and a change figure make it (on a copy: ``drawn`` is shared)
        s = replace(slide, cards=[*slide.cards, {
            "symbol": "■", "label": "Hồng phiến (ma túy tổng hợp dạng viên nén) thu giữ",
            "value": "12.345 viên", "change": "↑ 34 % so với cùng kỳ năm trước (1.234 → 12.345)"}])
        fig = slide_figure(b, s, images)
        renderer = fig.canvas.get_renderer()
        width = fig.bbox.width
        for text in fig.texts:
            if not text.get_text().strip():
                continue
            box = text.get_window_extent(renderer)
            assert box.x0 >= 0 and box.x1 <= width, (s.key if hasattr(s, "key") else s.title, text.get_text(), box.x1)
            checked += 1
        assert any("34 %" in t.get_text() for t in fig.texts), "the change figure is drawn"
    assert checked > 20


def test_static_map_count_classes_do_not_overlap(drawn):
    """Legend classes "1–4", "5–29", … : each class starts one above the previous one's end, and every
    drawn count falls in exactly one class."""
    import re

    from report.canvas import new_figure
    from report.staticmap import _hex_layer

    b, _ = drawn("vi")
    ax = new_figure(8, 6, dpi=50).add_subplot()
    handles = _hex_layer(ax, b, "overview")
    ranges = []
    for h in handles:
        nums = [int(x) for x in re.findall(r"\d+", h.get_label().split(":")[-1])]
        ranges.append((nums[0], nums[-1]))
    assert len(ranges) >= 2
    for (lo1, hi1), (lo2, hi2) in pairwise(ranges):
        assert lo1 <= hi1 < lo2 <= hi2 and lo2 == hi1 + 1, ranges
    counts = b.hotspots.loc[b.hotspots["count"] > 0, "count"]
    assert ranges[0][0] == counts.min() and ranges[-1][1] == counts.max()


def test_a_percent_sign_never_starts_a_line():
    """"Thu giữ: Hồng phiến (ma túy tổng hợp): 119.273 viên ↓ 31 %" wrapped with "%" alone on the next line."""
    from report.canvas import new_figure
    from report.slidepng import _measure_wrap, renderer_of

    fig = new_figure(19.2, 10.8, dpi=100)
    heading = "Thu giữ: Hồng phiến (ma túy tổng hợp): 119.273 viên ↓ 31 %"
    probe = fig.text(0, 0, heading.removesuffix(" %"), fontsize=22, fontweight="bold")
    fits_all_but_percent = probe.get_window_extent(renderer_of(fig)).width + 2
    probe.remove()
    lines = _measure_wrap(fig, heading, 22, "bold", fits_all_but_percent)
    assert " ".join(lines) == heading
    assert all(not line.startswith("%") for line in lines), lines
    assert lines[-1].endswith("31 %")
