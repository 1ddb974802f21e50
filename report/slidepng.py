"""One 1920×1080 PNG per slide (``borderwatch briefing --png DIR``), drawn with matplotlib.

The same slide data as the PDF and the projector: title, subtitle, the slide's map or
charts, key figures, the table and the sentences, and the footer line.
"""
from __future__ import annotations

import io
import threading
import weakref
from collections.abc import Callable, Sequence
from pathlib import Path

import matplotlib.image as mpimg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Text

from core.i18n import t
from report.canvas import new_figure, png_bytes, renderer_of
from report.pdf import footer_lines
from report.slides import Briefing, Slide

INK = "#111111"
RED = "#B2182B"


#: Lines already wrapped on a figure: :func:`fit_lines` re-measures the same texts at each font scale and
#: after each dropped row, and measuring a text is most of the time a slide takes to draw.
_WRAPPED: weakref.WeakKeyDictionary[Figure, dict[tuple[str, float, str, float], list[str]]] = \
    weakref.WeakKeyDictionary()
_WRAPPED_LOCK = threading.Lock()


def _wrap(fig: Figure, text: str, size: float, weight: str, max_px: float) -> list[str]:
    """Greedy word wrap by the rendered width (not a character count), so a line never runs past
    ``max_px``; a single word wider than that stays on its own line. Remembered per figure."""
    with _WRAPPED_LOCK:
        done = _WRAPPED.setdefault(fig, {})
    key = (text, size, weight, max_px)
    if key not in done:
        done[key] = _measure_wrap(fig, text, size, weight, max_px)
    return list(done[key])


def _first_over(texts: Sequence[str], over: Callable[[str], bool], guess: int) -> int:
    """The index of the first of ``texts`` that is ``over``, else ``len(texts)``, for ``over`` False then
    True along ``texts`` (monotonic). The search starts at ``guess`` and steps outwards (1, 2, 4, …) until
    it brackets the answer, then halves the bracket: two calls when the guess is right."""
    below, hi = -1, len(texts)          # over(texts[below]) is False, over(texts[hi]) True (both virtual)
    if not texts:
        return 0
    k, step = min(max(guess, 0), hi - 1), 1
    if over(texts[k]):
        hi = k
        k -= 1
        while k > below:
            if not over(texts[k]):
                below = k
                break
            hi, step = k, step * 2
            k = hi - step
    else:
        below = k
        k += 1
        while k < hi:
            if over(texts[k]):
                hi = k
                break
            below, step = k, step * 2
            k = below + step
    while hi - below > 1:
        mid = (below + hi) // 2
        if over(texts[mid]):
            hi = mid
        else:
            below = mid
    return hi


#: Words that never start a line: "↓ 31 %" must not leave "%" alone on the next one.
_GLUED = frozenset({"%"})


def _glued(words: list[str]) -> list[str]:
    """``words`` with each of :data:`_GLUED` joined to the word before it (the wrapped text is unchanged)."""
    out: list[str] = []
    for w in words:
        if w in _GLUED and out:
            out[-1] = f"{out[-1]} {w}"
        else:
            out.append(w)
    return out


def _measure_wrap(fig: Figure, text: str, size: float, weight: str, max_px: float) -> list[str]:
    """The greedy wrap: a line takes words while it fits. A line only grows wider as words are added
    (glyphs are laid left to right), so the first word that does not fit is found by bisection, starting
    at the guess the last measured width per character gives, instead of measuring every longer line."""
    renderer = renderer_of(fig)
    probe = fig.text(0, 0, "", fontsize=size, fontweight=weight)
    per_char = size * fig.dpi / 72 * 0.55           # pixels per character: a first guess, then the last measured

    def over(s: str) -> bool:
        nonlocal per_char
        probe.set_text(s)
        w = probe.get_window_extent(renderer).width
        per_char = w / max(len(s), 1)
        return w > max_px

    lines: list[str] = []
    for para in text.split("\n"):
        words = _glued(para.split(" "))
        line, i = "", 0
        while i < len(words):
            if not line:                # a line starts with its first word, whatever its width
                line, i = words[i], i + 1
                continue
            cands = [line]              # cands[j]: the line plus the next j words
            for word in words[i:]:
                cands.append(f"{cands[-1]} {word}")
            room = max_px / max(per_char, 1e-6)
            j = _first_over(cands[1:], over, sum(len(c) <= room for c in cands[1:]) - 1)
            if j == len(cands) - 1:     # every word fits
                line, i = cands[-1], len(words)
            else:
                lines.append(cands[j])
                line, i = words[i + j], i + j + 1
        lines.append(line)
    probe.remove()
    return lines


