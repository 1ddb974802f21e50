"""The Vietnamese spreadsheet ("bảng tính tiếng Việt", ``FILE.vi.csv``): a CSV that Excel set to Vietnamese opens as is.

Chosen for Excel with Vietnamese regional settings (Windows ``vi-VN``): semicolon between
columns, decimal comma, no thousands separator (so every number stays a number), UTF-8 with a
byte-order mark (so Excel shows the diacritics), dates ``dd/mm/yyyy`` and times
``dd/mm/yyyy HH:MM`` in Vietnam local time (UTC+07:00). Headers and coded values are Vietnamese
labels (``Tội danh``: "Vận chuyển trái phép chất ma túy", ``Loại ma túy``: "Heroin"); yes/no is
``Có``/``Không``. GDAL (and so pyogrio and QGIS) detects the semicolon and reads it too.

Positions, for point layers: latitude and longitude in WGS 84 with 6 decimals (≈0.1 m), and
VN-2000 ``x``/``y`` in metres with 2 decimals in EPSG:9212 "VN-2000 / TM-3 106-15", the
province's survey zone, as pyproj orders it: ``x`` is the easting (≈500 000), ``y`` the northing
(≈1 800 000) — the headers say "hướng Đông" / "hướng Bắc", because Vietnamese survey sheets often
call the northing X. Incidents also carry the village, the commune before the 1/7/2025 merger and
the commune after it, and the station's name. Text that a spreadsheet would run as a formula is
neutralised (:func:`data.export.neutralise`). This is a file for reading; imports take the plain
``.csv``, which keeps codes and ISO times.
"""
from __future__ import annotations

import csv

import duckdb
import numpy as np
import pandas as pd
import shapely

from core.i18n import t
from core.vocab import label
from data.exporters.columns import is_missing
from data.schema import LAYERS

SUFFIX = ".vi.csv"
#: Column separator and decimal mark of Excel under Vietnamese regional settings.
SEPARATOR, DECIMAL = ";", ","
#: The province's VN-2000 zone (central meridian 106°15′).
VN2000 = "EPSG:9212"
DEG_DECIMALS, XY_DECIMALS = 6, 2


def is_vi_csv(path) -> bool:
    """True for a file name ending in ``.vi.csv`` (any case).

    >>> is_vi_csv("vu_viec.vi.csv"), is_vi_csv("vu_viec.csv"), is_vi_csv("A.VI.CSV")
    (True, False, True)
    """
    return str(path).lower().endswith(SUFFIX)


def number(v, decimals: int | None = None) -> str:
    """A number with a decimal comma and no grouping; ``decimals`` fixed, else as short as exact.

    >>> number(16.6140562, 6), number(12.5), number(1200), number(None), number(3.0)
    ('16,614056', '12,5', '1200', '', '3')
    """
    if is_missing(v):
        return ""
    if decimals is not None:
        return f"{float(v):.{decimals}f}".replace(".", DECIMAL)
    if isinstance(v, (int, np.integer)) or float(v).is_integer():
        return str(int(v))
    return repr(float(v)).replace(".", DECIMAL)


def _text(v) -> str:
    from data.export import neutralise
    return "" if is_missing(v) else str(neutralise(str(v)))


def _cell(v, kind: str, enum: str | None, lang: str) -> str:
    if is_missing(v):
        return ""
    if enum:
        return _text(label(enum, str(v), lang))
    if kind in ("int", "float"):
        return number(v)
    if kind == "timestamp":
        return pd.Timestamp(v).strftime("%d/%m/%Y %H:%M")
    if kind == "date":
        return pd.Timestamp(v).strftime("%d/%m/%Y")
    if kind == "bool":
        return t("export.vi.yes" if bool(v) else "export.vi.no", lang)
    return _text(v)


def header(name: str, lang: str, layer: str | None = None) -> str:
    """A field's name as a user reads it: ``field.<layer>.<name>``, else ``field.<name>``, else the name.

    >>> header("article", "vi"), header("id", "vi", "incidents"), header("id", "vi", "villages")
    ('Tội danh', 'Mã vụ việc', 'Mã thôn')
    """
    for key in ([f"field.{layer}.{name}"] if layer else []) + [f"field.{name}"]:
        text = t(key, lang)
        if text != key:
            return text
    return name


