"""The briefing pack as a 16:9 PDF (fpdf2), DejaVu Sans embedded for Vietnamese diacritics.

A title page (period, unit, classification line), then one page per slide with its
static map or charts, key figures, tables and sentences. Every page carries the page
number, the data sources (with the demo label on demo data), the generation time and
the data version. :func:`build_briefing_pdf` is what the dashboard's download button
and ``borderwatch briefing`` call.
"""
from __future__ import annotations

import io
from pathlib import Path

import matplotlib
from fpdf import FPDF
from fpdf.enums import MethodReturnValue
from fpdf.fonts import FontFace
from fpdf.util import Padding

from core.i18n import t
from core.vocab import label
from data.filters import Filter
from report.charts import render_visual
from report.slides import Briefing, Slide, build_briefing

PAGE_W, PAGE_H = 338.667, 190.5            # mm, 13.333 x 7.5 in: 16:9
MARGIN = 10.0
INK = (17, 17, 17)
CLASSIFICATION_RED = (178, 24, 43)
FONT = "DejaVu"
DPI = 150


def font_paths() -> tuple[Path, Path]:
    """DejaVu Sans regular and bold as shipped inside matplotlib (no system fonts)."""
    root = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    return root / "DejaVuSans.ttf", root / "DejaVuSans-Bold.ttf"


class _Pdf(FPDF):
    def __init__(self, b: Briefing, *, classification: str, footer_lines: list[str]):
        super().__init__(orientation="L", unit="mm", format=(PAGE_H, PAGE_W))
        regular, bold = font_paths()
        self.add_font(FONT, "", str(regular))
        self.add_font(FONT, "B", str(bold))
        self.set_auto_page_break(False)
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.b, self.classification, self.footer_lines = b, classification, footer_lines
        self.set_title(t("report.title", b.lang).replace("\n", " "))
        self.set_creator("borderwatch")

    def header(self):
        if self.classification:
            self.set_font(FONT, "B", 11)
            self.set_text_color(*CLASSIFICATION_RED)
            self.set_xy(PAGE_W - MARGIN - 90, 4)
            self.cell(90, 6, self.classification, align="R")
        self.set_text_color(*INK)

    def footer(self):
        self.set_draw_color(*INK)
        self.set_line_width(0.3)
        self.line(MARGIN, PAGE_H - 13.5, PAGE_W - MARGIN, PAGE_H - 13.5)
        self.set_font(FONT, "", 8)
        self.set_text_color(*INK)
        self.set_xy(MARGIN, PAGE_H - 12.5)
        self.multi_cell(PAGE_W - 2 * MARGIN - 30, 3.6, "\n".join(self.footer_lines))
        self.set_font(FONT, "B", 10)
        self.set_xy(PAGE_W - MARGIN - 30, PAGE_H - 12.5)
        self.cell(30, 5, t("report.footer.page", self.b.lang, n=self.page_no(), total="{nb}"), align="R")


def scope_text(flt: Filter, lang: str) -> str:
    """The non-period filter values in words (``toàn tuyến`` when there are none)."""
    parts = []
    if flt.articles:
        parts.append(", ".join(f"Điều {a}" if lang == "vi" else f"Art. {a}" for a in flt.articles))
    if flt.drugs:
        parts.append(", ".join(label("drug", d, lang) for d in flt.drugs))
    for values in (flt.stations, flt.communes, flt.villages):
        if values:
            parts.append(", ".join(values))
    return "; ".join(parts) or t("report.filters.all", lang)


def footer_lines(b: Briefing) -> list[str]:
    src = t("report.footer.sources", b.lang, attribution=b.attribution or "Natural Earth")
    if b.demo:
        src += " · " + t("report.demo", b.lang)
    when = b.generated_at.strftime("%d/%m/%Y %H:%M") if b.lang == "vi" else b.generated_at.strftime("%Y-%m-%d %H:%M")
    return [src, t("report.footer.generated", b.lang, when=when) + " · " +
            t("report.footer.version", b.lang, version=b.version.hash)]


