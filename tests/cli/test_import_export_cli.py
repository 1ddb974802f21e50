"""``borderwatch import`` / ``export`` end to end through the console script: exit codes, stderr in vi/en, store."""
from __future__ import annotations

import csv
import json

import _cli
import geopandas as gpd
import numpy as np
import pyogrio
import pytest
from pyproj import Geod
from shapely.geometry import Point

from data.filters import Filter
from data.queries import count_incidents
from data.store import connect, read_layer

HEADER = ["id", "occurred_at", "lat", "lon", "article", "drug", "quantity_g", "tablets", "persons", "station_id",
          "description"]


def run(*args, env=None):
    r = _cli.bw(*args, lang=None, env=env)
    assert "Traceback" not in r.stderr, r.stderr
    return r


def info(db) -> dict:
    r = run("info", "--db", db, "--json")
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def query(db, sql, params=()):
    con = connect(db, read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


@pytest.fixture()
def points(demo_db):
    con = connect(demo_db, read_only=True)
    try:
        v = read_layer(con, "villages").sort_values("id")
    finally:
        con.close()
    return [(float(p.y), float(p.x)) for p in v.geometry]


def write_csv(path, rows, header=HEADER, encoding="utf-8"):
    with open(path, "w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def rows5(points, bad=False):
    rows = [[f"CLI-{k}", "03/04/2024 14:30", *points[k], "Điều 250", "ma túy đá", "12,5", "", 2, "DBP-LAOBAO",
             f"Bắt giữ {k}"] for k in range(5)]
    if bad:
        rows[1][1] = "31/02/2024"
        rows[3][5] = "bột trắng"
    return rows


def test_import_csv_then_info(demo_db, tmp_path, points):
    before = info(demo_db)["layers"]["incidents"]["rows"]
    r = run("import", "incidents", write_csv(tmp_path / "inc.csv", rows5(points)), "--db", demo_db, "--as", "lan")
    assert r.returncode == 0, r.stderr
    assert "Đã nhập inc.csv vào lớp incidents: 5 dòng đọc, 5 mới" in r.stderr
    assert info(demo_db)["layers"]["incidents"]["rows"] == before + 5
    assert query(demo_db, "SELECT DISTINCT drug, article, quantity_g FROM incidents WHERE id LIKE 'CLI-%'") == [
        ("methamphetamine", "250", 12.5)]
    assert query(demo_db, "SELECT who, file, layer, mode, rows_in FROM import_log") == [
        ("lan", "inc.csv", "incidents", "all_or_nothing", 5)]
    audit = query(demo_db, "SELECT who, action, n_rows FROM audit WHERE action = 'import'")
    assert audit == [("lan", "import", 5)]


def test_refused_file_exit_2_in_vi_and_en_store_unchanged(demo_db, tmp_path, points):
    path = write_csv(tmp_path / "inc.csv", rows5(points, bad=True))
    before = info(demo_db)
    vi = run("import", "incidents", path, "--db", demo_db)
    en = run("import", "incidents", path, "--db", demo_db, "--lang", "en")
    env_en = run("import", "incidents", path, "--db", demo_db, env={"BORDERWATCH_LANG": "en"})
    assert vi.returncode == en.returncode == env_en.returncode == 2
    assert vi.stderr.startswith("Dữ liệu vào bị từ chối, không ghi gì: 2 vấn đề:")
    assert "inc.csv, dòng 3, cột occurred_at: ngày không tồn tại: 31/02/2024" in vi.stderr
    assert "inc.csv, dòng 5, cột drug: giá trị không hợp lệ: bột trắng" in vi.stderr
    for r in (en, env_en):
        assert r.stderr.startswith("Input refused, nothing written: 2 problem(s):")
        assert "inc.csv, row 3, column occurred_at: impossible date: 31/02/2024" in r.stderr
        assert "inc.csv, row 5, column drug: unknown value: bột trắng. Valid values: heroin" in r.stderr
    assert info(demo_db) == before
    assert query(demo_db, "SELECT count(*) FROM import_log")[0][0] == 0
    assert not (tmp_path / "inc.csv.rejected.csv").exists()


def test_skip_invalid_writes_valid_rows_and_rejects(demo_db, tmp_path, points):
    path = write_csv(tmp_path / "inc.csv", rows5(points, bad=True))
    r = run("import", "incidents", path, "--db", demo_db, "--skip-invalid", "--as", "lan", "--lang", "en")
    assert r.returncode == 0, r.stderr
    assert "5 rows read, 3 new, 0 replaced, 0 unchanged, 2 rejected" in r.stderr
    assert "row 3, column occurred_at: impossible date" in r.stderr
    rejects = tmp_path / "inc.csv.rejected.csv"
    assert f"Rejected rows and reasons: {rejects}" in r.stderr and rejects.exists()
    assert [x[0] for x in query(demo_db, "SELECT id FROM incidents WHERE id LIKE 'CLI-%' ORDER BY id")] == [
        "CLI-0", "CLI-2", "CLI-4"]
    assert query(demo_db, 'SELECT "row", "column" FROM import_rejects ORDER BY "row"') == [
        (3, "occurred_at"), (5, "drug")]       # file rows: the header is row 1
    assert query(demo_db, "SELECT mode, rows_in, rows_rejected FROM import_log") == [("skip_invalid", 5, 2)]


def test_identical_import_again_changes_nothing_and_replace(demo_db, tmp_path, points):
    path = write_csv(tmp_path / "inc.csv", rows5(points))
    assert run("import", "incidents", path, "--db", demo_db).returncode == 0
    before = query(demo_db, "SELECT * EXCLUDE (geom) FROM incidents ORDER BY id")
    again = run("import", "incidents", path, "--db", demo_db, "--lang", "en")
    assert again.returncode == 0 and "0 new, 0 replaced, 5 unchanged, 0 rejected" in again.stderr
    assert query(demo_db, "SELECT * EXCLUDE (geom) FROM incidents ORDER BY id") == before
    rows = rows5(points)
    rows[0][10] = "Đã sửa mô tả"
    path2 = write_csv(tmp_path / "inc2.csv", rows)
    refused = run("import", "incidents", path2, "--db", demo_db, "--lang", "en")
    assert refused.returncode == 2 and "use --replace to overwrite" in refused.stderr
    ok = run("import", "incidents", path2, "--db", demo_db, "--replace", "--lang", "en")
    assert ok.returncode == 0 and "0 new, 1 replaced, 4 unchanged" in ok.stderr
    assert query(demo_db, "SELECT description FROM incidents WHERE id = 'CLI-0'") == [("Đã sửa mô tả",)]


def test_shapefile_without_prj_then_vn2000_crs(demo_db, tmp_path, points):
    lat, lon = np.array([p[0] for p in points[:3]]), np.array([p[1] for p in points[:3]])
    gdf = gpd.GeoDataFrame({"id": ["SHP-0", "SHP-1", "SHP-2"], "occurred_a": ["2024-04-03"] * 3,
                            "article": ["250"] * 3, "drug": ["heroin"] * 3},
                           geometry=[Point(x, y) for x, y in zip(lon, lat, strict=True)], crs=4326).to_crs(9212)
    shp = tmp_path / "vn2000.shp"
    gdf.to_file(shp)
    shp.with_suffix(".prj").unlink()
    for lang, word in (("vi", "không có tệp .prj"), ("en", "has no .prj")):
        r = run("import", "incidents", shp, "--db", demo_db, "--lang", lang)
        assert r.returncode == 2 and word in r.stderr and "--crs" in r.stderr
        assert len(r.stderr.strip().splitlines()) == 1
    r = run("import", "incidents", shp, "--db", demo_db, "--crs", "vn2000-quangtri")
    assert r.returncode == 0, r.stderr
    got = query(demo_db, "SELECT lon, lat FROM incidents WHERE id LIKE 'SHP-%' ORDER BY id")
    d = Geod(ellps="WGS84").inv([g[0] for g in got], [g[1] for g in got], lon, lat)[2]
    assert np.abs(d).max() < 1.0


def test_map_and_encoding(demo_db, tmp_path, points):
    header = ["so_hieu", "thoi_diem", "vd", "kd", "dieu", "chat", "mo_ta"]
    rows = [[f"ENC-{k}", "2024-04-03", *points[k], "250", "hồng phiến", "Hướng Phùng — lối mở"] for k in range(2)]
    path = tmp_path / "cp.csv"
    text_rows = [header] + rows
    import io
    buf = io.StringIO(newline="")
    csv.writer(buf).writerows(text_rows)
    path.write_bytes(_cp1258(buf.getvalue()))
    maps = ["--map", "so_hieu=id", "--map", "thoi_diem=occurred_at", "--map", "vd=lat", "--map", "kd=lon",
            "--map", "chat=drug", "--map", "mo_ta=description"]
    no_enc = run("import", "incidents", path, "--db", demo_db, *maps, "--lang", "en")
    assert no_enc.returncode == 2 and "--encoding cp1258" in no_enc.stderr
    r = run("import", "incidents", path, "--db", demo_db, *maps, "--encoding", "cp1258")
    assert r.returncode == 0, r.stderr
    assert query(demo_db, "SELECT drug, description FROM incidents WHERE id LIKE 'ENC-%'") == [
        ("synthetic_tablets", "Hướng Phùng — lối mở")] * 2
    bad = run("import", "incidents", path, "--db", demo_db, "--map", "so_hieu", "--lang", "en")
    assert bad.returncode == 2 and "--map needs SRC=DST, got: so_hieu" in bad.stderr


def _cp1258(text: str) -> bytes:
    import unicodedata
    out = bytearray()
    for ch in text:
        base, *marks = unicodedata.normalize("NFD", ch)
        for cand in (ch, *[unicodedata.normalize("NFC", base + m) + "".join(marks[:i] + marks[i + 1:])
                           for i, m in enumerate(marks)], base + "".join(marks)):
            try:
                out += cand.encode("cp1258")
                break
            except UnicodeEncodeError:
                continue
    return bytes(out)


def test_truncated_and_empty_files_one_line(demo_db, tmp_path, points):
    gj = tmp_path / "cut.geojson"
    gdf = gpd.GeoDataFrame({"id": ["a"]}, geometry=[Point(points[0][1], points[0][0])], crs=4326)
    gdf.to_file(gj)
    gj.write_bytes(gj.read_bytes()[:60])
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    for path in (gj, empty):
        r = run("import", "incidents", path, "--db", demo_db, "--lang", "en")
        assert r.returncode == 2 and path.name in r.stderr
        assert len(r.stderr.strip().splitlines()) == 1


def test_export_csv_with_filters_and_watermark(demo_db, tmp_path):
    out = tmp_path / "apr.csv"
    r = run("export", "incidents", out, "--db", demo_db, "--from", "01/04/2025", "--to", "2025-04-30",
            "--drug", "ma túy đá", "--as", "lan")
    assert r.returncode == 0, r.stderr
    with open(out, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == HEADER
    con = connect(demo_db, read_only=True)
    try:
        import datetime as dt
        n = count_incidents(con, Filter(date_from=dt.date(2025, 4, 1), date_to=dt.date(2025, 4, 30),
                                        drugs=("methamphetamine",)))
    finally:
        con.close()
    assert len(rows) - 1 == n > 0
    assert {x[5] for x in rows[1:]} == {"methamphetamine"}
    assert all("2025-04-01" <= x[1][:10] <= "2025-04-30" for x in rows[1:])
    assert f"Đã xuất {n} dòng của lớp incidents vào {out}" in r.stderr
    meta = json.loads((tmp_path / "apr.csv.watermark.json").read_text("utf-8"))
    assert meta["exported_by"] == "lan" and json.loads(meta["filter"])["drugs"] == "methamphetamine"
    assert query(demo_db, "SELECT who, action, n_rows FROM audit WHERE action = 'export'") == [("lan", "export", n)]


def test_export_geo_formats_and_errors(demo_db, tmp_path):
    assert run("export", "trails", tmp_path / "t.geojson", "--db", demo_db).returncode == 0
    assert len(gpd.read_file(tmp_path / "t.geojson")) == info(demo_db)["layers"]["trails"]["rows"]
    assert run("export", "villages", tmp_path / "v.gpkg", "--db", demo_db).returncode == 0
    assert pyogrio.read_info(tmp_path / "v.gpkg")["features"] == info(demo_db)["layers"]["villages"]["rows"]
    bad_ext = run("export", "incidents", tmp_path / "x.shp", "--db", demo_db, "--lang", "en")
    # an output the tool cannot write is not refused input: its own exit code and words, one language
    assert bad_ext.returncode == 4 and "cannot export this format" in bad_ext.stderr
    assert "Output refused, nothing written" in bad_ext.stderr and "Input refused" not in bad_ext.stderr
    vi = run("export", "incidents", tmp_path / "x.shp", "--db", demo_db)
    assert vi.returncode == 4 and vi.stderr.startswith("Không ghi được tệp kết quả") and "cannot" not in vi.stderr
    assert not (tmp_path / "x.shp").exists()
    filtered = run("export", "villages", tmp_path / "v.csv", "--db", demo_db, "--from", "2025-01-01")
    assert filtered.returncode == 2 and "Bộ lọc chỉ áp dụng cho lớp incidents" in filtered.stderr
    bad_drug = run("export", "incidents", tmp_path / "x.csv", "--db", demo_db, "--drug", "bột", "--lang", "en")
    assert bad_drug.returncode == 2 and "methamphetamine" in bad_drug.stderr
    assert not (tmp_path / "x.csv").exists() and not (tmp_path / "v.csv").exists()


def test_roles_import_needs_editor_export_needs_analyst(demo_db, tmp_path, points):
    from data.users import create_user
    con = connect(demo_db)
    try:
        for name, role in (("xem", "viewer"), ("phantich", "analyst"), ("bientap", "editor")):
            create_user(con, name, role, "mat-khau-rat-dai-123", who="test")
    finally:
        con.close()
    path = write_csv(tmp_path / "inc.csv", rows5(points))
    denied = run("import", "incidents", path, "--db", demo_db, "--as", "phantich")
    assert denied.returncode == 3
    assert run("export", "incidents", tmp_path / "o.csv", "--db", demo_db, "--as", "xem").returncode == 3
    ok = run("import", "incidents", path, "--db", demo_db, "--as", "bientap")
    assert ok.returncode == 0, ok.stderr
    assert run("export", "incidents", tmp_path / "o.csv", "--db", demo_db, "--as", "phantich").returncode == 0
    assert query(demo_db, "SELECT who FROM import_log") == [("bientap",)]


def test_import_options_decimal_layer_header_row(demo_db, tmp_path, points):
    """--decimal settles an ambiguous file; --layer picks a layer; --header-row names the header row
    (Excel numbering)."""
    rows = [[f"OPT-{k}", "03/04/2024 14:30", *points[k], "250", "heroin", "1.500", "", 1, "", ""] for k in range(2)]
    path = write_csv(tmp_path / "mo_ho.csv", rows)
    r = run("import", "incidents", path, "--db", demo_db, "--lang", "en")
    assert r.returncode == 2 and "row 2, column quantity_g: 1.500 could be a decimal" in r.stderr
    assert "--decimal comma" in r.stderr and not any("\u00c0" <= ch <= "\u1ef9" for ch in r.stderr.split("1.500")[0])
    r = run("import", "incidents", path, "--db", demo_db, "--decimal", "comma")
    assert r.returncode == 0, r.stderr
    assert query(demo_db, "SELECT quantity_g FROM incidents WHERE id LIKE 'OPT-%'") == [(1500.0,), (1500.0,)]
    gdf = gpd.GeoDataFrame({"id": ["L-1"], "occurred_at": ["2024-04-03"], "article": ["250"], "drug": ["heroin"]},
                           geometry=[Point(points[2][1], points[2][0])], crs=4326)
    gpkg = tmp_path / "hai.gpkg"
    gdf.to_file(gpkg, layer="a")
    gdf.assign(id=["L-2"]).to_file(gpkg, layer="b")
    r = run("import", "incidents", gpkg, "--db", demo_db, "--lang", "en")
    assert r.returncode == 2 and "several layers (a, b)" in r.stderr and "--layer" in r.stderr
    assert run("import", "incidents", gpkg, "--db", demo_db, "--layer", "b").returncode == 0
    assert query(demo_db, "SELECT id FROM incidents WHERE id LIKE 'L-%'") == [("L-2",)]
    with open(tmp_path / "title.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["BÁO CÁO THÁNG 4"])
        w.writerow(["a", "b", "c", "d", "e", "f"])
        w.writerow(["H-1", "2024-04-03", *points[3], "250", "heroin"])
    r = run("import", "incidents", tmp_path / "title.csv", "--db", demo_db, "--header-row", "2", "--lang", "en",
            "--map", "a=id", "--map", "b=occurred_at", "--map", "c=lat", "--map", "d=lon", "--map", "e=article",
            "--map", "f=drug")
    assert r.returncode == 0, r.stderr
    assert "rows 1 above the header skipped (title block); header in row 2" in r.stderr
