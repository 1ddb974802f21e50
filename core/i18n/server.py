"""Messages of server mode (PostgreSQL + PostGIS, issue 15): the store URL, migrations, migrate, restore (vi/en)."""
TEXTS = {
    "srv.restore.pg_dump": {
        "vi": "{file} là tệp của pg_dump, không phải tệp sao lưu của borderwatch. Hãy khôi phục nó bằng pg_restore "
              "vào một cơ sở dữ liệu mới (xem docs/deploy.md), hoặc chọn tệp .duckdb do «borderwatch backup» tạo ra.",
        "en": "{file} is a pg_dump archive, not a borderwatch backup file. Restore it with pg_restore into a new "
              "database (see docs/deploy.md), or pick a .duckdb file written by 'borderwatch backup'."},
    "srv.env_not_file": {
        "vi": "BORDERWATCH_DB chỉ tới một cơ sở dữ liệu PostgreSQL ({db}), không phải tệp kho dữ liệu.",
        "en": "BORDERWATCH_DB names a PostgreSQL database ({db}), not a store file."},
    "srv.url.not_pg": {"vi": "Không phải địa chỉ PostgreSQL: {url}", "en": "Not a PostgreSQL URL: {url}"},
    "srv.url.password": {
        "vi": "Không chấp nhận mật khẩu trong địa chỉ --db (người dùng khác và nhật ký sẽ thấy nó); hãy đặt mật khẩu "
              "trong PGPASSWORD hoặc ~/.pgpass (chmod 600) và dùng postgresql://USER@HOST:PORT/DBNAME",
        "en": "A password in the --db URL is refused (it would be visible to other users and in logs); put it in "
              "PGPASSWORD or ~/.pgpass (chmod 600) and use postgresql://USER@HOST:PORT/DBNAME"},
    "srv.url.no_db": {
        "vi": "Địa chỉ không nêu tên cơ sở dữ liệu: {url} (cần dạng postgresql://USER@HOST:PORT/DBNAME)",
        "en": "The URL names no database: {url} (expected postgresql://USER@HOST:PORT/DBNAME)"},
    "srv.url.bad_port": {"vi": "Cổng không hợp lệ trong {url}", "en": "Bad port in {url}"},
    "srv.url.bad_param": {
        "vi": "Không chấp nhận tham số {param} trong địa chỉ (được phép: host, {allowed})",
        "en": "URL parameter {param} is not accepted (allowed: host, {allowed})"},
    "srv.url.bad_char": {"vi": "Địa chỉ PostgreSQL chứa ký tự không dùng được.",
                         "en": "Unusable character in the PostgreSQL URL."},
    "srv.ext.missing_pkg": {"vi": "Chưa cài gói {pkg}; chạy: make install",
                            "en": "Package {pkg} is not installed; run: make install"},
    "srv.ext.missing": {
        "vi": "Không có phần mở rộng {name} cho duckdb {version} (tìm thấy: {found}); chạy: make install",
        "en": "No {name} extension for duckdb {version} (found: {found}); run: make install"},
    "srv.ext.unverified": {
        "vi": "Tệp phần mở rộng {path} đã thay đổi khi chương trình đang chạy; khởi động lại borderwatch.",
        "en": "Extension file {path} changed while borderwatch was running; restart borderwatch."},
    "srv.ext.load_failed": {
        "vi": "Không nạp được phần mở rộng {path}: {msg}; cài lại: make install",
        "en": "Cannot load extension {path}: {msg}; reinstall: make install"},
    "srv.store.missing": {"vi": "Không tìm thấy kho dữ liệu: {db}", "en": "Store not found: {db}"},
    "srv.store.cannot_open": {"vi": "Không mở được kho dữ liệu {db}: {msg}", "en": "Cannot open store {db}: {msg}"},
    "srv.store.cannot_open_pg": {
        "vi": "Không mở được kho PostgreSQL {url}: {msg}",
        "en": "Cannot open PostgreSQL store {url}: {msg}"},
    "srv.migration_failed": {
        "vi": "Bước nâng cấp lược đồ {version} thất bại trên kho PostgreSQL: {msg}",
        "en": "Migration {version} failed on the PostgreSQL store: {msg}"},
    "srv.layer_crs": {"vi": "{layer}: hình học phải ở EPSG:4326, nhận được {crs}",
                      "en": "{layer}: geometry must be EPSG:4326, got {crs}"},
    "srv.migrate.same": {"vi": "--from và --to chỉ cùng một kho dữ liệu.",
                         "en": "--from and --to name the same store."},
    "srv.migrate.target_exists": {
        "vi": "{target} (hoặc tệp neo nhật ký của nó) đã tồn tại; migrate chỉ ghi vào tệp kho mới.",
        "en": "{target} (or its audit anchor) exists; migrate writes a new store file only."},
    "srv.migrate.source_chain": {
        "vi": "Nhật ký kiểm toán của kho nguồn không hợp lệ (mục {id}: {reason}); chưa chuyển gì.",
        "en": "The source's audit log does not verify (entry {id}: {reason}); nothing was moved."},
    "srv.migrate.busy": {
        "vi": "Kho đích đã có dữ liệu (bảng: {tables}); migrate chỉ ghi vào kho trống.",
        "en": "The destination already holds data (tables: {tables}); migrate fills an empty store only."},
    "srv.migrate.chain_after": {
        "vi": "Sau khi chuyển, nhật ký kiểm toán không hợp lệ (mục {id}: {reason}).",
        "en": "After the move the audit log does not verify (entry {id}: {reason})."},
    "srv.migrate.failed": {
        "vi": "Chuyển kho thất bại, kho đích giữ nguyên: {msg}",
        "en": "Migrate failed, the destination is unchanged: {msg}"},
    "srv.migrate.done": {
        "vi": "{src} -> {dst}: {rows} dòng trong {tables} bảng, đã kiểm tra chuỗi nhật ký kiểm toán gồm {entries} mục",
        "en": "{src} -> {dst}: {rows} rows in {tables} tables, audit chain of {entries} entries verified"},
}
