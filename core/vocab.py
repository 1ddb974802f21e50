"""Controlled vocabularies: codes, Vietnamese and English labels, accepted aliases.

One lookup table per enum; importers, filters, the UI and the briefing read from here.
Aliases are matched after :func:`fold` (lower case, no diacritics, single spaces), so
"ma túy đá", "MA TUY DA" and "methamphetamine" all give ``methamphetamine``.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Any

#: One vocabulary entry: ``vi`` and ``en`` labels (str), optional ``aliases`` (list of str).
Term = dict[str, Any]

# Penal Code 2015, Chapter XX (DOMAIN.md). 256a added by Law 86/2025/QH15 from 1/7/2025.
ARTICLES: dict[str, dict[str, str]] = {
    "247": {"vi": "Trồng cây thuốc phiện, cây côca, cây cần sa", "en": "Growing opium poppy, coca or cannabis"},
    "248": {"vi": "Sản xuất trái phép chất ma túy", "en": "Illegal production of narcotics"},
    "249": {"vi": "Tàng trữ trái phép chất ma túy", "en": "Illegal possession of narcotics"},
    "250": {"vi": "Vận chuyển trái phép chất ma túy", "en": "Illegal transport of narcotics"},
    "251": {"vi": "Mua bán trái phép chất ma túy", "en": "Illegal trading of narcotics"},
    "252": {"vi": "Chiếm đoạt chất ma túy", "en": "Appropriation of narcotics"},
    "253": {"vi": "Tàng trữ, vận chuyển, mua bán tiền chất", "en": "Precursors"},
    "254": {"vi": "Phương tiện, dụng cụ dùng vào việc sử dụng ma túy", "en": "Equipment for drug use"},
    "255": {"vi": "Tổ chức sử dụng trái phép chất ma túy", "en": "Organising illegal drug use"},
    "256": {"vi": "Chứa chấp việc sử dụng trái phép chất ma túy", "en": "Harbouring illegal drug use"},
    "256a": {"vi": "Sử dụng trái phép chất ma túy", "en": "Illegal drug use"},
    "257": {"vi": "Cưỡng bức người khác sử dụng ma túy", "en": "Forcing others to use drugs"},
    "258": {"vi": "Lôi kéo người khác sử dụng ma túy", "en": "Inducing others to use drugs"},
    "259": {"vi": "Vi phạm quy định về quản lý ma túy", "en": "Violating drug-control rules"},
}

DRUGS: dict[str, Term] = {
    "heroin": {"vi": "Heroin", "en": "Heroin", "aliases": ["heroin", "hê rô in", "heroine", "bạch phiến",
                                                           "bánh heroin"]},
    "methamphetamine": {"vi": "Ma túy đá", "en": "Crystal methamphetamine",
                        "aliases": ["methamphetamine", "meth", "ma túy đá", "đá", "ice", "crystal meth"]},
    "synthetic_tablets": {"vi": "Hồng phiến (ma túy tổng hợp)", "en": "Synthetic tablets",
                          "aliases": ["synthetic tablets", "synthetic_tablets", "hồng phiến", "ma túy tổng hợp",
                                      "thuốc lắc", "wy", "yaba", "viên nén", "ma túy tổng hợp dạng viên"]},
    "cannabis": {"vi": "Cần sa", "en": "Cannabis", "aliases": ["cannabis", "cần sa", "marijuana", "bồ đà"]},
    "opium": {"vi": "Thuốc phiện", "en": "Opium", "aliases": ["opium", "thuốc phiện", "nha phiến"]},
    "other": {"vi": "Khác", "en": "Other", "aliases": ["other", "khác", "loại khác"]},
}

CROSSING_KINDS: dict[str, Term] = {
    "international_gate": {"vi": "Cửa khẩu quốc tế", "en": "International gate",
                           "aliases": ["cửa khẩu quốc tế", "international gate", "ckqt"]},
    "main_gate": {"vi": "Cửa khẩu chính", "en": "Main gate", "aliases": ["cửa khẩu chính", "main gate"]},
    "secondary_gate": {"vi": "Cửa khẩu phụ", "en": "Secondary gate",
                       "aliases": ["cửa khẩu phụ", "secondary gate", "ckp"]},
    "opening": {"vi": "Lối mở", "en": "Border opening", "aliases": ["lối mở", "opening", "border opening"]},
    "trail_crossing": {"vi": "Đường mòn qua biên giới", "en": "Trail crossing",
                       "aliases": ["đường mòn", "trail crossing", "trail"]},
}

TRAIL_KINDS: dict[str, Term] = {
    "trail": {"vi": "Đường mòn", "en": "Trail", "aliases": ["đường mòn", "trail"]},
    "opening_path": {"vi": "Đường qua lối mở", "en": "Path to an opening",
                     "aliases": ["lối mở", "đường lối mở", "opening path", "opening"]},
    "road": {"vi": "Đường bộ", "en": "Road", "aliases": ["đường bộ", "road", "quốc lộ", "đường"]},
}

VILLAGE_STATUSES: dict[str, Term] = {
    "recognised": {"vi": "Được công nhận không ma túy", "en": "Recognised drug-free",
                   "aliases": ["recognised", "recognized", "được công nhận", "công nhận", "không ma túy"]},
    "under_review": {"vi": "Đang xem xét lại", "en": "Under review",
                     "aliases": ["under review", "under_review", "đang xem xét", "xem xét lại"]},
    "revoked": {"vi": "Bị thu hồi công nhận", "en": "Recognition revoked",
                "aliases": ["revoked", "thu hồi", "bị thu hồi"]},
    "not_recognised": {"vi": "Chưa được công nhận", "en": "Not recognised",
                       "aliases": ["not recognised", "not_recognised", "not recognized", "chưa công nhận",
                                   "chưa được công nhận"]},
}

# Emerging hot spot categories (ArcGIS semantics, geo.emerging.CATEGORIES). The one table of their
# names: the map, the app's tables, the slides, the PDF and the change sentences all read it, so a
# committee member sees the same words everywhere. The words are those of a provincial report:
# "kéo dài" (persistent), "đang gia tăng" (intensifying), "đang giảm" (diminishing).
_EMERGING_KINDS = {
    "new": ("mới", "New"), "consecutive": ("liên tiếp", "Consecutive"),
    "intensifying": ("đang gia tăng", "Intensifying"), "persistent": ("kéo dài", "Persistent"),
    "diminishing": ("đang giảm", "Diminishing"), "sporadic": ("rải rác", "Sporadic"),
    "oscillating": ("dao động", "Oscillating"), "historical": ("trước đây", "Historical"),
}
_EMERGING_SIDES = {"hot": ("Điểm nóng", "hot spot"), "cold": ("Điểm lạnh", "cold spot")}
EMERGING: dict[str, Term] = {
    **{f"{kind}_{side}": {"vi": f"{_EMERGING_SIDES[side][0]} {vi}", "en": f"{en} {_EMERGING_SIDES[side][1]}",
                          "aliases": [f"{kind} {side}", f"{en} {side}spot"]}
       for side in ("hot", "cold") for kind, (vi, en) in _EMERGING_KINDS.items()},
    "no_pattern": {"vi": "Không có xu hướng", "en": "No pattern", "aliases": ["no pattern"]},
}

PATROL_KINDS: dict[str, Term] = {
    "foot": {"vi": "Tuần tra bộ", "en": "Foot patrol", "aliases": ["foot", "đi bộ", "bộ", "tuần tra bộ", "walk"]},
    "vehicle": {"vi": "Tuần tra bằng phương tiện", "en": "Vehicle patrol",
                "aliases": ["vehicle", "xe", "phương tiện", "xe máy", "ô tô", "motorbike", "car"]},
    "joint": {"vi": "Tuần tra song phương / liên hợp", "en": "Joint patrol",
              "aliases": ["joint", "song phương", "liên hợp", "phối hợp", "tuần tra chung"]},
}

ENUMS: dict[str, dict[str, Term]] = {
    "article": {k: {**v, "aliases": [k, f"điều {k}", f"dieu {k}", f"article {k}"]} for k, v in ARTICLES.items()},
    "drug": DRUGS,
    "crossing_kind": CROSSING_KINDS,
    "trail_kind": TRAIL_KINDS,
    "status": VILLAGE_STATUSES,
    "emerging": EMERGING,
    "patrol_kind": PATROL_KINDS,
}


def fold(text: str) -> str:
    """Fold text for matching: NFC, lower case, no diacritics, đ→d, single spaces.

    >>> fold("  MA TÚY   Đá ")
    'ma tuy da'
    """
    s = str(text)
    if not s.isascii():     # ASCII has no diacritics, no đ and is its own NFD: skip the per-character pass
        s = unicodedata.normalize("NFD", s).replace("\u0111", "d").replace("\u0110", "d")
        s = "".join(c for c in s if unicodedata.category(c) != "Mn")
    s = s.replace("_", " ").replace("-", " ")
    return re.sub(r"\s+", " ", s).strip().lower()


def _alias_index(enum: str) -> dict[str, str]:
    table = ENUMS[enum]
    index: dict[str, str] = {}
    for code, entry in table.items():
        for alias in [code, entry.get("vi", ""), entry.get("en", ""), *entry.get("aliases", [])]:
            if alias:
                index.setdefault(fold(alias), code)
    return index


_INDEX_CACHE: dict[str, dict[str, str]] = {}


def normalise(enum: str, value: object) -> str | None:
    """Return the code for ``value`` in ``enum``, or ``None`` when it is unknown.

    >>> normalise("drug", "MA TUY DA")
    'methamphetamine'
    >>> normalise("drug", "hồng phiến")
    'synthetic_tablets'
    >>> normalise("article", "Điều 250")
    '250'
    """
    if enum not in _INDEX_CACHE:
        _INDEX_CACHE[enum] = _alias_index(enum)
    if value is None:
        return None
    key = fold(str(value))
    if enum == "article":
        key = re.sub(r"^(dieu|article|art\.?|d\.)\s*", "", key)
        key = {k.lower(): k for k in ARTICLES}.get(key, key)
        return key if key in ARTICLES else _INDEX_CACHE[enum].get(key)
    return _INDEX_CACHE[enum].get(key)


def label(enum: str, code: str, lang: str = "vi") -> str:
    """Human label of a code in ``lang`` (falls back to the code itself)."""
    entry = ENUMS.get(enum, {}).get(code)
    return str(entry.get(lang, code)) if entry else str(code)


def codes(enum: str) -> list[str]:
    """All codes of an enum, in table order."""
    return list(ENUMS[enum])


def match_station(rows: list[tuple[str, str]], value: str) -> tuple[str | None, list[tuple[str, str]]]:
    """Find a station by id or name, without diacritics or case, or by a unique part of its name.

    ``rows``: ``(id, name)`` of every station. Returns ``(id, [])`` for one match, ``(None, candidates)``
    when a part of a name fits several stations, ``(None, [])`` when none fits. A part is whole words.

    >>> rows = [("DBP-LAOBAO", "Đồn Biên phòng Cửa khẩu Quốc tế Lao Bảo"), ("DBP-HUONGLAP", "Đồn Biên phòng Hướng Lập"),
    ...         ("DBP-HUONGPHUNG", "Đồn Biên phòng Hướng Phùng")]
    >>> match_station(rows, "lao bao"), match_station(rows, "dbp-laobao")[0], match_station(rows, "Lao")[0]
    (('DBP-LAOBAO', []), 'DBP-LAOBAO', 'DBP-LAOBAO')
    >>> [i for i, _ in match_station(rows, "Hướng")[1]], match_station(rows, "La")
    (['DBP-HUONGLAP', 'DBP-HUONGPHUNG'], (None, []))
    """
    key = fold(value)
    for sid, name in rows:
        if key in (fold(sid), fold(name)):
            return sid, []
    if not key:
        return None, []
    hits = [(sid, name) for sid, name in rows if f" {key} " in f" {fold(name)} "]
    if len(hits) == 1:
        return hits[0][0], []
    return None, hits
