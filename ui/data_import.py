"""Data tab, import: upload → choose layer → map columns → full validation report → commit.

Nothing is written before the user has seen the whole report (every problem with file,
row, column, reason). The commit re-validates inside one transaction
(``data.importers.commit``): all or nothing, or the valid rows with the rejected ones kept
(downloadable). The upload is saved under its own name in a per-session temporary folder,
so messages name the user's file. Per-user state lives in ``st.session_state`` (``imp_*``).
"""
from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import streamlit as st

from core import roles
from core.errors import BorderwatchError, ValidationError
from core.i18n import fmt_int, t
from data import audit, importers
from data.export import neutralise
from data.schema import LAYERS
from ui import cache, leftovers, widgets
from ui.context import Ctx
from ui.text import md, tr
from ui.upload import picker

NONE = ""                       # "no column" in the mapping selectboxes
DEFAULT_LAYER = "incidents"     # what editors import most; the form starts on it
ENCODINGS = ("", "utf-8", "cp1258", "cp1252", "utf-16", "latin-1")
_SAVED, _SOURCE, _REPORT, _RESULT = "_imp_saved", "_imp_source", "_imp_report", "_imp_result"


def _importers():
    return importers


def _take_upload(upload) -> Path:
    """The received file (``ui.upload``: already on disk under its own name); a new file resets the mapping."""
    ss = st.session_state
    saved = ss.get(_SAVED)
    if not saved or saved["id"] != upload.id:
        ss[_SAVED] = {"id": upload.id, "path": str(upload.path)}
        for key in [k for k in ss.keys() if str(k).startswith("imp_map_")]:
            del ss[key]
        ss.pop(_REPORT, None)
    return upload.path


def _signature(*parts) -> str:
    return hashlib.sha1(repr(parts).encode("utf-8")).hexdigest()[:12]


def render(ctx: Ctx) -> None:
    lang = ctx.lang
    imp = _importers()
    ss = st.session_state
    result = ss.pop(_RESULT, None)
    if result:
        _show_result(result, lang)
    c1, c2, c3 = st.columns([1, 1, 1])
    ss.setdefault("imp_layer", DEFAULT_LAYER)
    widgets.selectbox(t("ui.imp.layer", lang), list(LAYERS), key="imp_layer", lang=lang, where=c1,
                      format_func=lambda n: t(f"ui.layer.{n}", lang))
    widgets.text(t("ui.imp.crs", lang), key="imp_crs", where=c2, placeholder="EPSG:9212 / vn2000-quangtri / 4326",
                 help=t("ui.imp.crs.help", lang))
    widgets.selectbox(t("ui.imp.encoding", lang), ENCODINGS, key="imp_enc", lang=lang, where=c3,
                      format_func=lambda e: e or t("ui.imp.encoding.auto", lang), help=t("ui.imp.encoding.help", lang))
    upload = picker(t("ui.imp.file", lang), key="imp_file", lang=lang, help=t("ui.imp.file.help", lang),
                    types=tuple(e.lstrip(".") for e in imp.supported_extensions()))
    if upload is None:
        st.caption(t("ui.imp.start", lang))
        return
    path = _take_upload(upload)
    layer, crs, enc = ss["imp_layer"], (ss.get("imp_crs") or "").strip() or None, ss.get("imp_enc") or None
    sig = _signature(str(path), layer, crs, enc)
    cached = ss.get(_SOURCE)
    if cached and cached[0] == sig:
        source = cached[1]
    else:
        with st.spinner(t("ui.imp.reading", lang)):
            source = imp.read_source(path, layer=layer, crs=crs, encoding=enc, lang=lang, name=upload.name)
        ss[_SOURCE] = (sig, source)
    source = _mapping(source, lang)
    for note in source.notes:
        st.info(md(note))
    with st.expander(t("ui.imp.preview", lang, n=fmt_int(len(source.frame), lang)), expanded=False):
        st.dataframe(source.frame.head(50), hide_index=True)
    _validate_and_commit(ctx, imp, source, sig)


def _mapping(source, lang: str):
    """One selectbox per canonical field; returns the source with the user's mapping applied."""
    st.markdown(f"**{t('ui.imp.mapping', lang)}**")
    st.caption(t("ui.imp.mapping.help", lang))
    spec = LAYERS[source.layer]
    required = {f.name for f in spec.fields if f.required}
    options = [NONE, *source.columns]
    ss = st.session_state
    targets = source.targets
    cols = st.columns(4)
    chosen: dict[str, str] = {}
    for i, target in enumerate(targets):
        key = f"imp_map_{target}"
        if key not in ss or ss[key] not in options:
            ss[key] = source.column_for(target) or NONE
        label = t(f"ui.field.{target}", lang) + (" *" if target in required else "")
        widgets.selectbox(label, options, key=key, lang=lang, where=cols[i % 4],
                          format_func=lambda c: c or t("ui.imp.none", lang))
        if ss[key]:
            chosen[target] = ss[key]
    twice = {c for c in chosen.values() if list(chosen.values()).count(c) > 1}
    if twice:
        raise BorderwatchError(t("ui.imp.twice", lang, columns=", ".join(sorted(twice))))
    mapping = {col: target for target, col in chosen.items()}
    return source if mapping == source.mapping else source.with_mapping(mapping)