LINE = 1.45                 # line height, in font sizes
GAP = 0.006                 # space after each entry, figure fraction
MIN_SCALE = 0.7             # body text shrinks down to 70 % before rows are dropped
TITLE_MIN = 22.0            # pt: a title shrinks to this, then is cut with "…"

Line = tuple[str, float, str]


def _block_height(fig: Figure, lines: Sequence[Line], max_px: float, scale: float) -> float:
    """Height (figure fraction) of ``lines`` written by :func:`_text_block` at ``scale``."""
    return sum(len(_wrap(fig, text, size * scale, weight, max_px)) * size * scale * LINE / fig.bbox.height + GAP
               for text, size, weight in lines)


def fit_lines(fig: Figure, lines: list[Line], *, x: float, top: float, bottom: float, right: float = 0.985,
              rows: tuple[int, int] = (0, 0), more: Callable[[int], str] | None = None) -> tuple[list[Line], float]:
    """``lines`` and the font scale that make them fit between ``top`` and ``bottom`` (figure fraction).

    The text shrinks first (down to :data:`MIN_SCALE`); if it still does not fit, lines are dropped —
    the table rows ``lines[rows[0]:rows[1]]`` from the last, then lines from the end — and a line
    ``more(n)`` ("… and N more") says how many went.
    """
    max_px = (right - x) * fig.bbox.width
    room = top - bottom
    # the block only grows with the scale (wider text wraps to more lines, each taller): when it does not fit
    # at MIN_SCALE it fits at no scale, so the sizes between are tried only when the smallest fits
    if _block_height(fig, lines, max_px, 1.0) <= room:
        return lines, 1.0
    if _block_height(fig, lines, max_px, MIN_SCALE) <= room:
        return lines, next(s for s in (0.9, 0.8, MIN_SCALE) if _block_height(fig, lines, max_px, s) <= room)
    kept, (start, stop), dropped = list(lines), rows, 0
    while kept:
        if stop > start:
            stop -= 1
            kept.pop(stop)
        else:
            kept.pop()
        dropped += 1
        out = kept + [(more(dropped), 17, "normal")] if more else kept
        if _block_height(fig, out, max_px, MIN_SCALE) <= room:
            return out, MIN_SCALE
    return [], MIN_SCALE


def _text_block(fig: Figure, x: float, y: float, lines: Sequence[Line], *, right: float = 0.985,
                scale: float = 1.0) -> float:
    """Write (text, size, weight) lines from (x, y) downwards (figure fraction), wrapped to end
    before ``right``, sizes times ``scale``; return the next y."""
    max_px = (right - x) * fig.bbox.width
    for text, size, weight in lines:
        size *= scale
        for part in _wrap(fig, text, size, weight, max_px):
            fig.text(x, y, part, fontsize=size, fontweight=weight, color=INK, va="top")
            y -= size * LINE / fig.bbox.height
        y -= GAP
    return y


def _fitted_text(fig: Figure, x: float, y: float, text: str, *, size: float, right_px: float,
                 min_size: float, **kw) -> Text:
    """One line of text at (x, y), shrunk (down to ``min_size``) and then cut with "…" so that it ends
    before ``right_px`` (pixels from the left)."""
    renderer = renderer_of(fig)
    artist = fig.text(x, y, text, fontsize=size, **kw)
    while artist.get_window_extent(renderer).x1 > right_px and size > min_size:
        size = max(min_size, size - 1)
        artist.set_fontsize(size)
    cut = text
    while artist.get_window_extent(renderer).x1 > right_px and len(cut) > 1:
        cut = cut[:-1].rstrip()
        artist.set_text(cut + "…")
    return artist


