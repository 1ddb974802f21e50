"""Open the DuckDB store, load the spatial extension offline, migrate, read and write layers.

Geometry crosses this boundary as WKB in EPSG:4326 (lon, lat). Queries use ``?``
parameters. The spatial extension is loaded from the pinned wheel's file and never
``INSTALL``-ed, so the store works with no network.
"""
from __future__ import annotations

import datetime as dt
import importlib.util
import os
from pathlib import Path

import duckdb
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from core.errors import StoreError
from data.fsmodes import make_private, private_umask
from data.schema import LAYERS, MIGRATIONS

CRS = "EPSG:4326"
DATA_DIR = Path(__file__).resolve().parent
DEFAULT_DB = DATA_DIR / "borderwatch.duckdb"
_CONFIG = {"autoinstall_known_extensions": "false", "autoload_known_extensions": "false"}


def default_db_path() -> Path:
    """``BORDERWATCH_DB`` when set, else ``data/borderwatch.duckdb`` beside this file."""
    env = os.environ.get("BORDERWATCH_DB")
    return Path(env) if env else DEFAULT_DB


def spatial_extension_path() -> Path:
    """The spatial extension file inside the pinned ``duckdb-extension-spatial`` wheel."""
    spec = importlib.util.find_spec("duckdb_extension_spatial")
    if spec is None or not spec.submodule_search_locations:
        raise StoreError("package duckdb-extension-spatial is not installed")
    root = Path(list(spec.submodule_search_locations)[0]) / "extensions"
    version = duckdb.__version__
    path = root / f"v{version}" / "spatial.duckdb_extension"
    if not path.exists():
        found = sorted(root.glob("v*/spatial.duckdb_extension"))
        raise StoreError(f"no spatial extension for duckdb {version} (found: {[str(p) for p in found]})")
    return path


def load_spatial(con: duckdb.DuckDBPyConnection) -> None:
    """LOAD the spatial extension from the wheel (no INSTALL, no network)."""
    con.execute(f"LOAD '{spatial_extension_path().as_posix()}'")


def connect(path: str | Path | None = None, *, read_only: bool = False,
            migrate: bool = True) -> duckdb.DuckDBPyConnection:
    """Open (creating if needed) the store at ``path`` with spatial loaded and schema migrated.

    ``path=":memory:"`` gives an in-memory store (tests).

    A file store and its WAL are kept 0600 whatever the umask: the process umask gains
    ``0o077`` (``data.fsmodes.private_umask``) before DuckDB creates either, and an existing
    store of ours with wider modes is tightened. Opening a store read-write also removes what
    an interrupted backup or restore left beside it (``data.backup.clean_leftovers``).
    """
    target = ":memory:" if str(path) == ":memory:" else str(Path(path or default_db_path()))
    if target != ":memory:" and read_only and not Path(target).exists():
        raise StoreError(f"store not found: {target}")
    if target != ":memory:":
        private_umask()
    try:
        con = duckdb.connect(target, read_only=read_only, config=dict(_CONFIG))
    except duckdb.IOException as exc:
        raise StoreError(f"cannot open store {target}: {exc}") from exc
    if target != ":memory:" and not read_only:
        for f in (Path(target), Path(target + ".wal")):
            make_private(f)
        from data.backup import clean_leftovers

        clean_leftovers(target)     # bw-restore-* folders and .part files of interrupted runs
    load_spatial(con)
    if migrate and not read_only:
        migrate_store(con)
    return con


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    has_meta = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta'").fetchone()[0]
    if not has_meta:
        return 0
    row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return int(row[0]) if row else 0


def migrate_store(con: duckdb.DuckDBPyConnection) -> int:
    """Apply pending migrations, each in its own transaction. Returns the new version."""
    current = schema_version(con)
    for version, step in MIGRATIONS:
        if version <= current:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            if callable(step):
                result = step()
                stmts = result if isinstance(result, list) else []
            else:
                stmts = list(step)
            for sql in stmts:
                con.execute(sql)
            con.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(version)])
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        current = version
    return current


# -- meta ---------------------------------------------------------------------------------

def get_meta(con, key: str, default: str | None = None) -> str | None:
    row = con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
    return row[0] if row else default


def set_meta(con, key: str, value: str) -> None:
    con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, str(value)])


def is_demo(con) -> bool:
    """True when the store holds illustrative (demo) rows."""
    return get_meta(con, "demo") == "true" or bool(
        con.execute("SELECT count(*) FROM ((SELECT 1 FROM incidents WHERE illustrative LIMIT 1) "
                    "UNION ALL (SELECT 1 FROM villages WHERE illustrative LIMIT 1))").fetchone()[0])


# -- reading ------------------------------------------------------------------------------

