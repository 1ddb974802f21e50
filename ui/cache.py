"""Caching wrappers: one DuckDB connection per process, query results per filter.

``st.cache_resource`` holds the connection (shared by every session; each call gets its
own cursor, because a DuckDB connection must not be used by two threads at once).
``st.cache_data`` holds results keyed on small hashable values: the store path, the
store revision (:func:`ui.stats.store_revision`, so an import shows at once), the
:class:`~data.filters.Filter`, the language and a few options. The functions here are
thin: the work is in ``data/``, ``layers/`` and ``ui/stats.py``.
"""
from __future__ import annotations

import datetime as dt
import importlib
import os
import time
from pathlib import Path

import pandas as pd
import streamlit as st

from data import queries, store
from data.filters import Filter
from ui import stats

# -- optional modules written by teammates ------------------------------------------------


def optional(module: str):
    """The module, or ``None`` when it is not in the tree (yet). Other import errors propagate."""
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name and (module == exc.name or module.startswith(exc.name + ".")):
            return None
        raise


# -- connection ---------------------------------------------------------------------------

def db_path() -> str:
    """The store this server serves (``BORDERWATCH_DB``, read at call time)."""
    return str(Path(store.default_db_path()).resolve())


@st.cache_resource(show_spinner=False)
def _connection(path: str):
    return store.connect(path)


def cursor(path: str):
    """A cursor on the shared connection, for this thread."""
    return _connection(path).cursor()


@st.cache_resource(show_spinner=False)
def static_root() -> str | None:
    """Copy Leaflet & co. into ./static once per process (``layers.assets.ensure_static``)."""
    assets = optional("layers.assets")
    if assets is None:
        return None
    return str(assets.ensure_static(Path(__file__).resolve().parent.parent))


def tile_url() -> str | None:
    """Optional local tile server, e.g. ``http://127.0.0.1:8080/{z}/{x}/{y}.png``."""
    return os.environ.get("BORDERWATCH_TILE_URL") or None


def revision(path: str) -> tuple:
    return stats.store_revision(cursor(path))


# -- small store facts --------------------------------------------------------------------

@st.cache_data(show_spinner=False, max_entries=8)
def store_facts(path: str, rev: tuple) -> dict:
    con = cursor(path)
    first, last = store.incident_span(con)
    return {"demo": store.is_demo(con), "attribution": store.get_meta(con, "attribution") or "",
            "demo_note": store.get_meta(con, "demo_note") or "", "counts": store.layer_counts(con),
            "first": first, "last": last, "choices": queries.filter_choices(con)}


@st.cache_data(show_spinner=False, max_entries=256)
def totals(path: str, rev: tuple, flt: Filter) -> dict:
    return stats.totals(cursor(path), flt)


@st.cache_data(show_spinner=False, max_entries=64)
def monthly(path: str, rev: tuple, flt: Filter) -> pd.DataFrame:
    return stats.monthly(cursor(path), flt)


# -- the map ------------------------------------------------------------------------------
# Loading the layers (queries, Gi*, emerging) is the slow part; drawing them is fast. So the
# frames are cached apart from the drawing, and the month-sliced layers (registry flag
# ``sliced``) apart from the others: stepping through months or focusing a hot spot reloads
# only what changes. This mirrors ``layers.mapbuild.load_layers`` split in two.

def _registry():
    import layers as registry

    return registry


@st.cache_data(show_spinner=False, max_entries=16)
def map_frames_fixed(path: str, rev: tuple, flt: Filter, res: int, details: bool) -> dict:
    """Frames of the layers that do not follow the month slider, plus the base map."""
    from layers import basemap

    con, registry = cursor(path), _registry()
    frames = {"basemap": basemap.load(con)}
    for s in registry.REGISTRY:
        if not s.sliced:
            frames[s.name] = registry.module(s.name).load(con, filters=flt, **({"res": res} if s.takes_res else {}))
    if not details and "incidents" in frames:
        # without the incident_details capability: no exact incident points at all
        frames["incidents"] = frames["incidents"].iloc[0:0]
    return frames


