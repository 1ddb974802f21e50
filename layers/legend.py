"""The map legend: a Leaflet control, built from each layer's ``legend()``.

It starts collapsed (its title only; one click opens it) in a window narrower than
:data:`OPEN_FROM` px, as the layer switch does, so a station laptop keeps the map free.

Every symbol in it comes from the same code that draws the layer (``core.palette`` colours,
:mod:`layers.symbols` shapes), so legend and map cannot drift apart. A section is shown
while its layer is on and hidden when the layer is switched off in the layer control.
Labels are escaped here; symbols are markup made by this package.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from branca.element import MacroElement
from folium.template import Template

from core.i18n import t
from layers._html import esc, js_json

#: Legend and layer switch start open from this window width (px) on, collapsed below it.
OPEN_FROM = 1500


@dataclass
class Section:
    """One legend block: the layer it explains (a folium layer, to follow its visibility), a title, rows."""

    layer: object | None
    title: str
    items: list[tuple[str, str]] = field(default_factory=list)   # (symbol markup or "", label)


def section_html(sec: Section) -> str:
    rows = []
    for symbol, text in sec.items:
        if symbol:
            rows.append(f'<div class="bw-row"><span class="bw-sym-cell">{symbol}</span>{esc(text)}</div>')
        else:
            rows.append(f'<div class="bw-note">{esc(text)}</div>')
    return f'<div class="bw-sec-title">{esc(sec.title)}</div>{"".join(rows)}'


class Legend(MacroElement):
    """Legend control (bottom right). ``notes`` are lines shown above the sections (demo banner, month)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function(map){
            var sections = {{ this.sections_js }}, notes = {{ this.notes_js }};
            var groups = [{% for g in this.groups %}{{ g.get_name() }}{% if not loop.last %}, {% endif %}{% endfor %}];
            var ctl = L.control({position: "bottomright"});
            ctl.onAdd = function() {
                var div = L.DomUtil.create("div", "bw-legend leaflet-bar");
                var html = "<div class=\\"bw-legend-title\\">" + {{ this.title_js }} + "</div>";
                notes.forEach(function(n){ html += "<div class=\\"bw-legend-note\\">" + n + "</div>"; });
                sections.forEach(function(s, i){
                    html += "<div class=\\"bw-sec\\" data-i=\\"" + i + "\\">" + s.html + "</div>";
                });
                div.innerHTML = html;
                if (window.bw) { bw.collapsible(div, !bw.narrow({{ this.open_from }})); }
                L.DomEvent.disableClickPropagation(div);
                L.DomEvent.disableScrollPropagation(div);
                return div;
            };
            ctl.addTo(map);
            function sync() {
                var box = ctl.getContainer();
                sections.forEach(function(s, i){
                    var el = box.querySelector(".bw-sec[data-i=\\"" + i + "\\"]");
                    var g = s.g === null ? null : groups[s.g];
                    el.style.display = (g === null || map.hasLayer(g)) ? "" : "none";
                });
            }
            var events = "overlayadd overlayremove layeradd layerremove";
            map.on(events, sync);
            sync();
            return {remove: function(){ map.off(events, sync); ctl.remove(); }};   // for the live map's swap
        })({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, sections: list[Section], *, lang: str = "vi", notes: Sequence[str] = ()):
        super().__init__()
        self._name = "Legend"
        self.sections = list(sections)
        self.groups = [s.layer for s in self.sections if s.layer is not None]
        index = {id(g): i for i, g in enumerate(self.groups)}
        self.sections_js = js_json([{"g": index.get(id(s.layer)), "html": section_html(s)} for s in self.sections])
        self.notes_js = js_json([esc(n) for n in notes])
        self.title_js = js_json(esc(t("map.legend", lang)))
        self.open_from = OPEN_FROM
