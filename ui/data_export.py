"""Data tab, export and import history.

Export writes the layer (incidents through the sidebar filter) with ``data.export`` into
a temporary file only when asked, with a watermark naming the user, logs it in the
audit log, and offers the bytes with ``st.download_button``.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

import streamlit as st

from core import roles
from core.errors import BorderwatchError
from core.i18n import fmt_int, t
from data import audit, export, queries
from data.export import neutralise
from data.schema import LAYERS
from ui import cache, frames, widgets
from ui.context import Ctx
from ui.text import md

#: Every format ``borderwatch export`` writes (``data.export.export_formats``), with its download MIME type;
#: ``.vi.csv`` is the Vietnamese spreadsheet ("bảng tính tiếng Việt", ``data.exporters.vi_csv``).
FORMATS = {".gpkg": "application/geopackage+sqlite3", ".geojson": "application/geo+json", ".csv": "text/csv",
           ".vi.csv": "text/csv", ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
           ".kml": "application/vnd.google-earth.kml+xml", ".kmz": "application/vnd.google-earth.kmz",
           ".gpx": "application/gpx+xml", ".zip": "application/zip", ".fgb": "application/octet-stream"}
_FILE = "_exp_file"


def render_export(ctx: Ctx) -> None:
    lang = ctx.lang
    ss = st.session_state
    c1, c2 = st.columns(2)
    chosen = widgets.selectbox(t("ui.exp.layer", lang), list(LAYERS), key="exp_layer", lang=lang, where=c1,
                               format_func=lambda n: t(f"ui.layer.{n}", lang))
    formats = [f for f in FORMATS if f in export.export_formats()
               and (LAYERS[chosen].geom_types or f not in export.GEOMETRY_ONLY)]
    if ss.get("exp_format") not in formats:
        ss.pop("exp_format", None)
    widgets.selectbox(t("ui.exp.format", lang), formats, key="exp_format", lang=lang, where=c2,
                      format_func=lambda f: t(f"ui.exp.fmt{f}", lang))
    layer, ext = ss["exp_layer"], ss["exp_format"]
    flt = ctx.flt if layer == "incidents" else None
    st.caption(t("ui.exp.filtered", lang) if flt is not None else t("ui.exp.whole", lang))
    sig = (ctx.path, ctx.rev, layer, ext, flt, lang)
    if st.button(t("ui.exp.prepare", lang), key="exp_prepare"):
        roles.require(ctx.user, roles.EXPORT, lang)
        with st.spinner(t("ui.working", lang)), tempfile.TemporaryDirectory(prefix="bw-export-") as tmp:
            name = f"{layer}{ext}"
            con = cache.cursor(ctx.path)
            try:
                n = export.export_layer(con, layer, Path(tmp) / name, flt=flt,
                                        watermark=export.make_watermark(ctx.user_name), lang=lang)
            except BorderwatchError as exc:         # e.g. GPX of a polygon layer: said in the user's language
                st.error(md(str(exc)))
                return
            audit.log(con, ctx.user_name, "export", f"{layer} -> {name} (dashboard)", rows=n)
            ss[_FILE] = {"sig": sig, "name": name, "rows": n, "data": (Path(tmp) / name).read_bytes()}
    held = ss.get(_FILE)
    if held and held["sig"] == sig:
        st.download_button(t("ui.exp.download", lang, name=held["name"], n=fmt_int(held["rows"], lang)), held["data"],
                           file_name=held["name"], mime=FORMATS[ext], key="exp_download", on_click="ignore",
                           type="primary")


def _cell(value):
    """A CSV cell a spreadsheet will not run as a formula (``data.export.neutralise``)."""
    return neutralise(value)


def render_history(ctx: Ctx) -> None:
    lang = ctx.lang
    log = cache.import_log(ctx.path, ctx.rev)
    if log.empty:
        st.caption(t("ui.hist.none", lang))
        return
    counts = {c: 0 for c in ("rows_in", "rows_rejected", "rows_unchanged")}
    table = frames.history_table(log, lang)
    shown = frames.shown(table.rename(columns={c: t(f"ui.hist.col.{c}", lang) for c in table.columns}), lang,
                         decimals={t(f"ui.hist.col.{c}", lang): d for c, d in counts.items()})
    date_fmt = "DD/MM/YYYY HH:mm" if lang == "vi" else "YYYY-MM-DD HH:mm"
    st.dataframe(shown, hide_index=True, key="hist_table",
                 column_config={t("ui.hist.col.at_time", lang): st.column_config.DatetimeColumn(format=date_fmt)})
    ids = [int(i) for i in log["id"] if int(log.loc[log["id"] == i, "rows_rejected"].iloc[0] or 0) > 0]
    if not ids:
        return
    widgets.selectbox(t("ui.hist.rejects_of", lang), ids, key="hist_import", lang=lang)
    rejects = queries.import_rejects(cache.cursor(ctx.path), int(st.session_state["hist_import"])).map(_cell)
    st.download_button(t("ui.hist.rejects.download", lang, n=fmt_int(len(rejects), lang)),
                       rejects.to_csv(index=False).encode("utf-8-sig"),
                       file_name=f"import_{st.session_state['hist_import']}.rejected.csv", mime="text/csv",
                       key="hist_rejects_dl", on_click="ignore")
