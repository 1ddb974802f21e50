"""Map set-up and small controls: page CSS, icon path, mouse position in WGS84 and VN-2000, focus ring.

VN-2000 / TM-3 106°15′ (EPSG:9212) is computed in the browser by :data:`VN2000_JS`, a
transcription of the EPSG method (no proj4js needed, nothing fetched):

1. WGS 84 latitude/longitude → geocentric X, Y, Z on the WGS 84 ellipsoid (h = 0);
2. the inverse of EPSG:6960 "VN-2000 to WGS 84 (2)", a 7-parameter coordinate-frame Helmert
   (tX −191.90441429, tY −39.30318279, tZ −111.45032835 m; rX −0.00928836″, rY +0.01975479″,
   rZ −0.00427372″; dS +0.252906278 ppm): ``P_vn = Rᵀ (P_wgs − T) / (1 + dS)``;
3. geocentric → geodetic on the same ellipsoid (VN-2000 uses the WGS 84 ellipsoid);
4. transverse Mercator, Krüger series to n⁴ (Karney 2011): lon₀ 106.25°, k₀ 0.9999,
   FE 500 000 m, FN 0.

``tests/layers/test_vn2000.py`` runs this very JS (node, and Chromium in the browser test)
against pyproj's EPSG:4326 → EPSG:9212 and requires < 1 m (it is at the millimetre level).
Vietnamese surveyors write X for northing and Y for easting; the English labels say N / E.
"""
from __future__ import annotations

from branca.element import MacroElement
from folium.elements import JSCSSMixin
from folium.template import Template

from core.i18n import t
from layers._html import esc, js_json

VN2000_JS = r"""
window.borderwatchVN2000 = window.borderwatchVN2000 || (function(){
    var a = 6378137.0, f = 1 / 298.257223563, e2 = f * (2 - f), d = Math.PI / 180, sec = Math.PI / 648000;
    var T = [-191.90441429, -39.30318279, -111.45032835];
    var rx = -0.00928836 * sec, ry = 0.01975479 * sec, rz = -0.00427372 * sec, ds = 0.252906278e-6;
    var lon0 = 106.25 * d, k0 = 0.9999, FE = 500000.0, FN = 0.0;
    var n = f / (2 - f), n2 = n * n, n3 = n2 * n, n4 = n3 * n;
    var A = a / (1 + n) * (1 + n2 / 4 + n4 / 64);
    var al = [n / 2 - 2 * n2 / 3 + 5 * n3 / 16 + 41 * n4 / 180, 13 * n2 / 48 - 3 * n3 / 5 + 557 * n4 / 1440,
              61 * n3 / 240 - 103 * n4 / 140, 49561 * n4 / 161280];
    var e = Math.sqrt(e2);
    return function(lat, lon) {
        // 1. WGS 84 geodetic -> geocentric
        var p = lat * d, l = lon * d, sp = Math.sin(p), cp = Math.cos(p);
        var N = a / Math.sqrt(1 - e2 * sp * sp);
        var X = N * cp * Math.cos(l), Y = N * cp * Math.sin(l), Z = N * (1 - e2) * sp;
        // 2. inverse coordinate-frame Helmert (EPSG:6960 reversed)
        var x = (X - T[0]) / (1 + ds), y = (Y - T[1]) / (1 + ds), z = (Z - T[2]) / (1 + ds);
        var Xv = x - rz * y + ry * z, Yv = rz * x + y - rx * z, Zv = -ry * x + rx * y + z;
        // 3. geocentric -> geodetic (fixed-point iteration, converges in a few steps)
        var q = Math.sqrt(Xv * Xv + Yv * Yv), lv = Math.atan2(Yv, Xv), pv = Math.atan2(Zv, q * (1 - e2));
        for (var i = 0; i < 6; i++) {
            var s = Math.sin(pv), Nv = a / Math.sqrt(1 - e2 * s * s), h = q / Math.cos(pv) - Nv;
            pv = Math.atan2(Zv, q * (1 - e2 * Nv / (Nv + h)));
        }
        // 4. transverse Mercator (Kruger series)
        var dl = lv - lon0, sv = Math.sin(pv);
        var tt = Math.sinh(Math.atanh(sv) - e * Math.atanh(e * sv));
        var xi0 = Math.atan2(tt, Math.cos(dl)), eta0 = Math.atanh(Math.sin(dl) / Math.sqrt(1 + tt * tt));
        var xi = xi0, eta = eta0;
        for (var j = 1; j <= 4; j++) {
            xi += al[j - 1] * Math.sin(2 * j * xi0) * Math.cosh(2 * j * eta0);
            eta += al[j - 1] * Math.cos(2 * j * xi0) * Math.sinh(2 * j * eta0);
        }
        return [FE + k0 * A * eta, FN + k0 * A * xi];   // [easting, northing] in metres
    };
})();
"""

