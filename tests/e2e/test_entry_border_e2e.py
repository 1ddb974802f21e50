"""The entry form in Chromium at 1366×768: a point typed 40 km inside Laos is warned about and refused
before saving, with its distance; a click on the Lao side of the map gets the same warning."""
from __future__ import annotations

import re
import time

import pytest
from _browser import MAP_FRAME, map_drawn

pytestmark = pytest.mark.browser

WARNING = re.compile(r"Vị trí này nằm bên phía Lào, cách đường biên giới (\d+,\d) km \(quá 2 km\): sẽ không được lưu")


def test_entry_form_refuses_a_point_in_laos_before_saving(open_page, idle, shots):
    page, _ = open_page(1366, 768, "/?tab=edit")
    idle(page)
    page.get_by_text("Bấm lên bản đồ để đặt vị trí vụ việc").wait_for()
    lat, lon = page.get_by_label("Vĩ độ (WGS 84)"), page.get_by_label("Kinh độ (WGS 84)")
    lat.fill("16°30'00\"B")                                # 16.5 N 106.2 E, 40 km inside Laos, typed as DMS
    lat.press("Tab")
    idle(page)
    lon.fill("106.2")
    lon.press("Tab")
    idle(page)
    warning = page.get_by_test_id("stAlert").filter(has_text=WARNING)
    warning.wait_for()
    shown_km = WARNING.search(warning.inner_text()).group(1)          # Vietnamese number format: 40,3
    assert 30 < float(shown_km.replace(",", ".")) < 60
    assert page.get_by_text(re.compile(r"Vị trí: 16\.500000, 106\.200000 \(WGS 84\)")).is_visible()

    form = page.get_by_test_id("stForm").first
    for label, typed in (("Tội danh", "250 "), ("Loại ma túy", "Heroin")):
        form.get_by_test_id("stSelectbox").filter(has_text=label).locator("input").click()
        page.keyboard.type(typed)
        page.get_by_role("option").first.wait_for()
        page.keyboard.press("Enter")
    save = page.get_by_role("button", name="Lưu vụ việc")
    save.scroll_into_view_if_needed()
    save.click()
    idle(page)
    refused = page.get_by_text(f"Không lưu: vị trí nằm bên phía Lào, cách đường biên giới {shown_km} km (quá 2 km).")
    refused.wait_for()
    refused.scroll_into_view_if_needed()
    assert refused.is_visible()
    assert page.get_by_text(re.compile("Đã lưu vụ việc")).count() == 0
    page.screenshot(path=str(shots / "entry_border_refused_1366.png"))

    # a click on the Lao side of the map: the same warning
    lat.fill("")
    lat.press("Tab")
    idle(page)
    frame = page.locator(MAP_FRAME).first
    frame.scroll_into_view_if_needed()
    map_drawn(page)                                        # Leaflet has drawn the map and takes clicks
    box = frame.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.5)   # west of the border: Laos
    deadline = time.monotonic() + 30
    while not lat.input_value() and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    idle(page)
    clicked = float(lon.input_value())
    warning = page.get_by_test_id("stAlert").filter(has_text=WARNING)
    warning.wait_for()
    assert clicked < 106.6
    warning.scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "entry_border_click_1366.png"))
