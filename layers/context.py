"""Context layers: the unit's roads, rivers, contours, boundaries… (:mod:`data.context`), under the incident layers.

Lines and areas go in pane ``bw_areas`` (under the hexagons, Gi* cells, heat and incident markers),
each in its layer's colour; a feature with a name shows it on hover, and from zoom
:data:`LABEL_ZOOM` one label per name sits on the map (halo, no mouse), so the labels do not crowd
the overview. All context layers switch together in the layer control (one registry layer).
"""
from __future__ import annotations

import folium
import geopandas as gpd
import shapely
from branca.element import MacroElement
from folium.template import Template

from layers._html import esc, esc_name, legend_swatch, titles
from layers._leaflet import GeoLayer, check_schema, feature, feature_group

NAME = "context"
TITLE = titles("layers.context")
SCHEMA = ("layer", "label", "style", "color", "geometry")
LABEL_ZOOM = 12
_CSS = """<style>
.bw-ctx-label { display: block; transform: translate(-50%, -50%); white-space: nowrap; pointer-events: none;
  font: italic 11px/1.1 "DejaVu Sans", "Noto Sans", Arial, sans-serif; color: #2F2F2F;
  text-shadow: 0 0 2px #fff, 0 0 2px #fff, 0 0 3px #fff; }
.bw-ctx-hide .bw-ctx-label { display: none; }
</style>"""


def load(con, *, filters=None) -> gpd.GeoDataFrame:
    from data.context import features

    return features(con)


def style(kind: str, color: str) -> dict:
    if kind == "area":
        return {"color": color, "weight": 1.2, "fillColor": color, "fillOpacity": 0.12, "interactive": True}
    if kind == "point":
        return {"color": color, "weight": 1, "fillColor": color, "fillOpacity": 0.8, "radius": 3}
    return {"color": color, "weight": 1.6, "opacity": 0.9, "fill": False}


def legend(gdf, *, lang: str) -> list[tuple[str, str]]:
    out = []
    for (layer, kind, color), _ in gdf.groupby(["layer", "style", "color"], sort=False):
        sw = legend_swatch(fill=color, stroke=color, opacity=0.3) if kind == "area" else legend_swatch(stroke=color)
        out.append((sw, esc_name(layer)))
    return out


def _label_point(geom):
    """Where a name goes: the middle of the longest line, inside an area, the point itself."""
    parts = list(getattr(geom, "geoms", [geom]))
    best = max(parts, key=lambda g: g.length if g.length else g.area)
    if best.geom_type in ("LineString", "LinearRing"):
        return best.interpolate(0.5, normalized=True)
    return best.representative_point() if best.geom_type == "Polygon" else best.centroid


class _ZoomLabels(MacroElement):
    """Hide the context labels below ``LABEL_ZOOM`` (a class on the map container, updated on zoom)."""

    _template = Template("""
        {% macro header(this, kwargs) %}{{ this.css }}{% endmacro %}
        {% macro script(this, kwargs) %}
        (function(m){
            function upd(){ m.getContainer().classList.toggle("bw-ctx-hide", m.getZoom() < {{ this.zoom }}); }
            m.on("zoomend", upd); upd();
        })({{ this._parent._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, zoom: int):
        super().__init__()
        self._name = "ZoomLabels"
        self.zoom = int(zoom)
        self.css = _CSS


def render(gdf: gpd.GeoDataFrame, *, lang: str = "vi") -> folium.FeatureGroup:
    check_schema(gdf, SCHEMA, NAME)
    fg = feature_group(TITLE, lang=lang)
    keys = list(dict.fromkeys(zip(gdf["style"], gdf["color"], strict=True)))
    index = {k: i for i, k in enumerate(keys)}
    feats, labels = [], []
    icons: dict[str, dict] = {}
    for (_, row) in gdf.iterrows():
        name = row["label"] if isinstance(row["label"], str) else None
        tip = f"{esc_name(name)} · {esc(row['layer'])}" if name else esc(row["layer"])
        feats.append(feature(row.geometry, s=index[(row["style"], row["color"])], t=tip))
    named = gdf[gdf["label"].notna()]
    for (_layer, name), grp in named.groupby(["layer", "label"], sort=False):
        geom = shapely.union_all(list(grp.geometry)) if len(grp) > 1 else grp.geometry.iloc[0]
        key = f"l{len(icons)}"
        icons[key] = {"html": f'<span class="bw-ctx-label">{esc_name(name)}</span>', "size": 0, "fixed": True}
        labels.append(feature(_label_point(geom), k=key))
    GeoLayer(feats, styles=[style(k, c) for k, c in keys] or [{}], pane="bw_areas").add_to(fg)
    if labels:
        GeoLayer(labels, icons=icons).add_to(fg)
        _ZoomLabels(LABEL_ZOOM).add_to(fg)
    return fg
