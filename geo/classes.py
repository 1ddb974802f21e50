"""Class breaks for counts shown in a legend: integer classes that never overlap.

One rule for the live map's hexagons (``layers.h3counts``) and the briefing's static maps
(``report.staticmap``), so the same counts read the same way on screen, on the projector and
in the PDF.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from geo._types import IntArray


def count_breaks(counts: npt.ArrayLike, *, quantiles: Sequence[float] = (0.2, 0.4, 0.6, 0.8, 1.0)) -> list[int]:
    """Upper bounds of up to five classes: quantiles of the counts, as integers, strictly increasing.

    Class ``k`` holds the counts ``c`` with ``breaks[k-1] < c <= breaks[k]`` (the first class
    starts at the smallest count), so consecutive classes never share a value.

    >>> count_breaks([1, 1, 2, 3, 50])
    [1, 2, 3, 50]
    >>> count_breaks([])
    []
    """
    c = np.asarray(counts, dtype=float)
    if c.size == 0:
        return []
    qs = np.quantile(c, list(quantiles), method="inverted_cdf")
    return sorted({int(q) for q in qs})


def count_classes(counts: npt.ArrayLike, breaks: list[int]) -> IntArray:
    """Class index of each count for ``breaks`` from :func:`count_breaks`.

    >>> count_classes([1, 2, 3, 4, 50], [1, 2, 3, 50]).tolist()
    [0, 1, 2, 3, 3]
    """
    return np.searchsorted(np.asarray(breaks), np.asarray(counts, dtype=float), side="left").astype(np.int64)


def class_ranges(breaks: list[int], *, lowest: int = 1) -> list[tuple[int, int]]:
    """``(lo, hi)`` of each class, inclusive: ``[(1, 4), (5, 29), …]`` — never ``(1, 4), (4, 29)``.

    >>> class_ranges([4, 29, 60])
    [(1, 4), (5, 29), (30, 60)]
    """
    out, lo = [], lowest
    for hi in breaks:
        out.append((lo, hi))
        lo = hi + 1
    return out
