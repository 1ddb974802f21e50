"""``borderwatch info``: layers, row counts, incident period."""
from __future__ import annotations

import json

import duckdb

from cli._common import open_store
from core.i18n import t
from data.store import get_meta, incident_span, layer_counts, scalar


def add_arguments(p, name: str) -> None:
    p.add_argument("--json", action="store_true", help="machine-readable output")


def info(con: duckdb.DuckDBPyConnection) -> dict:
    first, last = incident_span(con)
    counts = layer_counts(con)
    for table in ("patrols", "patrol_points"):       # patrol tracks and their waypoints (not import layers)
        counts[table] = scalar(con, f"SELECT count(*) FROM {table}")
    return {
        "layers": {name: {"rows": n} for name, n in counts.items()},
        "incidents": {"first": first.isoformat() if first else None, "last": last.isoformat() if last else None},
        "demo": get_meta(con, "demo") == "true",
        "schema_version": int(get_meta(con, "schema_version") or 0),
    }


def run(args) -> int:
    con = open_store(args, read_only=True)
    try:
        data = info(con)
    finally:
        con.close()
    if args.json:
        print(json.dumps(data, ensure_ascii=False))
    else:
        for name, entry in data["layers"].items():
            print(f"{name:16s} {entry['rows']:>10,d}")
        first, last = data["incidents"]["first"], data["incidents"]["last"]
        period = f"{first} .. {last}" if first else t("cli.info.no_incidents", args.lang)
        print(t("cli.info.period", args.lang, period=period) + (t("cli.info.demo", args.lang) if data["demo"] else ""))
    return 0
