"""Problems found by the vectorised reader, reported exactly as the row reader would.

The row reader logs problems row by row, left to right, and keeps the first
:data:`~collabdx.io.errors.MAX_PROBLEMS`. The vectorised reader finds them column by
column instead, so it keeps the first few of each check with a sort key (row, then
position in the row) and a count of the rest; sorting the kept ones and logging
them gives the same list and the same total.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from collabdx.io.errors import MAX_PROBLEMS, ProblemLog
from collabdx.io.safe import unsafe_cell

# One problem: (spreadsheet row, position in the row, column, message).
Found = tuple[int, int, str, str]


class Findings:
    def __init__(self) -> None:
        self.kept: list[Found] = []
        self.count = 0
        self._per_check: dict[object, int] = {}

    def add(
        self,
        rank: int,
        column: str,
        rows: np.ndarray,
        message: Callable[[int], str],
        check: object = None,
    ) -> None:
        """Problems of one check, in ascending spreadsheet ``rows``.

        ``rank`` orders checks within a row as the row reader runs them;
        ``message(i)`` words the problem of ``rows[i]``, only for the few kept.
        Calls for the same ``check`` (default: the rank) must come in row order.
        """
        if not rows.size:
            return
        key = rank if check is None else check
        self.count += int(rows.size)
        room = max(MAX_PROBLEMS - self._per_check.get(key, 0), 0)
        taken = min(room, int(rows.size))
        for i in range(taken):
            self.kept.append((int(rows[i]), rank, column, message(i)))
        self._per_check[key] = self._per_check.get(key, 0) + taken

    def log_into(self, log: ProblemLog) -> None:
        """Add to ``log`` after whatever it holds already (heading problems)."""
        for row, _, column, message in sorted(self.kept, key=lambda f: (f[0], f[1])):
            log.add(message, row, column)
        log.more += self.count - len(self.kept)


def clean_ids(raw: np.ndarray) -> np.ndarray:
    """:func:`~collabdx.io.values.read_id_cell` over a column of strings, fast.

    Ids with a leading quote (a collabdx export's formula guard) are rare, so one
    search of the joined column decides whether the slower per-cell pass is needed.
    """
    ids = [s.strip() for s in raw.tolist()]
    joined = "\x00".join(ids)  # the scan refused files holding NUL
    if joined.startswith("'") or "\x00'" in joined:
        ids = [str(unsafe_cell(s)) for s in ids]
    return np.array(ids, dtype=object)


def has_at(ids: np.ndarray) -> np.ndarray:
    """Which ids contain "@" (an e-mail address, most likely)."""
    if "@" not in "\x00".join(ids.tolist()):
        return np.zeros(ids.size, dtype=bool)
    return np.fromiter(("@" in s for s in ids.tolist()), dtype=bool, count=ids.size)


def duplicates(ids: np.ndarray, eligible: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows (indices) whose id an earlier eligible row already used, and that row.

    The common case, every id unique, costs one hash table (pandas' is several
    times faster than a Python set here).
    """
    rows = np.flatnonzero(eligible)
    chosen = ids[rows]
    if pd.Index(chosen, dtype=object).is_unique:
        none = np.empty(0, dtype=np.intp)
        return none, none
    codes, _ = pd.factorize(chosen)
    _, first = np.unique(codes, return_index=True)
    first_of = rows[first][codes]  # the first eligible row with the same id
    repeat = first_of != rows
    return rows[repeat], first_of[repeat]
