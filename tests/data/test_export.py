"""Export: formats from the extension, exact incident CSV columns, filters, watermark, round trip."""
from __future__ import annotations

import csv
import datetime as dt
import json
import math

import pandas as pd
import pyogrio
import pytest
import shapely
from openpyxl import load_workbook

from core.errors import InputError, OutputError
from data import export as ex
from data.export import INCIDENT_CSV_COLUMNS, export_layer, make_watermark, watermark_sidecar
from data.filters import Filter
from data.importers import import_file
from data.queries import count_incidents
from data.schema import LAYERS
from data.store import connect, layer_counts, read_layer

WM = make_watermark("lan.nguyen", when=dt.datetime(2026, 11, 28, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=7))))
APRIL = Filter(date_from=dt.date(2025, 4, 1), date_to=dt.date(2025, 4, 30))


def read_csv(path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_incident_csv_has_exactly_the_agreed_columns(demo_ro_con, tmp_path):
    out = tmp_path / "inc.csv"
    n = export_layer(demo_ro_con, "incidents", out, flt=APRIL)
    with open(out, encoding="utf-8-sig", newline="") as fh:
        header = next(csv.reader(fh))
    assert header == ["id", "occurred_at", "lat", "lon", "article", "drug", "quantity_g", "tablets", "persons",
                      "station_id", "description"] == INCIDENT_CSV_COLUMNS
    rows = read_csv(out)
    assert n == len(rows) == count_incidents(demo_ro_con, APRIL) > 0
    stored = demo_ro_con.execute("SELECT id, occurred_at, lat, lon, drug, tablets FROM incidents").df().set_index("id")
    for r in rows[:50]:
        s = stored.loc[r["id"]]
        assert r["occurred_at"].endswith("+07:00")                            # an instant: Vietnam time
        assert pd.Timestamp(r["occurred_at"]).tz_localize(None) == s["occurred_at"]
        assert float(r["lat"]) == s["lat"] and float(r["lon"]) == s["lon"]     # full precision
        assert r["drug"] == s["drug"]
        assert r["tablets"] == ("" if pd.isna(s["tablets"]) else str(int(s["tablets"])))
        assert dt.date(2025, 4, 1) <= dt.date.fromisoformat(r["occurred_at"][:10]) <= dt.date(2025, 4, 30)
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")       # BOM: Excel shows Vietnamese right


def test_filters_apply_to_incidents(demo_ro_con, tmp_path):
    flt = Filter(drugs=("heroin",), stations=("DBP-LAOBAO",))
    n = export_layer(demo_ro_con, "incidents", tmp_path / "h.csv", flt=flt)
    rows = read_csv(tmp_path / "h.csv")
    assert n == len(rows) == count_incidents(demo_ro_con, flt) > 0
    assert {r["drug"] for r in rows} == {"heroin"} and {r["station_id"] for r in rows} == {"DBP-LAOBAO"}
    with pytest.raises(InputError) as err:
        export_layer(demo_ro_con, "villages", tmp_path / "v.csv", flt=APRIL, lang="en")
    assert "incidents only" in str(err.value)


def test_empty_selection_gives_empty_files(demo_ro_con, tmp_path):
    flt = Filter(date_from=dt.date(2001, 1, 1), date_to=dt.date(2001, 1, 2))
    for ext in ("csv", "geojson", "gpkg", "xlsx"):
        assert export_layer(demo_ro_con, "incidents", tmp_path / f"e.{ext}", flt=flt) == 0
    assert read_csv(tmp_path / "e.csv") == []
    assert json.loads((tmp_path / "e.geojson").read_text())["features"] == []
    assert pyogrio.read_info(tmp_path / "e.gpkg")["features"] == 0


def test_geojson_with_watermark(demo_ro_con, tmp_path):
    out = tmp_path / "inc.geojson"
    n = export_layer(demo_ro_con, "incidents", out, flt=APRIL, watermark=WM)
    doc = json.loads(out.read_text("utf-8"))
    assert doc["type"] == "FeatureCollection" and len(doc["features"]) == n
    wm = doc["watermark"]
    assert wm["exported_by"] == "lan.nguyen" and wm["exported_at"] == "2026-11-28T09:30:00+07:00"
    assert json.loads(wm["filter"]) == {"date_from": "2025-04-01", "date_to": "2025-04-30"}
    assert wm["illustrative"] == "true" and wm["rows"] == str(n) and wm["layer"] == "incidents"
    f = doc["features"][0]
    stored = demo_ro_con.execute("SELECT lon, lat, article FROM incidents WHERE id = ?",
                              [f["properties"]["id"]]).fetchone()
    assert f["geometry"] == {"type": "Point", "coordinates": [stored[0], stored[1]]}
    assert f["properties"]["article"] == stored[2]
    assert set(f["properties"]) == set(LAYERS["incidents"].field_names)
    gdf = pyogrio.read_dataframe(out)              # GDAL reads it as a normal GeoJSON
    assert len(gdf) == n and gdf.crs.to_epsg() == 4326


def test_gpkg_with_watermark_metadata(demo_ro_con, tmp_path):
    out = tmp_path / "inc.gpkg"
    n = export_layer(demo_ro_con, "incidents", out, flt=APRIL, watermark=WM)
    info = pyogrio.read_info(out)
    assert info["layer_name"] == "incidents" and info["features"] == n and info["crs"] == "EPSG:4326"
    assert info["layer_metadata"]["exported_by"] == "lan.nguyen"
    assert info["layer_metadata"]["exported_at"] == "2026-11-28T09:30:00+07:00"
    gdf = pyogrio.read_dataframe(out)
    assert str(gdf["occurred_at"].dtype).startswith("datetime64")


def test_csv_watermark_is_a_sidecar(demo_ro_con, tmp_path):
    out = tmp_path / "inc.csv"
    export_layer(demo_ro_con, "incidents", out, flt=APRIL, watermark=WM)
    side = watermark_sidecar(out)
    assert side.name == "inc.csv.watermark.json"
    meta = json.loads(side.read_text("utf-8"))
    assert meta["exported_by"] == "lan.nguyen" and meta["layer"] == "incidents"
    with open(out, encoding="utf-8-sig", newline="") as fh:
        assert next(csv.reader(fh)) == INCIDENT_CSV_COLUMNS          # no comment line, no extra column
    export_layer(demo_ro_con, "incidents", tmp_path / "plain.csv")
    assert not watermark_sidecar(tmp_path / "plain.csv").exists()


def test_xlsx_with_watermark(demo_ro_con, tmp_path):
    out = tmp_path / "inc.xlsx"
    n = export_layer(demo_ro_con, "incidents", out, flt=APRIL, watermark=WM)
    wb = load_workbook(out)
    ws = wb["incidents"]
    assert [c.value for c in ws[1]] == INCIDENT_CSV_COLUMNS and ws.max_row == n + 1
    assert isinstance(ws.cell(2, 2).value, dt.datetime) and isinstance(ws.cell(2, 3).value, float)
    assert wb.properties.creator == "lan.nguyen"
    info = {r[0]: r[1] for r in wb["watermark"].iter_rows(values_only=True)}
    assert info["exported_by"] == "lan.nguyen" and info["rows"] == str(n)


def test_other_layers_points_lines_polygons_and_tables(demo_ro_con, tmp_path):
    export_layer(demo_ro_con, "villages", tmp_path / "v.csv")
    v = read_csv(tmp_path / "v.csv")
    assert list(v[0]) == LAYERS["villages"].field_names + ["lat", "lon"]
    stored = read_layer(demo_ro_con, "villages").set_index("id")
    assert float(v[0]["lat"]) == stored.geometry.loc[v[0]["id"]].y
    export_layer(demo_ro_con, "trails", tmp_path / "t.csv")
    t = read_csv(tmp_path / "t.csv")
    assert list(t[0]) == LAYERS["trails"].field_names + ["wkt"]
    assert shapely.from_wkt(t[0]["wkt"]).geom_type == "LineString"
    export_layer(demo_ro_con, "stations", tmp_path / "s.csv")
    s = read_csv(tmp_path / "s.csv")
    assert list(s[0]) == ["id", "name", "lat", "lon", "area_wkt"]
    assert shapely.from_wkt(s[0]["area_wkt"]).geom_type in ("Polygon", "MultiPolygon")
    export_layer(demo_ro_con, "village_status", tmp_path / "vs.csv")
    vs = read_csv(tmp_path / "vs.csv")
    assert list(vs[0]) == LAYERS["village_status"].field_names
    assert len(vs) == layer_counts(demo_ro_con)["village_status"]
    export_layer(demo_ro_con, "belt", tmp_path / "b.geojson")
    b = json.loads((tmp_path / "b.geojson").read_text())
    assert b["features"][0]["geometry"]["type"] in ("Polygon", "MultiPolygon")


def _close(a: tuple, b: tuple) -> bool:
    return all(math.isclose(x, y, rel_tol=1e-15) if isinstance(x, float) and isinstance(y, float) else x == y
               for x, y in zip(a, b, strict=True))


def _single_parts(geoms):
    """Each one-part Multi* geometry as its only part (other geometries unchanged)."""
    return [shapely.get_geometry(g, 0) if g.geom_type.startswith("Multi") and shapely.get_num_geometries(g) == 1
            else g for g in geoms]


@pytest.mark.parametrize("ext", ["csv", "gpkg", "geojson", "xlsx"])
def test_round_trip_every_layer_into_a_fresh_store(demo_ro_con, tmp_path, ext, snapshot):
    fresh = connect(tmp_path / "fresh.duckdb")
    for layer in LAYERS:                       # belt and villages first: later layers are checked against them
        path = tmp_path / f"{layer}.{ext}"
        n = export_layer(demo_ro_con, layer, path)
        result = import_file(fresh, layer, path)
        assert result.rows_new == n and result.rows_rejected == 0
    assert layer_counts(fresh) == layer_counts(demo_ro_con)
    for layer in LAYERS:
        spec = LAYERS[layer]
        order = "village_id, decided_on, status" if layer == "village_status" else "id"
        q = f"SELECT {', '.join(spec.field_names)} FROM {layer} ORDER BY {order}"
        got, want = fresh.execute(q).fetchall(), demo_ro_con.execute(q).fetchall()
        if ext == "xlsx":   # openpyxl writes numbers with 16 significant digits
            assert len(got) == len(want) and all(map(_close, got, want)), layer
        else:
            assert got == want, layer
        if spec.geom_types:
            want = read_layer(demo_ro_con, layer).sort_values("id").geometry.values
            got = read_layer(fresh, layer).sort_values("id").geometry.values
            # exact for CSV/GPKG/GeoJSON; XLSX numbers keep 15-16 significant digits (nanometres here)
            tol = 1e-12 if ext == "xlsx" else 0.0
            if ext == "geojson":   # RFC 7946 winding may reverse a ring: same coordinates, other direction
                got, want = shapely.normalize(got), shapely.normalize(want)
            if ext == "gpkg":      # one geometry type per layer: a Polygon in a mixed layer comes back as a
                got = _single_parts(got)    # one-part MultiPolygon with the same coordinates
                want = _single_parts(want)
            assert shapely.equals_exact(got, want, tolerance=tol).all(), layer
    derived = "SELECT id, h3_9, village_id, commune FROM incidents ORDER BY id"
    assert fresh.execute(derived).fetchall() == demo_ro_con.execute(derived).fetchall()
    again = import_file(fresh, "incidents", tmp_path / f"incidents.{ext}")
    assert again.rows_unchanged == layer_counts(demo_ro_con)["incidents"] and again.rows_written == 0
    fresh.close()


def test_bad_targets(demo_ro_con, tmp_path):
    with pytest.raises(OutputError) as err:       # an output problem, not refused input
        export_layer(demo_ro_con, "incidents", tmp_path / "x.shp", lang="en")
    assert not isinstance(err.value, InputError) and err.value.exit_code == 4
    assert ".geojson" in str(err.value) and ".gpkg" in str(err.value) and ".csv" in str(err.value)
    assert ".zip" in str(err.value) and ".fgb" in str(err.value)
    with pytest.raises(OutputError) as err:
        export_layer(demo_ro_con, "incidents", tmp_path / "missing" / "x.csv", lang="en")
    assert "does not exist" in str(err.value)
    with pytest.raises(InputError):
        export_layer(demo_ro_con, "nope", tmp_path / "x.csv")


def test_a_failed_export_leaves_no_file(demo_ro_con, tmp_path, monkeypatch):
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "inc.csv"
    out.write_text("previous export")

    def broken(path, layer, frame, geoms, meta):
        path.write_text("half a fil")
        raise OSError(28, "No space left on device")

    monkeypatch.setitem(ex._EXTENSION_TO_WRITER, ".csv", broken)
    with pytest.raises(OutputError) as err:
        export_layer(demo_ro_con, "incidents", out, lang="en")
    assert "No space left on device" in str(err.value)
    assert out.read_text() == "previous export"
    assert sorted(p.name for p in folder.iterdir()) == ["inc.csv"]
