"""Static maps drawn offline with matplotlib: no tiles, the web map's layers and colours.

Layers (bottom to top): countries from ``data/demo_files/basemap.geojson`` (Natural
Earth), the border belt, H3 hexagons (incident counts or Gi* bins), trails, the border
line, villages by status (colour *and* shape), crossings by kind (colour *and* shape).
Colours and shapes come from :mod:`core.palette`, as on the web map. Coordinates are
EPSG:4326 (lon, lat), drawn with the aspect of the map's mid latitude.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import numpy as np
from matplotlib.artist import Artist
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.transforms import Bbox
from shapely.geometry import shape

from core import palette
from core.i18n import t
from core.vocab import label
from geo.classes import class_ranges, count_breaks, count_classes
from geo.h3grid import cell_polygons
from report.canvas import new_figure, png_bytes, renderer_of

BASEMAP = Path(__file__).resolve().parent.parent / "data" / "demo_files" / "basemap.geojson"
INK = "#111111"
MARKERS = {"circle": "o", "circle-open": "o", "triangle": "^", "triangle-down": "v", "square": "s",
           "diamond": "D", "star": "*", "cross": "X", "shield": "p"}
COUNT_COLORS = list(palette.HEAT_GRADIENT.values())[1:]     # four classes, light to dark
MAP_KINDS = ("overview", "hotspots", "villages", "patrols")
COUNTRY_ZORDER = 1.6                  # the country names: labels and ranks keep off them


@lru_cache(maxsize=1)
def countries() -> gpd.GeoDataFrame:
    """Country polygons (iso3, name) of the base map, read once."""
    data = json.loads(BASEMAP.read_text(encoding="utf-8"))
    rows = [{**f["properties"], "geometry": shape(f["geometry"])} for f in data["features"]]
    return gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")


def _hexes(h3_hex) -> gpd.GeoDataFrame:
    cells = np.array([int(h, 16) for h in h3_hex], dtype=np.uint64)
    return cell_polygons(cells)


def _points(ax, gdf, style: palette.SizedMarkerStyle, *, size_scale: float = 1.0, zorder: int = 6) -> None:
    pts = gdf.geometry.representative_point()
    open_ = style["shape"] == "circle-open"
    ax.scatter(pts.x, pts.y, marker=MARKERS.get(style["shape"], "o"), s=(style["size"] * size_scale) ** 2 * 0.9,
               c="white" if open_ else style["color"], edgecolors=style["color"] if open_ else INK,
               linewidths=2.4 if open_ else 1.3, zorder=zorder)


_OFFSETS = [(14, 0, "left"), (-14, 0, "right"), (14, 16, "left"), (14, -16, "left"), (-14, 16, "right"),
            (-14, -16, "right"), (14, 32, "left"), (14, -32, "left"), (-14, 32, "right"), (-14, -32, "right"),
            (14, 48, "left"), (-14, 48, "right"), (14, -48, "left"), (-14, -48, "right"),
            (14, 64, "left"), (-14, 64, "right"), (14, -64, "left"), (-14, -64, "right")]


def _place_labels(ax, items, *, size: float, avoid: list[Bbox] | None = None) -> None:
    """Boxed labels ``(x, y, text, colour)`` beside their points, each at the first offset that
    overlaps no earlier label and no box of ``avoid`` (gap ranks, scale bar, north arrow); earlier items win."""
    renderer = ax.figure.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    placed: list[Bbox] = list(avoid or [])
    for x, y, text, color in items:
        for dx, dy, ha in _OFFSETS:
            a = ax.annotate(text, (x, y), xytext=(dx, dy), textcoords="offset points", fontsize=size, fontweight="bold",
                            color=color, ha=ha, va="center", zorder=9, gid="place-label",
                            bbox=dict(boxstyle="round,pad=0.18", fc="white", ec=color, lw=0.9, alpha=0.93))
            box = a.get_window_extent(renderer).expanded(1.04, 1.1)
            inside = frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1
            if inside and not any(box.overlaps(p) for p in placed):
                placed.append(box)
                if abs(dy) > 32:            # far from its point: a leader line says which point it names
                    ax.annotate("", (x, y), xytext=(dx, dy), textcoords="offset points", zorder=8.9,
                                arrowprops=dict(arrowstyle="-", color=color, lw=0.9, shrinkA=0, shrinkB=2))
                break
            a.remove()


def draw_map(ax, b, kind: str, *, font: float = 13, extent=None, furniture: bool = True,
             layout: Callable[[list], None] | None = None) -> list:
    """Draw map ``kind`` (overview | hotspots | villages | patrols) of briefing ``b`` on ``ax``; return legend handles.

    ``extent``: (left, bottom, right, top) in degrees instead of the kind's own; ``furniture``: a
    scale bar (lower right) and a north arrow (upper right). ``layout(handles)`` is called before the
    labels are placed, to add the legend and move the axes (labels are fitted to the final frame).
    """
    if kind not in MAP_KINDS:
        raise ValueError(f"unknown map kind {kind!r}; valid: {', '.join(MAP_KINDS)}")
    lang, base = b.lang, b.base
    belt = base["belt"]
    minx, miny, maxx, maxy = extent if extent is not None else _extent(b, kind)
    ax.set_xlim(minx, maxx)
    ax.set_ylim(miny, maxy)
    ax.set_aspect(1 / np.cos(np.radians((miny + maxy) / 2)))
    ax.set_facecolor("#FFFFFF")
    c = countries()
    fills = {"VNM": "#F4F4F4", "LAO": "#DCDCDC"}
    for iso, fill in fills.items():
        part = c[c["iso3"] == iso]
        part.plot(ax=ax, color=fill, edgecolor="#9A9A9A", linewidth=0.6, zorder=1)
    _unit_basemap(ax, base.get("unit_basemap"), (minx, miny, maxx, maxy))
    _country_labels(ax, lang, font)
    belt.plot(ax=ax, color=palette.BELT["fill"], alpha=0.55, edgecolor=palette.BELT["color"],
              linewidth=palette.BELT["weight"], zorder=2)
    handles: list[Artist] = [Patch(facecolor=palette.BELT["fill"], edgecolor=palette.BELT["color"],
                                   label=t("report.legend.belt", lang))]
    ranks: list[tuple[float, float, int, str]] = []
    handles += _hex_layer(ax, b, kind, ranks)
    for tk, style in palette.TRAIL_KIND.items():
        part = base["trails"][base["trails"]["kind"] == tk]
        if len(part):
            dash = (0, tuple(float(v) / 2 for v in style["dash"].split())) if style["dash"] else "-"
            part.plot(ax=ax, color=style["color"], linewidth=style["weight"] * 0.8, linestyle=dash, zorder=4)
    handles.append(Line2D([], [], color=palette.TRAIL_KIND["trail"]["color"], lw=2.4, ls=(0, (4, 3)),
                          label=t("report.legend.trail", lang)))
    base["border"].plot(ax=ax, color=palette.BORDER["color"], linewidth=palette.BORDER["weight"] * 0.75, zorder=5)
    handles.append(Line2D([], [], color=palette.BORDER["color"], lw=3, label=t("report.legend.border", lang)))
    labels: list = []
    handles += _villages(ax, b, kind, labels)
    handles += _crossings(ax, b, labels)
    labels.sort(key=lambda item: item[3] == INK)     # gates first, then villages
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    for s in ax.spines.values():
        s.set_edgecolor(INK)
        s.set_linewidth(1.2)
    if layout is not None:
        layout(handles)
    ax.apply_aspect()
    before = set(ax.texts) | set(ax.patches)
    if furniture:
        scale_bar(ax, lang=lang, font=font * 0.75)
        north_arrow(ax, lang=lang, font=font)
    renderer = ax.figure.canvas.get_renderer()
    furniture_boxes = [a.get_window_extent(renderer) for a in [*ax.texts, *ax.patches]
                       if a not in before or a.get_zorder() == COUNTRY_ZORDER]
    taken = _place_ranks(ax, ranks, avoid=furniture_boxes)
    _place_labels(ax, labels, size=font * 0.8, avoid=furniture_boxes + taken)
    return handles


def _unit_basemap(ax, bm, bounds) -> None:
    """The unit's basemap (``borderwatch basemap default N``) over the country fills, where it has tiles."""
    if bm is None:
        return
    from data.basemaps import mosaic

    try:
        img = mosaic(bm, bounds)
    except Exception:  # any unreadable tile source (file gone since it was chosen, bad tile): draw without it
        img = None
    if img is not None:
        ax.imshow(img, extent=(bounds[0], bounds[2], bounds[1], bounds[3]), interpolation="bilinear",
                  zorder=1.5, aspect=ax.get_aspect())


