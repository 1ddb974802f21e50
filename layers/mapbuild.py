"""Assemble the map: load every registered layer, draw it, add legend and controls, keep it offline.

Two steps so the dashboard can cache the expensive one:

* :func:`load_layers` runs the queries and analyses and returns plain GeoDataFrames
  (picklable: ``st.cache_data`` material);
* :func:`assemble` turns them into a ``folium.Map`` (fast, no database).

:func:`build_map` does both. Every JS/CSS file the map needs is served from ``asset_base``
(Streamlit static serving, see :mod:`layers.assets`) or, for :func:`standalone_html`,
inlined into the one file; a folium element that asks for a CDN file it does not know is
refused rather than silently fetched.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace

import duckdb
import folium
from branca.element import Element, Figure
from folium.elements import JSCSSMixin
from folium.map import Layer

import layers as registry
from core.i18n import t
from core.months import month_bounds
from data import basemaps
from data.filters import Filter
from data.store import is_demo
from layers import assets, basemap, search
from layers._html import js_json
from layers._leaflet import GeoLayer, Pane, feature
from layers.controls import FocusRing, MapSetup, MapTools, MetricScale, MousePosition
from layers.legend import OPEN_FROM, Legend, Section

DEFAULT_VIEW = (16.65, 106.65, 9)        # Quảng Trị border, when the store has no belt
INLINE_BASE = "bw-inline:"
MIN_ZOOM = 7                             # the Natural Earth base map covers the whole window from here on
_JS = {"leaflet": "leaflet_js", "markerclusterjs": "markercluster_js", "leaflet-heat.js": "heat_js",
       "bw-tools.js": "tools_js"}
_CSS = {"leaflet_css": "leaflet_css", "markerclustercss": "markercluster_css",
        "markerclusterdefaultcss": "markercluster_default_css"}
#: folium defaults the map does not use (jQuery, Bootstrap, Font Awesome, awesome-markers): dropped.
_DROP = {"jquery", "bootstrap", "awesome_markers", "bootstrap_css", "glyphicons_css", "awesome_markers_font_css",
         "awesome_markers_css", "awesome_rotate_css"}


@dataclass(frozen=True)
class MapView:
    """What the map shows besides the filter (hashable: the dashboard's cache key).

    ``layers``: layer names shown when the map opens (None: the registry's defaults); ``month``: any
    day of a month, the time-sliced layers show only that month (None: the whole period); ``focus``:
    ``(lat, lon, zoom)`` to centre on and mark with a ring, or None (fit the belt); ``res``: the H3
    resolution of the hexagon layers; ``details``: exact incident points (the incident_details
    capability; without it no point is drawn); ``min_cell``: the smallest count shown
    (:func:`core.roles.min_cell`; smaller counts drawn as "< k", see :func:`small_cells`).
    """

    layers: tuple[str, ...] | None = None
    month: dt.date | None = None
    focus: tuple[float, float, int] | None = None
    res: int = 7
    details: bool = True
    min_cell: int = 1


@dataclass(frozen=True)
class Page:
    """Where the map page gets what is not data.

    ``tile_url``: a local tile server (``http://tiles.local/{z}/{x}/{y}.png``) as a second base layer;
    ``asset_base``: URL prefix of the files :func:`layers.assets.ensure_static` copied (:data:`INLINE_BASE`:
    inlined by :func:`standalone_html`); ``embed``: the unit's basemaps whose tiles go into the page
    (standalone file), None: every basemap is served by the app's tile route.
    """

    tile_url: str | None = None
    asset_base: str = "/app/static"
    embed: tuple[str, ...] | None = None


def month_filter(flt: Filter, month: dt.date | None) -> Filter:
    """``flt`` restricted to ``month`` (an empty period when they do not overlap)."""
    if month is None:
        return flt
    first, last = month_bounds(month)
    return replace(flt, date_from=max(first, flt.date_from or first), date_to=min(last, flt.date_to or last))


def load_layers(con, flt: Filter, *, month: dt.date | None = None, res: int = 7) -> dict:
    """Every registered layer's GeoDataFrame plus ``"basemap"``; month-sliced layers use :func:`month_filter`."""
    sliced = month_filter(flt, month)
    frames = {"basemap": basemap.load(con), "places": search.load(con)}
    for s in registry.REGISTRY:
        kw = {"res": res} if s.takes_res else {}
        frames[s.name] = registry.module(s.name).load(con, filters=sliced if s.sliced else flt, **kw)
    return frames


def redact(frames: dict, details: bool) -> dict:
    """Without the incident_details capability (``details`` False): no exact incident points at all."""
    if not details and "incidents" in frames:
        frames = {**frames, "incidents": frames["incidents"].iloc[0:0]}
    return frames


def small_cells(frames: dict, k: int) -> dict:
    """Viewers (``k > 1``, ui.small): hexagon, Gi* and patrol-gap counts under ``k`` drawn as "< k", communes
    resting on fewer than ``k`` incidents drawn without count, rate or change, heat cells under ``k`` left out."""
    if k <= 1:
        return frames
    out = dict(frames)
    for name in ("h3counts", "hotspots"):
        if name in out:
            out[name] = out[name].copy()
            out[name].attrs["min_cell"] = k
    if "patrolgaps" in out:
        out["patrolgaps"] = out["patrolgaps"].copy()
        out["patrolgaps"].attrs["min_cell"] = k
    for name in ("communes", "commune_counts"):           # a commune of 1-2 incidents: no count, rate or change
        if name in out and "incidents" in out[name].columns:
            areas = out[name].copy()
            few = (areas["incidents"] > 0) & (areas["incidents"] < k)
            for col in ("incidents", "grams", "persons", "rate_per_1000", "change", "change_pct"):
                if col in areas.columns:
                    areas[col] = areas[col].astype(float).where(~few)
            areas.attrs.update(out[name].attrs)
            out[name] = areas
    if "heat" in out and "count" in out["heat"].columns:
        heat = out["heat"]
        out["heat"] = heat[heat["count"] >= k].copy()
        out["heat"].attrs.update(heat.attrs)
    return out


def _shown(layers) -> set[str]:
    if layers is None:
        return set(registry.default_names())
    chosen = [layers] if isinstance(layers, str) else list(layers)
    for name in chosen:
        registry.spec(name)        # raises ValueError listing the valid names
    return set(chosen)


def _view(frames: dict, focus) -> tuple[list[float], int, list | None]:
    if focus is not None:
        lat, lon, zoom = focus
        return [float(lat), float(lon)], int(zoom), None
    for name in ("belt", "border"):
        gdf = frames.get(name)
        if gdf is not None and len(gdf):
            x0, y0, x1, y1 = (float(v) for v in gdf.total_bounds)
            return [(y0 + y1) / 2, (x0 + x1) / 2], 9, [[y0, x0], [y1, x1]]
    return [DEFAULT_VIEW[0], DEFAULT_VIEW[1]], DEFAULT_VIEW[2], None


def _new_map(frames: dict, *, focus, asset_base: str) -> tuple[folium.Map, list | None]:
    """An empty offline map centred on the belt (or ``focus``), with the icon set-up and the panes."""
    center, zoom, bounds = _view(frames, focus)
    m = folium.Map(location=center, zoom_start=zoom, tiles=None, control_scale=False, maxZoom=18, minZoom=MIN_ZOOM)
    MetricScale().add_to(m)                       # metres and kilometres only, never miles
    inline = asset_base == INLINE_BASE
    urls = assets.asset_urls(asset_base)
    MapSetup(image_path="data:image/png;base64," if inline else urls["images"],
             icons=assets.icon_data() if inline else None, background=basemap.BACKGROUND).add_to(m)
    Pane().add_to(m)
    return m, bounds


def _base_layers(m: folium.Map, frames: dict, *, lang: str, tile_url: str | None,
                 embed: tuple[str, ...] | None = None) -> dict:
    """Natural Earth, the optional tile server and the unit's basemaps (``"bm:NAME"``), as radio buttons.

    ``embed``: in a standalone file, the names of the unit's basemaps whose tiles go into the page
    (for the belt's extent, :func:`data.basemaps.embedded_tiles`); the others are left out. Otherwise
    every registered basemap is served by the app (``/bw/tiles``). The basemap chosen with
    ``borderwatch basemap default`` opens shown.
    """
    base = frames["basemap"]
    units = list(base.attrs.get("unit_basemaps") or [])
    if embed is not None:
        units = [bm for bm in units if bm.name in embed]
    names = [bm.name for bm in units]
    opened = base.attrs.get("unit_default") if base.attrs.get("unit_default") in names else None
    if embed is not None and opened is None and names:
        opened = names[0]
    groups = {"basemap": basemap.render(base, lang=lang, show=opened is None).add_to(m)}
    if tile_url:
        groups["tiles"] = basemap.tile_layer(tile_url, lang=lang).add_to(m)
    for bm in units:
        layer: Layer
        if embed is not None:
            tiles, top = basemaps.embedded_tiles(bm, _embed_bounds(frames, bm))
            if not tiles:
                continue
            layer = basemap.EmbeddedTiles(bm, tiles, top, lang=lang, show=bm.name == opened)
        else:
            layer = basemap.unit_layer(bm, lang=lang, show=bm.name == opened)
        groups[f"bm:{bm.name}"] = layer.add_to(m)
    return groups


def _embed_bounds(frames: dict, bm) -> tuple[float, float, float, float]:
    """The belt's extent (a little wider) within the basemap's bounds: the tiles a standalone file carries."""
    w, s, e, n = bm.bounds
    for name in ("belt", "border"):
        gdf = frames.get(name)
        if gdf is not None and len(gdf):
            x0, y0, x1, y1 = (float(v) for v in gdf.total_bounds)
            pad = 0.05
            return max(w, x0 - pad), max(s, y0 - pad), min(e, x1 + pad), min(n, y1 + pad)
    return w, s, e, n


def _finish(m: folium.Map, bounds, *, lang: str, asset_base: str, places=None,
            filter_tools: bool = False) -> folium.Map:
    if places is not None and len(places):
        search.SearchControl(places, lang=lang).add_to(m)
    MapTools(lang=lang, filter=filter_tools).add_to(m)
    MousePosition(lang=lang).add_to(m)
    if bounds is not None:
        m.fit_bounds(bounds)
    _figure(m).title = t("map.page_title", lang)
    return localise_assets(m, asset_base=asset_base)


def _figure(m: folium.Map) -> Figure:
    """The page ``m`` is drawn into (folium gives every map a :class:`branca.element.Figure` parent)."""
    root = m.get_root()
    if not isinstance(root, Figure):
        raise TypeError(f"map {m.get_name()} is not inside a page (root: {type(root).__name__})")
    return root


def _draw(spec, frames: dict, *, lang: str, shown: set[str]) -> folium.FeatureGroup:
    """Layer ``spec`` drawn from its frame, on or off as ``shown`` says."""
    fg = registry.module(spec.name).render(frames[spec.name], lang=lang)
    fg.show = spec.name in shown
    return fg


def _notes(lang: str, demo: bool, month: dt.date | None) -> list[str]:
    notes = [t("ui.demo_banner", lang)] if demo else []
    if month is not None:
        notes.append(t("map.month", lang, month=month.strftime("%m/%Y")))
    return notes


def assemble(frames: dict, *, lang: str = "vi", view: MapView | None = None, page: Page | None = None,
             demo: bool = False, area: str | None = None) -> folium.Map:
    """Draw loaded ``frames`` (from :func:`load_layers`) into a new offline ``folium.Map``.

    ``view``: the layers shown, the month named in the legend and the focus (its ``res``, ``details`` and
    ``min_cell`` concern loading: the frames are drawn as given). ``page``: tile server, asset base and
    embedded basemaps. ``area``: the drawn filter area (WKT), outlined.
    """
    view, page = view or MapView(), page or Page()
    shown, focus = _shown(view.layers), view.focus
    m, bounds = _new_map(frames, focus=focus, asset_base=page.asset_base)
    _base_layers(m, frames, lang=lang, tile_url=page.tile_url, embed=page.embed)
    sections = []
    for s in registry.REGISTRY:
        mod, gdf = registry.module(s.name), frames[s.name]
        fg = _draw(s, frames, lang=lang, shown=shown).add_to(m)
        sections.append(Section(fg, mod.TITLE[lang], mod.legend(gdf, lang=lang)))
    if focus is not None:
        FocusRing(focus[0], focus[1], lang=lang).add_to(m)
    if area:
        area_outline(area).add_to(m)
    folium.LayerControl(position="topright", collapsed=False).add_to(m)
    Legend(sections[::-1], lang=lang, notes=_notes(lang, demo, view.month)).add_to(m)
    return _finish(m, bounds, lang=lang, asset_base=page.asset_base, places=frames.get("places"))


# -- the live map: drawn once, filter-dependent layers swapped in place --------------------------
# The dashboard draws the map a user sees in two parts. :func:`live_base` holds what no filter
# changes (base map, belt, border, trails, crossings, villages, stations, scale, mouse position);
# the browser builds it once. :func:`live_overlay` is a script that removes the previous overlay
# and adds the filter-dependent layers (registry flag ``filtered``), the layer control and the
# legend. Changing a filter or stepping a month then sends and runs only that script: the map
# keeps its position and zoom, and the browser does not reload Leaflet or redraw the base map.

#: The map's JavaScript variable in the streamlit-folium component.
LIVE_MAP_VAR = "map_div"
#: Runs first in every overlay: take away what the previous overlay added.
_LIVE_CLEAR = "(window.bwLive || []).forEach(function(x){ x.remove(); });\nwindow.bwLive = [];\n"


def live_assets(asset_base: str = "/app/static") -> tuple[list[str], list[str]]:
    """(CSS, JS) URLs every overlay may need; the base loads them all once, in this order."""
    urls = assets.asset_urls(asset_base)
    return [urls[k] for k in _CSS.values()], [urls[k] for k in _JS.values()]


def live_base(frames: dict, *, lang: str = "vi", layers=None, tile_url: str | None = None,
              asset_base: str = "/app/static") -> tuple[folium.Map, dict]:
    """The part of the dashboard map no filter changes, and its layers by name.

    ``frames`` needs ``"basemap"`` and every layer without the ``filtered`` flag. The returned
    groups' ``get_name()`` are the JavaScript variables :func:`live_overlay` refers to (read
    them after the map was turned into the component's script: that step renames variables).
    """
    shown = _shown(layers)
    m, bounds = _new_map(frames, focus=None, asset_base=asset_base)
    groups = _base_layers(m, frames, lang=lang, tile_url=tile_url)
    for s in registry.REGISTRY:
        if not s.filtered:
            groups[s.name] = _draw(s, frames, lang=lang, shown=shown).add_to(m)
    return _finish(m, bounds, lang=lang, asset_base=asset_base, places=frames.get("places"), filter_tools=True), groups


class _Ref:
    """A layer drawn by the base script, known by its JavaScript variable."""

    def __init__(self, name: str):
        self.name = name

    def get_name(self) -> str:
        return self.name


def _layer_control_js(base: dict[str, str], overlays: dict[str, str], map_var: str) -> str:
    def pairs(d: dict[str, str]) -> str:
        return "{" + ", ".join(f"{js_json(k)}: {v}" for k, v in d.items()) + "}"

    return (f"var bw_layer_control = L.control.layers({pairs(base)}, {pairs(overlays)}, "
            f'{{position: "topright", collapsed: window.bw ? bw.narrow({OPEN_FROM}) : false, autoZIndex: true}})'
            f'.addTo({map_var});\n'
            "window.bwLive.push(bw_layer_control);\n")


def area_outline(area: str) -> folium.FeatureGroup:
    """The filter's area (WKT) as a dashed outline, not in the layer control."""
    from geo.areas import parse_area
    fg = folium.FeatureGroup(name="area", control=False)
    GeoLayer([feature(parse_area(area))], styles=[{"color": "#000000", "weight": 2.5, "dashArray": "8 5",
                                                   "fill": False, "interactive": False}], pane="bw_lines").add_to(fg)
    return fg


def live_overlay(frames: dict, refs: dict[str, str], *, lang: str = "vi", view: MapView | None = None,
                 demo: bool = False, map_var: str = LIVE_MAP_VAR, area: str | None = None) -> str:
    """JavaScript that replaces the filter-dependent part of a :func:`live_base` map.

    ``frames``: the base layers (for their legend) and the filtered layers shown in ``layers``;
    ``refs``: layer name -> JavaScript variable of the base's groups (``"basemap"``, optional
    ``"tiles"``, each layer without the ``filtered`` flag). Draws the filtered layers shown in
    ``view.layers`` (only those: a hidden one is added from the dashboard's layer menu, so no browser
    builds data it does not show), puts them and every base layer in the layer control and the
    legend, marks ``view.focus`` (lat, lon, zoom) with a ring.
    """
    view = view or MapView()
    shown, focus = _shown(view.layers), view.focus
    scratch = folium.Map(location=[0, 0], zoom_start=1, tiles=None)     # a parent only: never rendered
    items: list[Element] = []
    overlays: dict[str, str] = {}
    sections: list[Section] = []
    for s in registry.REGISTRY:
        if s.filtered and s.name not in shown:
            continue
        mod, gdf = registry.module(s.name), frames[s.name]
        layer: folium.FeatureGroup | _Ref
        if s.filtered:
            layer = _draw(s, frames, lang=lang, shown=shown)
            items.append(layer.add_to(scratch))
        else:
            layer = _Ref(refs[s.name])
        overlays[mod.TITLE[lang]] = layer.get_name()
        sections.append(Section(layer, mod.TITLE[lang], mod.legend(gdf, lang=lang)))
    if focus is not None:
        ring = folium.FeatureGroup(name="focus", control=False).add_to(scratch)
        FocusRing(focus[0], focus[1], lang=lang).add_to(ring)
        items.append(ring)
    if area:
        items.append(area_outline(area).add_to(scratch))
    items.append(Legend(sections[::-1], lang=lang, notes=_notes(lang, demo, view.month)).add_to(scratch))
    for el in items:
        el.render()
    code = "\n".join(el.render() for el in _figure(scratch).script._children.values())
    base = {basemap.TITLE[lang]: refs["basemap"]}
    if "tiles" in refs:
        base[basemap.TILES_TITLE[lang]] = refs["tiles"]
    base.update({basemap.unit_title(k[3:], lang): v for k, v in refs.items() if k.startswith("bm:")})
    return (_LIVE_CLEAR + code.replace(scratch.get_name(), map_var) + "\n"
            + "".join(f"window.bwLive.push({el.get_name()});\n" for el in items)
            + _layer_control_js(base, overlays, map_var))


def build_map(con: duckdb.DuckDBPyConnection, flt: Filter, *, lang: str = "vi", view: MapView | None = None,
              page: Page | None = None) -> folium.Map:
    """The dashboard map for filter ``flt``.

    Parameters
    ----------
    view : MapView, optional
        The layers shown when the map opens (others stay in the layer control; default
        :func:`layers.default_names`), the month the time-sliced layers (heat, H3 counts, Gi* hot
        spots, incident points) show (within the filter's period), a focus ``(lat, lon, zoom)`` to
        centre on instead of fitting the belt (a ring marks the spot), the H3 resolution, and what a
        viewer may see (``details``: exact incident points; ``min_cell``: the smallest count shown).
    page : Page, optional
        A local tile server, the URL prefix of the map's JS/CSS files and the embedded basemaps.
    """
    view = view or MapView()
    frames = small_cells(redact(load_layers(con, flt, month=view.month, res=view.res), view.details), view.min_cell)
    return assemble(frames, lang=lang, view=view, page=page, demo=is_demo(con), area=flt.area)


def _walk(el):
    yield el
    for child in getattr(el, "_children", {}).values():
        yield from _walk(child)


def localise_assets(m: folium.Map, *, asset_base: str = "/app/static") -> folium.Map:
    """Point every element's JS/CSS at ``asset_base``; drop unused folium defaults; refuse unknown CDN files."""
    urls = assets.asset_urls(asset_base)
    for el in _walk(m):
        if not isinstance(el, JSCSSMixin):
            continue
        for attr, known in (("default_js", _JS), ("default_css", _CSS)):
            out = []
            for name, url in getattr(el, attr):
                if name in _DROP:
                    continue
                if name in known:
                    out.append((name, urls[known[name]]))
                elif re.match(r"^(https?:)?//", str(url)):
                    raise ValueError(f"{type(el).__name__} needs {name} from {url}, which is not available "
                                     f"offline; add it to layers/assets.py")
                else:
                    out.append((name, url))
            setattr(el, attr, out)        # instance attribute: the class defaults stay untouched
    return m


def map_html(m: folium.Map) -> str:
    """The full HTML page of ``m`` (assets linked under the base it was built with)."""
    return m.get_root().render()


def standalone_html(con: duckdb.DuckDBPyConnection, flt: Filter, *, lang: str = "vi", view: MapView | None = None,
                    tile_url: str | None = None, basemap_names: tuple[str, ...] | None = None) -> str:
    """One self-contained HTML file: every script, style sheet and image inlined, no URL fetched.

    ``view``: as for :func:`build_map`. ``basemap_names``: the unit's basemaps embedded for the belt's
    extent (default: the one chosen with ``borderwatch basemap default``, if any).
    """
    if basemap_names is None:
        chosen = basemaps.default_basemap(con)
        basemap_names = (chosen.name,) if chosen else ()
    m = build_map(con, flt, lang=lang, view=view,
                  page=Page(tile_url=tile_url, asset_base=INLINE_BASE, embed=tuple(basemap_names)))
    return inline_assets(map_html(m))


def inline_assets(page: str) -> str:
    """Replace the ``bw-inline:`` script and style-sheet links of ``page`` with the files' contents."""
    by_url = {url: key for key, url in assets.asset_urls(INLINE_BASE).items() if key != "images"}

    def script(match):
        body = re.sub(r"</(script)", r"<\\/\1", assets.inline_text(by_url[match.group(1)]), flags=re.I)
        return f"<script>{body}</script>"

    def style(match):
        body = re.sub(r"</(style)", r"<\\/\1", assets.inline_text(by_url[match.group(1)]), flags=re.I)
        return f"<style>{body}</style>"

    page = re.sub(r'<script src="(%s[^"]*)"></script>' % re.escape(INLINE_BASE), script, page)
    page = re.sub(r'<link rel="stylesheet" href="(%s[^"]*)"\s*/?>' % re.escape(INLINE_BASE), style, page)
    if INLINE_BASE in page:
        raise RuntimeError("an asset link was left un-inlined")
    return page
