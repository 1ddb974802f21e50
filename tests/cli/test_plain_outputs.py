"""``info`` in one language at a time; ``audit`` and ``users list`` say when there is nothing to list."""
from __future__ import annotations

import _cli


def test_info_demo_note_in_the_users_language(demo_db):
    vi = _cli.bw("info", "--db", demo_db, lang="vi")
    en = _cli.bw("info", "--db", demo_db, lang="en")
    assert vi.returncode == en.returncode == 0
    assert "dữ liệu minh họa" in vi.stdout and "demo data" not in vi.stdout and "vụ việc:" in vi.stdout
    assert "demo data" in en.stdout and "minh họa" not in en.stdout and "incidents:" in en.stdout


def test_empty_users_list_and_audit_say_so(demo_db):
    users = _cli.bw("users", "list", "--db", demo_db, lang="en")
    assert users.returncode == 0, users.stderr
    assert users.stdout == "" and "No accounts yet." in users.stderr
    vi = _cli.bw("users", "list", "--db", demo_db, lang="vi")
    assert "Chưa có tài khoản nào." in vi.stderr
    audit = _cli.bw("audit", "--db", demo_db, "--user", "nobody-at-all", lang="en")
    assert audit.returncode == 0, audit.stderr
    assert audit.stdout == "" and "No audit entries match." in audit.stderr
