"""Data tab: import (editors), export (analysts), import history. Each part checks its capability."""
from __future__ import annotations

import streamlit as st

from core import roles
from core.i18n import t
from ui import data_export, data_import, guard
from ui.context import Ctx


def render(ctx: Ctx) -> None:
    lang = ctx.lang
    shown = False
    if ctx.can(roles.IMPORT):
        st.subheader(t("ui.data.import", lang), anchor=False)
        with guard.shield(lang, "import"):
            data_import.render(ctx)
        st.subheader(t("ui.data.history", lang), anchor=False)
        with guard.shield(lang, "history"):
            data_export.render_history(ctx)
        shown = True
    if ctx.can(roles.EXPORT):
        st.subheader(t("ui.data.export", lang), anchor=False)
        with guard.shield(lang, "export"):
            data_export.render_export(ctx)
        shown = True
    if not shown:
        st.info(t("ui.data.denied", lang))