def _validate_and_commit(ctx: Ctx, imp, source, sig: str) -> None:
    lang = ctx.lang
    ss = st.session_state
    c1, c2 = st.columns(2)
    c1.radio(t("ui.imp.mode", lang), ["all_or_nothing", "skip_invalid"], key="imp_mode",
             format_func=lambda m: t(f"ui.imp.mode.{m}", lang))
    c2.toggle(t("ui.imp.replace", lang), key="imp_replace", help=t("ui.imp.replace.help", lang))
    replace = bool(ss.get("imp_replace"))
    full_sig = _signature(sig, sorted(source.mapping.items()), replace)
    if st.button(t("ui.imp.validate", lang), key="imp_validate", type="primary"):
        with st.spinner(t("ui.imp.validating", lang)):
            ss[_REPORT] = (full_sig, imp.validate(source, cache.cursor(ctx.path), replace=replace, lang=lang,
                                                  allow_outside=roles.can(ctx.user, roles.CROSS_BORDER),
                                                  who=ctx.user_name, role=getattr(ctx.user, "role", None)))
    held = ss.get(_REPORT)
    report = held[1] if held and held[0] == full_sig else None
    if report is None:
        st.caption(t("ui.imp.validate_first", lang))
        return
    _show_report(report, lang)
    skip = ss.get("imp_mode") == "skip_invalid"
    blocked = bool(report.file_problems) or (bool(report.problems) and not skip)
    writes = len(report.to_write())
    if blocked:
        st.error(t("ui.imp.blocked", lang))
    elif writes == 0:
        st.info(t("ui.imp.nothing", lang))
    if st.button(t("ui.imp.commit", lang, n=fmt_int(writes, lang)), key="imp_commit", type="primary",
                 disabled=blocked or writes == 0):
        _commit(ctx, imp, source, skip=skip, replace=replace)


def problems_frame(problems, lang: str) -> pd.DataFrame:
    """Problems as a table with translated headers (file, row, column, reason)."""
    return pd.DataFrame({t("ui.imp.col.file", lang): [p.file for p in problems],
                         t("ui.imp.col.row", lang): pd.array([p.row for p in problems], dtype="Int64"),
                         t("ui.imp.col.column", lang): [p.column or "" for p in problems],
                         t("ui.imp.col.reason", lang): [p.reason for p in problems]})


def _csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 with BOM (Excel shows Vietnamese); no cell a spreadsheet would run as a formula."""
    return frame.map(neutralise).to_csv(index=False).encode("utf-8-sig")


def _show_report(report, lang: str) -> None:
    st.markdown(f"**{t('ui.imp.report', lang)}**")
    cols = st.columns(5)
    counts = (("rows", report.rows), ("new", report.new), ("unchanged", report.unchanged),
              ("changed", report.changed), ("rejected", len(report.rejected_rows)))
    for col, (key, value) in zip(cols, counts, strict=True):
        col.metric(t(f"ui.imp.count.{key}", lang), fmt_int(value, lang))
    if not report.problems:
        st.success(t("ui.imp.no_problems", lang))
        return
    frame = problems_frame(report.problems, lang)
    st.warning(t("ui.imp.problems", lang, n=fmt_int(len(report.problems), lang)))
    st.dataframe(frame, hide_index=True, height=min(420, 38 + 35 * len(frame)))
    st.download_button(t("ui.imp.problems.download", lang), _csv_bytes(frame),
                       file_name=f"{Path(report.file).stem}.problems.csv", mime="text/csv", key="imp_problems_dl",
                       on_click="ignore")


def _commit(ctx: Ctx, imp, source, *, skip: bool, replace: bool) -> None:
    lang = ctx.lang
    roles.require(ctx.user, roles.IMPORT, lang)          # checked on the server, not only by hiding the tab
    con = cache.cursor(ctx.path)
    with st.status(t("ui.imp.committing", lang), expanded=True) as status:
        bar = st.progress(0.0)
        folder = leftovers.temp_folder("bw-rejects-")
        rejects = folder / f"{Path(source.file).name}.rejected.csv"
        try:
            result = imp.commit(con, source, skip_invalid=skip, replace=replace, who=ctx.user_name, lang=lang,
                                progress=lambda f, msg: bar.progress(min(max(float(f), 0.0), 1.0), text=msg),
                                rejects_csv=rejects, user=ctx.user)
        except ValidationError as exc:
            leftovers.remove_folder(folder)
            status.update(label=t("ui.imp.refused", lang), state="error")
            st.error(t("ui.imp.refused", lang))
            st.dataframe(problems_frame(exc.problems, lang), hide_index=True)
            return
        audit.log(con, ctx.user_name, "import", f"{result.layer} <- {result.file} ({result.mode}, "
                  f"import_id {result.import_id})", rows=result.rows_written)
        imp.log_outside(con, ctx.user_name, result)      # incidents flagged outside_vietnam: their own entry
        status.update(label=t("ui.imp.done", lang), state="complete")
    try:
        rejects_bytes = result.rejects_csv.read_bytes() if result.rejects_csv and result.rejects_csv.exists() else None
    finally:                                             # the bytes live in the session; the file goes now
        leftovers.remove_folder(folder)
    st.session_state[_RESULT] = {"text": tr("import.done", lang, file=result.file, layer=result.layer,
                                           rows_in=result.rows_in, new=result.rows_new, replaced=result.rows_replaced,
                                           unchanged=result.rows_unchanged, rejected=result.rows_rejected),
                                 "rejects": rejects_bytes, "rejects_name": rejects.name}
    st.session_state.pop(_REPORT, None)
    st.rerun()                                           # redraw the page with the new store revision


def _show_result(result: dict, lang: str) -> None:
    st.success(result["text"])
    if result.get("rejects"):
        st.download_button(t("ui.imp.rejects.download", lang), result["rejects"], file_name=result["rejects_name"],
                           mime="text/csv", key="imp_rejects_dl", on_click="ignore")
