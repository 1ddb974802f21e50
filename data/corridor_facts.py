"""Per-incident corridor facts, stored like ``h3_9``: computed when incidents are written, read by analyses.

The facts (columns of migration 10) are :func:`geo.corridor.incident_proximity`'s: ``border_m``,
``chainage_km``, ``crossing_id``, ``crossing_m``, ``trail_id``, ``trail_m``. They depend on the
border, crossings and trails, so ``meta.corridor_facts`` holds a fingerprint of those three layers
(ids and geometries) as they were when the facts were computed. When the places change (a places
import, a restore of another store), :func:`ensure_current` recomputes every incident's facts in
the caller's transaction; :func:`usable` tells readers whether the stored facts match the places
now in the store (otherwise they recompute, so a result is never computed against old places).

A store without a border line has no facts (NULL): the corridor analysis needs a border anyway.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from data.store import get_meta, read_layer, set_meta
from geo import corridor as _corridor

#: The stored columns, in the order of :data:`geo.corridor.PROXIMITY_COLUMNS`.
FACT_COLUMNS: tuple[str, ...] = _corridor.PROXIMITY_COLUMNS
#: The layers the facts depend on.
PLACE_LAYERS = ("border", "crossings", "trails")
META_KEY = "corridor_facts"
#: Suffix of ``meta.corridor_facts`` for places with no border line to follow (the facts are all NULL).
NO_BORDER = "no-border"
_UPDATE_CHUNK = 250_000


@dataclass(frozen=True)
class Places:
    """The border (merged, EPSG:4326; None when absent), crossings and trails, and their fingerprint."""

    border: shapely.Geometry | None
    crossings: gpd.GeoDataFrame
    trails: gpd.GeoDataFrame
    fingerprint: str


def fingerprint(con) -> str:
    """A fingerprint of the ids and 2-D geometries of :data:`PLACE_LAYERS`, computed inside the database.

    SHA-256 over each layer's name, row count and md5 of its rows (md5 of the id, then the WKB in hex,
    in id order; fixed-width and hex parts, so no id text can pass for another row's parts): any moved
    vertex, added, removed or renamed row changes it. Computing it reads no geometry into
    Python, so a read-write open (:func:`data.store.refresh_corridor_facts`) can tell cheaply that
    nothing changed.
    """
    h = hashlib.sha256()
    for name in PLACE_LAYERS:
        n, digest = con.execute(
            f"SELECT count(*), md5(coalesce(string_agg(md5(CAST(id AS VARCHAR)) || "
            f"coalesce(hex(ST_AsWKB(ST_Force2D(geom))), '-'), ';' ORDER BY CAST(id AS VARCHAR)), '')) "
            f"FROM {name}").fetchone()
        h.update(f"{name}:{n}:{digest};".encode())
    return h.hexdigest()


def load_places(con) -> Places:
    """The three layers the facts depend on, read once, with their :func:`fingerprint` (marked
    :data:`NO_BORDER` when there is no border line to follow)."""
    frames = {name: read_layer(con, name, columns=["id"] + (["name", "kind"] if name != "border" else []))
              for name in PLACE_LAYERS}
    border = frames["border"]
    line = shapely.line_merge(shapely.union_all(border.geometry.values)) if len(border) else None
    if line is not None:
        try:
            _corridor.north_first(line)
        except TypeError:           # pieces that do not join into one line: no facts (the analysis says why)
            line = None
    fp = fingerprint(con)
    return Places(line, frames["crossings"], frames["trails"], fp if line is not None else f"{fp}:{NO_BORDER}")


def compute(incidents: pd.DataFrame, places: Places) -> pd.DataFrame:
    """The facts of ``incidents`` (``lon``/``lat``, EPSG:4326) against ``places``: same index, :data:`FACT_COLUMNS`."""
    if places.border is None or len(incidents) == 0:
        out = pd.DataFrame({c: pd.Series(np.nan, index=incidents.index) for c in FACT_COLUMNS})
        for c in ("crossing_id", "trail_id"):
            out[c] = pd.Series(None, index=incidents.index, dtype=object)
        return out
    return _corridor.incident_proximity(incidents, border=places.border, crossings=places.crossings,
                                        trails=places.trails)[list(FACT_COLUMNS)]


def usable(con, places: Places) -> bool:
    """True when the stored facts were computed against ``places`` (a store of schema 10 or later)."""
    return places.border is not None and get_meta(con, META_KEY) == places.fingerprint


def stale(con, places: Places | None = None) -> bool:
    """True when some incident's facts do not follow the places now in the store.

    Without ``places``, the places are read only when the cheap checks cannot decide (facts missing
    on some row while the fingerprint matches)."""
    stored = get_meta(con, META_KEY)
    if places is None:
        fp = fingerprint(con)
        if stored == f"{fp}:{NO_BORDER}":        # the same places, with no border line to follow
            return False
        if stored != fp:                         # other places (a places fingerprint is fp or fp:no-border)
            return _any_incidents(con)
        if not _missing_facts(con):
            return False
        places = load_places(con)
    if stored != places.fingerprint:
        return _any_incidents(con)
    if places.border is None:
        return False
    return _missing_facts(con)


def _any_incidents(con) -> bool:
    return bool(con.execute("SELECT count(*) FROM (SELECT 1 FROM incidents LIMIT 1)").fetchone()[0])


def _missing_facts(con) -> bool:
    return bool(con.execute("SELECT count(*) FROM (SELECT 1 FROM incidents WHERE border_m IS NULL LIMIT 1)"
                            ).fetchone()[0])


def ensure_current(con, places: Places | None = None) -> int:
    """Inside the caller's transaction: recompute every incident's facts when they do not follow the places
    now in the store (or some are missing), and record the places' fingerprint. Returns rows recomputed."""
    places = places or load_places(con)
    if not stale(con, places):
        set_meta(con, META_KEY, places.fingerprint)
        return 0
    n = recompute_all(con, places)
    set_meta(con, META_KEY, places.fingerprint)
    return n


def recompute_all(con, places: Places) -> int:
    """Write the facts of every stored incident (caller's transaction), in chunks of rows."""
    inc = con.execute("SELECT id, lon, lat FROM incidents ORDER BY id").df()
    for lo in range(0, len(inc), _UPDATE_CHUNK):
        part = inc.iloc[lo:lo + _UPDATE_CHUNK]
        facts = compute(part, places)
        _update(con, pd.concat([part[["id"]].reset_index(drop=True), facts.reset_index(drop=True)], axis=1))
    return len(inc)


def _update(con, facts: pd.DataFrame) -> None:
    """One ``UPDATE … FROM`` of the facts by id (the same statement in server mode, through the scanner)."""
    facts = facts.astype({"crossing_id": object, "trail_id": object})
    sets = ", ".join(f"{c} = f.{c}" for c in FACT_COLUMNS)
    con.register("__bw_facts", facts)
    try:
        con.execute(f"UPDATE incidents SET {sets} FROM __bw_facts AS f WHERE incidents.id = f.id")
    finally:
        con.unregister("__bw_facts")
