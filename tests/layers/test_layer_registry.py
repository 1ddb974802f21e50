"""The layer registry and the module shape every layer shares."""
import importlib
import inspect

import folium
import geopandas as gpd
import pytest

import layers
from core.i18n import t

EXPECTED = ["belt", "context", "communes", "commune_counts", "stations", "h3counts", "hotspots", "emerging", "coverage",
            "patrolgaps", "heat", "border", "trails", "patrols", "crossings", "villages", "incidents"]


def test_registry_lists_every_layer_in_draw_order():
    assert layers.names() == EXPECTED
    assert set(layers.default_names()) == {"belt", "context", "hotspots", "border", "trails", "crossings", "villages",
                                           "incidents"}
    assert {s.name for s in layers.REGISTRY if s.sliced} == {"h3counts", "hotspots", "heat", "coverage", "patrols",
                                                             "incidents"}
    with pytest.raises(ValueError, match="valid: belt"):
        layers.spec("roads")


@pytest.mark.parametrize("name", EXPECTED + ["basemap"])
def test_module_shape(name):
    mod = importlib.import_module(f"layers.{name}") if name == "basemap" else layers.module(name)
    assert mod.NAME == name
    assert set(mod.TITLE) == {"vi", "en"} and mod.TITLE["vi"] == t(f"layers.{name}", "vi")
    assert mod.TITLE["vi"] != mod.TITLE["en"] or name == "basemap"
    assert "geometry" in mod.SCHEMA
    for fn in ("load", "style", "legend", "render"):
        assert callable(getattr(mod, fn))
    params = inspect.signature(mod.load).parameters
    assert "filters" in params and params["filters"].kind is inspect.Parameter.KEYWORD_ONLY
    assert inspect.signature(mod.render).parameters["lang"].kind is inspect.Parameter.KEYWORD_ONLY


@pytest.mark.parametrize("name", EXPECTED)
def test_empty_input_gives_an_empty_group(name):
    mod = layers.module(name)
    cols = [c for c in mod.SCHEMA if c != "geometry"]
    empty = gpd.GeoDataFrame({c: [] for c in cols}, geometry=gpd.GeoSeries([], crs="EPSG:4326"), crs="EPSG:4326")
    fg = mod.render(empty, lang="vi")
    assert isinstance(fg, folium.FeatureGroup)
    assert isinstance(mod.legend(empty, lang="en"), list)


@pytest.mark.parametrize("name", EXPECTED)
def test_missing_columns_are_named(name):
    mod = layers.module(name)
    col = next(c for c in mod.SCHEMA if c != "geometry")
    bad = gpd.GeoDataFrame({"x": []}, geometry=gpd.GeoSeries([], crs="EPSG:4326"), crs="EPSG:4326")
    with pytest.raises(ValueError, match=col):
        mod.render(bad, lang="vi")


@pytest.mark.parametrize("spec", layers.REGISTRY, ids=lambda s: s.name)
def test_load_accepts_the_registry_options(spec, layers_con):
    from data.filters import Filter
    mod = layers.module(spec.name)
    kw = {"res": 7} if spec.takes_res else {}
    gdf = mod.load(layers_con, filters=Filter(), **kw)
    assert isinstance(gdf, gpd.GeoDataFrame) and set(mod.SCHEMA) <= set(gdf.columns)
    assert gdf.crs.to_epsg() == 4326