def table(con: duckdb.DuckDBPyConnection, layer: str, frame: pd.DataFrame, geoms, *, lang: str = "vi") -> pd.DataFrame:
    """The rows of ``frame`` (:func:`data.export._load`) as Vietnamese text cells under Vietnamese headers."""
    from geo.crs import transformer

    spec = LAYERS[layer]
    out: dict[str, list[str]] = {}
    extra = _names(con, layer, frame)
    for f in spec.fields:
        if f.name not in frame.columns:
            continue
        if layer == "incidents" and f.name == "article":
            out[t("export.vi.article_code", lang)] = [_text(v) for v in frame[f.name]]
        if f.name == "station_id" and "station_name" in extra:
            out[header("station_id", lang, layer)] = [_text(v) for v in extra["station_name"]]
            continue
        if f.name == "description":
            continue                                   # long text last
        out[header(f.name, lang, layer)] = [_cell(v, f.kind, f.enum, lang) for v in frame[f.name]]
        if layer == "villages" and f.name == "commune":
            out[t("export.vi.commune_old", lang)] = out.pop(header("commune", lang, layer))
            out[t("export.vi.commune_new", lang)] = [_text(v) for v in extra["commune_new"]]
    if layer == "incidents":
        out[t("export.vi.village", lang)] = [_text(v) for v in extra["village"]]
        out[t("export.vi.commune_old", lang)] = [_text(v) for v in extra["commune"]]
        out[t("export.vi.commune_new", lang)] = [_text(v) for v in extra["commune_new"]]
    if geoms is not None and len(geoms) and (shapely.get_type_id(np.asarray(geoms, dtype=object)) == 0).all():
        g = np.asarray(geoms, dtype=object)
        lon, lat = shapely.get_x(g), shapely.get_y(g)
        x, y = transformer("EPSG:4326", VN2000).transform(lon, lat)
        out[t("export.vi.lat", lang)] = [number(v, DEG_DECIMALS) for v in lat]
        out[t("export.vi.lon", lang)] = [number(v, DEG_DECIMALS) for v in lon]
        out[t("export.vi.x", lang)] = [number(v, XY_DECIMALS) for v in np.asarray(x)]
        out[t("export.vi.y", lang)] = [number(v, XY_DECIMALS) for v in np.asarray(y)]
    if "description" in frame.columns:
        out[header("description", lang, layer)] = [_text(v) for v in frame["description"]]
    return pd.DataFrame(out)


def _names(con: duckdb.DuckDBPyConnection, layer: str, frame: pd.DataFrame) -> dict[str, list]:
    """Names the codes stand for: station, village, commune before and after the merger (per row of ``frame``)."""
    communes = dict(con.execute("SELECT old_name, new_name FROM communes").fetchall())
    if layer == "incidents" and len(frame):
        con.register("__bw_vi_ids", pd.DataFrame({"id": frame["id"].astype(str).tolist()}))
        try:
            rows = con.execute("""SELECT i.id, s.name, v.name, i.commune FROM incidents i
                                  JOIN __bw_vi_ids k ON k.id = i.id
                                  LEFT JOIN stations s ON s.id = i.station_id
                                  LEFT JOIN villages v ON v.id = i.village_id""").fetchall()
        finally:
            con.unregister("__bw_vi_ids")
        by_id = {r[0]: r[1:] for r in rows}
        got = [by_id.get(str(i), (None, None, None)) for i in frame["id"]]
        station = [g[0] if g[0] is not None else s for g, s in zip(got, frame["station_id"], strict=True)]
        return {"station_name": station, "village": [g[1] for g in got], "commune": [g[2] for g in got],
                "commune_new": [communes.get(g[2]) for g in got]}
    if layer == "incidents":
        return {"station_name": [], "village": [], "commune": [], "commune_new": []}
    if layer == "villages" and "commune" in frame.columns:
        return {"commune_new": [communes.get(c) for c in frame["commune"]]}
    return {}


def write(path, table_: pd.DataFrame) -> None:
    """Write the table: UTF-8 with BOM, ``;`` between columns, CRLF line ends (as Excel writes)."""
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh, delimiter=SEPARATOR, lineterminator="\r\n")
        w.writerow(list(table_.columns))
        w.writerows(table_.itertuples(index=False, name=None))


__all__ = ["SUFFIX", "is_vi_csv", "number", "header", "table", "write", "VN2000"]
