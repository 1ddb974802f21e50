"""Canonical layers, their fields, and the versioned schema of the store.

``LAYERS`` is the single description of every layer's fields that the store, the
importers, the exporters and the map read. ``MIGRATIONS`` is an append-only list:
migration *n* brings the store from version *n-1* to *n*; never edit a released one.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    name: str
    sql: str                      # DuckDB type
    required: bool = False
    enum: str | None = None       # key in core.vocab.ENUMS
    kind: str = "text"            # text | int | float | date | timestamp | bool
    since: int = 1                # schema version that added the column (the DDL of older migrations leaves it out)


@dataclass(frozen=True)
class Layer:
    name: str
    fields: tuple[Field, ...]
    geom_types: tuple[str, ...]   # accepted shapely geom_type values
    key: str = "id"
    extra_geoms: tuple[str, ...] = ()   # further GEOMETRY columns (stations.area)
    derived: tuple[str, ...] = ()       # columns the store fills itself

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    def get(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)


POINT = ("Point",)
LINE = ("LineString", "MultiLineString")
POLY = ("Polygon", "MultiPolygon")

LAYERS: dict[str, Layer] = {
    "border": Layer("border", (Field("id", "VARCHAR", True), Field("name", "VARCHAR", True)), LINE),
    "belt": Layer("belt", (Field("id", "VARCHAR", True), Field("name", "VARCHAR", True)), POLY),
    "crossings": Layer("crossings", (
        Field("id", "VARCHAR", True), Field("name", "VARCHAR", True),
        Field("kind", "VARCHAR", True, enum="crossing_kind"),
        Field("facing", "VARCHAR"), Field("commune", "VARCHAR"),
        Field("approximate", "BOOLEAN", kind="bool"),
    ), POINT),
    "trails": Layer("trails", (
        Field("id", "VARCHAR", True), Field("name", "VARCHAR", True),
        Field("kind", "VARCHAR", True, enum="trail_kind"),
    ), LINE),
    "villages": Layer("villages", (
        Field("id", "VARCHAR", True), Field("name", "VARCHAR", True), Field("commune", "VARCHAR", True),
        Field("district", "VARCHAR"), Field("population", "INTEGER", kind="int"),
        Field("households", "INTEGER", kind="int"),
    ), POINT + POLY),
    "village_status": Layer("village_status", (
        Field("village_id", "VARCHAR", True), Field("status", "VARCHAR", True, enum="status"),
        Field("decided_on", "DATE", True, kind="date"), Field("decision_ref", "VARCHAR"),
        Field("review_due", "DATE", kind="date"), Field("note", "VARCHAR"),
    ), (), key="village_id,status,decided_on"),
    "stations": Layer("stations", (
        Field("id", "VARCHAR", True), Field("name", "VARCHAR", True),
    ), POINT, extra_geoms=("area",)),
    "incidents": Layer("incidents", (
        Field("id", "VARCHAR", True), Field("occurred_at", "TIMESTAMP", True, kind="timestamp"),
        Field("article", "VARCHAR", True, enum="article"), Field("drug", "VARCHAR", True, enum="drug"),
        Field("quantity_g", "DOUBLE", kind="float"), Field("tablets", "INTEGER", kind="int"),
        Field("persons", "INTEGER", kind="int"), Field("station_id", "VARCHAR"),
        Field("description", "VARCHAR"),
        # Migration 8: a deliberate record across the border (joint operation); editor only, audited.
        Field("outside_vietnam", "BOOLEAN", kind="bool", since=9),
    ), POINT, derived=("lon", "lat", "h3_9", "village_id", "commune",
                       # migration 10: corridor facts (data.corridor_facts), filled at write time like h3_9
                       "border_m", "chainage_km", "crossing_id", "crossing_m", "trail_id", "trail_m")),
    # Commune areas (migration 4): one polygon per commune, its pre-2025 and post-2025 names and residents.
    "commune_areas": Layer("commune_areas", (
        Field("id", "VARCHAR", True), Field("name", "VARCHAR", True), Field("new_name", "VARCHAR"),
        Field("district", "VARCHAR"), Field("population", "INTEGER", kind="int"),
    ), POLY),
}
#: Layers created by migration 1; later layers come with their own migration.
_V1_LAYERS = ("border", "belt", "crossings", "trails", "villages", "village_status", "stations", "incidents")

SPATIAL_LAYERS = [n for n, spec in LAYERS.items() if spec.geom_types]


def _layer_ddl(spec: Layer, version: int | None = None) -> str:
    """``CREATE TABLE`` of ``spec`` as migration ``version`` made it (its fields with ``since <= version``)."""
    fields = [f for f in spec.fields if version is None or f.since <= version]
    cols = [f"{f.name} {f.sql}{' NOT NULL' if f.required else ''}" for f in fields]
    if spec.name == "incidents":
        cols += ["lon DOUBLE NOT NULL", "lat DOUBLE NOT NULL", "h3_9 UBIGINT",
                 "village_id VARCHAR", "commune VARCHAR"]
    if spec.geom_types:
        cols.append("geom GEOMETRY NOT NULL")
    cols += [f"{g} GEOMETRY" for g in spec.extra_geoms]
    cols += ["illustrative BOOLEAN NOT NULL DEFAULT false", "import_id BIGINT"]
    if spec.key == "id":
        cols.append("PRIMARY KEY (id)")
    return f"CREATE TABLE {spec.name} (\n  " + ",\n  ".join(cols) + "\n)"


def _v1() -> list[str]:
    stmts = [_layer_ddl(LAYERS[name], 1) for name in _V1_LAYERS]
    stmts += [
        "CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR)",
        # Commune names before and after the 1/7/2025 merger; analysis code reads this table.
        """CREATE TABLE communes (
             old_name VARCHAR NOT NULL, old_district VARCHAR, new_name VARCHAR NOT NULL,
             valid_from DATE NOT NULL, illustrative BOOLEAN NOT NULL DEFAULT false,
             PRIMARY KEY (old_name))""",
        "CREATE SEQUENCE import_seq START 1",
        """CREATE TABLE import_log (
             id BIGINT PRIMARY KEY, who VARCHAR, at_time TIMESTAMP, file VARCHAR, layer VARCHAR,
             mode VARCHAR, rows_in INTEGER, rows_rejected INTEGER, rows_unchanged INTEGER)""",
        """CREATE TABLE import_rejects (
             import_id BIGINT, file VARCHAR, "row" INTEGER, "column" VARCHAR, reason VARCHAR, raw VARCHAR)""",
        "CREATE INDEX incidents_time ON incidents (occurred_at)",
    ]
    return stmts


def _v2_briefing_snapshots() -> list[str]:
    """Saved briefings (report.snapshots): filters, period, data version and a summary to compare with."""
    return [
        "CREATE SEQUENCE briefing_seq START 1",
        """CREATE TABLE briefing_snapshots (
             id BIGINT PRIMARY KEY, saved_at TIMESTAMP NOT NULL, saved_by VARCHAR, title VARCHAR,
             filters VARCHAR NOT NULL, date_from DATE, date_to DATE,
             data_version VARCHAR NOT NULL, row_counts VARCHAR NOT NULL, summary VARCHAR NOT NULL)""",
    ]


def _v3_accounts_audit() -> list[str]:
    """Local accounts (data.users; argon2id hashes only) and the append-only, hash-chained audit log (data.audit)."""
    return [
        """CREATE TABLE users (
             name VARCHAR PRIMARY KEY, role VARCHAR NOT NULL, pw_hash VARCHAR NOT NULL,
             active BOOLEAN NOT NULL DEFAULT true, failures INTEGER NOT NULL DEFAULT 0, locked_until TIMESTAMP,
             created_at TIMESTAMP NOT NULL, created_by VARCHAR, password_changed_at TIMESTAMP, last_login TIMESTAMP)""",
        """CREATE TABLE audit (
             id BIGINT PRIMARY KEY, at_time TIMESTAMP NOT NULL, who VARCHAR NOT NULL, action VARCHAR NOT NULL,
             what VARCHAR, n_rows BIGINT, prev_hash VARCHAR NOT NULL, hash VARCHAR NOT NULL)""",
    ]


def _v4_login_failures() -> list[str]:
    """Failed logins per name attempted, existing or not (data.users.verify counts them in one statement);
    the counters move out of ``users`` so a wrong name and a wrong password take the same path."""
    return [
        """CREATE TABLE login_failures (
             name VARCHAR PRIMARY KEY, failures INTEGER NOT NULL, locked_until TIMESTAMP, last_at TIMESTAMP)""",
        """INSERT INTO login_failures SELECT name, failures, locked_until, NULL FROM users
             WHERE failures > 0 OR locked_until IS NOT NULL""",
        "ALTER TABLE users DROP COLUMN failures",
        "ALTER TABLE users DROP COLUMN locked_until",
    ]


def _v5_patrols() -> list[str]:
    """Patrol tracks and their waypoints (data.patrols), and each track's effort per resolution-9 H3 cell and day.

    ``patrols.no_times``: the track had no point times and was imported with ``--date`` (hours unknown).
    ``patrol_cells`` is derived on import (geo.coverage.track_effort): coverage sums it, never re-reads tracks.
    """
    return [
        """CREATE TABLE patrols (
             id VARCHAR PRIMARY KEY, station_id VARCHAR, started_at TIMESTAMP NOT NULL, ended_at TIMESTAMP NOT NULL,
             team VARCHAR, kind VARCHAR NOT NULL, note VARCHAR, name VARCHAR, length_km DOUBLE NOT NULL,
             duration_h DOUBLE, no_times BOOLEAN NOT NULL DEFAULT false, n_points INTEGER NOT NULL,
             source_file VARCHAR, geom GEOMETRY NOT NULL,
             illustrative BOOLEAN NOT NULL DEFAULT false, import_id BIGINT)""",
        """CREATE TABLE patrol_points (
             id VARCHAR PRIMARY KEY, patrol_id VARCHAR, name VARCHAR, "time" TIMESTAMP, symbol VARCHAR,
             note VARCHAR, geom GEOMETRY NOT NULL, illustrative BOOLEAN NOT NULL DEFAULT false, import_id BIGINT)""",
        """CREATE TABLE patrol_cells (
             patrol_id VARCHAR NOT NULL, h3_9 UBIGINT NOT NULL, day DATE NOT NULL,
             km DOUBLE NOT NULL, hours DOUBLE)""",
        "CREATE INDEX patrols_time ON patrols (started_at)",
        "CREATE INDEX patrol_cells_day ON patrol_cells (day)",
    ]


def _v6_audit_os_identity() -> list[str]:
    """The operating-system user and uid behind a CLI (or relayed) audit entry, beside the claimed account."""
    return [
        "ALTER TABLE audit ADD COLUMN os_user VARCHAR",
        "ALTER TABLE audit ADD COLUMN os_uid BIGINT",
    ]


def _v7_basemaps_context_communes() -> list[str]:
    """The unit's offline basemaps (data.basemaps), context layers (data.context) and commune areas."""
    return [
        """CREATE TABLE basemaps (
             name VARCHAR PRIMARY KEY, kind VARCHAR NOT NULL, source VARCHAR NOT NULL, tiles VARCHAR NOT NULL,
             format VARCHAR NOT NULL, min_zoom INTEGER NOT NULL, max_zoom INTEGER NOT NULL,
             west DOUBLE NOT NULL, south DOUBLE NOT NULL, east DOUBLE NOT NULL, north DOUBLE NOT NULL,
             attribution VARCHAR, added_at TIMESTAMP NOT NULL, added_by VARCHAR)""",
        """CREATE TABLE context_layers (
             name VARCHAR PRIMARY KEY, source VARCHAR NOT NULL, source_layer VARCHAR, style VARCHAR NOT NULL,
             color VARCHAR NOT NULL, label_field VARCHAR, source_crs VARCHAR, n_features INTEGER NOT NULL,
             position INTEGER NOT NULL, added_at TIMESTAMP NOT NULL, added_by VARCHAR)""",
        """CREATE TABLE context_features (
             layer VARCHAR NOT NULL, fid INTEGER NOT NULL, label VARCHAR, geom GEOMETRY NOT NULL,
             PRIMARY KEY (layer, fid))""",
        _layer_ddl(LAYERS["commune_areas"], 7),
    ]


