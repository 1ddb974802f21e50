"""KML and KMZ as Google Earth and Google My Maps write them, parsed with defusedxml.

Per placemark, one record:

- ``name`` and ``description`` from ``<name>`` / ``<description>``; ``timestamp`` from
  ``<TimeStamp><when>`` (``<TimeSpan><begin>`` when there is no TimeStamp);
- every ``<ExtendedData><Data name="…"><value>`` and ``<SchemaData><SimpleData name="…">``
  as a column of that name (an ExtendedData ``name`` or ``description`` wins over the
  element, which is then kept as ``kml_name`` / ``kml_description``);
- ``folder``: the path of the ``<Folder>`` names above it (``Tháng 4/Lao Bảo``), when
  the file has folders;
- geometry from ``Point``, ``LineString``, ``LinearRing``, ``Polygon`` and
  ``MultiGeometry`` (lon,lat[,alt], WGS 84 by the KML standard). A MultiGeometry of one
  kind becomes MultiPoint / MultiLineString / MultiPolygon; of mixed kinds a
  GeometryCollection, which the layer check refuses with its type.

A KMZ is a zip: its ``doc.kml`` (else the first ``.kml``) is read by the same rules.
``--layer NAME`` keeps the placemarks under the folder of that name.
"""
from __future__ import annotations

import zipfile
from dataclasses import dataclass, field

import shapely

_KML_NS_TAGS = ("Document", "Folder")


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _child(el, name: str):
    return next((c for c in el if _local(c.tag) == name), None)


def _text(el) -> str | None:
    if el is None or el.text is None:
        return None
    return el.text.strip()


@dataclass
class Placemarks:
    records: list[dict] = field(default_factory=list)
    geometries: list = field(default_factory=list)
    folders: list[str] = field(default_factory=list)       # every folder path, in document order
    columns: list[str] = field(default_factory=list)


def read_bytes(path, max_bytes: int) -> bytes:
    """The KML text of a .kml, or of the doc.kml inside a .kmz. Raises ValueError with a reason."""
    data = path.read_bytes()
    if data[:2] != b"PK":
        return data
    with zipfile.ZipFile(path) as zf:
        names = [n for n in zf.namelist() if n.lower().endswith(".kml") and not n.startswith("__MACOSX/")]
        if not names:
            raise ValueError("no .kml inside the KMZ")
        name = next((n for n in names if n.lower() == "doc.kml"), None) or sorted(names, key=lambda n: n.count("/"))[0]
        if zf.getinfo(name).file_size > max_bytes:
            raise OverflowError(zf.getinfo(name).file_size)
        return zf.read(name)


def parse(data: bytes) -> Placemarks:
    """Every placemark of a KML document (raises the XML parser's error on damaged input)."""
    from defusedxml.ElementTree import fromstring

    root = fromstring(data)
    out = Placemarks()
    seen: dict[str, None] = {}

    def visit(el, path: tuple[str, ...]) -> None:
        for child in el:
            tag = _local(child.tag)
            if tag == "Folder":
                sub = path + ((_text(_child(child, "name")) or "?"),)
                out.folders.append("/".join(sub))
                visit(child, sub)
            elif tag == "Document":
                visit(child, path)
            elif tag == "Placemark":
                rec = _record(child)
                rec["folder"] = "/".join(path)
                for k in rec:
                    seen.setdefault(k, None)
                out.records.append(rec)
                out.geometries.append(_geometry(child))

    visit(root, ())
    out.columns = list(seen)
    return out


def _record(pm) -> dict:
    rec: dict = {}
    ext: dict = {}
    data = _child(pm, "ExtendedData")
    if data is not None:
        for el in data.iter():
            tag = _local(el.tag)
            if tag == "Data" and el.get("name"):
                ext[el.get("name").strip()] = _text(_child(el, "value"))
            elif tag == "SimpleData" and el.get("name"):
                ext[el.get("name").strip()] = _text(el)
    for key in ("name", "description"):
        value = _text(_child(pm, key))
        if value is not None:
            rec[f"kml_{key}" if key in ext else key] = value
    when = _child(pm, "TimeStamp")
    span = _child(pm, "TimeSpan")
    stamp = _text(_child(when, "when")) if when is not None else (
        _text(_child(span, "begin")) if span is not None else None)
    if stamp:
        rec["timestamp"] = stamp
    rec.update(ext)
    return rec


def _coords(el) -> list[tuple[float, float]]:
    text = _text(_child(el, "coordinates")) or ""
    out = []
    for tup in text.replace("\n", " ").split():
        parts = tup.split(",")
        if len(parts) < 2:
            raise ValueError(f"bad KML coordinates: {tup[:40]}")
        out.append((float(parts[0]), float(parts[1])))
    return out


def _one(el):
    tag = _local(el.tag)
    if tag == "Point":
        c = _coords(el)
        return shapely.Point(c[0]) if c else None
    if tag == "LineString":
        return shapely.LineString(_coords(el))
    if tag == "LinearRing":
        return shapely.Polygon(_coords(el))
    if tag == "Polygon":
        outer = _child(el, "outerBoundaryIs")
        ring = _child(outer, "LinearRing") if outer is not None else None
        if ring is None:
            return None
        holes = [_coords(_child(b, "LinearRing")) for b in el if _local(b.tag) == "innerBoundaryIs"
                 and _child(b, "LinearRing") is not None]
        return shapely.Polygon(_coords(ring), holes)
    if tag == "MultiGeometry":
        parts: list = []                 # shapely geometries of the parts
        for c in el:
            g = _one(c)
            if g is None:
                continue
            parts.extend(g.geoms if g.geom_type.startswith("Multi") or g.geom_type == "GeometryCollection" else [g])
        kinds = {g.geom_type for g in parts}
        if not parts:
            return None
        if len(parts) == 1:
            return parts[0]
        if kinds == {"Point"}:
            return shapely.MultiPoint(parts)
        if kinds == {"LineString"}:
            return shapely.MultiLineString(parts)
        if kinds == {"Polygon"}:
            return shapely.MultiPolygon(parts)
        return shapely.GeometryCollection(parts)
    return None


_GEOM_TAGS = ("Point", "LineString", "LinearRing", "Polygon", "MultiGeometry")


def _geometry(pm):
    for c in pm:
        if _local(c.tag) in _GEOM_TAGS:
            return _one(c)
    return None
