"""borderwatch dashboard (Streamlit). Start with ``borderwatch serve --db PATH``.

Page config, language, login, sidebar, session state and tabs. Everything that does not
touch Streamlit lives in data/, layers/ and the st-free modules of ui/.
"""
from __future__ import annotations

import streamlit as st

from core import roles
from core.errors import BorderwatchError
from core.i18n import t
from ui import (
    admin,
    auth,
    cache,
    data_tab,
    edit,
    guard,
    header,
    hotspots_tab,
    map_tab,
    projector,
    sidebar,
    state,
    stats_tab,
    villages_tab,
)
from ui.context import Ctx
from ui.text import md, tr

# The page icon is an emoji (drawn by the browser): a ":material/..." icon would be fetched from fonts.gstatic.com.
st.set_page_config(page_title="borderwatch", page_icon="🛡️", layout="wide", initial_sidebar_state="expanded")

# The tabs: id -> (module with render(ctx), capabilities of which one shows the tab). Labels: ui.tab.<id>.
TABS = {
    "map": (map_tab, (roles.MAP,)),
    "hotspots": (hotspots_tab, (roles.AGGREGATES,)),
    "stats": (stats_tab, (roles.AGGREGATES,)),
    "villages": (villages_tab, (roles.AGGREGATES,)),
    "data": (data_tab, (roles.IMPORT, roles.EXPORT)),
    "edit": (edit, (roles.INCIDENT_ENTRY, roles.VILLAGE_STATUS)),
    "admin": (admin, (roles.USERS,)),
}


def _open_store():
    path = cache.db_path()
    try:
        con = cache.cursor(path)
        return path, con, cache.revision(path)
    except BorderwatchError as exc:
        st.error(tr("ui.store_error", state.lang(), msg=str(exc)))
        st.stop()


def _on_tab() -> None:
    labels = st.session_state.get("_bw_tab_labels", {})
    st.session_state["tab_id"] = labels.get(st.session_state.get("tab"), state.TABS[0])


def _tabs(ctx: Ctx) -> None:
    lang = ctx.lang
    visible = [tab_id for tab_id in state.TABS if any(ctx.can(c) for c in TABS[tab_id][1])]
    if not visible:
        return
    labels = {tab_id: t(f"ui.tab.{tab_id}", lang) for tab_id in visible}
    st.session_state["_bw_tab_labels"] = {v: k for k, v in labels.items()}
    if st.session_state.get("tab_id") not in labels:
        st.session_state["tab_id"] = visible[0]
    st.session_state["tab"] = labels[st.session_state["tab_id"]]
    containers = st.tabs(list(labels.values()), key="tab", on_change=_on_tab)
    for tab_id, box in zip(visible, containers, strict=True):
        if not box.open:
            continue
        with box, guard.shield(lang, tab_id):
            TABS[tab_id][0].render(ctx)


def main() -> None:
    cache.process_start()
    path, con, rev = _open_store()
    facts = cache.store_facts(path, rev)
    state.init_state(con, span=(facts["first"], facts["last"]))
    lang = sidebar.language_switch()
    st.set_page_config(page_title=t("ui.page_title", lang))
    user = auth.gate(con, lang=lang)
    cache.static_root()
    sidebar.render(facts, lang, can_project=roles.can(user, roles.BRIEFING))
    flt = state.current_filter()
    ctx = Ctx(path=path, rev=rev, flt=flt, lang=lang, user=user, facts=facts)
    for warning in state.pop_warnings():
        st.warning(md(warning))
    projecting = bool(st.session_state.get("projector")) and roles.can(user, roles.BRIEFING)
    if projecting:
        with guard.shield(lang, "projector"):
            projector.render(con, flt, lang=lang, user=user)
    else:
        with guard.shield(lang, "header"):
            header.render(ctx)
        _tabs(ctx)
    sidebar.sources(facts, lang)
    state.sync_url(flt)


with guard.shield(state.lang(), "page"):
    main()
