"""HTTP routes beside the Streamlit page (``server.py`` mounts them with ``st.App``).

``POST /bw/session``  body: a one-time login code (``data.websessions.begin``). Answers 204 with
                      the session cookie (``Secure; HttpOnly; SameSite=Strict; Path=/``), 403 otherwise.
``DELETE /bw/session`` forgets the cookie's session in the store and clears the cookie.
``POST /bw/upload``    the import file (``ui.upload``): saved into the folder of a ticket
                      the page issued to its session.
``GET /bw/tiles/NAME/Z/X/Y`` a tile of a registered basemap (:mod:`data.basemaps`), read from its
                      MBTiles file with ``sqlite3``, one tile per request; 204 where it has none.
                      Like Streamlit's static files it needs no login: it is a picture of the
                      terrain, served from the page's own address (127.0.0.1 by default).

Every route but the tiles wants the header ``X-Borderwatch: 1``: a page of another site cannot
send it without a CORS preflight, which these routes never grant. The tiles cannot (Leaflet fetches
them as pictures); they answer from the server's own connection and a list of basemap names read
at most once every few seconds, so a request cannot make the server open the store. The cookie is named after the
server's port (:func:`cookie_name`), so two stores served on one host keep apart.
"""
from __future__ import annotations

import logging

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

log = logging.getLogger("borderwatch.routes")
HEADER = "x-borderwatch"


def cookie_name() -> str:
    """``bw_session_<port>`` (the port this server listens on)."""
    from streamlit import config

    return f"bw_session_{config.get_option('server.port')}"


def _cursor():
    from ui import cache

    return cache.cursor(cache.db_path())


def _refused(request: Request) -> bool:
    return request.headers.get(HEADER) != "1"


def _set_cookie(response: Response, value: str, *, clear: bool = False) -> None:
    if clear:
        response.delete_cookie(cookie_name(), path="/", secure=True, httponly=True, samesite="strict")
    else:                                                           # a session cookie: gone with the browser
        response.set_cookie(cookie_name(), value, path="/", secure=True, httponly=True, samesite="strict")


async def session_begin(request: Request) -> Response:
    from data import websessions

    if _refused(request):
        return Response(status_code=403)
    code = (await request.body())[:300].decode("ascii", errors="replace").strip()
    try:
        token = await run_in_threadpool(websessions.redeem, _cursor(), code)
    except Exception:  # noqa: BLE001 -- the login itself stands; only the reload cookie is missing
        log.exception("session code not redeemed")
        return Response(status_code=500)
    if not token:
        return Response(status_code=403)
    response = Response(status_code=204, headers={"Cache-Control": "no-store"})
    _set_cookie(response, token)
    return response


async def session_end(request: Request) -> Response:
    from data import websessions

    if _refused(request):
        return Response(status_code=403)
    token = request.cookies.get(cookie_name())
    if token:
        try:
            await run_in_threadpool(websessions.end_token, _cursor(), token)
        except Exception:  # noqa: BLE001 -- the cookie still goes; the row expires with idle time
            log.exception("session not ended in the store")
    response = Response(status_code=204, headers={"Cache-Control": "no-store"})
    _set_cookie(response, "", clear=True)
    return response


async def upload(request: Request) -> Response:
    from ui import upload as uploads

    if _refused(request):
        return Response(status_code=403)
    result = await uploads.receive(request)
    return JSONResponse(result.body, status_code=result.status, headers={"Cache-Control": "no-store"})


def _tile_lookup(name: str, z: int, x: int, y: int):
    from data import basemaps
    from ui import cache

    path = basemaps.tiles_path(cache.db_path(), name, _cursor)
    if path is None:
        return None, 404
    try:
        tile = basemaps.read_tile(path, z, x, y)
    except Exception:  # noqa: BLE001 -- a file gone or damaged after registering: no tile, `basemap list` says why
        return None, 410
    return tile, 200 if tile else 204


async def tile(request: Request) -> Response:
    p = request.path_params
    try:
        z, x = int(p["z"]), int(p["x"])
        y = int(str(p["y"]).split(".")[0])
    except ValueError:
        return Response(status_code=404)
    if not (0 <= z <= 24 and 0 <= x < 2 ** z and 0 <= y < 2 ** z):
        return Response(status_code=404)
    found, status = await run_in_threadpool(_tile_lookup, p["name"], z, x, y)
    if found is None:
        return Response(status_code=status)
    body, mime = found
    return Response(body, media_type=mime, headers={"Cache-Control": "private, max-age=3600",
                                                    "X-Content-Type-Options": "nosniff"})


ROUTES = [
    Route("/bw/tiles/{name}/{z}/{x}/{y}", tile, methods=["GET"]),
    Route("/bw/session", session_begin, methods=["POST"]),
    Route("/bw/session", session_end, methods=["DELETE"]),
    Route("/bw/upload", upload, methods=["POST"]),
]
