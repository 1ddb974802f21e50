"""Call a route of ``ui.routes`` in-process, the way Starlette would (no HTTP client needed).

``send_file(at, key, name, data)`` posts a file to ``/bw/upload`` with the ticket the page gave
the AppTest session for picker ``key`` (what the picker's script does in a browser), then reruns.
"""
from __future__ import annotations

import asyncio
import threading
from urllib.parse import quote

from starlette.requests import Request


def call(handler, *, method: str = "POST", path: str = "/", headers: dict | None = None, body: bytes = b"",
         cookies: dict | None = None):
    """Run ``handler`` on one request; returns the Starlette response."""
    raw = [(k.lower().encode("latin-1"), str(v).encode("latin-1")) for k, v in (headers or {}).items()]
    if cookies:
        raw.append((b"cookie", "; ".join(f"{k}={v}" for k, v in cookies.items()).encode("latin-1")))
    raw.append((b"content-length", str(len(body)).encode()))
    sent = []

    async def receive():
        if sent:
            return {"type": "http.disconnect"}
        sent.append(True)
        return {"type": "http.request", "body": body, "more_body": False}

    scope = {"type": "http", "method": method, "path": path, "headers": raw, "query_string": b""}
    # A session-scoped Playwright browser (tests/conftest.py) keeps its event loop marked as running in the
    # main thread of the pytest worker, so the route runs on a loop of its own in a short-lived thread.
    out: dict = {}

    def run() -> None:
        try:
            out["response"] = asyncio.run(handler(Request(scope, receive)))
        except BaseException as exc:  # re-raised in the caller's thread
            out["error"] = exc

    worker = threading.Thread(target=run, name="route-call")
    worker.start()
    worker.join()
    if "error" in out:
        raise out["error"]
    return out["response"]


def send_file(at, key: str, name: str, data: bytes, *, run: bool = True):
    """Post ``data`` as file ``name`` to the picker ``key`` of AppTest ``at`` (through ``ui.routes.upload``)."""
    from ui import routes
    from ui.upload import TICKET_KEY

    ticket = at.session_state[TICKET_KEY][key]
    resp = call(routes.upload, path="/bw/upload", body=data,
                headers={"X-Borderwatch": "1", "X-Borderwatch-Ticket": ticket, "X-Borderwatch-Name": quote(name)})
    assert resp.status_code == 200, resp.body
    if run:
        at.run()
    return resp
