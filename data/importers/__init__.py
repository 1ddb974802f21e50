"""Import layers from GeoJSON, GeoPackage, Shapefile (.shp or .zip), KML, CSV and XLSX.

The dashboard (Data tab) and ``borderwatch import`` share one path::

    src = read_source(path, layer="incidents", crs=None, mapping={"Ngày": "occurred_at"})
    report = validate(src, con)                 # every problem, nothing written
    result = commit(con, src, skip_invalid=False, who="lan")   # one transaction

or in one call :func:`import_file`. A file that cannot be read at all raises a one-line
:class:`~core.errors.InputError`; a file with problems raises
:class:`~core.errors.ValidationError` listing every problem (file, row, column, reason)
and leaves the store unchanged, unless ``skip_invalid``.

Upload limits: :data:`MAX_FILE_BYTES` and :data:`MAX_ROWS` (pass ``max_bytes`` /
``max_rows`` to override per call).
"""
from __future__ import annotations

from pathlib import Path
from typing import Unpack, cast

import duckdb

from data.importers.commit import (
    CommitOptions,
    ImportResult,
    commit,
    log_outside,
    mode_name,
    problem_text,
    problems_summary,
    rejects_path_for,
)
from data.importers.readers import MAX_FILE_BYTES, MAX_ROWS, supported_extensions
from data.importers.source import ReadOptions, Source, mapping_targets, read_source
from data.importers.validate import Report, validate

__all__ = ["MAX_FILE_BYTES", "MAX_ROWS", "ImportResult", "Report", "Source", "commit", "import_file",
           "mapping_targets", "mode_name", "problem_text", "problems_summary", "read_source",
           "rejects_path_for", "supported_extensions", "validate", "log_outside"]


class ImportOptions(ReadOptions, CommitOptions, total=False):
    """Every option of :func:`import_file`: how to read (:class:`ReadOptions`) and how to write
    (:class:`CommitOptions`)."""


_READ_KEYS = ReadOptions.__required_keys__ | ReadOptions.__optional_keys__
_WRITE_KEYS = CommitOptions.__required_keys__ | CommitOptions.__optional_keys__


def import_file(con: duckdb.DuckDBPyConnection, layer: str, path: str | Path, *, lang: str | None = None,
                **how: Unpack[ImportOptions]) -> ImportResult:
    """Read, validate and write ``path`` into ``layer`` in one transaction.

    ``progress(fraction, message)`` is called as the import advances. See :func:`read_source` for how a
    file is read (``crs``, ``mapping``, ``encoding``, ``decimal``, ``source_layer``, ``header_row``,
    ``max_bytes``, ``max_rows``) and :func:`commit` for how it is written (``skip_invalid``, ``replace``,
    ``who``, ``user``, ``progress``, ``max_distance_km``).
    """
    read = cast(ReadOptions, {k: v for k, v in how.items() if k in _READ_KEYS})
    write = cast(CommitOptions, {k: v for k, v in how.items() if k in _WRITE_KEYS})
    unknown = set(how) - _READ_KEYS - _WRITE_KEYS
    if unknown:
        raise TypeError(f"import_file() got unexpected options: {', '.join(sorted(unknown))}")
    src = read_source(Path(path), layer=layer, lang=lang, **read)
    return commit(con, src, lang=lang, **write)
