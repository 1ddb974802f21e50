"""Raster test files made the way a unit makes them: with GDAL's own command-line tools.

``make_mbtiles``: a web-mercator GeoTIFF turned into MBTiles by ``gdal_translate -of MBTiles`` and
given overviews by ``gdaladdo`` (as QGIS users and the GDAL docs do). ``make_geotiff_vn2000``: a
GeoTIFF in VN-2000 / TM-3 106-15 (EPSG:9212) made by ``gdal_create``. Both one flat colour
(:data:`COLORS`) so a test can check the tiles' pixels, around Lao Bảo.
"""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

COLORS = {"unit": (40, 160, 220), "vn2000": (230, 120, 40)}
#: Lao Bảo area: web-mercator and VN-2000 TM-3 106°15' corners (upper left, lower right).
MERC_ULLR = (11849959, 1891742, 11877789, 1862698)
VN2000_ULLR = (520700, 1853000, 547400, 1825400)


def gdal_missing() -> bool:
    return not all(shutil.which(x) for x in ("gdal_create", "gdal_translate", "gdaladdo", "gdalwarp", "gdalinfo"))


def _run(*cmd) -> None:
    subprocess.run([str(c) for c in cmd], check=True, capture_output=True)


def _create(path: Path, srs: str, ullr, colour, size: int = 512) -> Path:
    burn = [a for c in colour for a in ("-burn", c)]
    _run("gdal_create", "-of", "GTiff", "-outsize", size, size, "-bands", 3, "-ot", "Byte", *burn,
         "-a_srs", srs, "-a_ullr", *ullr, path)
    return path


def make_mbtiles(path: Path, colour=COLORS["unit"]) -> Path:
    tif = _create(path.with_suffix(".src.tif"), "EPSG:3857", MERC_ULLR, colour)
    _run("gdal_translate", "-q", "-of", "MBTiles", tif, path)
    _run("gdaladdo", "-q", "-r", "average", path)
    return path


def make_geotiff_vn2000(path: Path, colour=COLORS["vn2000"]) -> Path:
    return _create(path, "EPSG:9212", VN2000_ULLR, colour, size=400)
