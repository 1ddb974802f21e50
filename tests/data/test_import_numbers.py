"""Number format per file (issue 11 §1): decimal comma vs decimal point, decided from evidence, never guessed."""
from __future__ import annotations

import csv
import io

import pytest

from core.errors import ValidationError
from data.importers import import_file, read_source, validate
from data.importers.number_format import COMMA, POINT, Convention, NumberError, decide, evidence, to_float
from data.importers.values import BadValue, parse_float, parse_int

HEADER = ["id", "occurred_at", "lat", "lon", "article", "drug", "quantity_g", "tablets", "persons"]


def vn(x: float, decimals: int = 6) -> str:
    """``x`` as Vietnamese Excel shows it: dot thousands, decimal comma (written out, not parsed)."""
    whole, _, frac = f"{x:,.{decimals}f}".partition(".")
    frac = frac.rstrip("0")
    return whole.replace(",", ".") + ("," + frac if frac else "")


def vn_excel_csv(files, name, rows) -> object:
    """A "CSV (comma delimited)" as Excel saves it in a Vietnamese locale: ';' separated, UTF-8 with BOM, CRLF."""
    buf = io.StringIO(newline="")
    w = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    w.writerow(HEADER)
    w.writerows(rows)
    return files.raw(name, buf.getvalue().encode("utf-8-sig"))


# What the officers typed, and what it means.
QUANTITIES = [("1.500", 1500.0), ("1.234,5", 1234.5), ("12,5", 12.5), ("0,25", 0.25), ("350", 350.0)]
TABLETS = [("12.000", 12000), ("", None), ("1.200", 1200), ("7", 7), ("1.000.000", 1_000_000)]


def vn_rows(village_points, quantities=QUANTITIES, tablets=TABLETS):
    rows = []
    for k, ((q, _), (tab, _)) in enumerate(zip(quantities, tablets, strict=True)):
        lat, lon = village_points[k]
        rows.append([f"VN-{k + 1}", f"0{k + 1}/04/2024 14:30", vn(lat), vn(lon), "250", "ma túy đá", q, tab,
                     str(k + 1)])
    return rows


def stored(con, ids="VN-%"):
    return con.execute("SELECT id, quantity_g, tablets, lat, lon FROM incidents WHERE id LIKE ? ORDER BY id",
                       [ids]).fetchall()


def test_vietnamese_excel_csv_quantities_round_trip_exactly(demo_con, files, village_points, snapshot):
    path = vn_excel_csv(files, "bao_cao.csv", vn_rows(village_points))
    src = read_source(path, layer="incidents")
    assert src.numbers.decimal == COMMA and not src.numbers.mixed
    result = import_file(demo_con, "incidents", path)
    assert result.rows_new == 5 and result.rows_rejected == 0
    got = stored(demo_con)
    assert [r[1] for r in got] == [q for _, q in QUANTITIES]          # exact, no tolerance
    assert [r[2] for r in got] == [t for _, t in TABLETS]
    for (lat, lon), r in zip(village_points[:len(got)], got, strict=True):
        assert (r[3], r[4]) == pytest.approx((lat, lon), abs=1e-6)   # six decimals written
    # the values written back in Vietnamese format are the texts the officer typed
    assert [vn(r[1], 2) for r in got] == [q for q, _ in QUANTITIES]
    before = snapshot(demo_con)
    again = import_file(demo_con, "incidents", path)
    assert again.rows_unchanged == 5 and again.rows_new == 0
    assert snapshot(demo_con)["incidents"] == before["incidents"]


def test_decimal_commas_in_coordinates_decide_even_in_a_comma_separated_file(demo_con, files, village_points):
    rows = vn_rows(village_points)
    path = files.csv("phay.csv", HEADER, rows)            # ',' separated: the csv module quotes "16,61..."
    assert b'"1.234,5"' in path.read_bytes()
    src = read_source(path, layer="incidents")
    assert src.numbers.decimal == COMMA and src.numbers.source[0] == "lat"
    import_file(demo_con, "incidents", path)
    assert [r[1] for r in stored(demo_con)] == [q for _, q in QUANTITIES]


@pytest.mark.parametrize("lang, words", [("en", ["2.5", "decimal comma", "1.234,5", "column lat, row 2"]),
                                         ("vi", ["2.5", "dấu phẩy thập phân", "cột lat, dòng 2"])])
