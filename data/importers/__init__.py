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

import duckdb

from data.importers.commit import (
    ImportResult,
    commit,
    log_outside,
    mode_name,
    problem_text,
    problems_summary,
    rejects_path_for,
)
from data.importers.readers import MAX_FILE_BYTES, MAX_ROWS, supported_extensions
from data.importers.source import Source, mapping_targets, read_source
from data.importers.validate import Report, validate

__all__ = ["MAX_FILE_BYTES", "MAX_ROWS", "ImportResult", "Report", "Source", "commit", "import_file",
           "mapping_targets", "mode_name", "problem_text", "problems_summary", "read_source",
           "rejects_path_for", "supported_extensions", "validate", "log_outside"]


def import_file(con: duckdb.DuckDBPyConnection, layer: str, path, *, crs=None, mapping: dict[str, str] | None = None,
                encoding: str | None = None, skip_invalid: bool = False, replace: bool = False,
                who: str | None = None, progress=None, lang: str | None = None, max_distance_km: float = 50,
                max_bytes: int | None = None, max_rows: int | None = None, decimal: str | None = None,
                source_layer: str | None = None, header_row: int | None = None, user=None) -> ImportResult:
    """Read, validate and write ``path`` into ``layer`` in one transaction.

    ``progress(fraction, message)`` is called as the import advances. See
    :func:`read_source` for ``crs``, ``mapping``, ``encoding``, ``decimal``, ``source_layer`` and
    ``header_row``, and
    :func:`commit` for ``skip_invalid``, ``replace``, ``who`` and ``user``.
    """
    src = read_source(Path(path), layer=layer, crs=crs, mapping=mapping, encoding=encoding,
                      max_bytes=max_bytes, max_rows=max_rows, lang=lang, decimal=decimal,
                      source_layer=source_layer, header_row=header_row)
    return commit(con, src, skip_invalid=skip_invalid, replace=replace, who=who, progress=progress, lang=lang,
                  max_distance_km=max_distance_km, user=user)
