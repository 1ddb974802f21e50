"""Import patrol tracks: GPX from handhelds and phone apps, GeoJSON/GPKG/KML lines, CSV of points.

Every ``<trk>`` of a GPX file is one patrol; its ``<trkseg>`` segments are the parts of a
MultiLineString. Point times (``<trkpt><time>``) are UTC in GPX and become Vietnam local time
(UTC+07:00, naive, like every time in the store); a time without a zone is already local.
``<wpt>`` waypoints go to ``patrol_points`` linked to the patrol whose time span holds them.
Line files (GeoJSON/GPKG/KML) give one patrol per feature; ``started_at``/``ended_at`` attributes,
when present, are spread over the line by distance. A CSV of points (``track_id, time, lat, lon``)
is grouped by ``track_id`` in file order. A track without times is accepted only with ``date``
and is stored with ``no_times = true`` (its hours are unknown).

Checks (each refuses the whole file, or drops the track with ``skip_invalid``): fewer than 2
points, times going backwards, some points timed and others not, a step faster than 150 km/h, a
point on the Lao side of the stored border more than 2 km from it (:func:`geo.border.border_side`).
All or nothing: one transaction, nothing written on refusal. A patrol already stored (same id, a
hash of its points and times) is counted unchanged and not written again.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypedDict, Unpack

import duckdb
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from core.errors import InputError, StoreError, ValidationError
from core.i18n import t
from core.vocab import codes, fold, match_station, normalise
from data.border_side import border_context, lao_beyond
from data.store import next_id, serialise
from geo import tracks as T

LOCAL_OFFSET = np.timedelta64(7, "h")       # Vietnam local time, no daylight saving
LINE_SUFFIXES = (".geojson", ".json", ".gpkg", ".kml")
SUFFIXES = (".gpx", ".csv") + LINE_SUFFIXES
#: A zone after a time: ``Z``, ``+07:00``, ``+0700`` or ``+07`` (as GDAL writes KML times); a date's own
#: ``-01`` is not one.
_ZONE = re.compile(r"\d:\d\d(?::\d\d(?:[.,]\d+)?)?\s*(?:Z|[+-]\d\d(?::?\d\d)?)$", re.IGNORECASE)


@dataclass(frozen=True)
class TrackProblem:
    """One refused track: file, track (name or number), 1-based point index (None: whole track), reason."""

    file: str
    track: str
    point: int | None
    reason: str

    def text(self, lang: str | None = None) -> str:
        where = [self.file, t("patrol.where_track", lang, track=self.track)]
        if self.point is not None:
            where.append(t("patrol.where_point", lang, point=self.point))
        return f"{', '.join(where)}: {self.reason}"

    def __str__(self) -> str:
        return self.text()


@dataclass
class Parsed:
    """Tracks read from one file, before checks.

    ``meta``: one row per track (``track`` number, ``label``, ``name``, ``team``, ``kind``, ``note``,
    ``station_id``). ``points``: ``track, part, lon, lat, time`` (datetime64[s] local, NaT when none).
    ``waypoints``: ``name, time, symbol, note, lon, lat``. ``problems``: parse problems.
    """

    file: str
    meta: pd.DataFrame
    points: pd.DataFrame
    waypoints: pd.DataFrame
    problems: list[TrackProblem] = field(default_factory=list)
    creator: str = ""          # a GPX file's ``creator`` attribute (the program that wrote it)


@dataclass
class PatrolImport:
    import_id: int | None
    file: str
    tracks_in: int
    patrols_new: int
    patrols_unchanged: int
    tracks_rejected: int
    waypoints: int
    points: int
    problems: list[TrackProblem]
    ids: list[str]


# -- times ------------------------------------------------------------------------------------

def parse_times(texts, *, file: str, labels=None, index=None) -> tuple[np.ndarray, list[TrackProblem]]:
    """ISO 8601 texts → local naive datetime64[s]. ``Z``/offset → converted to UTC+07:00; no zone → local.

    Empty or missing text gives NaT. Unreadable text is a problem (file, track, point, the text).

    >>> parse_times(["2024-03-05T01:30:00Z", "2024-03-05T08:30:00", "2024-03-05T10:30:00+09:00", ""],
    ...             file="f")[0].astype(str).tolist()
    ['2024-03-05T08:30:00', '2024-03-05T08:30:00', '2024-03-05T08:30:00', 'NaT']
    >>> parse_times(["2024/03/05 08:30:00+07", "2024-03-05T01:30:00+0000", "2024-03-05"],
    ...             file="f")[0].astype(str).tolist()
    ['2024-03-05T08:30:00', '2024-03-05T08:30:00', '2024-03-05T00:00:00']
    """
    s = (texts if isinstance(texts, pd.Series) else pd.Series(list(texts), dtype=object)).reset_index(drop=True)
    s = s.astype(object).fillna("").astype(str).str.strip()
    out = np.full(len(s), np.datetime64("NaT"), dtype="datetime64[s]")
    problems: list[TrackProblem] = []
    has = s != ""
    zoned = has & s.str.contains(_ZONE)
    for mask, aware in ((zoned, True), (has & ~zoned, False)):
        if not mask.any():
            continue
        part = s[mask]
        parsed = pd.to_datetime(part, format="ISO8601", errors="coerce", utc=aware)
        if not aware and getattr(parsed.dt, "tz", None) is not None:
            raise ValueError(f"a zone the pattern missed: {part.iloc[0]!r}")   # never read it as local time
        bad = parsed.isna()
        if aware:
            parsed = parsed.dt.tz_localize(None)
        vals = parsed.to_numpy().astype("datetime64[s]")
        if aware:
            vals = vals + LOCAL_OFFSET
        out[np.flatnonzero(mask.to_numpy())] = vals
        for pos in np.flatnonzero(mask.to_numpy())[bad.to_numpy()][:50]:
            lab = str(labels[pos]) if labels is not None else "?"
            pt = int(index[pos]) if index is not None else None
            problems.append(TrackProblem(file, lab, pt, t("patrol.bad_time", None, value=s.iloc[pos][:40])))
    return out, problems


# -- readers ----------------------------------------------------------------------------------

#: ``creator`` of the GPX files :mod:`data.patrol_export` writes (and what :func:`read_lines` reports for a
#: GeoPackage/KML with the export's own fields); :func:`import_patrols` refuses them.
EXPORT_CREATOR = "borderwatch"

_GPX_CHUNK = 1 << 20


def _gpx_xpath() -> dict:
    """Compiled XPath queries by use (built on first call: lxml is imported only when a GPX file is read).

    Tags are matched by local name, so GPX 1.0 and 1.1 (and any prefix) read the same.
    """
    global _XP
    if not _XP:
        from lxml import etree

        def xp(q: str):
            return etree.XPath(q.replace("~", "*[local-name()='").replace("`", "']"), smart_strings=False)

        pts = "~trkseg`/~trkpt`"
        _XP.update(segs=xp("~trkseg`"), pts=xp(pts), n_in_seg=xp("count(~trkpt`)"),
                   lat=xp(f"{pts}/@lat"), lon=xp(f"{pts}/@lon"), time_texts=xp(f"{pts}/~time`/text()"),
                   n_timed=xp(f"count({pts}[~time`/text()])"),
                   **{k: xp(f"string(~{k}`[1])") for k in ("name", "type", "desc", "cmt", "time", "sym")})
    return _XP


_XP: dict = {}


class _GpxGuard:
    """defusedxml's checks on a raw expat parser that sees every byte before lxml does: a DTD, an entity
    declaration or an external reference refuses the file. No per-element handler is left: C speed."""

    def __init__(self) -> None:
        from defusedxml.ElementTree import DefusedXMLParser

        self.expat = DefusedXMLParser(forbid_dtd=True, forbid_entities=True, forbid_external=True).parser
        for handler in ("StartElementHandler", "EndElementHandler", "CharacterDataHandler", "DefaultHandlerExpand",
                        "CommentHandler", "ProcessingInstructionHandler", "StartNamespaceDeclHandler",
                        "EndNamespaceDeclHandler"):
            setattr(self.expat, handler, None)

    def feed(self, chunk: bytes, final: bool = False) -> None:
        self.expat.Parse(chunk, final)


def _gpx_text(el, key: str) -> str | None:
    v = _XP[key](el).strip()
    return v or None


def _gpx_track(el, cols: tuple[list, ...]) -> None:
    """Append the points of one ``<trk>`` to ``cols`` = (lat, lon, time, part, index).

    One XPath per column when every point has both coordinates and exactly one time text (or no
    point has a time); otherwise point by point, so a value can never slide onto another point.
    """
    lat, lon, tms, pa, idx = cols
    x = _XP
    sizes = [int(x["n_in_seg"](s)) for s in x["segs"](el)]
    n = sum(sizes)
    la, lo, tm = x["lat"](el), x["lon"](el), x["time_texts"](el)
    if len(la) == len(lo) == n and (not tm or (len(tm) == n and int(x["n_timed"](el)) == n)):
        lat += la
        lon += lo
        tms += tm or [None] * n
    else:
        for q in x["pts"](el):
            lat.append(q.get("lat"))
            lon.append(q.get("lon"))
            tms.append(_gpx_text(q, "time"))
    for part, k in enumerate(sizes):
        pa += [part] * k
    idx += range(1, n + 1)


def read_gpx(path: Path) -> Parsed:
    """Tracks and waypoints of a GPX 1.0/1.1 file (Garmin, OsmAnd, GPS Logger, ...).

    Every 1 MB chunk goes first through defusedxml's guard (:class:`_GpxGuard`), then to lxml's pull
    parser, which hands over only ``<trk>`` and ``<wpt>`` elements; each is read with a few compiled
    XPath queries and dropped, so a 100 MB file never becomes a whole tree and no Python code runs per
    XML element. Only ``<trk>``/``<wpt>`` children of the root ``<gpx>`` count.
    """
    from xml.parsers.expat import ExpatError

    from defusedxml.common import DefusedXmlException
    from lxml import etree

    _gpx_xpath()
    file = path.name
    guard = _GpxGuard()
    pull = etree.XMLPullParser(events=("end",), tag=("{*}trk", "{*}wpt"), resolve_entities=False,
                               no_network=True, load_dtd=False)
    meta: list[dict] = []
    wpts: list[dict] = []
    cols: tuple[list, ...] = ([], [], [], [], [])
    counts: list[int] = []

    def take(events) -> None:
        for _, el in events:
            parent = el.getparent()
            if parent is not None and parent.getparent() is None and etree.QName(parent).localname == "gpx":
                if etree.QName(el).localname == "trk":
                    before = len(cols[0])
                    _gpx_track(el, cols)
                    counts.append(len(cols[0]) - before)
                    meta.append({"name": _gpx_text(el, "name"), "kind": _gpx_text(el, "type"),
                                 "note": _gpx_text(el, "desc") or _gpx_text(el, "cmt")})
                else:
                    wpts.append({"name": _gpx_text(el, "name"), "time": _gpx_text(el, "time") or "",
                                 "symbol": _gpx_text(el, "sym"),
                                 "note": _gpx_text(el, "desc") or _gpx_text(el, "cmt"),
                                 "lat": el.get("lat"), "lon": el.get("lon")})
                el.clear()
                while el.getprevious() is not None:          # drop what was read; the tree stays small
                    del parent[0]

    try:
        with open(path, "rb") as f:
            while chunk := f.read(_GPX_CHUNK):
                guard.feed(chunk)
                pull.feed(chunk)
                take(pull.read_events())
            guard.feed(b"", final=True)
            root = pull.close()
            take(pull.read_events())
    except (etree.XMLSyntaxError, ExpatError, DefusedXmlException) as exc:
        raise InputError(t("patrol.bad_gpx", None, file=file, detail=str(exc)[:120])) from exc
    if etree.QName(root).localname != "gpx":
        raise InputError(t("patrol.bad_gpx", None, file=file, detail=f"root element <{etree.QName(root).localname}>"))
    lat, lon, tms, pa, idx = cols
    meta = [{"track": k, "label": m["name"] or f"#{k + 1}", "name": m["name"], "team": None, "kind": m["kind"],
             "note": m["note"], "station_id": None} for k, m in enumerate(meta)]
    tr = np.repeat(np.arange(len(meta), dtype=np.int64), counts)
    problems: list[TrackProblem] = []
    labels: np.ndarray | list = np.asarray([m["label"] for m in meta], dtype=object)[tr] if tr.size else []
    flat, flon = _floats(lat), _floats(lon)
    for pos in np.flatnonzero(~_valid_lonlat(flon, flat))[:50]:
        problems.append(TrackProblem(file, labels[pos], idx[pos], t("patrol.bad_coord", None, lat=lat[pos],
                                                                     lon=lon[pos])))
    time, tp = parse_times(tms, file=file, labels=labels, index=idx)
    problems += tp
    points = pd.DataFrame({"track": tr, "part": np.asarray(pa, np.int64), "lon": flon, "lat": flat, "time": time})
    return Parsed(file, _meta_frame(meta), points, _waypoints(wpts, file, problems), problems,
                  creator=str(root.get("creator") or ""))


_PLAIN_NUMBERS = re.compile(r"[0-9.eE+\- \t\r\n]*")


def _floats(texts: list) -> np.ndarray:
    """Decimal texts → float64; NaN for a missing or unreadable one (the caller reports it).

    Plain decimals (digits, sign, point, exponent) are converted in one numpy call, which reads them
    exactly as :func:`pandas.to_numeric` does; anything else goes through ``to_numeric``.
    """
    if None not in texts and _PLAIN_NUMBERS.fullmatch("".join(texts)):
        try:
            return np.array(texts, dtype=float)
        except ValueError:
            pass
    return pd.to_numeric(pd.Series(texts, dtype=object), errors="coerce").to_numpy(float)


def _valid_lonlat(lon, lat) -> np.ndarray:
    return np.isfinite(lon) & np.isfinite(lat) & (np.abs(lat) <= 90) & (np.abs(lon) <= 180)


def _meta_frame(rows: list[dict]) -> pd.DataFrame:
    cols = ["track", "label", "name", "team", "kind", "note", "station_id"]
    return pd.DataFrame(rows, columns=cols) if rows else pd.DataFrame({c: [] for c in cols})


def _waypoints(rows: list[dict], file: str, problems: list[TrackProblem]) -> pd.DataFrame:
    cols = ["name", "time", "symbol", "note", "lon", "lat"]
    if not rows:
        return pd.DataFrame({c: [] for c in cols})
    df = pd.DataFrame(rows)
    lat = pd.to_numeric(df["lat"], errors="coerce").to_numpy(float)
    lon = pd.to_numeric(df["lon"], errors="coerce").to_numpy(float)
    labels = [f"waypoint {r['name'] or i + 1}" for i, r in enumerate(rows)]
    for pos in np.flatnonzero(~_valid_lonlat(lon, lat)):
        problems.append(TrackProblem(file, labels[pos], None,
                                     t("patrol.bad_coord", None, lat=rows[pos]["lat"], lon=rows[pos]["lon"])))
    time, tp = parse_times(df["time"], file=file, labels=labels)
    problems += tp
    return pd.DataFrame({"name": df["name"], "time": time, "symbol": df["symbol"], "note": df["note"],
                         "lon": lon, "lat": lat})[cols]


def read_points_csv(path: Path, *, encoding: str | None = None) -> Parsed:
    """A CSV of track points: ``track_id, time, lat, lon`` (+ optional ``name, team, kind, note, station_id``).

    Column names are matched case- and accent-insensitively; points keep file order within a track.
    """
    file = path.name
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding=encoding or "utf-8-sig")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError(t("patrol.bad_csv", None, file=file, detail=str(exc).splitlines()[0][:120])) from exc
    cols = {fold(c).replace(" ", "_"): c for c in df.columns}
    missing = [c for c in ("track_id", "time", "lat", "lon") if c not in cols]
    if missing:
        raise InputError(t("patrol.csv_columns", None, file=file, missing=", ".join(missing),
                           columns=", ".join(df.columns)))
    problems: list[TrackProblem] = []
    tid = df[cols["track_id"]].str.strip()
    order = pd.Index(pd.unique(tid))
    track = order.get_indexer(tid)
    sort = np.argsort(track, kind="stable")
    df = df.iloc[sort].reset_index(drop=True)
    track = track[sort]
    rows = sort + 1                                        # data row in the file (header excluded)
    first = np.r_[0, np.flatnonzero(np.diff(track)) + 1]
    idx = np.arange(track.size) - np.repeat(first, np.diff(np.r_[first, track.size])) + 1
    labels = np.asarray(order)[track] if track.size else np.array([], dtype=object)
    lat = pd.to_numeric(df[cols["lat"]].str.replace(",", ".", regex=False).str.strip(), errors="coerce").to_numpy(float)
    lon = pd.to_numeric(df[cols["lon"]].str.replace(",", ".", regex=False).str.strip(), errors="coerce").to_numpy(float)
    for pos in np.flatnonzero(~_valid_lonlat(lon, lat))[:50]:
        problems.append(TrackProblem(file, str(labels[pos]), int(idx[pos]),
                                     t("patrol.bad_coord_row", None, row=int(rows[pos]), lat=df[cols["lat"]][pos],
                                       lon=df[cols["lon"]][pos])))
    time, tp = parse_times(df[cols["time"]], file=file, labels=labels, index=idx)
    problems += tp
    meta = []
    extra = [c for c in ("team", "kind", "note", "station_id", "name") if c in cols]
    heads = df.iloc[first][[cols[c] for c in extra]].to_numpy() if extra and track.size else None
    for k, label in enumerate(order):
        row = {"track": k, "label": str(label), "name": str(label)}
        for j, c in enumerate(extra):
            v = str(heads[k, j]).strip() if heads is not None else ""
            row[c] = v or row.get(c)
        meta.append(row)
    points = pd.DataFrame({"track": track.astype(np.int64), "part": np.zeros(track.size, np.int64),
                           "lon": lon, "lat": lat, "time": time})
    return Parsed(file, _meta_frame(meta), points, _waypoints([], file, problems), problems)


def read_lines(path: Path) -> Parsed:
    """Line features of a GeoJSON/GPKG/KML file, one track per feature (parts of a MultiLineString kept).

    Optional attributes: ``name``, ``team``, ``kind``, ``note``, ``station_id``, ``started_at``, ``ended_at``.
    With both times, each point's time is interpolated along the line by distance.
    """
    import pyogrio

    file = path.name
    try:
        gdf = pyogrio.read_dataframe(path)
    except Exception as exc:  # pyogrio raises several GDAL error types
        raise InputError(t("patrol.bad_lines", None, file=file, detail=str(exc).splitlines()[0][:120])) from exc
    if gdf.crs is None:
        raise InputError(t("patrol.no_crs", None, file=file))
    gdf = gdf.to_crs(4326) if gdf.crs.to_epsg() != 4326 else gdf
    cols = {fold(c).replace(" ", "_"): c for c in gdf.columns if c != "geometry"}
    # the fields only borderwatch's own export writes (data.export.export_patrols): refused on import
    ours = {"length_km", "duration_h", "no_times", "illustrative"} <= set(cols)
    meta, tr, pa, xs, ys, times, problems = [], [], [], [], [], [], []
    for k, (_, row) in enumerate(gdf.iterrows()):
        name = str(row[cols["name"]]).strip() if "name" in cols and pd.notna(row[cols["name"]]) else None
        label = name or f"#{k + 1}"
        m = {"track": k, "label": label, "name": name}
        for c in ("team", "kind", "note", "station_id"):
            v = row[cols[c]] if c in cols else None
            m[c] = str(v).strip() if v is not None and pd.notna(v) and str(v).strip() else None
        meta.append(m)
        g = row.geometry
        if g is None or g.is_empty or g.geom_type not in ("LineString", "MultiLineString"):
            problems.append(TrackProblem(file, label, None, t("patrol.not_line", None,
                                                              geom=g.geom_type if g is not None else "—")))
            continue
        parts = list(g.geoms) if g.geom_type == "MultiLineString" else [g]
        start = _attr_time(row, cols, "started_at", file, label, problems)
        end = _attr_time(row, cols, "ended_at", file, label, problems)
        coords = [shapely.get_coordinates(p) for p in parts]
        allxy = np.vstack(coords)
        n_pts = allxy.shape[0]
        tvals = np.full(n_pts, np.datetime64("NaT"), dtype="datetime64[s]")
        if start is not None and end is not None:
            steps_m = np.r_[0.0, np.concatenate([np.r_[0.0, T.step_lengths_m(xy[:, 0], xy[:, 1])]
                                                  for xy in coords])[1:]]
            cum = np.cumsum(steps_m)
            frac = cum / cum[-1] if cum[-1] > 0 else np.zeros(n_pts)
            span = (end - start).astype("timedelta64[s]").astype(np.int64)
            tvals = start + (frac * span).round().astype("timedelta64[s]")
        for p, xy in enumerate(coords):
            tr += [k] * len(xy)
            pa += [p] * len(xy)
            xs.append(xy[:, 0])
            ys.append(xy[:, 1])
        times.append(tvals)
    points = pd.DataFrame({"track": np.asarray(tr, np.int64), "part": np.asarray(pa, np.int64),
                           "lon": np.concatenate(xs) if xs else np.zeros(0),
                           "lat": np.concatenate(ys) if ys else np.zeros(0),
                           "time": np.concatenate(times) if times else np.zeros(0, "datetime64[s]")})
    return Parsed(file, _meta_frame(meta), points, _waypoints([], file, problems), problems,
                  creator=EXPORT_CREATOR if ours else "")


def _attr_time(row, cols, name, file, label, problems):
    if name not in cols:
        return None
    v = row[cols[name]]
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return None
    if isinstance(v, (pd.Timestamp, dt.datetime)):
        ts = pd.Timestamp(v)
        if ts.tzinfo is not None:
            return (ts.tz_convert("UTC").tz_localize(None).to_datetime64().astype("datetime64[s]") + LOCAL_OFFSET)
        return ts.to_datetime64().astype("datetime64[s]")
    vals, pr = parse_times([str(v)], file=file, labels=[label])
    problems += pr
    return None if np.isnat(vals[0]) else vals[0]


READERS = {".gpx": read_gpx, ".csv": read_points_csv, **{s: read_lines for s in LINE_SUFFIXES}}


def read_tracks(path: str | Path, *, encoding: str | None = None) -> Parsed:
    """Parse a patrol file by its suffix (see :data:`SUFFIXES`)."""
    path = Path(path)
    if not path.exists():
        raise InputError(t("import.no_file", None, file=path))
    suffix = path.suffix.lower()
    if suffix not in READERS:
        raise InputError(t("import.bad_format", None, file=path.name, ext=suffix or "—", valid=" ".join(SUFFIXES)))
    if suffix == ".csv":
        return read_points_csv(path, encoding=encoding)
    return READERS[suffix](path)


# -- checks and assembly ------------------------------------------------------------------------

_REASONS = {"too_few_points": "patrol.too_few_points", "mixed_times": "patrol.mixed_times",
            "time_backwards": "patrol.time_backwards", "too_fast": "patrol.too_fast", "lao_side": "patrol.lao_side"}


def check(parsed: Parsed, con=None, *, date: dt.date | None = None, lang: str | None = None) -> list[TrackProblem]:
    """Every problem with every track of ``parsed`` (parse problems included)."""
    p = parsed.points
    problems = list(parsed.problems)
    labels = parsed.meta.set_index("track")["label"].to_dict()
    ok = _valid_lonlat(p["lon"].to_numpy(), p["lat"].to_numpy())
    lao = None
    ctx = border_context(con) if con is not None else None
    if ctx is not None:                               # the one border rule: geo.border via data.border_side
        lao = np.zeros(len(p), dtype=bool)
        lao[ok] = lao_beyond(ctx.sides(p["lon"].to_numpy()[ok], p["lat"].to_numpy()[ok]))
    found = T.check_tracks(p["track"], p["part"], p["lon"], p["lat"], p["time"], lao=lao)
    for r in found.itertuples():
        problems.append(TrackProblem(parsed.file, str(labels.get(r.track, r.track)),
                                     None if pd.isna(r.point) else int(r.point),
                                     t(_REASONS[r.reason], lang, max=T.MAX_SPEED_KMH,
                                       value=r.value if r.reason in ("too_fast", "time_backwards") else int(r.value),
                                       km=T.LAO_TOLERANCE_M / 1000)))
    have = set(p["track"].unique())
    for k, label in labels.items():
        if k not in have and not any(q.track == str(label) for q in problems):
            problems.append(TrackProblem(parsed.file, str(label), None, t("patrol.too_few_points", lang, value=0)))
    if date is None and len(p):
        untimed = p.groupby("track")["time"].apply(lambda s: bool(np.isnat(s.to_numpy()).all()))
        for k in untimed[untimed].index:
            problems.append(TrackProblem(parsed.file, str(labels.get(k, k)), None, t("patrol.no_times", lang)))
    return problems


def _resolve_station(con: duckdb.DuckDBPyConnection, station: str | None, lang) -> str | None:
    """``--station``: an id or a name (any case, diacritics or not) or a unique part of a name."""

    if station is None:
        return None
    rows = con.execute("SELECT id, name FROM stations ORDER BY id").fetchall()
    sid, candidates = match_station(rows, station)
    if sid is None:
        key = "import.ambiguous_station" if candidates else "import.unknown_station"
        raise InputError(t(key, lang, value=station, valid="; ".join(f"{i} ({n})" for i, n in candidates or rows)))
    return sid


def _resolve_kind(kind: str | None, lang) -> str | None:
    if kind is None:
        return None
    code = normalise("patrol_kind", kind)
    if code is None:
        raise InputError(t("cli.unknown_value", lang, field="kind", value=kind, valid=", ".join(codes("patrol_kind"))))
    return code


def _station_by_area(con: duckdb.DuckDBPyConnection, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Station id whose area holds each point (None outside every area)."""
    out = np.full(lon.size, None, dtype=object)
    if lon.size == 0:
        return out
    rows = con.execute("SELECT id, ST_AsWKB(area) FROM stations WHERE area IS NOT NULL ORDER BY id").fetchall()
    for sid, wkb in rows:
        area = shapely.from_wkb(bytes(wkb))
        inside = shapely.contains_xy(area, lon, lat) & (out == None)  # noqa: E711 -- elementwise on the object array
        out[inside] = sid
    return out