_NICE_KM = (0.5, 1, 2, 5, 10, 20, 25, 50, 100, 200, 500)
_KM_PER_DEG = 111.32                  # km per degree of latitude, and of longitude at the equator


def nice_length_km(width_km: float, *, share: float = 0.25) -> float:
    """The longest round length not over ``share`` of ``width_km``.

    >>> nice_length_km(80), nice_length_km(15), nice_length_km(3)
    (20, 2, 0.5)
    """
    fits = [v for v in _NICE_KM if v <= width_km * share]
    return fits[-1] if fits else _NICE_KM[0]


def scale_bar(ax, *, lang: str, font: float = 10) -> float:
    """A two-segment black and white scale bar at the lower right of ``ax`` (lon/lat axes); returns its km.

    Its length comes from the axes' mid latitude (km per degree of longitude = 111.32 · cos φ):
    under 0.1 % off over the few tens of km a map of the border shows.
    """
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    km_per_deg = _KM_PER_DEG * np.cos(np.radians((y0 + y1) / 2))
    length = nice_length_km((x1 - x0) * km_per_deg)
    dx = length / km_per_deg
    left, base, h = x1 - 0.07 * (x1 - x0) - dx, y0 + 0.045 * (y1 - y0), 0.012 * (y1 - y0)
    from matplotlib.patches import Rectangle
    ax.add_patch(Rectangle((left - 0.01 * (x1 - x0), base - 0.6 * h), dx + 0.02 * (x1 - x0), 4.6 * h, fc="white",
                           ec="none", alpha=0.85, zorder=10))
    for i, fill in enumerate(("#000000", "#FFFFFF")):
        ax.add_patch(Rectangle((left + i * dx / 2, base), dx / 2, h, fc=fill, ec=INK, lw=0.8, zorder=11))
    number = f"{length:g}".replace(".", ",") if lang == "vi" else f"{length:g}"
    for x, text in ((left, "0"), (left + dx, f"{number} km")):
        ax.text(x, base + 1.6 * h, text, ha="center", va="bottom", fontsize=font, color=INK, zorder=11)
    return length


