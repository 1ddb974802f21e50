"""A file picker that speaks the page's language, in place of ``st.file_uploader``.

Streamlit 1.67's uploader writes "Upload", "200MB per file" and "Drag and drop a file here"
in English whatever the page's language. This picker draws its own drop zone (a
``st.components.v2`` component: a label, a hidden ``<input type=file>``, a progress line)
and sends the file to the server route ``POST /bw/upload`` (``ui.routes``) with a *ticket*:

1. :func:`picker` gives the session a ticket once (a random value; the server keeps its
   SHA-256) bound to a new ``bw-upload-`` folder of the session (``ui.leftovers``, removed
   with the session at logout, expiry or when the browser goes);
2. the browser posts the file with headers ``X-Borderwatch-Ticket`` and
   ``X-Borderwatch-Name`` (the file name, URI-encoded); :func:`receive` streams it into
   ``<folder>/<upload id>/<name>``, refusing a wrong ticket, a name with a path, a type the
   importer does not read and more than ``server.maxUploadSize`` MB, and records it as the
   ticket's latest file;
3. the component then asks for a rerun, and :func:`picker` returns that latest file as an
   :class:`Upload` (name, path, size, id). The browser never says which file on the server
   it means: only what the route stored for the ticket counts.
"""
from __future__ import annotations

import dataclasses
import hashlib
import os
import re
import secrets
import shutil
import threading
import time
from pathlib import Path
from urllib.parse import unquote

import streamlit as st

from core.i18n import fmt_int, t
from ui import leftovers
from ui.text import tr

TICKET_KEY = "_bw_upload_tickets"            # session state: {picker key: ticket}
TICKET_SECONDS = 12 * 3600
_CHUNK = 1 << 20
_NAME_BAD = re.compile(r'[\x00-\x1f/\\:*?"<>|]')


@dataclasses.dataclass(frozen=True)
class Upload:
    """A file the browser sent: its own ``name``, where it lies on the server, its size and upload id."""

    id: str
    name: str
    path: Path
    size: int


@dataclasses.dataclass
class _Ticket:
    folder: Path
    types: tuple[str, ...]
    max_bytes: int
    expires: float
    latest: Upload | None = None


@dataclasses.dataclass(frozen=True)
class Received:
    status: int
    body: dict


_TICKETS: dict[str, _Ticket] = {}
_LOCK = threading.Lock()


def _digest(ticket: str) -> str:
    return hashlib.sha256(ticket.encode("utf-8")).hexdigest()


def max_bytes() -> int:
    """``server.maxUploadSize`` (MB) in bytes."""
    from streamlit import config

    return int(config.get_option("server.maxUploadSize")) * 1024 * 1024


def clean_name(raw: str) -> str | None:
    """The file's own name as the browser sent it (URI-encoded), or ``None`` if it is not a plain name.

    >>> clean_name("Th%C3%B4n%20b%E1%BA%A3n.csv"), clean_name("..%2Fetc%2Fpasswd"), clean_name("a/b.csv")
    ('Thôn bản.csv', None, None)
    """
    try:
        name = unquote(raw or "", errors="strict").strip()
    except UnicodeDecodeError:
        return None
    if not name or len(name) > 200 or name in (".", "..") or name.startswith(".") or _NAME_BAD.search(name):
        return None
    return name


def _extension_ok(name: str, types: tuple[str, ...]) -> bool:
    lower = name.lower()
    return not types or any(lower.endswith("." + ext) for ext in types)


def issue(key: str, *, types: tuple[str, ...]) -> str:
    """This session's ticket for picker ``key`` (made once; a new one if its folder has gone)."""
    ss = st.session_state
    held = ss.setdefault(TICKET_KEY, {})
    ticket = held.get(key)
    with _LOCK:
        entry = _TICKETS.get(_digest(ticket)) if ticket else None
        if entry is not None and entry.folder.is_dir() and entry.expires > time.time():
            entry.types = types
            return ticket
    ticket = secrets.token_urlsafe(32)
    folder = leftovers.temp_folder("bw-upload-")
    with _LOCK:
        _drop_expired()
        _TICKETS[_digest(ticket)] = _Ticket(folder=folder, types=types, max_bytes=max_bytes(),
                                            expires=time.time() + TICKET_SECONDS)
    held[key] = ticket
    return ticket


