import h3
import h3.api.basic_int as h3i
import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import Point, box

from geo.h3grid import (
    cell_polygons,
    cell_resolutions,
    cells_covering,
    cells_to_str,
    parent_cells,
    points_to_cells,
    ring1_neighbours,
)

lat_st = st.floats(-89.9, 89.9, allow_nan=False)
lon_st = st.floats(-179.9, 179.9, allow_nan=False)


@settings(max_examples=200, deadline=None)
@given(lat=lat_st, lon=lon_st, fine=st.integers(0, 15), data=st.data())
def test_parent_cells_equals_h3_cell_to_parent(lat, lon, fine, data):
    coarse = data.draw(st.integers(0, fine))
    cell = h3i.latlng_to_cell(lat, lon, fine)
    got = parent_cells(np.array([cell], dtype=np.uint64), res=coarse)
    assert int(got[0]) == h3i.cell_to_parent(cell, coarse)


def test_parent_cells_vectorised_many_points():
    rng = np.random.default_rng(1)
    lat, lon = rng.uniform(16.1, 17.3, 5000), rng.uniform(106.2, 107.2, 5000)
    cells = points_to_cells(lat, lon, res=9)
    for res in (5, 7, 8):
        ref = [h3i.cell_to_parent(int(c), res) for c in cells]
        assert parent_cells(cells, res=res).tolist() == ref
    assert parent_cells(cells.view(np.int64), res=7).tolist() == parent_cells(cells, res=7).tolist()


def test_points_to_cells_matches_scalar_h3():
    lat, lon = np.array([16.614, 17.2, 16.15]), np.array([106.601, 106.29, 107.14])
    got = points_to_cells(lat, lon, res=9)
    assert got.dtype == np.uint64
    assert got.tolist() == [h3.str_to_int(h3.latlng_to_cell(a, b, 9)) for a, b in zip(lat, lon, strict=True)]
    assert set(cell_resolutions(got).tolist()) == {9}


def test_points_to_cells_rejects_bad_input():
    with pytest.raises(ValueError, match="missing or out-of-range"):
        points_to_cells([16.0, np.nan], [106.0, 106.0], res=9)
    with pytest.raises(ValueError, match="equal length"):
        points_to_cells([16.0], [106.0, 107.0], res=9)
    with pytest.raises(TypeError, match="res must be an int"):
        points_to_cells([16.0], [106.0], res=9.0)


def test_parent_cells_rejects_finer_target_and_non_cells():
    cells = points_to_cells([16.6], [106.6], res=7)
    with pytest.raises(ValueError, match="coarser"):
        parent_cells(cells, res=9)
    with pytest.raises(ValueError, match="not an H3 cell"):
        parent_cells(np.array([12345], dtype=np.uint64), res=5)
    with pytest.raises(TypeError, match="integer H3"):
        parent_cells(np.array([1.5]), res=5)


def test_cells_covering_covers_polygon_and_includes_centre_cells(study_box):
    cells = cells_covering(study_box, res=7)
    assert np.all(np.diff(cells.astype(np.int64)) > 0)  # sorted, unique
    centre = {h3.str_to_int(c) for c in h3.geo_to_cells(study_box, 7)}
    assert centre <= set(cells.tolist())
    hexes = cell_polygons(cells)
    # every point of the polygon is in some returned hexagon
    rng = np.random.default_rng(0)
    x = rng.uniform(*study_box.bounds[0::2], 2000)
    y = rng.uniform(*study_box.bounds[1::2], 2000)
    lat_cells = points_to_cells(y, x, res=7)
    assert set(lat_cells.tolist()) <= set(cells.tolist())
    # and every returned hexagon touches the polygon
    assert hexes.geometry.intersects(study_box).all()
    # the rim: cells that touch but whose centre lies outside are included
    assert len(cells) > len(centre)


def test_cells_covering_checks_input():
    with pytest.raises(TypeError, match="Polygon"):
        cells_covering(Point(106, 16), res=7)
    with pytest.raises(ValueError, match="EPSG:4326"):
        cells_covering(box(500000, 1800000, 510000, 1810000), res=7)
    assert cells_covering(box(0, 0, 0, 0).buffer(0), res=7).size == 0


def test_cell_polygons_geometry_matches_h3_boundary():
    cells = points_to_cells([16.614, 16.7], [106.601, 106.7], res=8)
    gdf = cell_polygons(cells)
    assert gdf.crs.to_epsg() == 4326
    assert gdf["h3"].tolist() == [h3.int_to_str(int(c)) for c in cells]
    for c, geom in zip(cells.tolist(), gdf.geometry, strict=True):
        ring = [(lng, lat) for lat, lng in h3i.cell_to_boundary(c)]
        assert shapely.equals(geom, shapely.Polygon(ring))
        lat, lng = h3i.cell_to_latlng(c)
        assert geom.contains(Point(lng, lat))
    assert list(cell_polygons([]).columns) == ["h3", "geometry"]


def test_ring1_neighbours_matches_grid_disk(study_cells):
    a = ring1_neighbours(study_cells)
    assert (a != a.T).nnz == 0 and a.diagonal().sum() == 0
    members = set(study_cells.tolist())
    for i in [0, 5, len(study_cells) // 2, len(study_cells) - 1]:
        expect = {c for c in h3i.grid_disk(int(study_cells[i]), 1) if c in members} - {int(study_cells[i])}
        assert {int(study_cells[j]) for j in a[i].indices} == expect
    inner = a.sum(axis=1).A.ravel()
    assert inner.max() == 6 and inner.min() >= 1


def test_ring1_neighbours_follows_input_order_and_rejects_duplicates(study_cells):
    perm = np.random.default_rng(3).permutation(len(study_cells))
    a = ring1_neighbours(study_cells).toarray()
    b = ring1_neighbours(study_cells[perm]).toarray()
    assert np.array_equal(b, a[np.ix_(perm, perm)])
    with pytest.raises(ValueError, match="unique"):
        ring1_neighbours(np.r_[study_cells[:3], study_cells[:1]])


def test_cells_to_str_roundtrip(study_cells):
    assert [h3.str_to_int(s) for s in cells_to_str(study_cells)] == study_cells.tolist()