def north_arrow(ax, *, lang: str, font: float = 12) -> None:
    """A north arrow with its letter (B = Bắc in Vietnamese, N in English) at the upper right (north is up)."""
    ax.annotate(t("report.north", lang), xy=(0.955, 0.955), xytext=(0.955, 0.855), xycoords="axes fraction",
                textcoords="axes fraction", ha="center", va="center", fontsize=font, fontweight="bold", color=INK,
                zorder=11, bbox=dict(boxstyle="circle,pad=0.2", fc="white", ec="none", alpha=0.85),
                arrowprops=dict(facecolor=INK, edgecolor=INK, width=3, headwidth=10, headlength=10, shrink=0.0))


def _extent(b, kind: str, *, pad: float = 0.04, min_span: float = 0.3) -> tuple[float, float, float, float]:
    """(left, bottom, right, top) in degrees: the border and crossings; for hotspots the numbered cells."""
    if kind == "hotspots" and len(b.hot):
        cells = _hexes(b.hot.head(7)["h3"])
        minx, miny, maxx, maxy = cells.total_bounds
        pad = 0.06
    elif kind == "patrols" and b.patrols.get("coverage") is not None and \
            len(cells := _patrol_extent_cells(b)):
        minx, miny, maxx, maxy = _hexes(cells).total_bounds
    else:
        parts = [b.base["border"], b.base["crossings"]]
        bounds = np.array([p.total_bounds for p in parts if len(p)] or [b.base["belt"].total_bounds])
        minx, miny = bounds[:, 0].min(), bounds[:, 1].min()
        maxx, maxy = bounds[:, 2].max(), bounds[:, 3].max()
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    hw, hh = max((maxx - minx) / 2 + pad, min_span / 2), max((maxy - miny) / 2 + pad, min_span / 2)
    return cx - hw, cy - hh, cx + hw, cy + hh


