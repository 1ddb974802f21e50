"""Export patrol tracks as GPX (for loading routes back onto a handheld), GeoPackage or KML.

GPX: GPX 1.1, one ``<trk>`` per patrol with ``<name>``, ``<desc>`` (station, team, kind, local
start) and one ``<trkseg>`` per part; points carry no ``<time>`` (the store keeps the track's
shape, not each fix's time), which is what a handheld wants for a planned route; ``import patrols``
refuses it (``creator="borderwatch"``), as its patrols are in a store already. GPKG/KML: the
patrol fields and the (Multi)LineString in EPSG:4326, written by GDAL (pyogrio). The export itself
(role, private file, audit) is :func:`data.export.export_patrols`, as for every layer.
"""
from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import geopandas as gpd
import pandas as pd
import shapely

from data.exporters.columns import VN_TZ
from data.patrols import EXPORT_CREATOR

_DRIVERS = {".gpkg": "GPKG", ".kml": "KML"}
SUFFIXES = (".gpx",) + tuple(_DRIVERS)


def tracks_to_gpx(gdf: gpd.GeoDataFrame, *, creator: str = EXPORT_CREATOR) -> str:
    """GPX 1.1 text of the tracks (lon/lat with 7 decimals ≈ 1 cm)."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           f'<gpx xmlns="http://www.topografix.com/GPX/1/1" version="1.1" creator={quoteattr(creator)}>']
    for _, r in gdf.iterrows():
        desc = " · ".join(str(v) for v in (r.get("station_id"), r.get("team"), r.get("kind"),
                                           str(r.get("started_at"))[:16]) if v is not None and str(v) != "nan")
        out.append(f"<trk><name>{escape(str(r.get('name') or r['id']))}</name><desc>{escape(desc)}</desc>")
        geom = r.geometry
        for part in getattr(geom, "geoms", [geom]):
            out.append("<trkseg>" + "".join(f'<trkpt lat="{y:.7f}" lon="{x:.7f}"></trkpt>'
                                            for x, y in shapely.get_coordinates(part)) + "</trkseg>")
        out.append("</trk>")
    out.append("</gpx>")
    return "\n".join(out)


def _gis_frame(gdf: gpd.GeoDataFrame, *, utc: bool) -> gpd.GeoDataFrame:
    """The tracks as MultiLineStrings, their stored Vietnam local times as instants (UTC or ``+07:00``)."""
    df = gdf.copy()
    for c in ("started_at", "ended_at"):
        local = pd.to_datetime(df[c]).dt.tz_localize(VN_TZ)
        df[c] = local.dt.tz_convert("UTC") if utc else local
    geoms = [g if g is None or g.geom_type == "MultiLineString" else shapely.MultiLineString([g])
             for g in df.geometry]
    return df.set_geometry(gpd.GeoSeries(geoms, crs=df.crs, index=df.index))


def write_tracks(gdf: gpd.GeoDataFrame, path: Path, *, meta: dict | None = None) -> None:
    """Write the tracks to ``path`` by its suffix (.gpx, .gpkg or .kml); ``meta`` (the export's watermark)
    goes into a GeoPackage's metadata. The caller stages the file (:class:`data.export.staged`)."""
    suffix = path.suffix.lower()
    if suffix == ".gpx":
        path.write_text(tracks_to_gpx(gdf), encoding="utf-8")
        return
    import pyogrio

    pyogrio.write_dataframe(_gis_frame(gdf, utc=suffix == ".gpkg"), path, driver=_DRIVERS[suffix], layer="patrols",
                            geometry_type="MultiLineString", metadata=meta if suffix == ".gpkg" else None)
