"""Incidents as clustered markers (Leaflet.markercluster through folium's FastMarkerCluster).

Never one marker per incident beyond :data:`CAP`: the layer holds the ``CAP`` most recent
incidents of the filter and says so in the legend ("5.000 most recent of 123.456"); heat,
hexagon counts and Gi* carry the full picture. Markers are built in the browser from one
compact data array; every text in that array is HTML-escaped here, and the popup is only
assembled (by concatenation of those escaped strings) when it is opened.
"""
from __future__ import annotations

import folium
import geopandas as gpd
import pandas as pd
from folium.plugins import FastMarkerCluster
from folium.template import Template

from core import palette
from core.i18n import fmt_int, t
from core.vocab import codes, label
from layers._common import NAME_MAX, TEXT_MAX, check_schema, esc, esc_name, feature_group, js_json, titles
from layers.symbols import symbol_svg

NAME = "incidents"
TITLE = titles("layers.incidents")
SCHEMA = ("id", "occurred_at", "article", "drug", "quantity_g", "tablets", "persons", "description",
          "commune", "station", "village", "geometry")
CAP = 5000
SIZE = 12
_FIELDS = ("date", "article", "drug", "quantity", "tablets", "persons", "station", "commune", "village", "description")


def load(con, *, filters, cap: int = CAP) -> gpd.GeoDataFrame:
    """The ``cap`` most recent incidents matching ``filters``; ``attrs["total"]`` counts them all."""
    where, params = filters.where("i")
    total = con.execute(f"SELECT count(*) FROM incidents i WHERE {where}", params).fetchone()[0]
    df = con.execute(f"""
        SELECT i.id, i.occurred_at, i.article, i.drug, i.quantity_g, i.tablets, i.persons, i.description,
               i.commune, s.name AS station, v.name AS village, i.lon, i.lat
        FROM incidents i LEFT JOIN stations s ON s.id = i.station_id LEFT JOIN villages v ON v.id = i.village_id
        WHERE {where} ORDER BY i.occurred_at DESC, i.id LIMIT ?""", [*params, int(cap)]).df()
    gdf = gpd.GeoDataFrame(df.drop(columns=["lon", "lat"]), geometry=gpd.points_from_xy(df["lon"], df["lat"]),
                           crs="EPSG:4326")
    gdf.attrs.update(total=int(total), cap=int(cap))
    return gdf


def style(drug: str) -> dict:
    """Marker colour of a drug (:data:`core.palette.DRUG`), grey when unknown."""
    return {"color": palette.DRUG.get(drug, palette.GREY), "shape": "circle", "size": SIZE}


def _note(gdf, lang: str) -> str:
    total = int(gdf.attrs.get("total", len(gdf)))
    if total > len(gdf):
        return t("map.incidents.capped", lang, shown=fmt_int(len(gdf), lang), total=fmt_int(total, lang))
    return t("map.incidents.all", lang, total=fmt_int(total, lang))


def legend(gdf, *, lang: str) -> list[tuple[str, str]]:
    present = set(gdf["drug"]) if len(gdf) else set()
    items = [(symbol_svg("circle", style(d)["color"], size=SIZE), label("drug", d, lang))
             for d in codes("drug") if d in present or not present]
    return items + [("", _note(gdf, lang)), ("", t("map.incidents.cluster", lang))]


class _Cluster(FastMarkerCluster):
    """FastMarkerCluster with the data array written as compact, script-safe JSON."""

    _template = Template("""
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = (function(){
                {{ this.callback }}
                var data = {{ this.data_js }};
                var cluster = L.markerClusterGroup({{ this.options|tojavascript }});
                var markers = new Array(data.length);
                for (var i = 0; i < data.length; i++) { markers[i] = callback(data[i]); }
                cluster.addLayers(markers);
                return cluster;
            })();
        {% endmacro %}""")

    def __init__(self, data: list, *, callback: str, **kwargs):
        super().__init__([], callback=callback, **kwargs)
        self.data_js = js_json(data)


