"""KML and KMZ for Google Earth: one Placemark per row, a style per kind, text as stored.

* ``<name>``: the row's ``name`` (incidents: ``id``, also kept in the data); ``<description>``: the incident's
  description, else a line of the row's labels in Vietnamese (kind, commune…).
* ``<Placemark id="…">``: the row's id when it is a valid XML id (GDAL reads it as ``id``);
  the id is also in the data, so a reader of ``<ExtendedData>`` (ours, Google My Maps) finds it.
* ``<ExtendedData>``: every field but the name as ``<Data name="FIELD"><value>``, the way Google
  Earth and My Maps write attributes (Google Earth shows them in the balloon; GDAL reads them
  as columns). Times carry their offset (``2025-04-03T14:30:00+07:00``). No ``<TimeStamp>``:
  the importer would see the time twice (``timestamp`` and ``occurred_at``).
* Styles: ``#LAYER-KIND`` with the map's colours (``core.palette``); polygons outlined.
* Coordinates lon,lat at full precision; polygon outer rings counter-clockwise.

A KMZ is the same document as ``doc.kml`` inside a zip.
"""
from __future__ import annotations

import re
import zipfile
from collections.abc import Mapping
from pathlib import Path
from xml.sax.saxutils import escape

import pandas as pd

from core import palette
from data.exporters.columns import is_missing, iso_time

_KIND_FIELD: dict[str, tuple[str, Mapping[str, palette.SizedMarkerStyle | palette.LineStyle | str]]] = {
    "crossings": ("kind", palette.CROSSING_KIND), "trails": ("kind", palette.TRAIL_KIND),
    "incidents": ("drug", palette.DRUG)}
_ENUM_OF = {("crossings", "kind"): "crossing_kind", ("trails", "kind"): "trail_kind", ("incidents", "drug"): "drug"}
_NCNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")   # a valid XML id (Google Earth writes ids too)
_LAYER_COLOUR = {"border": palette.BORDER["color"], "belt": palette.BELT["color"], "villages": palette.GREEN,
                 "stations": palette.STATION["area_color"]}


def _abgr(hex_rgb: str, alpha: str = "ff") -> str:
    """KML colours are aabbggrr.

    >>> _abgr("#D55E00")
    'ff005ed5'
    """
    h = hex_rgb.lstrip("#")
    return f"{alpha}{h[4:6]}{h[2:4]}{h[0:2]}".lower()


def _num(x: float) -> str:
    return repr(float(x))


def _coords(seq) -> str:
    return " ".join(f"{_num(x)},{_num(y)}" for x, y, *_ in seq)


def _geometry(g) -> str:
    import shapely

    kind = g.geom_type
    if kind == "Point":
        return f"<Point><coordinates>{_num(g.x)},{_num(g.y)}</coordinates></Point>"
    if kind == "LineString":
        return f"<LineString><tessellate>1</tessellate><coordinates>{_coords(g.coords)}</coordinates></LineString>"
    if kind == "Polygon":
        g = shapely.orient_polygons(g)
        inner = "".join(f"<innerBoundaryIs><LinearRing><coordinates>{_coords(r.coords)}</coordinates>"
                        f"</LinearRing></innerBoundaryIs>" for r in g.interiors)
        return (f"<Polygon><outerBoundaryIs><LinearRing><coordinates>{_coords(g.exterior.coords)}</coordinates>"
                f"</LinearRing></outerBoundaryIs>{inner}</Polygon>")
    return "<MultiGeometry>" + "".join(_geometry(p) for p in g.geoms) + "</MultiGeometry>"


def _value(v, kind: str) -> str | None:
    if is_missing(v):
        return None
    if kind == "timestamp":
        return iso_time(v)
    if kind == "date":
        return pd.Timestamp(v).date().isoformat()
    if kind == "bool":
        return "true" if v else "false"
    if kind == "float":
        return repr(float(v))
    if kind == "int":
        return str(int(v))
    return str(v)


def _styles(layer: str) -> list[str]:
    out = []
    if layer in _KIND_FIELD:
        _, table = _KIND_FIELD[layer]
        for kind, st in table.items():
            colour = st["color"] if isinstance(st, dict) else st
            out.append(_style(f"{layer}-{kind}", colour))
    out.append(_style(layer, _LAYER_COLOUR.get(layer, palette.BLUE)))
    return out


def _style(sid: str, colour: str) -> str:
    c = _abgr(colour)
    return (f'<Style id="{escape(sid)}"><IconStyle><color>{c}</color></IconStyle>'
            f"<LineStyle><color>{c}</color><width>3</width></LineStyle>"
            f"<PolyStyle><color>{_abgr(colour, '40')}</color><outline>1</outline></PolyStyle></Style>")


def _summary(layer: str, row: dict, lang: str = "vi") -> str:
    from core.vocab import label

    bits = []
    for (lyr, field), enum in _ENUM_OF.items():
        if lyr == layer and not is_missing(row.get(field)):
            bits.append(label(enum, row[field], lang))
    for field in ("commune", "district", "facing"):
        if not is_missing(row.get(field)):
            bits.append(str(row[field]))
    return " · ".join(bits)


def kml_document(layer: str, frame: pd.DataFrame, kinds: dict[str, str], geoms, meta: dict | None) -> str:
    """The KML text of one layer."""
    name_field = "id" if layer == "incidents" else "name"
    style_field = _KIND_FIELD.get(layer, (None,))[0]
    parts = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<kml xmlns="http://www.opengis.net/kml/2.2"><Document>', f"<name>{escape(layer)}</name>"]
    if meta:
        parts.append("<ExtendedData>" + "".join(f'<Data name="{escape(k)}"><value>{escape(str(v))}</value></Data>'
                                                for k, v in meta.items()) + "</ExtendedData>")
    parts += _styles(layer)
    parts.append(f"<Folder><name>{escape(layer)}</name>")
    records = frame.to_dict(orient="records")
    for i, row in enumerate(records):
        g = geoms[i] if geoms is not None else None
        if g is None:
            continue
        style = layer
        if style_field and not is_missing(row.get(style_field)):
            style = f"{layer}-{row[style_field]}"
        desc = row.get("description") if layer == "incidents" else _summary(layer, row)
        pid = row.get("id")
        attr = f' id="{escape(pid)}"' if isinstance(pid, str) and _NCNAME.match(pid) else ""
        p = [f"<Placemark{attr}>", f"<name>{escape(_value(row.get(name_field), 'text') or '')}</name>"]
        if not is_missing(desc) and desc != "":
            p.append(f"<description>{escape(str(desc))}</description>")
        p.append(f"<styleUrl>#{escape(style)}</styleUrl>")
        data = []
        for col, v in row.items():
            if (col == name_field and layer != "incidents") or (layer == "incidents" and col == "description"):
                continue
            text = _value(v, kinds.get(col, "text"))
            if text is not None:
                data.append(f'<Data name="{escape(col)}"><value>{escape(text)}</value></Data>')
        if data:
            p.append("<ExtendedData>" + "".join(data) + "</ExtendedData>")
        p.append(_geometry(g))
        p.append("</Placemark>")
        parts.append("".join(p))
    parts.append("</Folder></Document></kml>")
    return "\n".join(parts) + "\n"


def write_kml(path: Path, layer: str, frame, kinds, geoms, meta) -> None:
    path.write_text(kml_document(layer, frame, kinds, geoms, meta), encoding="utf-8")


def write_kmz(path: Path, layer: str, frame, kinds, geoms, meta) -> None:
    text = kml_document(layer, frame, kinds, geoms, meta)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("doc.kml", text.encode("utf-8"))
