"""``borderwatch demo``: build the demo store."""
from __future__ import annotations

import sys

from cli._common import db_path
from core.errors import InputError
from core.i18n import t


def add_arguments(p) -> None:
    p.add_argument("--incidents", type=int, default=None,
                   help="a load demo of this many synthetic incidents (0 allowed); default: the plausible demo, "
                        "about 190 cases a year over three years")
    p.add_argument("--seed", type=int, default=233, help="random seed (same seed and month, same data)")
    p.add_argument("--end", help="last month YYYY-MM-DD (default: today)")


def run(args) -> int:
    from data.demo import build_demo
    from data.filters import parse_date

    if args.incidents is not None and args.incidents < 0:
        raise InputError("--incidents must be ≥ 0")
    end = parse_date(args.end) if args.end else None
    summary = build_demo(db_path(args), incidents=args.incidents, seed=args.seed, end=end)
    print(t("cli.demo.built", args.lang, db=summary["db"], n=summary["incidents"], s=summary["seconds"]),
          file=sys.stderr)
    return 0
