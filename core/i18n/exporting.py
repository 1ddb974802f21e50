"""Exporter, analysis-output and ``init`` messages (vi/en). Each message is whole in one language."""
TEXTS = {
    "cli.output_refused": {"vi": "Không ghi được tệp kết quả, không ghi gì: {msg}",
                           "en": "Output refused, nothing written: {msg}"},
    "export.no_geometry": {"vi": "Lớp {layer} không có hình học nên không xuất được ra {fmt}. Dùng .gpkg, .geojson, "
                                 ".csv hoặc .xlsx",
                           "en": "Layer {layer} has no geometry, so it cannot be written as {fmt}. Use .gpkg, "
                                 ".geojson, .csv or .xlsx"},
    "export.gpx_points_only": {"vi": "GPX chỉ chứa điểm (waypoint); lớp {layer} không phải lớp điểm. Lớp điểm: {valid}",
                               "en": "GPX holds waypoints only; layer {layer} is not a point layer. Point layers: "
                                     "{valid}"},
    "export.shp_text_too_long": {"vi": "Shapefile: lớp {layer}, dòng {row}, cột {column} dài {n} byte, quá giới hạn "
                                       "{limit} byte của dBASE. Không cắt bớt dữ liệu; hãy xuất ra .gpkg",
                                 "en": "Shapefile: layer {layer}, row {row}, column {column} is {n} bytes, over the "
                                       "dBASE limit of {limit} bytes. Data are never cut; export to .gpkg instead"},
    "export.all_gpkg_only": {"vi": "{file}: 'export all' chỉ ghi ra GeoPackage (.gpkg)",
                             "en": "{file}: 'export all' writes a GeoPackage (.gpkg) only"},
    "export.not_gpkg": {"vi": "{path} đã có nhưng không phải GeoPackage; không ghi đè. Chọn tên tệp khác",
                        "en": "{path} exists and is not a GeoPackage; it is not overwritten. Choose another file name"},
    "export.patrol_filters": {"vi": "Tuyến tuần tra chỉ lọc được theo thời gian (--from, --to) và đồn (--station); "
                                    "không áp dụng được {filters}. Bỏ các bộ lọc này và chạy lại.",
                              "en": "Patrol tracks can be filtered by period (--from, --to) and station (--station) "
                                    "only; {filters} cannot apply. Leave those out and run again."},
    "export.all_done": {"vi": "Đã xuất {n} lớp vào {path}: {layers}", "en": "Exported {n} layers to {path}: {layers}"},
    "export.sidecars": {"vi": "Kèm theo cho GDAL: {files}", "en": "Sidecar files for GDAL: {files}"},
    "analysis.bad_out": {"vi": "{file}: không ghi được định dạng này cho {what}. Dùng: {valid}",
                         "en": "{file}: cannot write this format for {what}. Use: {valid}"},
    "analysis.no_store_layer": {"vi": "Kho dữ liệu không có lớp {layer} để gắn hình học cho {what}",
                                "en": "The store has no {layer} layer to give {what} its geometry"},
    "cli.init.done": {"vi": "Đã tạo kho dữ liệu trống {db} (lược đồ phiên bản {version}, không có dữ liệu minh họa). "
                            "Nhập dữ liệu: borderwatch import border FILE --db {db}",
                      "en": "Created empty store {db} (schema version {version}, no illustrative data). "
                            "Load data: borderwatch import border FILE --db {db}"},
    "cli.init.exists": {"vi": "{db} đã tồn tại; không ghi đè kho dữ liệu có sẵn. Chọn đường dẫn khác hoặc tự xoá tệp "
                              "cũ",
                        "en": "{db} already exists; an existing store is never overwritten. Choose another path or "
                              "remove the old file yourself"},
    "cli.init.no_dir": {"vi": "Thư mục không tồn tại: {path}", "en": "Folder does not exist: {path}"},
}
