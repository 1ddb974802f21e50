"""The briefing PDF read back with pypdf: pages, 16:9, Vietnamese text, images, embedded fonts.
The Vietnamese PDF is built once for the module (the tests only read it), from the read-only store."""
from __future__ import annotations

import io

import pypdf
import pytest

from report.pdf import build_briefing_pdf


@pytest.fixture(scope="module")
def pdf_vi(shared_con, period):
    steps = []
    data = build_briefing_pdf(shared_con, period, lang="vi", unit="Đồn Biên phòng Cửa khẩu Quốc tế Lao Bảo",
                              classification="MẬT", progress=lambda f, m: steps.append((f, m)))
    return pypdf.PdfReader(io.BytesIO(data)), steps


def test_pages_size_and_progress(pdf_vi):
    reader, steps = pdf_vi
    assert len(reader.pages) == 8                       # title + seven slides
    for page in reader.pages:
        w, h = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(w / h - 16 / 9) < 1e-3
    fractions = [f for f, _ in steps]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0 and steps[-1][1] == "Xong"


def test_vietnamese_text_on_every_page(pdf_vi):
    reader, _ = pdf_vi
    texts = [p.extract_text() for p in reader.pages]
    assert "BÁO CÁO GIAO BAN" in texts[0] and "Kỳ báo cáo: 01/08/2026 – 31/10/2026" in texts[0]
    assert "Đơn vị: Đồn Biên phòng Cửa khẩu Quốc tế Lao Bảo" in texts[0]
    for heading, text in zip(["Tổng quan tình hình tội phạm ma túy", "Điểm nóng",
                              "Thôn, bản không có tội phạm và tệ nạn ma túy", "Diễn biến theo tháng",
                              "Tuyến, hướng: cửa khẩu, đường mòn, đoạn biên giới",
                              "Tuần tra và khoảng trống",
                                  "So với cùng kỳ năm trước và buổi giao ban trước"],
                             texts[1:], strict=True):
        assert heading in text
    for n, text in enumerate(texts, start=1):
        assert f"Trang {n}/8" in text and "MẬT" in text
        assert "Natural Earth" in text and "Dữ liệu minh họa" in text
        assert "Tạo lúc" in text and "Phiên bản dữ liệu" in text
    assert "Gần thôn, bản" in texts[2] and "Xã" in texts[2]
    assert "Cửa khẩu quốc tế Lao Bảo" in texts[5]


def test_images_and_fonts_embedded(pdf_vi):
    reader, _ = pdf_vi
    for i in (1, 2, 3, 4, 5):                          # maps and charts
        assert len(reader.pages[i].images) >= 1
    assert len(reader.pages[5].images) == 2            # corridor: two charts
    fonts = {}
    for page in reader.pages:
        for f in page["/Resources"]["/Font"].values():
            f = f.get_object()
            fonts[f["/BaseFont"]] = f
    names = {str(n).split("+")[-1] for n in fonts}                  # subset prefix "ABCDEF+" dropped
    assert names == {"DejaVuSansBook", "DejaVuSansBold"}
    for f in fonts.values():
        desc = f["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        assert "/FontFile2" in desc                    # the TrueType program is in the file


def test_english_pack(shared_con, period):
    reader = pypdf.PdfReader(io.BytesIO(build_briefing_pdf(shared_con, period, lang="en")))
    text = "".join(p.extract_text() for p in reader.pages)
    assert "Hotspots" in text and "Page 8/8" in text and "FOR INTERNAL USE" in text and "Illustrative data" in text


def test_store_without_border_is_a_clear_refusal(empty_con, period):
    from core.errors import InputError
    with pytest.raises(InputError, match="đường biên giới"):
        build_briefing_pdf(empty_con, period, lang="vi")


def test_period_without_incidents_still_builds(shared_con):
    import datetime as dt

    from data.filters import Filter
    reader = pypdf.PdfReader(io.BytesIO(build_briefing_pdf(
        shared_con, Filter(date_from=dt.date(2020, 1, 1), date_to=dt.date(2020, 3, 31)), lang="vi")))
    assert len(reader.pages) == 8 and "0 vụ" in reader.pages[1].extract_text()
