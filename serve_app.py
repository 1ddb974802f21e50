"""The server ``borderwatch serve`` starts: the dashboard (``app.py``) plus the unit's basemap tiles.

Streamlit's ASGI ``App`` (Streamlit ≥ 1.5x, Starlette server) runs ``app.py`` as usual and adds
one route, ``/bw/tiles/NAME/Z/X/Y``, that answers a tile of a registered basemap
(:mod:`data.basemaps`) read from its MBTiles file with ``sqlite3``, one tile per request. The
tiles come from the same server and address as the page (127.0.0.1 by default): the browser
asks no other host. A tile that does not exist answers 204 (Leaflet shows nothing there).
"""
from __future__ import annotations

import os

import streamlit as st
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response
from starlette.routing import Route

from data import basemaps
from data.store import default_db_path



def _lookup(name: str, z: int, x: int, y: int):
    path = basemaps.tiles_path(os.environ.get("BORDERWATCH_DB") or default_db_path(), name)
    if path is None:
        return None, 404
    try:
        tile = basemaps.read_tile(path, z, x, y)
    except Exception:  # noqa: BLE001 - a file gone or damaged after registering: no tile, the list says why
        return None, 410
    return tile, 200 if tile else 204


async def tile(request):
    p = request.path_params
    try:
        z, x = int(p["z"]), int(p["x"])
        y = int(str(p["y"]).split(".")[0])
    except ValueError:
        return Response(status_code=404)
    if not (0 <= z <= 24 and 0 <= x < 2 ** z and 0 <= y < 2 ** z):
        return Response(status_code=404)
    found, status = await run_in_threadpool(_lookup, p["name"], z, x, y)
    if found is None:
        return Response(status_code=status)
    body, mime = found
    return Response(body, media_type=mime, headers={"Cache-Control": "private, max-age=3600",
                                                    "X-Content-Type-Options": "nosniff"})


app = st.App("app.py", routes=[Route(basemaps.ROUTE + "/{name}/{z}/{x}/{y}", tile, methods=["GET"])])
