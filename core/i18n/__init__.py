"""One translation table, Vietnamese first.

The table is assembled from per-area parts (``cli``, ``ui``, ``report``, ``importing``, ``auth``, ``analysis``,
``layers``, ``security``) so that each area keeps its strings together; a key may be defined only once across parts.
``t(key, lang, **fields)`` looks a string up and fills ``{fields}``.
"""
from __future__ import annotations

import datetime as _dt
import math
import os
from typing import Any, SupportsFloat, SupportsInt

from . import analysis as _analysis
from . import auth as _auth
from . import cli as _cli
from . import entry as _entry
from . import exporting as _exporting
from . import importing as _importing
from . import layers as _layers
from . import maps as _maps
from . import patrols as _patrols
from . import report as _report
from . import security as _security
from . import server as _server
from . import ui as _ui

LANGS = ("vi", "en")


def _merge(*parts: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    table: dict[str, dict[str, str]] = {}
    for part in parts:
        for key, entry in part.items():
            if key in table:
                raise KeyError(f"translation key defined twice: {key}")
            table[key] = entry
    return table


TEXTS: dict[str, dict[str, str]] = _merge(_cli.TEXTS, _ui.TEXTS, _report.TEXTS, _importing.TEXTS, _auth.TEXTS,
                                          _analysis.TEXTS, _layers.TEXTS, _patrols.TEXTS, _exporting.TEXTS,
                                          _security.TEXTS, _maps.TEXTS, _entry.TEXTS, _server.TEXTS)


def default_lang() -> str:
    """Return the language from ``BORDERWATCH_LANG``, else Vietnamese."""
    lang = os.environ.get("BORDERWATCH_LANG", "vi").strip().lower()
    return lang if lang in LANGS else "vi"


def t(key: str, lang: str | None = None, **fields: object) -> str:
    """Translate ``key`` into ``lang`` (default :func:`default_lang`).

    >>> t("cli.done", "en", what="demo")
    'Done: demo'
    """
    lang = lang or default_lang()
    entry = TEXTS.get(key)
    if entry is None:
        return key
    text = entry.get(lang) or entry.get("vi") or key
    return text.format(**fields) if fields else text


def fmt_date(value: Any, lang: str | None = None) -> str:
    """Format a date (or an ISO text, a datetime, a Timestamp) as dd/mm/yyyy in Vietnamese, ISO in English.

    >>> fmt_date(_dt.date(2024, 4, 3), "vi")
    '03/04/2024'
    """
    if value is None:
        return ""
    if isinstance(value, str):
        value = _dt.date.fromisoformat(value[:10])
    if hasattr(value, "date") and callable(value.date):
        value = value.date()
    return str(value.strftime("%d/%m/%Y") if (lang or default_lang()) == "vi" else value.isoformat())


def fmt_int(n: SupportsInt | str, lang: str | None = None) -> str:
    """Thousands separator: '.' in Vietnamese, ',' in English."""
    s = f"{int(n):,}"
    return s.replace(",", ".") if (lang or default_lang()) == "vi" else s


def fmt_num(value: SupportsFloat | str | None, lang: str | None = None, *, decimals: int = 0) -> str:
    """Format a number with the language's separators; ``""`` when missing (None, NaN, NA).

    >>> fmt_num(1234.5, "vi", decimals=1), fmt_num(1234.5, "en", decimals=1), fmt_num(None, "vi")
    ('1.234,5', '1,234.5', '')
    """
    try:
        x = float(value) if value is not None else math.nan
    except (TypeError, ValueError):
        return ""
    if math.isnan(x):
        return ""
    s = f"{x:,.{decimals}f}"
    return s.translate(str.maketrans(",.", ".,")) if (lang or default_lang()) == "vi" else s


def fmt_place(village: object, commune: object = None, lang: str | None = None, *, km: float | None = None,
              compass: str | None = None, tag: str = "", shared: bool = True) -> str:
    """Name a hot spot: its nearest village, a short cell label when ``shared``, and the commune when given.

    ``shared`` means another hot spot has the same village: the label is the distance and
    direction of the cell from the village, plus ``tag`` when even that repeats.

    >>> fmt_place("Khóm Duy Tân", "Lao Bảo", "vi", km=1.84, compass="NW")
    'Khóm Duy Tân, 1,8 km hướng Tây Bắc (xã Lao Bảo)'
    >>> fmt_place("Khóm Duy Tân", None, "en", km=1.84, compass="NW", shared=False)
    'Khóm Duy Tân'
    """
    lang = lang or default_lang()
    name = str(village) if isinstance(village, str) and village else ""
    if shared and compass and km is not None and km == km:
        num = f"{float(km):.1f}"
        cell = t("place.cell", lang, km=num.replace(".", ",") if lang == "vi" else num,
                 dir=t(f"place.compass.{compass}", lang))
        name = f"{name}, {cell}" if name else cell
    if tag:
        name = f"{name}, {t('place.tag', lang, tag=tag)}"
    if isinstance(commune, str) and commune:
        name = t("place.with_commune", lang, name=name, commune=commune)
    return name
