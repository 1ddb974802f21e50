"""Context layers: the unit's roads, rivers, contour lines, boundaries, any named vector layer.

Read with pyogrio (Shapefile, GeoPackage, MapInfo TAB, KML, GeoJSON… whatever GDAL reads), in
their own CRS (VN-2000 included; ``--crs`` when the file declares none), reprojected to WGS 84
and stored in ``context_features`` (one row per feature: its label and geometry) with the layer's
name, style (line, area or point) and colour in ``context_layers`` (migration 4). Geometries are
kept as drawn (no simplification, no repair); features without a geometry are skipped and counted.
"""
from __future__ import annotations

import datetime as dt
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import duckdb
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from core.errors import InputError
from core.i18n import t
from data.store import scalar

STYLES = ("line", "area", "point")
DEFAULT_COLOR = {"line": "#3F6FB0", "area": "#7A6A3A", "point": "#5A5A5A"}
NAME_RE = re.compile(r"^[^\x00-\x1f]{1,60}$")
#: Column names taken as labels, in this order (case-insensitive), when ``--label`` is not given.
LABEL_FIELDS = ("name", "ten", "tên", "ten_duong", "ten_song", "label", "elev", "elevation", "contour", "cao_do")
#: Where features of a Quảng Trị unit can be (lon/lat): a wrong CRS lands far outside.
REGION = (100.0, 8.0, 112.0, 24.0)


def _style_for(geoms) -> str:
    kinds = set(shapely.get_type_id(np.asarray(geoms)))
    if kinds <= {3, 6}:
        return "area"
    if kinds <= {0, 4}:
        return "point"
    return "line"


def read(path, *, layer: str | None = None, crs=None, lang=None) -> gpd.GeoDataFrame:
    """The file's features in EPSG:4326 (empty geometries dropped); refusals name the file and the reason."""
    import pyogrio

    from geo.crs import resolve_crs

    path = Path(path)
    if not path.exists():
        raise InputError(t("basemap.missing", lang, path=path))
    try:
        names = [str(r[0]) for r in pyogrio.list_layers(path)]
    except Exception as exc:  # noqa: BLE001 -- GDAL's message is the reason
        raise InputError(t("context.unreadable", lang, path=path.name, why=str(exc).strip())) from exc
    if layer is None and len(names) > 1:
        raise InputError(t("context.many_layers", lang, path=path.name, valid=", ".join(names)))
    if layer is not None and layer not in names:
        raise InputError(t("context.bad_layer", lang, path=path.name, layer=layer, valid=", ".join(names)))
    try:
        gdf = gpd.read_file(path, layer=layer or (names[0] if names else None), engine="pyogrio")
    except Exception as exc:  # noqa: BLE001 -- any reader failure: the file is not readable as a layer
        raise InputError(t("context.unreadable", lang, path=path.name, why=str(exc).strip())) from exc
    if crs is not None:
        gdf = gdf.set_crs(resolve_crs(crs), allow_override=True)
    elif gdf.crs is None:
        raise InputError(t("context.no_crs", lang, path=path.name))
    elif vn2000_on_wgs84(gdf.crs):
        raise InputError(t("context.vn2000_datum", lang, path=path.name))
    gdf = gdf[~(gdf.geometry.isna() | gdf.geometry.is_empty)]
    if not len(gdf):
        raise InputError(t("context.empty", lang, path=path.name))
    src_crs = gdf.crs
    out = gdf.to_crs("EPSG:4326")
    w, s, e, n = out.total_bounds
    inside = w >= REGION[0] and s >= REGION[1] and e <= REGION[2] and n <= REGION[3]
    if not (np.isfinite([w, s, e, n]).all() and inside):
        raise InputError(t("context.far", lang, path=path.name, bounds=f"{w:.3f},{s:.3f},{e:.3f},{n:.3f}"))
    out.attrs["source_crs"] = src_crs.to_string() if src_crs is not None else ""
    out.attrs["dropped"] = int(len(gdf) - len(out))
    return out


def vn2000_on_wgs84(crs) -> bool:
    """True for a VN-2000 TM-3 projection (k 0.9999, false easting 500 km, lat 0, meridian 102°–109.5°)
    declared on the WGS 84 datum without a datum shift: what MapInfo TAB exports (ogr2ogr included) make
    of VN-2000. Taken as WGS 84 it would put every feature about 200 m off."""
    try:
        if crs.to_epsg() in range(9205, 9219) or not crs.is_projected:
            return False
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)      # "lose projection information": we read only a few keys
            proj = crs.to_dict()
    except Exception:  # noqa: BLE001 -- a CRS pyproj cannot describe as PROJ is not this case
        return False
    return (proj.get("proj") == "tmerc" and abs(float(proj.get("k", proj.get("k_0", 1))) - 0.9999) < 1e-9
            and float(proj.get("x_0", 0)) == 500000 and float(proj.get("lat_0", 0)) == 0
            and 102 <= float(proj.get("lon_0", 0)) <= 109.5 and proj.get("datum") == "WGS84"
            and "towgs84" not in proj)


