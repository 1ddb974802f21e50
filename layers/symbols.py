"""Point symbols as inline SVG: the same markup draws the map marker and its legend entry.

Shapes are the ones named in :mod:`core.palette` (``circle``, ``triangle``, ``cross``...),
so colour is always doubled by shape (colour-blind viewers, greyscale printouts) and no
symbol depends on a font being installed on the laptop. A white halo keeps symbols
readable over the heat layer and on a washed-out projector.
"""
from __future__ import annotations

import html
import math

# Paths in a 20 x 20 box centred on (0, 0).
_POLY = {
    "triangle": [(0, -8.5), (8.5, 6.5), (-8.5, 6.5)],
    "triangle-down": [(0, 8.5), (8.5, -6.5), (-8.5, -6.5)],
    "square": [(-7, -7), (7, -7), (7, 7), (-7, 7)],
    "diamond": [(0, -9), (8, 0), (0, 9), (-8, 0)],
    "shield": [(-7, -8), (7, -8), (7, 1), (0, 9), (-7, 1)],
}


def _star(r_out: float = 9.5, r_in: float = 4.0) -> list[tuple[float, float]]:
    pts = []
    for i in range(10):
        r = r_out if i % 2 == 0 else r_in
        a = -math.pi / 2 + i * math.pi / 5
        pts.append((round(r * math.cos(a), 2), round(r * math.sin(a), 2)))
    return pts


def _points(pts) -> str:
    return " ".join(f"{x:g},{y:g}" for x, y in pts)


SHAPES = ("circle", "circle-open", "triangle", "triangle-down", "square", "diamond", "star", "cross", "shield")


def symbol_svg(shape: str, color: str, *, size: int = 16, halo: str = "#FFFFFF") -> str:
    """SVG markup of ``shape`` filled with ``color`` (outlined for ``circle-open``).

    >>> symbol_svg("circle", "#009E73", size=10)[:40]
    '<svg xmlns="http://www.w3.org/2000/svg" '
    """
    if shape not in SHAPES:
        raise ValueError(f"unknown symbol shape {shape!r}; valid: {', '.join(SHAPES)}")
    c, h = html.escape(color, quote=True), html.escape(halo, quote=True)
    if shape == "circle":
        body = f'<circle r="7.5" fill="{c}" stroke="{h}" stroke-width="2"/>'
    elif shape == "circle-open":
        body = (f'<circle r="7" fill="{h}" fill-opacity="0.6" stroke="{h}" stroke-width="5"/>'
                f'<circle r="7" fill="none" stroke="{c}" stroke-width="3"/>')
    elif shape == "cross":
        d = "M-6,-6L6,6M6,-6L-6,6"
        body = (f'<path d="{d}" stroke="{h}" stroke-width="7" stroke-linecap="round"/>'
                f'<path d="{d}" stroke="{c}" stroke-width="4" stroke-linecap="round"/>')
    else:
        pts = _star() if shape == "star" else _POLY[shape]
        body = f'<polygon points="{_points(pts)}" fill="{c}" stroke="{h}" stroke-width="2" stroke-linejoin="round"/>'
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" viewBox="-10 -10 20 20" '
            f'class="bw-sym bw-{shape}">{body}</svg>')