def _table_lines(s: Slide) -> list[tuple[str, float, str]]:
    if s.table is None or s.table.empty:
        return []
    out: list[tuple[str, float, str]] = [("  ·  ".join(str(c) for c in s.table.columns), 17, "bold")]
    out += [("  ·  ".join(str(v) for v in r), 17, "normal") for r in s.table.itertuples(index=False)]
    return out


def slide_png(b: Briefing, s: Slide, images: dict[str, bytes], *, classification: str | None = None) -> bytes:
    """The slide as a 1920×1080 PNG."""
    return png_bytes(slide_figure(b, s, images, classification=classification), dpi=100)


def slide_figure(b: Briefing, s: Slide, images: dict[str, bytes], *, classification: str | None = None) -> Figure:
    """The slide's matplotlib Figure (1920×1080 at 100 dpi).

    The title shrinks (then is cut with "…") to end before the classification stamp; the body text
    shrinks, then drops table rows with "… and N more", to end above the footer.
    """
    fig = new_figure(19.2, 10.8, dpi=100)
    renderer = renderer_of(fig)
    flag = t("report.classification.default", b.lang) if classification is None else classification
    right_px = 0.988 * fig.bbox.width
    if flag:
        stamp = fig.text(0.988, 0.97, flag, fontsize=20, fontweight="bold", color=RED, va="top", ha="right",
                         bbox=dict(boxstyle="square,pad=0.25", fc="white", ec=RED, lw=2))
        stamp.set_gid("stamp")
        right_px = stamp.get_window_extent(renderer).x0 - 0.012 * fig.bbox.width
    _fitted_text(fig, 0.012, 0.975, s.title, size=40, right_px=right_px, min_size=TITLE_MIN, fontweight="bold",
                 color=INK, va="top").set_gid("title")
    _fitted_text(fig, 0.012, 0.905, s.subtitle, size=20, right_px=0.988 * fig.bbox.width, min_size=14, color=INK,
                 va="top").set_gid("subtitle")
    fig.add_artist(Line2D([0.012, 0.988], [0.875, 0.875], color=INK, lw=3))
    foot = footer_lines(b)
    footer = fig.text(0.012, 0.012, foot[0] + "\n" + foot[1], fontsize=12, color=INK, linespacing=1.4,
                      gid="footer")
    bottom = footer.get_window_extent(renderer).y1 / fig.bbox.height + 0.012
    maps = [v for v in s.visuals if v.startswith("map:")]
    charts = [v for v in s.visuals if v.startswith("chart:")]
    lines: list[Line] = []
    for c in s.cards:
        lines.append((f"{c.get('symbol', '')} {c['label']}: {c['value']}  {c.get('change', '')}".strip(), 22, "bold"))
        lines += [(f"   {n}", 17, "normal") for n in (c.get("note"), c.get("note2")) if n]
    table = _table_lines(s)
    rows = (len(lines) + 1, len(lines) + len(table)) if table else (0, 0)
    lines += table + [("• " + x, 20, "normal") for x in s.bullets]
    if maps:
        ax = fig.add_axes((0.012, bottom, 0.40, 0.86 - bottom))
        ax.imshow(mpimg.imread(io.BytesIO(images[maps[0]]), format="png"))
        ax.set_axis_off()
        x, top = 0.43, 0.85
    elif charts:
        n = len(charts)
        for i, name in enumerate(charts):
            ax = fig.add_axes((0.012 + i * 0.99 / n, 0.30, 0.97 / n, 0.56))
            ax.imshow(mpimg.imread(io.BytesIO(images[name]), format="png"))
            ax.set_axis_off()
        x, top = 0.02, 0.28
    else:
        lines = [(x, 26, "normal") for x, _, _ in lines]
        x, top = 0.02, 0.85
    fitted, scale = fit_lines(fig, lines, x=x, top=top, bottom=bottom, rows=rows,
                              more=lambda k: "• " + t("report.table.more", b.lang, n=k))
    _text_block(fig, x, top, fitted, scale=scale)
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
