"""Importer and exporter messages (vi/en). Keys start with ``import.`` or ``export.``."""
TEXTS: dict[str, dict[str, str]] = {
    # -- whole file ------------------------------------------------------------------------
    "import.bad_layer": {"vi": "Lớp dữ liệu không hợp lệ: {layer}. Các lớp hợp lệ: {valid}",
                         "en": "Unknown layer: {layer}. Valid layers: {valid}"},
    "import.bad_format": {"vi": "{file}: định dạng {ext} không được hỗ trợ. Các định dạng hỗ trợ: {valid}",
                          "en": "{file}: format {ext} is not supported. Supported: {valid}"},
    "import.no_file": {"vi": "Không tìm thấy tệp {file}", "en": "File not found: {file}"},
    "import.empty": {"vi": "{file}: tệp rỗng", "en": "{file}: the file is empty"},
    "import.no_rows": {"vi": "{file}: tệp không có dòng dữ liệu nào", "en": "{file}: the file has no data rows"},
    "import.too_big": {"vi": "{file}: tệp quá lớn ({mb:.1f} MB; tối đa {limit:.0f} MB)",
                       "en": "{file}: the file is too large ({mb:.1f} MB; limit {limit:.0f} MB)"},
    "import.too_many_rows": {"vi": "{file}: quá nhiều dòng (hơn {limit}). Hãy chia tệp thành nhiều phần",
                             "en": "{file}: too many rows (more than {limit}). Split the file into parts"},
    "import.bad_encoding_name": {"vi": "Bảng mã không hợp lệ: {encoding} (ví dụ: utf-8, cp1258, cp1252)",
                                 "en": "Unknown encoding: {encoding} (e.g. utf-8, cp1258, cp1252)"},
    "import.not_utf8": {
        "vi": "{file}: tệp không phải UTF-8 (dòng {line}). Hãy chỉ rõ bảng mã, ví dụ --encoding cp1258 "
              "(Windows tiếng Việt) hoặc --encoding cp1252",
        "en": "{file}: the file is not UTF-8 (line {line}). Name its encoding, e.g. --encoding cp1258 "
              "(Vietnamese Windows) or --encoding cp1252"},
    "import.not_utf8_dbf": {
        "vi": "{file}: thuộc tính shapefile không phải UTF-8 và không có tệp .cpg. Hãy chỉ rõ bảng mã, "
              "ví dụ --encoding cp1258",
        "en": "{file}: the shapefile attributes are not UTF-8 and there is no .cpg file. Name the encoding, "
              "e.g. --encoding cp1258"},
    "import.decode_failed": {"vi": "{file}: không đọc được bằng bảng mã {encoding} (dòng {line})",
                             "en": "{file}: cannot be decoded as {encoding} (line {line})"},
    "import.decode_failed_attr": {"vi": "{file}: thuộc tính không đọc được bằng bảng mã {encoding}",
                                  "en": "{file}: the attributes cannot be decoded as {encoding}"},
    "import.damaged": {"vi": "{file}: tệp bị hỏng hoặc không đầy đủ ({detail})",
                       "en": "{file}: the file is damaged or incomplete ({detail})"},
    "import.truncated": {"vi": "{file}: tệp bị cắt cụt (dòng {row} không đầy đủ)",
                         "en": "{file}: the file is truncated (row {row} is incomplete)"},
    "import.truncated_part": {"vi": "{file}: phần {part} của shapefile bị cắt cụt",
                              "en": "{file}: the shapefile's {part} part is truncated"},
    "import.duplicate_column": {"vi": "{file}: cột {column} xuất hiện hai lần",
                                "en": "{file}: column {column} appears twice"},
    "import.several_layers": {
        "vi": "{file}: tệp có nhiều lớp ({layers}); chọn một lớp bằng --layer TÊN",
        "en": "{file}: the file holds several layers ({layers}); choose one with --layer NAME"},
    "import.no_such_layer": {"vi": "{file}: không có lớp {name}. Các lớp trong tệp: {layers}",
                             "en": "{file}: there is no layer {name}. Layers in the file: {layers}"},
    "import.bad_header_row": {"vi": "{file}: --header-row {row}: dòng này trống hoặc không có trong tệp",
                              "en": "{file}: --header-row {row}: that row is blank or not in the file"},
    "import.note_title_rows": {
        "vi": "{file}: bỏ qua dòng {rows} phía trên tiêu đề (khối tiêu đề báo cáo); tiêu đề ở dòng {header}",
        "en": "{file}: rows {rows} above the header skipped (title block); header in row {header}"},
    "import.note_footer": {"vi": "{file}: bỏ qua dòng tổng cộng/chữ ký cuối bảng: {rows}",
                           "en": "{file}: total and signature rows skipped: {rows}"},
    "import.note_kml_folders": {"vi": "{file}: đọc các thư mục {folders}; tên thư mục ở cột folder (chọn một bằng "
                                      "--layer)",
                                "en": "{file}: read the folders {folders}; the folder is in column folder "
                                      "(choose one with --layer)"},
    "import.note_kml_split": {
        "vi": "{file}: placemark nhiều điểm được tách thành mỗi điểm một dòng, mã thêm -1, -2…: dòng {rows}",
        "en": "{file}: placemarks with several parts split into one row per part, ids suffixed -1, -2…: rows {rows}"},
    "import.shp_missing_part": {"vi": "{file}: thiếu phần {part} của shapefile",
                                "en": "{file}: the shapefile's {part} part is missing"},
    "import.zip_no_shp": {"vi": "{file}: tệp zip không chứa shapefile (.shp)",
                          "en": "{file}: the zip holds no shapefile (.shp)"},
    "import.shp_no_prj": {
        "vi": "{file}: shapefile không có tệp .prj nên không biết hệ tọa độ. Hãy chỉ rõ, ví dụ "
              "--crs vn2000-quangtri hoặc --crs 4326",
        "en": "{file}: the shapefile has no .prj, so its coordinate system is unknown. Pass one, e.g. "
              "--crs vn2000-quangtri or --crs 4326"},
    "import.no_crs": {"vi": "{file}: tệp không khai báo hệ tọa độ. Hãy chỉ rõ, ví dụ --crs vn2000-quangtri",
                      "en": "{file}: the file declares no coordinate system. Pass one, e.g. --crs vn2000-quangtri"},
    "import.bad_crs": {"vi": "Hệ tọa độ không hợp lệ: {crs} ({detail})", "en": "Unknown CRS: {crs} ({detail})"},
    "import.crs_ignored": {"vi": "Bỏ qua --crs {crs}: tệp đã khai báo hệ tọa độ {file_crs}",
                           "en": "--crs {crs} ignored: the file declares {file_crs}"},
    "import.no_coords": {
        "vi": "{file}: không tìm thấy cột tọa độ (lat/lon, vĩ độ/kinh độ, x/y hoặc wkt). Các cột: {columns}. "
              "Dùng --map TÊN_CỘT=lat",
        "en": "{file}: no coordinate columns found (lat/lon, x/y or wkt). Columns: {columns}. "
              "Use --map COLUMN=lat"},
    "import.coord_missing": {"vi": "{file}: thiếu cột tọa độ {role}. Các cột: {columns}",
                             "en": "{file}: coordinate column {role} is missing. Columns: {columns}"},
    "import.xy_needs_crs": {"vi": "{file}: tọa độ x/y cần hệ tọa độ; hãy chỉ rõ bằng --crs, thường là {candidates}",
                            "en": "{file}: x/y coordinates need a CRS; pass --crs, most likely {candidates}"},
    "import.looks_projected": {
        "vi": "{file}: tọa độ là mét của hệ tọa độ phẳng, không phải độ, và tệp không khai báo hệ tọa độ; "
              "hãy chỉ rõ bằng --crs, có thể là: {candidates}",
        "en": "{file}: the coordinates are projected metres, not degrees, and the file declares no CRS; "
              "pass --crs, likely: {candidates}"},
    "import.latlon_projected": {
        "vi": "{file}: cột vĩ độ/kinh độ là độ, nhưng --crs {crs} là hệ tọa độ phẳng; hãy đặt tên cột là x/y",
        "en": "{file}: lat/lon columns hold degrees but --crs {crs} is projected; name the columns x/y"},
    "import.missing_column": {"vi": "thiếu cột bắt buộc {field} (các cột trong tệp: {columns}); dùng --map CỘT={field}",
                              "en": "required column {field} is missing (columns in the file: {columns}); "
                                    "use --map COLUMN={field}"},
    "import.map_no_column": {"vi": "{file}: --map: không có cột {column}. Các cột: {columns}",
                             "en": "{file}: --map: no column {column}. Columns: {columns}"},
    "import.map_bad_target": {"vi": "{file}: --map: {target} không phải là trường hợp lệ. Hợp lệ: {valid}",
                              "en": "{file}: --map: {target} is not a valid field. Valid: {valid}"},
    "import.map_twice": {"vi": "{file}: --map: hai cột cùng gán cho {target}",
                         "en": "{file}: --map: two columns map to {target}"},
    "import.map_ambiguous": {"vi": "{file}: cả cột {a} và {b} đều giống {target}; dùng --map để chọn một",
                             "en": "{file}: columns {a} and {b} both look like {target}; choose one with --map"},
    "import.bad_decimal": {"vi": "--decimal cần comma (dấu phẩy thập phân) hoặc point (dấu chấm), nhận được: {value}",
                           "en": "--decimal needs comma (decimal comma) or point (decimal point), got: {value}"},
    "import.bad_map": {"vi": "--map cần dạng NGUỒN=ĐÍCH, nhận được: {value}",
                       "en": "--map needs SRC=DST, got: {value}"},
    # -- rows --------------------------------------------------------------------------------
    "import.field_count": {"vi": "dòng có {n} giá trị, tiêu đề có {expected} cột",
                           "en": "the row has {n} values, the header has {expected} columns"},
    "import.required": {"vi": "thiếu giá trị bắt buộc", "en": "required value missing"},
    "import.bad_number": {"vi": "không phải là số: {value}", "en": "not a number: {value}"},
    "import.exponent_comma": {"vi": "số mũ (e) trong tệp dùng dấu phẩy thập phân: hãy viết số đầy đủ (1500, không "
                                    "phải 1,5e3): {value}",
                              "en": "an exponent (e) in a file with decimal commas: write the number out (1500, not "
                                    "1,5e3): {value}"},
    "import.bad_grouping": {
        "vi": "dấu cách (hoặc ' _) trong số không chia nhóm 3 chữ số (như 1 500 000): {value}",
        "en": "spaces (or ' _) inside the number do not group thousands in threes (as in 1 500 000): {value}"},
    "import.number_underflow": {"vi": "số quá nhỏ, sẽ thành 0: {value}",
                                "en": "number too small, it would become 0: {value}"},
    "import.number_convention": {
        "vi": "{value} không khớp cách viết số của tệp: {convention} (theo {evidence}); hãy sửa ô này",
        "en": "{value} does not fit the file's number format: {convention} (from {evidence}); correct the cell"},
    "import.number_ambiguous": {
        "vi": "{value} có thể là số thập phân hoặc hàng nghìn, và tệp không cho biết dấu thập phân; "
              "dùng --decimal comma (1.234,5) hoặc --decimal point (1,234.5)",
        "en": "{value} could be a decimal or a thousands group and the file shows no decimal mark; "
              "use --decimal comma (1.234,5) or --decimal point (1,234.5)"},
    "import.number_mixed": {
        "vi": "{value} có thể là số thập phân hoặc hàng nghìn, và tệp dùng cả hai cách viết số ({evidence}; "
              "{other}); dùng --decimal comma hoặc --decimal point",
        "en": "{value} could be a decimal or a thousands group and the file uses both number formats "
              "({evidence}; {other}); use --decimal comma or --decimal point"},
    "import.decimal_comma": {"vi": "dấu phẩy thập phân, dấu chấm hàng nghìn (1.234,5)",
                             "en": "decimal comma, dot thousands (1.234,5)"},
    "import.decimal_point": {"vi": "dấu chấm thập phân, dấu phẩy hàng nghìn (1,234.5)",
                             "en": "decimal point, comma thousands (1,234.5)"},
    "import.evidence_value": {"vi": "{value} ở cột {column}, dòng {row}",
                              "en": "{value} in column {column}, row {row}"},
    "import.evidence_option": {"vi": "tùy chọn --decimal {value}", "en": "the option --decimal {value}"},
    "import.evidence_semicolon": {"vi": "dấu ; phân cách cột của tệp CSV",
                                  "en": "the CSV's ; column separator"},
    "import.quantity_too_large": {"vi": "quá lớn cho một vụ: {value} g (hơn {limit}); kiểm tra đơn vị (gam)",
                                  "en": "too large for one case: {value} g (over {limit}); check the unit (grams)"},
    "import.negative": {"vi": "không được âm: {value}", "en": "must not be negative: {value}"},
    "import.not_integer": {"vi": "phải là số nguyên: {value}", "en": "must be a whole number: {value}"},
    "import.bad_bool": {"vi": "không phải có/không: {value}", "en": "not yes/no: {value}"},
    "import.bad_date": {"vi": "ngày không đọc được: {value} (dùng YYYY-MM-DD hoặc dd/mm/yyyy, có thể kèm giờ)",
                        "en": "unreadable date: {value} (use YYYY-MM-DD or dd/mm/yyyy, optionally with a time)"},
    "import.impossible_date": {"vi": "ngày không tồn tại: {value}", "en": "impossible date: {value}"},
    "import.review_before_decision": {"vi": "hạn xem xét lại {due} trước ngày quyết định {decided}",
                                      "en": "review due {due} is before the decision date {decided}"},
    "import.bad_enum": {"vi": "giá trị không hợp lệ: {value}. Các giá trị hợp lệ: {valid}",
                        "en": "unknown value: {value}. Valid values: {valid}"},
    "import.bad_coord": {"vi": "tọa độ không đọc được: {value} (cách viết được chấp nhận, ví dụ: {example})",
                         "en": "unreadable coordinate: {value} (accepted forms, e.g.: {example})"},
    "import.coord_swapped_hemi": {"vi": "tọa độ {value} có hướng {hemi} của trục kia (nhầm cột vĩ độ/kinh độ?)",
                                  "en": "coordinate {value} carries the other axis' hemisphere {hemi} "
                                        "(lat/lon swapped?)"},
    "import.lat_swapped": {"vi": "vĩ độ {value} ngoài khoảng -90..90 (nhầm cột vĩ độ và kinh độ?)",
                           "en": "latitude {value} out of range -90..90 (latitude and longitude swapped?)"},
    "import.lat_range": {"vi": "vĩ độ {value} ngoài khoảng -90..90", "en": "latitude {value} out of range -90..90"},
    "import.lon_range": {"vi": "kinh độ {value} ngoài khoảng -180..180",
                         "en": "longitude {value} out of range -180..180"},
    "import.bad_wkt": {"vi": "hình học WKT không đọc được: {value}", "en": "unreadable WKT geometry: {value}"},
    "import.no_geometry": {"vi": "thiếu hình học", "en": "geometry missing"},
    "import.wrong_geom": {"vi": "sai kiểu hình học: {got} (lớp này nhận: {valid})",
                          "en": "wrong geometry type: {got} (this layer takes: {valid})"},
    "import.invalid_geom": {"vi": "hình học không hợp lệ: {detail}", "en": "invalid geometry: {detail}"},
    "import.far_from_belt": {"vi": "cách vành đai biên giới {km:.1f} km (tối đa {limit:g} km)",
                             "en": "{km:.1f} km from the border belt (limit {limit:g} km)"},
    "import.duplicate_key": {"vi": "mã {id} trùng (đã có ở dòng {first})",
                             "en": "duplicate id {id} (already in row {first})"},
    "import.changed": {"vi": "mã {id} đã có trong kho với nội dung khác ({columns}); dùng --replace để thay",
                       "en": "id {id} is already stored with different content ({columns}); "
                             "use --replace to overwrite"},
    "import.unknown_village": {"vi": "không có thôn/bản mã {value} trong lớp villages",
                               "en": "no village with id {value} in the villages layer"},
    "import.ambiguous_station": {"vi": "{value} khớp nhiều đồn biên phòng: {valid}. Ghi rõ hơn hoặc dùng mã",
                                 "en": "{value} matches several border guard stations: {valid}. Be more specific "
                                       "or use the id"},
    "import.unknown_station": {"vi": "không có đồn biên phòng {value}. Các mã hợp lệ: {valid}",
                               "en": "no border guard station {value}. Valid ids: {valid}"},
    # -- reports and results ------------------------------------------------------------------
    "import.problems_head": {"vi": "{n} vấn đề:", "en": "{n} problem(s):"},
    "import.problems_more": {"vi": "... và {n} vấn đề khác", "en": "... and {n} more"},
    "import.where_row": {"vi": "dòng {row}", "en": "row {row}"},
    "import.where_column": {"vi": "cột {column}", "en": "column {column}"},
    "import.progress.validate": {"vi": "Đang kiểm tra {file}", "en": "Checking {file}"},
    "import.progress.write": {"vi": "Đang ghi vào lớp {layer}", "en": "Writing to layer {layer}"},
    "import.progress.rows": {"vi": "Đang ghi vào lớp {layer}: {done}/{total} dòng",
                             "en": "Writing to layer {layer}: {done}/{total} rows"},
    "import.progress.commit": {"vi": "Đang lưu", "en": "Saving"},
    "import.progress.done": {"vi": "Xong", "en": "Done"},
    "import.store_failed": {"vi": "Không ghi được vào kho dữ liệu: {detail}",
                            "en": "Could not write the store: {detail}"},
    "import.rejects.row": {"vi": "dong", "en": "row"},
    "import.rejects.problems": {"vi": "van_de", "en": "problems"},
    "import.rejects_unwritable": {"vi": "Không ghi được tệp dòng bị loại {path}: {detail}",
                                  "en": "Could not write the rejected-rows file {path}: {detail}"},
    "import.done": {
        "vi": "Đã nhập {file} vào lớp {layer}: {rows_in} dòng đọc, {new} mới, {replaced} thay thế, "
              "{unchanged} không đổi, {rejected} bị loại",
        "en": "Imported {file} into {layer}: {rows_in} rows read, {new} new, {replaced} replaced, "
              "{unchanged} unchanged, {rejected} rejected"},
    "import.rejects_written": {"vi": "Các dòng bị loại và lý do: {path}", "en": "Rejected rows and reasons: {path}"},
    # -- export --------------------------------------------------------------------------------
    "export.bad_format": {"vi": "{file}: không xuất được định dạng này. Dùng: {valid}",
                          "en": "{file}: cannot export this format. Use: {valid}"},
    "export.no_dir": {"vi": "Thư mục không tồn tại: {path}", "en": "Folder does not exist: {path}"},
    "export.unwritable": {"vi": "Không ghi được {path}: {detail}", "en": "Could not write {path}: {detail}"},
    "export.filter_incidents_only": {"vi": "Bộ lọc chỉ áp dụng cho lớp incidents, không cho {layer}",
                                     "en": "Filters apply to incidents only, not to {layer}"},
    "export.done": {"vi": "Đã xuất {n} dòng của lớp {layer} vào {path}",
                    "en": "Exported {n} rows of {layer} to {path}"},
    "export.watermark": {"vi": "Thông tin người xuất: {path}", "en": "Export watermark: {path}"},
}
