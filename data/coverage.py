"""Patrol coverage over the store: parameterised reads of patrols fed to :mod:`geo.coverage`.

The incident side uses the same :class:`~data.filters.Filter` as every analysis (all its fields);
the patrol side uses its period (a patrol counts on the days it walked) and its stations.
The dashboard, the briefing and ``borderwatch coverage`` all call these functions.
"""
from __future__ import annotations

import datetime as dt

import duckdb
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from data.analysis import emerging_for, hotspots_for, study_cells
from data.filters import NO_FILTER, Filter
from data.store import CRS, read_layer, scalar
from geo import coverage as C
from geo.crs import METRIC_CRS
from geo.h3grid import cell_polygons

PATROL_COLUMNS = ["id", "station_id", "started_at", "ended_at", "team", "kind", "note", "name", "length_km",
                  "duration_h", "no_times", "illustrative"]


def _patrol_where(flt: Filter, *, day_col: str, station_col: str) -> tuple[str, list]:
    conds: list[str] = []
    params: list[object] = []
    if flt.date_from:
        conds.append(f"{day_col} >= ?")
        params.append(flt.date_from)
    if flt.date_to:
        conds.append(f"{day_col} <= ?")
        params.append(flt.date_to)
    if flt.stations:
        conds.append(f"{station_col} IN ({', '.join('?' * len(flt.stations))})")
        params.extend(flt.stations)
    return (" AND ".join(conds) or "TRUE"), params


def load_effort(con: duckdb.DuckDBPyConnection, flt: Filter = NO_FILTER) -> pd.DataFrame:
    """Per patrol, resolution-9 cell and day: km and hours, within the filter's period and stations."""
    where, params = _patrol_where(flt, day_col="c.day", station_col="p.station_id")
    return con.execute(f"""SELECT c.patrol_id, CAST(c.h3_9 AS UBIGINT) AS h3_9, c.day, c.km, c.hours
                           FROM patrol_cells c JOIN patrols p ON p.id = c.patrol_id WHERE {where}""", params).df()


def load_patrols(con: duckdb.DuckDBPyConnection, flt: Filter = NO_FILTER) -> gpd.GeoDataFrame:
    """Patrol tracks that walked on a day of the filter's period (and of its stations), EPSG:4326."""
    conds: list[str] = []
    params: list[object] = []
    if flt.date_from:
        conds.append("CAST(ended_at AS DATE) >= ?")
        params.append(flt.date_from)
    if flt.date_to:
        conds.append("CAST(started_at AS DATE) <= ?")
        params.append(flt.date_to)
    if flt.stations:
        conds.append(f"station_id IN ({', '.join('?' * len(flt.stations))})")
        params.extend(flt.stations)
    where = " AND ".join(conds) or "TRUE"
    df = con.execute(f"SELECT {', '.join(PATROL_COLUMNS)}, ST_AsWKB(geom) AS wkb FROM patrols WHERE {where} "
                     "ORDER BY started_at, id", params).df()
    geoms = shapely.from_wkb(df.pop("wkb").map(bytes).to_numpy()) if len(df) else []
    return gpd.GeoDataFrame(df, geometry=gpd.GeoSeries(geoms, crs=CRS, index=df.index), crs=CRS)


def period_end(con: duckdb.DuckDBPyConnection, flt: Filter = NO_FILTER) -> dt.date | None:
    """The day "days since" counts to: the filter's last day, else the latest incident or patrol day."""
    if flt.date_to:
        return flt.date_to
    a = scalar(con, "SELECT max(occurred_at) FROM incidents")
    b = scalar(con, "SELECT max(ended_at) FROM patrols")
    days = [x.date() for x in (a, b) if x is not None]
    return max(days) if days else None


def coverage_for(con: duckdb.DuckDBPyConnection, flt: Filter = NO_FILTER, *, res: int = 7, min_days: int = 1,
                 min_km: float = C.MIN_KM,
                 trends: bool = True) -> pd.DataFrame:
    """Per H3 cell: patrol km, hours, days, last patrol, incidents, incidents per 10 km, Gi* bin, gap.

    Every study cell is listed (and any cell outside it with effort). ``trends`` adds the emerging
    hot spot categories to the gap rule (new / intensifying / consecutive hot).
    """
    hot = hotspots_for(con, flt, res=res)
    emerging = emerging_for(con, flt, res=res) if trends and len(hot) else None
    cov = C.cell_coverage(load_effort(con, flt), res=res)
    return C.coverage_table(cov, hot, emerging=emerging, study_cells=study_cells(con, res=res),
                            min_days=min_days, min_km=min_km)