CSS = """
.marker-cluster-small { background-color: rgba(217, 217, 217, .75); }
.marker-cluster-small div { background-color: rgba(189, 189, 189, .9); }
.marker-cluster-medium { background-color: rgba(189, 189, 189, .75); }
.marker-cluster-medium div { background-color: rgba(150, 150, 150, .9); }
.marker-cluster-large { background-color: rgba(150, 150, 150, .75); }
.marker-cluster-large div { background-color: rgba(115, 115, 115, .9); color: #fff; }
.marker-cluster div { font-weight: bold; }
.bw-icon { background: none; border: none; }
.bw-icon svg { display: block; overflow: visible; }
.bw-country { display: block; transform: translate(-50%, -50%); white-space: nowrap; pointer-events: none;
  font: bold 20px/1 Arial, sans-serif; letter-spacing: .3em; color: rgba(80, 80, 80, .45); }
.bw-pop table { border-collapse: collapse; margin-top: 4px; }
.bw-pop th { text-align: left; font-weight: normal; color: #555; padding: 1px 8px 1px 0; vertical-align: top; }
.bw-pop td { padding: 1px 0; }
.bw-legend { background: rgba(255, 255, 255, .94); padding: 6px 9px; font: 13px/1.35 Arial, sans-serif; color: #111;
  max-height: 44vh; max-width: 300px; overflow-y: auto; }
.bw-legend-title { font-weight: bold; font-size: 14px; margin-bottom: 2px; }
.bw-legend-note { color: #8a1c1c; font-weight: bold; margin: 2px 0; }
.bw-sec-title { font-weight: bold; margin-top: 6px; }
.bw-row { display: flex; align-items: center; gap: 6px; margin: 1px 0; }
.bw-sym-cell { display: inline-flex; width: 28px; justify-content: center; flex: none; }
.bw-note { color: #444; font-size: 12px; }
.bw-ramp { display: inline-block; width: 28px; height: 12px; }
.bw-mouse { background: rgba(255, 255, 255, .9); padding: 2px 6px; color: #111; white-space: nowrap;
  font: 12px/1.3 Arial, "Liberation Sans", "Noto Sans", "DejaVu Sans", sans-serif;
  font-variant-numeric: tabular-nums; }
.leaflet-control-layers-expanded { font: 13px/1.35 Arial, sans-serif; max-height: 44vh; overflow-y: auto; }
.bw-legend-title { cursor: pointer; user-select: none; }
.bw-legend-title::before { content: "\\25BE\\00a0"; }
.bw-legend.bw-collapsed { padding: 4px 9px; }
.bw-legend.bw-collapsed .bw-legend-title::before { content: "\\25B8\\00a0"; }
.bw-legend.bw-collapsed > :not(.bw-legend-title) { display: none; }
.bw-label { background: none; border: none; width: 0 !important; height: 0 !important; }
.bw-label span { position: absolute; left: 0; top: 0; transform: translate(11px, -50%); white-space: nowrap;
  pointer-events: none; font: bold 12px/1.1 Arial, "Liberation Sans", "DejaVu Sans", sans-serif; color: #1a1a1a;
  text-shadow: -1px -1px 0 #fff, 1px -1px 0 #fff, -1px 1px 0 #fff, 1px 1px 0 #fff, 0 0 3px #fff, 0 0 3px #fff; }
.bw-label-gate span { font-size: 13px; color: #00406b; transform: translate(13px, -50%); }
.bw-label-station span { color: #000; font-style: italic; transform: translate(11px, 4px); }
.bw-label-village span { font-weight: normal; font-size: 11.5px; color: #222; }
.bw-label-commune span { transform: translate(-50%, -50%); font-size: 12px; letter-spacing: .08em;
  text-transform: uppercase; color: #5a4a2a; }
.bw-search { background: #fff; width: 220px; font: 13px/1.3 Arial, "Liberation Sans", sans-serif; }
.bw-search input { width: 100%; box-sizing: border-box; border: none; padding: 6px 8px; font: inherit; outline: none; }
.bw-search-list { list-style: none; margin: 0; padding: 0; max-height: 240px; overflow-y: auto; }
.bw-search-list li { padding: 4px 8px; cursor: pointer; border-top: 1px solid #eee; }
.bw-search-list li small { color: #555; }
.bw-search-list li.bw-on, .bw-search-list li:hover { background: #e8f0fb; }
.bw-search-list li.bw-none { color: #777; cursor: default; }
.bw-tools a.bw-tool { font: bold 16px/30px Arial, "DejaVu Sans", sans-serif; text-align: center; color: #111; }
.bw-tools a.bw-on { background: #ffe7a8; }
.bw-drawing, .bw-drawing .leaflet-interactive { cursor: crosshair !important; }
path.leaflet-interactive:focus { outline: none; }
.bw-measure { font: bold 12px/1.2 Arial, "Liberation Sans", sans-serif; }
"""


