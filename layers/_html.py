"""HTML for the map: escaping, popups, tooltips' place names, legend swatches, script-safe JSON.

Nothing here reads a file or touches Streamlit. Tooltip and popup strings are built with
:func:`esc` / :func:`esc_name` (escaped and cut), so no user-provided text reaches the browser
unescaped; JSON is made safe to sit inside a ``<script>`` element by :func:`js_json`.
The Leaflet elements that carry this HTML live in :mod:`layers._leaflet`.
"""
from __future__ import annotations

import html
import json
from collections.abc import Iterable

import numpy as np
import pandas as pd

from core.i18n import LANGS, fmt_date, fmt_place, t

TEXT_MAX = 160              # longest free text shown in a popup (characters)
NAME_MAX = 80               # longest name shown in a tooltip or a popup title


def titles(key: str) -> dict[str, str]:
    """``{"vi": ..., "en": ...}`` for a translation key (the layer's ``TITLE``)."""
    return {lang: t(key, lang) for lang in LANGS}


def esc(value, *, limit: int | None = None) -> str:
    """HTML-escaped text of ``value`` (``None``/NaN give ``""``), cut at ``limit`` characters.

    >>> esc('<img src=x onerror=alert(1)>')
    '&lt;img src=x onerror=alert(1)&gt;'
    """
    if value is None:
        return ""
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):      # lists, arrays: not a missing scalar
        pass
    text = str(value)
    if limit is not None and len(text) > limit:
        text = text[: limit - 1] + "…"
    return html.escape(text, quote=True)


def esc_name(value) -> str:
    """A user-provided name for a tooltip or a popup title: escaped and cut at :data:`NAME_MAX`."""
    return esc(value, limit=NAME_MAX)


def cell_place_parts(con, cells) -> list[dict]:
    """Name parts of each H3 cell (:func:`geo.places.cell_places`: nearest village, commune, distance,
    direction, tag), kept apart so each language's tooltip is composed by :func:`cell_place_name`."""
    from data.queries import villages_with_status
    from geo.places import cell_places
    if len(cells) == 0:
        return []
    p = cell_places(villages_with_status(con), cells)
    return [dict(village=v, commune=c, km=k, compass=d, tag=g, shared=bool(sh)) for v, c, k, d, g, sh in
            zip(p["village"], p["commune"], p["distance_km"], p["compass"], p["tag"], p["shared"], strict=True)]


def cell_place_name(row, lang: str) -> str:
    """A hot-spot cell's name (nearest village and commune, each cut at :data:`NAME_MAX`), or its H3 id."""
    p = row.get("place") if hasattr(row, "get") else None
    if isinstance(p, dict) and p.get("village"):
        def cut(x):
            return x[: NAME_MAX - 1] + "…" if isinstance(x, str) and len(x) > NAME_MAX else x
        return fmt_place(cut(p["village"]), cut(p["commune"]), lang, km=p["km"], compass=p["compass"],
                         tag=p["tag"], shared=p["shared"])
    return str(row["h3"])


def popup_html(title, rows: Iterable[tuple[str, object]]) -> str:
    """A small table: bold escaped title, then one ``label: value`` row per non-empty value.

    Labels come from the translation table; values are escaped here.
    """
    body = "".join(f"<tr><th>{esc(label)}</th><td>{esc(value, limit=TEXT_MAX)}</td></tr>"
                   for label, value in rows if esc(value) != "")
    return f'<div class="bw-pop"><b>{esc_name(title)}</b><table>{body}</table></div>'


def _plain(o):
    if isinstance(o, np.generic):
        return o.item()
    raise TypeError(f"not JSON serialisable: {type(o).__name__}")


def js_json(obj) -> str:
    """Compact JSON that is safe inside ``<script>`` (no ``<``, ``>``, ``&``, ``'``, U+2028/9 left raw)."""
    s = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False, default=_plain)
    return (s.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("'", "\\u0027").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def legend_swatch(*, fill: str | None = None, stroke: str | None = None, dash: str | None = None,
                  weight: float = 2, opacity: float = 1.0) -> str:
    """Inline SVG swatch for the legend: a filled box, or a (dashed) line when ``fill`` is None."""
    if fill is None:
        d = f' stroke-dasharray="{esc(dash)}"' if dash else ""
        return (f'<svg width="28" height="12" viewBox="0 0 28 12"><line x1="1" y1="6" x2="27" y2="6" '
                f'stroke="{esc(stroke)}" stroke-width="{weight}"{d}/></svg>')
    s = f' stroke="{esc(stroke)}" stroke-width="1"' if stroke else ""
    return (f'<svg width="18" height="14" viewBox="0 0 18 14"><rect x="1" y="1" width="16" height="12" '
            f'fill="{esc(fill)}" fill-opacity="{opacity}"{s}/></svg>')


def fmt_day(value, lang: str) -> str:
    """dd/mm/yyyy (vi) or ISO (en); ``""`` for a missing date."""
    if value is None:
        return ""
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return fmt_date(pd.Timestamp(value), lang)
