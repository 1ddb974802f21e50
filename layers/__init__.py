"""Map layers: one module per layer, all with the same shape, listed in :data:`REGISTRY`.

Every layer module has ``NAME``, ``TITLE`` (vi/en), ``SCHEMA`` (columns ``render`` needs),
``load(con, *, filters, ...) -> GeoDataFrame``, ``style(...)``, ``legend(gdf, *, lang)`` and
``render(gdf, *, lang) -> folium.FeatureGroup``. Adding a layer is one module, one line
below and one test file. Modules are imported on first use, so ``import layers`` is cheap.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType


@dataclass(frozen=True)
class LayerSpec:
    """A registry row.

    ``default_on``: shown when the map opens; ``sliced``: follows the map's month slider;
    ``takes_res``: its ``load`` accepts the H3 resolution ``res``; ``filtered``: its content depends
    on the incident filter (the dashboard swaps these layers in place; the others are drawn once).
    """

    name: str
    module: str
    default_on: bool
    sliced: bool = False
    takes_res: bool = False
    filtered: bool = False


# Draw order, bottom to top (panes keep areas under hexagons and lines above them as well).
REGISTRY: tuple[LayerSpec, ...] = (
    LayerSpec("belt", "layers.belt", True),
    LayerSpec("context", "layers.context", True),
    LayerSpec("communes", "layers.communes", False, filtered=True),
    LayerSpec("commune_counts", "layers.commune_counts", False, filtered=True),
    LayerSpec("stations", "layers.stations", False),
    LayerSpec("h3counts", "layers.h3counts", False, sliced=True, takes_res=True, filtered=True),
    LayerSpec("hotspots", "layers.hotspots", True, sliced=True, takes_res=True, filtered=True),
    LayerSpec("emerging", "layers.emerging", False, takes_res=True, filtered=True),
    LayerSpec("coverage", "layers.coverage", False, sliced=True, takes_res=True, filtered=True),
    LayerSpec("patrolgaps", "layers.patrolgaps", False, takes_res=True, filtered=True),
    LayerSpec("heat", "layers.heat", False, sliced=True, filtered=True),
    LayerSpec("border", "layers.border", True),
    LayerSpec("trails", "layers.trails", True),
    LayerSpec("patrols", "layers.patrols", False, sliced=True, filtered=True),
    LayerSpec("crossings", "layers.crossings", True),
    LayerSpec("villages", "layers.villages", True),
    LayerSpec("incidents", "layers.incidents", True, sliced=True, filtered=True),
)

_BY_NAME = {s.name: s for s in REGISTRY}


def names() -> list[str]:
    """Every layer name in draw order."""
    return [s.name for s in REGISTRY]


def default_names() -> tuple[str, ...]:
    """Layers shown when the map opens."""
    return tuple(s.name for s in REGISTRY if s.default_on)


def spec(name: str) -> LayerSpec:
    try:
        return _BY_NAME[name]
    except KeyError:
        raise ValueError(f"unknown layer {name!r}; valid: {', '.join(names())}") from None


def module(name: str) -> ModuleType:
    """The layer module for ``name`` (imported on first use)."""
    return importlib.import_module(spec(name).module)
