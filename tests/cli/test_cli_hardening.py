"""Issue 12 on the command line: strict dates (item 15) and command modules imported plainly, so a
missing one stops the CLI instead of silently dropping a command (issue 17, item 1)."""
from __future__ import annotations

import ast
import datetime as dt
import subprocess
import sys
from pathlib import Path

import _cli
import pytest

from core.errors import InputError
from data.filters import Filter, parse_date

ROOT = Path(__file__).resolve().parents[2]


def bw(*args):
    return _cli.bw(*args, lang="en")


@pytest.mark.parametrize("text", ["2026-01-01' OR '1'='1", "2026-01-01x", "2026-01-01T10:00", "2026-01-01 00:00",
                                  "2026-1-1", "01/01/2026; DROP TABLE incidents", "1/1/26", "2026/01/01",
                                  "٢٠٢٦-٠١-٠١", "", "2026-02-30"])
def test_anything_but_a_whole_date_is_refused(text):
    with pytest.raises(InputError):
        parse_date(text)


def test_the_two_date_forms_still_parse():
    assert parse_date(" 2026-01-01 ") == dt.date(2026, 1, 1)
    assert parse_date("3/4/2024") == parse_date("03/04/2024") == dt.date(2024, 4, 3)


def test_a_url_with_a_smuggled_date_is_not_read_as_its_first_ten_characters():
    assert Filter.from_query({"date_from": "2026-01-01' OR '1'='1"}).date_from is None


def test_cli_refuses_the_injection_attempt(demo_db, tmp_path):
    out = tmp_path / "h.geojson"
    r = bw("hotspots", "--db", str(demo_db), "--from", "2026-01-01' OR '1'='1", "--out", str(out))
    assert r.returncode == 2 and "Invalid date" in r.stderr and not out.exists()


def test_command_modules_are_imported_plainly():
    source = (ROOT / "cli" / "__init__.py").read_text(encoding="utf-8")
    assert "find_spec" not in source and "_optional_commands" not in source and "_takes_name" not in source
    tree = ast.parse(source)
    imported = {a.name for node in tree.body if isinstance(node, ast.ImportFrom) and node.module == "cli"
                for a in node.names}
    assert {"audit", "backup", "users", "importing", "exporting"} <= imported


def test_a_missing_command_module_stops_the_cli_instead_of_dropping_the_command():
    """Fail closed: with ``cli.audit`` unimportable the CLI must not start with 'audit' quietly gone."""
    script = ("import sys; sys.modules['cli.audit'] = None\n"
              "from cli import main\n"
              "sys.exit(main(['audit', '--help']))")
    r = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode != 0 and "ModuleNotFoundError: import of cli.audit" in r.stderr
    assert "invalid choice" not in r.stderr