def build_patrols(parsed: Parsed, *, keep, date: dt.date | None, station: str | None, kind: str | None,
                  default_kind: str = "foot", station_of_start=None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Patrol rows (with shapely ``geometry``) and their cell effort for the tracks in ``keep``.

    ``station`` / ``kind`` override the file's values; a track with no kind gets ``default_kind``.
    """
    p = parsed.points[parsed.points["track"].isin(keep)]
    p = p[_valid_lonlat(p["lon"].to_numpy(), p["lat"].to_numpy())]
    meta = parsed.meta.set_index("track").to_dict("index")
    tr, pa = p["track"].to_numpy(), p["part"].to_numpy()
    lon, lat, tm = p["lon"].to_numpy(), p["lat"].to_numpy(), p["time"].to_numpy().astype("datetime64[s]")
    ntr = int(parsed.meta["track"].max()) + 1 if len(parsed.meta) else 0
    day = np.full(ntr, np.datetime64(date) if date else np.datetime64("NaT"), dtype="datetime64[D]")
    effort = T.track_effort(tr, pa, lon, lat, tm, day=day)
    st = T.steps(tr, pa, lon, lat, tm)
    length = st.groupby("track")["m"].sum()
    rows = []
    starts = np.r_[0, np.flatnonzero(np.diff(tr)) + 1] if tr.size else np.zeros(0, int)
    ends = np.r_[starts[1:], tr.size]
    first_station = station_of_start(lon[starts], lat[starts]) if station_of_start is not None and starts.size \
        else [None] * starts.size
    for j, (a, b) in enumerate(zip(starts, ends, strict=True)):
        k = int(tr[a])
        m = meta[k]
        xy = np.column_stack([lon[a:b], lat[a:b]])
        if pa[a] == pa[b - 1]:
            parts = [xy]
        else:
            parts = [xy[pa[a:b] == q] for q in np.unique(pa[a:b])]
            parts = [q for q in parts if len(q) >= 2]
        geom = shapely.LineString(parts[0]) if len(parts) == 1 else shapely.MultiLineString(parts)
        times = tm[a:b]
        no_times = bool(np.isnat(times).all())
        if no_times:
            started = ended = np.datetime64(date, "s")
            duration = None
        else:
            started, ended = times.min(), times.max()
            duration = float((ended - started).astype("timedelta64[s]").astype(np.int64)) / 3600.0
        digest = hashlib.sha1(np.round(xy, 6).tobytes() + times.astype(np.int64).tobytes()).hexdigest()[:12]
        k_kind = kind or _resolve_kind_soft(m["kind"]) or default_kind
        rows.append({"track": k, "id": f"PT-{digest}", "station_id": station or m["station_id"] or first_station[j],
                     "started_at": pd.Timestamp(started).to_pydatetime(),
                     "ended_at": pd.Timestamp(ended).to_pydatetime(),
                     "team": m["team"], "kind": k_kind, "note": m["note"], "name": m["name"],
                     "length_km": float(length.get(k, 0.0)) / 1000.0, "duration_h": duration,
                     "no_times": no_times, "n_points": int(b - a), "source_file": parsed.file, "geometry": geom})
    patrols = gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326") if rows else \
        gpd.GeoDataFrame({"track": [], "id": []}, geometry=gpd.GeoSeries([], crs=4326), crs=4326)
    return patrols, effort


def _resolve_kind_soft(value) -> str | None:
    return normalise("patrol_kind", value) if value else None


def link_waypoints(waypoints: pd.DataFrame, patrols: pd.DataFrame) -> np.ndarray:
    """Patrol id whose [started_at, ended_at] holds each waypoint's time (the shortest such patrol; None else)."""
    out = np.full(len(waypoints), None, dtype=object)
    if not len(waypoints) or not len(patrols):
        return out
    timed = patrols[~patrols["no_times"]].assign(_d=lambda d: d["ended_at"] - d["started_at"]).sort_values("_d")
    for i, w in enumerate(pd.to_datetime(waypoints["time"])):
        if pd.isna(w):
            continue
        hit = timed[(timed["started_at"] <= w) & (timed["ended_at"] >= w)]
        if len(hit):
            out[i] = hit["id"].iloc[0]
    return out


# -- import -------------------------------------------------------------------------------------

class TrackDefaults(TypedDict, total=False):
    """What the file may not say about its tracks: the ``station`` (id or name) and ``kind`` of patrols
    without one, and the ``date`` of tracks recorded without times (those are flagged)."""

    station: str | None
    kind: str | None
    date: dt.date | None


def import_patrols(con: duckdb.DuckDBPyConnection, path: str | Path, *, skip_invalid: bool = False,
                   who: str | None = None, illustrative: bool = False, encoding: str | None = None,
                   lang: str | None = None, **defaults: Unpack[TrackDefaults]) -> PatrolImport:
    """Read, check and store the patrols of one file in one transaction (see the module docstring).

    Raises :class:`~core.errors.ValidationError` listing every problem (nothing written) unless
    ``skip_invalid``, which drops the bad tracks and keeps them in ``import_rejects``.
    """
    station, kind, date = defaults.get("station"), defaults.get("kind"), defaults.get("date")
    station = _resolve_station(con, station, lang)
    kind = _resolve_kind(kind, lang)
    parsed = read_tracks(path, encoding=encoding)
    if parsed.creator == EXPORT_CREATOR:       # our own route export: its patrols are in a store already
        raise InputError(t("patrol.own_export", lang, file=parsed.file))
    if not len(parsed.meta) and not len(parsed.waypoints):
        raise InputError(t("patrol.no_tracks", lang, file=parsed.file))
    problems = check(parsed, con, date=date, lang=lang)
    file_level = [q for q in problems if q.track.startswith("waypoint")]
    if problems and (not skip_invalid or file_level):
        raise ValidationError(problems=problems, summary=problems_summary(problems, lang))
    labels = parsed.meta.set_index("track")["label"].astype(str)
    bad_labels = {q.track for q in problems}
    keep = [int(k) for k, lab in labels.items() if lab not in bad_labels]
    patrols, effort = build_patrols(parsed, keep=keep, date=date, station=station, kind=kind,
                                    station_of_start=lambda x, y: _station_by_area(con, x, y))
    con.execute("BEGIN TRANSACTION")
    try:
        # server mode: patrol imports run in turn, each seeing what the previous committed, so the same
        # file imported by several processes at once writes its tracks once, without a key error
        serialise(con, "import:patrols")
        stored = _stored_ids(con, patrols["id"])
        patrols = patrols.drop_duplicates("id")
        new = patrols[~patrols["id"].isin(stored)]
        track_to_id = dict(zip(new["track"], new["id"], strict=True))
        effort = effort[effort["track"].isin(list(track_to_id))]
        wp = parsed.waypoints.copy()
        wp["patrol_id"] = link_waypoints(wp, patrols)
        import_id = next_id(con, "import_seq")
        write_patrols(con, new, effort.assign(patrol_id=effort["track"].map(track_to_id)), wp,
                      import_id=import_id, illustrative=illustrative)
        con.execute("INSERT INTO import_log VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [import_id, who, dt.datetime.now().replace(microsecond=0), parsed.file, "patrols",
                     "skip-invalid" if skip_invalid else "all-or-nothing", len(parsed.meta),
                     len(bad_labels), len(patrols) - len(new)])
        if problems:
            rej = pd.DataFrame({"import_id": import_id, "file": [q.file for q in problems],
                                "row": [q.point for q in problems], "column": [f"track {q.track}" for q in problems],
                                "reason": [q.reason for q in problems], "raw": [q.track for q in problems]})
            con.register("__bw_rej", rej)
            con.execute('INSERT INTO import_rejects SELECT CAST(import_id AS BIGINT), file, CAST("row" AS INTEGER), '
                        '"column", reason, raw FROM __bw_rej')
            con.unregister("__bw_rej")
        con.execute("COMMIT")
    except BaseException as exc:
        try:
            con.execute("ROLLBACK")
        except duckdb.Error:
            pass
        if isinstance(exc, duckdb.Error):
            raise StoreError(t("import.store_failed", lang, detail=str(exc).splitlines()[0])) from exc
        raise
    return PatrolImport(import_id, parsed.file, len(parsed.meta), len(new), len(patrols) - len(new),
                        len(bad_labels), len(wp), int(new["n_points"].sum()) if len(new) else 0, problems,
                        list(new["id"]))