def _patrol_extent_cells(b) -> list:
    """Cells the patrol map must show: patrolled, hot (Gi* bin >= 2) and gap cells."""
    cov = b.patrols["coverage"]
    return sorted(set(cov.loc[(cov["patrol_days"] > 0) | cov["hot"].astype(bool), "h3"]))


#: Right edge of the "VIỆT NAM" label (axes fraction): left of the north arrow (:func:`north_arrow`, at 0.955).
VNM_LABEL_RIGHT = 0.90


def _country_labels(ax, lang, font):
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    kw = dict(fontsize=font * 1.3, fontweight="bold", color="#6E6E6E", zorder=COUNTRY_ZORDER)
    ax.text(x0 + VNM_LABEL_RIGHT * (x1 - x0), y1 - 0.03 * (y1 - y0), t("report.country.VNM", lang), ha="right",
            va="top", **kw)
    ax.text(x0 + 0.02 * (x1 - x0), y0 + 0.03 * (y1 - y0), t("report.country.LAO", lang), ha="left", va="bottom", **kw)


def _hex_layer(ax, b, kind: str, ranks: list | None = None) -> list:
    lang, hs = b.lang, b.hotspots
    if kind == "overview":
        counted = hs[hs["count"] > 0]
        if not len(counted):
            return []
        bounds = count_breaks(counted["count"], quantiles=(0.5, 0.8, 0.95, 1.0))
        cls = np.minimum(count_classes(counted["count"], bounds), len(COUNT_COLORS) - 1)
        hexes = _hexes(counted["h3"])
        hexes.plot(ax=ax, color=[COUNT_COLORS[i] for i in cls], edgecolor="#5A5A5A", linewidth=0.3, zorder=3)
        out = []
        lowest = int(counted["count"].min())
        # fewer classes than colours when counts tie (the breaks are deduplicated): the first colours are used
        for color, (lo, hi) in zip(COUNT_COLORS, class_ranges(bounds, lowest=lowest), strict=False):
            out.append(Patch(facecolor=color, edgecolor="#5A5A5A",
                             label=f"{t('report.legend.count', lang)}: " + (f"{lo}–{hi}" if hi > lo else f"{lo}")))
        return out
    if kind == "hotspots":
        hot = hs[hs["bin"] >= 1]
        if len(hot):
            _hexes(hot["h3"]).plot(ax=ax, color=[palette.GI_BINS[int(x)] for x in hot["bin"]], edgecolor=INK,
                                   linewidth=0.5, zorder=3)
        for _, r in b.hot.head(7).iterrows():
            y, x = _centre(r["h3"])
            ax.text(x, y, str(int(r["n"])), fontsize=12, fontweight="bold", color="white", ha="center", va="center",
                    zorder=9, bbox=dict(boxstyle="circle,pad=0.25", fc=INK, ec="white", lw=1.2))
        return [Patch(facecolor=palette.GI_BINS[k], edgecolor=INK, label=t(f"report.bin.{k}", lang)) for k in (3, 2, 1)]
    if kind == "patrols":
        return _patrol_layer(ax, b, [] if ranks is None else ranks)
    return []


RANK_RADIUS_PT = 10.5                 # radius of a gap rank circle (12 pt digits, pad 0.25), points
#: Offsets (points) tried for a gap rank whose own spot is taken: a ring, then a wider one; a leader line joins it.
_RANK_OFFSETS = [(0.0, 0.0)] + [(r * np.cos(a), r * np.sin(a)) for r in (22.0, 38.0, 54.0)
                                for a in np.radians([45, 135, 225, 315, 0, 90, 180, 270])]


