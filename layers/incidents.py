"""Incidents as clustered markers (Leaflet.markercluster through folium's FastMarkerCluster).

Never one marker per incident beyond :data:`CAP`: the layer holds the ``CAP`` most recent
incidents of the filter and says so in the legend ("5.000 most recent of 123.456"); heat,
hexagon counts and Gi* carry the full picture. Markers are built in the browser from one
compact data array; every text in that array is HTML-escaped here, and the popup is only
assembled (by concatenation of those escaped strings) when it is opened.

An incident flagged ``outside_vietnam`` (a joint operation across the border, recorded by an
editor) is drawn with a dashed black ring around its drug symbol and says so in its tooltip,
so a point in Laos is never mistaken for an ordinary case.
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
from layers._html import NAME_MAX, TEXT_MAX, esc, esc_name, js_json, titles
from layers._leaflet import check_schema, feature_group
from layers.symbols import symbol_svg

NAME = "incidents"
TITLE = titles("layers.incidents")
SCHEMA = ("id", "occurred_at", "article", "drug", "quantity_g", "tablets", "persons", "description",
          "commune", "station", "village", "geometry")
CAP = 5000
CLICK_IDS = 1000          # a clicked cluster sends at most this many incident ids to the page
SIZE = 12
_FIELDS = ("date", "article", "drug", "quantity", "tablets", "persons", "station", "commune", "village", "description")


def load(con, *, filters, cap: int = CAP) -> gpd.GeoDataFrame:
    """The ``cap`` most recent incidents matching ``filters``; ``attrs["total"]`` counts them all."""
    where, params = filters.where("i")
    total = con.execute(f"SELECT count(*) FROM incidents i WHERE {where}", params).fetchone()[0]
    df = con.execute(f"""
        SELECT i.id, i.occurred_at, i.article, i.drug, i.quantity_g, i.tablets, i.persons, i.description,
               i.commune, s.name AS station, v.name AS village, COALESCE(i.outside_vietnam, false) AS outside_vietnam,
               i.lon, i.lat
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


#: The ring around an incident flagged ``outside_vietnam``.
OUTSIDE_RING = {"color": "#000000", "dash": "3 2", "width": 2}


def outside_svg(inner: str, size: int = SIZE) -> str:
    """A drug symbol inside the dashed ring of :data:`OUTSIDE_RING` (an incident outside Vietnam)."""
    box = size + 8
    ring = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{box}" height="{box}" '
            f'style="position:absolute;left:0;top:0">'
            f'<circle cx="{box / 2}" cy="{box / 2}" r="{box / 2 - 1.5}" fill="none" stroke="{OUTSIDE_RING["color"]}" '
            f'stroke-width="{OUTSIDE_RING["width"]}" stroke-dasharray="{OUTSIDE_RING["dash"]}"/></svg>')
    return (f'<span class="bw-outside" style="position:relative;display:inline-block;width:{box}px;height:{box}px">'
            f'{ring}<span style="position:absolute;left:4px;top:4px;line-height:0">{inner}</span></span>')


def _outside(gdf) -> pd.Series:
    if "outside_vietnam" not in gdf.columns:
        return pd.Series(False, index=gdf.index)
    return gdf["outside_vietnam"].astype("boolean").fillna(False).astype(bool)


