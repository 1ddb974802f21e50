"""The briefing's printed maps draw the unit's default basemap (``borderwatch basemap default N``)."""
from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image
from rasters import COLORS, gdal_missing, make_mbtiles

from cli import main as cli_main
from data.store import connect
from report.slides import build_briefing
from report.staticmap import render_map

pytestmark = pytest.mark.skipif(gdal_missing(), reason="GDAL tools (gdal-bin) not installed")


def _has(png: bytes, colour, tol: int = 4) -> int:
    arr = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    return int((np.abs(arr - np.array(colour)).max(axis=2) <= tol).sum())


def test_printed_map_shows_the_default_basemap(demo_db, tmp_path, period):
    mb = make_mbtiles(tmp_path / "unit.mbtiles")
    assert cli_main(["basemap", "add", str(mb), "--db", str(demo_db)]) == 0
    con = connect(demo_db)
    try:
        plain = render_map(build_briefing(con, period, compare_to=False), "overview")
    finally:
        con.close()
    assert cli_main(["basemap", "default", "unit", "--db", str(demo_db)]) == 0
    con = connect(demo_db)
    try:
        with_base = render_map(build_briefing(con, period, compare_to=False), "overview")
    finally:
        con.close()
    assert _has(plain, COLORS["unit"]) == 0
    assert _has(with_base, COLORS["unit"]) > 500
