"""Communes as areas: incidents per 1,000 residents (choropleth), classes in the legend.

The areas come from layer ``commune_areas`` (imported, or illustrative in the demo); the numbers from
:func:`data.communes.commune_stats` for the filter (the same numbers as ``borderwatch communes``).
Colours: ColorBrewer ``PuBu`` (sequential, colour-blind safe, unlike the red heat and Gi* layers);
a commune without a population is grey and hatched out of the classes. :mod:`layers.commune_counts`
draws the raw counts with the same code.
"""
from __future__ import annotations

import folium
import geopandas as gpd
import numpy as np

from core import palette
from core.i18n import fmt_num, t
from layers._html import esc, legend_swatch, popup_html, titles
from layers._leaflet import GeoLayer, Labels, check_schema, feature, feature_group, label_points

NAME = "communes"
LABEL_ZOOM = 10                 # commune names shown from this zoom (issue 13)
TITLE = titles("layers.communes")
SCHEMA = ("commune", "new_name", "incidents", "population", "rate_per_1000", "geometry")
COLORS = ["#F1EEF6", "#BDC9E1", "#74A9CF", "#2B8CBE", "#045A8D"]     # ColorBrewer PuBu, 5 classes
_NODATA = {"color": "#636363", "weight": 1, "fillColor": palette.GREY, "fillOpacity": 0.15, "dashArray": "3 3"}


def load(con, *, filters=None) -> gpd.GeoDataFrame:
    from data.communes import commune_stats

    return commune_stats(con, filters)


def style(k: int | None, n: int = len(COLORS)) -> dict:
    """Path options of class ``k`` of ``n`` (``None``: no value)."""
    if k is None:
        return dict(_NODATA)
    i = len(COLORS) - 1 if n <= 1 else round(k * (len(COLORS) - 1) / (n - 1))
    return {"color": "#4D4D4D", "weight": 1, "fillColor": COLORS[i], "fillOpacity": 0.55}


def _breaks(values) -> list[float]:
    from data.communes import class_breaks

    return class_breaks(list(values))


def legend_rows(gdf, column: str, *, lang: str, unit: str = "", digits: int = 1) -> list[tuple[str, str]]:
    if not len(gdf):
        return [("", t("communes.none", lang))]
    b = _breaks(gdf[column].astype(float))
    out, lo = [], 0.0
    for k, hi in enumerate(b):
        text = f"{fmt_num(lo, lang, decimals=digits)} – {fmt_num(hi, lang, decimals=digits)}"
        text += f" {unit}" if unit else ""
        out.append((legend_swatch(fill=style(k, len(b))["fillColor"], stroke="#4D4D4D", opacity=0.55), text))
        lo = hi
    if gdf[column].isna().any():
        out.append((legend_swatch(fill=palette.GREY, stroke="#636363", opacity=0.15), t("communes.no_population",
                                                                                        lang)))
    if "illustrative" in gdf and bool(gdf["illustrative"].fillna(False).astype(bool).any()):
        out.append(("", t("communes.illustrative", lang)))
    return out


def legend(gdf, *, lang: str) -> list[tuple[str, str]]:
    return legend_rows(gdf, "rate_per_1000", lang=lang, unit=t("communes.rate", lang), digits=1)


def _popup(row, lang: str) -> str:
    rows = [(t("communes.f.new_name", lang), row.get("new_name")),
            (t("communes.f.district", lang), row.get("district")),
            (t("communes.f.incidents", lang), fmt_num(row["incidents"], lang, decimals=0)),
            (t("communes.f.grams", lang), fmt_num(row.get("grams"), lang, decimals=1)),
            (t("communes.f.persons", lang), fmt_num(row.get("persons"), lang, decimals=0)),
            (t("communes.f.population", lang), fmt_num(row["population"], lang, decimals=0)),
            (t("communes.f.rate", lang), fmt_num(row["rate_per_1000"], lang, decimals=2)),
            (t("communes.f.change", lang), _change(row, lang))]
    return popup_html(row["commune"], rows)


def _change(row, lang: str) -> str:
    ch, pct = row.get("change"), row.get("change_pct")
    if ch is None or (isinstance(ch, float) and np.isnan(ch)):
        return ""
    sign = "+" if ch > 0 else ""
    text = f"{sign}{fmt_num(ch, lang, decimals=0)}"
    if pct is not None and np.isfinite(pct):
        text += f" ({sign}{fmt_num(pct, lang, decimals=0)} %)"
    return text


def draw(gdf: gpd.GeoDataFrame, title: dict, column: str, *, lang: str, digits: int) -> folium.FeatureGroup:
    fg = feature_group(title, lang=lang)
    values = gdf[column].astype(float)
    b = _breaks(values) if len(gdf) else [0.0]
    from data.communes import class_of

    styles = [style(k, len(b)) for k in range(len(b))] + [style(None)]
    feats = []
    for (_, row), v in zip(gdf.iterrows(), values, strict=True):
        k = class_of(v, b)
        tip = f"{esc(row['commune'])}: {esc(fmt_num(v, lang, decimals=digits)) if np.isfinite(v) else '–'}"
        feats.append(feature(row.geometry, s=len(b) if k is None else k, t=tip, p=_popup(row, lang)))
    GeoLayer(feats, styles=styles, pane="bw_areas").add_to(fg)
    Labels(label_points(gdf, "commune"), min_zoom=LABEL_ZOOM, kind="commune").add_to(fg)   # names from zoom 10
    return fg


def render(gdf: gpd.GeoDataFrame, *, lang: str = "vi") -> folium.FeatureGroup:
    check_schema(gdf, SCHEMA, NAME)
    return draw(gdf, TITLE, "rate_per_1000", lang=lang, digits=2)
