"""KML/KMZ from Google My Maps and Google Earth (issue 11 §2): ExtendedData, MultiGeometry, folders, KMZ."""
from __future__ import annotations

import zipfile

import pytest

from core.errors import InputError
from data.importers import import_file, read_source, validate


def my_maps_kml(points, *, folders=("Vụ việc",), multi=None) -> str:
    """A KML as Google My Maps exports it: one Folder per map layer, ExtendedData <Data> per column."""
    body = []
    k = 0
    for folder in folders:
        marks = []
        for _ in range(2):
            lat, lon = points[k]
            k += 1
            geom = (f"<Point>\n            <coordinates>\n              {lon},{lat},0\n"
                    "            </coordinates>\n          </Point>")
            if multi is not None and k == 1:
                (la2, lo2) = points[multi]
                geom = ("<MultiGeometry><Point><coordinates>{},{},0</coordinates></Point>"
                        "<Point><coordinates>{},{},0</coordinates></Point></MultiGeometry>").format(lon, lat, lo2, la2)
            marks.append(f"""
      <Placemark>
        <name>Vụ {k}</name>
        <description><![CDATA[id: KM-{k}<br>ngày: 2024-04-0{k}]]></description>
        <styleUrl>#icon-1899-0288D1</styleUrl>
        <ExtendedData>
          <Data name="id">
            <value>KM-{k}</value>
          </Data>
          <Data name="ngày">
            <value>0{k}/04/2024 14:30</value>
          </Data>
          <Data name="điều">
            <value>250</value>
          </Data>
          <Data name="ma túy">
            <value>ma túy đá</value>
          </Data>
          <Data name="khối lượng">
            <value>1.500</value>
          </Data>
        </ExtendedData>
        {geom}
      </Placemark>""")
        body.append(f"""
    <Folder>
      <name>{folder}</name>{''.join(marks)}
    </Folder>""")
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2">
  <Document>
    <name>Bản đồ vụ việc Hướng Hóa</name>
    <Style id="icon-1899-0288D1-normal"><IconStyle><scale>1</scale></IconStyle></Style>{''.join(body)}
  </Document>
</kml>
"""


def test_my_maps_extended_data_feeds_the_columns(demo_con, files, village_points):
    path = files.raw("my_maps.kml", my_maps_kml(village_points))
    src = read_source(path, layer="incidents")
    assert src.column_for("id") == "id" and src.column_for("occurred_at") == "ngày"
    assert src.column_for("quantity_g") == "khối lượng"
    result = import_file(demo_con, "incidents", path, decimal="comma")
    assert result.rows_new == 2
    got = demo_con.execute("SELECT id, drug, quantity_g, strftime(occurred_at, '%d/%m %H:%M') FROM incidents "
                           "WHERE id LIKE 'KM-%' ORDER BY id").fetchall()
    assert got == [("KM-1", "methamphetamine", 1500.0, "01/04 14:30"),
                   ("KM-2", "methamphetamine", 1500.0, "02/04 14:30")]


def test_google_earth_schema_data_and_timestamp(demo_con, files, village_points):
    (lat, lon), (lat2, lon2) = village_points[:2]
    text = f"""<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2" xmlns:gx="http://www.google.com/kml/ext/2.2">
<Document id="root_doc">
<Schema name="vu_viec" id="vu_viec">
	<SimpleField name="id" type="string"></SimpleField>
	<SimpleField name="article" type="string"></SimpleField>
	<SimpleField name="drug" type="string"></SimpleField>
</Schema>
<Folder><name>vu_viec</name>
  <Placemark>
	<name>Khám xét</name>
	<TimeStamp><when>2024-04-03T01:30:00Z</when></TimeStamp>
	<ExtendedData><SchemaData schemaUrl="#vu_viec">
		<SimpleData name="id">GE-1</SimpleData>
		<SimpleData name="article">Điều 250</SimpleData>
		<SimpleData name="drug">heroin</SimpleData>
	</SchemaData></ExtendedData>
      <Point><coordinates>{lon},{lat}</coordinates></Point>
  </Placemark>
  <Placemark>
	<name>Bắt giữ</name>
	<TimeStamp><when>2024-04-03T08:30:00</when></TimeStamp>
	<ExtendedData><SchemaData schemaUrl="#vu_viec">
		<SimpleData name="id">GE-2</SimpleData>
		<SimpleData name="article">250</SimpleData>
		<SimpleData name="drug">heroin</SimpleData>
	</SchemaData></ExtendedData>
      <Point><coordinates>{lon2},{lat2},0</coordinates></Point>
  </Placemark>
