"""Spreadsheets as units keep them (issue 11 §2): title block, merged cells, spacer rows, totals and signatures."""
from __future__ import annotations

import csv
import io

import pytest

from core.errors import InputError, ValidationError
from data.importers import import_file, read_source, validate

HEADER = ["STT", "Mã vụ việc", "Ngày xảy ra", "Vĩ độ", "Kinh độ", "Điều luật", "Loại ma túy", "Khối lượng (g)",
          "Đồn biên phòng"]


def report_workbook(path, village_points, *, bad_row: bool = False):
    """An XLSX laid out like a unit's monthly report, written with openpyxl (merges as Excel stores them).

    Rows: 1-3 title block (merged across), 4 blank, 5 header, 6-8 data with the station merged
    vertically over 6-8, 9 blank spacer, 10-11 data, 12 total, 13 blank, 14-15 signature block.
    """
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Báo cáo"
    ws["A1"] = "BỘ CHỈ HUY BỘ ĐỘI BIÊN PHÒNG TỈNH QUẢNG TRỊ"
    ws["A2"] = "BÁO CÁO KẾT QUẢ ĐẤU TRANH PHÒNG, CHỐNG TỘI PHẠM MA TÚY THÁNG 4/2024"
    ws["A3"] = "(Kèm theo Báo cáo số 123/BC-BCH ngày 30/4/2024)"
    for r in (1, 2, 3):
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=len(HEADER))
    for c, name in enumerate(HEADER, start=1):
        ws.cell(row=5, column=c, value=name)
    data_rows = [6, 7, 8, 10, 11]
    for k, r in enumerate(data_rows):
        lat, lon = village_points[k]
        values = [k + 1, f"BC-{k + 1}", f"0{k + 1}/04/2024", lat, lon, 250, "ma túy đá", [12.5, 1500, 3, 40, 0.5][k],
                  "DBP-LAOBAO" if r < 9 else "DBP-LAOBAO"]
        if bad_row and k == 3:
            values[6] = "bột trắng"
        for c, v in enumerate(values, start=1):
            if c == 9 and r in (7, 8):
                continue                       # inside the merged range: Excel keeps only the top-left value
            ws.cell(row=r, column=c, value=v)
    ws.merge_cells("I6:I8")
    ws["A12"] = "Tổng cộng"
    ws["H12"] = "=SUM(H6:H11)"
    ws["B14"] = "NGƯỜI LẬP BIỂU"
    ws["F14"] = "CHỈ HUY TRƯỞNG"
    ws["B15"] = "Nguyễn Văn A"
    ws["F15"] = "Trần Văn B"
    wb.save(path)
    return path


def ids(con):
    return [r[0] for r in con.execute("SELECT id FROM incidents WHERE id LIKE 'BC-%' ORDER BY id").fetchall()]


def test_report_workbook_imports_with_notes(demo_con, files, village_points):
    path = report_workbook(files.dir / "bao_cao.xlsx", village_points)
    src = read_source(path, layer="incidents", lang="en")
    assert list(src.rows) == [6, 7, 8, 10, 11]                         # Excel's row numbers
    assert src.mapping["Mã vụ việc"] == "id" and src.mapping["Đồn biên phòng"] == "station_id"
    assert list(src.frame["Đồn biên phòng"]) == ["DBP-LAOBAO"] * 5       # the merged cell fills rows 7 and 8
    notes = " | ".join(src.notes)
    assert "rows 1-3 above the header skipped" in notes and "header in row 5" in notes
    assert "total and signature rows skipped: 12, 14-15" in notes
    result = import_file(demo_con, "incidents", path, lang="en")
    assert result.rows_new == 5 and ids(demo_con) == [f"BC-{k}" for k in range(1, 6)]
    assert any("14-15" in n for n in result.notes)
    q = demo_con.execute("SELECT quantity_g FROM incidents WHERE id LIKE 'BC-%' ORDER BY id").fetchall()
    assert [r[0] for r in q] == [12.5, 1500, 3, 40, 0.5]


def test_problem_rows_are_excel_rows(demo_con, files, village_points):
    path = report_workbook(files.dir / "bao_cao.xlsx", village_points, bad_row=True)
    with pytest.raises(ValidationError) as err:
        import_file(demo_con, "incidents", path, lang="en")
    (p,) = err.value.problems
    assert (p.row, p.column) == (10, "Loại ma túy") and "bột trắng" in p.reason


