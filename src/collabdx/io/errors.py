"""Errors raised while importing a response file.

A user fixing a spreadsheet wants every problem at once, located the way their
spreadsheet shows it (1-based rows counting header rows, columns by heading), so
importers collect :class:`Problem` objects and raise one
:class:`ResponseImportError` at the end instead of stopping at the first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NoReturn

# Past this many, more problems rarely help: the file is probably the wrong one.
MAX_PROBLEMS = 20


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file.

    ``row`` is the spreadsheet row (1-based, header rows included) and ``column``
    the column heading (or letter, when the heading is blank); either is ``None``
    when the problem is about the whole file or the whole row.
    """

    message: str
    row: int | None = None
    column: str | None = None

    def located(self, file_name: str) -> str:
        parts = [file_name]
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column is not None:
            parts.append(f"column {self.column}")
        return f"{', '.join(parts)}: {self.message}"


class ResponseImportError(ValueError):
    """A response file that cannot be imported; ``problems`` lists why."""

    def __init__(self, file_name: str, problems: Sequence[Problem], more: int = 0) -> None:
        if not problems:
            raise ValueError("ResponseImportError needs at least one problem")
        self.file_name = file_name
        self.problems = tuple(problems)
        self.more = more  # problems found but not listed, beyond MAX_PROBLEMS
        super().__init__(self._message())

    def __reduce__(self) -> tuple[object, ...]:
        # Keeps the error picklable (e.g. across worker processes) despite the
        # custom constructor.
        return (type(self), (self.file_name, self.problems, self.more))

    def _message(self) -> str:
        if len(self.problems) == 1 and not self.more:
            return self.problems[0].located(self.file_name)
        total = len(self.problems) + self.more
        lines = [f"{self.file_name}: {total} problems found; fix them and import the file again:"]
        lines += [f"- {p.located(self.file_name)}" for p in self.problems]
        if self.more:
            lines.append(f"- … and {self.more} more not listed")
        return "\n".join(lines)


class ProblemLog:
    """Collects problems up to :data:`MAX_PROBLEMS`, counting the rest."""

    def __init__(self, file_name: str) -> None:
        self.file_name = file_name
        self.problems: list[Problem] = []
        self.more = 0

    def add(self, message: str, row: int | None = None, column: str | None = None) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem(message, row, column))
        else:
            self.more += 1

    @property
    def full(self) -> bool:
        return len(self.problems) >= MAX_PROBLEMS

    def raise_if_any(self) -> None:
        if self.problems:
            raise ResponseImportError(self.file_name, self.problems, self.more)


def fail(
    file_name: str, message: str, row: int | None = None, column: str | None = None
) -> NoReturn:
    """Raise at once, for problems that make the rest of the file unreadable."""
    raise ResponseImportError(file_name, [Problem(message, row, column)])
