"""Waiting for the page the way a user does, for every browser test folder (importable like ``_serve``):
the script run over, a streamlit-folium map drawn and taking clicks."""
from __future__ import annotations

MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'

#: the script run is over: Streamlit's own run state on the app root, and no "running" widget
RUN_OVER = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return !!app && app.dataset.testScriptState === 'notRunning'
         && !document.querySelector('[data-testid="stStatusWidget"]');
}"""

#: inside a streamlit-folium frame: Leaflet has loaded the map, streamlit-folium listens to its clicks (the
#: frame is sized), and every image (tiles, symbols) has arrived
LEAFLET_READY = """() => typeof map_div !== 'undefined' && map_div._loaded && map_div.listens('click')
    && map_div.getSize().x > 0 && map_div.getSize().y > 0 && [...document.images].every(i => i.complete)"""


def run_over(page, timeout: float = 60_000) -> None:
    """Wait until the script run is over (call after something that run draws is on the page)."""
    page.wait_for_function(RUN_OVER, timeout=timeout)


def map_drawn(page, selector: str = MAP_FRAME, timeout: float = 60_000):
    """The first visible map frame once Leaflet has drawn it and takes clicks (a playwright ``Frame``)."""
    frame_el = page.locator(f"{selector} >> visible=true").first
    frame_el.wait_for(timeout=timeout)
    frame = frame_el.element_handle().content_frame()
    frame.wait_for_function(LEAFLET_READY, timeout=timeout)
    return frame
