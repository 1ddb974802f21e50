"""Caching wrappers: one DuckDB connection per process, query results per filter.

``st.cache_resource`` holds the connection (shared by every session; each call gets its
own cursor, because a DuckDB connection must not be used by two threads at once).
``st.cache_data`` holds results keyed on small hashable values: the store path, the
store revision (:func:`data.store.store_revision`, so an import shows at once), the
:class:`~data.filters.Filter`, the language and a few options. The functions here are
thin: the work is in ``data/`` (``data/stats.py`` for the aggregates) and ``layers/``.
"""
from __future__ import annotations

import datetime as dt
import os
import time
from dataclasses import replace
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

import layers as registry
from data import analysis, queries, stats, store
from data.filters import Filter
from layers import assets, basemap, mapbuild, search
from layers.mapbuild import MapView, month_filter, redact, small_cells
from ui import leftovers, mapview
from ui.places import point_table

# -- connection ---------------------------------------------------------------------------

def db_path() -> str:
    """The store this server serves (``BORDERWATCH_DB``, read at call time): a file path or a server URL."""
    return store.db_location()


@st.cache_resource(show_spinner=False)
def _connection(path: str):
    return store.connect(path)


def cursor(path: str):
    """A cursor on the shared connection, for this thread."""
    return _connection(path).cursor()


@st.cache_resource(show_spinner=False)
def static_root() -> str | None:
    """Copy Leaflet & co. into ./static once per process (``layers.assets.ensure_static``)."""
    return str(assets.ensure_static(Path(__file__).resolve().parent.parent))


@st.cache_resource(show_spinner=False)
def process_start() -> int:
    """Once per server process: clear what earlier processes left (``ui.leftovers.start_up``)."""
    return leftovers.start_up()


def tile_url() -> str | None:
    """Optional local tile server, e.g. ``http://127.0.0.1:8080/{z}/{x}/{y}.png``."""
    return os.environ.get("BORDERWATCH_TILE_URL") or None


def revision(path: str) -> tuple:
    return store.store_revision(cursor(path))


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
# The map is drawn in two parts (``layers.mapbuild`` "live map"): a base that no filter changes
# (cached per language, reference layers shown and tile URL; the browser builds it once) and an
# overlay script with the filter-dependent layers that are shown, the layer control and the legend
# (cached per filter, month and layer choice). Loading the layers is the slow part; the frames are
# cached apart from the drawing, keyed by the filtered layers they hold, and the month-sliced layers
# (registry flag ``sliced``) apart from the others, so stepping through months, focusing a hot spot
# or switching a layer reloads only what changes.

def _load(con: duckdb.DuckDBPyConnection, spec, flt: Filter, res: int):
    return registry.module(spec.name).load(con, filters=flt, **({"res": res} if spec.takes_res else {}))


@st.cache_data(show_spinner=False, max_entries=8)
def map_frames_base(path: str, rev: tuple) -> dict:
    """Frames of the layers no filter changes (registry flag ``filtered`` off), plus the base map."""
    con = cursor(path)
    frames = {"basemap": basemap.load(con), "places": search.load(con)}
    frames.update({s.name: _load(con, s, Filter(), 7) for s in registry.REGISTRY if not s.filtered})
    return frames


def _filtered(names: tuple[str, ...] | None, *, sliced: bool) -> list:
    """Specs of the filtered layers among ``names`` (None: all) that do / do not follow the month slider."""
    return [s for s in registry.REGISTRY
            if s.filtered and s.sliced == sliced and (names is None or s.name in names)]


@st.cache_data(show_spinner=False, max_entries=16)
def map_frames_fixed(path: str, rev: tuple, flt: Filter, res: int, details: bool,
                     names: tuple[str, ...] | None = None, min_cell: int = 1) -> dict:
    """Frames of the filtered layers (among ``names``; None: all) that do not follow the month slider."""
    con = cursor(path)
    frames = {s.name: _load(con, s, flt, res) for s in _filtered(names, sliced=False)}
    return small_cells(redact(frames, details), min_cell)


@st.cache_data(show_spinner=False, max_entries=96)
def map_frames_sliced(path: str, rev: tuple, flt: Filter, month: dt.date | None, res: int,
                      names: tuple[str, ...] | None = None, min_cell: int = 1, details: bool = True) -> dict:
    """Frames of the month-sliced layers (heat, hexagon counts, Gi*, incident points; among ``names``)
    for ``month`` (None: whole period)."""
    con, sliced = cursor(path), month_filter(flt, month)
    frames = {s.name: _load(con, s, sliced, res) for s in _filtered(names, sliced=True)}
    return small_cells(redact(frames, details), min_cell)


@st.cache_data(show_spinner=False, max_entries=16)
def map_base(path: str, rev: tuple, lang: str, shown: tuple[str, ...] | None, tiles: str | None) -> dict:
    """The base map's component arguments plus ``refs`` (layer name -> JavaScript variable)."""
    m, groups = mapbuild.live_base(map_frames_base(path, rev), lang=lang, tile_url=tiles,
                                   layers=list(shown) if shown is not None else None)
    args = mapview.component_args(m)           # renames the variables: read the names after it
    args["refs"] = {name: g.get_name() for name, g in groups.items()}
    css, js = mapbuild.live_assets()
    args["css_links"] = list(dict.fromkeys(args["css_links"] + css))
    args["js_links"] = list(dict.fromkeys(args["js_links"] + js))
    return args


