"""Messages of the store-side hardening: the backup relay, the demo command, file modes (vi/en)."""
TEXTS = {
    "sec.relay.spool_unsafe": {
        "vi": "Thư mục yêu cầu {dir} không an toàn (chủ sở hữu uid {uid}, quyền {mode}); chỉ chủ của kho dữ liệu "
              "mới được có thư mục này, quyền 0700. Hãy xóa nó rồi chạy lại lệnh.",
        "en": "Request folder {dir} is not safe (owner uid {uid}, mode {mode}); only the store's owner may have it, "
              "mode 0700. Remove it and run the command again."},
    "sec.relay.bad_name": {
        "vi": "Khi ứng dụng đang giữ kho, chỉ sao lưu/khôi phục bằng tên tệp trong thư mục {dir} "
              "(vd. ban-sao.duckdb), không dùng đường dẫn khác: {file}",
        "en": "While the app holds the store, backups are written to and restored from {dir} only, by file name "
              "(e.g. copy.duckdb), never another path: {file}"},
    "sec.relay.unknown_op": {"vi": "Yêu cầu không hợp lệ: {op}", "en": "Unknown request: {op}"},
    "sec.demo.exists": {
        "vi": "Kho {db} đã tồn tại; «demo» sẽ xóa toàn bộ dữ liệu, tài khoản và nhật ký của nó. "
              "Dùng --db với tệp mới, hoặc --force để thay thế.",
        "en": "Store {db} already exists; 'demo' would wipe its data, accounts and audit log. "
              "Use --db with a new file, or --force to replace it."},
    "sec.demo.busy": {
        "vi": "Kho {db} đang được một tiến trình khác (ứng dụng?) sử dụng; không thể thay thế. Hãy dừng tiến trình đó "
              "trước.",
        "en": "Store {db} is in use by another process (the app?); it cannot be replaced. Stop that process first."},
    "sec.audit.not_anchored": {
        "vi": "Lưu ý: kho này chưa có tệp neo nhật ký; việc xóa các mục cuối không phát hiện được.",
        "en": "Note: this store has no audit anchor file yet; removal of the last entries cannot be detected."},
    "sec.audit.anchored": {
        "vi": "Các mục cuối khớp với tệp neo {file}.",
        "en": "The end of the log matches the anchor file {file}."},
}