def _rank_box(ax, x: float, y: float, dx: float, dy: float, renderer) -> Bbox:
    """Window box of a rank circle at (x, y) data plus (dx, dy) points (the circle only, not its leader line)."""
    cx, cy = ax.transData.transform((x, y))
    scale = ax.figure.dpi / 72
    r = RANK_RADIUS_PT * scale
    cx, cy = cx + dx * scale, cy + dy * scale
    return Bbox.from_extents(cx - r, cy - r, cx + r, cy + r)


def _place_ranks(ax, ranks: list[tuple[float, float, int, str]], *, avoid: list[Bbox]) -> list[Bbox]:
    """Gap rank circles ``(x, y, n, colour)`` on their cells, drawn above place labels; a rank whose spot
    overlaps an earlier rank or a box of ``avoid`` moves to the first free offset, with a leader line
    back to its cell. Returns the boxes taken (for the place labels to avoid)."""
    renderer = ax.figure.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    placed: list[Bbox] = []
    for x, y, n, color in ranks:
        best: tuple[int, float, float] | None = None         # (overlaps, dx, dy) of the least bad spot inside
        for dx, dy in _RANK_OFFSETS:
            box = _rank_box(ax, x, y, dx, dy, renderer)
            inside = frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1
            hits = sum(box.overlaps(p) for p in placed + avoid)
            if inside and (best is None or hits < best[0]):
                best = (hits, dx, dy)
            if inside and not hits:
                break
        _, dx, dy = best or (0, 0.0, 0.0)
        ax.annotate(str(n), (x, y), xytext=(dx, dy), textcoords="offset points", fontsize=12, fontweight="bold",
                    color="white", ha="center", va="center", zorder=12, gid="gap-rank",
                    bbox=dict(boxstyle="circle,pad=0.25", fc=color, ec="white", lw=1.2),
                    arrowprops=dict(arrowstyle="-", color=color, lw=1.4, shrinkA=0, shrinkB=0) if dx or dy else None)
        placed.append(_rank_box(ax, x, y, dx, dy, renderer))
    return placed


def _patrol_layer(ax, b, ranks: list) -> list:
    """Hexagons by patrol days (blues), Gi* hot cells outlined in their bin colour, gaps in red dashes; their
    ranks in the gap table are appended to ``ranks`` (placed later by :func:`_place_ranks`)."""
    lang, p = b.lang, b.patrols
    cov = p.get("coverage")
    if cov is None:
        return []
    out: list = []
    walked = cov[cov["patrol_days"] > 0]
    if len(walked):
        bounds = count_breaks(walked["patrol_days"])
        cls = count_classes(walked["patrol_days"], bounds)
        cs = palette.COVERAGE_DAYS
        shade = [cs[len(cs) - 1 if len(bounds) <= 1 else round(k * (len(cs) - 1) / (len(bounds) - 1))]
                 for k in range(len(bounds))]
        _hexes(walked["h3"]).plot(ax=ax, color=[shade[k] for k in cls], edgecolor="#08306B", linewidth=0.3,
                                  alpha=0.85, zorder=3)
        for color, (lo, hi) in zip(shade, class_ranges(bounds, lowest=int(walked["patrol_days"].min())), strict=True):
            key = "map.coverage.days" if hi > lo else "map.coverage.day"
            out.append(Patch(facecolor=color, edgecolor="#08306B", label=t(key, lang, lo=lo, hi=hi)))
    hot = b.hotspots[b.hotspots["bin"] >= 2]
    if len(hot):
        _hexes(hot["h3"]).plot(ax=ax, facecolor="none", edgecolor=[palette.GI_BINS[int(x)] for x in hot["bin"]],
                               linewidth=1.8, zorder=3.3)
        out.append(Patch(facecolor="none", edgecolor=palette.GI_BINS[3], linewidth=1.8,
                         label=t("report.legend.hot_edge", lang)))
    gaps = p["gaps"].reset_index(drop=True)
    cells = gaps[gaps["kind"] == "hot_cell"]
    red = str(palette.GAP_OUTLINE["color"])
    dash = (0, tuple(float(v) / 2 for v in str(palette.GAP_OUTLINE["dash"]).split()))
    if len(cells):
        _hexes(cells["h3"]).plot(ax=ax, facecolor="none", edgecolor=red, linewidth=2.4,
                                 linestyle=dash, zorder=3.6)
        out.append(Patch(facecolor="none", edgecolor=red, linewidth=2.4, linestyle=dash,
                         label=t("map.gaps.legend", lang)))
    from report.slides import MAX_GAP_ROWS
    for i, r in gaps.head(MAX_GAP_ROWS).iterrows():
        if r["kind"] == "hot_cell":
            y, x = _centre(r["h3"])
        else:
            x, y = r.geometry.x, r.geometry.y
        ranks.append((x, y, int(i) + 1, red))
    return out


