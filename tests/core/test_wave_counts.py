"""What may be shown of a wave's response counts (core.wave_counts), by hand, k = 5.
The over-time attack on them is tests/security/test_attack_counts_over_time.py."""

from __future__ import annotations

from collabdx.core.wave_counts import (
    closed_wave_counts,
    open_wave_counts,
    results_may_show,
    total_pins_a_partner,
)

K = 5


def test_an_open_wave_shows_statuses_and_no_count():
    live = open_wave_counts({"A": 7, "B": 4, "C": 1}, K)
    assert dict(live.enough) == {"A": True, "B": False, "C": False}
    assert (live.partners_with_enough, live.partners, live.total) == (1, 3, None)


def test_the_total_shows_once_every_partner_has_enough():
    assert open_wave_counts({"A": 7, "B": 5}, K).total == 12
    assert open_wave_counts({"A": 7, "B": 4}, K).total is None
    assert open_wave_counts({}, K).total == 0  # no partner: nothing to hide


def test_a_closed_wave_shows_the_reports_counts():
    # A 11 shown; B 6 hidden with C 2 and D 0 (C and D alone would pool to 2 < k).
    closed = closed_wave_counts({"A": 11, "B": 6, "C": 2, "D": 0}, K)
    assert dict(closed.per_partner) == {"A": 11, "B": None, "C": None, "D": None}
    assert closed.total == 19


def test_a_closed_wave_under_k_shows_no_total():
    closed = closed_wave_counts({"A": 3, "B": 1}, K)
    assert closed.total is None and set(closed.per_partner.values()) == {None}


def test_every_partner_at_k_minus_one_pins_them_all():
    # Both read "not yet" to the end, so each is at most 4; a total of 8 makes both 4.
    assert total_pins_a_partner({"A": 4, "B": 4}, K)
    assert not results_may_show({"A": 4, "B": 4}, K)
    assert closed_wave_counts({"A": 4, "B": 4}, K).total is None
    # A total of 7 leaves each at 3 or 4; a partner at k leaves the others open to 0.
    assert not total_pins_a_partner({"A": 4, "B": 3}, K)
    assert not total_pins_a_partner({"A": 4, "B": 4, "C": 5}, K)
    assert results_may_show({"A": 4, "B": 3}, K)
