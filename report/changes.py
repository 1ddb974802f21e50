"""What changed, in plain sentences (Vietnamese by default).

The key figures are compared with the same period of the previous year ("so với cùng kỳ
năm trước", how the province's reports compare): :func:`describe_year`. The rest — new
and cooled hot spots, status decisions, alerts, updated data — is compared with the last
saved briefing: a briefing is reduced to a small JSON-able *summary* (:func:`make_summary`),
stored with its snapshot, and :func:`describe_changes` compares two summaries.
"""
from __future__ import annotations

import pandas as pd

from core.i18n import fmt_date, fmt_num, t
from core.vocab import label
from report.figures import DRUG_UNIT, change_pct, fmt_amount

HOT_MIN_BIN = 2                 # Gi* bin counted as a hotspot (95 % confidence or more)
DRUG_MIN_CHANGE = 20.0          # % change of a seizure worth a sentence
MAX_PLACES = 5                  # places named per sentence kind before "and N more"
INTENSIFYING = "intensifying_hot"


def make_summary(flt, figures: pd.DataFrame, hot: pd.DataFrame, villages: pd.DataFrame) -> dict:
    """The comparable content of a briefing.

    ``hot``: hotspot cells (h3, bin, category, village_id, village, commune);
    ``villages``: village_id, name, commune, status, alert, alert_reason, cell_category.
    """
    def figs(column: str) -> dict:
        out: dict = {"seized": {}}
        for _, r in figures.iterrows():
            if r["metric"] == "seized":
                out["seized"][r["drug"]] = float(r[column])
            else:
                out[r["metric"]] = float(r[column])
        return out

    year = flt.same_period_last_year()
    return {
        "period": [flt.date_from.isoformat(), flt.date_to.isoformat()],
        "figures": figs("current"),
        "period_last_year": [year.date_from.isoformat(), year.date_to.isoformat()],
        "figures_last_year": figs("last_year") if "last_year" in figures.columns else {},
        "hotspots": [{k: (None if pd.isna(r[k]) else (int(r[k]) if k == "bin" else str(r[k])))
                      for k in ("h3", "bin", "category", "village_id", "village", "commune")}
                     for _, r in hot.iterrows()],
        "villages": {str(r["village_id"]): {"name": r["name"], "commune": r["commune"], "status": r["status"],
                                            "alert": bool(r["alert"]), "reason": str(r["alert_reason"] or ""),
                                            "cell_category": r["cell_category"] or None}
                     for _, r in villages.iterrows()},
    }


def _lower(text: str) -> str:
    """First letter in lower case, for a vocabulary label inside a sentence."""
    return text[:1].lower() + text[1:]


def _trend(key: str, cur: float, prev: float, unit: str, lang: str, **fields) -> str:
    pct = change_pct(cur, prev)
    amounts = dict(before=fmt_amount(prev, unit, lang), after=fmt_amount(cur, unit, lang))
    if pct is None:
        return t(f"{key}.new", lang, **amounts, **fields) if cur else ""
    word = "up" if pct > 0 else "down" if pct < 0 else "same"
    return t(f"{key}.{word}", lang, pct=fmt_num(abs(pct), lang), **amounts, **fields)


def _places(items: list[str], lang: str) -> str:
    items = list(dict.fromkeys(items))
    head = ", ".join(items[:MAX_PLACES])
    return head if len(items) <= MAX_PLACES else t("report.changes.and_more", lang, head=head,
                                                       n=len(items) - MAX_PLACES)


def _place(d: dict, lang: str) -> str:
    return t("report.place", lang, village=d.get("village") or d.get("name"), commune=d.get("commune") or "")


def _figure_sentences(cf: dict, pf: dict, prefix: str, lang: str) -> list[str]:
    out = []
    for metric in ("incidents", "persons"):
        s = _trend(f"{prefix}.{metric}", cf.get(metric, 0), pf.get(metric, 0), metric, lang)
        out.append(s) if s else None
    for drug, unit in DRUG_UNIT.items():
        c, p = cf.get("seized", {}).get(drug, 0.0), pf.get("seized", {}).get(drug, 0.0)
        pct = change_pct(c, p)
        if (pct is None and c) or (pct is not None and abs(pct) >= DRUG_MIN_CHANGE):
            out.append(_trend(f"{prefix}.seized", c, p, unit, lang, drug=label("drug", drug, lang).lower()))
    return out