def test_a_value_not_fitting_the_convention_is_refused_naming_it(demo_con, files, village_points, snapshot,
                                                                 lang, words):
    quantities = list(QUANTITIES)
    quantities[3] = ("2.5", None)                       # a thousands group of one digit
    path = vn_excel_csv(files, "sai.csv", vn_rows(village_points, quantities))
    before = snapshot(demo_con)
    with pytest.raises(ValidationError) as err:
        import_file(demo_con, "incidents", path, lang=lang)
    assert snapshot(demo_con) == before
    (p,) = err.value.problems
    assert (p.row, p.column) == (5, "quantity_g")       # the row a text editor shows (header is line 1)
    for w in words:
        assert w in p.reason, p.reason
    # one row refused; the others still read by the file's convention
    result = import_file(demo_con, "incidents", path, skip_invalid=True)
    assert result.rows_rejected == 1
    assert [r[1] for r in stored(demo_con)] == [1500.0, 1234.5, 12.5, 350.0]


def _plain_rows(village_points, quantities, tablets=None):
    """Coordinates as GPS writes them (decimal point, not evidence), quantities as given."""
    tablets = tablets or [""] * len(quantities)
    return [[f"VN-{k + 1}", "2024-04-03", *village_points[k], "250", "heroin", q, tab, 1]
            for k, (q, tab) in enumerate(zip(quantities, tablets, strict=True))]


def test_ambiguous_values_without_evidence_are_refused_not_guessed(demo_con, files, village_points, snapshot):
    path = files.csv("mo_ho.csv", HEADER, _plain_rows(village_points, ["1.500", "350", "12.000"]))
    src = read_source(path, layer="incidents")
    assert not src.numbers.decided and not src.numbers.mixed
    report = validate(src, demo_con, lang="en")
    assert [(p.row, p.column) for p in report.problems] == [(2, "quantity_g"), (4, "quantity_g")]
    assert all("could be a decimal or a thousands group" in p.reason and "--decimal comma" in p.reason
               for p in report.problems)
    before = snapshot(demo_con)
    with pytest.raises(ValidationError):
        import_file(demo_con, "incidents", path)
    assert snapshot(demo_con) == before
    import_file(demo_con, "incidents", path, decimal="comma")
    assert [r[1] for r in stored(demo_con)] == [1500.0, 350.0, 12000.0]


def test_decimal_point_option_reads_dot_as_decimal(demo_con, files, village_points):
    path = files.csv("cham.csv", HEADER, _plain_rows(village_points, ["1.500", "350", '12,000.5']))
    import_file(demo_con, "incidents", path, decimal="point")
    assert [r[1] for r in stored(demo_con)] == [1.5, 350.0, 12000.5]


def test_weak_evidence_from_another_row_decides(demo_con, files, village_points):
    path = files.csv("yeu.csv", HEADER, _plain_rows(village_points, ["1.500", "12,5", "2"]))
    assert read_source(path, layer="incidents").numbers.decimal == COMMA
    import_file(demo_con, "incidents", path)
    assert [r[1] for r in stored(demo_con)] == [1500.0, 12.5, 2.0]


def test_file_mixing_both_formats_refuses_only_the_ambiguous_values(demo_con, files, village_points):
    path = files.csv("tron.csv", HEADER, _plain_rows(village_points, ["12,5", "2.5", "1.500"]))
    src = read_source(path, layer="incidents")
    assert src.numbers.mixed
    report = validate(src, demo_con, lang="en")
    (p,) = report.problems
    assert p.row == 4 and "both number formats" in p.reason and "12,5" in p.reason and "2.5" in p.reason


def test_whole_number_column_reads_the_only_whole_reading(demo_con, files, village_points):
    path = files.csv("vien.csv", HEADER, _plain_rows(village_points, ["", "", ""], ["1.200", "12.000", "7"]))
    report = validate(read_source(path, layer="incidents"), demo_con, lang="en")
    (p,) = report.problems                     # 12.000 is 12 or 12000: refused; 1.200 can only be 1200
    assert (p.row, p.column) == (3, "tablets")
    assert report.valid.sort_values("id")["tablets"].tolist() == [1200, 7]


def test_semicolon_separator_alone_decides_comma(demo_con, files, village_points):
    path = files.csv("sc.csv", HEADER, _plain_rows(village_points, ["1.500", "350"]), delimiter=";")
    src = read_source(path, layer="incidents")
    assert src.numbers.decimal == COMMA and src.numbers.source[0] == ";"


