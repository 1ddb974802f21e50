"""Fixtures for the importer and exporter tests: files written by real writers in tmp_path.

GDAL (pyogrio/geopandas) writes GeoJSON, GeoPackage, Shapefile and KML; openpyxl writes
XLSX; CSV is plain text, also in cp1258/cp1252 bytes. ``incident_rows`` are valid
incidents placed on stored villages, so they lie inside the demo belt.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata
import warnings
import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from data.schema import LAYERS
from data.store import read_layer

INCIDENT_HEADER = ["id", "occurred_at", "lat", "lon", "article", "drug", "quantity_g", "tablets", "persons",
                   "station_id", "description"]


# The date texts of incident_rows and what they mean (written out, not parsed by the code under test).
TIMES = {
    "03/04/2024 14:30": dt.datetime(2024, 4, 3, 14, 30), "2024-04-05": dt.datetime(2024, 4, 5),
    "2024-04-06 08:15:30": dt.datetime(2024, 4, 6, 8, 15, 30), "07/04/2024": dt.datetime(2024, 4, 7),
    "2024-04-08T23:59": dt.datetime(2024, 4, 8, 23, 59),
}


def to_cp1258(text: str) -> bytes:
    """Encode Vietnamese text in Windows-1258, which keeps some tone marks as combining characters.

    Each character is tried precomposed, then as base + one mark composed + the other
    marks combining, then fully decomposed — the way Vietnamese Windows software writes it.
    """
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        base, *marks = unicodedata.normalize("NFD", ch)
        partly = [unicodedata.normalize("NFC", base + m) + "".join(marks[:k] + marks[k + 1:])
                  for k, m in enumerate(marks)]
        for candidate in (ch, *partly, base + "".join(marks)):
            try:
                out += candidate.encode("cp1258")
                break
            except UnicodeEncodeError:
                continue
        else:
            raise ValueError(f"{ch!r} has no cp1258 form")
    return bytes(out)


class Files:
    """Writers for test input files in one folder."""

    cp1258 = staticmethod(to_cp1258)

    def __init__(self, folder: Path):
        self.dir = folder

    def csv(self, name: str, header: list[str], rows: list[list], *, encoding: str = "utf-8",
            delimiter: str = ",") -> Path:
        buf = io.StringIO(newline="")
        w = csv.writer(buf, delimiter=delimiter)
        w.writerow(header)
        for r in rows:
            w.writerow(["" if v is None else v for v in r])
        path = self.dir / name
        text = buf.getvalue()
        path.write_bytes(to_cp1258(text) if encoding == "cp1258" else text.encode(encoding))
        return path

    def raw(self, name: str, data: bytes | str) -> Path:
        path = self.dir / name
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        return path

    def xlsx(self, name: str, header: list[str], rows: list[list], *, sheet: str = "Sheet1",
             text_cells: bool = False) -> Path:
        """``text_cells``: store every string as text (a leading ``=`` stays a string, not a formula)."""
        from openpyxl import Workbook

        wb = Workbook()
        ws = wb.active
        ws.title = sheet
        ws.append(header)
        for r in rows:
            ws.append(r)
            if text_cells:
                for cell in ws[ws.max_row]:
                    if isinstance(cell.value, str):
                        cell.data_type = "s"
        path = self.dir / name
        wb.save(path)
        return path

    def gis(self, name: str, gdf: gpd.GeoDataFrame, **kw) -> Path:
        path = self.dir / name
        gdf.to_file(path, **kw)
        return path

    def shp(self, name: str, gdf: gpd.GeoDataFrame, *, prj: bool = True, cpg: bool = True,
            zipped: bool = False, folder_in_zip: str = "data/") -> Path:
        """A shapefile (``name`` without extension); optionally without .prj/.cpg, or zipped."""
        sub = self.dir / f"{name}_shp"
        sub.mkdir(exist_ok=True)
        shp = sub / f"{name}.shp"
        with warnings.catch_warnings():  # field names cut to 10 characters, datetime as text: expected
            warnings.simplefilter("ignore")
            gdf.to_file(shp, driver="ESRI Shapefile")
        for ext, keep in ((".prj", prj), (".cpg", cpg)):
            if not keep:
                shp.with_suffix(ext).unlink(missing_ok=True)
        if not zipped:
            return shp
        path = self.dir / f"{name}.zip"
        with zipfile.ZipFile(path, "w") as zf:
            for part in sorted(sub.iterdir()):
                zf.write(part, folder_in_zip + part.name)
        return path


@pytest.fixture()
def files(tmp_path) -> Files:
    folder = tmp_path / "in"
    folder.mkdir()
    return Files(folder)


@pytest.fixture()
def village_points(demo_con) -> list[tuple[float, float]]:
    """(lat, lon) of stored villages: points inside the demo belt."""
    v = read_layer(demo_con, "villages").sort_values("id")
    return [(float(p.y), float(p.x)) for p in v.geometry]


@pytest.fixture()
def incident_rows(village_points) -> list[list]:
    """Five valid incident rows in INCIDENT_HEADER order (ids IMP-1..IMP-5)."""
    drugs = ["ma túy đá", "MA TUY DA", "hồng phiến", "heroin", "Thuốc phiện"]
    dates = list(TIMES)
    rows = []
    for k in range(5):
        lat, lon = village_points[k]
        rows.append([f"IMP-{k + 1}", dates[k], lat, lon, ["250", "Điều 251", "249", "250", "251"][k], drugs[k],
                     [12.5, 1.25, None, 350, 40][k], [None, None, 1200, None, None][k], k + 1, "DBP-LAOBAO",
                     f"Vụ việc thử {k + 1} tại thôn"])
    return rows


def incidents_gdf(rows: list[list]) -> gpd.GeoDataFrame:
    """The rows above as a WGS 84 GeoDataFrame with typed columns."""
    df = pd.DataFrame(rows, columns=INCIDENT_HEADER)
    geom = shapely.points(df["lon"].astype(float), df["lat"].astype(float))
    df = df.drop(columns=["lat", "lon"])
    df["occurred_at"] = [TIMES[v] for v in df["occurred_at"]]
    return gpd.GeoDataFrame(df, geometry=geom, crs="EPSG:4326")


@pytest.fixture()
def make_gdf():
    return incidents_gdf


@pytest.fixture()
def snapshot():
    """A function: every layer table plus import_log and import_rejects, as sorted text rows."""
    def take(con) -> dict[str, list[tuple]]:
        out = {}
        for table in list(LAYERS) + ["import_log", "import_rejects"]:
            spec = LAYERS.get(table)
            geoms = (["geom"] + list(spec.extra_geoms)) if spec is not None and spec.geom_types else []
            repl = f" REPLACE ({', '.join(f'ST_AsText({g}) AS {g}' for g in geoms)})" if geoms else ""
            rows = con.execute(f"SELECT *{repl} FROM {table}").fetchall()
            out[table] = sorted(tuple(str(v) for v in r) for r in rows)
        return out
    return take
