"""Data tab: upload → mapping → full report (nothing written) → commit; export; history."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from _routes import send_file

from data.store import connect
from ui.text import md

APP = str(Path(__file__).resolve().parents[2] / "app.py")

CSV = ("Mã,Ngày,Điều,Loại ma túy,Khối lượng (g),vĩ độ,kinh độ\n"
       "T-1,03/04/2025,250,ma túy đá,120.5,16.62,106.62\n"
       "T-2,2025-04-05 21:30,249,heroin,15,16.60,106.64\n"
       "T-3,31/02/2025,250,unobtainium,1,16.61,106.63\n")


@pytest.fixture()
def rw_app(app_db, tmp_path, monkeypatch, as_role):
    """A private copy of the store (imports write) and an AppTest factory on it."""
    from streamlit.testing.v1 import AppTest

    path = tmp_path / "rw.duckdb"
    shutil.copy(app_db, path)
    monkeypatch.setenv("BORDERWATCH_DB", str(path))

    def make(role: str = "editor"):
        at = AppTest.from_file(APP, default_timeout=60)
        at.query_params["tab"] = "data"
        as_role(at, role)
        return at

    return make, path


def _scalar(path, sql: str):
    con = connect(path)
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


def _upload(at, name: str, data: bytes):
    at.run()
    send_file(at, "imp_file", name, data)
    assert not at.exception, at.exception
    return at


def test_report_before_anything_is_written_then_commit_valid_rows(rw_app):
    make, path = rw_app
    before = _scalar(path, "SELECT count(*) FROM incidents")
    at = _upload(make(), "vu_viec.csv", CSV.encode("utf-8"))
    at.selectbox(key="imp_layer").set_value("incidents").run()
    assert at.selectbox(key="imp_map_occurred_at").value == "Ngày"       # recognised automatically
    assert at.selectbox(key="imp_map_drug").value == "Loại ma túy"
    at.button(key="imp_validate").click().run()
    assert not at.exception
    problems = next(d.value for d in at.dataframe if "Lý do" in d.value.columns)
    assert set(problems["Dòng"]) == {4}                                 # file row: the header is row 1
    assert {"Ngày", "Loại ma túy"} <= set(problems["Cột"])
    assert problems["Tệp"].eq("vu_viec.csv").all()
    assert next(m.value for m in at.metric if m.label == "Dòng lỗi") == "1"
    assert _scalar(path, "SELECT count(*) FROM incidents") == before      # nothing written yet
    assert at.button(key="imp_commit").disabled                            # all or nothing: refused
    at.radio(key="imp_mode").set_value("skip_invalid").run()
    assert not at.button(key="imp_commit").disabled
    at.button(key="imp_commit").click().run()
    assert not at.exception, at.exception
    assert _scalar(path, "SELECT count(*) FROM incidents") == before + 2
    assert _scalar(path, "SELECT rows_rejected FROM import_log ORDER BY id DESC LIMIT 1") == 1
    assert _scalar(path, "SELECT who FROM import_log ORDER BY id DESC LIMIT 1") == "t_editor"
    assert _scalar(path, "SELECT count(*) FROM audit WHERE action = 'import'") >= 1
    assert any(md("vu_viec.csv") in s.value for s in at.success)          # the file name as typed, escaped
    assert [b for b in at.get("download_button") if "bị loại" in b.proto.label]
    # the header count follows the new store revision at once
    at.sidebar.selectbox(key="f_preset").set_value("all").run()
    assert next(m.value for m in at.metric if m.label == "Số vụ việc").replace(".", "") == str(before + 2)


def test_mapping_picker_maps_an_unknown_column(rw_app):
    make, path = rw_app
    data = CSV.replace("Ngày,", "khi_nao,", 1).encode("utf-8")
    at = _upload(make(), "ten_la.csv", data)
    at.selectbox(key="imp_layer").set_value("incidents").run()
    assert at.selectbox(key="imp_map_occurred_at").value == ""
    at.button(key="imp_validate").click().run()
    problems = next(d.value for d in at.dataframe if "Lý do" in d.value.columns)
    assert problems["Cột"].eq("occurred_at").any()                          # required field missing
    at.selectbox(key="imp_map_occurred_at").set_value("khi_nao").run()
    at.button(key="imp_validate").click().run()
    problems = next(d.value for d in at.dataframe if "Lý do" in d.value.columns)
    assert set(problems["Dòng"].dropna()) == {4}                         # file row: the header is row 1


def test_unreadable_file_is_one_message_not_a_traceback(rw_app):
    make, _ = rw_app
    at = make()
    at.run()
    send_file(at, "imp_file", "rong.csv", b"")
    assert not at.exception
    assert any(md("rong.csv") in e.value for e in at.error)


def test_export_prepares_a_download_and_is_audited(rw_app):
    make, path = rw_app
    at = make("analyst")
    at.run()
    assert not [c for c in at.get("bidi_component") if c.key == "imp_file"]    # analysts do not import
    at.selectbox(key="exp_layer").set_value("incidents").run()
    at.selectbox(key="exp_format").set_value(".csv").run()
    at.button(key="exp_prepare").click().run()
    assert not at.exception
    label = next(b.proto.label for b in at.get("download_button"))
    assert label.startswith("Tải incidents.csv")
    assert _scalar(path, "SELECT count(*) FROM audit WHERE action = 'export' AND who = 't_analyst'") == 1


def test_export_form_offers_every_format_of_the_cli_and_the_vietnamese_spreadsheet(rw_app):
    from data.export import GEOMETRY_ONLY, export_formats
    make, path = rw_app
    at = make("analyst")
    at.run()
    at.selectbox(key="exp_layer").set_value("incidents").run()
    offered = list(at.selectbox(key="exp_format").options)
    assert len(offered) == len(export_formats()) == 10
    assert "Bảng tính tiếng Việt (.vi.csv, Excel tiếng Việt)" in offered and "FlatGeobuf (.fgb)" in offered
    at.selectbox(key="exp_format").set_value(".vi.csv").run()
    at.button(key="exp_prepare").click().run()
    assert not at.exception
    label = next(b.proto.label for b in at.get("download_button"))
    assert label.startswith("Tải incidents.vi.csv")
    at.selectbox(key="exp_layer").set_value("village_status").run()        # no geometry: tables only
    assert len(at.selectbox(key="exp_format").options) == 10 - len(GEOMETRY_ONLY)
    assert not at.exception
