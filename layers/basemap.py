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
from shapely.geometry import box, shape

import data
from core.i18n import t
from data.build_border import BASEMAP_FINE_BOX
from layers._common import GeoLayer, check_schema, esc, feature, titles

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
    """Country polygons with ``iso3`` and ``name``; ``attrs["attribution"]`` from the file."""
    raw = json.loads(Path(source or path()).read_text(encoding="utf-8"))
    rows = [{**f["properties"], "geometry": shape(f["geometry"])} for f in raw["features"]]
    gdf = gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")
    gdf.attrs["attribution"] = raw.get("attribution", "Natural Earth")
    return gdf


def style(iso3: str) -> dict:
    return _STYLE.get(iso3, _OTHER)


def legend(gdf, *, lang: str) -> list[tuple[str, str]]:
    return []


def render(gdf: gpd.GeoDataFrame, *, lang: str = "vi") -> folium.FeatureGroup:
    """A base layer (radio button in the layer control) holding the polygons and country names."""
    check_schema(gdf, SCHEMA, NAME)
    fg = folium.FeatureGroup(name=TITLE[lang], overlay=False, control=True, show=True)
    codes = list(_STYLE) + ["*"]
    index = {c: i for i, c in enumerate(codes)}
    polys, labels, icons = [], [], {}
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