def describe_year(cur: dict, *, lang: str = "vi") -> list[str]:
    """Sentences comparing the key figures of ``cur`` with the same period of the previous
    year (empty for a summary saved before that comparison existed)."""
    if not cur.get("figures_last_year"):
        return []
    return _figure_sentences(cur.get("figures", {}), cur["figures_last_year"], "report.changes.year", lang)


def _period_sentences(prev: dict, cur: dict, lang: str) -> list[str]:
    """The key figures against the last briefing when it covered the same period, else the two periods."""
    if prev.get("period") != cur.get("period"):
        return [t("report.changes.period", lang, before=" – ".join(fmt_date(d, lang) for d in prev["period"]),
                  after=" – ".join(fmt_date(d, lang) for d in cur["period"]))]
    return _figure_sentences(cur.get("figures", {}), prev.get("figures", {}), "report.changes", lang)


def _hot_cells(summary: dict) -> dict[str, dict]:
    return {h["h3"]: h for h in summary.get("hotspots", []) if (h.get("bin") or 0) >= HOT_MIN_BIN}


def _hotspot_sentences(prev: dict, cur: dict, lang: str) -> list[str]:
    """New hot spots, and hot spots that cooled."""
    ph, ch = _hot_cells(prev), _hot_cells(cur)
    out = []
    new = [_place(ch[c], lang) for c in ch if c not in ph]
    gone = [_place(ph[c], lang) for c in ph if c not in ch]
    if new:
        out.append(t("report.changes.new_hotspot", lang, places=_places(new, lang), n=len(new)))
    if gone:
        out.append(t("report.changes.gone_hotspot", lang, places=_places(gone, lang), n=len(gone)))
    return out


def _status_sentences(pv: dict, cv: dict, lang: str) -> list[str]:
    """One sentence per village whose status changed."""
    out = []
    for vid, v in cv.items():
        before = pv.get(vid)
        if before and before["status"] != v["status"]:
            out.append(t("report.changes.status", lang, place=_place(v, lang),
                         before=label("status", before["status"], lang), after=label("status", v["status"], lang)))
    return out


def _intensifying_sentences(pv: dict, cv: dict, lang: str) -> list[str]:
    """Recognised villages that are newly in an intensifying hot spot."""
    def inside(v: dict | None) -> bool:
        if not v:
            return False
        return bool(v["status"] == "recognised" and v.get("cell_category") == INTENSIFYING)

    places = [_place(v, lang) for vid, v in cv.items() if inside(v) and not inside(pv.get(vid))]
    if not places:
        return []
    return [t("report.changes.recognised_in_intensifying", lang, places=_places(places, lang), n=len(places),
              cat=_lower(label("emerging", INTENSIFYING, lang)))]


def _alert_sentences(pv: dict, cv: dict, lang: str) -> list[str]:
    """Villages with an alert the last briefing did not have."""
    alerts = [_place(v, lang) for vid, v in cv.items() if v["alert"] and not pv.get(vid, {}).get("alert")]
    return [t("report.changes.new_alerts", lang, places=_places(alerts, lang), n=len(alerts))] if alerts else []


def _data_sentences(version_counts: tuple[dict, dict] | None, lang: str) -> list[str]:
    """Rows added or removed per table since the last briefing."""
    if not version_counts:
        return []
    before, after = version_counts
    diffs = {k: after.get(k, 0) - before.get(k, 0) for k in after}
    if not any(diffs.values()):
        return []
    parts = [t(f"report.changes.rows.{k}", lang, n=f"{d:+d}") for k, d in diffs.items() if d]
    return [t("report.changes.data", lang, parts=", ".join(parts))]


def describe_changes(prev: dict, cur: dict, *, lang: str = "vi",
                     version_counts: tuple[dict, dict] | None = None) -> list[str]:
    """Sentences saying what differs between the last briefing (``prev``) and this one (``cur``).

    Key figures are compared with the last briefing only when it covered the same period
    (the data were updated since); across different periods the comparison that means
    something is the same period of the previous year (:func:`describe_year`).
    """
    pv, cv = prev.get("villages", {}), cur.get("villages", {})
    out = [*_period_sentences(prev, cur, lang), *_hotspot_sentences(prev, cur, lang),
           *_status_sentences(pv, cv, lang), *_intensifying_sentences(pv, cv, lang),
           *_alert_sentences(pv, cv, lang), *_data_sentences(version_counts, lang)]
    return out or [t("report.changes.none", lang)]