@st.cache_data(show_spinner=False, max_entries=96)
def map_frames_sliced(path: str, rev: tuple, flt: Filter, month: dt.date | None, res: int) -> dict:
    """Frames of the month-sliced layers (heat, hexagon counts, Gi*) for ``month`` (None: whole period)."""
    from layers.mapbuild import month_filter

    con, registry = cursor(path), _registry()
    sliced = month_filter(flt, month)
    return {s.name: registry.module(s.name).load(con, filters=sliced, **({"res": res} if s.takes_res else {}))
            for s in registry.REGISTRY if s.sliced}


@st.cache_data(show_spinner=False, max_entries=96)
def map_args(path: str, rev: tuple, flt: Filter, lang: str, layers: tuple[str, ...] | None,
             month: dt.date | None, focus: tuple[float, float, int] | None, tiles: str | None,
             res: int = 7, details: bool = True) -> dict:
    """The map component's arguments (strings) plus ``seconds`` (draw time) and ``bytes`` (payload).

    Empty dict when ``layers.mapbuild`` is not installed.
    """
    from ui import mapview

    mapbuild = optional("layers.mapbuild")
    if mapbuild is None:
        return {}
    t0 = time.perf_counter()
    frames = {**map_frames_fixed(path, rev, flt, res, details), **map_frames_sliced(path, rev, flt, month, res)}
    m = mapbuild.assemble(frames, lang=lang, layers=list(layers) if layers is not None else None, focus=focus,
                          tile_url=tiles, asset_base="/app/static", demo=store.is_demo(cursor(path)), month=month)
    args = mapview.component_args(m)
    args["seconds"] = time.perf_counter() - t0
    args["bytes"] = mapview.payload_bytes(args)
    return args


# -- analyses (data/analysis.py) ----------------------------------------------------------

def _analysis():
    mod = optional("data.analysis")
    if mod is None:
        raise ModuleNotFoundError("data.analysis")
    return mod


@st.cache_data(show_spinner=False, max_entries=32)
def hotspots(path: str, rev: tuple, flt: Filter, res: int, fdr: bool = False):
    return _analysis().hotspots_for(cursor(path), flt, res=res, fdr=fdr)


@st.cache_data(show_spinner=False, max_entries=32)
def emerging(path: str, rev: tuple, flt: Filter, res: int, slice_: str = "month"):
    return _analysis().emerging_for(cursor(path), flt, slice=slice_, res=res)


@st.cache_data(show_spinner=False, max_entries=32)
def corridor(path: str, rev: tuple, flt: Filter):
    return _analysis().corridor_for(cursor(path), flt)


@st.cache_data(show_spinner=False, max_entries=32)
def villages_alerts(path: str, rev: tuple, flt: Filter, radius_km: float = 3, res: int = 7):
    """``villages_for`` with the emerging categories from :func:`emerging` (cached, not recomputed)."""
    return _analysis().villages_for(cursor(path), flt, radius_km=radius_km, res=res,
                                    categories=emerging(path, rev, flt, res))


# -- reference layers ---------------------------------------------------------------------

@st.cache_data(show_spinner=False, max_entries=8)
def villages(path: str, rev: tuple) -> pd.DataFrame:
    """Villages with current status and a representative lat/lon (no geometry objects)."""
    from ui.places import point_table

    return point_table(queries.villages_with_status(cursor(path)))


@st.cache_data(show_spinner=False, max_entries=8)
def crossings(path: str, rev: tuple) -> pd.DataFrame:
    from ui.places import point_table

    return point_table(store.read_layer(cursor(path), "crossings"))


@st.cache_data(show_spinner=False, max_entries=64)
def village_history(path: str, rev: tuple, village_id: str) -> pd.DataFrame:
    return queries.village_history(cursor(path), village_id)


@st.cache_data(show_spinner=False, max_entries=8)
def import_log(path: str, rev: tuple) -> pd.DataFrame:
    return cursor(path).execute("SELECT * FROM import_log ORDER BY id DESC").df()
