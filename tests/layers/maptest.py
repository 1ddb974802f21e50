"""Helpers for the map tests (imported by the test modules; fixtures live in conftest.py)."""
from __future__ import annotations

import re
from html.parser import HTMLParser

import folium

HOSTILE = "<img src=x onerror=alert(1)>"
HOSTILE_ESCAPED = "&lt;img src=x onerror=alert(1)&gt;"
#: The escaped text as it appears inside the page's script-safe JSON (& becomes \\u0026).
HOSTILE_IN_JSON = HOSTILE_ESCAPED.replace("&", "\\u0026")


def page_of(fg) -> str:
    """The HTML page of a map holding only ``fg`` (folium's default links are irrelevant here)."""
    m = folium.Map(location=[16.6, 106.6], tiles=None)
    fg.add_to(m)
    return m.get_root().render()


def children(el, cls) -> list:
    """Every descendant of ``el`` that is an instance of ``cls``."""
    out = []
    for child in getattr(el, "_children", {}).values():
        if isinstance(child, cls):
            out.append(child)
        out.extend(children(child, cls))
    return out


def assert_escaped(page: str) -> None:
    """The hostile text appears only escaped: no raw tag, the escaped form present."""
    assert HOSTILE not in page
    assert "<img" not in page
    assert HOSTILE_IN_JSON in page


class _Refs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.refs: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.refs += [v for k, v in attrs if k in ("src", "href") and v is not None]


def references(page: str) -> tuple[list[str], list[str]]:
    """(every src/href attribute value, every tag name) of an HTML page."""
    p = _Refs()
    p.feed(page)
    return p.refs, p.tags


EXTERNAL = re.compile(r"^\s*(https?:)?//", re.I)
