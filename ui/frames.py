"""Tables the tabs show, assembled from analysis outputs. No Streamlit here.

Column names are codes; the tab maps them to translated headers with
``st.column_config``. Empty inputs give empty tables with the same columns.
"""
from __future__ import annotations

import pandas as pd

from core.i18n import fmt_num, fmt_place, t
from core.vocab import label
from geo.hotspots import HOTSPOT_COLUMNS
from geo.places import cell_places
from ui.places import cell_centres, nearest

HOTSPOT_TABLE = ["h3", "place", "count", "z", "p", "bin", "bin_label", "category", "category_label",
                 "crossing", "crossing_km", "lat", "lon"]
VILLAGE_TABLE = ["village_id", "name", "commune", "commune_new", "status", "status_label", "decision_ref",
                 "decided_on", "review_due", "incidents_within", "incidents_recent", "alert", "alert_reason",
                 "lat", "lon"]


def hotspot_table(hs: pd.DataFrame, em: pd.DataFrame | None, villages: pd.DataFrame, crossings: pd.DataFrame,
                  lang: str, *, only_notable: bool = True) -> pd.DataFrame:
    """One row per H3 cell: counts, Gi* z and bin, emerging category, nearest village and crossing.

    ``hs`` has ``h3, count, z, p, bin``; ``em`` has ``h3, category``; ``villages`` and
    ``crossings`` have ``name, lat, lon`` (villages also ``commune``). With
    ``only_notable`` only cells that are significant, have a pattern, or hold incidents
    are kept. Sorted by ``z`` (hottest first).
    """
    if hs is None or len(hs) == 0:
        return pd.DataFrame(columns=HOTSPOT_TABLE)
    out = hs[HOTSPOT_COLUMNS].copy()
    out["h3"] = out["h3"].astype(str)
    if em is not None and len(em):
        cats = em[["h3", "category"]].copy()
        cats["h3"] = cats["h3"].astype(str)
        out = out.merge(cats, on="h3", how="left")
    else:
        out["category"] = None
    out["category"] = out["category"].fillna("no_pattern")
    if only_notable:
        keep = (out["bin"] != 0) | (out["category"] != "no_pattern") | (out["count"] > 0)
        out = out[keep]
    out = out.sort_values(["z", "count"], ascending=[False, False]).reset_index(drop=True)
    centres = cell_centres(out["h3"])
    out["lat"], out["lon"] = centres["lat"].to_numpy(), centres["lon"].to_numpy()
    out["place"] = place_names(out["h3"], villages, lang) if len(villages) else None
    near_c = nearest(out[["lat", "lon"]], crossings, name="name")
    out["crossing"], out["crossing_km"] = near_c["name"].to_numpy(), near_c["km"].round(1).to_numpy()
    out["bin_label"] = [t(f"ui.bin.{int(b)}", lang) for b in out["bin"]]
    out["category_label"] = [label("emerging", c, lang) for c in out["category"]]
    out["z"] = out["z"].astype(float).round(2)
    out["p"] = out["p"].astype(float).round(4)
    return out[HOTSPOT_TABLE]


def place_names(cells, villages: pd.DataFrame, lang: str) -> list[str]:
    """Hot spot names (:func:`geo.places.cell_places`): nearest village and commune, plus a short
    cell label where two cells share a village."""
    vil = villages.copy()
    if "commune" not in vil.columns:
        vil["commune"] = None
    p = cell_places(vil, cells)
    return [fmt_place(v, c, lang, km=k, compass=d, tag=g, shared=sh) for v, c, k, d, g, sh in
            zip(p["village"], p["commune"], p["distance_km"], p["compass"], p["tag"], p["shared"], strict=True)]