def _title_page(pdf: _Pdf, b: Briefing, *, unit: str | None, snapshot_id: int | None) -> None:
    pdf.add_page()
    lang = b.lang
    if pdf.classification:
        pdf.set_font(FONT, "B", 20)
        pdf.set_text_color(*CLASSIFICATION_RED)
        pdf.set_draw_color(*CLASSIFICATION_RED)
        pdf.set_line_width(0.8)
        pdf.set_xy(PAGE_W / 2 - 60, 16)
        pdf.cell(120, 12, pdf.classification, border=1, align="C")
    pdf.set_text_color(*INK)
    pdf.set_font(FONT, "B", 28)
    pdf.set_xy(MARGIN + 10, 42)
    pdf.multi_cell(PAGE_W - 2 * MARGIN - 20, 13, t("report.title", lang), align="C")
    pdf.ln(4)
    pdf.set_font(FONT, "", 14)
    pdf.set_x(MARGIN + 10)
    pdf.multi_cell(PAGE_W - 2 * MARGIN - 20, 7, t("report.plan", lang), align="C")
    pdf.ln(6)
    lines = [t("report.period", lang, period=b.period_text()), t("report.filters", lang, text=scope_text(b.flt, lang))]
    if unit:
        lines.append(t("report.unit_line", lang, unit=unit))
    if snapshot_id is not None:
        lines.append(t("report.snapshot_line", lang, id=snapshot_id))
    pdf.set_font(FONT, "B", 18)
    for line in lines:
        pdf.set_x(MARGIN + 10)
        pdf.multi_cell(PAGE_W - 2 * MARGIN - 20, 10, line, align="C")
        pdf.set_font(FONT, "", 15)
    if b.demo:
        pdf.set_font(FONT, "B", 16)
        pdf.set_text_color(*CLASSIFICATION_RED)
        pdf.set_xy(MARGIN, PAGE_H - 32)
        pdf.cell(PAGE_W - 2 * MARGIN, 9, t("report.demo", lang), align="C")
        pdf.set_text_color(*INK)


def _heading(pdf: _Pdf, s: Slide) -> float:
    pdf.set_xy(MARGIN, 9)
    room = PAGE_W - 2 * MARGIN - 90
    pdf.set_font(FONT, "B", _fit_size(pdf, s.title, room, bold=True, size=22, min_size=14))
    pdf.cell(room, 11, s.title)
    pdf.set_xy(MARGIN, 21)
    pdf.set_font(FONT, "", _fit_size(pdf, s.subtitle, PAGE_W - 2 * MARGIN, bold=False, size=12, min_size=8))
    pdf.cell(PAGE_W - 2 * MARGIN, 6, s.subtitle)
    pdf.set_line_width(0.6)
    pdf.line(MARGIN, 29, PAGE_W - MARGIN, 29)
    return 32.0


def _image(pdf: _Pdf, png: bytes, x: float, y: float, w: float, h: float) -> None:
    pdf.image(io.BytesIO(png), x=x, y=y, w=w, h=h)


