/* borderwatch map tools: zoom-dependent labels, place search, collapsible panels, click-to-list,
   distance/area measurement and draw-to-filter. Written for this project; served from the app's own
   static folder (layers/assets.py), never from a CDN. Needs Leaflet 1.9 only. */
(function () {
    "use strict";
    if (window.bw) { return; }
    var bw = window.bw = {};

    // -- text ----------------------------------------------------------------------------------
    /** Lower case without Vietnamese diacritics ("Lao Bảo" -> "lao bao", "Đakrông" -> "dakrong"). */
    bw.fold = function (s) {
        return String(s || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "")
            .replace(/[đĐ]/g, "d").toLowerCase().replace(/[^a-z0-9]+/g, " ").trim();
    };
    function esc(s) {
        return String(s).replace(/[&<>"']/g, function (c) {
            return {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;"}[c];
        });
    }
    bw.esc = esc;

    // -- talking to the page (streamlit-folium's returned value) ---------------------------------
    var sent = 0;
    /** Send ``obj`` to the dashboard: streamlit-folium returns it as ``last_geocoder_result``. */
    bw.send = function (map, obj) {
        var g = window.__GLOBAL_DATA__;
        if (!g) { return false; }
        sent += 1;
        obj.n = sent + "-" + Date.now();          // a new value every time, so the same cell can be sent twice
        g.last_geocoder_result = obj;     // a slot streamlit-folium fills only from its geocoder plug-in (not used here)
        map.fire("moveend");                      // streamlit-folium sends its value on moveend
        return true;
    };

    /** True when the page listens to what :func:`bw.send` sends (the dashboard's main map does). */
    bw.canSend = function () {
        var g = window.__GLOBAL_DATA__;
        return !!(g && g.returned_objects && g.returned_objects.indexOf("last_geocoder_result") >= 0);
    };

    // -- labels ------------------------------------------------------------------------------------
    /** Permanent labels shown from ``minZoom`` on, inside ``group`` (so they follow the layer's switch).
        items: [[lat, lon, text], ...] (text already escaped on the server). */
    bw.labels = function (map, group, items, minZoom, cls) {
        var lg = L.layerGroup();
        items.forEach(function (it) {
            var icon = L.divIcon({className: "bw-label " + (cls || ""), html: "<span>" + it[2] + "</span>",
                                  iconSize: null, iconAnchor: [0, 0]});
            lg.addLayer(L.marker([it[0], it[1]], {icon: icon, interactive: false, keyboard: false,
                                                 pane: map.getPane("bw_labels") ? "bw_labels" : "markerPane"}));
        });
        function sync() {
            var on = map.getZoom() >= minZoom;
            if (on && !group.hasLayer(lg)) { group.addLayer(lg); }
            else if (!on && group.hasLayer(lg)) { group.removeLayer(lg); }
        }
        map.on("zoomend", sync);
        sync();
        return lg;
    };

    // -- collapsible panels ----------------------------------------------------------------------
    /** Start collapsed when the browser window is narrower than ``width`` px. */
    bw.narrow = function (width) {
        var w = window.innerWidth;
        try { w = Math.max(w, window.parent.innerWidth || 0); } catch (e) { /* other origin */ }
        return w < width;
    };
    /** Make a legend box collapsible by a click on its title; ``open`` is the first state. */
    bw.collapsible = function (div, open) {
        var title = div.querySelector(".bw-legend-title");
        if (!title) { return; }
        function set(o) {
            div.classList.toggle("bw-collapsed", !o);
            title.setAttribute("aria-expanded", o ? "true" : "false");
        }
        title.setAttribute("role", "button");
        title.setAttribute("tabindex", "0");
        L.DomEvent.on(title, "click", function () { set(div.classList.contains("bw-collapsed")); bw._legendOpen = !div.classList.contains("bw-collapsed"); });
        set(bw._legendOpen === undefined ? open : bw._legendOpen);
    };

    // -- search ----------------------------------------------------------------------------------
    function score(place, q) {
        var best = 9;
        place.f.forEach(function (f) {
            var s = f === q ? 0 : f.indexOf(q) === 0 ? 1 : (" " + f).indexOf(" " + q) >= 0 ? 2 : f.indexOf(q) >= 0 ? 3 : 9;
            if (s < best) { best = s; }
        });
        return best;
    }
    /** A search box (top left) over ``places``: [{n: name, a: [other names], k: kind label, o: kind order,
        y: lat, x: lon, z: zoom}]. Finds names with or without diacritics and flies to the chosen one. */
    bw.search = function (map, places, T) {
        places.forEach(function (p) { p.f = [p.n].concat(p.a || []).map(bw.fold); });
        var ctl = L.control({position: "topleft"});
        var marker = null;
        ctl.onAdd = function () {
            var div = L.DomUtil.create("div", "bw-search leaflet-bar");
            div.innerHTML = "<input type=\"search\" autocomplete=\"off\" aria-label=\"" + esc(T.label) +
                "\" placeholder=\"" + esc(T.placeholder) + "\"><ul class=\"bw-search-list\" role=\"listbox\"></ul>";
            L.DomEvent.disableClickPropagation(div);
            L.DomEvent.disableScrollPropagation(div);
            var input = div.querySelector("input"), list = div.querySelector("ul"), hits = [], active = 0;
            function go(p) {
                list.innerHTML = "";
                input.value = p.n;
                map.flyTo([p.y, p.x], p.z, {duration: 0.8});
                if (marker) { marker.remove(); }
                marker = L.circleMarker([p.y, p.x], {radius: 18, color: "#000", weight: 3, dashArray: "5 4",
                                                     fill: false, interactive: false}).addTo(map);
                window.bwSearched = {name: p.n, lat: p.y, lon: p.x, zoom: p.z};
            }
            function show() {
                var q = bw.fold(input.value);
                hits = [];
                if (q.length >= 2) {
                    hits = places.map(function (p) { return [score(p, q), p.o || 0, p]; })
                        .filter(function (h) { return h[0] < 9; })
                        .sort(function (a, b) { return a[0] - b[0] || a[1] - b[1] || (a[2].n < b[2].n ? -1 : 1); })
                        .slice(0, 8).map(function (h) { return h[2]; });
                }
                active = 0;
                list.innerHTML = hits.length ? hits.map(function (p, i) {
                    return "<li role=\"option\" data-i=\"" + i + "\"" + (i === 0 ? " class=\"bw-on\"" : "") + ">" +
                        esc(p.n) + " <small>" + esc(p.k) + (p.a && p.a.length ? " · " + esc(p.a.join(", ")) : "") +
                        "</small></li>";
                }).join("") : (q.length >= 2 ? "<li class=\"bw-none\">" + esc(T.none) + "</li>" : "");
            }
            input.addEventListener("input", show);
            input.addEventListener("keydown", function (e) {
                if (e.key === "Enter" && hits.length) { go(hits[active]); e.preventDefault(); }
                else if (e.key === "ArrowDown" || e.key === "ArrowUp") {
                    active = (active + (e.key === "ArrowDown" ? 1 : hits.length - 1)) % Math.max(hits.length, 1);
                    [].forEach.call(list.children, function (li, i) { li.classList.toggle("bw-on", i === active); });
                    e.preventDefault();
                } else if (e.key === "Escape") { list.innerHTML = ""; }
            });
            list.addEventListener("click", function (e) {
                var li = e.target.closest("li[data-i]");
                if (li) { go(hits[+li.getAttribute("data-i")]); }
            });
            return div;
        };
        return ctl.addTo(map);
    };

    // -- click to list -----------------------------------------------------------------------------
    /** Clicking a hexagon of ``group`` sends {kind: "cell", layer, res, lat, lon} to the page. */
    bw.cellClicks = function (group, layerName, res) {
        group.on("click", function (e) {
            if (group._map && !group._map.getContainer().classList.contains("bw-drawing")) {
                bw.send(group._map, {kind: "cell", layer: layerName, res: res, lat: e.latlng.lat, lon: e.latlng.lng});
            }
        });
    };
    /** Clicking a cluster opens it (markercluster zooms or spiderfies) and sends the ids it holds. */
    bw.clusterClicks = function (cluster, max) {
        cluster.on("clusterclick", function (e) {
            var ids = e.layer.getAllChildMarkers().map(function (m) { return m.options.bwId; });
            if (cluster._map) { bw.send(cluster._map, {kind: "cluster", count: ids.length, ids: ids.slice(0, max || 1000)}); }
        });
    };

    // -- geodesy (WGS 84) --------------------------------------------------------------------------
    var A = 6378137.0, F = 1 / 298.257223563, B = A * (1 - F), D = Math.PI / 180;
    /** Vincenty's inverse formula on WGS 84, metres (spherical fallback for near-antipodal points). */
    bw.distance = function (p, q) {
        var L1 = (q.lng - p.lng) * D, U1 = Math.atan((1 - F) * Math.tan(p.lat * D)),
            U2 = Math.atan((1 - F) * Math.tan(q.lat * D));
        var sU1 = Math.sin(U1), cU1 = Math.cos(U1), sU2 = Math.sin(U2), cU2 = Math.cos(U2);
        var lam = L1, it = 0, sS, cS, sig, sA, c2A, c2m, lamP;
        do {
            var sl = Math.sin(lam), cl = Math.cos(lam);
            sS = Math.sqrt((cU2 * sl) * (cU2 * sl) + (cU1 * sU2 - sU1 * cU2 * cl) * (cU1 * sU2 - sU1 * cU2 * cl));
            if (sS === 0) { return 0; }
            cS = sU1 * sU2 + cU1 * cU2 * cl;
            sig = Math.atan2(sS, cS);
            sA = cU1 * cU2 * sl / sS;
            c2A = 1 - sA * sA;
            c2m = c2A !== 0 ? cS - 2 * sU1 * sU2 / c2A : 0;
            var C = F / 16 * c2A * (4 + F * (4 - 3 * c2A));
            lamP = lam;
            lam = L1 + (1 - C) * F * sA * (sig + C * sS * (c2m + C * cS * (-1 + 2 * c2m * c2m)));
        } while (Math.abs(lam - lamP) > 1e-12 && ++it < 200);
        if (it >= 200) { return L.CRS.Earth.distance(p, q); }
        var u2 = c2A * (A * A - B * B) / (B * B);
        var AA = 1 + u2 / 16384 * (4096 + u2 * (-768 + u2 * (320 - 175 * u2)));
        var BB = u2 / 1024 * (256 + u2 * (-128 + u2 * (74 - 47 * u2)));
        var dS = BB * sS * (c2m + BB / 4 * (cS * (-1 + 2 * c2m * c2m) -
                 BB / 6 * c2m * (-3 + 4 * sS * sS) * (-3 + 4 * c2m * c2m)));
        return B * AA * (sig - dS);
    };
    /** Area of a polygon (ring of LatLngs) in m², on the authalic sphere of WGS 84 (R 6 371 007.2 m). */
    bw.area = function (ring) {
        var R = 6371007.2, s = 0, n = ring.length;
        if (n < 3) { return 0; }
        for (var i = 0; i < n; i++) {
            var p = ring[i], q = ring[(i + 1) % n];
            s += (q.lng - p.lng) * D * (2 + Math.sin(p.lat * D) + Math.sin(q.lat * D));
        }
        return Math.abs(s * R * R / 2);
    };
    function km(m) { return (m / 1000).toLocaleString(bw.locale, {maximumFractionDigits: m < 10000 ? 2 : 1}) + " km"; }
    function km2(m2) { return (m2 / 1e6).toLocaleString(bw.locale, {maximumFractionDigits: m2 < 1e7 ? 2 : 1}) + " km²"; }

    // -- tools: measure, draw an area ------------------------------------------------------------
    /** A small tool bar (top left): measure a distance / an area, draw a polygon or a circle to filter. */
    bw.tools = function (map, T, opts) {
        opts = opts || {};
        bw.locale = T.locale || "vi-VN";
        var ctl = L.control({position: "topleft"}), mode = null, pts = [], shape = null, tip = null, circle = null;
        var layer = L.layerGroup().addTo(map);
        function button(div, cls, text, title) {
            var a = L.DomUtil.create("a", "bw-tool " + cls, div);
            a.href = "#"; a.innerHTML = text; a.title = title; a.setAttribute("role", "button");
            a.setAttribute("aria-label", title);
            return a;
        }
        function stop() {
            mode = null; pts = []; circle = null;
            map.getContainer().classList.remove("bw-drawing");
            map.doubleClickZoom.enable();
            [].forEach.call(document.querySelectorAll(".bw-tool"), function (b) { b.classList.remove("bw-on"); });
        }
        function clear() { layer.clearLayers(); shape = null; tip = null; }
        function readout(text) {
            if (!tip) { tip = L.tooltip({permanent: true, direction: "right", className: "bw-measure"}); }
            var at = pts.length ? pts[pts.length - 1] : map.getCenter();
            tip.setLatLng(at).setContent(text);
            if (!layer.hasLayer(tip)) { layer.addLayer(tip); }
        }
        function redraw(extra) {
            var all = extra ? pts.concat([extra]) : pts;
            if (shape) { layer.removeLayer(shape); }
            if (mode === "area" || mode === "polygon") {
                shape = L.polygon(all, {color: "#000", weight: 2, dashArray: "6 4", fillOpacity: 0.08, interactive: false});
            } else {
                shape = L.polyline(all, {color: "#000", weight: 3, dashArray: "6 4", interactive: false});
            }
            layer.addLayer(shape);
            if (mode === "distance") {
                var d = 0;
                for (var i = 1; i < all.length; i++) { d += bw.distance(all[i - 1], all[i]); }
                readout(esc(T.distance) + ": " + km(d));
                bw.lastMeasure = {kind: "distance", m: d};
            } else if (all.length >= 3) {
                var a = bw.area(all);
                readout(esc(T.area) + ": " + km2(a));
                bw.lastMeasure = {kind: "area", m2: a};
            }
        }
        function start(m, btn) {
            var again = mode === m;
            stop(); clear();
            if (again) { return; }
            mode = m; btn.classList.add("bw-on");
            map.getContainer().classList.add("bw-drawing");
            map.doubleClickZoom.disable();
        }
        function finish() {
            if (mode === "polygon" && pts.length >= 3) {
                bw.send(map, {kind: "area", geometry: {type: "Polygon", coordinates: [pts.concat([pts[0]]).map(function (p) {
                    return [Math.round(p.lng * 1e6) / 1e6, Math.round(p.lat * 1e6) / 1e6]; })]}});
            }
            stop();
        }
        map.on("click", function (e) {
            if (!mode) { return; }
            if (mode === "circle") {
                if (!circle) {
                    circle = e.latlng;
                    clear();
                    shape = L.circle(circle, {radius: 1, color: "#000", weight: 2, dashArray: "6 4", fillOpacity: 0.08,
                                              interactive: false});
                    layer.addLayer(shape);
                } else {
                    var r = bw.distance(circle, e.latlng);
                    bw.send(map, {kind: "area", circle: {lat: Math.round(circle.lat * 1e6) / 1e6,
                                                         lon: Math.round(circle.lng * 1e6) / 1e6, radius_m: Math.round(r)}});
                    stop();
                }
                return;
            }
            pts.push(e.latlng);
            redraw();
        });
        map.on("mousemove", function (e) {
            if (mode === "circle" && circle && shape) {
                var r = bw.distance(circle, e.latlng);
                shape.setRadius(r);
                pts = [e.latlng];
                readout(esc(T.radius) + ": " + km(r));
            } else if (mode && pts.length) { redraw(e.latlng); }
        });
        map.on("dblclick", function () { if (mode) { if (mode !== "circle") { pts.pop(); redraw(); } finish(); } });
        map.on("keydown", function (e) { if (e.originalEvent.key === "Escape") { stop(); clear(); } });
        ctl.onAdd = function () {
            var div = L.DomUtil.create("div", "bw-tools leaflet-bar");
            var dist = button(div, "bw-t-distance", "↔", T.distance_help);
            var area = button(div, "bw-t-area", "▱", T.area_help);
            var items = [[dist, "distance"], [area, "area"]];
            if (opts.filter && bw.canSend()) {       // filter and save buttons where the page takes them
                items.push([button(div, "bw-t-polygon", "⬠", T.polygon_help), "polygon"]);
                items.push([button(div, "bw-t-circle", "◯", T.circle_help), "circle"]);
                var save = button(div, "bw-t-save", "⤓", T.save_help);
                L.DomEvent.on(save, "click", function (e) {
                    L.DomEvent.preventDefault(e);
                    var b = map.getBounds();
                    bw.send(map, {kind: "view", zoom: map.getZoom(), bounds: [b.getWest(), b.getSouth(),
                                                                             b.getEast(), b.getNorth()]});
                });
            }
            items.forEach(function (it) {
                L.DomEvent.on(it[0], "click", function (e) { L.DomEvent.preventDefault(e); start(it[1], it[0]); });
            });
            L.DomEvent.disableClickPropagation(div);
            return div;
        };
        return ctl.addTo(map);
    };
})();
