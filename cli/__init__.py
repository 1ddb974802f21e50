"""The ``borderwatch`` command line. Each command lives in its own module with
``add_arguments(parser)`` and ``run(args) -> int``; ``COMMANDS`` is the registry.

Exit codes: 0 done; 2 input refused, nothing written; 3 access denied; 1 other failure.
Messages go to stderr in the language of ``--lang`` (default ``BORDERWATCH_LANG``, else vi).
"""
from __future__ import annotations

import argparse
import importlib
import importlib.util
import os
import sys

# name -> (module, help)
COMMANDS: dict[str, tuple[str, str]] = {
    "demo": ("cli.demo", "build the demo store (public facts + seeded synthetic incidents)"),
    "info": ("cli.info", "layers, row counts and the incident period"),
    "serve": ("cli.serve", "start the dashboard (Streamlit) on 127.0.0.1"),
}


def register(name: str, module: str, help_text: str) -> None:
    COMMANDS[name] = (module, help_text)


def _optional_commands() -> None:
    """Commands contributed by later modules; listed here, one line each."""
    for name, module, help_text in [
        ("import", "cli.importing", "import a layer from a file (GeoJSON, GPKG, SHP, KML, CSV, XLSX)"),
        ("export", "cli.exporting", "export a layer to .geojson, .gpkg or .csv"),
        ("hotspots", "cli.analysis", "Gi* hotspots on H3 cells"),
        ("emerging", "cli.analysis", "emerging hotspot categories over time slices"),
        ("corridor", "cli.analysis", "per-incident distances to border, crossings and trails"),
        ("villages", "cli.analysis", "village exposure and alerts"),
        ("map", "cli.mapping", "write the map as one standalone offline HTML file"),
        ("briefing", "cli.briefing", "write the briefing pack (PDF)"),
        ("users", "cli.users", "manage local accounts"),
        ("audit", "cli.audit", "list the audit log"),
        ("backup", "cli.backup", "consistent copy of the store"),
        ("restore", "cli.backup", "restore the store from a backup"),
        ("basemap", "cli.basemap", "the unit's offline basemaps (MBTiles, GeoTIFF): add, list, remove"),
        ("context", "cli.context", "context layers (roads, rivers, contours, boundaries): add, list, remove"),
        ("communes", "cli.communes", "incidents per commune area and per 1,000 residents (csv, geojson, gpkg)"),
    ]:
        if importlib.util.find_spec(module) is not None:
            COMMANDS.setdefault(name, (module, help_text))


def build_parser() -> argparse.ArgumentParser:
    _optional_commands()
    parser = argparse.ArgumentParser(prog="borderwatch", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (module, help_text) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.add_argument("--db", help="store file (default: $BORDERWATCH_DB or data/borderwatch.duckdb)")
        p.add_argument("--lang", choices=["vi", "en"], help="message language (default $BORDERWATCH_LANG or vi)")
        p.add_argument("--as", dest="as_user", metavar="NAME", help="act as this local user")
        mod = importlib.import_module(module)
        mod.add_arguments(p, name) if _takes_name(mod.add_arguments) else mod.add_arguments(p)
        p.set_defaults(_module=module, command=name)
    return parser


def _takes_name(fn) -> bool:
    import inspect
    return len(inspect.signature(fn).parameters) >= 2


def main(argv: list[str] | None = None) -> int:
    from core.errors import BorderwatchError
    from core.i18n import t

    parser = build_parser()
    args = parser.parse_args(argv)
    if args.lang:
        os.environ["BORDERWATCH_LANG"] = args.lang
    lang = args.lang
    mod = importlib.import_module(args._module)
    try:
        code = mod.run(args)
    except BorderwatchError as exc:
        key = "cli.refused" if exc.exit_code == 2 else "cli.error"
        print(t(key, lang, msg=str(exc)), file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # unexpected: one line for the user, the traceback only on request
        if os.environ.get("BORDERWATCH_DEBUG"):
            raise
        print(t("cli.error", lang, msg=f"{type(exc).__name__}: {exc}"), file=sys.stderr)
        return 1
    return int(code or 0)


def entry() -> None:  # pragma: no cover - console script wrapper
    sys.exit(main())
