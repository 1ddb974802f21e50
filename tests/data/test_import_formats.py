"""Every format imports the same incidents; damaged, empty and mis-encoded files get one-line errors."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pyproj
import pytest
import shapefile

from core.errors import InputError
from data.importers import MAX_ROWS, import_file, read_source, readers, validate
from data.store import read_layer

HEADER = ["id", "occurred_at", "lat", "lon", "article", "drug", "quantity_g", "tablets", "persons", "station_id",
          "description"]
EXPECTED_DRUGS = ["methamphetamine", "methamphetamine", "synthetic_tablets", "heroin", "opium"]
EXPECTED_ARTICLES = ["250", "251", "249", "250", "251"]


def assert_imported(con, rows, *, times=True):
    got = read_layer(con, "incidents", where="id LIKE 'IMP-%'").sort_values("id").reset_index(drop=True)
    assert list(got["id"]) == [r[0] for r in rows]
    assert list(got["drug"]) == EXPECTED_DRUGS
    assert list(got["article"]) == EXPECTED_ARTICLES
    assert list(got["description"]) == [r[10] for r in rows]
    assert list(got["persons"]) == [1, 2, 3, 4, 5]
    assert got["tablets"].iloc[2] == 1200 and pd.isna(got["tablets"].iloc[0])
    assert got["quantity_g"].iloc[0] == 12.5 and got["quantity_g"].iloc[1] == 1.25
    np.testing.assert_allclose(got["lat"], [r[2] for r in rows], atol=1e-9)
    np.testing.assert_allclose(got["lon"], [r[3] for r in rows], atol=1e-9)
    want_days = [dt.date(2024, 4, d) for d in (3, 5, 6, 7, 8)]
    assert [ts.date() for ts in got["occurred_at"]] == want_days
    if times:
        assert got["occurred_at"].iloc[0] == pd.Timestamp("2024-04-03 14:30")
        assert got["occurred_at"].iloc[2] == pd.Timestamp("2024-04-06 08:15:30")
    assert got["village_id"].notna().all() and got["h3_9"].notna().all()   # derived columns filled


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_csv_delimiters(demo_con, files, incident_rows, delimiter):
    path = files.csv("inc.csv", HEADER, incident_rows, delimiter=delimiter)
    result = import_file(demo_con, "incidents", path)
    assert result.rows_new == 5 and result.rows_rejected == 0
    assert_imported(demo_con, incident_rows)


def test_xlsx_typed_and_text_cells(demo_con, files, incident_rows):
    rows = [list(r) for r in incident_rows]
    rows[0][1] = dt.datetime(2024, 4, 3, 14, 30)      # a real Excel date cell
    rows[1][4] = 251                                   # article typed as a number
    rows[1][4] = "Điều 251"
    path = files.xlsx("inc.xlsx", HEADER, rows, sheet="Sự vụ")
    import_file(demo_con, "incidents", path)
    assert_imported(demo_con, incident_rows)


@pytest.mark.parametrize("name, kw", [("inc.geojson", {}), ("inc.gpkg", {"layer": "su_vu"}),
                                      ("inc.kml", {"driver": "KML"})])
def test_gis_formats(demo_con, files, incident_rows, make_gdf, name, kw):
    path = files.gis(name, make_gdf(incident_rows), **kw)
    import_file(demo_con, "incidents", path)
    assert_imported(demo_con, incident_rows)


@pytest.mark.parametrize("zipped", [False, True])
def test_shapefile_shp_and_zip(demo_con, files, incident_rows, make_gdf, zipped):
    path = files.shp("inc", make_gdf(incident_rows), zipped=zipped)
    assert path.suffix == (".zip" if zipped else ".shp")
    src = read_source(path, layer="incidents")
    assert src.mapping["occurred_a"] == "occurred_at" and src.mapping["descriptio"] == "description"
    import_file(demo_con, "incidents", path)
    assert_imported(demo_con, incident_rows, times=False)


@pytest.mark.parametrize("zipped", [False, True])
def test_shapefile_without_prj_is_refused_unless_crs(demo_con, files, incident_rows, make_gdf, snapshot, zipped):
    path = files.shp("noprj", make_gdf(incident_rows), prj=False, zipped=zipped)
    before = snapshot(demo_con)
    for lang, words in (("en", ".prj"), ("vi", "không có tệp .prj")):
        with pytest.raises(InputError) as err:
            import_file(demo_con, "incidents", path, lang=lang)
        msg = str(err.value)
        assert words in msg and "--crs" in msg and path.name in msg and "\n" not in msg
    assert snapshot(demo_con) == before
    import_file(demo_con, "incidents", path, crs="EPSG:4326")
    assert_imported(demo_con, incident_rows, times=False)


TEXT = "Thôn A Dơi, ma túy đá, Hướng Hóa — khám xét"


def test_csv_in_cp1258_is_refused_without_encoding_and_read_right_with_it(demo_con, files, incident_rows, snapshot):
    rows = [r[:10] + [TEXT] for r in incident_rows]
    path = files.csv("cp1258.csv", HEADER, rows, encoding="cp1258")
    assert TEXT.encode("utf-8") not in path.read_bytes()
    before = snapshot(demo_con)
    with pytest.raises(InputError) as err:
        import_file(demo_con, "incidents", path, lang="en")
    msg = str(err.value)
    assert "not UTF-8" in msg and "--encoding cp1258" in msg and "\n" not in msg
    with pytest.raises(InputError) as err:
        import_file(demo_con, "incidents", path, lang="vi")
    assert "không phải UTF-8" in str(err.value)
    assert snapshot(demo_con) == before
    import_file(demo_con, "incidents", path, encoding="cp1258")
    stored = [r[0] for r in demo_con.execute("SELECT description FROM incidents WHERE id LIKE 'IMP-%'").fetchall()]
    assert stored == [TEXT] * 5          # NFC, never garbled


def test_csv_in_cp1252(demo_con, files, incident_rows):
    rows = [r[:4] + ["250", "heroin"] + r[6:10] + ["Café São Tomé – œuvre"] for r in incident_rows]
    path = files.csv("cp1252.csv", HEADER, rows, encoding="cp1252")
    import_file(demo_con, "incidents", path, encoding="cp1252")
    stored = {r[0] for r in demo_con.execute("SELECT description FROM incidents WHERE id LIKE 'IMP-%'").fetchall()}
    assert stored == {"Café São Tomé – œuvre"}


def test_unknown_encoding_name(files, incident_rows):
    path = files.csv("inc.csv", HEADER, incident_rows)
    with pytest.raises(InputError) as err:
        read_source(path, layer="incidents", encoding="klingon-8", lang="en")
    assert "klingon-8" in str(err.value)


def test_utf8_with_bom_and_utf16(demo_con, files, incident_rows):
    import csv
    import io
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(HEADER)
    w.writerows(incident_rows)
    path = files.raw("bom.csv", buf.getvalue().encode("utf-8-sig"))
    assert read_source(path, layer="incidents").columns[0] == "id"
    path = files.raw("u16.csv", buf.getvalue().encode("utf-16"))
    import_file(demo_con, "incidents", path)
    assert_imported(demo_con, incident_rows)


def _cp1258_shapefile(files, rows):
    """A point shapefile written by pyshp, its DBF text in Windows-1258, with .prj and no .cpg."""
    path = files.dir / "cp1258.shp"
    def as_cp1258(text: str) -> str:   # the characters cp1258 can hold (some tone marks combining)
        return files.cp1258(text).decode("cp1258")

    with shapefile.Writer(str(path), shapeType=shapefile.POINT, encoding="cp1258") as w:
        for name in ("id", "occurred_a", "article", "drug", "descriptio"):
            w.field(name, "C", size=80)
        for r in rows:
            w.point(r[3], r[2])
            w.record(r[0], r[1], as_cp1258(r[4]), as_cp1258(r[5]), as_cp1258(TEXT))
    path.with_suffix(".prj").write_text(pyproj.CRS.from_epsg(4326).to_wkt("WKT1_ESRI"))
    assert not path.with_suffix(".cpg").exists()
    return path


def test_shapefile_dbf_in_cp1258_without_cpg(demo_con, files, incident_rows, snapshot):
    path = _cp1258_shapefile(files, incident_rows)
    before = snapshot(demo_con)
    with pytest.raises(InputError) as err:
        import_file(demo_con, "incidents", path, lang="en")
    assert ".cpg" in str(err.value) and "--encoding" in str(err.value)
    assert snapshot(demo_con) == before
    import_file(demo_con, "incidents", path, encoding="cp1258")
    stored = demo_con.execute("SELECT description, drug FROM incidents WHERE id LIKE 'IMP-%' ORDER BY id").fetchall()
    assert stored == [(TEXT, d) for d in EXPECTED_DRUGS]


# -- damaged, empty, limits ----------------------------------------------------------------

def one_line_refusal(path, **kw) -> str:
    with pytest.raises(InputError) as err:
        read_source(path, layer="incidents", lang="en", **kw)
    msg = str(err.value)
    assert "\n" not in msg and path.name in msg and "Traceback" not in msg
    return msg


def _cut(path, fraction=0.5):
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * fraction)])
    return path


def test_empty_and_header_only_csv(files):
    assert "empty" in one_line_refusal(files.raw("empty.csv", b""))
    assert "empty" in one_line_refusal(files.raw("blank.csv", "\n \n"))
    assert "no data rows" in one_line_refusal(files.csv("header.csv", HEADER, []))


def test_truncated_csv(files, incident_rows):
    path = files.csv("cut.csv", HEADER, incident_rows)
    text = path.read_text()
    path.write_text(text[: text.rindex(",", 0, len(text) - 20)])           # cut inside the last row
    assert "truncated" in one_line_refusal(path)
    path.write_text(text + 'X-9,2024-04-03,16.6,106.6,250,heroin,1,,1,,"unterminated')
    assert "damaged or incomplete" in one_line_refusal(path)


@pytest.mark.parametrize("name, kw", [("cut.geojson", {}), ("cut.gpkg", {}), ("cut.kml", {"driver": "KML"})])
def test_truncated_gis_files(files, incident_rows, make_gdf, name, kw):
    path = _cut(files.gis(name, make_gdf(incident_rows), **kw))
    one_line_refusal(path)


def test_truncated_xlsx_and_zip(files, incident_rows, make_gdf):
    assert "damaged" in one_line_refusal(_cut(files.xlsx("cut.xlsx", HEADER, incident_rows)))
    assert "damaged" in one_line_refusal(_cut(files.shp("cutz", make_gdf(incident_rows), zipped=True)))


@pytest.mark.parametrize("part", [".shp", ".dbf", ".shx"])
def test_truncated_shapefile_part(files, incident_rows, make_gdf, part):
    shp = files.shp("cut", make_gdf(incident_rows))
    _cut(shp.with_suffix(part), 0.8)
    assert part in one_line_refusal(shp)


def test_shapefile_missing_dbf(files, incident_rows, make_gdf):
    shp = files.shp("nodbf", make_gdf(incident_rows))
    shp.with_suffix(".dbf").unlink()
    assert ".dbf" in one_line_refusal(shp)


def test_empty_geojson_and_zip_without_shp(files):
    assert "no data rows" in one_line_refusal(files.raw("e.geojson", '{"type":"FeatureCollection","features":[]}'))
    assert "empty" in one_line_refusal(files.raw("e2.geojson", b""))
    import zipfile
    path = files.dir / "nothing.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", "no shapefile here")
    assert ".shp" in one_line_refusal(path)


def test_unsupported_and_missing_files(files):
    msg = one_line_refusal(files.raw("old.xls", b"\xd0\xcf\x11\xe0"))
    assert ".xls" in msg and ".xlsx" in msg and ".csv" in msg
    with pytest.raises(InputError) as err:
        read_source(files.dir / "nope.csv", layer="incidents", lang="en")
    assert "not found" in str(err.value)


def test_duplicate_column_names(files):
    assert "twice" in one_line_refusal(files.csv("dup.csv", ["id", "ID", "lat", "lon"], [["a", "b", 1, 2]]))


def test_upload_limits(files, incident_rows, make_gdf, monkeypatch):
    assert readers.MAX_FILE_BYTES > 0 and MAX_ROWS > 0
    path = files.csv("inc.csv", HEADER, incident_rows)
    assert "too large" in one_line_refusal(path, max_bytes=100)
    assert "too many rows (more than 4)" in one_line_refusal(path, max_rows=4)
    gj = files.gis("inc.geojson", make_gdf(incident_rows))
    assert "too many rows" in one_line_refusal(gj, max_rows=3)
    xl = files.xlsx("inc.xlsx", HEADER, incident_rows)
    assert "too many rows" in one_line_refusal(xl, max_rows=2)
    monkeypatch.setattr(readers, "MAX_ROWS", 4)          # the module constant is the default
    assert "more than 4" in one_line_refusal(path)
    monkeypatch.setattr(readers, "MAX_FILE_BYTES", 10)
    assert "too large" in one_line_refusal(path, max_rows=100)
    assert read_source(path, layer="incidents", max_bytes=10_000, max_rows=5).frame.shape[0] == 5


def test_several_layers_need_a_matching_name(demo_con, files, incident_rows, make_gdf):
    gdf = make_gdf(incident_rows)
    path = files.dir / "two.gpkg"
    gdf.to_file(path, layer="first")
    gdf.to_file(path, layer="second")
    msg = one_line_refusal(path)
    assert "first" in msg and "second" in msg
    gdf.to_file(path, layer="incidents")
    assert validate(read_source(path, layer="incidents"), demo_con).new == 5
