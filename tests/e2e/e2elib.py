"""Names the browser tests import (a module of its own: ``from conftest import …`` resolves to whichever
``conftest`` module pytest imported first, which depends on the order the test folders run in)."""
from __future__ import annotations

USER, PASSWORD = "e2e_admin", "e2e-password-Quang-Tri-233"


def login(page, *, wait: bool = True) -> None:
    """Log in as :data:`USER`; ``wait=False`` returns after the click (the caller waits for the dashboard)."""
    page.get_by_label("Tên tài khoản").fill(USER)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    if wait:
        page.get_by_test_id("stMetricValue").first.wait_for()
