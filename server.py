"""The server ``borderwatch serve`` runs: the Streamlit page ``app.py`` plus the routes of ``ui.routes``
(session cookie, file upload) on one port, through Streamlit's own ``st.App``."""
import streamlit as st

from ui.routes import ROUTES

app = st.App("app.py", routes=ROUTES)