def test_semicolon_file_with_a_decimal_point_refuses_the_ambiguous_value(demo_con, files, village_points):
    """A new-user trial: ``;`` (Excel in a comma locale) with ``0.5`` beside ``1.500`` stored 1.5 g silently.
    The separator and the cell disagree: ``0.5`` has one reading and is read, ``1.500`` is refused (row 2)."""
    path = files.csv("sc2.csv", HEADER, _plain_rows(village_points, ["1.500", "0.5"]), delimiter=";")
    src = read_source(path, layer="incidents")
    assert src.numbers.mixed and src.numbers.source[0] == ";"
    report = validate(src, demo_con, lang="en")
    (p,) = report.problems
    assert (p.row, p.column) == (2, "quantity_g") and "both number formats" in p.reason and ";" in p.reason
    assert report.valid["quantity_g"].tolist() == [0.5]
    ok = files.csv("sc3.csv", HEADER, _plain_rows(village_points, ["1.500", "0.5"]), delimiter=";")
    import_file(demo_con, "incidents", ok, decimal="point")       # the user says which: then it is exact
    assert sorted(r[1] for r in stored(demo_con)) == [0.5, 1.5]


def test_xlsx_with_vietnamese_numbers_as_text_cells(demo_con, files, village_points):
    rows = vn_rows(village_points)
    path = files.xlsx("bao_cao.xlsx", HEADER, rows, text_cells=True)
    from openpyxl import load_workbook
    ws = load_workbook(path).active
    assert ws["G2"].data_type == "s" and ws["G2"].value == "1.500" and ws["C2"].value == vn(village_points[0][0])
    import_file(demo_con, "incidents", path)
    got = stored(demo_con)
    assert [r[1] for r in got] == [q for _, q in QUANTITIES]
    assert [r[2] for r in got] == [t for _, t in TABLETS]


def test_xlsx_number_cells_need_no_convention(demo_con, files, village_points):
    rows = [[f"VN-{k + 1}", "2024-04-03", *village_points[k], "250", "heroin", q, None, 1]
            for k, q in enumerate([1500, 1.5, 12000.25])]
    path = files.xlsx("so.xlsx", HEADER, rows)
    import_file(demo_con, "incidents", path)
    assert [r[1] for r in stored(demo_con)] == [1500.0, 1.5, 12000.25]


@pytest.mark.parametrize("text, conv, expected", [
    ("1.500", COMMA, 1500.0), ("1.500", POINT, 1.5), ("1,500", POINT, 1500.0), ("1,500", COMMA, 1.5),
    ("1.234,5", None, 1234.5), ("1,234.5", None, 1234.5), ("0.500", None, 0.5), ("0,500", None, 0.5),
    ("1.5000", None, 1.5), ("12", COMMA, 12.0), ("1 234 567,25", COMMA, 1234567.25),
    ("12.000.000", None, 12e6), ("-1.234,5", COMMA, -1234.5),
])
def test_to_float(text, conv, expected):
    assert to_float(text, Convention(conv)) == expected


@pytest.mark.parametrize("text, conv, key", [
    ("2.5", COMMA, "import.number_convention"), ("1,234.5", COMMA, "import.number_convention"),
    ("2,5", POINT, "import.number_convention"), ("1.500", None, "import.number_ambiguous"),
    ("1.2.3", None, "import.bad_number"), ("nan", None, "import.bad_number"), ("1,2,3", COMMA, "import.bad_number"),
])
def test_to_float_refusals(text, conv, key):
    with pytest.raises(NumberError) as err:
        to_float(text, Convention(conv))
    assert err.value.key == key


def test_parsers_carry_the_convention():
    assert parse_float("1.500", Convention(COMMA)) == 1500.0
    assert parse_int("12.000", Convention(COMMA)) == 12000
    with pytest.raises(BadValue) as err:
        parse_int("12.000")
    assert err.value.key == "import.number_ambiguous"
    with pytest.raises(BadValue) as err:
        parse_int("12,5", Convention(COMMA))
    assert err.value.key == "import.not_integer"


def test_evidence_levels():
    assert evidence("16,614056", coordinate="degrees") == (COMMA, True)
    assert evidence("16°36'50,6\"B", coordinate="degrees") == (COMMA, True)
    assert evidence("16.614056", coordinate="degrees") is None        # GPS and Google Maps write this anywhere
    assert evidence("537123,45", coordinate="xy") == (COMMA, True)
    assert evidence("537123.45", coordinate="xy") is None
    assert evidence("1,234,567") == (POINT, True)
    assert decide([], user="comma").decimal == COMMA
    strong_beats_weak = decide([("q", 2, "2.5", None), ("lat", 3, "16,6", "degrees")])
    assert strong_beats_weak.decimal == COMMA and strong_beats_weak.source == ("lat", 3, "16,6")


