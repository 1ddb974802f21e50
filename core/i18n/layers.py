"""Map strings (vi/en): layer titles (``layers.*``), legend, popups and controls (``map.*``)."""
from __future__ import annotations

_TITLES = {
    "layers.basemap": ("Nền: Việt Nam – Lào (Natural Earth)", "Base: Vietnam – Laos (Natural Earth)"),
    "layers.tiles": ("Nền: máy chủ bản đồ nội bộ", "Base: local tile server"),
    "layers.border": ("Đường biên giới Việt Nam – Lào", "Vietnam – Laos border"),
    "layers.belt": ("Vành đai biên giới", "Border belt"),
    "layers.crossings": ("Cửa khẩu và lối mở", "Gates and openings"),
    "layers.trails": ("Đường mòn, lối mở", "Trails and openings"),
    "layers.villages": ("Thôn, bản (tình trạng công nhận)", "Villages (recognition status)"),
    "layers.stations": ("Đồn Biên phòng và địa bàn", "Border guard stations and areas"),
    "layers.incidents": ("Vụ việc (nhóm cụm)", "Incidents (clustered)"),
    "layers.heat": ("Bản đồ nhiệt vụ việc", "Incident heat map"),
    "layers.h3counts": ("Số vụ theo ô lục giác", "Incidents per hexagon"),
    "layers.hotspots": ("Điểm nóng Gi*", "Gi* hot spots"),
    "layers.emerging": ("Xu hướng điểm nóng", "Emerging hot spots"),
}

_MAP = {
    "map.page_title": ("Borderwatch — bản đồ phòng, chống tội phạm ma túy biên giới Quảng Trị – Lào",
                       "Borderwatch — drug crime map, Quảng Trị – Laos border"),
    "map.legend": ("Chú giải", "Legend"),
    "map.month": ("Lớp theo thời gian: tháng {month}", "Time layers: month {month}"),
    "map.empty": ("không có dữ liệu", "no data"),
    "map.country.VNM": ("VIỆT NAM", "VIETNAM"),
    "map.country.LAO": ("LÀO", "LAOS"),
    "map.country.THA": ("THÁI LAN", "THAILAND"),
    "map.country.KHM": ("CAMPUCHIA", "CAMBODIA"),
    "map.focus": ("Vị trí đang xem", "Selected location"),
    "map.station_area": ("Địa bàn đồn", "Station area"),
    "map.incidents.capped": ("{shown} vụ gần nhất trong tổng số {total} vụ", "{shown} most recent of {total} incidents"),
    "map.incidents.all": ("{total} vụ việc", "{total} incidents"),
    "map.incidents.cluster": ("Số trong vòng tròn = số vụ trong cụm", "Number in a circle = incidents in the cluster"),
    "map.heat.note": ("Cường độ theo số vụ trong ô H3 cấp {res}", "Intensity from incident counts in H3 cells (res {res})"),
    "map.heat.low": ("ít", "few"),
    "map.heat.high": ("nhiều", "many"),
    "map.h3.res": ("Ô lục giác H3 cấp {res}", "H3 hexagons, resolution {res}"),
    "map.h3.range": ("{lo}–{hi} vụ", "{lo}–{hi} incidents"),
    "map.h3.one": ("{lo} vụ", "{lo} incidents"),
    "map.gi.note": ("Ô không có ý nghĩa thống kê không tô màu", "Cells that are not significant are not drawn"),
    "map.gi.3": ("Điểm nóng, độ tin cậy 99%", "Hot spot, 99% confidence"),
    "map.gi.2": ("Điểm nóng, độ tin cậy 95%", "Hot spot, 95% confidence"),
    "map.gi.1": ("Điểm nóng, độ tin cậy 90%", "Hot spot, 90% confidence"),
    "map.gi.0": ("Không có ý nghĩa thống kê", "Not significant"),
    "map.gi.-1": ("Điểm lạnh, độ tin cậy 90%", "Cold spot, 90% confidence"),
    "map.gi.-2": ("Điểm lạnh, độ tin cậy 95%", "Cold spot, 95% confidence"),
    "map.gi.-3": ("Điểm lạnh, độ tin cậy 99%", "Cold spot, 99% confidence"),
    "map.emerging.note": ("Ô không có xu hướng không tô màu", "Cells with no pattern are not drawn"),
    "map.mouse.wgs84": ("WGS84", "WGS84"),
    "map.mouse.vn2000": ("VN-2000 (KT 106°15′, múi 3°)", "VN-2000 (TM-3 106°15′)"),
    "map.mouse.x": ("X", "N"),
    "map.mouse.y": ("Y", "E"),
    "map.mouse.hint": ("Di chuột trên bản đồ để xem tọa độ", "Move the mouse over the map to see coordinates"),
    "map.tiles.attr": ("Bản đồ nền: máy chủ nội bộ", "Base map: local tile server"),
    "map.yes": ("có", "yes"),
    "map.no": ("không", "no"),
    "map.written": ("Đã ghi bản đồ {path} ({kb} KB)", "Map written to {path} ({kb} KB)"),
    "map.bad_focus": ("--focus phải có dạng VĨ_ĐỘ,KINH_ĐỘ[,MỨC_THU_PHÓNG 0–18], nhận được: {value}",
                      "--focus must be LAT,LON[,ZOOM 0-18], got: {value}"),
    "map.bad_out": ("Tệp kết quả phải là .html, nhận được: {value}", "The output file must be .html, got: {value}"),
    "map.bad_layer": ("Lớp không hợp lệ: {value}. Các lớp hợp lệ: {valid}",
                      "Unknown layer: {value}. Valid layers: {valid}"),
}

