"""Cell values: dates (ISO and dd/mm/yyyy), numbers, booleans, enum codes, NFC text."""
from __future__ import annotations

import datetime as dt
import unicodedata

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from data.importers.values import (
    BadValue,
    clean_text,
    is_blank,
    parse_bool,
    parse_date,
    parse_enum,
    parse_float,
    parse_int,
    parse_timestamp,
)


@pytest.mark.parametrize("text, expected", [
    ("2024-04-03", dt.datetime(2024, 4, 3)),
    ("03/04/2024", dt.datetime(2024, 4, 3)),            # 3 April, not 4 March
    ("3/4/2024", dt.datetime(2024, 4, 3)),
    ("03-04-2024", dt.datetime(2024, 4, 3)),
    ("03.04.2024", dt.datetime(2024, 4, 3)),
    ("03/04/2024 14:30", dt.datetime(2024, 4, 3, 14, 30)),
    ("03/04/2024 14h30", dt.datetime(2024, 4, 3, 14, 30)),
    ("2024-04-03 14:30:15", dt.datetime(2024, 4, 3, 14, 30, 15)),
    ("2024-04-03T14:30:15.250", dt.datetime(2024, 4, 3, 14, 30, 15, 250000)),
    ("2024/04/03 14:30:00", dt.datetime(2024, 4, 3, 14, 30)),   # GDAL's KML text: year first
    ("2024-04-03T07:30:00Z", dt.datetime(2024, 4, 3, 14, 30)),  # UTC → Vietnam time
    ("2024-04-03T14:30:00+07:00", dt.datetime(2024, 4, 3, 14, 30)),
    ("  2024-04-03  ", dt.datetime(2024, 4, 3)),
])
def test_timestamps_iso_and_day_first(text, expected):
    assert parse_timestamp(text) == expected


def test_typed_dates_pass_through():
    assert parse_timestamp(dt.datetime(2024, 4, 3, 9, 5)) == dt.datetime(2024, 4, 3, 9, 5)
    assert parse_timestamp(dt.date(2024, 4, 3)) == dt.datetime(2024, 4, 3)
    assert parse_timestamp(pd.Timestamp("2024-04-03 09:05")) == dt.datetime(2024, 4, 3, 9, 5)
    assert parse_timestamp(np.datetime64("2024-04-03T09:05")) == dt.datetime(2024, 4, 3, 9, 5)
    assert parse_timestamp(pd.Timestamp("2024-04-03 02:00", tz="UTC")) == dt.datetime(2024, 4, 3, 9, 0)
    assert parse_date("03/04/2024 23:59") == dt.date(2024, 4, 3)


@pytest.mark.parametrize("text", ["31/02/2024", "2024-02-30", "29/02/2023", "2024-13-01", "00/01/2024",
                                  "03/04/2024 25:00", "01/01/1850"])
def test_impossible_dates(text):
    with pytest.raises(BadValue) as err:
        parse_timestamp(text)
    assert err.value.key == "import.impossible_date"
    assert err.value.fields["value"] == text


@pytest.mark.parametrize("text", ["hôm qua", "2024", "04/2024", "2024-4", "3 tháng 4 2024", "12:30"])
def test_unparseable_dates(text):
    with pytest.raises(BadValue) as err:
        parse_timestamp(text)
    assert err.value.key == "import.bad_date"


def test_leap_day_is_fine():
    assert parse_date("29/02/2024") == dt.date(2024, 2, 29)


@pytest.mark.parametrize("text, expected", [
    ("12", 12.0), ("12.5", 12.5), ("1,5", 1.5), ("1.234,5", 1234.5), ("1,234.5", 1234.5),
    ("1.234.567", 1234567.0), ("1,234,567", 1234567.0), (" 3 ", 3.0), ("1 234,5", 1234.5), (7, 7.0), (0.25, 0.25),
])
def test_numbers_with_vietnamese_and_english_separators(text, expected):
    assert parse_float(text) == expected


@pytest.mark.parametrize("text, key", [("abc", "import.bad_number"), ("nan", "import.bad_number"),
                                       ("inf", "import.bad_number"), ("-1", "import.negative"),
                                       ("1.2.3", "import.bad_number"), (True, "import.bad_number")])
def test_bad_numbers(text, key):
    with pytest.raises(BadValue) as err:
        parse_float(text)
    assert err.value.key == key


