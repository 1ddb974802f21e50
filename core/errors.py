"""The small family of errors borderwatch raises on purpose.

Every error a user can act on is one of these; the CLI maps them to exit codes and the
UI shows their message, never a traceback.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol


class BorderwatchError(Exception):
    """Base class: an expected failure with a message fit for a user."""

    exit_code = 1


class InputError(BorderwatchError):
    """Input refused before anything was written (CLI exit code 2)."""

    exit_code = 2


class OutputError(BorderwatchError):
    """The output cannot be written as asked (unknown format, missing folder, disk full).

    Nothing was written (CLI exit code 4). Not an input problem: the data were fine.
    """

    exit_code = 4


@dataclass(frozen=True)
class Problem:
    """One validation problem: where it is and why.

    ``row`` is the row number the user sees: the Excel row or text-editor line of a
    CSV/XLSX row (the header is usually row 1, so the first data row is 2), the feature
    number (1-based) in a GIS file; ``None`` for a problem with the whole file.
    """

    file: str
    row: int | None
    column: str | None
    reason: str

    def __str__(self) -> str:
        """``file, row N, column C: reason`` (row and column when known)."""
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.reason}"


class Reported(Protocol):
    """What a :class:`ValidationError` lists: a problem naming its file and reason.

    A :class:`Problem`, or a patrol importer's track problem; either reads as one line.
    """

    @property
    def file(self) -> str:
        """The file the problem is in."""

    @property
    def reason(self) -> str:
        """Why it was refused."""


@dataclass
class ValidationError(InputError):
    """A file failed validation; ``problems`` lists every problem found at once."""

    problems: Sequence[Reported] = field(default_factory=list)
    summary: str = ""

    def __post_init__(self) -> None:
        """Give the exception its message: the summary, else the list of problems."""
        super().__init__(self.summary or self._text())

    def _text(self) -> str:
        head = f"{len(self.problems)} problem(s)"
        body = "\n".join(f"  - {p}" for p in self.problems[:200])
        more = "" if len(self.problems) <= 200 else f"\n  ... and {len(self.problems) - 200} more"
        return f"{head}\n{body}{more}"

    def __str__(self) -> str:
        """Return the summary, else the problems (a dataclass would otherwise print its fields)."""
        return self.summary or self._text()


class StoreError(BorderwatchError):
    """The store could not be opened or used."""


class ExtensionError(StoreError):
    """A DuckDB extension file of the installation is missing, changed or damaged (not the store's fault)."""


class AccessDenied(BorderwatchError):
    """The acting user's role does not allow this."""

    exit_code = 3
