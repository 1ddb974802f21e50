"""One 1920×1080 PNG per slide (``borderwatch briefing --png DIR``), drawn with matplotlib.

The same slide data as the PDF and the projector: title, subtitle, the slide's map or
charts, key figures, the table and the sentences, and the footer line.
"""
from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

import matplotlib.image as mpimg
from matplotlib.lines import Line2D

from core.i18n import t
from report.canvas import new_figure, png_bytes
from report.pdf import footer_lines
from report.slides import Briefing, Slide

INK = "#111111"
RED = "#B2182B"


def _wrap(fig, text: str, size: float, weight: str, max_px: float) -> list[str]:
    """Greedy word wrap by the rendered width (not a character count), so a line never runs past
    ``max_px``; a single word wider than that stays on its own line."""
    renderer = fig.canvas.get_renderer()
    probe = fig.text(0, 0, "", fontsize=size, fontweight=weight)

    def width(s: str) -> float:
        probe.set_text(s)
        return probe.get_window_extent(renderer).width

    lines: list[str] = []
    for para in text.split("\n"):
        line = ""
        for word in para.split(" "):
            cand = f"{line} {word}" if line else word
            if line and width(cand) > max_px:
                lines.append(line)
                line = word
            else:
                line = cand
        lines.append(line)
    probe.remove()
    return lines


def _text_block(fig, x: float, y: float, lines: Sequence[tuple[str, float, str]], *, right: float = 0.985) -> float:
    """Write (text, size, weight) lines from (x, y) downwards (figure fraction), wrapped to end
    before ``right``; return the next y."""
    max_px = (right - x) * fig.bbox.width
    for text, size, weight in lines:
        for part in _wrap(fig, text, size, weight, max_px):
            fig.text(x, y, part, fontsize=size, fontweight=weight, color=INK, va="top")
            y -= size * 1.45 / 1080
        y -= 0.006
    return y


def _table_lines(s: Slide) -> list[tuple[str, float, str]]:
    if s.table is None or s.table.empty:
        return []
    out: list[tuple[str, float, str]] = [("  ·  ".join(str(c) for c in s.table.columns), 17, "bold")]
    out += [("  ·  ".join(str(v) for v in r), 17, "normal") for r in s.table.itertuples(index=False)]
    return out


def slide_png(b: Briefing, s: Slide, images: dict[str, bytes], *, classification: str | None = None) -> bytes:
    """The slide as a 1920×1080 PNG."""
    return png_bytes(slide_figure(b, s, images, classification=classification), dpi=100)


def slide_figure(b: Briefing, s: Slide, images: dict[str, bytes], *, classification: str | None = None):
    """The slide's matplotlib Figure (1920×1080 at 100 dpi)."""
    fig = new_figure(19.2, 10.8, dpi=100)
    fig.text(0.012, 0.975, s.title, fontsize=40, fontweight="bold", color=INK, va="top")
    flag = t("report.classification.default", b.lang) if classification is None else classification
    if flag:
        fig.text(0.988, 0.97, flag, fontsize=20, fontweight="bold", color=RED, va="top", ha="right",
                 bbox=dict(boxstyle="square,pad=0.25", fc="white", ec=RED, lw=2))
    fig.text(0.012, 0.905, s.subtitle, fontsize=20, color=INK, va="top")
    fig.add_artist(Line2D([0.012, 0.988], [0.875, 0.875], color=INK, lw=3))
    maps = [v for v in s.visuals if v.startswith("map:")]
    charts = [v for v in s.visuals if v.startswith("chart:")]
    lines: list[tuple[str, float, str]] = []
    for c in s.cards:
        lines.append((f"{c.get('symbol', '')} {c['label']}: {c['value']}  {c.get('change', '')}".strip(), 22, "bold"))
        lines += [(f"   {n}", 17, "normal") for n in (c.get("note"), c.get("note2")) if n]
    lines += _table_lines(s) + [("• " + x, 20, "normal") for x in s.bullets]
    if maps:
        ax = fig.add_axes((0.012, 0.06, 0.40, 0.80))
        ax.imshow(mpimg.imread(io.BytesIO(images[maps[0]]), format="png"))
        ax.set_axis_off()
        _text_block(fig, 0.43, 0.85, lines)
    elif charts:
        n = len(charts)
        for i, name in enumerate(charts):
            ax = fig.add_axes((0.012 + i * 0.99 / n, 0.30, 0.97 / n, 0.56))
            ax.imshow(mpimg.imread(io.BytesIO(images[name]), format="png"))
            ax.set_axis_off()
        _text_block(fig, 0.02, 0.28, lines)
    else:
        _text_block(fig, 0.02, 0.85, [(x, 26, "normal") for x, _, _ in lines])
    foot = footer_lines(b)
    fig.text(0.012, 0.012, foot[0] + "\n" + foot[1], fontsize=12, color=INK, linespacing=1.4)
    return fig


def write_slide_pngs(b: Briefing, images: dict[str, bytes], folder: Path, *,
                     classification: str | None = None) -> list[Path]:
    """Write ``01-overview.png`` … ``06-changes.png`` into ``folder``; return the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, s in enumerate(b.slides, start=1):
        path = folder / f"{i:02d}-{s.key}.png"
        path.write_bytes(slide_png(b, s, images, classification=classification))
        paths.append(path)
    return paths
