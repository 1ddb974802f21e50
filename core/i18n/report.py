"""Briefing and PDF strings (vi/en). Keys start with ``report.``."""
TEXTS: dict[str, dict[str, str]] = {}
