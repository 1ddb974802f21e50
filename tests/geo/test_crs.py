import numpy as np
import pyproj
import pytest
from pyproj import Geod, Transformer

from geo.crs import resolve_crs, to_wgs84, wgs84_transformer

# DOMAIN.md: EPSG:6960 written as a PROJ +towgs84 (position-vector convention, rotation signs flipped)
TOWGS84 = "-191.90441429,-39.30318279,-111.45032835,0.00928836,-0.01975479,0.00427372,0.252906278"
TM3_10615 = "+proj=tmerc +lat_0=0 +lon_0=106.25 +k=0.9999 +x_0=500000 +y_0=0 +ellps=WGS84 +units=m +no_defs"
LAO_BAO = (106.60065, 16.61406)  # GeoNames, WGS 84
GEOD = Geod(ellps="WGS84")


@pytest.mark.parametrize("text,code", [("vn2000-quangtri", 9212), ("VN2000-QuangBinh", 9211), ("vn2000", 4756),
                                       ("9212", 9212), (9212, 9212), ("EPSG:9212", 9212), ("epsg:4326", 4326)])
def test_resolve_crs_aliases_and_codes(text, code):
    assert resolve_crs(text).to_epsg() == code


def test_resolve_crs_proj_string_and_errors():
    crs = resolve_crs(TM3_10615)
    assert crs.is_projected and crs.coordinate_operation.params[1].value == pytest.approx(106.25)
    with pytest.raises(ValueError, match="unknown CRS"):
        resolve_crs("vn2000-hanoi")
    with pytest.raises(TypeError):
        resolve_crs(3.5)


def test_best_transformation_is_epsg_6960_helmert():
    t = wgs84_transformer("vn2000-quangtri")
    assert "VN-2000 to WGS 84 (2)" in t.description
    assert "proj=helmert" in t.definition and "convention=coordinate_frame" in t.definition
    assert "VN-2000 to WGS 84 (2)" in wgs84_transformer("vn2000").description


def test_to_wgs84_matches_explicit_towgs84_pipeline_within_1m():
    reference = Transformer.from_crs(f"{TM3_10615} +towgs84={TOWGS84}", "EPSG:4326", always_xy=True)
    forward = Transformer.from_crs("EPSG:4326", f"{TM3_10615} +towgs84={TOWGS84}", always_xy=True)
    rng = np.random.default_rng(0)
    lon0, lat0 = rng.uniform(106.2, 107.2, 20), rng.uniform(16.1, 17.3, 20)
    x, y = forward.transform(lon0, lat0)  # VN-2000 / TM-3 106-15 coordinates of WGS 84 points
    lon, lat = to_wgs84(x, y, crs="9212")
    rlon, rlat = reference.transform(x, y)
    assert GEOD.inv(lon, lat, rlon, rlat)[2].max() < 1.0
    assert GEOD.inv(lon, lat, lon0, lat0)[2].max() < 1.0


def test_vn2000_latlon_is_about_225_m_off_wgs84_at_lao_bao():
    # the same physical point as VN-2000 geographic coordinates (reference pipeline, no EPSG lookup)
    to_vn = Transformer.from_crs("EPSG:4326", f"+proj=longlat +ellps=WGS84 +towgs84={TOWGS84}", always_xy=True)
    vlon, vlat = to_vn.transform(*LAO_BAO)
    shift = GEOD.inv(vlon, vlat, *LAO_BAO)[2]
    assert 200 < shift < 250
    lon, lat = to_wgs84([vlon], [vlat], crs="vn2000")
    assert GEOD.inv(lon[0], lat[0], *LAO_BAO)[2] < 1.0


def test_to_wgs84_shape_check():
    with pytest.raises(ValueError, match="same shape"):
        to_wgs84([1.0, 2.0], [1.0], crs=9212)
    assert isinstance(resolve_crs(pyproj.CRS(4326)), pyproj.CRS)