_CALLBACK = """(function(){
    var F = %(fields)s, A = %(articles)s, D = %(drugs)s, Y = %(symbols)s, S = %(strings)s, lang = %(lang)s;
    var icons = {};
    function num(v) { return v === null ? "" : Number(v).toLocaleString(lang === "vi" ? "vi-VN" : "en-US"); }
    function tr(k, v) { return (v === null || v === "") ? "" : "<tr><th>" + F[k] + "</th><td>" + v + "</td></tr>"; }
    function icon(d) {
        if (!icons[d]) { icons[d] = L.divIcon({html: Y[d], className: "bw-icon", iconSize: [%(size)d, %(size)d],
                                               iconAnchor: [%(half)d, %(half)d]}); }
        return icons[d];
    }
    return function(r) {
        // r: lat, lon, date, article index, drug index, grams, tablets, persons, id, then indexes into S of
        //    description, commune, station, village -- every string already HTML-escaped on the server.
        var m = L.marker([r[0], r[1]], {icon: icon(r[4]), keyboard: false});
        m.bindTooltip(r[2] + " · " + D[r[4]]);
        m.bindPopup(function() {
            return "<div class=\\"bw-pop\\"><b>" + r[8] + "</b><table>" + tr("date", r[2]) + tr("article", A[r[3]]) +
                tr("drug", D[r[4]]) + tr("quantity", num(r[5])) + tr("tablets", num(r[6])) + tr("persons", num(r[7])) +
                tr("station", S[r[11]]) + tr("commune", S[r[10]]) + tr("village", S[r[12]]) +
                tr("description", S[r[9]]) +
                "</table></div>";
        }, {maxWidth: 340});
        return m;
    };
})()"""


def _stamp(value, lang: str) -> str:
    if value is None or pd.isna(value):
        return ""
    ts = pd.Timestamp(value)
    return ts.strftime("%d/%m/%Y %H:%M") if lang == "vi" else ts.strftime("%Y-%m-%d %H:%M")


def _num(value):
    if value is None or pd.isna(value):
        return None
    v = round(float(value), 3)
    return int(v) if v.is_integer() else v


def rows(gdf: gpd.GeoDataFrame, *, lang: str) -> tuple[list, list[str], list[str], list[str]]:
    """The compact data array, the article and drug codes and the (escaped) strings it indexes into.

    Repeated texts (description, commune, station, village) are sent once in the string table.
    """
    strings: dict[str, int] = {"": 0}

    def intern(value, limit=None) -> int:
        return strings.setdefault(esc(value, limit=limit), len(strings))

    arts = sorted(set(gdf["article"].astype(str))) if len(gdf) else []
    drugs = sorted(set(gdf["drug"].astype(str))) if len(gdf) else []
    ai, di = {a: i for i, a in enumerate(arts)}, {d: i for i, d in enumerate(drugs)}
    out = []
    for r in gdf.itertuples(index=False):
        g = r.geometry
        out.append([round(g.y, 5), round(g.x, 5), _stamp(r.occurred_at, lang), ai[str(r.article)], di[str(r.drug)],
                    _num(r.quantity_g), _num(r.tablets), _num(r.persons), esc_name(r.id),
                    intern(r.description, TEXT_MAX), intern(r.commune, NAME_MAX), intern(r.station, NAME_MAX),
                    intern(r.village, NAME_MAX)])
    return out, arts, drugs, list(strings)


def render(gdf: gpd.GeoDataFrame, *, lang: str = "vi") -> folium.FeatureGroup:
    check_schema(gdf, SCHEMA, NAME)
    fg = feature_group(TITLE, lang=lang)
    data, arts, drugs, strings = rows(gdf, lang=lang)
    callback = _CALLBACK % {
        "fields": js_json({k: esc(t(f"map.f.{k}", lang)) for k in _FIELDS}),
        "articles": js_json([esc(f"{a} · {label('article', a, lang)}") for a in arts]),
        "drugs": js_json([esc(label("drug", d, lang)) for d in drugs]),
        "symbols": js_json([symbol_svg("circle", style(d)["color"], size=SIZE) for d in drugs]),
        "strings": js_json(strings), "lang": js_json(lang), "size": SIZE, "half": SIZE // 2,
    }
    _Cluster(data, callback=callback, control=False, chunked_loading=True, show_coverage_on_hover=False,
             max_cluster_radius=50).add_to(fg)
    return fg
