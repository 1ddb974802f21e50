"""layers.communes / commune_counts: commune areas drawn with their names as labels from zoom 10."""
from __future__ import annotations

from maptest import children

from data.filters import Filter
from layers import commune_counts, communes
from layers._leaflet import Labels


def test_commune_areas_carry_name_labels_from_zoom_10(layers_con):
    gdf = communes.load(layers_con, filters=Filter())
    assert len(gdf) > 5
    for mod in (communes, commune_counts):
        fg = mod.render(gdf, lang="vi")
        labels = children(fg, Labels)
        assert len(labels) == 1 and labels[0].min_zoom == 10
        texts = {text for _, _, text in labels[0].items}
        assert texts == set(gdf["commune"]), texts ^ set(gdf["commune"])
        assert any(ch in "".join(texts) for ch in "ướạốả")            # Vietnamese diacritics kept
        for lat, lon, _ in labels[0].items:                           # each label inside the belt's latitudes
            assert 16.0 < lat < 17.3 and 106.0 < lon < 107.3
