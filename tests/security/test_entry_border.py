"""The incident form guards the border: DMS and VN-2000 x/y typed, a live preview, a Lao-side point
refused before saving with its distance, field names in the user's language, the ``outside_vietnam``
flag for editors (audited)."""
from __future__ import annotations

import re
import time

import pyproj
import pytest
from seclib import ROOT
from streamlit.testing.v1 import AppTest

from data import audit
from data.store import connect

LAOS = (16.5, 106.2)                       # 40 km inside Laos: the point of the issue
KHE_SANH = (16.62825, 106.73884)
SAVE = {"vi": "FormSubmitter:edit_incident_form-Lưu vụ việc", "en": "FormSubmitter:edit_incident_form-Save incident"}


@pytest.fixture()
def form(sec_db, monkeypatch):
    monkeypatch.setenv("BORDERWATCH_DB", str(sec_db))

    def make(lang="vi", role="editor"):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
        at.query_params["lang"] = lang
        at.query_params["tab"] = "edit"
        at.session_state["auth_user"] = {"name": f"u_{role}", "role": role}
        at.session_state["auth_last_seen"] = time.time()
        at.run()
        assert not at.exception
        return at
    return make


def _count(db, sql="SELECT count(*) FROM incidents"):
    con = connect(db)
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


def _type(at, lat, lon):
    at.text_input(key="edit_lat").input(str(lat)).run()
    at.text_input(key="edit_lon").input(str(lon)).run()


def _fill(at):
    at.selectbox(key="edit_article").set_value("250")
    at.selectbox(key="edit_drug").set_value("heroin")


def test_a_point_in_laos_is_refused_before_saving_with_its_distance(form, sec_db):
    at = form("vi")
    before = _count(sec_db)
    _type(at, *LAOS)
    warn = [w.value for w in at.warning if "Lào" in w.value]            # (the demo banner is a warning too)
    assert len(warn) == 1 and "phía Lào" in warn[0] and "sẽ không được lưu" in warn[0]
    shown_km = warn[0].split("cách đường biên giới ")[1].split(" km")[0]
    assert re.fullmatch(r"\d+,\d", shown_km)                             # Vietnamese number format: 40,3
    km = float(shown_km.replace(",", "."))
    assert 30 < km < 60
    _fill(at)
    at.button(key=SAVE["vi"]).click().run()
    assert not at.exception
    assert [e.value for e in at.error] == [f"Không lưu: vị trí nằm bên phía Lào, cách đường biên giới {shown_km} km "
                                           "(quá 2 km)."]
    assert not at.success and _count(sec_db) == before


def test_messages_name_the_fields_in_the_users_language(form):
    at = form("vi")
    _type(at, *KHE_SANH)
    at.selectbox(key="edit_drug").set_value("heroin")
    at.button(key=SAVE["vi"]).click().run()
    assert not at.exception
    errors = " ".join(e.value for e in at.error)
    assert "Tội danh: thiếu giá trị bắt buộc" in errors and "article" not in errors
    at = form("en")
    _type(at, "16°36'50.6\"", "abc")
    shown = [e.value.replace("\\", "") for e in at.error]                # markdown escapes taken off
    assert len(shown) == 1 and shown[0].startswith("Longitude (WGS 84): unreadable coordinate: abc")


def test_dms_with_vietnamese_letters_and_vn2000_xy_preview_the_same_point(form, sec_db):
    at = form("vi")
    _type(at, "16°36'50,6\"B", "106°36'03\"Đ")
    preview = [p for p in (c.value.replace("\\", "") for c in at.caption) if p.startswith("Vị trí:")]
    assert len(preview) == 1 and preview[0].startswith("Vị trí: 16.614056, 106.600833 (WGS 84)")
    x, y = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:9212", always_xy=True).transform(106.600833, 16.614056)
    assert f"x {x:.2f}, y {y:.2f}" in preview[0]
    assert not [w for w in at.warning if "Lào" in w.value]
    at.radio(key="edit_mode").set_value("vn2000").run()
    at.text_input(key="edit_x").input(f"{x:.2f}".replace(".", ",")).run()
    at.text_input(key="edit_y").input(f"{y:,.2f}".replace(",", " ")).run()
    preview = [p for p in (c.value.replace("\\", "") for c in at.caption) if p.startswith("Vị trí:")]
    assert len(preview) == 1 and preview[0].startswith("Vị trí: 16.614056, 106.600833 (WGS 84)")
    _fill(at)
    at.button(key=SAVE["vi"]).click().run()
    assert not at.exception and not at.error
    con = connect(sec_db)
    try:
        lat, lon = con.execute("SELECT lat, lon FROM incidents ORDER BY rowid DESC LIMIT 1").fetchone()
    finally:
        con.close()
    assert abs(lat - 16.614056) < 1e-6 and abs(lon - 106.600833) < 1e-6


def test_an_editor_records_a_joint_operation_across_the_border_audited(form, sec_db):
    at = form("en")
    _type(at, *LAOS)
    at.checkbox(key="edit_outside").check().run()
    assert not [w for w in at.warning if "Lao side" in w.value]
    assert any("recorded as a case outside Vietnam" in i.value for i in at.info)
    _fill(at)
    at.button(key=SAVE["en"]).click().run()
    assert not at.exception and not at.error
    con = connect(sec_db)
    try:
        iid, flag = con.execute("SELECT id, outside_vietnam FROM incidents ORDER BY rowid DESC LIMIT 1").fetchone()
        entry = audit.entries(con, action="outside_vietnam", limit=1).iloc[0]
    finally:
        con.close()
    assert flag is True and entry["who"] == "u_editor" and iid in entry["what"]
