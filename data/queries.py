"""Parameterised reads that feed the analyses, the map, the briefing and the CLI.

Every function takes the connection and a :class:`~data.filters.Filter`; none formats
user values into SQL.
"""
from __future__ import annotations

import duckdb
import geopandas as gpd
import pandas as pd
import shapely

from data.filters import NO_FILTER, Filter
from data.store import CRS, current_village_status, read_layer, scalar

INCIDENT_COLUMNS = ["id", "occurred_at", "article", "drug", "quantity_g", "tablets", "persons", "station_id",
                    "description", "village_id", "commune", "lon", "lat", "h3_9"]


def load_incidents(con: duckdb.DuckDBPyConnection, flt: Filter = NO_FILTER, *,
                   columns: list[str] | None = None) -> pd.DataFrame:
    """Filtered incidents as a plain DataFrame (lon/lat columns, no geometry objects): fast."""
    cols = columns or INCIDENT_COLUMNS
    where, params = flt.where()
    # H3 cells are UBIGINT in DuckDB and bigint in PostgreSQL (server mode): one type for the callers
    select = ", ".join("CAST(h3_9 AS UBIGINT) AS h3_9" if c == "h3_9" else c for c in cols)
    sql = f"SELECT {select} FROM incidents WHERE {where} ORDER BY occurred_at"
    return con.execute(sql, params).df()


def incidents_gdf(con: duckdb.DuckDBPyConnection, flt: Filter = NO_FILTER) -> gpd.GeoDataFrame:
    df = load_incidents(con, flt)
    return gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(df["lon"], df["lat"]), crs=CRS)


def count_incidents(con: duckdb.DuckDBPyConnection, flt: Filter = NO_FILTER) -> int:
    where, params = flt.where()
    return scalar(con, f"SELECT count(*) FROM incidents WHERE {where}", params)


def study_area(con: duckdb.DuckDBPyConnection):
    """The belt (union of belt rows) as one shapely geometry in EPSG:4326, or None."""
    belt = read_layer(con, "belt")
    return shapely.union_all(belt.geometry.values) if len(belt) else None


def border_line(con: duckdb.DuckDBPyConnection):
    """The border as one (Multi)LineString in EPSG:4326 (line-merged), or None."""
    border = read_layer(con, "border")
    if not len(border):
        return None
    return shapely.line_merge(shapely.union_all(border.geometry.values))


def villages_with_status(con: duckdb.DuckDBPyConnection) -> gpd.GeoDataFrame:
    """Villages with their current status (``not_recognised`` when none recorded), the decision and dates,
    plus the post-2025 commune name."""
    v = read_layer(con, "villages")
    st = current_village_status(con)[["village_id", "status", "decided_on", "decision_ref", "review_due"]]
    communes = con.execute("SELECT old_name, new_name FROM communes").df()
    out = v.merge(st, left_on="id", right_on="village_id", how="left").drop(columns=["village_id"])
    out["status"] = out["status"].fillna("not_recognised")
    out = out.merge(communes, left_on="commune", right_on="old_name", how="left").drop(columns=["old_name"])
    out = out.rename(columns={"new_name": "commune_new"})
    return gpd.GeoDataFrame(out, geometry="geometry", crs=CRS)


def village_history(con: duckdb.DuckDBPyConnection, village_id: str) -> pd.DataFrame:
    return con.execute("SELECT * FROM village_status WHERE village_id = ? ORDER BY decided_on",
                       [village_id]).df()


def village_decisions(con: duckdb.DuckDBPyConnection, village_id: str) -> pd.DataFrame:
    """A village's status decisions, newest first: decided_on, status, decision_ref, review_due, note."""
    return con.execute("SELECT decided_on, status, decision_ref, review_due, note FROM village_status "
                       "WHERE village_id = ? ORDER BY decided_on DESC", [village_id]).df()


def station_names(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Station id → name, in name order (the entry form's choices)."""
    return dict(con.execute("SELECT id, name FROM stations ORDER BY name").fetchall())


def village_choices(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str]]:
    """``(id, name, commune)`` of every village, by commune then name (the status form's choices)."""
    return [tuple(r) for r in con.execute("SELECT id, name, commune FROM villages ORDER BY commune, name").fetchall()]


def import_log(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every import, newest first."""
    return con.execute("SELECT * FROM import_log ORDER BY id DESC").df()


def import_rejects(con: duckdb.DuckDBPyConnection, import_id: int) -> pd.DataFrame:
    """The rows one import refused: file, row, column, reason, raw (in row order)."""
    return con.execute('SELECT file, "row", "column", reason, raw FROM import_rejects WHERE import_id = ? '
                       'ORDER BY "row"', [int(import_id)]).df()


def filter_choices(con: duckdb.DuckDBPyConnection) -> dict[str, list]:
    """Values offered by the filter widgets: stations (id, name), communes (old and new names)."""
    stations = con.execute("SELECT id, name FROM stations ORDER BY name").fetchall()
    communes = con.execute("SELECT old_name, new_name FROM communes ORDER BY new_name, old_name").fetchall()
    return {"stations": stations, "communes_old": sorted({c[0] for c in communes}),
            "communes_new": sorted({c[1] for c in communes})}


#: Columns of the incident list under the map (click on a hexagon, a Gi* cell or a cluster).
LIST_COLUMNS = ["id", "occurred_at", "article", "drug", "quantity_g", "tablets", "persons", "village", "commune",
                "station", "lat", "lon"]


def cell_of(lat: float, lon: float, res: int) -> str:
    """The H3 cell (hex string) at resolution ``res`` holding the point: the hexagon a user clicked.

    >>> cell_of(16.614, 106.601, 7)
    '87416105affffff'
    """
    import h3
    if not (-90 <= float(lat) <= 90 and -180 <= float(lon) <= 180) or int(res) not in range(0, 16):
        raise ValueError(f"bad cell click: lat {lat}, lon {lon}, res {res}")
    return h3.latlng_to_cell(float(lat), float(lon), int(res))


def incident_list(con: duckdb.DuckDBPyConnection, flt: Filter = NO_FILTER, *, cell: str | None = None, res: int = 7,
                  ids=None) -> pd.DataFrame:
    """The filtered incidents in H3 cell ``cell`` (hex, at ``res``) or with the given ``ids``, newest first.

    A cell holds the incidents whose stored res-9 cell has it as parent (as the hexagon counts
    and Gi* count them, ``geo.h3grid.parent_cells``), so the list matches the cell's number.
    """
    from geo.h3grid import parent_cells

    where, params = flt.where("i")
    if ids is not None:
        ids = [str(x) for x in ids][:5000]
        if not ids:
            return pd.DataFrame(columns=LIST_COLUMNS)
        where += f" AND i.id IN ({', '.join('?' * len(ids))})"
        params = [*params, *ids]
    df = con.execute(f"""
        SELECT i.id, i.occurred_at, i.article, i.drug, i.quantity_g, i.tablets, i.persons, v.name AS village,
               i.commune, s.name AS station, i.lat, i.lon, i.h3_9
        FROM incidents i LEFT JOIN villages v ON v.id = i.village_id LEFT JOIN stations s ON s.id = i.station_id
        WHERE {where} ORDER BY i.occurred_at DESC, i.id""", params).df()
    if cell is not None:
        want = int(str(cell), 16)
        df = df[parent_cells(df["h3_9"].to_numpy(dtype="uint64"), res=int(res)) == want]
    return df[LIST_COLUMNS].reset_index(drop=True)