def village_table(villages: pd.DataFrame, exposure: pd.DataFrame | None, lang: str) -> pd.DataFrame:
    """Villages (from ``villages_with_status`` as a point table) joined with ``villages_for`` output."""
    if villages is None or len(villages) == 0:
        return pd.DataFrame(columns=VILLAGE_TABLE)
    out = villages.rename(columns={"id": "village_id"}).copy()
    if exposure is not None and len(exposure):
        cols = [c for c in ("village_id", "incidents_within", "incidents_recent", "alert", "alert_reason")
                if c in exposure.columns]
        out = out.merge(exposure[cols], on="village_id", how="left")
    for col, default in (("incidents_within", 0), ("incidents_recent", 0), ("alert", False), ("alert_reason", "")):
        if col not in out.columns:
            out[col] = default
        out[col] = out[col].fillna(default)
    out["alert"] = out["alert"].astype(bool)
    out["incidents_within"] = out["incidents_within"].astype(int)
    out["incidents_recent"] = out["incidents_recent"].astype(int)
    out["status_label"] = [label("status", s, lang) for s in out["status"]]
    for col in ("decided_on", "review_due"):
        out[col] = pd.to_datetime(out[col]) if col in out.columns else pd.NaT
    for col in VILLAGE_TABLE:
        if col not in out.columns:
            out[col] = None
    out = out.sort_values(["alert", "incidents_within", "name"], ascending=[False, False, True])
    return out[VILLAGE_TABLE].reset_index(drop=True)


def alert_text(reason: str, lang: str) -> str:
    """``hotspot:new_hot;count:7>=5`` → readable text in ``lang``."""
    parts = []
    for code in filter(None, str(reason or "").split(";")):
        kind, _, value = code.partition(":")
        if kind == "hotspot":
            parts.append(t("ui.alert.hotspot", lang, category=label("emerging", value, lang)))
        elif kind == "count":
            n, _, threshold = value.partition(">=")
            parts.append(t("ui.alert.count", lang, n=n, min=threshold))
        else:
            parts.append(code)
    return "; ".join(parts)


def focus_of(row: pd.Series, zoom: int = 12) -> tuple[float, float, int]:
    """``(lat, lon, zoom)`` for the map, rounded so it keys a cache well."""
    return (round(float(row["lat"]), 5), round(float(row["lon"]), 5), int(zoom))




def shown(df: pd.DataFrame, lang: str, *, decimals: dict[str, int] | None = None, text: tuple[str, ...] = ()):
    """``df`` ready for ``st.dataframe`` in ``lang``: numbers with the language's separators (1.000; 2,5)
    through a pandas Styler (the cells keep their numbers, so sorting stays numeric), and the text
    columns ``text`` with missing values as empty cells, not "None"."""
    out = df.copy()
    for col in text:
        if col in out:
            out[col] = out[col].astype(object).where(out[col].notna(), "")
    fmts = {c: (lambda v, d=d: fmt_num(v, lang, decimals=d)) for c, d in (decimals or {}).items()
            if c in out and pd.api.types.is_numeric_dtype(out[c])}
    return out.style.format(fmts) if fmts else out


def history_table(log: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The import log with layers and write modes in words (``Vụ việc``, not ``incidents``).

    ``mode`` is ``all_or_nothing`` or ``skip_invalid`` (the patrol importer writes them with
    ``-``), possibly with ``+replace``.
    """
    out = log.copy()
    if "layer" in out:
        out["layer"] = [t(f"ui.layer.{v}", lang) if isinstance(v, str) else "" for v in out["layer"]]
    if "mode" in out:
        out["mode"] = [mode_label(v, lang) for v in out["mode"]]
    for col in ("who", "file"):
        if col in out:
            out[col] = out[col].astype(object).where(out[col].notna(), "")
    return out


def mode_label(mode, lang: str) -> str:
    """``skip_invalid+replace`` → "Ghi các dòng hợp lệ · thay bản ghi đã đổi" (unknown codes as they are)."""
    if not isinstance(mode, str) or not mode:
        return ""
    base, _, extra = mode.replace("-", "_").partition("+")
    text = t(f"ui.hist.mode.{base}", lang)
    text = base if text == f"ui.hist.mode.{base}" else text
    return f"{text} · {t('ui.hist.mode.replace', lang)}" if extra == "replace" else text