def places_for(con: duckdb.DuckDBPyConnection, flt: Filter = NO_FILTER, *, buffer_m: float = C.BUFFER_M) -> dict[str,
               pd.DataFrame]:
    """Per crossing and per trail: patrols within ``buffer_m``, last patrolled, days since (to :func:`period_end`)."""
    patrols = load_patrols(con, flt)
    end = period_end(con, flt)
    return {layer: C.patrols_near(read_layer(con, layer), patrols, buffer_m=buffer_m, as_of=end)
            for layer in ("crossings", "trails")}


def gaps_for(con: duckdb.DuckDBPyConnection, flt: Filter = NO_FILTER, *, res: int = 7, min_days: int = 1,
             max_days: int = 30,
             buffer_m: float = C.BUFFER_M, min_km: float = C.MIN_KM, table: pd.DataFrame | None = None
             ) -> gpd.GeoDataFrame:
    """The gap list: hot cells with no or few patrol days (highest z first), then crossings not patrolled
    for more than ``max_days`` (longest first), each with the nearest village and crossing names.

    Columns :data:`geo.coverage.GAP_COLUMNS` and a geometry (hexagon or crossing point), EPSG:4326.
    """
    table = coverage_for(con, flt, res=res, min_days=min_days, min_km=min_km) if table is None else table
    cells = C.hot_gaps(table)
    villages, crossings = read_layer(con, "villages"), read_layer(con, "crossings")
    hexes = cell_polygons(np.array([int(h, 16) for h in cells["h3"]], dtype=np.uint64)) if len(cells) else None
    cell_geo = gpd.GeoSeries(hexes.geometry.values if hexes is not None else [], crs=CRS, index=cells.index)
    centres = cell_geo.to_crs(METRIC_CRS).centroid.to_crs(CRS) if len(cells) else cell_geo
    vil_pts = villages.assign(geometry=villages.geometry.representative_point()) if len(villages) else villages
    end = period_end(con, flt)
    last = pd.to_datetime(cells["last_patrol"])
    days_since = ((pd.Timestamp(end) - last).dt.days.astype(float) if end else pd.Series(np.nan, index=cells.index))
    cell_rows = pd.DataFrame({
        "kind": "hot_cell", "h3": cells["h3"], "id": cells["h3"], "name": None, "z": cells["z"], "bin": cells["bin"],
        "category": cells["category"], "incidents": cells["incidents"], "patrol_days": cells["patrol_days"],
        "patrol_km": cells["patrol_km"], "last_patrol": last, "days_since": days_since,
        "reason": cells["reason"], "nearest_village": C.nearest_names(centres, vil_pts)["name"],
        "nearest_crossing": C.nearest_names(centres, crossings)["name"]})
    near = C.patrols_near(crossings, load_patrols(con, flt), buffer_m=buffer_m, as_of=end)
    stale = C.stale_places(near, max_days=max_days)
    geo_x = crossings.set_index("id").geometry
    pts = gpd.GeoSeries(geo_x.loc[stale["id"]].values, crs=CRS, index=stale.index)
    place_rows = pd.DataFrame({
        "kind": "crossing", "h3": None, "id": stale["id"], "name": stale["name"], "z": np.nan, "bin": None,
        "category": None, "incidents": None, "patrol_days": None, "patrol_km": None,
        "last_patrol": stale["last_patrolled"], "days_since": stale["days_since"],
        "reason": np.where(stale["patrols"] == 0, "no_patrol", "stale"),
        "nearest_village": C.nearest_names(pts, vil_pts)["name"], "nearest_crossing": stale["name"]})
    parts = [(cell_rows, cell_geo), (place_rows, pts)]
    parts = [(d, g) for d, g in parts if len(d)]
    if not parts:
        return gpd.GeoDataFrame({c: [] for c in C.GAP_COLUMNS}, geometry=gpd.GeoSeries([], crs=CRS), crs=CRS)
    out = pd.concat([d for d, _ in parts], ignore_index=True)
    geom = np.concatenate([g.values for _, g in parts])
    return gpd.GeoDataFrame(out[C.GAP_COLUMNS], geometry=list(geom), crs=CRS)
