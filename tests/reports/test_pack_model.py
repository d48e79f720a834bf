"""The workshop pack's report model: exact figures, worked by hand, and disclosure control.

The pilot-sized fixture (tests/fixtures/reports/pilot21.csv) has 21 hand-chosen
respondents in three partners: Northgate 10, Southmoor 8, Westvale 3 (under k = 5).
Roles: leaders P01-P03, P11, P12, P19 (6); workforce the other 15. Staff group:
clinical P01-P11 (11), managerial P12-P18 (7), both P19-P21 (3, under k).
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from collabdx.core.theory import load_theory
from collabdx.reports.json_report import report_to_dict
from collabdx.reports.model import build_report
from tests.reports.conftest import NORTHGATE, SOUTHMOOR, WESTVALE

# Southmoor's and Westvale's own figures, and the hidden staff groups' (worked out
# below from the fixture): none may appear anywhere in the pack.
HIDDEN_FIGURES = ("2.38", "2.62", "3.88", "4.25", "2.81", "4.33", "3.71", "2.57", "4.29")


def scale(model, scale_id):
    return next(r for r in model.scales if r.id == scale_id)


def item(model, item_id):
    return next(r for r in model.items if r.id == item_id)


def counts(model, by):
    return next(t for t in model.responses_by if t.by == by)


# ---- The pilot-sized dataset -------------------------------------------------------------


def test_pilot_scale_means_by_hand(pilot_model):
    assert pilot_model.n_respondents == 21
    # Initial trust, keyed: Q6 3, Q7 2 -> 4, Q8 3, Q10 2 -> 4, Q11 3 for everyone; Q9 4 -> 2
    # for P01-P14 and 5 -> 1 for P15-P21. So 19/6 for 14 people and 18/6 for 7:
    # (14 x 19 + 7 x 18) / 6 / 21 = 392 / 126 = 3.1111.
    trust = scale(pilot_model, "initial_trust").summary
    assert trust.n == 21 and trust.mean == pytest.approx(392 / 126)
    assert trust.band.id == "mixed"
    # Initial faith: 16 + Q17 + Q18 per person over 7 items (Q15 3, Q16 2 -> 4, Q20-Q22 3);
    # Q17 is 1 for the 11 odd-numbered and 2 for the 10 even; Q18 3 for the 6 leaders, 2
    # for the rest: (21 x 16 + 31 + 48) / 7 / 21 = 415 / 147 = 2.8231 -> "Needs attention".
    faith = scale(pilot_model, "initial_faith").summary
    assert faith.mean == pytest.approx(415 / 147) and faith.band.id == "attention"
    # Conflict resolution (Q26): P21 left it blank; 2 for P03, P06, ... P18 (6), 3 for the
    # other 14: 54 / 20 = 2.70, SD sqrt(4.2 / 19), 95% CI 2.70 -/+ 2.093 x 0.1051.
    conflict = scale(pilot_model, "conflict_resolution").summary
    assert conflict.n == 20 and conflict.mean == pytest.approx(2.7)
    assert conflict.ci95 == pytest.approx((2.4800, 2.9200), abs=5e-4)


def test_pilot_item_shares_by_hand(pilot_model):
    # Q14: 4 for P01-P08 (8), 3 for P09-P13 (5), 2 for P14-P21 (8); not reverse-worded.
    q14 = item(pilot_model, "Q14")
    assert q14.shares == pytest.approx((0.0, 800 / 21, 500 / 21, 800 / 21, 0.0))
    assert q14.scale_id == "perceived_legitimacy" and not q14.reverse
    # Q9 is reverse-worded: answers 4 (14 people) and 5 (7) key to 2 and 1.
    q9 = item(pilot_model, "Q9")
    assert q9.reverse and q9.shares == pytest.approx((700 / 21, 1400 / 21, 0.0, 0.0, 0.0))


def test_pilot_small_partner_and_its_complement_are_hidden(pilot_model):
    table = counts(pilot_model, "organisation")
    assert [(r.label, r.n) for r in table.rows if r.n is not None] == [(NORTHGATE, 10)]
    hidden = [r for r in table.rows if r.n is None]
    assert sorted(r.reason for r in hidden) == ["complementary", "primary"]
    org = next(b for b in pilot_model.breakdowns if b.by == "organisation")
    shown = [g.label for g in org.groups if not g.suppressed]
    assert shown == [NORTHGATE]
    # Staff group: "Both" (3) is under k, so managerial (7) is hidden with it.
    staff = counts(pilot_model, "staff_group")
    assert [(r.label, r.n) for r in staff.rows] == [
        ("Clinical", 11), ("Managerial", None), ("Both", None)
    ]  # fmt: skip


def test_pilot_hidden_figures_appear_nowhere_in_the_json(pilot_model, pilot_responses):
    from collabdx.core.scoring import scale_scores

    scores = scale_scores(pilot_responses)
    org = pilot_responses.text["Q3"]
    staff = pilot_responses.codes["Q2"]
    # By hand: Southmoor's perceived legitimacy (Q14: 3, 3, 2 x 6) = 19/8 = 2.38; its
    # conflict resolution (3, 2, 3, 3, 2, 3, 3, 2) = 21/8 = 2.62; its clarity of vision
    # (5, 5, 3, 4, 3, 4, 3, 4) = 31/8 = 3.88; its shared vision (4, 5, 4, 4, 4, 5, 4, 4) =
    # 34/8 = 4.25. Westvale's initial faith (20 + 20 + 19) / 7 / 3 = 2.81 and shared vision
    # (4, 5, 4) = 4.33. The managerial group's clarity of vision 26/7 = 3.71, conflict
    # resolution 18/7 = 2.57, shared vision 30/7 = 4.29. (Chosen because no figure that
    # is shown happens to equal them.)
    worked = {
        f"{scores[org == SOUTHMOOR]['perceived_legitimacy'].mean():.2f}",
        f"{scores[org == SOUTHMOOR]['conflict_resolution'].mean():.2f}",
        f"{scores[org == SOUTHMOOR]['clarity_of_vision'].mean():.2f}",
        f"{scores[org == SOUTHMOOR]['shared_vision'].mean():.2f}",
        f"{scores[org == WESTVALE]['initial_faith'].mean():.2f}",
        f"{scores[org == WESTVALE]['shared_vision'].mean():.2f}",
        f"{scores[staff == 2]['clarity_of_vision'].mean():.2f}",
        f"{scores[staff == 2]['conflict_resolution'].mean():.2f}",
        f"{scores[staff == 2]['shared_vision'].mean():.2f}",
    }
    assert worked == set(HIDDEN_FIGURES)
    text = json.dumps(report_to_dict(pilot_model), ensure_ascii=False)
    assert SOUTHMOOR not in text and WESTVALE not in text
    numbers = {f"{float(x):.2f}" for x in _numbers(report_to_dict(pilot_model))}
    assert not numbers & set(HIDDEN_FIGURES)


def _numbers(obj):
    if isinstance(obj, dict):
        for v in obj.values():
            yield from _numbers(v)
    elif isinstance(obj, list | tuple):
        for v in obj:
            yield from _numbers(v)
    elif isinstance(obj, float) and not math.isnan(obj):
        yield obj


def test_pilot_gap_split_and_findings(pilot_model):
    # Leaders (6) all gave clarity of vision 5; the workforce (15) 4 (8 people) or 3 (7):
    # 53/15 = 3.533. Difference 1.467; Welch SE = sqrt(0 + (3.7333/14)/15) = 0.1333, df 14,
    # t = 2.1448, so the 95% CI is 1.181 to 1.753: it excludes 0.
    gap = next(g for g in pilot_model.gaps if g.scale_id == "clarity_of_vision")
    assert (gap.group_a, gap.group_b, gap.n_a, gap.n_b) == (
        "Leader/key architect", "Workforce", 6, 15
    )  # fmt: skip
    assert gap.diff == pytest.approx(5 - 53 / 15)
    assert gap.ci95 == pytest.approx((1.1807, 1.7526), abs=5e-4) and gap.excludes_zero
    # Only Northgate is shown, and clinical staff alone of the staff groups: no partner
    # or staff-group comparison can be made.
    assert {g.by for g in pilot_model.gaps} == {"role"}
    # Q14 splits everyone: 8 of 21 favourable and 8 of 21 unfavourable (38% each).
    everyone = [s for s in pilot_model.split if s.group == "All respondents"]
    assert [(s.item_id, round(s.pct_favourable), round(s.pct_unfavourable)) for s in everyone] == [
        ("Q14", 38, 38)
    ]
    rules = [f.rule for f in pilot_model.findings]
    assert rules == ["lowest_scale", "highest_scale", "largest_gap", "split_opinion",
                     "action_theme"]  # fmt: skip
    texts = [f.text for f in pilot_model.findings]
    assert texts[0].startswith("Lowest scale: Conflict resolution, mean 2.70")
    assert "(95% CI 2.48 to 2.92)" in texts[0]
    # Shared vision: 5 for P04, P08, P12, P16, P20 and 4 for the rest: 89/21 = 4.24.
    assert texts[1].startswith("Highest scale: Shared vision, mean 4.24")
    assert "clarity of vision 1.47 points higher than the wider workforce" in texts[2]
    assert "95% CI of the difference 1.18 to 1.75" in texts[2]
    assert all(f.figure for f in pilot_model.findings)


def test_pilot_overlay_maps_weak_scales_to_nodes(pilot_model):
    theory = load_theory()
    # Conflict resolution (2.70) and initial faith (2.82) are in "Needs attention": their
    # mechanisms are conflict_resolution and task_complexity in the instrument, whose
    # nodes in the theory are conflict_resolution and perceived_task_complexity.
    assert dict(pilot_model.overlay.highlight) == {
        "conflict_resolution": "weak",
        "perceived_task_complexity": "weak",
        "shared_vision": "strong",  # shared vision 4.24, mechanism "vision"
    }
    for node in pilot_model.overlay.highlight:
        assert node in theory.nodes
    routes = {r.node_id: r for r in pilot_model.overlay.routes}
    assert routes["perceived_task_complexity"].path[-1] == "Collaborative behaviour"
    assert routes["conflict_resolution"].path[-1] == "Collaborative behaviour"
    # Every edge it emphasises is an edge of the web.
    edges = {(e.source, e.target) for e in theory.edges}
    assert pilot_model.overlay.emphasised_edges <= edges


def test_every_readiness_scale_mechanism_has_a_drawn_node():
    from collabdx.core.instruments import load_instrument

    theory = load_theory()
    drawn = {n for e in theory.edges for n in (e.source, e.target)}
    for s in load_instrument("readiness", "1").scales.values():
        assert s.mechanism in theory.mechanisms, s.id
        assert any(n.mechanism == s.mechanism and n.id in drawn for n in theory.nodes.values())


def test_pilot_context_and_maturity_grid(pilot_model):
    assert pilot_model.context.mandated is True and pilot_model.context.stage == "planning"
    grid = pilot_model.maturity_grid
    assert grid is not None and not grid.ratings_available
    assert len(grid.rows) == 9 and all(r.ratings is None for r in grid.rows)
    faith = next(r for r in grid.rows if r.element_id == "faith")
    assert faith.suggested_level == "pathological" and "2.82" in faith.suggested_basis
    assert pilot_model.trends is None and "one survey wave" in pilot_model.trends_note


# ---- The demo dataset -------------------------------------------------------------------


REVERSED = {"Q7", "Q9", "Q10", "Q15", "Q16", "Q20", "Q21", "Q22", "Q25"}


def test_demo_figures_match_an_independent_calculation(demo_model, demo_set):
    # The scoring rule, written out again: keyed = 6 - code for reverse-worded items; a
    # person's scale score is the mean of the answered items when at least half (3 of
    # 6) are answered; the scale mean is over people.
    items = ["Q6", "Q7", "Q8", "Q9", "Q10", "Q11"]
    codes = demo_set.codes[items].to_numpy(dtype=float, copy=True)
    for col, q in enumerate(items):
        if q in REVERSED:
            codes[:, col] = 6 - codes[:, col]
    answered = (~np.isnan(codes)).sum(axis=1)
    person = np.nansum(codes, axis=1) / answered
    expected = person[answered >= 3].mean()
    trust = scale(demo_model, "initial_trust").summary
    assert trust.mean == pytest.approx(expected) and f"{trust.mean:.2f}" == "3.23"
    # Q17 ("sufficient financial resource"), not reversed: shares of each code.
    q17 = demo_set.codes["Q17"].dropna()
    assert item(demo_model, "Q17").shares == pytest.approx(
        tuple(float((q17 == c).mean() * 100) for c in range(1, 6))
    )
    assert demo_model.n_respondents == 65


def test_demo_hides_the_hospice_and_what_protects_it(demo_model):
    table = counts(demo_model, "organisation")
    shown = [r.label for r in table.rows if r.n is not None]
    assert all("Hilltop" not in label for label in shown) and len(shown) == 3
    # The hospice (3) is under k; the 7 who left Q3 blank are hidden with it, and the
    # hidden rows come last, so their place says nothing of the hidden name.
    assert [(r.label, r.reason) for r in table.rows[3:]] == [
        ("Organisation not shown", "primary"), ("Not answered", "complementary")
    ]  # fmt: skip
    text = json.dumps(report_to_dict(demo_model), ensure_ascii=False)
    assert "Hilltop" not in text
    assert demo_model.overlay is not None and demo_model.findings


def test_under_k_the_model_holds_nothing(pilot_responses):
    model = build_report(pilot_responses.subset(np.arange(21) < 4))
    assert model.withheld and model.n_respondents is None
    assert all(r.summary is None and r.shares is None for r in (*model.scales, *model.items))
    assert not (model.breakdowns or model.responses_by or model.gaps or model.split)
    assert not model.findings and model.overlay is None
