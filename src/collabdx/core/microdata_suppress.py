"""Local suppression to k-anonymity, with "not shown" a value like any other.

Input: each row's organisation as shown (never changed here) and its descriptor
values as text ("1", "1-2", "" for blank, or ``NOT_SHOWN``). Output: the same values
with some replaced by ``NOT_SHOWN`` so that every equivalence class (rows with equal
organisation and equal descriptor values, "not shown" matching only "not shown")
holds at least k rows, and so that the report's one-way breakdowns cannot be
differenced against the file (see ``_consistent``).

The rule, stated so that it can be checked and repeated:

1. Take the smallest class under k (ties: the class whose values sort first; classes
   with every descriptor already hidden last). Hide one more of its descriptors in
   all its rows, chosen in this order of preference: a move that lets the class reach
   k by joining another; then the descriptor whose value is rarest in the
   organisation (the likeliest to single someone out); then the move that joins the
   largest class; then the item listed last in the instrument. Repeat.
2. A class with every descriptor hidden that is still under k takes rows from the
   same organisation's other classes ("donors"): the surplus over k of the classes
   with the largest surplus if that is enough, else whole classes, smallest first.
   Which rows of a class donate is decided by ``rank`` (a hash of the row's content,
   never its position or id).
3. For every descriptor the report breaks figures down by, and every value v still
   shown, the rows of v hidden in step 1 or 2 must number 0 or at least k; if not,
   more rows of v are hidden (by rank) and the procedure goes back to 1.

Values are only ever hidden, never shown again, so this ends; an organisation of at
least k rows always has a solution (every descriptor hidden in every row).
"""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from collections.abc import Sequence

NOT_SHOWN = "not shown"

Key = tuple[str, tuple[str, ...]]


def suppress(
    org: Sequence[str],
    columns: Sequence[Sequence[str]],
    k: int,
    rank: Sequence[int],
    published: Sequence[bool] | None = None,
) -> list[list[str]]:
    """``columns`` (one list of values per descriptor) made k-anonymous together with
    ``org``, by hiding values; ``rank`` orders rows when some of a class must donate.
    ``published`` says which columns the report breaks figures down by (step 3 only
    applies to those); all of them when not given."""
    n = len(org)
    before = [list(col) for col in columns]
    current = [list(col) for col in columns]
    if n == 0 or not columns:
        return current
    sizes = Counter(org)
    if min(sizes.values()) < k:
        raise ValueError("every organisation shown must hold at least k rows")
    checked = [j for j in range(len(columns)) if published is None or published[j]]
    while True:
        _k_anonymous(org, current, k, rank)
        if not _consistent([before[j] for j in checked], [current[j] for j in checked], k, rank):
            return current


def _k_anonymous(org: Sequence[str], cols: list[list[str]], k: int, rank: Sequence[int]) -> None:
    m = len(cols)
    classes: dict[Key, list[int]] = defaultdict(list)
    for i, g in enumerate(org):
        classes[(g, tuple(col[i] for col in cols))].append(i)
    # How common each value is in its organisation: a rare value singles people out.
    rarity = [Counter((org[i], col[i]) for i in range(len(org))) for col in cols]
    heap = [(_full(key), len(rows), key) for key, rows in classes.items() if len(rows) < k]
    heapq.heapify(heap)

    def settle(key: Key) -> None:
        size = len(classes[key])
        if size < k:
            heapq.heappush(heap, (_full(key), size, key))

    while heap:
        full, size, key = heapq.heappop(heap)
        rows = classes.get(key)
        if rows is None or len(rows) != size or size >= k:
            continue  # stale entry: the class has moved or grown since
        g, values = key
        if not full:
            options = []
            for j in range(m):
                if values[j] == NOT_SHOWN:
                    continue
                target = (g, (*values[:j], NOT_SHOWN, *values[j + 1 :]))
                merged = len(classes.get(target, ())) + size
                options.append(((merged < k, rarity[j][(g, values[j])], -merged, -j), j, target))
            _, j, target = min(options)
            for i in rows:
                cols[j][i] = NOT_SHOWN
            del classes[key]
            classes.setdefault(target, []).extend(rows)
            settle(target)
            continue
        for donor_key, donors in _donors(classes, g, key, k - size, k, rank):
            for i in donors:
                for col in cols:
                    col[i] = NOT_SHOWN
            gone = set(donors)
            remaining = [i for i in classes[donor_key] if i not in gone]
            if remaining:
                classes[donor_key] = remaining
            else:
                del classes[donor_key]
            rows.extend(donors)


def _full(key: Key) -> bool:
    return all(v == NOT_SHOWN for v in key[1])


def _donors(
    classes: dict[Key, list[int]], g: str, full_key: Key, need: int, k: int, rank: Sequence[int]
) -> list[tuple[Key, list[int]]]:
    others = [(key, rows) for key, rows in classes.items() if key[0] == g and key != full_key]
    surplus = sorted((len(r) - k, key) for key, r in others if len(r) > k)
    surplus.sort(key=lambda s: -s[0])  # largest surplus first; equal ones by values
    out: list[tuple[Key, list[int]]] = []
    if sum(s for s, _ in surplus) >= need:
        for spare, key in surplus:
            take = min(spare, need)
            out.append((key, sorted(classes[key], key=lambda i: (rank[i], i))[:take]))
            need -= take
            if need == 0:
                return out
    for _, key in sorted((len(r), key) for key, r in others):
        out.append((key, list(classes[key])))
        need -= len(classes[key])
        if need <= 0:
            return out
    raise ValueError("an organisation under k rows cannot be made k-anonymous")


def _consistent(
    before: list[list[str]], cols: list[list[str]], k: int, rank: Sequence[int]
) -> bool:
    """Hide more where the report could be differenced; True if anything changed.

    The report shows each descriptor's groups (those it does not hide) with their
    count and figures. If the file showed all but s of a group's rows, the report's
    figure times its count, minus the file's shown rows, would give those s people's
    figures: s must be 0 or at least k.
    """
    changed = False
    for before_j, col in zip(before, cols, strict=True):
        hidden_of: dict[str, int] = Counter(
            v for v, now in zip(before_j, col, strict=True) if v != NOT_SHOWN and now == NOT_SHOWN
        )
        for value, s in sorted(hidden_of.items()):
            if s >= k:
                continue
            shown = sorted(
                (i for i, v in enumerate(before_j) if v == value and col[i] != NOT_SHOWN),
                key=lambda i: (rank[i], i),
            )
            for i in shown[: k - s]:
                col[i] = NOT_SHOWN
            changed = True
    return changed