def _cards(pdf: _Pdf, cards: list[dict], x: float, y: float, w: float, *, cols: int, h: float) -> float:
    cw = (w - (cols - 1) * 4) / cols
    for i, c in enumerate(cards):
        cx, cy = x + (i % cols) * (cw + 4), y + (i // cols) * (h + 4)
        pdf.set_draw_color(*INK)
        pdf.set_line_width(0.5)
        pdf.rect(cx, cy, cw, h)
        pdf.set_xy(cx + 3, cy + 2)
        pdf.set_font(FONT, "", 10.5)
        pdf.cell(cw - 6, 5, (c.get("symbol", "") + " " if c.get("symbol") else "") + c["label"])
        pdf.set_xy(cx + 3, cy + 8)
        pdf.set_font(FONT, "B", 18)
        pdf.cell(cw * 0.6, 9, c["value"])
        if c.get("change"):
            pdf.set_font(FONT, "B", 15)
            pdf.set_xy(cx + cw * 0.55, cy + 8)
            pdf.cell(cw * 0.45 - 3, 9, c["change"], align="R")
        notes = [n for n in (c.get("note"), c.get("note2")) if n]
        pdf.set_font(FONT, "", 8.5)
        for k, note in enumerate(notes):
            pdf.set_xy(cx + 3, cy + h - 2 - 4.5 * (len(notes) - k))
            pdf.cell(cw - 6, 4.5, note)
    rows = (len(cards) + cols - 1) // cols
    return y + rows * (h + 4)


TABLE_PADDING = 1.2       # mm, each side of a table cell
TABLE_MAX_LINES = 2       # a longer cell is cut and ends in "…"
ELLIPSIS = "…"


def _text_width(pdf: _Pdf, text: str, *, bold: bool, size: float) -> float:
    pdf.set_font(FONT, "B" if bold else "", size)
    return max((pdf.get_string_width(line) for line in text.split("\n")), default=0.0)


def column_widths(natural: list[float], total: float) -> list[float]:
    """Column widths (mm) that sum to ``total``: each column gets its natural width when all fit,
    otherwise narrow columns keep theirs and the wide ones share the rest equally (max-min fair),
    so no column falls below ``min(natural, total / n)``.

    >>> column_widths([5, 50, 100], 100)
    [5, 47.5, 47.5]
    >>> column_widths([10, 30], 80)
    [20.0, 60.0]
    """
    if sum(natural) <= total:
        scale = total / max(sum(natural), 1e-9)
        return [n * scale for n in natural]
    widths, left, order = list(natural), total, sorted(range(len(natural)), key=lambda i: natural[i])
    for k, i in enumerate(order):
        share = left / (len(order) - k)
        if natural[i] > share:
            for j in order[k:]:
                widths[j] = share
            break
        left -= natural[i]
    return widths


def _clip(pdf: _Pdf, text: str, width: float, *, bold: bool, size: float, max_lines: int = TABLE_MAX_LINES) -> str:
    """``text`` cut (ending in "…") so that it wraps to at most ``max_lines`` lines in a table cell
    ``width`` mm wide (padding included, measured the way the table draws it)."""
    pdf.set_font(FONT, "B" if bold else "", size)

    room = width - 2 * TABLE_PADDING - 1.0          # 1 mm short of the line: surely one line, not laid out

    def fits(s: str) -> bool:
        if s.isprintable() and pdf.get_string_width(s) <= room:
            return True
        lines = pdf.multi_cell(width, 1, s, dry_run=True, output=MethodReturnValue.LINES,
                               padding=Padding(right=TABLE_PADDING, left=TABLE_PADDING))
        if not isinstance(lines, list):
            raise TypeError(f"fpdf multi_cell(output=LINES) returned {type(lines).__name__}, not the lines")
        return len(lines) <= max_lines

    # a cell holds two lines: a very long text (a name of 100,000 characters) is judged by its short prefixes
    # first (a prefix never wraps to more lines than the whole), not laid out in full at every step
    probe = 128
    while probe < len(text) and fits(text[:probe]):
        probe *= 2
    if probe >= len(text) and fits(text):
        return text
    lo, hi = 0, len(text)           # fits(text[:lo] + "…") holds; text[:hi] + "…" does not fit
    probe = 128
    while probe < hi:
        if not fits(text[:probe].rstrip() + ELLIPSIS):
            hi = probe
            break
        lo, probe = probe, probe * 2
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if fits(text[:mid].rstrip() + ELLIPSIS) else (lo, mid)
    return text[:lo].rstrip() + ELLIPSIS


def _table(pdf: _Pdf, table, x: float, y: float, w: float, *, size: float = 10.5,
           bottom: float = PAGE_H - 16) -> float:
    """Draw ``table`` (display strings) in ``w`` mm from ``(x, y)``; returns the y below it.

    Columns are as wide as their longest text when the table fits, else shared out by
    :func:`column_widths`. A cell wraps to at most two lines, fewer when the rows would
    otherwise run past ``bottom``; a longer text is cut with "…".
    """
    if table is None or table.empty:
        return y
    head_cells = [str(c) for c in table.columns]
    body = [[str(v) for v in r] for r in table.itertuples(index=False)]
    room = 2 * TABLE_PADDING + 0.6          # padding both sides plus a little slack for rounding
    natural = [max(_text_width(pdf, h, bold=True, size=size),
                   *(_text_width(pdf, r[j], bold=False, size=size) for r in body)) + room
               for j, h in enumerate(head_cells)]
    widths = column_widths(natural, w)
    line_h = size * 0.55
    row_room = (bottom - y) / (len(body) + 1) - 2 * TABLE_PADDING
    max_lines = max(1, min(TABLE_MAX_LINES, int(row_room // line_h)))
    head_cells = [_clip(pdf, h, widths[j], bold=True, size=size, max_lines=max_lines) for j, h in enumerate(head_cells)]
    body = [[_clip(pdf, v, widths[j], bold=False, size=size, max_lines=max_lines) for j, v in enumerate(r)]
            for r in body]
    pdf.set_xy(x, y)
    pdf.set_font(FONT, "", size)
    pdf.set_draw_color(*INK)
    pdf.set_line_width(0.3)
    head = FontFace(family=FONT, emphasis="BOLD", color=(255, 255, 255), fill_color=INK)
    with pdf.table(width=w, col_widths=widths, align="LEFT", headings_style=head, line_height=line_h,
                   text_align="LEFT", padding=TABLE_PADDING) as tab:
        tab.row(head_cells)
        for r in body:
            tab.row(r)
    return pdf.get_y() + 3


def _fit_size(pdf: _Pdf, text: str, width: float, *, bold: bool, size: float, min_size: float) -> float:
    """The largest font size (down to ``min_size``, in 0.5 pt steps) at which ``text`` fits ``width`` mm."""
    while size > min_size and _text_width(pdf, text, bold=bold, size=size) > width:
        size -= 0.5
    return size


def _bullets(pdf: _Pdf, bullets: list[str], x: float, y: float, w: float, *, size: float = 12,
             bottom: float = PAGE_H - 16) -> float:
    """The sentences from ``(x, y)``, shrunk (down to 70 %) and then cut with "… and N more" to end above
    ``bottom`` (the footer)."""
    pdf.set_font(FONT, "", size)

    def height(lines: list[str], sz: float) -> float:
        pdf.set_font(FONT, "", sz)
        total = 0.0
        for line in lines:
            h = pdf.multi_cell(w, sz * 0.5, "• " + line, dry_run=True, output=MethodReturnValue.HEIGHT)
            if not isinstance(h, float | int):
                raise TypeError(f"fpdf multi_cell(output=HEIGHT) returned {type(h).__name__}, not a height")
            total += float(h) + 1.5
        return total

    sizes = [size * f for f in (1.0, 0.9, 0.8, 0.7)]
    size = next((sz for sz in sizes if y + height(bullets, sz) <= bottom), sizes[-1])
    every = list(bullets)
    for k in range(1, len(every) + 1):
        if y + height(bullets, size) <= bottom:
            break
        bullets = [*every[:-k], t("report.table.more", pdf.b.lang, n=k)] if k < len(every) else []
    pdf.set_font(FONT, "", size)
    for line in bullets:
        pdf.set_xy(x, y)
        pdf.multi_cell(w, size * 0.5, "• " + line)
        y = pdf.get_y() + 1.5
    return y


def _slide_page(pdf: _Pdf, b: Briefing, s: Slide, images: dict[str, bytes]) -> None:
    pdf.add_page()
    top = _heading(pdf, s)
    bottom = PAGE_H - 16
    maps = [v for v in s.visuals if v.startswith("map:")]
    charts = [v for v in s.visuals if v.startswith("chart:")]
    if maps:
        mh = bottom - top
        mw = mh * 6.2 / 7.0
        _image(pdf, images[maps[0]], MARGIN, top, mw, mh)
        x, w, y = MARGIN + mw + 6, PAGE_W - 2 * MARGIN - mw - 6, top + 1
        if s.cards:
            y = _cards(pdf, s.cards, x, y, w, cols=2, h=28 if s.key == "overview" else 19)
        y = _table(pdf, s.table, x, y, w, size=10 if s.key == "villages" else 11)
        _bullets(pdf, s.bullets, x, y, w)
    elif charts:
        y = top
        if len(charts) == 1:
            ch = (bottom - top) * 0.75
            w, h = visual_sizes(charts[0])
            _image(pdf, images[charts[0]], MARGIN, y, ch * w / h, ch)
            _bullets(pdf, s.bullets, MARGIN, y + ch + 2, PAGE_W - 2 * MARGIN, size=13)
        else:
            cw = (PAGE_W - 2 * MARGIN - 6) / 2
            ch = cw * 4.5 / 8
            for i, name in enumerate(charts[:2]):
                _image(pdf, images[name], MARGIN + i * (cw + 6), y, cw, ch)
            y += ch + 2
            yb = _bullets(pdf, s.bullets, MARGIN, y, cw, size=11)
            _table(pdf, s.table, MARGIN + cw + 6, y, cw, size=10)
            del yb
    else:
        _bullets(pdf, s.bullets, MARGIN + 5, top + 4, PAGE_W - 2 * MARGIN - 10, size=16)


VISUAL_SIZES = {"chart:monthly": (11.0, 4.8)}


def visual_sizes(name: str) -> tuple[float, float]:
    """Figure size (inches) of a visual: maps 6.2 x 7, the monthly chart 11 x 4.8, other charts 8 x 4.5."""
    return VISUAL_SIZES.get(name, (6.2, 7.0) if name.startswith("map:") else (8.0, 4.5))


def render_images(b: Briefing, *, progress=None, start: float = 0.55, end: float = 0.9) -> dict[str, bytes]:
    names = [v for s in b.slides for v in s.visuals]
    out = {}
    for i, name in enumerate(names):
        if progress:
            progress(start + (end - start) * i / max(len(names), 1), t("report.progress.images", b.lang))
        w, h = visual_sizes(name)
        out[name] = render_visual(b, name, width_in=w, height_in=h, dpi=DPI)
    return out


def write_pdf(b: Briefing, *, unit: str | None = None, classification: str | None = None,
              snapshot_id: int | None = None, images: dict[str, bytes] | None = None, progress=None) -> bytes:
    """PDF bytes of a built briefing. ``classification=None`` uses the default line
    ("LƯU HÀNH NỘI BỘ"); ``""`` prints none."""
    images = images if images is not None else render_images(b, progress=progress)
    if progress:
        progress(0.92, t("report.progress.pdf", b.lang))
    cls = t("report.classification.default", b.lang) if classification is None else classification
    pdf = _Pdf(b, classification=cls, footer_lines=footer_lines(b))
    _title_page(pdf, b, unit=unit, snapshot_id=snapshot_id)
    for s in b.slides:
        _slide_page(pdf, b, s, images)
    data = bytes(pdf.output())
    if progress:
        progress(1.0, t("report.progress.done", b.lang))
    return data


def build_briefing_pdf(con, flt: Filter, *, lang: str = "vi", unit: str | None = None,
                       classification: str | None = None, progress=None, compare_to=None,
                       snapshot_id: int | None = None) -> bytes:
    """Build the briefing for ``flt`` and return the PDF bytes.

    ``progress(fraction, message)`` is called as the work advances (0..1), e.g. by a
    ``st.progress`` bar.
    """
    b = build_briefing(con, flt, lang=lang, compare_to=compare_to, progress=progress)
    return write_pdf(b, unit=unit, classification=classification, snapshot_id=snapshot_id, progress=progress)


__all__ = ["build_briefing_pdf", "write_pdf", "render_images", "font_paths", "visual_sizes", "PAGE_W", "PAGE_H"]
