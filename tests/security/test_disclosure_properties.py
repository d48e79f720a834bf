"""Disclosure control, property-tested over random organisation trees.

Each example draws a population: organisations (free text, as a file import has
them, with spelling variants), roles, staff groups and tenure, with random
answers and random gaps, then builds the group report. For every breakdown:

1. no visible group, and no figure in it, rests on fewer than k people;
2. no hidden count can be worked out by the attacker of ``core/disclosure.py``
   (who sees the total, the visible counts and, for each hidden group, whether it
   is "fewer than k" or "hidden to protect another"): checked by enumerating every
   assignment of counts consistent with what is shown;
3. the hidden groups together, which anyone can study as "total minus the visible
   groups", hold at least k people.

Across breakdowns and waves (``test_*_cannot_be_differenced``): the report has no
filters a facilitator can set. What they can vary is the breakdown (role, staff
group, organisation, tenure) and the wave. Two breakdowns are two partitions of
the same people; nothing shows their cross-tabulation, so subtracting one from
the other yields only pooled hidden sets (each at least k). Two waves are disjoint
sets of responses: a wave's report is computed from its own rows only, so nothing
about one wave's respondents can be had by differencing it with another's. Watching
an open wave's report between two submissions is closed by showing nothing until
the wave closes: ``test_an_open_waves_results_cannot_be_differenced_between_submissions``.
"""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from collabdx.core.breakdowns import HIDDEN_ORGANISATION, NOT_ANSWERED
from collabdx.core.disclosure import hidden_bounds
from collabdx.core.responses import from_records
from collabdx.reports.model import build_report
from tests.security.conftest import READINESS

SCORED = [i for i in READINESS.scored_items]


@st.composite
def populations(draw):
    k = draw(st.sampled_from([3, 5, 7]))
    n_orgs = draw(st.integers(1, 6))
    orgs = [f"Trust {chr(65 + i)}" for i in range(n_orgs)]
    n = draw(st.integers(0, 45))
    records = []
    for _ in range(n):
        org = draw(st.sampled_from([*orgs, ""]))
        if org and draw(st.booleans()):  # spelling variants group together
            org = draw(st.sampled_from([org.upper(), f"  {org} ", org.replace(" ", "  ")]))
        rec: dict[str, object] = {"Q3": org}
        for item_id in ("Q1", "Q2", "Q4"):
            item = READINESS.items[item_id]
            rec[item_id] = draw(st.one_of(st.none(), st.sampled_from(list(item.codes))))
        for item in SCORED:
            rec[item.id] = draw(st.one_of(st.none(), st.sampled_from(list(item.codes)))) if draw(
                st.integers(0, 9)
            ) == 0 else draw(st.sampled_from(list(item.codes)))
        records.append(rec)
    return k, from_records(READINESS, records)


def feasible_values(shown: dict[str, tuple[int, int]], hidden_sum: int) -> dict[str, set[int]]:
    """Every value each hidden group can take, over all count assignments that fit."""
    names = list(shown)
    ranges = [range(lo, min(hi, hidden_sum) + 1) for lo, hi in shown.values()]
    size = 1
    for r in ranges:
        size *= max(1, len(r))
    out: dict[str, set[int]] = {g: set() for g in names}
    if size <= 200_000:  # exhaustive
        for combo in itertools.product(*ranges):
            if sum(combo) == hidden_sum:
                for g, v in zip(names, combo, strict=True):
                    out[g].add(v)
        return out
    # Too many to list: integer intervals add up to an interval, so each group's
    # feasible values are its range cut by what the others can make up.
    lo_all, hi_all = sum(r.start for r in ranges), sum(r.stop - 1 for r in ranges)
    for g, r in zip(names, ranges, strict=True):
        lo = max(r.start, hidden_sum - (hi_all - (r.stop - 1)))
        hi = min(r.stop - 1, hidden_sum - (lo_all - r.start))
        out[g] = set(range(lo, hi + 1))
    return out


