"""Dashboard strings (vi/en). Keys start with ``ui.``."""
TEXTS: dict[str, dict[str, str]] = {
    "ui.demo_banner": {"vi": "Dữ liệu minh họa — không phải số liệu thật", "en": "Illustrative data — not real figures"},
}