class MapSetup(JSCSSMixin, MacroElement):
    """Page CSS, the map tools script, ``L.Icon.Default.imagePath`` and a plain attribution prefix.

    ``default_js`` names ``bw-tools.js`` (labels, search, measure, click-to-list; ``layers/js/``),
    which :func:`layers.mapbuild.localise_assets` points at the app's static folder.

    ``icons`` (base64 of Leaflet's marker images) makes default markers work from a standalone
    file: the image path becomes ``data:image/png;base64,`` and each icon URL is the payload.
    """

    _template = Template("""
        {% macro header(this, kwargs) %}<style>{{ this.css }}</style>{% endmacro %}
        {% macro script(this, kwargs) %}
        (function(map){
            L.Icon.Default.imagePath = {{ this.image_path_js }};
            {%- if this.icons_js %}
            var ic = {{ this.icons_js }};
            L.Icon.Default.mergeOptions({iconUrl: ic["marker-icon"], iconRetinaUrl: ic["marker-icon-2x"],
                                         shadowUrl: ic["marker-shadow"]});
            {%- endif %}
            if (map.attributionControl) { map.attributionControl.setPrefix("Leaflet"); }
            map.getContainer().style.background = {{ this.background_js }};
        })({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    default_js = [("bw-tools.js", "bw-tools.js")]

    def __init__(self, *, image_path: str, icons: dict | None = None, background: str = "#DCE6EE"):
        super().__init__()
        self._name = "MapSetup"
        self.css = CSS
        self.image_path_js = js_json(image_path)
        self.icons_js = js_json(icons) if icons else ""
        self.background_js = js_json(background)


class MousePosition(MacroElement):
    """Cursor position in WGS84 (lat, lon) and VN-2000 TM-3 106°15′ (X north, Y east), bottom left."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        {{ this.vn2000 }}
        (function(map){
            var T = {{ this.labels_js }};
            var ctl = L.control({position: "bottomleft"});
            ctl.onAdd = function() {
                var div = L.DomUtil.create("div", "bw-mouse");
                div.innerHTML = T.hint;
                return div;
            };
            ctl.addTo(map);
            function show(ll) {
                var en = window.borderwatchVN2000(ll.lat, ll.lng);
                ctl.getContainer().innerHTML = T.wgs + ": " + ll.lat.toFixed(5) + ", " + ll.lng.toFixed(5) +
                    "<br>" + T.vn + ": " + T.x + " " + en[1].toFixed(0) + "  " + T.y + " " + en[0].toFixed(0) + " m";
            }
            map.on("mousemove click", function(e){ show(e.latlng); });
        })({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, *, lang: str = "vi"):
        super().__init__()
        self._name = "MousePosition"
        self.vn2000 = VN2000_JS
        self.labels_js = js_json({k: esc(t(f"map.mouse.{v}", lang)) for k, v in
                                  {"wgs": "wgs84", "vn": "vn2000", "x": "x", "y": "y", "hint": "hint"}.items()})


class FocusRing(MacroElement):
    """A dashed ring (not in the layer control) around the location the map was centred on."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        L.circleMarker({{ this.latlon_js }}, {radius: 22, color: "#000000", weight: 3, dashArray: "5 4",
                        fill: false, interactive: true})
            .bindTooltip({{ this.label_js }}).addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, lat: float, lon: float, *, lang: str = "vi"):
        super().__init__()
        self._name = "FocusRing"
        self.latlon_js = js_json([round(float(lat), 6), round(float(lon), 6)])
        self.label_js = js_json(esc(t("map.focus", lang)))


class MapTools(MacroElement):
    """Measure a distance or an area (geodesic, WGS 84, km; ``bw.tools``) and, on the dashboard
    (``filter=True``), draw a polygon or a circle that becomes the incident filter's area."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        if (window.bw) { bw.tools({{ this._parent.get_name() }}, {{ this.texts_js }}, {filter: {{ this.filter }}}); }
        {% endmacro %}
    """)

    def __init__(self, *, lang: str = "vi", filter: bool = False):
        super().__init__()
        self._name = "MapTools"
        keys = ("distance", "area", "radius", "distance_help", "area_help", "polygon_help", "circle_help", "save_help")
        texts = {k: t(f"map.tools.{k}", lang) for k in keys}
        texts["locale"] = "vi-VN" if lang == "vi" else "en-GB"
        self.texts_js = js_json(texts)
        self.filter = "true" if filter else "false"


class MetricScale(MacroElement):
    """Leaflet's scale bar in metres and kilometres only (folium's ``control_scale`` adds miles and feet)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        L.control.scale({metric: true, imperial: false, position: "bottomleft"}).addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self):
        super().__init__()
        self._name = "MetricScale"
