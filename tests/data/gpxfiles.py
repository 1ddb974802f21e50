"""GPX text as real devices write it, for the patrol import tests.

``garmin_gpx``: a Garmin GPSMAP 66i export (GPX 1.1, Garmin extension namespaces, ``<metadata>``
with a link and time, waypoints with ``<ele><time><name><sym>`` before the tracks, one
``<trk>`` per saved track with ``<name>``, a display-colour extension and ``<trkseg>`` of
``<trkpt lat lon><ele><time>``; times in UTC with ``Z``).
``gpslogger_gpx``: the GPSLogger for Android style (GPX 1.0 namespace, millisecond UTC times,
``<course><speed><src><sat>`` per point). ``osmand_gpx``: OsmAnd (GPX 1.1, ``<hdop>`` and an
``osmand:`` extension per point, ``<metadata><name>``).
"""
from __future__ import annotations

import datetime as dt

import numpy as np

UTC = dt.timezone.utc


def walk(line, *, start_utc: dt.datetime, kmh: float = 4.0, every_s: int = 10, frm: float = 0.0, to: float = 1.0):
    """Points along a shapely line (lon/lat) at ``kmh``, one every ``every_s`` seconds: [(lat, lon, ele, time)]."""
    # length in metres (small area: equirectangular is plenty for placing test points)
    xy = np.asarray(line.coords)
    k = np.cos(np.radians(xy[:, 1].mean()))
    metres = np.hypot(np.diff(xy[:, 0]) * k, np.diff(xy[:, 1])).sum() * 111_195
    span = metres * (to - frm)
    n = max(int(span / (kmh / 3.6 * every_s)), 2)
    out = []
    for i in range(n + 1):
        p = line.interpolate(frm + (to - frm) * i / n, normalized=True)
        out.append((p.y, p.x, 250.0 + 3.1 * (i % 7), start_utc + dt.timedelta(seconds=every_s * i)))
    return out


def _z(t: dt.datetime, ms: bool = False) -> str:
    s = t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")
    return s + (".000Z" if ms else "Z")


def garmin_gpx(tracks: dict[str, list[list[tuple]]], waypoints=()) -> str:
    """``tracks``: name -> segments -> points (lat, lon, ele, time or None); waypoints: (name, lat, lon, time, sym)."""
    head = ('<?xml version="1.0" encoding="UTF-8" standalone="no" ?>'
            '<gpx xmlns="http://www.topografix.com/GPX/1/1" '
            'xmlns:gpxx="http://www.garmin.com/xmlschemas/GpxExtensions/v3" '
            'xmlns:wptx1="http://www.garmin.com/xmlschemas/WaypointExtension/v1" '
            'xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1" creator="GPSMAP 66i" '
            'version="1.1" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            'xsi:schemaLocation="http://www.topografix.com/GPX/1/1 http://www.topografix.com/GPX/1/1/gpx.xsd '
            'http://www.garmin.com/xmlschemas/GpxExtensions/v3 http://www8.garmin.com/xmlschemas/GpxExtensionsv3.xsd">'
            '<metadata><link href="http://www.garmin.com"><text>Garmin International</text></link>'
            '<time>2024-03-06T02:11:40Z</time></metadata>')
    body = []
    for name, lat, lon, time, sym in waypoints:
        body.append(f'<wpt lat="{lat:.10f}" lon="{lon:.10f}"><ele>301.37</ele>'
                    + (f"<time>{_z(time)}</time>" if time else "")
                    + f"<name>{name}</name><sym>{sym}</sym><type>user</type>"
                    "<extensions><gpxx:WaypointExtension><gpxx:DisplayMode>SymbolAndName</gpxx:DisplayMode>"
                    "</gpxx:WaypointExtension></extensions></wpt>")
    for name, segments in tracks.items():
        body.append(f"<trk><name>{name}</name><extensions><gpxx:TrackExtension><gpxx:DisplayColor>Cyan"
                    "</gpxx:DisplayColor></gpxx:TrackExtension></extensions>")
        for seg in segments:
            body.append("<trkseg>")
            for lat, lon, ele, time in seg:
                body.append(f'<trkpt lat="{lat:.10f}" lon="{lon:.10f}"><ele>{ele:.2f}</ele>'
                            + (f"<time>{_z(time)}</time>" if time else "") + "</trkpt>")
            body.append("</trkseg>")
        body.append("</trk>")
    return head + "".join(body) + "</gpx>"


def gpslogger_gpx(points: list[tuple]) -> str:
    """One track as GPSLogger for Android writes it (GPX 1.0)."""
    rows = [f'<trkpt lat="{lat:.8f}" lon="{lon:.8f}"><ele>{ele:.1f}</ele><time>{_z(time, ms=True)}</time>'
            f"<course>87.4</course><speed>1.1</speed><src>gps</src><sat>9</sat></trkpt>"
            for lat, lon, ele, time in points]
    return ("<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>"
            '<gpx version="1.0" creator="GPSLogger 131 - http://gpslogger.mendhak.com/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://www.topografix.com/GPX/1/0" '
            'xsi:schemaLocation="http://www.topografix.com/GPX/1/0 http://www.topografix.com/GPX/1/0/gpx.xsd">'
            f"<time>{_z(points[0][3], ms=True)}</time><trk><name>20240305</name><trkseg>"
            + "".join(rows) + "</trkseg></trk></gpx>")


def osmand_gpx(points: list[tuple], name: str = "2024-03-05_08-00_Tue") -> str:
    """One track as OsmAnd writes it (GPX 1.1, hdop and osmand: extensions)."""
    rows = [f'<trkpt lat="{lat:.7f}" lon="{lon:.7f}"><ele>{ele:.1f}</ele><time>{_z(time)}</time><hdop>3.8</hdop>'
            "<extensions><osmand:speed>1.1</osmand:speed></extensions></trkpt>"
            for lat, lon, ele, time in points]
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes" ?>'
            '<gpx version="1.1" creator="OsmAnd~ 4.6.7" xmlns="http://www.topografix.com/GPX/1/1" '
            'xmlns:osmand="https://osmand.net" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            'xsi:schemaLocation="http://www.topografix.com/GPX/1/1 http://www.topografix.com/GPX/1/1/gpx.xsd">'
            f"<metadata><name>{name}</name></metadata><trk><name>{name}</name><trkseg>"
            + "".join(rows) + "</trkseg></trk><extensions><osmand:show_arrows>false</osmand:show_arrows>"
            "</extensions></gpx>")