def _drop_expired() -> None:
    now = time.time()
    for k in [k for k, v in _TICKETS.items() if v.expires < now or not v.folder.is_dir()]:
        del _TICKETS[k]


def latest(ticket: str | None) -> Upload | None:
    """The last file received for ``ticket`` (``None`` if none, or if its file has gone)."""
    with _LOCK:
        entry = _TICKETS.get(_digest(ticket)) if ticket else None
        up = entry.latest if entry else None
    return up if up is not None and up.path.is_file() else None


def forget(ticket: str | None) -> None:
    """Drop the ticket's latest file (the user chose "remove")."""
    with _LOCK:
        entry = _TICKETS.get(_digest(ticket)) if ticket else None
        up = entry.latest if entry else None
        if entry:
            entry.latest = None
    if up is not None:
        shutil.rmtree(up.path.parent, ignore_errors=True)


async def receive(request) -> Received:
    """Store the request body as the ticket's file (see the module text); never raises."""
    ticket = request.headers.get("x-borderwatch-ticket") or ""
    with _LOCK:
        entry = _TICKETS.get(_digest(ticket)) if ticket else None
    if entry is None or entry.expires < time.time() or not entry.folder.is_dir():
        return Received(403, {"error": "ticket"})
    name = clean_name(request.headers.get("x-borderwatch-name") or "")
    if name is None:
        return Received(400, {"error": "name"})
    if not _extension_ok(name, entry.types):
        return Received(415, {"error": "type"})
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > entry.max_bytes:
        return Received(413, {"error": "size"})
    upload_id = secrets.token_hex(8)
    target_dir = entry.folder / upload_id
    target_dir.mkdir(mode=0o700)
    target = target_dir / name
    size = 0
    try:
        with open(target, "xb") as fh:
            async for chunk in request.stream():
                size += len(chunk)
                if size > entry.max_bytes:
                    raise OverflowError
                fh.write(chunk)
            fh.flush()
            os.fsync(fh.fileno())
    except OverflowError:
        shutil.rmtree(target_dir, ignore_errors=True)
        return Received(413, {"error": "size"})
    except Exception:  # noqa: BLE001 -- a broken connection or a full disk: nothing is kept
        shutil.rmtree(target_dir, ignore_errors=True)
        return Received(500, {"error": "write"})
    up = Upload(id=upload_id, name=name, path=target, size=size)
    with _LOCK:
        previous, entry.latest = entry.latest, up
    if previous is not None:
        shutil.rmtree(previous.path.parent, ignore_errors=True)
    return Received(200, {"id": upload_id, "name": name, "size": size})


# -- the component ----------------------------------------------------------------------------

_HTML = """<div class="bw-drop" tabindex="0" role="button">
  <span class="bw-icon" aria-hidden="true">&#x2912;</span>
  <span class="bw-main"></span>
  <span class="bw-limit"></span>
  <input type="file" class="bw-input" hidden>
  <div class="bw-status" role="status" aria-live="polite"></div>
</div>"""

_CSS = """
.bw-drop { display: flex; flex-wrap: wrap; align-items: center; gap: .25rem .75rem; padding: 1rem;
  border: 1px dashed rgba(49, 51, 63, .35); border-radius: .5rem; background: rgba(240, 242, 246, .6);
  cursor: pointer; font-family: "Source Sans", sans-serif; font-size: .95rem; color: rgb(49, 51, 63); }
.bw-drop:hover, .bw-drop.bw-over { border-color: rgb(255, 75, 75); background: rgba(255, 75, 75, .06); }
.bw-drop:focus-visible { outline: 2px solid rgb(255, 75, 75); }
.bw-icon { font-size: 1.3rem; }
.bw-main { font-weight: 600; }
.bw-limit { color: rgba(49, 51, 63, .6); font-size: .85rem; }
.bw-status { flex-basis: 100%; font-size: .85rem; min-height: 1.1em; }
.bw-status.bw-error { color: rgb(189, 65, 65); }
"""

