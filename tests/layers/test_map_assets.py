"""layers.assets: real files from the pinned pip packages, copied into static/, URLs, inlining."""
import os

import pytest

from layers import assets


def test_sources_are_the_pip_packages():
    assert "xstatic" in str(assets.source_path("leaflet_js")) and "leaflet" in str(assets.source_path("leaflet_js"))
    assert "leaflet_markercluster" in str(assets.source_path("markercluster_js"))
    assert str(assets.source_path("heat_js")).endswith("folium/templates/leaflet_heat.min.js")
    assert "Leaflet 1.9.3" in assets.source_path("leaflet_js").read_text(encoding="utf-8")[:400]
    with pytest.raises(ValueError, match="valid"):
        assets.source_path("jquery")


def test_ensure_static_copies_real_files(tmp_path):
    target = assets.ensure_static(tmp_path)
    assert target == tmp_path / "static" / "map"
    for key, (_, _, rel) in assets.ASSETS.items():
        copied = target / rel
        assert copied.read_bytes() == assets.source_path(key).read_bytes(), key
        assert copied.stat().st_size > 500 and copied.stat().st_mode & 0o044 == 0o044   # readable by all
    assert "L.MarkerClusterGroup" in (target / "markercluster" / "leaflet.markercluster.js").read_text()
    assert "heatLayer" in (target / "heat" / "leaflet-heat.js").read_text()
    for name in assets.IMAGES:
        assert (target / "leaflet" / "images" / name).read_bytes()[:4] == b"\x89PNG"


def test_ensure_static_is_idempotent_and_repairs(tmp_path):
    target = assets.ensure_static(tmp_path)
    js = target / "leaflet" / "leaflet.js"
    os.utime(js, (1, 1))
    assets.ensure_static(tmp_path)
    assert js.stat().st_mtime == 1                          # unchanged file left alone
    js.write_text("broken")
    assets.ensure_static(tmp_path)
    assert js.read_bytes() == assets.source_path("leaflet_js").read_bytes()
    assert not [p for p in target.rglob(".*")]              # no temporary files left behind


def test_asset_urls_under_a_base():
    urls = assets.asset_urls("/app/static/")
    assert urls["leaflet_js"] == "/app/static/map/leaflet/leaflet.js"
    assert urls["images"] == "/app/static/map/leaflet/images/"
    assert all(u.startswith("/app/static/map/") for u in urls.values())


def test_inlined_css_has_no_relative_images():
    css = assets.inline_text("leaflet_css")
    assert "url(images/" not in css and css.count("data:image/png;base64,") >= 3
    assert "sourceMappingURL" not in assets.inline_text("leaflet_js")