def _label_column(gdf, label: str | None, path: Path, lang) -> str | None:
    cols = [c for c in gdf.columns if c != gdf.geometry.name]
    if label:
        if label not in cols:
            raise InputError(t("context.bad_label", lang, path=path.name, field=label, valid=", ".join(cols)))
        return label
    lower = {c.lower(): c for c in cols}
    return next((lower[f] for f in LABEL_FIELDS if f in lower), None)


def _labels(values) -> list[str | None]:
    out: list[str | None] = []
    for v in values:
        if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA:
            out.append(None)
        elif isinstance(v, float) and v.is_integer():
            out.append(str(int(v)))          # contour elevations: 500.0 → "500"
        else:
            text = str(v).strip()
            out.append(text or None)
    return out


@dataclass(frozen=True)
class Look:
    """How a context layer is drawn: ``style`` (one of :data:`STYLES`; from the geometry when ``None``),
    ``color`` (``#RRGGBB``; the style's default when ``None``) and the ``label`` field (guessed when ``None``)."""

    style: str | None = None
    color: str | None = None
    label: str | None = None


AUTO_LOOK = Look()


def add(con: duckdb.DuckDBPyConnection, path: str | Path, *, name: str, layer: str | None = None,
        crs: str | None = None, look: Look = AUTO_LOOK, user: str = "", lang: str | None = None) -> dict:
    """Import ``path`` as context layer ``name`` (one transaction). Returns its ``context_layers`` row."""
    path = Path(path)
    style, color, label = look.style, look.color, look.label
    if not NAME_RE.match(name or "") or not name.strip():
        raise InputError(t("basemap.bad_name", lang, name=name))
    if con.execute("SELECT 1 FROM context_layers WHERE name = ?", [name]).fetchone():
        raise InputError(t("context.exists", lang, name=name))
    if style is not None and style not in STYLES:
        raise InputError(t("context.bad_style", lang, style=style))
    if color is not None and not re.match(r"^#[0-9A-Fa-f]{6}$", color):
        raise InputError(t("context.bad_color", lang, color=color))
    gdf = read(path, layer=layer, crs=crs, lang=lang)
    style = style or _style_for(gdf.geometry.values)
    color = (color or DEFAULT_COLOR[style]).upper()
    col = _label_column(gdf, label, path, lang)
    labels = _labels(gdf[col]) if col else [None] * len(gdf)
    rows = pd.DataFrame({"layer": name, "fid": np.arange(1, len(gdf) + 1, dtype="int32"), "label": labels,
                         "wkb": shapely.to_wkb(gdf.geometry.values)})
    position = scalar(con, "SELECT coalesce(max(position), 0) + 1 FROM context_layers")
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("INSERT INTO context_layers VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                    [name, str(path.resolve()), layer, style, color, col, gdf.attrs.get("source_crs"), len(rows),
                     position, dt.datetime.now(), user or None])
        con.register("__ctx", rows)
        con.execute("INSERT INTO context_features SELECT layer, fid, label, ST_GeomFromWKB(wkb) FROM __ctx")
        con.unregister("__ctx")
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return {"name": name, "style": style, "color": color, "n": len(rows), "label": col}


def list_layers(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute("SELECT name, style, color, n_features, label_field, source_crs, source, source_layer "
                       "FROM context_layers ORDER BY position").df()


def remove(con: duckdb.DuckDBPyConnection, name: str, *, lang=None) -> None:
    if not con.execute("SELECT 1 FROM context_layers WHERE name = ?", [name]).fetchone():
        valid = ", ".join(list_layers(con)["name"]) or "-"
        raise InputError(t("context.unknown", lang, name=name, valid=valid))
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM context_features WHERE layer = ?", [name])
        con.execute("DELETE FROM context_layers WHERE name = ?", [name])
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


def features(con: duckdb.DuckDBPyConnection) -> gpd.GeoDataFrame:
    """Every context feature with its layer's style and colour, in draw order (EPSG:4326)."""
    df = con.execute("""
        SELECT f.layer, f.fid, f.label, l.style, l.color, l.position, ST_AsWKB(f.geom) AS wkb
        FROM context_features f JOIN context_layers l ON l.name = f.layer
        ORDER BY l.position, f.fid""").df()
    geoms: np.ndarray | list = shapely.from_wkb([bytes(b) for b in df.pop("wkb")]) if len(df) else []
    return gpd.GeoDataFrame(df, geometry=gpd.GeoSeries(geoms, crs="EPSG:4326", index=df.index), crs="EPSG:4326")
