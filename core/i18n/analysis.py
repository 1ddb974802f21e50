"""Analysis labels (vi/en): emerging categories, hotspot bins. Keys start with ``analysis.``."""
TEXTS: dict[str, dict[str, str]] = {}
