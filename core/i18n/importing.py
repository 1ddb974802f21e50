"""Importer and exporter messages (vi/en). Keys start with ``import.`` or ``export.``."""
TEXTS: dict[str, dict[str, str]] = {}
