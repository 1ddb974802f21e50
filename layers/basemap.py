"""Base map without tiles: Vietnam and Laos polygons (Natural Earth, public domain) in the lowest pane.

The polygons sit in pane ``bw_base`` (z 250), under the belt, the hexagons and the heat
canvas. A site that runs its own tile server can add it as a second base layer with
:func:`tile_layer`; nothing is fetched from the internet by default.
"""
from __future__ import annotations

import json
from pathlib import Path

import folium
import geopandas as gpd
from folium.map import Layer
from folium.template import Template
from shapely.geometry import box, shape

import data
from core.i18n import t
from data.build_border import BASEMAP_FINE_BOX
from layers._html import esc, js_json, titles
from layers._leaflet import GeoLayer, check_schema, feature

NAME = "basemap"
TITLE = titles("layers.basemap")
TILES_TITLE = titles("layers.tiles")
SCHEMA = ("iso3", "name", "geometry")
_STYLE = {
    "VNM": {"color": "#8C8C8C", "weight": 1, "fillColor": "#FAF7EE", "fillOpacity": 1.0},
    "LAO": {"color": "#8C8C8C", "weight": 1, "fillColor": "#E4E4DE", "fillOpacity": 1.0},
}
_OTHER = {"color": "#8C8C8C", "weight": 1, "fillColor": "#EFEFEF", "fillOpacity": 1.0}
BACKGROUND = "#DCE6EE"     # what shows outside the polygons (the map container): the sea
LABEL_BOX = box(*BASEMAP_FINE_BOX)


def path() -> Path:
    """The bundled GeoJSON (``data/demo_files/basemap.geojson``)."""
    return Path(data.__file__).resolve().parent / "demo_files" / "basemap.geojson"


def load(con=None, *, filters=None, source: Path | None = None) -> gpd.GeoDataFrame:
    """Country polygons with ``iso3`` and ``name``; ``attrs["attribution"]`` from the file.

    With a store, ``attrs["unit_basemaps"]`` lists the unit's registered basemaps
    (:class:`data.basemaps.Basemap`) and ``attrs["unit_default"]`` the one chosen to open with.
    """
    raw = json.loads(Path(source or path()).read_text(encoding="utf-8"))
    rows = [{**f["properties"], "geometry": shape(f["geometry"])} for f in raw["features"]]
    gdf = gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")
    gdf.attrs["attribution"] = raw.get("attribution", "Natural Earth")
    if con is not None:
        from data import basemaps

        gdf.attrs["unit_basemaps"] = basemaps.list_basemaps(con)
        chosen = basemaps.default_basemap(con)
        gdf.attrs["unit_default"] = chosen.name if chosen else None
    return gdf


def style(iso3: str) -> dict:
    return _STYLE.get(iso3, _OTHER)


def legend(gdf, *, lang: str) -> list[tuple[str, str]]:
    return []


def render(gdf: gpd.GeoDataFrame, *, lang: str = "vi", show: bool = True) -> folium.FeatureGroup:
    """A base layer (radio button in the layer control) holding the polygons and country names."""
    check_schema(gdf, SCHEMA, NAME)
    fg = folium.FeatureGroup(name=TITLE[lang], overlay=False, control=True, show=show)
    codes = list(_STYLE) + ["*"]
    index = {c: i for i, c in enumerate(codes)}
    polys, labels = [], []
    icons: dict[str, dict] = {}
    for _, row in gdf.iterrows():
        iso = row["iso3"] if row["iso3"] in _STYLE else "*"
        polys.append(feature(row.geometry, s=index[iso]))
        name = t(f"map.country.{row['iso3']}", lang)
        text = name if not name.startswith("map.country.") else str(row["name"])
        key = f"c{len(icons)}"
        icons[key] = {"html": f'<span class="bw-country">{esc(text)}</span>', "size": 0, "fixed": True}
        near = row.geometry.intersection(LABEL_BOX)        # the name where the border area is, not mid-country
        labels.append(feature((near if not near.is_empty else row.geometry).representative_point(), k=key))
    styles = [style(c) for c in codes]
    GeoLayer(polys, styles=styles, pane="bw_base", attribution=gdf.attrs.get("attribution")).add_to(fg)
    GeoLayer(labels, icons=icons).add_to(fg)
    return fg


def tile_layer(url: str, *, lang: str = "vi") -> folium.TileLayer:
    """A site's own tile server (``https://tiles.local/{z}/{x}/{y}.png``) as a second base layer."""
    if not url or "{z}" not in url:
        raise ValueError(f"tile URL must contain {{z}}, {{x}} and {{y}}: {url!r}")
    return folium.TileLayer(tiles=url, attr=esc(t("map.tiles.attr", lang)), name=TILES_TITLE[lang],
                            overlay=False, control=True, show=False, max_zoom=18)


# -- the unit's own basemaps (data.basemaps) ----------------------------------------------------

def unit_title(name: str, lang: str) -> str:
    return t("layers.unit_basemap", lang, name=name)


def unit_layer(bm, *, lang: str = "vi", show: bool = False) -> folium.TileLayer:
    """A registered basemap served by the app itself (``/bw/tiles/NAME/{z}/{x}/{y}``, same origin as the page)."""
    w, s, e, n = bm.bounds
    return folium.TileLayer(tiles=bm.url, attr=esc(bm.attribution or bm.name), name=unit_title(bm.name, lang),
                            overlay=False, control=True, show=show, max_zoom=18, min_zoom=0,
                            max_native_zoom=bm.max_zoom, min_native_zoom=bm.min_zoom,
                            bounds=[[s, w], [n, e]], no_wrap=True)


class EmbeddedTiles(Layer):
    """A basemap whose tiles travel inside the page as data URIs (the standalone map file).

    ``tiles``: ``"z/x/y" -> data URI``; beyond ``max_native`` Leaflet scales the last level up; a tile
    not embedded is left empty (nothing is fetched).
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function(){
            var tiles = {{ this.tiles_js }};
            var blank = "data:image/gif;base64,R0lGODlhAQABAAAAACH5BAEKAAEALAAAAAABAAEAAAICTAEAOw==";
            var Embedded = L.TileLayer.extend({
                getTileUrl: function(c) {
                    return tiles[c.z + "/" + c.x + "/" + c.y] || blank;
                }
            });
            return new Embedded("", {{ this.options_js }});
        })();
        {% endmacro %}
    """)

    def __init__(self, bm, tiles: dict[str, str], max_native: int, *, lang: str = "vi", show: bool = False):
        super().__init__(name=unit_title(bm.name, lang), overlay=False, control=True, show=show)
        self._name = "EmbeddedTiles"
        w, s, e, n = bm.bounds
        self.tiles_js = js_json(tiles)
        self.options_js = js_json({"minZoom": 0, "maxZoom": 18, "minNativeZoom": bm.min_zoom,
                                   "maxNativeZoom": max_native, "bounds": [[s, w], [n, e]], "noWrap": True,
                                   "attribution": esc(bm.attribution or bm.name)})