@st.cache_data(show_spinner=False, max_entries=96)
def map_overlay(path: str, rev: tuple, flt: Filter, lang: str, view: MapView, refs: dict) -> dict:
    """The overlay script for one filter and month, with ``seconds`` (draw time)."""
    t0 = time.perf_counter()
    layers, month, focus, res, details, min_cell = (view.layers, view.month, view.focus, view.res, view.details,
                                                    view.min_cell)
    chosen = set(layers if layers is not None else registry.default_names())
    # each cache keyed by its own layers only: switching a base layer or a sliced one reloads no incidents
    fixed, sliced = (tuple(s.name for s in _filtered(None, sliced=k) if s.name in chosen) for k in (False, True))
    frames = {**map_frames_base(path, rev), **map_frames_fixed(path, rev, flt, res, details, fixed, min_cell)}
    for name in sliced:          # one cache entry per sliced layer: switching one on reloads only that one
        frames.update(map_frames_sliced(path, rev, flt, month, res, (name,), min_cell, details))
    live = mapbuild.live_overlay(frames, refs, lang=lang, view=view, demo=store.is_demo(cursor(path)), area=flt.area)
    out = {"live": live, "seconds": time.perf_counter() - t0}
    if focus is not None:
        out["center"], out["zoom"] = [float(focus[0]), float(focus[1])], int(focus[2])
    return out


def map_args(path: str, rev: tuple, flt: Filter, lang: str, view: MapView, tiles: str | None) -> dict:
    """The map component's arguments: the base map's, plus the overlay (``live``), ``seconds`` and ``bytes``."""
    chosen = view.layers if view.layers is not None else registry.default_names()
    base = map_base(path, rev, lang, tuple(n for n in chosen if not registry.spec(n).filtered), tiles)
    overlay = map_overlay(path, rev, flt, lang, replace(view, layers=tuple(chosen)), base["refs"])
    args = {**base, **overlay}
    args["bytes"] = mapview.payload_bytes(args)
    return args


@st.cache_data(show_spinner=False, max_entries=64)
def incident_list(path: str, rev: tuple, flt: Filter, *, cell: str | None = None, res: int = 7,
                  ids: tuple[str, ...] | None = None) -> pd.DataFrame:
    """The incidents of a clicked hexagon (``cell`` at ``res``) or cluster (``ids``): ``queries.incident_list``."""
    return queries.incident_list(cursor(path), flt, cell=cell, res=res, ids=ids)


@st.cache_data(show_spinner=False, max_entries=16)
def view_file(path: str, rev: tuple, flt: Filter, bounds: tuple, lang: str, paper: str, fmt: str,
              min_cell: int = 1) -> bytes:
    """The saved map view (``report.viewmap.render_view``): PNG or PDF bytes."""
    from report.viewmap import Sheet, render_view
    return render_view(cursor(path), flt, bounds=bounds, lang=lang, sheet=Sheet(paper=paper, fmt=fmt),
                       min_cell=min_cell)


# -- analyses (data/analysis.py) ----------------------------------------------------------

@st.cache_data(show_spinner=False, max_entries=32)
def hotspots(path: str, rev: tuple, flt: Filter, res: int, fdr: bool = False):
    return analysis.hotspots_for(cursor(path), flt, res=res, fdr=fdr)


@st.cache_data(show_spinner=False, max_entries=32)
def emerging(path: str, rev: tuple, flt: Filter, res: int, slice_: str = "month"):
    return analysis.emerging_for(cursor(path), flt, slice=slice_, res=res)


@st.cache_data(show_spinner=False, max_entries=32)
def corridor(path: str, rev: tuple, flt: Filter):
    return analysis.corridor_for(cursor(path), flt)


@st.cache_data(show_spinner=False, max_entries=32)
def villages_alerts(path: str, rev: tuple, flt: Filter, radius_km: float = 3, res: int = 7):
    """``villages_for`` with the emerging categories from :func:`emerging` (cached, not recomputed)."""
    return analysis.villages_for(cursor(path), flt, radius_km=radius_km, res=res,
                                    categories=emerging(path, rev, flt, res))


# -- reference layers ---------------------------------------------------------------------

@st.cache_data(show_spinner=False, max_entries=8)
def villages(path: str, rev: tuple) -> pd.DataFrame:
    """Villages with current status and a representative lat/lon (no geometry objects)."""
    return point_table(queries.villages_with_status(cursor(path)))


@st.cache_data(show_spinner=False, max_entries=8)
def crossings(path: str, rev: tuple) -> pd.DataFrame:
    return point_table(store.read_layer(cursor(path), "crossings"))


@st.cache_data(show_spinner=False, max_entries=64)
def village_history(path: str, rev: tuple, village_id: str) -> pd.DataFrame:
    return queries.village_history(cursor(path), village_id)


@st.cache_data(show_spinner=False, max_entries=8)
def import_log(path: str, rev: tuple) -> pd.DataFrame:
    return queries.import_log(cursor(path))
