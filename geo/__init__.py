"""Pure spatial analysis for borderwatch.

One concept per module: ``h3grid`` (H3 cells), ``density`` (counts, KDE),
``hotspots`` (Getis-Ord Gi*), ``emerging`` (space-time hot spot patterns),
``corridor`` (distances to border, crossings and trails), ``exposure``
(village exposure and alerts) and ``crs`` (VN-2000 helpers).

No I/O, no Streamlit, no folium: import the module you need, e.g.
``from geo.hotspots import hotspots``. Every geometry input and output is in
EPSG:4326 (lon, lat) unless a docstring says otherwise; metric work is done in
EPSG:32648 (WGS 84 / UTM 48N).
"""
