"""Colours and symbols shared by the web map, the legend, the static maps and the PDF.

Colour-blind safe (Okabe–Ito for categories, a red–blue diverging scheme for Gi* bins),
dark enough to survive a washed-out projector, and always doubled by a shape or label.
"""
from __future__ import annotations

# Okabe–Ito
BLACK, ORANGE, SKY, GREEN, YELLOW, BLUE, VERMILION, PURPLE = (
    "#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7")
GREY = "#7F7F7F"

BORDER = {"color": "#B2182B", "weight": 4, "dash": None}
BELT = {"color": "#4D4D4D", "fill": "#FFF7BC", "fill_opacity": 0.25, "weight": 1.5}

# village status: colour + marker shape (shape doubles the colour for colour-blind viewers and greyscale)
VILLAGE_STATUS = {
    "recognised": {"color": GREEN, "shape": "circle", "symbol": "●"},
    "under_review": {"color": ORANGE, "shape": "triangle", "symbol": "▲"},
    "revoked": {"color": VERMILION, "shape": "cross", "symbol": "✖"},
    "not_recognised": {"color": GREY, "shape": "square", "symbol": "■"},
}

CROSSING_KIND = {
    "international_gate": {"color": BLUE, "shape": "star", "symbol": "★", "size": 22},
    "main_gate": {"color": BLUE, "shape": "diamond", "symbol": "◆", "size": 18},
    "secondary_gate": {"color": SKY, "shape": "diamond", "symbol": "◆", "size": 16},
    "opening": {"color": PURPLE, "shape": "triangle-down", "symbol": "▼", "size": 14},
    "trail_crossing": {"color": PURPLE, "shape": "circle-open", "symbol": "○", "size": 14},
}

TRAIL_KIND = {
    "trail": {"color": "#6A3D9A", "dash": "8 6", "weight": 3},
    "opening_path": {"color": PURPLE, "dash": "2 6", "weight": 3},
    "road": {"color": "#333333", "dash": None, "weight": 4},
}

STATION = {"color": BLACK, "fill": "#FFFFFF", "symbol": "⛨", "area_color": "#1B7837"}

# Gi* bins: -3..+3 (ArcGIS order), red = hot, blue = cold
GI_BINS = {
    3: "#B2182B", 2: "#EF8A62", 1: "#FDDBC7", 0: "#F7F7F7", -1: "#D1E5F0", -2: "#67A9CF", -3: "#2166AC",
}

# Emerging hot spot categories. The pairs users must tell apart differ in hue AND lightness, and stay
# apart under deuteranopia, protanopia and tritanopia: new (yellow) vs sporadic (reddish purple),
# intensifying (darkest wine) vs persistent (vermilion); cold mirrors it with blues and purples.
EMERGING = {
    "new_hot": YELLOW, "consecutive_hot": "#FDB863", "intensifying_hot": "#67001F",
    "persistent_hot": VERMILION, "diminishing_hot": "#FDDBC7", "sporadic_hot": PURPLE,
    "oscillating_hot": "#B35806", "historical_hot": "#8C6D31",
    "new_cold": SKY, "consecutive_cold": "#9ECAE1", "intensifying_cold": "#053061",
    "persistent_cold": BLUE, "diminishing_cold": "#DEEBF7", "sporadic_cold": "#762A83",
    "oscillating_cold": "#4292C6", "historical_cold": "#636363", "no_pattern": "#FFFFFF",
}

# Incident clusters: neutral greys (the count is the message; green means "drug-free village" here).
CLUSTER = {"small": ("#D9D9D9", "#BDBDBD"), "medium": ("#BDBDBD", "#969696"), "large": ("#969696", "#737373")}

DRUG = {"heroin": "#0072B2", "methamphetamine": "#D55E00", "synthetic_tablets": "#CC79A7",
        "cannabis": "#009E73", "opium": "#E69F00", "other": "#7F7F7F"}

HEAT_GRADIENT = {0.2: "#FFFFB2", 0.4: "#FECC5C", 0.6: "#FD8D3C", 0.8: "#F03B20", 1.0: "#BD0026"}

# Patrol tracks: one colour per station (Okabe-Ito + two Tol muted), in station-id order; cycles beyond eight.
PATROL_STATIONS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#332288", "#882255")
# Coverage hexagons by patrol days (light = few, dark = many: sequential blues) and the gap outline.
COVERAGE_DAYS = ("#DEEBF7", "#9ECAE1", "#6BAED6", "#3182BD", "#08519C")
GAP_OUTLINE = {"color": "#D7191C", "weight": 3, "dash": "6 4"}
