"""One vocabulary: the emerging-trend names come from core.vocab.EMERGING in the app's tables, the map,
the slides, the PDF and the change sentences; no other table of those names exists."""
from __future__ import annotations

import io
import re
from pathlib import Path

import h3
import pandas as pd
import pypdf

from core.i18n import TEXTS
from core.vocab import EMERGING, label
from geo.emerging import CATEGORIES
from layers import emerging as emerging_layer
from layers._leaflet import HexLayer, cell_frame
from report.changes import describe_changes
from report.pdf import write_pdf
from report.slides import build_briefing
from ui.frames import alert_text, hotspot_table

ROOT = Path(__file__).resolve().parents[2]
CODE_DIRS = ("app.py", "core", "data", "geo", "layers", "report", "ui", "cli")
KINDS = ("mới|liên tiếp|đang gia tăng|gia tăng|tăng cường|kéo dài|dai dẳng|đang giảm|suy giảm|giảm dần|rải rác|"
         "dao động|trước đây|trong quá khứ")


def _walk(obj):
    """Every descendant element of a folium element."""
    for child in getattr(obj, "_children", {}).values():
        yield child
        yield from _walk(child)


def test_the_table_covers_every_category_in_both_languages():
    assert set(EMERGING) == set(CATEGORIES)
    assert label("emerging", "persistent_hot", "vi") == "Điểm nóng kéo dài"
    assert label("emerging", "intensifying_hot", "vi") == "Điểm nóng đang gia tăng"
    assert label("emerging", "diminishing_hot", "vi") == "Điểm nóng đang giảm"
    assert all(e["vi"] and e["en"] for e in EMERGING.values())
    assert len({e["vi"] for e in EMERGING.values()}) == len(EMERGING)        # no two categories read the same


def test_no_second_table_of_trend_names():
    # no translation key for a category, and no source file spelling a category name itself
    assert not [k for k in TEXTS if any(k.endswith("." + c) for c in CATEGORIES)]
    pattern = re.compile(rf"[Đđ]iểm (nóng|lạnh) ({KINDS})\b")
    offenders = []
    for d in CODE_DIRS:
        for path in ([ROOT / d] if d.endswith(".py") else (ROOT / d).rglob("*.py")):
            if path.name == "vocab.py" and path.parent.name == "core":
                continue
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if pattern.search(line):
                    offenders.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert not offenders, "\n".join(offenders)


def test_app_map_slides_pdf_and_sentences_use_the_same_words(demo_con, period):
    b = build_briefing(demo_con, period, lang="vi", compare_to=False)
    shown = b.hot.head(7)
    cats = [c for c in shown["category"] if isinstance(c, str)]
    assert cats, "the demo period shows trend categories"
    slide = b.slides[1]
    col = slide.table["Xu hướng 12 tháng"].tolist()
    assert col == [label("emerging", c, "vi") if isinstance(c, str) else "" for c in shown["category"]]
    # the PDF prints the same words (pypdf text, whitespace folded)
    pdf = pypdf.PdfReader(io.BytesIO(write_pdf(b, images={n: _blank_png() for s in b.slides for n in s.visuals})))
    text = " ".join(" ".join(p.extract_text().split()) for p in pdf.pages)
    for c in set(cats):
        assert label("emerging", c, "vi") in text
    # the app's hot spot table, for the same cells
    hs = b.hotspots[["h3", "count", "z", "p", "bin"]]
    vil = b.villages.assign(lat=b.villages.geometry.y, lon=b.villages.geometry.x)[["name", "commune", "lat", "lon"]]
    table = hotspot_table(hs, b.hotspots[["h3", "category"]].dropna(), vil,
                          pd.DataFrame(columns=["name", "lat", "lon"]), "vi")
    got = dict(zip(table["h3"], table["category_label"], strict=True))
    for h, c in zip(shown["h3"], shown["category"], strict=True):
        if isinstance(c, str):
            assert got[h] == label("emerging", c, "vi")
    # the map's tooltip and legend, and the alert text of the Villages tab
    cells = [h3.latlng_to_cell(16.6 + i / 20, 106.6, 7) for i in range(2)]
    gdf = cell_frame(pd.DataFrame({"h3": cells, "category": ["persistent_hot", "diminishing_hot"],
                                   "trend_tau": [0.1, -0.4], "trend_p": [0.5, 0.02], "share_hot": [0.9, 0.5]}))
    (layer,) = [c for c in _walk(emerging_layer.render(gdf, lang="vi")) if isinstance(c, HexLayer)]
    assert "Điểm nóng kéo dài" in layer.rows[0][1] and "Điểm nóng đang giảm" in layer.rows[1][1]
    assert [x for _, x in emerging_layer.legend(gdf, lang="vi")][:2] == ["Điểm nóng kéo dài", "Điểm nóng đang giảm"]
    assert "điểm nóng đang gia tăng".lower() in alert_text("hotspot:intensifying_hot", "vi").lower()
    # the change sentence about a recognised village inside an intensifying hot spot
    v = {"name": "Thôn A", "commune": "Lìa", "status": "recognised", "alert": False, "reason": "",
         "cell_category": None}
    prev = {"period": ["2026-08-01", "2026-10-31"], "figures": {}, "hotspots": [], "villages": {"V": v}}
    cur = {**prev, "villages": {"V": {**v, "cell_category": "intensifying_hot"}}}
    assert any("điểm nóng đang gia tăng: Thôn A" in s for s in describe_changes(prev, cur, lang="vi"))


def _blank_png() -> bytes:
    from PIL import Image
    buf = io.BytesIO()
    Image.new("RGB", (62, 70), "white").save(buf, format="PNG")
    return buf.getvalue()
