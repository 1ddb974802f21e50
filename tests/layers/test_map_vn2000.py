"""Mouse position: the VN-2000 / TM-3 106°15′ maths (layers.controls.VN2000_JS) against pyproj.

Three checks of the same formulas: the JS itself run by node (skipped without node; the browser
test runs it again in Chromium), and a line-by-line Python port of it. pyproj's
EPSG:4326 -> EPSG:9212 uses EPSG:6960 reversed + TM, the operation the JS transcribes.
"""
import json
import math
import shutil
import subprocess

import pytest
from pyproj import Transformer

from layers.controls import VN2000_JS

POINTS = [  # (lat, lon) in WGS84
    (16.61406, 106.60065),   # Lao Bảo
    (16.62825, 106.73884),   # Khe Sanh
    (16.68906, 106.88740),   # Krông Klang
    (16.81625, 107.10031),   # Đông Hà
    (16.68083, 106.23896),   # Xépôn (Laos)
    (17.69000, 105.78000),   # Cha Lo
    (15.20000, 108.80000),   # 2.5° east of the central meridian
]


def reference():
    tr = Transformer.from_crs("EPSG:4326", "EPSG:9212", always_xy=True)
    return [tr.transform(lon, lat) for lat, lon in POINTS]


def vn2000_py(lat, lon):
    """Python port of VN2000_JS (same steps, same constants)."""
    a, f = 6378137.0, 1 / 298.257223563
    e2, d, sec = f * (2 - f), math.pi / 180, math.pi / 648000
    T = (-191.90441429, -39.30318279, -111.45032835)
    rx, ry, rz, ds = -0.00928836 * sec, 0.01975479 * sec, -0.00427372 * sec, 0.252906278e-6
    p, lam = lat * d, lon * d
    N = a / math.sqrt(1 - e2 * math.sin(p) ** 2)
    X, Y, Z = N * math.cos(p) * math.cos(lam), N * math.cos(p) * math.sin(lam), N * (1 - e2) * math.sin(p)
    x, y, z = (X - T[0]) / (1 + ds), (Y - T[1]) / (1 + ds), (Z - T[2]) / (1 + ds)
    Xv, Yv, Zv = x - rz * y + ry * z, rz * x + y - rx * z, -ry * x + rx * y + z
    q, lv = math.hypot(Xv, Yv), math.atan2(Yv, Xv)
    pv = math.atan2(Zv, q * (1 - e2))
    for _ in range(6):
        Nv = a / math.sqrt(1 - e2 * math.sin(pv) ** 2)
        h = q / math.cos(pv) - Nv
        pv = math.atan2(Zv, q * (1 - e2 * Nv / (Nv + h)))
    n = f / (2 - f)
    A = a / (1 + n) * (1 + n ** 2 / 4 + n ** 4 / 64)
    al = [n / 2 - 2 * n ** 2 / 3 + 5 * n ** 3 / 16 + 41 * n ** 4 / 180, 13 * n ** 2 / 48 - 3 * n ** 3 / 5
          + 557 * n ** 4 / 1440, 61 * n ** 3 / 240 - 103 * n ** 4 / 140, 49561 * n ** 4 / 161280]
    e = math.sqrt(e2)
    dl, sv = lv - 106.25 * d, math.sin(pv)
    tt = math.sinh(math.atanh(sv) - e * math.atanh(e * sv))
    xi0, eta0 = math.atan2(tt, math.cos(dl)), math.atanh(math.sin(dl) / math.sqrt(1 + tt * tt))
    xi = xi0 + sum(al[j - 1] * math.sin(2 * j * xi0) * math.cosh(2 * j * eta0) for j in range(1, 5))
    eta = eta0 + sum(al[j - 1] * math.cos(2 * j * xi0) * math.sinh(2 * j * eta0) for j in range(1, 5))
    return 500000 + 0.9999 * A * eta, 0.9999 * A * xi


def test_python_port_matches_pyproj_below_a_metre():
    for (lat, lon), (e_ref, n_ref) in zip(POINTS, reference(), strict=True):
        e, n = vn2000_py(lat, lon)
        assert math.hypot(e - e_ref, n - n_ref) < 1.0, (lat, lon, e - e_ref, n - n_ref)


def test_datum_shift_is_not_ignored():
    # Without the Helmert step the result would be ~ 200 m off: the test above would catch a dropped shift.
    tm_only = Transformer.from_crs("EPSG:4326", "+proj=tmerc +lon_0=106.25 +k=0.9999 +x_0=500000 +ellps=WGS84",
                                   always_xy=True)
    e0, n0 = tm_only.transform(106.60065, 16.61406)
    e, n = vn2000_py(16.61406, 106.60065)
    assert math.hypot(e - e0, n - n0) > 100


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_the_javascript_itself_matches_pyproj_below_a_metre():
    script = "var window = {};\n" + VN2000_JS + (
        f"\nconsole.log(JSON.stringify({json.dumps(POINTS)}.map(function(p){{"
        "return window.borderwatchVN2000(p[0], p[1]);})));")
    out = subprocess.run(["node", "-e", script], capture_output=True, text=True, timeout=30, check=True).stdout
    for (e, n), (e_ref, n_ref) in zip(json.loads(out), reference(), strict=True):
        assert math.hypot(e - e_ref, n - n_ref) < 1.0, (e - e_ref, n - n_ref)