def read_layer(con, layer: str, *, where: str = "", params: list | tuple = (),
               columns: list[str] | None = None) -> gpd.GeoDataFrame:
    """Read a spatial layer as a GeoDataFrame in EPSG:4326.

    ``where`` is a SQL condition with ``?`` placeholders filled from ``params``.
    """
    spec = LAYERS[layer]
    cols = columns or [c for c in table_columns(con, layer) if c != "geom" and c not in spec.extra_geoms]
    select = ", ".join(f'"{c}"' for c in cols)
    extra = "".join(f", ST_AsWKB({g}) AS {g}__wkb" for g in spec.extra_geoms)
    sql = f"SELECT {select}, ST_AsWKB(geom) AS geom__wkb{extra} FROM {layer}"
    if where:
        sql += f" WHERE {where}"
    df = con.execute(sql, list(params)).df()
    geoms = shapely.from_wkb(df.pop("geom__wkb").map(_as_bytes).to_numpy()) if len(df) else []
    for g in spec.extra_geoms:
        raw = df.pop(f"{g}__wkb")
        df[g] = gpd.GeoSeries(shapely.from_wkb(raw.map(_as_bytes).to_numpy()), crs=CRS) if len(df) else []
    return gpd.GeoDataFrame(df, geometry=gpd.GeoSeries(geoms, crs=CRS, index=df.index), crs=CRS)


def _as_bytes(v):
    return None if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)) else bytes(v)


def table_columns(con, table: str) -> list[str]:
    rows = con.execute("SELECT column_name FROM information_schema.columns WHERE table_name = ? "
                       "ORDER BY ordinal_position", [table]).fetchall()
    return [r[0] for r in rows]


def layer_counts(con) -> dict[str, int]:
    return {name: con.execute(f"SELECT count(*) FROM {name}").fetchone()[0] for name in LAYERS}


def incident_span(con) -> tuple[dt.date | None, dt.date | None]:
    first, last = con.execute("SELECT min(occurred_at), max(occurred_at) FROM incidents").fetchone()
    return (first.date() if first else None, last.date() if last else None)


def current_village_status(con) -> pd.DataFrame:
    """The latest status row of every village (by decided_on), with its decision."""
    return con.execute("""
        SELECT * EXCLUDE (rn) FROM (
          SELECT s.*, row_number() OVER (PARTITION BY village_id ORDER BY decided_on DESC) AS rn
          FROM village_status s) WHERE rn = 1""").df()


# -- writing ------------------------------------------------------------------------------

def insert_layer(con, layer: str, gdf: gpd.GeoDataFrame, *, illustrative: bool = False,
                 import_id: int | None = None) -> int:
    """Insert canonical rows. The caller owns the transaction. Returns rows written.

    ``gdf`` carries the layer's fields (missing optional ones are NULL) and, for spatial
    layers, a geometry in EPSG:4326. Incidents get lon, lat, h3_9 and nearest village
    filled here.
    """
    spec = LAYERS[layer]
    if len(gdf) == 0:
        return 0
    df = pd.DataFrame({f.name: (gdf[f.name] if f.name in gdf.columns else None) for f in spec.fields})
    df.index = range(len(df))
    selects = [f'CAST(src."{f.name}" AS {f.sql})' for f in spec.fields]
    names = spec.field_names[:]
    if spec.geom_types:
        if gdf.crs is None or gdf.crs.to_epsg() != 4326:
            raise StoreError(f"{layer}: geometry must be EPSG:4326, got {gdf.crs}")
        geo = gdf.geometry.reset_index(drop=True)
        if layer == "incidents":
            df["lon"] = geo.x.to_numpy()
            df["lat"] = geo.y.to_numpy()
            from data.enrich import enrich_incidents
            df = enrich_incidents(con, df)
            names += ["lon", "lat", "h3_9", "village_id", "commune"]
            selects += ["src.lon", "src.lat", "CAST(src.h3_9 AS UBIGINT)", "src.village_id", "src.commune"]
            selects.append("ST_Point(src.lon, src.lat)")
        else:
            df["geom__wkb"] = shapely.to_wkb(geo.to_numpy())
            selects.append("ST_GeomFromWKB(src.geom__wkb)")
        names.append("geom")
        for g in spec.extra_geoms:
            vals = gdf[g].reset_index(drop=True) if g in gdf.columns else pd.Series([None] * len(df))
            df[f"{g}__wkb"] = [None if v is None or (isinstance(v, float) and np.isnan(v)) else shapely.to_wkb(v)
                               for v in vals]
            names.append(g)
            selects.append(f"ST_GeomFromWKB(src.{g}__wkb)")
    df["__illustrative"] = bool(illustrative)
    df["__import_id"] = import_id
    names += ["illustrative", "import_id"]
    selects += ["src.__illustrative", "CAST(src.__import_id AS BIGINT)"]
    con.register("__bw_src", df)
    try:
        cols = ", ".join(f'"{n}"' for n in names)
        con.execute(f"INSERT INTO {layer} ({cols}) SELECT {', '.join(selects)} FROM __bw_src AS src")
    finally:
        con.unregister("__bw_src")
    return len(df)


def delete_rows(con, layer: str, ids: list[str]) -> None:
    if not ids:
        return
    con.register("__bw_ids", pd.DataFrame({"id": ids}))
    try:
        con.execute(f"DELETE FROM {layer} WHERE id IN (SELECT id FROM __bw_ids)")
    finally:
        con.unregister("__bw_ids")
