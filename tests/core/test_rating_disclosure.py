"""The workshop ratings' disclosure decision, now pure core (issue 13): hand-worked
cases for k = 5 and three levels with lower bound 0."""

from __future__ import annotations

from collabdx.core.rating_disclosure import rating_split

P, B, G = "pathological", "bureaucratic", "generative"


def test_fewer_than_k_raters_show_nothing():
    split = rating_split([P, B, B, G], 5)
    assert split.under_k and split.withheld and split.counts == ()


def test_everyone_choosing_one_level_is_withheld():
    # 6 of 6 bureaucratic: the other levels are 0 < k, and showing "6" would tell
    # each rater what the others chose.
    split = rating_split([B] * 6, 5)
    assert (split.n, split.under_k, split.withheld, split.counts) == (6, False, True, ())


def test_every_level_at_least_k_is_shown_in_table_11_order():
    split = rating_split([G] * 5 + [P] * 6 + [B] * 5, 5)
    assert not split.withheld
    assert split.counts == ((P, 6), (B, 5), (G, 5))


def test_a_small_level_is_never_shown_as_a_number():
    split = rating_split([P] * 2 + [B] * 8 + [G] * 7, 5)
    shown = dict(split.counts)
    assert split.withheld or shown[P] is None
