"""User values in Streamlit's Markdown-rendering elements, shown as typed. No Streamlit here.

``st.markdown``, ``st.caption``, ``st.subheader``, ``st.info``/``warning``/``error``/``success``,
widget and metric labels all render Markdown (links, images, ``:red[...]``, ``$LaTeX$``). A
village name ``![](http://host/x.png)`` would make every browser that shows it fetch the URL.
Every value that comes from a user or a file goes through :func:`md` (or :func:`tr`, which
translates with the fields escaped) before it reaches one of them; the translation templates
themselves are trusted Markdown.
"""
from __future__ import annotations

from core.i18n import t

#: CommonMark lets any ASCII punctuation be escaped with a backslash; these are the ones
#: Markdown, GitHub-flavoured Markdown or Streamlit's directives (``:red[x]``,
#: ``:material/x:``, ``$x$``) give a meaning.
_SPECIAL = frozenset("\\`*_{}[]()#+-.!|<>~$:&=^\"'")


def md(value) -> str:
    """``value`` as text with every Markdown character escaped (shown literally, never as markup).

    >>> print(md("![x](http://a/b.png)"))
    \\!\\[x\\]\\(http\\://a/b\\.png\\)
    """
    text = "" if value is None else str(value)
    return "".join("\\" + c if c in _SPECIAL else c for c in text).replace("\n", " ")


def tr(key: str, lang: str | None, **fields) -> str:
    """``t(key, lang, **fields)`` with every field escaped by :func:`md` (numbers pass as they are)."""
    return t(key, lang, **{k: v if isinstance(v, (int, float)) and not isinstance(v, bool) else md(v)
                           for k, v in fields.items()})
