"""A tiny page that shows only the projector view (the browser test drives it).

The store comes from ``BORDERWATCH_DB``; the period from ``BW_FROM``/``BW_TO``; the
language from the ``?lang=`` query parameter. The sidebar holds one line of text so
the test can check that projector mode hides it.
"""
import datetime as dt
import os

import streamlit as st

from data.filters import Filter
from data.store import connect

st.set_page_config(page_title="projector", layout="wide", initial_sidebar_state="expanded")


@st.cache_resource
def _con(path: str):
    return connect(path)


st.sidebar.write("sidebar-should-be-hidden")
lang = st.query_params.get("lang", "vi")
if st.session_state.get("projector", True):
    from ui import projector

    flt = Filter(date_from=dt.date.fromisoformat(os.environ["BW_FROM"]),
                 date_to=dt.date.fromisoformat(os.environ["BW_TO"]))
    projector.render(_con(os.environ["BORDERWATCH_DB"]).cursor(), flt, lang=lang)
else:
    st.write("projector-closed")