def _stored_ids(con: duckdb.DuckDBPyConnection, ids: pd.Series) -> set[str]:
    """The ids among ``ids`` that the patrols table already holds."""
    if not len(ids):
        return set()
    con.register("__bw_pids", pd.DataFrame({"id": ids}))
    try:
        return {r[0] for r in
                con.execute("SELECT id FROM patrols WHERE id IN (SELECT id FROM __bw_pids)").fetchall()}
    finally:
        con.unregister("__bw_pids")


def write_patrols(con: duckdb.DuckDBPyConnection, patrols: gpd.GeoDataFrame, effort: pd.DataFrame,
                  waypoints: pd.DataFrame | None = None, *,
                  import_id: int | None = None, illustrative: bool = False) -> None:
    """Insert patrol rows, their cell effort and waypoints. The caller owns the transaction."""
    if len(patrols):
        df = pd.DataFrame({c: patrols[c].to_numpy() for c in
                           ("id", "station_id", "started_at", "ended_at", "team", "kind", "note", "name", "length_km",
                            "duration_h", "no_times", "n_points", "source_file")})
        df["wkb"] = shapely.to_wkb(patrols.geometry.to_numpy())
        df["ill"] = bool(illustrative)
        df["imp"] = import_id
        con.register("__bw_pat", df)
        try:
            con.execute("""INSERT INTO patrols SELECT id, station_id, CAST(started_at AS TIMESTAMP),
                CAST(ended_at AS TIMESTAMP), team, kind, note, name, length_km, CAST(duration_h AS DOUBLE),
                no_times, CAST(n_points AS INTEGER), source_file, ST_GeomFromWKB(wkb), ill, CAST(imp AS BIGINT)
                FROM __bw_pat""")
        finally:
            con.unregister("__bw_pat")
    if len(effort):
        e = pd.DataFrame({"patrol_id": effort["patrol_id"].to_numpy(), "h3_9": effort["h3_9"].to_numpy(np.uint64),
                          "day": pd.to_datetime(effort["day"]).to_numpy(), "km": effort["km"].to_numpy(float),
                          "hours": effort["hours"].to_numpy(float)})
        con.register("__bw_eff", e)
        try:
            con.execute("INSERT INTO patrol_cells SELECT patrol_id, CAST(h3_9 AS UBIGINT), CAST(day AS DATE), km, "
                        "CAST(hours AS DOUBLE) FROM __bw_eff")
        finally:
            con.unregister("__bw_eff")
    if waypoints is not None and len(waypoints):
        w = waypoints.reset_index(drop=True)
        key = (w["lon"].round(6).astype(str) + w["lat"].round(6).astype(str) + w["time"].astype(str)
               + w["name"].astype(str))
        ids = ["WP-" + hashlib.sha1(k.encode()).hexdigest()[:12] for k in key]
        df = pd.DataFrame({"id": ids, "patrol_id": w["patrol_id"], "name": w["name"], "time": w["time"],
                           "symbol": w["symbol"], "note": w["note"],
                           "wkb": shapely.to_wkb(shapely.points(w["lon"].to_numpy(), w["lat"].to_numpy())),
                           "ill": bool(illustrative), "imp": import_id}).drop_duplicates("id")
        con.register("__bw_wp", df)
        try:
            con.execute("""INSERT INTO patrol_points SELECT id, patrol_id, name, CAST("time" AS TIMESTAMP), symbol,
                note, ST_GeomFromWKB(wkb), ill, CAST(imp AS BIGINT) FROM __bw_wp
                WHERE id NOT IN (SELECT id FROM patrol_points)""")
        finally:
            con.unregister("__bw_wp")


def problems_summary(problems: list[TrackProblem], lang: str | None = None, *, limit: int = 200) -> str:
    lines = [t("import.problems_head", lang, n=len(problems))]
    lines += ["  - " + q.text(lang) for q in problems[:limit]]
    if len(problems) > limit:
        lines.append("  " + t("import.problems_more", lang, n=len(problems) - limit))
    return "\n".join(lines)
