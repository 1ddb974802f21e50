"""The ``borderwatch`` command line. Each command lives in its own module with
``add_arguments(parser, name)`` and ``run(args) -> int``; ``COMMANDS`` is the registry.

Every command module is imported plainly: a missing module is an import error at start-up,
never a command that silently disappears (fail closed).

Exit codes: 0 done; 2 input refused, nothing written; 3 access denied; 4 output refused (a format,
folder or file the command cannot write; nothing written); 1 other failure.
Messages go to stderr in the language of ``--lang`` (default ``BORDERWATCH_LANG``, else vi).
"""
from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from types import ModuleType

from cli import (
    analysis,
    audit,
    backup,
    basemap,
    briefing,
    communes,
    context,
    coverage,
    demo,
    exporting,
    importing,
    info,
    init,
    mapping,
    migrate,
    patrol_export,
    serve,
    users,
)

# name -> (module, help)
COMMANDS: dict[str, tuple[ModuleType, str]] = {
    "demo": (demo, "build the demo store (public facts + seeded synthetic incidents)"),
    "info": (info, "layers, row counts and the incident period"),
    "serve": (serve, "start the dashboard (Streamlit) on 127.0.0.1"),
    "init": (init, "create an empty store for real data (no demo rows)"),
    "import": (importing, "import a layer from a file (GeoJSON, GPKG, SHP, KML, CSV, XLSX, GPX for patrols)"),
    "export": (exporting, "export a layer (or all) to .gpkg .geojson .csv .xlsx .kml .kmz .gpx .zip .fgb"),
    "export-patrols": (patrol_export, "export patrol tracks to .gpx, .gpkg or .kml"),
    "hotspots": (analysis, "Gi* hotspots on H3 cells"),
    "emerging": (analysis, "emerging hotspot categories over time slices"),
    "coverage": (coverage, "patrol coverage per H3 cell, and the gaps at hot spots"),
    "corridor": (analysis, "per-incident distances to border, crossings and trails"),
    "villages": (analysis, "village exposure and alerts"),
    "map": (mapping, "write the map as one standalone offline HTML file"),
    "briefing": (briefing, "write the briefing pack (PDF)"),
    "users": (users, "manage local accounts"),
    "audit": (audit, "list the audit log"),
    "backup": (backup, "consistent copy of the store"),
    "restore": (backup, "restore the store from a backup"),
    "migrate": (migrate, "move a store between a DuckDB file and PostgreSQL (--from, --to)"),
    "basemap": (basemap, "the unit's offline basemaps (MBTiles, GeoTIFF): add, list, remove"),
    "context": (context, "context layers (roads, rivers, contours, boundaries): add, list, remove"),
    "communes": (communes, "incidents per commune area and per 1,000 residents (csv, geojson, gpkg)"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="borderwatch", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (module, help_text) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.add_argument("--db", help="store file or postgresql://USER@HOST:PORT/DBNAME "
                            "(password from PGPASSWORD or ~/.pgpass; "
                            "default: $BORDERWATCH_DB or data/borderwatch.duckdb)")
        p.add_argument("--lang", choices=["vi", "en"], help="message language (default $BORDERWATCH_LANG or vi)")
        p.add_argument("--as", dest="as_user", metavar="NAME",
                       help="act as this local account (a claim; the audit log records your OS user and uid beside it)")
        module.add_arguments(p, name)
        p.set_defaults(_module=module, command=name)
    return parser


def _terminate(signum, frame) -> None:  # pragma: no cover - exercised through a subprocess
    """SIGTERM ends the command like Ctrl-C: ``finally`` blocks run, temporary files are removed."""
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.lang:
        return _run(args, None)
    before = os.environ.get("BORDERWATCH_LANG")
    os.environ["BORDERWATCH_LANG"] = args.lang      # the command's language, for this call only
    try:
        return _run(args, args.lang)
    finally:                                        # in-process callers (tests, tools) keep their own
        if before is None:
            os.environ.pop("BORDERWATCH_LANG", None)
        else:
            os.environ["BORDERWATCH_LANG"] = before


def _run(args, lang: str | None) -> int:
    from core.errors import BorderwatchError, OutputError
    from core.i18n import t
    from data import audit as audit_log
    from data.fsmodes import private_umask

    private_umask()                                         # files we write are 0600, folders 0700
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _terminate)
    mod = args._module
    try:
        with audit_log.origin(audit_log.Origin.this_process()):  # every CLI entry records the OS user and uid
            code = mod.run(args)
    except BorderwatchError as exc:
        key = "cli.output_refused" if isinstance(exc, OutputError) else (
            "cli.refused" if exc.exit_code == 2 else "cli.error")
        print(t(key, lang, msg=str(exc)), file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # the reader went away (`borderwatch coverage --gaps | head`): stop quietly, as Unix tools do; stdout
        # points at /dev/null so the interpreter's final flush does not complain either
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
        return 141
    except Exception as exc:  # unexpected: one line for the user, the traceback only on request
        if os.environ.get("BORDERWATCH_DEBUG"):
            raise
        print(t("cli.error", lang, msg=f"{type(exc).__name__}: {exc}"), file=sys.stderr)
        return 1
    return int(code or 0)


def entry() -> None:  # pragma: no cover - console script wrapper
    sys.exit(main())
