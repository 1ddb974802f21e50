"""Colours and symbols shared by the web map, the legend, the static maps and the PDF.

Colour-blind safe (Okabe–Ito for categories, a red–blue diverging scheme for Gi* bins),
dark enough to survive a washed-out projector, and always doubled by a shape or label.
"""
from __future__ import annotations

from typing import Final, TypedDict


class LineStyle(TypedDict):
    """A line: colour, width in pixels and Leaflet dash pattern (None: solid)."""

    color: str
    weight: float
    dash: str | None


class AreaStyle(TypedDict):
    """A filled area: outline colour and width, fill colour and its opacity (0-1)."""

    color: str
    fill: str
    fill_opacity: float
    weight: float


class MarkerStyle(TypedDict):
    """A point symbol: colour, matplotlib-style shape name and the character the legend shows."""

    color: str
    shape: str
    symbol: str


class SizedMarkerStyle(MarkerStyle):
    """A point symbol with its size in pixels."""

    size: int


class StationStyle(TypedDict):
    """A border-guard station: symbol colours and the colour of its area of responsibility."""

    color: str
    fill: str
    symbol: str
    area_color: str

# Okabe–Ito
BLACK, ORANGE, SKY, GREEN, YELLOW, BLUE, VERMILION, PURPLE = (
    "#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7")
GREY = "#7F7F7F"

BORDER: Final[LineStyle] = {"color": "#B2182B", "weight": 4, "dash": None}
BELT: Final[AreaStyle] = {"color": "#4D4D4D", "fill": "#FFF7BC", "fill_opacity": 0.25, "weight": 1.5}

# village status: colour + marker shape (shape doubles the colour for colour-blind viewers and greyscale)
VILLAGE_STATUS: Final[dict[str, MarkerStyle]] = {
    "recognised": {"color": GREEN, "shape": "circle", "symbol": "●"},
    "under_review": {"color": ORANGE, "shape": "triangle", "symbol": "▲"},
    "revoked": {"color": VERMILION, "shape": "cross", "symbol": "✖"},
    "not_recognised": {"color": GREY, "shape": "square", "symbol": "■"},
}

CROSSING_KIND: Final[dict[str, SizedMarkerStyle]] = {
    "international_gate": {"color": BLUE, "shape": "star", "symbol": "★", "size": 22},
    "main_gate": {"color": BLUE, "shape": "diamond", "symbol": "◆", "size": 18},
    "secondary_gate": {"color": SKY, "shape": "diamond", "symbol": "◆", "size": 16},
    "opening": {"color": PURPLE, "shape": "triangle-down", "symbol": "▼", "size": 14},
    "trail_crossing": {"color": PURPLE, "shape": "circle-open", "symbol": "○", "size": 14},
}

TRAIL_KIND: Final[dict[str, LineStyle]] = {
    "trail": {"color": "#6A3D9A", "dash": "8 6", "weight": 3},
    "opening_path": {"color": PURPLE, "dash": "2 6", "weight": 3},
    "road": {"color": "#333333", "dash": None, "weight": 4},
}

STATION: Final[StationStyle] = {"color": BLACK, "fill": "#FFFFFF", "symbol": "⛨", "area_color": "#1B7837"}

# Gi* bins: -3..+3 (ArcGIS order), red = hot, blue = cold
GI_BINS: Final[dict[int, str]] = {
    3: "#B2182B", 2: "#EF8A62", 1: "#FDDBC7", 0: "#F7F7F7", -1: "#D1E5F0", -2: "#67A9CF", -3: "#2166AC",
}

# Emerging hot spot categories. The pairs users must tell apart differ in hue AND lightness, and stay
# apart under deuteranopia, protanopia and tritanopia: new (yellow) vs sporadic (reddish purple),
# intensifying (darkest wine) vs persistent (vermilion); cold mirrors it with blues and purples.
EMERGING: Final[dict[str, str]] = {
    "new_hot": YELLOW, "consecutive_hot": "#FDB863", "intensifying_hot": "#67001F",
    "persistent_hot": VERMILION, "diminishing_hot": "#FDDBC7", "sporadic_hot": PURPLE,
    "oscillating_hot": "#B35806", "historical_hot": "#8C6D31",
    "new_cold": SKY, "consecutive_cold": "#9ECAE1", "intensifying_cold": "#053061",
    "persistent_cold": BLUE, "diminishing_cold": "#DEEBF7", "sporadic_cold": "#762A83",
    "oscillating_cold": "#4292C6", "historical_cold": "#636363", "no_pattern": "#FFFFFF",
}

# Incident clusters: neutral greys (the count is the message; green means "drug-free village" here).
CLUSTER: Final[dict[str, tuple[str, str]]] = {
    "small": ("#D9D9D9", "#BDBDBD"), "medium": ("#BDBDBD", "#969696"), "large": ("#969696", "#737373")}

DRUG: Final[dict[str, str]] = {"heroin": "#0072B2", "methamphetamine": "#D55E00", "synthetic_tablets": "#CC79A7",
        "cannabis": "#009E73", "opium": "#E69F00", "other": "#7F7F7F"}

HEAT_GRADIENT: Final[dict[float, str]] = {
    0.2: "#FFFFB2", 0.4: "#FECC5C", 0.6: "#FD8D3C", 0.8: "#F03B20", 1.0: "#BD0026"}

# Patrol tracks: one colour per station (Okabe-Ito + two Tol muted), in station-id order; cycles beyond eight.
PATROL_STATIONS: Final[tuple[str, ...]] = (
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#332288", "#882255")
# Coverage hexagons by patrol days (light = few, dark = many: sequential blues) and the gap outline.
COVERAGE_DAYS: Final[tuple[str, ...]] = ("#DEEBF7", "#9ECAE1", "#6BAED6", "#3182BD", "#08519C")
GAP_OUTLINE: Final[LineStyle] = {"color": "#D7191C", "weight": 3, "dash": "6 4"}
