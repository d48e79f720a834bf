"""Disclosure control, including a brute-force attacker who knows the algorithm."""

from itertools import product

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from collabdx.core.disclosure import DisclosureError, check_min_group_size, protect


def test_k_may_not_go_below_three():
    with pytest.raises(DisclosureError, match="at least 3"):
        check_min_group_size(2)
    assert check_min_group_size(3) == 3
    with pytest.raises(DisclosureError, match="whole number"):
        check_min_group_size(4.5)  # type: ignore[arg-type]


def test_no_small_group_means_nothing_suppressed():
    p = protect({"a": 5, "b": 7}, 5)
    assert not p.withheld and not p.suppressed


def test_one_small_group_drags_the_next_smallest_with_it():
    # b is under 5; c (6) is the smallest other group, so it is hidden too.
    p = protect({"a": 20, "b": 2, "c": 6}, 5)
    assert p.suppressed == {"b", "c"}
    assert p.reasons == {"b": "primary", "c": "complementary"}


def test_two_groups_of_one_are_not_enough():
    # 1 + 1 hidden as "fewer than 5" with the total known: each must be 1, so d is hidden too.
    p = protect({"a": 30, "b": 1, "c": 1, "d": 8}, 5)
    assert p.suppressed == {"b", "c", "d"}


def test_two_groups_at_k_minus_one_are_not_enough():
    # 4 + 4 hidden as "fewer than 5": their sum 8 forces 4 and 4, so c is hidden too.
    p = protect({"a": 30, "b": 4, "c": 4, "d": 9}, 5)
    assert p.suppressed == {"b", "c", "d"}


def test_hidden_groups_together_reach_k():
    # Hiding b and c (2 + 2) would expose the pooled mean of 4 people (overall minus a);
    # hiding a as well hides everything, so the breakdown is withheld.
    assert protect({"a": 10, "b": 2, "c": 2}, 5).withheld
    p = protect({"a": 10, "b": 2, "c": 2, "d": 7}, 5)
    assert p.suppressed == {"b", "c", "d"}


def test_total_under_k_withholds_everything():
    assert protect({"a": 2, "b": 2}, 5).withheld


def test_only_two_groups_one_small_withholds():
    # Hiding both would hide everything: the breakdown is withheld.
    assert protect({"a": 10, "b": 3}, 5).withheld


def _consistent_candidates(counts, k, lb):
    """Every count vector the attacker in the module docstring cannot rule out.

    Brute force, independent of the interval arithmetic in the code under test.
    """
    p = protect(counts, k, lower_bound=lb)
    total = sum(counts.values())
    hidden = sorted(p.suppressed)
    rest = total - sum(n for g, n in counts.items() if g not in p.suppressed)
    ranges = []
    for g in hidden:
        if p.reasons[g] == "primary":
            ranges.append(range(lb, k))
        else:
            ranges.append(range(k, rest + 1))
    return [
        dict(zip(hidden, values, strict=True))
        for values in product(*ranges)
        if sum(values) == rest
    ]


@settings(max_examples=300, deadline=None)
@given(
    sizes=st.lists(st.integers(min_value=1, max_value=12), min_size=1, max_size=5),
    k=st.integers(min_value=3, max_value=6),
)
def test_no_suppressed_count_can_be_worked_out(sizes, k):
    counts = {f"g{i}": n for i, n in enumerate(sizes)}
    p = protect(counts, k)
    if p.withheld:
        return
    # Every visible group is at least k.
    assert all(counts[g] >= k for g in counts if g not in p.suppressed)
    if not p.suppressed:
        return
    assert len(p.suppressed) >= 2
    # The hidden groups pooled are derivable (total minus visible), so they reach k.
    assert sum(counts[g] for g in p.suppressed) >= k
    candidates = _consistent_candidates(counts, k, 1)
    assert {g: counts[g] for g in p.suppressed} in candidates
    for g in p.suppressed:
        assert len({c[g] for c in candidates}) >= 2, (counts, g)


@settings(max_examples=200, deadline=None)
@given(
    sizes=st.lists(st.integers(min_value=0, max_value=10), min_size=2, max_size=4),
    k=st.integers(min_value=3, max_value=5),
)
def test_fixed_group_lists_with_zero_counts(sizes, k):
    counts = {f"p{i}": n for i, n in enumerate(sizes)}
    p = protect(counts, k, lower_bound=0)
    if p.withheld or not p.suppressed:
        return
    candidates = _consistent_candidates(counts, k, 0)
    for g in p.suppressed:
        assert len({c[g] for c in candidates}) >= 2, (counts, g)
