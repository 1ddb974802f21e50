"""Leaflet elements every layer module shares: compact GeoJSON, H3 hexagons, labels, panes.

Nothing here reads a file or touches Streamlit. :class:`GeoLayer` draws a compact
FeatureCollection with ``L.geoJSON``: styles and icons are lookup tables sent once, each
feature carries only an index into them plus its tooltip (``t``) and popup (``p``) HTML.
:class:`HexLayer` sends H3 hexagons as delta-encoded integer rings (a third of the bytes).
The HTML they carry is escaped with :mod:`layers._html`. :class:`Pane` creates the panes.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import MacroElement
from folium.template import Template

from geo.h3grid import cell_polygons
from layers._html import esc, esc_name, js_json

#: Custom panes (z-index): basemap below everything (tiles are 200, overlays 400),
#: areas under the analysis layers and the heat canvas, lines above them; reference symbols
#: (villages, gates, stations) and their labels under Leaflet's marker pane (600), so the
#: incident clusters and their counts are always on top and take the click.
PANES = {"bw_base": 250, "bw_areas": 350, "bw_lines": 450, "bw_points": 580, "bw_labels": 590}
COORD_DECIMALS = 5          # 1e-5 degree is about 1 m


def check_schema(gdf, schema: Sequence[str], layer: str) -> None:
    """Raise ``ValueError`` naming the layer and the missing columns."""
    if not hasattr(gdf, "geometry"):
        raise TypeError(f"layer {layer}: expected a GeoDataFrame, got {type(gdf).__name__}")
    missing = [c for c in schema if c not in gdf.columns]
    if missing:
        raise ValueError(f"layer {layer}: missing columns {missing} (expected {list(schema)})")


def _round(g):
    return shapely.transform(g, lambda c: np.round(c, COORD_DECIMALS))


def geometry_json(geom) -> dict | None:
    """GeoJSON geometry dict with coordinates rounded to :data:`COORD_DECIMALS`."""
    if geom is None or geom.is_empty:
        return None
    return shapely.geometry.mapping(_round(geom))


def feature(geom, **props) -> dict | None:
    g = geometry_json(geom)
    if g is None:
        return None
    return {"type": "Feature", "geometry": g, "properties": {k: v for k, v in props.items() if v not in (None, "")}}


def feature_group(title: dict[str, str], *, lang: str, show: bool = True) -> folium.FeatureGroup:
    return folium.FeatureGroup(name=title.get(lang) or title["vi"], overlay=True, control=True, show=show)


class GeoLayer(MacroElement):
    """A compact FeatureCollection drawn with ``L.geoJSON`` into its parent group.

    Parameters
    ----------
    features : list of dict
        GeoJSON features; properties ``s`` (index into ``styles``), ``k`` (key into
        ``icons``, points only), ``t`` (tooltip HTML, escaped), ``p`` (popup HTML, escaped).
    styles : list of dict
        Leaflet path options (``color``, ``weight``, ``dashArray``, ``fillColor``...).
    icons : dict
        ``key -> {"html": svg, "size": px}`` for point features drawn as DivIcons; ``"fixed": True``
        makes the marker ignore the mouse (labels).
    pane : str or None
        Pane for paths; DivIcon markers go to pane ``bw_points`` (under the incident clusters).
    attribution : str or None
        Shown in the attribution control while the layer is on (plain text, escaped).
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function(){
            var styles = {{ this.styles_js }}, icons = {{ this.icons_js }}, made = {};
            function icon(k) {
                if (!made[k]) {
                    var d = icons[k];
                    made[k] = L.divIcon({html: d.html, className: "bw-icon", iconSize: [d.size, d.size],
                                         iconAnchor: [d.size / 2, d.size / 2], tooltipAnchor: [d.size / 2, 0]});
                }
                return made[k];
            }
            var opts = {
                style: function(f) { return styles[f.properties.s || 0] || {}; },
                pointToLayer: function(f, ll) {
                    if (f.properties.k && icons[f.properties.k]) {
                        return L.marker(ll, {icon: icon(f.properties.k), keyboard: false, pane: "bw_points",
                                            interactive: !icons[f.properties.k].fixed});
                    }
                    return L.circleMarker(ll, styles[f.properties.s || 0] || {});
                },
                onEachFeature: function(f, layer) {
                    var p = f.properties;
                    if (p.t) { layer.bindTooltip(p.t, {sticky: !(layer instanceof L.Marker)}); }
                    if (p.p) { layer.bindPopup(p.p, {maxWidth: 340}); }
                }
            };
            {%- if this.pane %}
            opts.pane = {{ this.pane|tojson }};
            {%- endif %}
            {%- if this.attribution %}
            opts.attribution = {{ this.attribution|tojson }};
            {%- endif %}
            return L.geoJSON({{ this.data_js }}, opts).addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
    """)

    def __init__(self, features: Sequence[dict | None], *, styles: list[dict] | None = None, icons: dict | None = None,
                 pane: str | None = None, attribution: str | None = None):
        super().__init__()
        self._name = "GeoLayer"
        self.features = [f for f in features if f is not None]
        self.styles = list(styles or [{}])
        self.icons = dict(icons or {})
        self.pane = pane
        self.attribution = esc(attribution) if attribution else None
        self.data_js = js_json({"type": "FeatureCollection", "features": self.features})
        self.styles_js = js_json(self.styles)
        self.icons_js = js_json(self.icons)


class Labels(MacroElement):
    """Permanent place-name labels, shown from zoom ``min_zoom`` on (``bw.labels`` in ``layers/js/bw-tools.js``).

    Added to a layer's FeatureGroup, so they switch with the layer. ``items`` are
    ``(lat, lon, text)``; the text is escaped here. White halos, pane ``bw_labels``
    (above the symbols, under the incident clusters), never clickable.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        if (window.bw) { bw.labels({{ this._parent._parent.get_name() }}, {{ this._parent.get_name() }},
                                   {{ this.items_js }}, {{ this.min_zoom }}, {{ this.cls_js }}); }
        {% endmacro %}
    """)

    def __init__(self, items: Iterable[tuple[float, float, object]], *, min_zoom: int, kind: str):
        super().__init__()
        self._name = "Labels"
        self.items = [[round(float(lat), COORD_DECIMALS), round(float(lon), COORD_DECIMALS), esc_name(text)]
                      for lat, lon, text in items if esc_name(text)]
        self.min_zoom = int(min_zoom)
        self.items_js = js_json(self.items)
        self.cls_js = js_json(f"bw-label-{kind}")


def label_points(gdf, column: str = "name") -> list[tuple[float, float, object]]:
    """``(lat, lon, name)`` of each row (a representative point for lines and areas), for :class:`Labels`."""
    out = []
    for geom, name in zip(gdf.geometry, gdf[column], strict=True):
        if geom is None or geom.is_empty:
            continue
        p = geom if geom.geom_type == "Point" else geom.representative_point()
        out.append((p.y, p.x, name))
    return out


class Pane(MacroElement):
    """Create one of :data:`PANES` on the map if it does not exist yet (idempotent, no jQuery)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function(m){
            var z = {{ this.panes_js }};
            Object.keys(z).forEach(function(n){
                if (!m.getPane(n)) { m.createPane(n); m.getPane(n).style.zIndex = z[n]; }
            });
            if (m.getPane("bw_base")) { m.getPane("bw_base").style.pointerEvents = "none"; }
            if (m.getPane("bw_labels")) { m.getPane("bw_labels").style.pointerEvents = "none"; }
        })({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self):
        super().__init__()
        self._name = "Pane"
        self.panes_js = js_json(PANES)


def cell_frame(df: pd.DataFrame) -> gpd.GeoDataFrame:
    """``df`` (with an ``h3`` hex-string column) joined to its hexagon polygons, EPSG:4326."""
    if len(df) == 0:
        return gpd.GeoDataFrame(df.copy(), geometry=gpd.GeoSeries([], crs="EPSG:4326"), crs="EPSG:4326")
    cells = np.array([int(str(h), 16) for h in df["h3"]], dtype=np.uint64)
    polys = cell_polygons(cells)
    out = df.reset_index(drop=True).copy()
    out["h3"] = polys["h3"].to_numpy()
    return gpd.GeoDataFrame(out, geometry=polys.geometry.to_numpy(), crs="EPSG:4326")


def _delta_ring(geom) -> list[int]:
    """Exterior ring (without the closing point) as integers in 1e-5 degrees: x0, y0, then deltas."""
    xy = np.asarray(geom.exterior.coords)[:-1]
    q = np.round(xy * 10 ** COORD_DECIMALS).astype(np.int64)
    q[1:] = np.diff(q, axis=0)
    return q.ravel().tolist()


class HexLayer(MacroElement):
    """H3 hexagons as compact rows ``[style index, tooltip HTML, x0, y0, dx1, dy1, ...]``.

    About a third of the bytes of the same cells as GeoJSON: the hexagon layers are the
    biggest part of the page after the incident clusters. Tooltips are escaped by the caller.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function(){
            var styles = {{ this.styles_js }}, rows = {{ this.rows_js }}, k = 1e{{ this.decimals }};
            var group = L.featureGroup();
            for (var i = 0; i < rows.length; i++) {
                var r = rows[i], x = 0, y = 0, ring = [];
                for (var j = 2; j < r.length; j += 2) { x += r[j]; y += r[j + 1]; ring.push([y / k, x / k]); }
                var poly = L.polygon(ring, styles[r[0]] || {});
                if (r[1]) { poly.bindTooltip(r[1], {sticky: true}); }
                group.addLayer(poly);
            }
            {%- if this.click %}
            if (window.bw) { bw.cellClicks(group, {{ this.click|tojson }}, {{ this.res }}); }
            {%- endif %}
            return group.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
    """)

    def __init__(self, geoms, style_index, tooltips, *, styles: list[dict], click: str | None = None,
                 res: int | None = None):
        """``click``: a layer name; a click on a hexagon then sends ``{kind: "cell", layer, res, lat, lon}``
        to the dashboard (``bw.cellClicks``), which lists the cell's incidents under the map."""
        super().__init__()
        self._name = "HexLayer"
        self.click = click
        self.res = int(res) if res is not None else "null"
        self.decimals = COORD_DECIMALS
        self.rows = [[int(s), tip, *_delta_ring(g)] for g, s, tip in zip(geoms, style_index, tooltips, strict=True)
                     if g is not None and not g.is_empty and g.geom_type == "Polygon"]
        self.styles = list(styles)
        self.rows_js = js_json(self.rows)
        self.styles_js = js_json(self.styles)
