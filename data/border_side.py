"""The SQL feed of the border rule: the stored line and belt, in metres, for :mod:`geo.border`.

One function answers "which side, how far" for the entry form (``ui.edit``), every import
(``data.importers.validate``) and the patrol importer (``data.patrols``).
"""
from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd
import shapely

from geo._types import ToMetric
from geo.border import BORDER_TOLERANCE_M, border_side, lao_beyond
from geo.crs import METRIC_CRS, transformer

__all__ = ["BorderContext", "border_context", "sides", "BORDER_TOLERANCE_M", "lao_beyond"]


@dataclass(frozen=True)
class BorderContext:
    """The stored border line and belt in :data:`geo.crs.METRIC_CRS` and the lon/lat → metric function."""

    border_m: shapely.Geometry
    belt_m: shapely.Geometry
    to_metric: ToMetric

    def sides(self, lon, lat) -> pd.DataFrame:
        """:func:`geo.border.border_side` of each point (columns ``side``, ``distance_m``)."""
        return border_side(lon, lat, border_m=self.border_m, belt_m=self.belt_m, to_metric=self.to_metric)


def border_context(con: duckdb.DuckDBPyConnection) -> BorderContext | None:
    """The border and belt read from the store (None when either is not stored)."""
    from data.queries import border_line, study_area

    border, belt = border_line(con), study_area(con)
    if border is None or belt is None:
        return None
    tr = transformer("EPSG:4326", METRIC_CRS)

    def fwd(x, y):
        return tr.transform(x, y, errcheck=False)

    def _m(geom):
        return shapely.transform(geom, lambda xy: np.column_stack(fwd(xy[:, 0], xy[:, 1])))

    return BorderContext(_m(border), _m(belt), fwd)


def sides(con: duckdb.DuckDBPyConnection, lon, lat) -> pd.DataFrame:
    """Side and distance to the stored border of each point; side ``unknown`` everywhere when none is stored."""
    ctx = border_context(con)
    if ctx is None:
        n = np.asarray(lon, dtype=float).size
        return pd.DataFrame({"side": np.full(n, "unknown", dtype=object), "distance_m": np.full(n, np.nan)})
    return ctx.sides(lon, lat)
