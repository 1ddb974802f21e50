"""Login, roles and audit strings (vi/en). Keys start with ``auth.``."""
TEXTS: dict[str, dict[str, str]] = {}
