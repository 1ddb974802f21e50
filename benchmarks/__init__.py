"""Benchmark scripts (run as files: ``.venv/bin/python benchmarks/NAME.py``); a package only so mypy checks them."""