def _centre(h3_hex: str) -> tuple[float, float]:
    import h3.api.basic_str as h3s
    return h3s.cell_to_latlng(h3_hex)


def _villages(ax, b, kind: str, labels: list) -> list:
    lang, v = b.lang, b.villages
    scale = {"overview": 0.6, "hotspots": 0.5, "patrols": 0.45}.get(kind, 0.85)
    handles = []
    for status, style in palette.VILLAGE_STATUS.items():
        part = v[v["status"] == status]
        st: palette.SizedMarkerStyle = {**style, "size": 11}
        if len(part):
            _points(ax, part, st, size_scale=scale, zorder=7)
        if kind == "villages" or len(part):
            handles.append(Line2D([], [], ls="", marker=MARKERS[style["shape"]], markersize=11,
                                  markerfacecolor=style["color"],
                                  markeredgecolor=INK, label=label("status", status, lang)))
    if kind == "villages":
        alerts = v[v["alert"]].sort_values("incidents_within", ascending=False).head(7)
        pts = alerts.geometry.representative_point()
        labels += [(p.x, p.y, name, INK) for name, p in zip(alerts["name"], pts, strict=True)]
    return handles


def _crossings(ax, b, labels: list) -> list:
    lang, cr = b.lang, b.base["crossings"]
    handles = []
    for kind, style in palette.CROSSING_KIND.items():
        part = cr[cr["kind"] == kind]
        if not len(part):
            continue
        _points(ax, part, style, size_scale=0.75, zorder=8)
        handles.append(Line2D([], [], ls="", marker=MARKERS[style["shape"]], markersize=style["size"] * 0.6,
                              markerfacecolor="white" if style["shape"] == "circle-open" else style["color"],
                              markeredgecolor=style["color"] if style["shape"] == "circle-open" else INK,
                              label=label("crossing_kind", kind, lang)))
        if kind == "international_gate":
            x0, x1 = ax.get_xlim()
            y0, y1 = ax.get_ylim()
            inside = part[part.geometry.x.between(x0, x1) & part.geometry.y.between(y0, y1)]
            labels += [(r.geometry.x, r.geometry.y, r["name"], palette.BLUE) for _, r in inside.iterrows()]
    return handles


def render_map(b, kind: str, *, width_in: float = 6.2, height_in: float = 7.0, dpi: int = 150,
               font: float = 13, legend: bool = True) -> bytes:
    """PNG bytes of map ``kind`` for briefing ``b``, with its legend below the map (never over it)."""
    return png_bytes(map_figure(b, kind, width_in=width_in, height_in=height_in, dpi=dpi, font=font,
                                legend=legend), dpi=dpi)


def map_figure(b, kind: str, *, width_in: float = 6.2, height_in: float = 7.0, dpi: int = 150,
               font: float = 13, legend: bool = True) -> Figure:
    """The Figure of :func:`render_map`: the map axes above, the legend (measured first) below."""
    fig = new_figure(width_in, height_in, dpi=dpi)
    ax = fig.add_axes((0.01, 0.01, 0.98, 0.98))

    def legend_below(handles: list) -> None:
        if not legend or not handles:
            return
        leg = fig.legend(handles=handles, loc="lower center", ncol=2, fontsize=font * 0.78, frameon=False,
                         handlelength=1.6, columnspacing=1.0, borderaxespad=0.2)
        top = leg.get_window_extent(renderer_of(fig)).y1 / fig.bbox.height + 0.01
        ax.set_position((0.01, top, 0.98, 0.99 - top))

    draw_map(ax, b, kind, font=font, layout=legend_below)
    return fig
