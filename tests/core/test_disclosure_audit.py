"""protect, audited against an attacker who knows how it chooses (core.disclosure_audit).

The attacker here sees what a page shows and knows the code's rule. So they can
group every count vector by the page it would produce: vectors giving the same
page cannot be told apart, and a hidden group's count is pinned when all of them
agree on it. The enumeration below is over every vector, independent of the one
inside ``audited_protect``.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import product

import pytest

from collabdx.core.disclosure import protect
from collabdx.core.disclosure_audit import audited_protect


def test_the_tie_break_pins_a_small_partner_without_the_audit():
    # A 3 (under k), B 5, C 5: protect hides A and B (B before C by label) and shows
    # C = 5. Knowing A is under k, B is at least 5 and at most C, so B = 5, A = 3.
    counts = {"A": 3, "B": 5, "C": 5}
    raw = protect(counts, 5, lower_bound=0)
    assert raw.suppressed == {"A", "B"} and not raw.withheld
    assert audited_protect(counts, 5, lower_bound=0, reasons_known=True).withheld
    # Without statuses (A could be 5 and B 3) the page does not pin anyone.
    assert not audited_protect(counts, 5, lower_bound=0).withheld


def test_nothing_hidden_or_everything_hidden_is_left_alone():
    assert audited_protect({"a": 5, "b": 7}, 5) == protect({"a": 5, "b": 7}, 5)
    assert audited_protect({"a": 2, "b": 2}, 5).withheld


def _page(counts, k, lb, reasons_known):
    p = audited_protect(counts, k, lower_bound=lb, reasons_known=reasons_known)
    total = sum(counts.values())
    statuses = tuple(n >= k for n in counts.values()) if reasons_known else ()
    if p.withheld:
        return ("withheld", total, statuses)
    shown = tuple((g, n) for g, n in counts.items() if p.visible(g))
    return ("shown", total, shown, tuple(sorted(p.suppressed)), statuses)


@pytest.mark.parametrize(
    ("groups", "max_total", "k", "lb", "reasons_known"),
    [
        (3, 24, 5, 0, True),  # a wave's partners, statuses known from the open wave
        (3, 24, 5, 0, False),  # a workshop element's three levels
        (4, 16, 5, 0, True),
        (3, 18, 3, 1, False),
    ],
)
def test_no_page_pins_a_hidden_count_under_k(groups, max_total, k, lb, reasons_known):
    names = [f"g{i}" for i in range(groups)]
    for total in range(k, max_total + 1):
        pages: dict[object, list[tuple[int, ...]]] = defaultdict(list)
        for values in product(range(lb, total + 1), repeat=groups):
            if sum(values) != total:
                continue
            counts = dict(zip(names, values, strict=True))
            pages[_page(counts, k, lb, reasons_known)].append(values)
        for page, vectors in pages.items():
            if page[0] == "withheld":
                continue
            hidden = page[3]
            for g in hidden:
                i = names.index(g)
                seen = {v[i] for v in vectors}
                assert not (len(seen) == 1 and 0 < min(seen) < k), (page, g, seen)
