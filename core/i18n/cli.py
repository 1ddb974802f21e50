"""CLI messages (vi/en)."""
TEXTS = {
    "cli.done": {"vi": "Xong: {what}", "en": "Done: {what}"},
    "cli.info.no_incidents": {"vi": "chưa có vụ việc nào", "en": "none yet"},
    "cli.error": {"vi": "Lỗi: {msg}", "en": "Error: {msg}"},
    "cli.refused": {"vi": "Dữ liệu vào bị từ chối, không ghi gì: {msg}", "en": "Input refused, nothing written: {msg}"},
    "cli.demo.built": {"vi": "Đã tạo kho dữ liệu minh họa {db}: {n} vụ việc, mất {s:.1f} giây",
                       "en": "Built demo store {db}: {n} incidents in {s:.1f} s"},
    "cli.store.missing": {"vi": "Không tìm thấy kho dữ liệu {db}. Chạy: borderwatch demo --db {db}",
                          "en": "Store {db} not found. Run: borderwatch demo --db {db}"},
    "cli.unknown_value": {"vi": "Giá trị không hợp lệ cho {field}: {value}. Các giá trị hợp lệ: {valid}",
                          "en": "Unknown value for {field}: {value}. Valid values: {valid}"},
    "cli.bad_area": {"vi": "Vùng lọc không dùng được: {reason}", "en": "The filter area cannot be used: {reason}"},
    "cli.area_file": {"vi": "Tệp vùng lọc {file}: {reason}", "en": "Area file {file}: {reason}"},
    "cli.bad_date": {"vi": "Ngày không hợp lệ: {value} (dùng YYYY-MM-DD hoặc dd/mm/yyyy)",
                     "en": "Invalid date: {value} (use YYYY-MM-DD or dd/mm/yyyy)"},
}
