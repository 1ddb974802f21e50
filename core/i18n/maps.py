"""Strings (vi/en) for the unit's basemaps, context layers and commune areas.

Keys ``basemap.*``, ``context.*``, ``communes.*`` and their layer titles.
"""
from __future__ import annotations

_PAIRS = {
    # basemaps
    "layers.unit_basemap": ("Nền: {name}", "Base: {name}"),
    "basemap.bad_name": ("Tên bản đồ nền không hợp lệ: {name!r} (chỉ chữ không dấu, số, - và _; tối đa 40 ký tự)",
                         "Invalid basemap name: {name!r} (letters without diacritics, digits, - and _; at most 40)"),
    "basemap.missing": ("Không tìm thấy tệp {path}", "File {path} not found"),
    "basemap.not_mbtiles": ("{path} không phải tệp MBTiles ảnh dùng được: {why}",
                            "{path} is not a usable raster MBTiles file: {why}"),
    "basemap.not_raster": ("GDAL không đọc được {path} như một ảnh raster: {why}",
                           "GDAL cannot read {path} as a raster: {why}"),
    "basemap.no_crs": ("{path} không có hệ tọa độ (CRS); hãy gán hệ tọa độ (ví dụ VN-2000 EPSG:9212) bằng QGIS "
                       "hoặc gdal_translate -a_srs rồi thêm lại",
                       "{path} has no coordinate reference system; assign one (e.g. VN-2000 EPSG:9212) with QGIS "
                       "or gdal_translate -a_srs and add it again"),
    "basemap.no_gdal": ("Cần bộ công cụ GDAL (gdalwarp, gdal_translate, gdaladdo) để cắt ảnh GeoTIFF thành mảnh "
                        "bản đồ; trên Debian/Ubuntu: apt-get install gdal-bin. Tệp MBTiles không cần GDAL.",
                        "GeoTIFF tiling needs GDAL's tools (gdalwarp, gdal_translate, gdaladdo); on Debian/Ubuntu: "
                        "apt-get install gdal-bin. MBTiles files need no GDAL."),
    "basemap.gdal_failed": ("{what} thất bại: {msg}", "{what} failed: {msg}"),
    "basemap.exists": ("Đã có bản đồ nền tên {name}; chọn tên khác (--name) hoặc xóa bản cũ",
                       "A basemap named {name} exists; choose another --name or remove it first"),
    "basemap.bad_kind": ("{path}: chỉ nhận .mbtiles hoặc GeoTIFF (.tif, .tiff)",
                         "{path}: only .mbtiles or GeoTIFF (.tif, .tiff) files are accepted"),
    "basemap.unknown": ("Không có bản đồ nền {name}. Có: {valid}", "No basemap {name}. Registered: {valid}"),
    "basemap.added": ("Đã thêm bản đồ nền {name} ({kind}, mức thu phóng {zmin}–{zmax}, {fmt})",
                      "Added basemap {name} ({kind}, zoom {zmin}–{zmax}, {fmt})"),
    "basemap.removed": ("Đã xóa bản đồ nền {name}", "Removed basemap {name}"),
    "basemap.none": ("Chưa có bản đồ nền nào", "No basemaps registered"),
    "basemap.broken": ("HỎNG: {msg}", "BROKEN: {msg}"),
    "basemap.embedded": ("Bản đồ nền {name}: nhúng {n} mảnh, mức thu phóng {zmin}–{zmax}",
                         "Basemap {name}: {n} tiles embedded, zoom {zmin}–{zmax}"),
    "basemap.default_set": ("Bản đồ nền mặc định (bản đồ in, báo cáo): {name}",
                            "Default basemap (printed maps, briefing): {name}"),
    # context layers
    "layers.context": ("Lớp nền tham khảo", "Context layers"),
    "context.bad_style": ("Kiểu vẽ không hợp lệ: {style} (line, area hoặc point)",
                          "Invalid style: {style} (line, area or point)"),
    "context.bad_color": ("Màu không hợp lệ: {color} (dạng #RRGGBB)", "Invalid colour: {color} (use #RRGGBB)"),
    "context.exists": ("Đã có lớp tham khảo tên {name}", "A context layer named {name} exists"),
    "context.unknown": ("Không có lớp tham khảo {name}. Có: {valid}", "No context layer {name}. Registered: {valid}"),
    "context.unreadable": ("Không đọc được {path}: {why}", "Cannot read {path}: {why}"),
    "context.bad_layer": ("{path} không có lớp {layer}. Các lớp: {valid}",
                          "{path} has no layer {layer}. Layers: {valid}"),
    "context.many_layers": ("{path} có nhiều lớp, chọn một bằng --layer: {valid}",
                            "{path} holds several layers; choose one with --layer: {valid}"),
    "context.no_crs": ("{path} không ghi hệ tọa độ; cho biết bằng --crs (ví dụ vn2000-quangtri)",
                       "{path} declares no coordinate system; give it with --crs (e.g. vn2000-quangtri)"),
    "context.vn2000_datum": ("{path}: hệ tọa độ là lưới VN-2000 TM-3 nhưng ghi datum WGS 84 (tệp MapInfo xuất ra "
                             "thường "
                             "mất tham số chuyển đổi VN-2000, lệch khoảng 200 m). Cho biết hệ tọa độ đúng bằng --crs, "
                             "ví dụ --crs vn2000-quangtri (EPSG:9212)",
                             "{path}: the CRS is a VN-2000 TM-3 grid declared on the WGS 84 datum (MapInfo exports "
                             "often "
                             "lose the VN-2000 datum shift, about 200 m). Give the right CRS with --crs, e.g. "
                             "--crs vn2000-quangtri (EPSG:9212)"),
    "context.empty": ("{path}: không có đối tượng nào có hình học", "{path}: no features with a geometry"),
    "context.bad_geom": ("{path}, đối tượng {row}: hình học không hợp lệ ({why})",
                         "{path}, feature {row}: invalid geometry ({why})"),
    "context.far": ("{path}: đối tượng nằm ngoài khu vực Việt Nam – Lào sau khi chuyển hệ tọa độ ({bounds}); "
                    "kiểm tra --crs", "{path}: features fall outside Vietnam–Laos after reprojection ({bounds}); "
                    "check --crs"),
    "context.bad_label": ("{path} không có cột {field} để làm nhãn. Các cột: {valid}",
                          "{path} has no column {field} for labels. Columns: {valid}"),
    "context.added": ("Đã thêm lớp tham khảo {name}: {n} đối tượng ({style}, {color})",
                      "Added context layer {name}: {n} features ({style}, {color})"),
    "context.removed": ("Đã xóa lớp tham khảo {name}", "Removed context layer {name}"),
    "context.none": ("Chưa có lớp tham khảo nào", "No context layers"),
    # communes
    "layers.communes": ("Vụ việc trên 1.000 dân theo xã", "Incidents per 1,000 residents by commune"),
    "layers.commune_counts": ("Số vụ việc theo xã", "Incidents by commune"),
    "communes.none": ("Kho dữ liệu chưa có ranh giới xã (lớp commune_areas); nhập bằng: borderwatch import TỆP "
                      "commune_areas",
                      "The store has no commune areas (layer commune_areas); import them: borderwatch import FILE "
                      "commune_areas"),
    "communes.bad_out": ("Tệp kết quả phải là .csv, .geojson hoặc .gpkg: {value}",
                         "Output must be .csv, .geojson or .gpkg: {value}"),
    "communes.written": ("Đã ghi {n} xã vào {path}", "Wrote {n} communes to {path}"),
    "communes.illustrative": ("Ranh giới xã minh họa (Voronoi từ trung tâm xã), không phải ranh giới hành chính",
                              "Illustrative commune areas (Voronoi cells of commune centres), not legal boundaries"),
    "communes.no_population": ("không có số dân", "no population"),
    "communes.rate": ("vụ / 1.000 dân", "per 1,000 residents"),
    "communes.f.incidents": ("Số vụ", "Incidents"),
    "communes.f.population": ("Số dân", "Population"),
    "communes.f.rate": ("Vụ / 1.000 dân", "Per 1,000 residents"),
    "communes.f.change": ("So với cùng kỳ năm trước", "Change vs same period last year"),
    "communes.f.new_name": ("Tên sau 1/7/2025", "Name since 1/7/2025"),
    "communes.f.district": ("Huyện (cũ)", "District (former)"),
    "communes.f.grams": ("Khối lượng (g)", "Quantity (g)"),
    "communes.f.persons": ("Số đối tượng", "Persons"),
}

TEXTS = {key: {"vi": vi, "en": en} for key, (vi, en) in _PAIRS.items()}