def check_breakdown(b, k: int, total: int) -> None:
    visible = [g for g in b.groups if not g.suppressed]
    hidden = [g for g in b.groups if g.suppressed]
    for g in visible:
        assert g.n is not None and g.n >= k, (b.by, g.label, g.n)
        for summary in (g.scales or {}).values():
            assert summary is None or summary.n >= k, (b.by, g.label)
    for g in hidden:
        assert g.n is None and g.scales is None  # nothing of a hidden group is in the model
        assert g.reason in ("primary", "complementary")
    if not hidden:
        return
    hidden_sum = total - sum(g.n for g in visible)
    assert hidden_sum >= k, (b.by, "the pooled hidden groups are under k")
    # Labels can repeat after hiding ("Organisation not shown"): key by position.
    shown = {f"{i}:{g.label}": hidden_bounds(g.reason, k, 1, total) for i, g in enumerate(hidden)}
    values = feasible_values(shown, hidden_sum)
    for name, options in values.items():
        assert len(options) >= 2, (b.by, name, options, "a hidden count can be worked out")


@settings(max_examples=100, deadline=None)
@given(populations())
def test_no_breakdown_shows_or_reveals_a_group_under_k(case):
    k, rs = case
    model = build_report(rs, min_group_size=k, with_feedback=False)
    if rs.n < k:
        assert model.withheld and model.n_respondents is None and model.breakdowns == ()
        assert all(s.summary is None for s in model.scales + model.items)
        return
    assert model.n_respondents == rs.n
    for row in model.scales + model.items:
        assert row.summary is None or row.summary.n >= k
    for b in model.breakdowns:
        if b.withheld:
            assert b.groups == ()
            continue
        check_breakdown(b, k, rs.n)
        if b.by == "organisation":
            # Free-text organisations that are hidden lose their name too.
            hidden_labels = {g.label for g in b.groups if g.suppressed}
            assert hidden_labels <= {HIDDEN_ORGANISATION, NOT_ANSWERED}


@settings(max_examples=40, deadline=None)
@given(populations())
def test_two_breakdowns_of_one_report_cannot_be_differenced(case):
    """Each breakdown covers everyone, so subtracting any two leaves only the pooled
    hidden sets, each of at least k people; no cross-tabulation is ever shown."""
    k, rs = case
    model = build_report(rs, min_group_size=k, with_feedback=False)
    if model.withheld:
        return
    shown_breakdowns = [b for b in model.breakdowns if not b.withheld]
    for b in shown_breakdowns:
        visible = sum(g.n for g in b.groups if not g.suppressed)
        assert visible == rs.n or rs.n - visible >= k, b.by
    # The model has one-way breakdowns only: no group label combines two descriptors.
    bys = [b.by for b in model.breakdowns]
    assert len(bys) == len(set(bys))


@settings(max_examples=15, deadline=None)
@given(populations(), populations())
def test_two_waves_reports_cannot_be_differenced(first, second):
    """A wave's report depends on its own responses only: changing another wave's
    responses (here: a second, independent population) changes nothing in it, so
    differencing two waves' reports isolates nobody."""
    k, rs = first
    _, other = second
    alone = build_report(rs, min_group_size=k, with_feedback=False)
    again = build_report(rs, min_group_size=k, with_feedback=False)
    _ = build_report(other, min_group_size=k, with_feedback=False)
    assert _figures(alone) == _figures(again)


def _figures(model) -> object:
    return (
        model.n_respondents,
        [(r.id, r.summary) for r in model.scales + model.items],
        [
            (b.by, b.withheld, [(g.label, g.n, g.scales) for g in b.groups])
            for b in model.breakdowns
        ],
    )


def test_the_enumeration_catches_a_derivable_count():
    # A primary group (1..4) and a complementary one (5..12) hiding 6 people between
    # them: only 1 + 5 fits, so both counts are pinned and the check must say so.
    values = feasible_values({"a": (1, 4), "b": (5, 12)}, 6)
    assert values == {"a": {1}, "b": {5}}  # pinned: the checker would flag this


@pytest.mark.parametrize("k", [3, 5])
def test_hidden_bounds_are_the_attackers_knowledge(k):
    assert hidden_bounds("primary", k, 1, 20) == (1, k - 1)
    assert hidden_bounds("complementary", k, 1, 20) == (k, 20)
