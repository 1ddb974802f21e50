"""The examples in geo/ docstrings are run as tests."""

import doctest
import importlib

import pytest

MODULES = ["geo.h3grid", "geo.hotspots", "geo.trend", "geo.emerging", "geo.density", "geo.corridor",
           "geo.exposure", "geo.crs", "geo.border", "core.vocab"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0


def test_geo_package_is_light():
    import subprocess
    import sys
    from pathlib import Path
    heavy = "('geopandas', 'h3', 'esda', 'streamlit', 'folium')"
    code = f"import sys, geo; print(sorted(m for m in {heavy} if m in sys.modules))"
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root).stdout
    assert out.strip() == "[]"
