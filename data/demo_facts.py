"""Public facts the demo is built from (see ../shared/DOMAIN.md), with their confidence.

Coordinates marked ``approx`` are the demo's placement, not survey positions: the
border communes' anchors are rough, and gates other than Lao Bảo are snapped onto the
generalised border line inside their commune. Village names stand in real border
communes; their positions and statuses are illustrative.
"""
from __future__ import annotations

# Known points (GeoNames, DOMAIN.md): lat, lon.
TOWNS = {
    "Lao Bảo": (16.61406, 106.60065),
    "Khe Sanh": (16.62825, 106.73884),
    "Krông Klang": (16.68906, 106.8874),
}

# Rough anchors of the border communes (pre-2025 names), lat, lon; illustrative placement.
COMMUNE_ANCHORS = {
    "Hướng Lập": (17.03, 106.44), "Hướng Việt": (16.96, 106.53), "Hướng Phùng": (16.86, 106.58),
    "Tân Thành": (16.65, 106.60), "Lao Bảo": (16.614, 106.605), "Tân Long": (16.59, 106.64),
    "Thuận": (16.54, 106.66), "Thanh": (16.49, 106.67), "Xy": (16.45, 106.72), "A Dơi": (16.46, 106.78),
    "Ba Tầng": (16.50, 106.82), "A Vao": (16.43, 106.86), "Húc Nghì": (16.40, 106.92),
    "Tà Rụt": (16.37, 106.90), "A Bung": (16.33, 106.95), "A Ngo": (16.30, 107.02),
}

# (id, name, kind, facing, commune, confidence); Lao Bảo at its known coordinates.
GATES = [
    ("CK-LAOBAO", "Cửa khẩu quốc tế Lao Bảo", "international_gate", "Dansavanh (Đen Sạ Vẳn), Savannakhet",
     "Lao Bảo", "H"),
    ("CK-LALAY", "Cửa khẩu quốc tế La Lay", "international_gate", "La Lay, Samouay, Salavan", "A Ngo", "H"),
    ("CK-THANH", "Cửa khẩu phụ Thanh", "secondary_gate", "Đen Vi Lay, Nong, Savannakhet", "Thanh", "M"),
    ("CK-BANCHENG", "Cửa khẩu phụ Bản Cheng", "secondary_gate", "Bản Mày, Sepon", "Hướng Phùng", "M"),
    ("CK-TARUNG", "Cửa khẩu phụ Tà Rùng", "secondary_gate", "La Cồ, Sepon", "Hướng Lập", "M"),
]
LAO_BAO_GATE = (16.614, 106.601)

# Border guard stations (Đồn Biên phòng): id, name, commune.
STATIONS = [
    ("DBP-HUONGLAP", "Đồn Biên phòng Hướng Lập", "Hướng Lập"),
    ("DBP-HUONGPHUNG", "Đồn Biên phòng Hướng Phùng", "Hướng Phùng"),
    ("DBP-LAOBAO", "Đồn Biên phòng Cửa khẩu Quốc tế Lao Bảo", "Lao Bảo"),
    ("DBP-THUAN", "Đồn Biên phòng Thuận", "Thuận"),
    ("DBP-THANH", "Đồn Biên phòng Thanh", "Thanh"),
    ("DBP-BATANG", "Đồn Biên phòng Ba Tầng", "Ba Tầng"),
    ("DBP-AVAO", "Đồn Biên phòng A Vao", "A Vao"),
    ("DBP-LALAY", "Đồn Biên phòng Cửa khẩu Quốc tế La Lay", "A Ngo"),
]

# Villages (thôn, bản, khóm) named in the border communes; positions are illustrative.
VILLAGES = {
    "Hướng Lập": ["Cù Bai", "Sê Pu", "Tà Rùng", "Xi Pa", "Cuôi"],
    "Hướng Việt": ["Tà Puồng", "Cu Ty", "Tà Rẹc", "Trăm"],
    "Hướng Phùng": ["Cheng", "Hướng Choa", "Cợp", "Phùng Lâm"],
    "Tân Thành": ["Tân Hữu", "Ka Tiêng"],
    "Lao Bảo": ["Ka Tăng", "Duy Tân", "Vĩnh Hoa", "A Xóc"],
    "Tân Long": ["Long Quy", "Làng Vây", "Long Hợp"],
    "Thuận": ["Bù", "Ván Ri", "Hồ", "Ruộng"],
    "Thanh": ["A Ho", "Thanh 1", "Thanh 4", "Tà Nua"],
    "Xy": ["Ra Ty", "Ra Man", "Xy La"],
    "A Dơi": ["Pa Roi", "A Dơi Đớ", "A Dơi Cô", "Prin"],
    "Ba Tầng": ["Ba Tầng", "Vầng", "Trằm"],
    "A Vao": ["Tân Đi 1", "Tân Đi 2", "Ra Ló", "Pa Ling", "A Sau"],
    "Tà Rụt": ["Vực Leng", "A Đăng", "A Liêng"],
    "Húc Nghì": ["La Tó", "Húc Nghì"],
    "A Bung": ["Cu Tài", "Ty Nê", "A La"],
    "A Ngo": ["La Lay", "A Đeng", "A Ngo", "Ăng Công"],
}

# Trails and openings crossing the border, anchored in a commune: id, name, kind, commune.
TRAILS = [
    ("TR-CUBAI", "Đường mòn Cù Bai", "trail", "Hướng Lập"),
    ("TR-TAPUONG", "Lối mở Tà Puồng", "opening_path", "Hướng Việt"),
    ("TR-CHENG", "Đường mòn Cheng", "trail", "Hướng Phùng"),
    ("QL9", "Quốc lộ 9 (Lao Bảo)", "road", "Lao Bảo"),
    ("TR-VANRI", "Lối mở Ván Ri", "opening_path", "Thuận"),
    ("TR-AHO", "Đường mòn A Ho", "trail", "Thanh"),
    ("TR-PAROI", "Đường mòn Pa Roi", "trail", "A Dơi"),
    ("TR-AVAO", "Lối mở A Vao", "opening_path", "A Vao"),
    ("TR-VUCLENG", "Đường mòn Vực Leng", "trail", "Tà Rụt"),
    ("QL15D", "Quốc lộ 15D (La Lay)", "road", "A Ngo"),
]

ILLUSTRATIVE_NOTE = ("Dữ liệu minh họa: vị trí thôn bản, đường mòn, trạng thái và các vụ việc là tổng hợp, "
                     "không phải số liệu thật. / Illustrative data: village positions, trails, statuses and "
                     "incidents are synthetic.")

# Where the demo plants hotspot dynamics (village names above), so emerging-hotspot categories can be seen.
PLANTED_DYNAMICS = {"new": "Cu Tài", "consecutive": "Tà Puồng", "intensifying": "Ván Ri",
                    "diminishing": "Pa Roi", "historical": "Pa Ling", "sporadic": "Cợp"}
