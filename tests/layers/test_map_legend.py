"""layers.legend: sections from the layers' own symbols, escaped labels, follows layer visibility."""
import folium
from maptest import HOSTILE, HOSTILE_IN_JSON

from layers.legend import Legend, Section
from layers.symbols import symbol_svg


def test_sections_and_notes_are_rendered_and_escaped():
    m = folium.Map(tiles=None)
    fg = folium.FeatureGroup(name="A").add_to(m)
    Legend([Section(fg, "Tiêu đề", [(symbol_svg("star", "#0072B2"), HOSTILE), ("", "ghi chú")]),
            Section(None, "Luôn hiện", [])], lang="vi", notes=["Dữ liệu minh họa"]).add_to(m)
    page = m.get_root().render()
    assert HOSTILE not in page and HOSTILE_IN_JSON in page
    assert "#0072B2" in page and "Ch\\u00fa gi\\u1ea3i" not in page and "Chú giải" in page
    assert f"var groups = [{fg.get_name()}]" in page
    assert "map.hasLayer(g)" in page and "overlayadd" in page