def legend(gdf, *, lang: str) -> list[tuple[str, str]]:
    present = set(gdf["drug"]) if len(gdf) else set()
    items = [(symbol_svg("circle", style(d)["color"], size=SIZE), label("drug", d, lang))
             for d in codes("drug") if d in present or not present]
    if len(gdf) and _outside(gdf).any():
        items.append((outside_svg(symbol_svg("circle", palette.GREY, size=SIZE)), t("map.incidents.outside", lang)))
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
                if (window.bw) { bw.clusterClicks(cluster, {{ this.max_ids }}); }
                return cluster;
            })();
        {% endmacro %}""")

    def __init__(self, data: list, *, callback: str, **kwargs):
        super().__init__([], callback=callback, **kwargs)
        self.data_js = js_json(data)
        self.max_ids = CLICK_IDS


_CALLBACK = """(function(){
    var F = %(fields)s, A = %(articles)s, D = %(drugs)s, Y = %(symbols)s, S = %(strings)s, lang = %(lang)s;
    var O = %(outside)s;
    var icons = {}, rings = {};
    function num(v) { return v === null ? "" : Number(v).toLocaleString(lang === "vi" ? "vi-VN" : "en-US"); }
    function tr(k, v) { return (v === null || v === "") ? "" : "<tr><th>" + F[k] + "</th><td>" + v + "</td></tr>"; }
    function icon(d) {
        if (!icons[d]) { icons[d] = L.divIcon({html: Y[d], className: "bw-icon", iconSize: [%(size)d, %(size)d],
                                               iconAnchor: [%(half)d, %(half)d]}); }
        return icons[d];
    }
    function ring(d) {
        if (!rings[d]) { rings[d] = L.divIcon({html: O.html.replace("%%SYMBOL%%", Y[d]),
                                               className: "bw-icon bw-outside",
                                               iconSize: [%(size)d + 8, %(size)d + 8],
                                               iconAnchor: [%(half)d + 4, %(half)d + 4]}); }
        return rings[d];
    }
    return function(r) {
        // r: lat, lon, date, article index, drug index, grams, tablets, persons, id, then indexes into S of
        //    description, commune, station, village -- every string already HTML-escaped on the server;
        //    r[13] is 1 for an incident outside Vietnam (dashed ring).
        var m = L.marker([r[0], r[1]], {icon: r[13] ? ring(r[4]) : icon(r[4]), keyboard: false, bwId: r[8]});
        m.bindTooltip(r[2] + " · " + D[r[4]] + (r[13] ? " · " + O.tip : ""));
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


def _stamps(values: pd.Series, lang: str) -> list[str]:
    ts = pd.to_datetime(values, errors="coerce")
    return ts.dt.strftime("%d/%m/%Y %H:%M" if lang == "vi" else "%Y-%m-%d %H:%M").fillna("").tolist()


def _nums(values: pd.Series) -> list:
    """Numbers rounded to 3 decimals (whole numbers as int), ``None`` for missing."""
    v = pd.to_numeric(values, errors="coerce").astype(float).round(3).to_numpy()
    return [None if x != x else (int(x) if x.is_integer() else x) for x in v.tolist()]


def _interned(values: pd.Series, strings: dict[str, int], limit: int) -> list[int]:
    """Index of each value's escaped text in ``strings`` (added when new); each distinct value escaped once."""
    codes_, uniques = pd.factorize(values, use_na_sentinel=True)
    index = [strings.setdefault(esc(u, limit=limit), len(strings)) for u in uniques]
    return [index[c] if c >= 0 else 0 for c in codes_.tolist()]


def rows(gdf: gpd.GeoDataFrame, *, lang: str) -> tuple[list, list[str], list[str], list[str]]:
    """The compact data array, the article and drug codes and the (escaped) strings it indexes into.

    Repeated texts (description, commune, station, village) are sent once in the string table.
    Column-wise (no per-row Python objects): 5,000 incidents in about 20 ms.
    """
    strings: dict[str, int] = {"": 0}
    if not len(gdf):
        return [], [], [], list(strings)
    art, drug = gdf["article"].astype(str), gdf["drug"].astype(str)
    arts, drugs = sorted(set(art)), sorted(set(drug))
    geom = gdf.geometry
    columns = [
        geom.y.round(5).tolist(), geom.x.round(5).tolist(), _stamps(gdf["occurred_at"], lang),
        pd.Categorical(art, categories=arts).codes.tolist(), pd.Categorical(drug, categories=drugs).codes.tolist(),
        _nums(gdf["quantity_g"]), _nums(gdf["tablets"]), _nums(gdf["persons"]),
        [esc_name(v) for v in gdf["id"].tolist()],
        _interned(gdf["description"], strings, TEXT_MAX), _interned(gdf["commune"], strings, NAME_MAX),
        _interned(gdf["station"], strings, NAME_MAX), _interned(gdf["village"], strings, NAME_MAX),
        _outside(gdf).astype(int).tolist(),
    ]
    return [list(r) for r in zip(*columns, strict=True)], arts, drugs, list(strings)


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
        "outside": js_json({"html": outside_svg("%SYMBOL%"), "tip": esc(t("map.incidents.outside_tip", lang))}),
    }
    _Cluster(data, callback=callback, control=False, chunked_loading=True, show_coverage_on_hover=False,
             max_cluster_radius=50).add_to(fg)
    return fg
