"""Show a folium map through the streamlit-folium component, with the rendering cached.

``st_folium(m, ...)`` renders the whole folium tree (Jinja) on every rerun. We do that
once: :func:`component_args` turns a map into the exact arguments ``st_folium`` would
send to its front end (plain strings and lists, so ``st.cache_data`` can pickle them),
and :func:`show` sends them. With ``returned_objects=[]`` panning and zooming never rerun
the script. Pinned streamlit-folium 0.27.4; ``tests/app/test_map.py`` checks that the
arguments equal what ``st_folium`` itself produces.

The dashboard's map is "live" (``layers.mapbuild.live_base`` / ``live_overlay``): the base
script stays the same while filters change, so the component keeps its iframe and map, and
the overlay script goes in the component's ``feature_group`` argument, which its front end
runs whenever it changes (streamlit-folium's dynamic-layer mechanism). ``center``/``zoom``
move the map without redrawing it.
"""
from __future__ import annotations

import folium
import streamlit as st
import streamlit_folium as stf

#: Frontend defaults when nothing is returned from the map.
_DEFAULTS: dict = {}


def component_args(m: folium.Map) -> dict:
    """The streamlit-folium component's arguments for map ``m`` (mutates ``m``: render it once)."""
    m.get_root().render()
    m.render()
    html = stf._get_html(m)
    header = stf._get_header(m)
    script = stf._get_map_string(m)
    css: list[str] = []
    js: list[str] = []
    for elem in _walk(m):
        css.extend(href for _, href in getattr(elem, "default_css", []))
        js.extend(src for _, src in getattr(elem, "default_js", []))
    return {"script": script, "header": header, "html": html, "id": stf.get_full_id(m),
            "css_links": list(dict.fromkeys(css)), "js_links": list(dict.fromkeys(js))}


def _walk(fig):
    if isinstance(fig, folium.elements.JSCSSMixin):
        yield fig
    for child in getattr(fig, "_children", {}).values():
        yield from _walk(child)


def payload_bytes(args: dict) -> int:
    """Bytes of map code sent to the browser (script + header + html + overlay, UTF-8)."""
    return sum(len(str(args.get(k) or "").encode("utf-8")) for k in ("script", "header", "html", "live"))


def show(args: dict, *, key: str = "map", height: int = 650, returned: tuple[str, ...] = ()) -> None:
    """Draw the map; ``key`` names it in ``st.session_state`` (its returned value lands there).

    ``returned``: the component values sent back (``"last_geocoder_result"`` carries the clicks that
    ``bw-tools.js`` sends); the front end sends only when one of them changes, so panning and
    zooming never rerun the script.
    """
    hash_key = stf.generate_js_hash(args["script"], key, False)
    stf._component_func(
        script=args["script"], header=args["header"], html=args["html"], id=args["id"], key=hash_key,
        height=height, width=None, returned_objects=list(returned), default=dict(_DEFAULTS), zoom=args.get("zoom"),
        center=args.get("center"), feature_group=args.get("live"), return_on_hover=False, layer_control=None,
        pixelated=False,
        css_links=args["css_links"], js_links=args["js_links"], wrap_longitude=False,
        on_change=lambda: st.session_state.__setitem__(key, st.session_state.get(hash_key, {})),
    )