@pytest.mark.parametrize("module", ["data.importers.number_format", "data.importers.values", "data.importers.coords"])
def test_docstring_examples(module):
    import doctest
    import importlib
    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted and not result.failed


def test_exponent_form_is_recognised_in_linear_time():
    """``1.5e3`` is the exponent form and a long run of digits is not; the pattern no longer backtracks over the
    run (40,000 digits took 8 s, a CSV cell may hold 128 kB)."""
    from data.importers import number_format

    assert number_format._EXP.fullmatch("1.5e3") and number_format._EXP.fullmatch("-.5E-2")
    assert number_format._EXP.fullmatch("12.") is None and number_format._EXP.fullmatch("1" * 200_000) is None
    assert number_format._EXP.fullmatch("1" * 200_000 + "e5")


@pytest.mark.parametrize("text", ["1 5", "500 30", "1'5", "2 3", "1_5", "1 2345"])
def test_spaces_that_do_not_group_thousands_are_refused(text):
    """Spaces (or ' _) inside a number are thousands separators only between groups of three: ``1 5`` is not 15."""
    with pytest.raises(NumberError) as err:
        to_float(text)
    assert err.value.args[0] == "import.bad_grouping"
    with pytest.raises(BadValue):
        parse_int(text)


@pytest.mark.parametrize("text, want", [("500 300", 500300.0), ("1 500 000", 1500000.0), ("1 234,5", 1234.5),
                                        ("1\u00a0500,5", 1500.5), ("1'234", 1234.0), ("- 5", -5.0)])
def test_thousands_in_threes_are_read(text, want):
    assert to_float(text) == want


def test_an_exponent_that_underflows_is_refused_and_a_long_value_is_cut_in_the_message():
    with pytest.raises(BadValue) as err:
        parse_float("1e-400")
    assert err.value.key == "import.number_underflow"
    assert parse_float("0e5") == 0.0
    with pytest.raises(BadValue) as err:
        parse_float("1" * 100_000 + "e5")
    assert len(str(err.value.fields["value"])) <= 60


def test_a_quantity_over_100_tonnes_is_refused_not_summed(demo_con, files, village_points, snapshot):
    """1e308 g was stored (and turned every sum it entered into infinity); 2e8 g is 200 t in one case, a unit
    or typing error. Both are refused naming the row; 100 t itself and the ordinary values are kept."""
    path = files.csv("nhieu.csv", HEADER, _plain_rows(village_points, ["1e308", "200000000", "100000000", "12.5"]))
    before = snapshot(demo_con)
    with pytest.raises(ValidationError) as err:
        import_file(demo_con, "incidents", path, lang="en")
    assert snapshot(demo_con) == before
    problems = err.value.problems
    assert [(p.row, p.column) for p in problems] == [(2, "quantity_g"), (3, "quantity_g")]
    assert [p.reason for p in problems] == [
        "too large for one case: 1e+308 g (over 100 t); check the unit (grams)",
        "too large for one case: 200,000,000 g (over 100 t); check the unit (grams)"]
    result = import_file(demo_con, "incidents", path, skip_invalid=True)
    assert result.rows_rejected == 2
    assert [r[1] for r in stored(demo_con)] == [1e8, 12.5]


def test_an_exponent_in_a_decimal_comma_file_says_why_it_is_refused(demo_con, files, village_points):
    quantities = list(QUANTITIES)
    quantities[2] = ("1,5e3", None)
    path = vn_excel_csv(files, "mu.csv", vn_rows(village_points, quantities))
    with pytest.raises(ValidationError) as err:
        import_file(demo_con, "incidents", path, lang="en")
    (p,) = err.value.problems
    assert (p.row, p.column) == (4, "quantity_g")
    assert p.reason == "an exponent (e) in a file with decimal commas: write the number out (1500, not 1,5e3): 1,5e3"


def test_a_quantity_just_over_the_limit_is_shown_in_full(demo_con, files, village_points):
    """Rounded to six digits, 100.000.000,01 g read "1e+08 g (over 100 t)": the limit itself, which is accepted."""
    path = vn_excel_csv(files, "sat.csv", vn_rows(village_points, [("100.000.000,01", None), *QUANTITIES[1:]]))
    with pytest.raises(ValidationError) as err:
        import_file(demo_con, "incidents", path, lang="vi")
    (p,) = err.value.problems
    assert p.reason.startswith("quá lớn cho một vụ: 100.000.000,01 g (hơn 100 t)"), p.reason
