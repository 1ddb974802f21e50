"""Analysis labels (vi/en): emerging categories, hotspot bins. Keys start with ``analysis.``."""
TEXTS: dict[str, dict[str, str]] = {
    "analysis.no_border": {
        "vi": "Kho dữ liệu chưa có đường biên giới (lớp border): nhập lớp này trước khi phân tích hành lang biên giới.",
        "en": "The store has no border line (layer border): import it before the border corridor analysis."},
}