# Popup and tooltip field labels.
_FIELDS = {
    "id": ("Mã", "ID"), "date": ("Thời gian", "Date"), "article": ("Điều (BLHS 2015)", "Article (Penal Code 2015)"),
    "drug": ("Loại ma túy", "Drug"), "quantity": ("Khối lượng (g)", "Quantity (g)"), "tablets": ("Số viên", "Tablets"),
    "persons": ("Số đối tượng", "Persons"), "station": ("Đồn Biên phòng", "Border guard station"),
    "commune": ("Xã", "Commune"), "commune_new": ("Xã (từ 1/7/2025)", "Commune (from 1/7/2025)"),
    "village": ("Thôn, bản", "Village"), "description": ("Mô tả", "Description"), "kind": ("Loại", "Kind"),
    "facing": ("Đối diện (Lào)", "Facing (Laos)"), "approximate": ("Vị trí gần đúng", "Approximate location"),
    "status": ("Tình trạng", "Status"), "decided_on": ("Ngày quyết định", "Decided on"),
    "decision_ref": ("Số quyết định", "Decision"), "review_due": ("Hạn xem xét lại", "Review due"),
    "population": ("Dân số", "Population"), "households": ("Số hộ", "Households"), "district": ("Huyện (cũ)", "District (former)"),
    "count": ("Số vụ", "Incidents"), "z": ("Gi* z", "Gi* z"), "p": ("p", "p"), "bin": ("Mức", "Bin"),
    "category": ("Xu hướng", "Pattern"), "trend": ("Xu hướng Mann-Kendall (tau, p)", "Mann-Kendall trend (tau, p)"),
    "share_hot": ("Tỷ lệ kỳ là điểm nóng", "Share of slices hot"), "cell": ("Ô H3", "H3 cell"),
}


# Short cell labels that tell apart hot spots sharing their nearest village (core.i18n.fmt_place).
_PLACE = {
    "place.cell": ("{km} km hướng {dir}", "{km} km {dir}"),
    "place.tag": ("ô {tag}", "cell {tag}"),
    "place.with_commune": ("{name} (xã {commune})", "{name} ({commune} commune)"),
    "place.compass.N": ("Bắc", "N"), "place.compass.NE": ("Đông Bắc", "NE"), "place.compass.E": ("Đông", "E"),
    "place.compass.SE": ("Đông Nam", "SE"), "place.compass.S": ("Nam", "S"), "place.compass.SW": ("Tây Nam", "SW"),
    "place.compass.W": ("Tây", "W"), "place.compass.NW": ("Tây Bắc", "NW"),
}

TEXTS: dict[str, dict[str, str]] = {
    **{k: {"vi": vi, "en": en} for k, (vi, en) in {**_TITLES, **_MAP, **_PLACE}.items()},
    **{f"map.f.{k}": {"vi": vi, "en": en} for k, (vi, en) in _FIELDS.items()},
}
