"""Array aliases for the annotations of ``geo/`` (numpy only; pandas and geopandas are untyped)."""
from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
CellArray = npt.NDArray[np.uint64]        # H3 cells as integers
ObjectArray = npt.NDArray[np.object_]     # strings or shapely geometries
#: ``(lon, lat) -> (x, y)`` in a metric CRS, e.g. a pyproj transformer's ``transform``.
ToMetric = Callable[[FloatArray, FloatArray], tuple[npt.ArrayLike, npt.ArrayLike]]
TimeArray = npt.NDArray[np.datetime64]