def test_header_row_option(demo_con, files, village_points):
    path = report_workbook(files.dir / "bao_cao.xlsx", village_points)
    assert list(read_source(path, layer="incidents", header_row=5).rows) == [6, 7, 8, 10, 11]
    with pytest.raises(InputError) as err:
        read_source(path, layer="incidents", header_row=4, lang="en")
    assert "--header-row 4" in str(err.value) and "blank" in str(err.value)
    # a header whose names the automatic search cannot recognise is found by --header-row, mapped by --map
    from openpyxl import load_workbook
    wb = load_workbook(path)
    for c, name in enumerate(["n", "c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8"], start=1):
        wb.active.cell(row=5, column=c, value=name)
    wb.save(path)
    mapping = {"c1": "id", "c2": "occurred_at", "c3": "lat", "c4": "lon", "c5": "article", "c6": "drug"}
    src = read_source(path, layer="incidents", header_row=5, mapping=mapping)
    assert list(src.rows) == [6, 7, 8, 10, 11] and validate(src, demo_con).ok


def test_csv_with_title_lines_and_footer(demo_con, files, village_points):
    buf = io.StringIO(newline="")
    w = csv.writer(buf, delimiter=";")
    w.writerow(["BÁO CÁO THÁNG 4/2024"] + [""] * 8)          # Excel pads a title line with separators
    w.writerow([""] * 9)
    w.writerow(HEADER)
    for k in range(3):
        lat, lon = village_points[k]
        w.writerow([k + 1, f"BC-{k + 1}", "03/04/2024", str(lat).replace(".", ","), str(lon).replace(".", ","),
                    "250", "heroin", "1.500", "DBP-LAOBAO"])
    w.writerow(["Cộng", "", "", "", "", "", "", "4.500", ""])
    w.writerow(["Quảng Trị, ngày 30 tháng 4 năm 2024"] + [""] * 8)
    path = files.raw("bc.csv", buf.getvalue())
    src = read_source(path, layer="incidents", lang="en")
    assert list(src.rows) == [4, 5, 6] and src.numbers.decimal == "comma"
    assert any("7-8" in n for n in src.notes)
    import_file(demo_con, "incidents", path)
    q = demo_con.execute("SELECT quantity_g FROM incidents WHERE id LIKE 'BC-%'").fetchall()
    assert [r[0] for r in q] == [1500.0] * 3


def test_subtotal_in_the_middle_is_skipped_but_later_rows_are_kept(demo_con, files, village_points):
    header = ["id", "occurred_at", "lat", "lon", "article", "drug"]
    rows = [["S-1", "2024-04-03", *village_points[0], "250", "heroin"],
            ["Cộng tháng 3", "", "", "", "", ""],
            ["S-2", "2024-04-04", *village_points[1], "250", "heroin"]]
    src = read_source(files.csv("sub.csv", header, rows), layer="incidents", lang="en")
    assert list(src.frame["id"]) == ["S-1", "S-2"] and list(src.rows) == [2, 4]
    assert validate(src, demo_con).ok


def test_several_sheets_need_layer(demo_con, files, village_points):
    from openpyxl import Workbook
    wb = Workbook()
    header = ["id", "occurred_at", "lat", "lon", "article", "drug"]
    for title, prefix in (("Tháng 3", "M3"), ("Tháng 4", "M4")):
        ws = wb.create_sheet(title)
        ws.append(header)
        ws.append([f"{prefix}-1", "2024-04-03", *village_points[0], "250", "heroin"])
    del wb["Sheet"]
    path = files.dir / "hai.xlsx"
    wb.save(path)
    with pytest.raises(InputError) as err:
        read_source(path, layer="incidents", lang="en")
    assert "Tháng 3, Tháng 4" in str(err.value) and "--layer" in str(err.value)
    assert list(read_source(path, layer="incidents", source_layer="tháng 4").frame["id"]) == ["M4-1"]
    with pytest.raises(InputError) as err:
        read_source(path, layer="incidents", source_layer="Tháng 5", lang="en")
    assert "Tháng 5" in str(err.value) and "Tháng 4" in str(err.value)