</Folder>
</Document></kml>
"""
    path = files.raw("ge.kml", text)
    import_file(demo_con, "incidents", path)
    got = demo_con.execute("SELECT id, strftime(occurred_at, '%H:%M'), article FROM incidents "
                           "WHERE id LIKE 'GE-%' ORDER BY id").fetchall()
    assert got == [("GE-1", "08:30", "250"), ("GE-2", "08:30", "250")]       # Z converted, no zone kept


def test_multigeometry_points_split_one_row_each_with_a_note(demo_con, files, village_points):
    path = files.raw("multi.kml", my_maps_kml(village_points, multi=3))
    src = read_source(path, layer="incidents", lang="en", decimal="comma")
    assert list(src.rows) == [1, 1, 2]
    assert list(src.frame["id"]) == ["KM-1-1", "KM-1-2", "KM-2"]
    assert any("split into one row per part" in n and "rows 1" in n for n in src.notes)
    report = validate(src, demo_con)
    assert report.ok and list(report.valid["id"]) == ["KM-1-1", "KM-1-2", "KM-2"]
    assert report.valid.geometry.y.iloc[1] == pytest.approx(village_points[3][0], abs=1e-12)


def test_multigeometry_lines_become_multilinestring(demo_con, files, village_points):
    (la, lo), (lb, lb_lon), (lc, lc_lon) = village_points[:3]
    text = f"""<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><name>Đường mòn</name>
<Placemark><name>Lối mòn A</name>
<ExtendedData><Data name="id"><value>TR-1</value></Data><Data name="loại"><value>trail</value></Data></ExtendedData>
<MultiGeometry>
<LineString><tessellate>1</tessellate><coordinates>{lo},{la},0 {lb_lon},{lb},0</coordinates></LineString>
<LineString><tessellate>1</tessellate><coordinates>{lb_lon},{lb},0 {lc_lon},{lc},0</coordinates></LineString>
</MultiGeometry></Placemark>
<Placemark><name>Hỗn hợp</name>
<ExtendedData><Data name="id"><value>TR-2</value></Data><Data name="loại"><value>trail</value></Data></ExtendedData>
<MultiGeometry><Point><coordinates>{lo},{la}</coordinates></Point>
<LineString><coordinates>{lo},{la} {lb_lon},{lb}</coordinates></LineString></MultiGeometry></Placemark>
</Document></kml>"""
    src = read_source(files.raw("trails.kml", text), layer="trails")
    assert src.mapping.get("name") == "name" and src.column_for("kind") == "loại"
    report = validate(src, demo_con, lang="en")
    assert report.valid.geometry.iloc[0].geom_type == "MultiLineString"
    (p,) = report.problems
    assert p.row == 2 and "GeometryCollection" in p.reason


def test_folders_become_a_column_and_layer_picks_one(demo_con, files, village_points):
    path = files.raw("two.kml", my_maps_kml(village_points, folders=("Tháng 3", "Tháng 4")))
    src = read_source(path, layer="incidents", lang="en")
    assert list(src.frame["folder"]) == ["Tháng 3", "Tháng 3", "Tháng 4", "Tháng 4"]
    assert any("Tháng 3, Tháng 4" in n and "--layer" in n for n in src.notes)
    only = read_source(path, layer="incidents", source_layer="tháng 4")
    assert list(only.frame["id"]) == ["KM-3", "KM-4"] and list(only.rows) == [3, 4]
    with pytest.raises(InputError) as err:
        read_source(path, layer="incidents", source_layer="Tháng 5", lang="en")
    assert "Tháng 3, Tháng 4" in str(err.value)


def test_kmz_keeps_its_attributes(demo_con, files, village_points):
    path = files.dir / "ban_do.kmz"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("doc.kml", my_maps_kml(village_points))
        zf.writestr("images/icon-1.png", b"\x89PNG\r\n")
    result = import_file(demo_con, "incidents", path, decimal="comma")
    assert result.rows_new == 2
    assert demo_con.execute("SELECT count(*) FROM incidents WHERE id IN ('KM-1', 'KM-2') "
                            "AND quantity_g = 1500").fetchone()[0] == 2


def test_damaged_and_hostile_kml_is_one_line(files):
    bomb = ('<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
            '<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark><name>&b;</name></Placemark>'
            '</Document></kml>')
    for name, text in (("bomb.kml", bomb), ("cut.kml", my_maps_kml([(16.6, 106.6)] * 2)[:300])):
        with pytest.raises(InputError) as err:
            read_source(files.raw(name, text), layer="incidents", lang="en")
        assert "damaged" in str(err.value) and "\n" not in str(err.value)
