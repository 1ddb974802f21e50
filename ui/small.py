"""Small counts for viewers: an aggregate resting on fewer than ``k`` incidents is not shown. No Streamlit here.

A viewer (no ``incident_details``) with a narrow filter (one village, one day) could
otherwise read one incident's persons or grams from a header card, a chart bar or a table
cell. With ``k = core.roles.min_cell(user)`` (default 3, ``BORDERWATCH_MIN_CELL``):

* a count from 1 to ``k - 1`` is shown as ``"< k"`` (0 stays 0: absence is not a detail);
* grams, tablets and persons of an aggregate of fewer than ``k`` incidents are withheld
  (``"< k"`` incidents, the rest ``"–"``), and a persons total below ``k`` is ``"< k"``;
* chart bars and points of fewer than ``k`` incidents are left out of the data sent to the
  browser (the chart says how many).

``k = 1`` (analysts and up) changes nothing.
"""
from __future__ import annotations

import pandas as pd

from core.i18n import fmt_int

WITHHELD = "–"


def small(n, k: int) -> bool:
    """True when ``n`` is a count a viewer may not read exactly (1 ≤ n < k)."""
    return k > 1 and 0 < n < k


def count_text(n, k: int, lang: str) -> str:
    """``n`` formatted, or ``"< k"`` for a small count.

    >>> count_text(2, 3, "en"), count_text(0, 3, "en"), count_text(1234, 3, "en"), count_text(2, 1, "en")
    ('< 3', '0', '1,234', '2')
    """
    return f"< {k}" if small(n, k) else fmt_int(n, lang)


def totals_text(tot: dict, k: int, lang: str) -> dict[str, str]:
    """The header cards' texts: incidents, grams, tablets, persons, with small aggregates withheld."""
    n = int(tot["incidents"])
    if small(n, k):
        return {"incidents": f"< {k}", "quantity_g": WITHHELD, "tablets": WITHHELD, "persons": WITHHELD}
    return {"incidents": fmt_int(n, lang), "quantity_g": fmt_int(round(tot["quantity_g"]), lang),
            "tablets": fmt_int(tot["tablets"], lang), "persons": count_text(int(tot["persons"]), k, lang)}


def counts_column(values: pd.Series, k: int, lang: str) -> pd.Series:
    """A count column as text with small counts as ``"< k"`` (same index)."""
    return pd.Series([count_text(int(v), k, lang) for v in values], index=values.index, dtype=object)


def keep_cells(df: pd.DataFrame, k: int, *, count: str = "incidents") -> tuple[pd.DataFrame, int]:
    """Rows of ``df`` resting on at least ``k`` incidents, and how many were left out."""
    if k <= 1 or df.empty:
        return df, 0
    keep = df[count] >= k
    return df[keep], int((~keep).sum())