def _v8_web_sessions() -> list[str]:
    """Browser sessions that survive a reload (data.websessions): SHA-256 digests of the one-time code and of
    the cookie token only, never the values; rows go at logout, expiry and when the account is disabled."""
    return [
        """CREATE TABLE web_sessions (
             id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, token_hash VARCHAR, code_hash VARCHAR,
             code_expires TIMESTAMP, created_at TIMESTAMP NOT NULL, last_seen TIMESTAMP NOT NULL)""",
    ]


def _v9_outside_vietnam() -> list[str]:
    """``incidents.outside_vietnam``: a case deliberately recorded across the border (a joint operation).

    Without it a point on the Lao side of the stored border beyond the tolerance is refused
    (:mod:`geo.border`); setting it needs the ``cross_border`` capability (editor) and is audited.
    Stored rows are not across the border: false.
    """
    return ["ALTER TABLE incidents ADD COLUMN outside_vietnam BOOLEAN DEFAULT false",
            "UPDATE incidents SET outside_vietnam = false WHERE outside_vietnam IS NULL"]


def _v10_corridor_facts() -> list[str]:
    """Per-incident corridor facts, computed at write time as ``h3_9`` is (:mod:`data.corridor_facts`):
    distance to the border (m), chainage from its north end (km), nearest crossing and trail with
    their distances (m). Existing rows are filled when the store is next opened read-write
    (``data.corridor_facts.ensure_current``, which needs the geometry maths of :mod:`geo.corridor`);
    ``meta.corridor_facts`` names the border, crossings and trails they were computed against.
    """
    return ["ALTER TABLE incidents ADD COLUMN border_m DOUBLE",
            "ALTER TABLE incidents ADD COLUMN chainage_km DOUBLE",
            "ALTER TABLE incidents ADD COLUMN crossing_id VARCHAR",
            "ALTER TABLE incidents ADD COLUMN crossing_m DOUBLE",
            "ALTER TABLE incidents ADD COLUMN trail_id VARCHAR",
            "ALTER TABLE incidents ADD COLUMN trail_m DOUBLE"]