_JS = """
export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  const root = parentElement.querySelector('.bw-drop');
  const input = parentElement.querySelector('.bw-input');
  const status = parentElement.querySelector('.bw-status');
  const t = data.text;
  root.setAttribute('aria-label', t.label);
  parentElement.querySelector('.bw-main').textContent = t.main;
  parentElement.querySelector('.bw-limit').textContent = t.limit;
  input.setAttribute('accept', data.types.map(e => '.' + e).join(','));
  input.setAttribute('aria-label', t.label);
  const say = (text, bad) => { status.textContent = text; status.classList.toggle('bw-error', !!bad); };
  const send = (file) => {
    if (!file) return;
    const lower = file.name.toLowerCase();
    if (data.types.length && !data.types.some(e => lower.endsWith('.' + e))) { say(t.type, true); return; }
    if (file.size > data.maxBytes) { say(t.size, true); return; }
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/bw/upload');
    xhr.setRequestHeader('X-Borderwatch', '1');
    xhr.setRequestHeader('X-Borderwatch-Ticket', data.ticket);
    xhr.setRequestHeader('X-Borderwatch-Name', encodeURIComponent(file.name));
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) say(t.sending.replace('{pct}', Math.round(100 * e.loaded / e.total)));
    };
    xhr.onload = () => {
      if (xhr.status === 200) { say(t.done); setTriggerValue('received', JSON.parse(xhr.responseText).id); }
      else { let r = {}; try { r = JSON.parse(xhr.responseText); } catch (e) {}
             say(t[r.error] || t.failed, true); }
    };
    xhr.onerror = () => say(t.failed, true);
    say(t.sending.replace('{pct}', 0));
    xhr.send(file);
  };
  root.onclick = () => input.click();
  root.onkeydown = (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); input.click(); } };
  input.onchange = () => { send(input.files[0]); input.value = ''; };
  root.ondragover = (e) => { e.preventDefault(); root.classList.add('bw-over'); };
  root.ondragleave = () => root.classList.remove('bw-over');
  root.ondrop = (e) => { e.preventDefault(); root.classList.remove('bw-over');
                         if (e.dataTransfer.files.length) send(e.dataTransfer.files[0]); };
}
"""

_COMPONENT: list = []


def _component():
    if not _COMPONENT:
        import streamlit.components.v2 as v2

        _COMPONENT.append(v2.component("borderwatch.file_picker", html=_HTML, css=_CSS, js=_JS))
    return _COMPONENT[0]


def texts(lang: str, types: tuple[str, ...], limit_bytes: int) -> dict[str, str]:
    """The picker's words in ``lang`` (also read by the tests that look for English)."""
    mb = fmt_int(limit_bytes // (1024 * 1024), lang)
    kinds = ", ".join(e.upper() for e in types)
    return {"main": t("ui.upload.main", lang), "limit": t("ui.upload.limit", lang, mb=mb, types=kinds),
            "sending": t("ui.upload.sending", lang), "done": t("ui.upload.done", lang),
            "failed": t("ui.upload.failed", lang), "type": t("ui.upload.type", lang, types=kinds),
            "size": t("ui.upload.size", lang, mb=mb), "ticket": t("ui.upload.ticket", lang),
            "name": t("ui.upload.name", lang), "write": t("ui.upload.failed", lang)}


def picker(label: str, *, key: str, lang: str, types: tuple[str, ...], help: str | None = None) -> Upload | None:
    """Draw the picker; returns the file last sent from this session's browser, or ``None``."""
    types = tuple(sorted({e.lower().lstrip(".") for e in types}))
    ticket = issue(key, types=types)
    st.markdown(f"**{label}**", help=help)
    words = {**texts(lang, types, max_bytes()), "label": label}
    _component()(key=key, data={"ticket": ticket, "types": list(types), "maxBytes": max_bytes(), "text": words},
                 on_received_change=lambda: None, height="content")
    up = latest(ticket)
    if up is not None:
        left, right = st.columns([4, 1], vertical_alignment="center")
        left.caption(tr("ui.upload.have", lang, name=up.name, kb=fmt_int(max(1, round(up.size / 1024)), lang)))
        if right.button(t("ui.upload.remove", lang), key=f"{key}_remove"):
            forget(ticket)
            st.rerun()
    return up


def ticket_of(key: str) -> str | None:
    """The session's ticket of picker ``key`` (tests post a file with it the way the browser does)."""
    return (st.session_state.get(TICKET_KEY) or {}).get(key)
