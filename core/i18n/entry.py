"""Incident entry, the border rule, field names in the user's language, the Vietnamese spreadsheet (vi/en)."""
TEXTS = {
    # -- field names, as a user reads them (form messages and spreadsheet headers) --------------------------
    "field.id": {"vi": "Mã vụ việc", "en": "Incident id"},
    "field.occurred_at": {"vi": "Ngày giờ xảy ra", "en": "Date and time"},
    "field.article": {"vi": "Tội danh", "en": "Offence"},
    "field.drug": {"vi": "Loại ma túy", "en": "Drug"},
    "field.quantity_g": {"vi": "Khối lượng (g)", "en": "Quantity (g)"},
    "field.tablets": {"vi": "Số viên", "en": "Tablets"},
    "field.persons": {"vi": "Số đối tượng", "en": "Persons"},
    "field.station_id": {"vi": "Đồn biên phòng", "en": "Border guard station"},
    "field.description": {"vi": "Mô tả", "en": "Description"},
    "field.outside_vietnam": {"vi": "Ngoài lãnh thổ Việt Nam (phối hợp)", "en": "Outside Vietnam (joint operation)"},
    "field.position": {"vi": "Vị trí", "en": "Position"},
    "field.lat": {"vi": "Vĩ độ", "en": "Latitude"},
    "field.lon": {"vi": "Kinh độ", "en": "Longitude"},
    "field.village_id": {"vi": "Thôn, bản", "en": "Village"},
    "field.status": {"vi": "Tình trạng", "en": "Status"},
    "field.decided_on": {"vi": "Ngày quyết định", "en": "Decision date"},
    "field.decision_ref": {"vi": "Số quyết định", "en": "Decision reference"},
    "field.review_due": {"vi": "Hạn xem xét lại", "en": "Review due"},
    "field.note": {"vi": "Ghi chú", "en": "Note"},
    "field.name": {"vi": "Tên", "en": "Name"},
    "field.commune": {"vi": "Xã", "en": "Commune"},
    "field.district": {"vi": "Huyện", "en": "District"},
    "field.population": {"vi": "Dân số", "en": "Population"},
    "field.households": {"vi": "Số hộ", "en": "Households"},
    "field.kind": {"vi": "Loại", "en": "Kind"},
    "field.facing": {"vi": "Đối diện", "en": "Facing"},
    "field.approximate": {"vi": "Vị trí gần đúng", "en": "Approximate position"},
    "field.new_name": {"vi": "Tên xã mới (từ 1/7/2025)", "en": "New commune name (from 1/7/2025)"},
    "field.area_wkt": {"vi": "Vùng phụ trách (WKT)", "en": "Area (WKT)"},
    # -- the border rule ---------------------------------------------------------------------------------------
    "import.lao_side": {"vi": "nằm bên phía Lào của đường biên giới Việt Nam – Lào, cách đường biên giới {km:.1f} km "
                              "(chỉ chấp nhận trong {tol:g} km vì đường biên giới lưu trữ là đường tổng quát hóa "
                              "≈1 km). Vụ việc phối hợp bên kia biên giới: ghi outside_vietnam = có",
                        "en": "lies on the Lao side of the Vietnam–Laos border, {km:.1f} km from the border line "
                              "(only {tol:g} km are accepted, as the stored line is a ≈1 km generalisation). "
                              "A joint operation across the border: set outside_vietnam = yes"},
    "import.outside_denied": {"vi": "outside_vietnam = có (vụ việc ngoài lãnh thổ Việt Nam) cần quyền {need}; "
                                    "{user} ({role}) không có quyền này",
                              "en": "outside_vietnam = yes (a case outside Vietnam) needs the {need} role; "
                                    "{user} ({role}) does not hold it"},
    "import.outside_audit": {"vi": "vụ việc ngoài lãnh thổ Việt Nam", "en": "incidents outside Vietnam"},
    "auth.cap.cross_border": {"vi": "ghi vụ việc ngoài lãnh thổ Việt Nam", "en": "record a case outside Vietnam"},
    # -- the entry form ----------------------------------------------------------------------------------------
    "entry.coord_mode": {"vi": "Cách nhập tọa độ", "en": "Coordinates as"},
    "entry.mode.deg": {"vi": "Độ (thập phân hoặc độ-phút-giây)", "en": "Degrees (decimal or DMS)"},
    "entry.mode.vn2000": {"vi": "VN-2000 x/y (Quảng Trị, kinh tuyến trục 106°15′)",
                          "en": "VN-2000 x/y (Quảng Trị, central meridian 106°15′)"},
    "entry.lat": {"vi": "Vĩ độ (WGS 84)", "en": "Latitude (WGS 84)"},
    "entry.lon": {"vi": "Kinh độ (WGS 84)", "en": "Longitude (WGS 84)"},
    "entry.deg_help": {"vi": "Ví dụ: 16.614056 · 16,614056 · 16°36'50,6\"B · 106°36'03\"Đ",
                       "en": "E.g. 16.614056 · 16°36'50.6\"N · 106°36'03\"E · 16°36'50,6\"B"},
    "entry.x": {"vi": "x VN-2000 (m, hướng Đông)", "en": "x VN-2000 (m, easting)"},
    "entry.y": {"vi": "y VN-2000 (m, hướng Bắc)", "en": "y VN-2000 (m, northing)"},
    "entry.xy_help": {"vi": "EPSG:9212, x là hướng Đông (≈ 500 000), y là hướng Bắc (≈ 1 800 000)",
                      "en": "EPSG:9212, x is the easting (≈ 500,000), y the northing (≈ 1,800,000)"},
    "entry.preview": {"vi": "Vị trí: {lat:.6f}, {lon:.6f} (WGS 84) · VN-2000 x {x:.2f}, y {y:.2f}",
                      "en": "Position: {lat:.6f}, {lon:.6f} (WGS 84) · VN-2000 x {x:.2f}, y {y:.2f}"},
    "entry.side.vn": {"vi": "phía Việt Nam, cách đường biên giới {km:.1f} km",
                      "en": "Vietnamese side, {km:.1f} km from the border line"},
    "entry.side.near": {"vi": "sát đường biên giới ({km:.1f} km)", "en": "at the border line ({km:.1f} km)"},
    "entry.side.unknown": {"vi": "ngoài đoạn biên giới của tỉnh", "en": "beyond the province's stretch of border"},
    "entry.lao_warning": {"vi": "Vị trí này nằm bên phía Lào, cách đường biên giới {km:.1f} km (quá {tol:g} km): "
                                "sẽ không được lưu. Kiểm tra lại tọa độ, hoặc đánh dấu \"{flag}\" nếu đây là vụ việc "
                                "phối hợp bên kia biên giới.",
                          "en": "This point is on the Lao side, {km:.1f} km from the border line (over {tol:g} km): "
                                "it will not be saved. Check the coordinates, or tick \"{flag}\" if this is a joint "
                                "operation across the border."},
    "entry.lao_flagged": {"vi": "Vị trí bên phía Lào, cách đường biên giới {km:.1f} km; được ghi là vụ việc ngoài "
                                "lãnh thổ Việt Nam (ghi vào nhật ký).",
                          "en": "Point on the Lao side, {km:.1f} km from the border line; recorded as a case "
                                "outside Vietnam (audited)."},
    "entry.refused_lao": {"vi": "Không lưu: vị trí nằm bên phía Lào, cách đường biên giới {km:.1f} km (quá {tol:g} km).",
                          "en": "Not saved: the point is on the Lao side, {km:.1f} km from the border line "
                                "(over {tol:g} km)."},
    "entry.bad_coord": {"vi": "{field}: {reason}", "en": "{field}: {reason}"},
    "entry.flag_help": {"vi": "Chỉ cho vụ việc phối hợp bên kia biên giới; được ghi vào nhật ký.",
                        "en": "Only for a joint operation across the border; written to the audit log."},
    "map.incidents.outside": {"vi": "Vụ việc ngoài lãnh thổ Việt Nam (phối hợp): viền đứt nét",
                              "en": "Case outside Vietnam (joint operation): dashed ring"},
    "map.incidents.outside_tip": {"vi": "ngoài lãnh thổ VN", "en": "outside Vietnam"},
    # -- the Vietnamese spreadsheet (.vi.csv) ------------------------------------------------------------------
    "ui.exp.fmt.vi.csv": {"vi": "Bảng tính tiếng Việt (.vi.csv, Excel tiếng Việt)",
                          "en": "Vietnamese spreadsheet (.vi.csv, Excel in Vietnamese)"},
    "ui.exp.fmt.kml": {"vi": "KML (.kml, Google Earth)", "en": "KML (.kml, Google Earth)"},
    "ui.exp.fmt.kmz": {"vi": "KMZ (.kmz, Google Earth nén)", "en": "KMZ (.kmz, zipped Google Earth)"},
    "ui.exp.fmt.gpx": {"vi": "GPX (.gpx, máy GPS cầm tay)", "en": "GPX (.gpx, handheld GPS)"},
    "ui.exp.fmt.zip": {"vi": "Shapefile nén (.zip)", "en": "Zipped Shapefile (.zip)"},
    "ui.exp.fmt.fgb": {"vi": "FlatGeobuf (.fgb)", "en": "FlatGeobuf (.fgb)"},
    "export.vi.commune_old": {"vi": "Xã (trước 1/7/2025)", "en": "Commune (before 1/7/2025)"},
    "export.vi.commune_new": {"vi": "Xã (từ 1/7/2025)", "en": "Commune (from 1/7/2025)"},
    "export.vi.village": {"vi": "Thôn, bản", "en": "Village"},
    "export.vi.article_code": {"vi": "Điều (BLHS 2015)", "en": "Article (Penal Code 2015)"},
    "export.vi.lat": {"vi": "Vĩ độ (WGS 84)", "en": "Latitude (WGS 84)"},
    "export.vi.lon": {"vi": "Kinh độ (WGS 84)", "en": "Longitude (WGS 84)"},
    "export.vi.x": {"vi": "x VN-2000 (m, hướng Đông)", "en": "x VN-2000 (m, easting)"},
    "export.vi.y": {"vi": "y VN-2000 (m, hướng Bắc)", "en": "y VN-2000 (m, northing)"},
    "export.vi.yes": {"vi": "Có", "en": "Yes"},
    "export.vi.no": {"vi": "Không", "en": "No"},
}
