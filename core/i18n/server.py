"""Messages of server mode (PostgreSQL + PostGIS, issue 15): the store URL, migrations, migrate, restore (vi/en)."""
TEXTS = {
    "srv.restore.pg_dump": {
        "vi": "{file} là tệp của pg_dump, không phải tệp sao lưu của borderwatch. Hãy khôi phục nó bằng pg_restore "
              "vào một cơ sở dữ liệu mới (xem docs/deploy.md), hoặc chọn tệp .duckdb do «borderwatch backup» tạo ra.",
        "en": "{file} is a pg_dump archive, not a borderwatch backup file. Restore it with pg_restore into a new "
              "database (see docs/deploy.md), or pick a .duckdb file written by 'borderwatch backup'."},
}