def test_integers():
    assert parse_int("12") == 12
    assert parse_int("12.0") == 12
    assert parse_int(3.0) == 3
    assert parse_int("1.200") == 1200      # thousands, Vietnamese style
    assert parse_int("1,200") == 1200
    assert parse_int("12.000.000") == 12_000_000
    with pytest.raises(BadValue) as err:
        parse_int("1.5")
    assert err.value.key == "import.not_integer"


@pytest.mark.parametrize("text, expected", [("có", True), ("Có", True), ("KHÔNG", False), ("khong", False),
                                            ("true", True), ("0", False), (1, True), ("x", True), ("no", False)])
def test_booleans(text, expected):
    assert parse_bool(text) is expected


def test_bad_boolean():
    with pytest.raises(BadValue):
        parse_bool("maybe")


@pytest.mark.parametrize("enum, text, code", [
    ("drug", "ma túy đá", "methamphetamine"),
    ("drug", "MA TUY DA", "methamphetamine"),
    ("drug", "Ma Túy Đá", "methamphetamine"),
    ("drug", "methamphetamine", "methamphetamine"),
    ("drug", "hồng phiến", "synthetic_tablets"),
    ("drug", "HONG PHIEN", "synthetic_tablets"),
    ("drug", unicodedata.normalize("NFD", "hồng phiến"), "synthetic_tablets"),
    ("article", "Điều 250", "250"),
    ("article", "dieu 256a", "256a"),
    ("article", 250, "250"),
    ("article", 250.0, "250"),
    ("status", "Được công nhận", "recognised"),
    ("crossing_kind", "cua khau quoc te", "international_gate"),
])
def test_enums_accept_codes_and_vietnamese_labels(enum, text, code):
    assert parse_enum(enum, text) == code


def test_unknown_enum_lists_valid_values():
    with pytest.raises(BadValue) as err:
        parse_enum("drug", "bogus", lang="en")
    assert err.value.key == "import.bad_enum"
    valid = err.value.fields["valid"]
    for code in ("heroin", "methamphetamine", "synthetic_tablets", "cannabis", "opium", "other"):
        assert code in valid
    assert "Crystal methamphetamine" in valid
    with pytest.raises(BadValue) as err:
        parse_enum("drug", "bogus", lang="vi")
    assert "Ma túy đá" in err.value.fields["valid"]


def test_text_is_nfc_and_control_characters_are_stripped():
    nfd = unicodedata.normalize("NFD", "Thôn A Dơi, ma túy đá")
    assert nfd != "Thôn A Dơi, ma túy đá"
    assert clean_text(nfd) == "Thôn A Dơi, ma túy đá"
    assert clean_text("a\x00b\x07c\x1b[0m\x7f\x85d") == "abc[0md"
    assert clean_text("left\u202eright\u2066x\u2069") == "leftrightx"
    assert clean_text("line 1\r\nline 2\rline 3\tend") == "line 1\nline 2\nline 3\tend"
    assert clean_text("  <script>alert(1)</script>  ") == "<script>alert(1)</script>"
    assert clean_text(123.0) == "123"


def test_blank_cells():
    assert all(is_blank(v) for v in (None, "", "   ", float("nan"), pd.NaT, pd.NA, np.datetime64("NaT")))
    assert not any(is_blank(v) for v in (0, "0", False, "x"))


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_clean_text_property(s):
    out = clean_text(s)
    assert unicodedata.is_normalized("NFC", out)
    assert out == out.strip()
    assert clean_text(out) == out            # idempotent
    bad = [c for c in out if (unicodedata.category(c) == "Cc" and c not in "\n\t")
           or 0x202A <= ord(c) <= 0x202E or 0x2066 <= ord(c) <= 0x2069]
    assert not bad


def test_every_importer_message_exists_in_both_languages():
    import re
    from pathlib import Path

    from core.i18n import TEXTS

    root = Path(__file__).resolve().parents[2]
    sources = [*sorted((root / "data" / "importers").glob("*.py")), root / "data" / "export.py",
               root / "cli" / "importing.py", root / "cli" / "exporting.py"]
    used = {k for f in sources for k in re.findall(r'"((?:import|export)\.[a-z_.0-9]+)"', f.read_text("utf-8"))}
    assert used and not used - set(TEXTS)
    for key in {k for k in TEXTS if k.startswith(("import.", "export."))}:
        vi, en = TEXTS[key]["vi"], TEXTS[key]["en"]
        assert vi and en and vi != en or key.startswith("import.rejects."), key
        assert set(re.findall(r"{(\w+)", vi)) == set(re.findall(r"{(\w+)", en)), key
