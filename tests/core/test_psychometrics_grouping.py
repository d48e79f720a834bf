"""Which groups research mode analyses, and what it says about the people it leaves out.

Issue 12, attack 5: one respondent leaving the organisation question blank made
disclosure control hide an organisation of 20 people (32% of the sample) from every
agreement statistic and comparison, without saying so. A blank answer is its own "not
given" group: left out of the analyses by that question, never a reason to hide a large
organisation, and every analysis says how many respondents it left out and why.
"""

from __future__ import annotations

import numpy as np
import pytest

from collabdx.core.instruments import load_instrument
from collabdx.core.psychometrics import run_psychometrics
from collabdx.core.psychometrics.grouping import grouping
from collabdx.core.responses import from_records

READINESS = load_instrument("readiness", "1")


def _records(sizes: dict[str, int], seed: int = 12) -> list[dict[str, object]]:
    rng = np.random.default_rng(seed)
    rows = []
    for org, n in sizes.items():
        for _ in range(n):
            latent = rng.normal()
            row: dict[str, object] = {"Q3": org}
            for item in READINESS.choice_items:
                if item.role == "scored":
                    keyed = int(np.clip(np.rint(3 + latent + rng.normal(0, 0.8)), 1, 5))
                    row[item.id] = 6 - keyed if item.reverse else keyed
                else:
                    row[item.id] = int(rng.choice(item.codes))
            rows.append(row)
    return rows


@pytest.fixture(scope="module")
def attacked():
    rows = _records({"Ashby Trust": 20, "Brook Care": 21, "Crane Council": 21})
    blank = dict(rows[0])
    blank["Q3"] = ""  # one respondent leaves the organisation question blank
    rows.append(blank)
    return from_records(READINESS, rows)


def test_a_blank_organisation_never_hides_a_large_organisation(attacked):
    result = run_psychometrics(attacked, 5, bootstrap_b=0)
    org = next(a for a in result.agreement if a.by == "organisation")
    assert org.groups == ("Ashby Trust", "Brook Care", "Crane Council")
    family = next(f for f in result.comparisons if f.by == "organisation")
    pairs = {(c.group_a, c.group_b) for c in family.comparisons}
    assert ("Ashby Trust", "Brook Care") in pairs and ("Ashby Trust", "Crane Council") in pairs


def test_every_grouped_analysis_says_whom_it_left_out(attacked):
    result = run_psychometrics(attacked, 5, bootstrap_b=0)
    org = next(a for a in result.agreement if a.by == "organisation")
    assert "62 of 63 respondents" in org.coverage
    assert "1 left out: organisation not given" in org.coverage
    family = next(f for f in result.comparisons if f.by == "organisation")
    assert family.coverage == org.coverage


def test_reliability_and_cfa_say_whom_they_left_out(attacked):
    result = run_psychometrics(attacked, 5, bootstrap_b=0)
    for rel in result.reliability:
        if rel.applicable:
            assert f"{rel.n_complete} of 63 respondents" in rel.coverage, rel.scale_id
    assert result.structure is not None
    assert "of 63 respondents" in result.structure.coverage


def test_not_given_is_its_own_group_when_large_enough():
    rows = _records({"Ashby Trust": 20, "Brook Care": 21, "": 6})
    g = grouping(READINESS, *_frames(rows), "organisation", 5)
    assert g is not None
    assert g.groups == ("Ashby Trust", "Brook Care", "Organisation not given")


def test_small_organisations_are_still_protected_and_not_named():
    # Dale (2) is under k; Ashby (20) must not be hidden for it, but the hidden pool must
    # reach k, so the smallest other organisation (Esk, 4... under k too) pools with it.
    rows = _records({"Ashby Trust": 20, "Brook Care": 21, "Dale House": 2, "Esk Lodge": 4})
    g = grouping(READINESS, *_frames(rows), "organisation", 5)
    assert g is not None
    assert g.groups == ("Ashby Trust", "Brook Care")
    assert "Dale" not in g.coverage and "Esk" not in g.coverage
    assert "6 left out: in organisations not shown" in g.coverage


def _frames(rows):
    rs = from_records(READINESS, rows)
    return rs.codes, rs.text


def test_a_large_not_given_group_protects_a_small_organisation_instead_of_a_real_one():
    # Hilltop (3) needs a complement; the 7 who gave no organisation are the smallest
    # group that can be hidden, so Eastbrook (13) stays, and the two left-out counts are
    # given only together (apart, 10 − 7 would give Hilltop's 3 away).
    rows = _records({"Northfield": 22, "Riverside": 20, "Eastbrook": 13, "Hilltop": 3, "": 7})
    g = grouping(READINESS, *_frames(rows), "organisation", 5)
    assert g is not None
    assert g.groups == ("Eastbrook", "Northfield", "Riverside")
    assert g.coverage == (
        "Analysed: 55 of 65 respondents. 10 left out: with the organisation not given or "
        "in organisations not shown."
    )
    assert "Hilltop" not in g.coverage and "3" not in g.coverage.replace("65", "")