# Append-only. Each entry: (version, list of SQL statements or a callable returning them).
MIGRATIONS: list[tuple[int, Callable[[], list[str]] | list[str]]] = [
    (1, _v1),
    (2, _v2_briefing_snapshots),
    (3, _v3_accounts_audit),
    (4, _v4_login_failures),
    (5, _v5_patrols),
    (6, _v6_audit_os_identity),
    (7, _v7_basemaps_context_communes),
    (8, _v8_web_sessions),
    (9, _v9_outside_vietnam),
    (10, _v10_corridor_facts),
]

SCHEMA_VERSION = MIGRATIONS[-1][0]


# -- the same migrations in PostgreSQL + PostGIS (server mode) ---------------------------------

#: DuckDB type → PostgreSQL type. Geometry is EPSG:4326 (lon, lat) everywhere in the store; H3
#: cells are below 2^63, so ``bigint`` holds them (read back with ``CAST(h3_9 AS UBIGINT)``).
PG_TYPES = {"VARCHAR": "text", "DOUBLE": "double precision", "UBIGINT": "bigint",
            "GEOMETRY": "geometry(Geometry,4326)"}
_TYPE_RE = re.compile(r"\b(" + "|".join(PG_TYPES) + r")\b")
_CREATE_RE = re.compile(r"^\s*CREATE TABLE\s+(\w+)\s*\((.*)\)\s*$", re.S | re.I)
_ADD_RE = re.compile(r"^\s*ALTER TABLE\s+(\w+)\s+ADD COLUMN\s+(\w+)\s+GEOMETRY\b", re.I)
_GEOM_COL_RE = re.compile(r"(?:^|,)\s*(\w+)\s+GEOMETRY\b", re.I)


def pg_statements(stmts: list[str]) -> list[str]:
    """One migration's DuckDB statements as PostgreSQL statements: types translated, and a GiST
    index on every geometry column a statement creates. The tables stay described once, above."""
    out: list[str] = []
    for sql in stmts:
        out.append(_TYPE_RE.sub(lambda m: PG_TYPES[m.group(1)], sql))
        geoms: list[tuple[str, str]] = []
        if (m := _CREATE_RE.match(sql)):
            geoms = [(m.group(1), c) for c in _GEOM_COL_RE.findall(m.group(2))]
        elif (m := _ADD_RE.match(sql)):
            geoms = [(m.group(1), m.group(2))]
        out += [f"CREATE INDEX {t}_{c}_gist ON {t} USING gist ({c})" for t, c in geoms]
    return out
