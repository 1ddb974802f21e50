"""The briefing names the villages whose review date has passed (on the day it is made)."""
from __future__ import annotations

import datetime as dt
import io

import pypdf

from report.pdf import write_pdf
from report.slides import build_briefing, overdue_reviews


def test_overdue_reviews_in_the_slide_and_the_pdf(demo_con, period):
    now = dt.datetime(2026, 11, 29, 9, 0)
    vid, name = demo_con.execute("SELECT id, name FROM villages ORDER BY id LIMIT 1").fetchone()
    demo_con.execute("INSERT INTO village_status (village_id, status, decided_on, decision_ref, review_due) "
                     "VALUES (?, 'recognised', DATE '2025-11-01', 'QĐ 77/QĐ-UBND', DATE '2020-01-01')", [vid])
    expected = demo_con.execute("""
        SELECT count(*) FROM (
          SELECT review_due, row_number() OVER (PARTITION BY village_id ORDER BY decided_on DESC) AS rn
          FROM village_status) WHERE rn = 1 AND review_due < DATE '2026-11-29'""").fetchone()[0]
    b = build_briefing(demo_con, period, lang="vi", compare_to=False, now=now)
    over = overdue_reviews(b)
    assert len(over) == expected and over.iloc[0]["name"] == name            # the longest overdue first
    line = next(x for x in b.slides[2].bullets if "quá hạn xem xét lại" in x)
    assert line.startswith(f"{expected} thôn, bản quá hạn xem xét lại công nhận (đến 29/11/2026): {name}")
    text = " ".join(" ".join(p.extract_text().split()) for p in pypdf.PdfReader(io.BytesIO(write_pdf(b))).pages)
    assert f"{expected} thôn, bản quá hạn xem xét lại công nhận (đến 29/11/2026): {name}" in text
    # a review set in the future is not overdue
    demo_con.execute("UPDATE village_status SET review_due = DATE '2027-11-01' WHERE decision_ref = 'QĐ 77/QĐ-UBND'")
    b = build_briefing(demo_con, period, lang="vi", compare_to=False, now=now)
    assert name not in set(overdue_reviews(b)["name"]) and len(overdue_reviews(b)) == expected - 1
