"""The briefing's "Tuần tra và khoảng trống" page/slide: PDF text, the projector slide, and a store without patrols."""
from __future__ import annotations

import base64
import io

import pypdf

from report.charts import render_visual
from report.pdf import visual_sizes, write_pdf
from report.slides import build_briefing


def _page(reader: pypdf.PdfReader, title: str) -> str:
    texts = [p.extract_text() for p in reader.pages]
    hits = [x for x in texts if title in x]
    assert len(hits) == 1, f"{title!r} on {len(hits)} pages"
    return hits[0]


def test_pdf_page_names_the_top_gap(drawn):
    b, images = drawn("vi")                                         # shared: read only
    gaps = b.patrols["gaps"]
    assert b.patrols["in_store"] > 0 and len(gaps) > 0
    reader = pypdf.PdfReader(io.BytesIO(write_pdf(b, images=images)))
    text = _page(reader, "Tuần tra và khoảng trống")
    flat = " ".join(text.split())
    top = gaps.iloc[0]
    for name in (top["nearest_village"], top["nearest_crossing"]):
        assert " ".join(str(name).split()) in flat
    assert "Ngày tuần tra" in flat and "lượt tuần tra" in flat
    page = next(p for p in reader.pages if "Tuần tra và khoảng trống" in p.extract_text())
    assert len(page.images) == 1                                   # the coverage map
    # the gap table follows the briefing's own hot spots: every hot-cell gap is a hot cell of the hotspots frame
    hot = b.hotspots.set_index("h3")
    cells = gaps[gaps["kind"] == "hot_cell"]
    assert ((hot.loc[cells["h3"], "bin"] >= 2).to_numpy() | cells["category"].isin(
        ["new_hot", "intensifying_hot", "consecutive_hot"]).to_numpy()).all()
    assert (cells["patrol_days"] < 1).all()
    assert list(cells["z"]) == sorted(cells["z"], reverse=True)


def test_projector_slide_renders(drawn):
    from ui.projector import slide_html

    b, _ = drawn("en")
    s = next(x for x in b.slides if x.key == "patrols")
    assert s.title == "Patrols and gaps" and s.visuals == ["map:patrols"]
    w, h = visual_sizes("map:patrols")
    png = render_visual(b, "map:patrols", width_in=w, height_in=h, dpi=60)
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000
    html = slide_html(b, s, {"map:patrols": base64.b64encode(png).decode()}, flag="")
    assert "Patrols and gaps" in html and "Days since last patrol" in html and "data:image/png;base64," in html
    top = b.patrols["gaps"].iloc[0]
    assert str(top["nearest_village"]) in html


def test_store_without_patrols_says_so(demo_con, period):
    demo_con.execute("DELETE FROM patrol_cells; DELETE FROM patrol_points; DELETE FROM patrols")
    b = build_briefing(demo_con, period, lang="vi")
    s = next(x for x in b.slides if x.key == "patrols")
    assert s.visuals == [] and s.table is None
    assert len(s.bullets) == 1 and "Chưa có dữ liệu tuần tra" in s.bullets[0]
    reader = pypdf.PdfReader(io.BytesIO(write_pdf(b)))
    text = " ".join(_page(reader, "Tuần tra và khoảng trống").split())
    assert "Chưa có dữ liệu tuần tra trong kho" in text
