"""Feedback rules: loading, validation, and hand-worked evaluations.

Expected values are worked out by hand in the comments, from the rules file
(``collabdx/data/rules/readiness-v1.toml``) and Table 10 of the seed report, not
copied from the engine's output. Table 10 ids: t10.05 "negative prior
experiences", t10.21-t10.23 "Managing mandated collaborations", t10.24-t10.25
"Confidence and formalisation", t10.11 flexibility and autonomy, t10.12 an
appropriate degree of formalisation.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from collabdx.core.disclosure import DisclosureError
from collabdx.core.instruments import load_instrument
from collabdx.core.maturity import LABEL, format_score, suggest_maturity
from collabdx.core.rules import (
    RulesError,
    evaluate_group,
    evaluate_respondent,
    load_rules,
    rules_for,
    rules_path_for,
)
from collabdx.core.theory_model import CMOC, ActionStatement, Mechanism

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "rules"
ITEMS = [f"Q{n}" for n in range(1, 31)]
MANAGING_MANDATED = ["t10.21", "t10.22", "t10.23"]
READINESS = load_instrument("readiness", "1")
# Answer codes and scales of readiness v1, as printed in Appendix 4 (hand-copied, so
# that the instrument file is checked against the seed, not against itself). Q3 is
# free text and cannot appear in a condition.
_ANY_OF_1_5 = tuple(range(1, 6))
READINESS_V1_CODES = {
    "Q1": (1, 2), "Q2": (1, 2, 3), "Q4": (1, 2, 3, 4), "Q5": (1, 2, 3, 4),
    **{f"Q{n}": _ANY_OF_1_5 for n in range(6, 12)},
    "Q12": (1, 2), "Q13": (1, 2),
    **{f"Q{n}": _ANY_OF_1_5 for n in range(14, 19)},
    "Q19": (1, 2, 3),
    **{f"Q{n}": _ANY_OF_1_5 for n in range(20, 23)},
    "Q23": (1, 2),
    **{f"Q{n}": _ANY_OF_1_5 for n in range(24, 31)},
}  # fmt: skip
READINESS_V1_SCALES = (
    "initial_trust", "perceived_legitimacy", "initial_faith", "cultural_integration",
    "conflict_resolution", "clarity_of_vision", "shared_vision",
)  # fmt: skip
PACKAGED_PATH = rules_path_for("readiness", "1")


@pytest.fixture(scope="module")
def theory():
    from collabdx.core.theory import load_theory

    return load_theory()


@pytest.fixture(scope="module")
def rules(theory):
    return rules_for(READINESS, theory=theory)


def group(n: int, **answers: Sequence[int | None]) -> pd.DataFrame:
    """n respondents, every Q1-Q30 column present (nullable Int64), blank unless given."""
    data = {q: pd.array(answers.get(q, [None] * n), dtype="Int64") for q in ITEMS}
    return pd.DataFrame(data)


def no_scores(n: int) -> pd.DataFrame:
    return pd.DataFrame({s: [math.nan] * n for s in READINESS_V1_SCALES})


def ids(recs) -> list[str]:
    return [r.action_id for r in recs]


# ------------------------------------------------------------- the rules file


def test_packaged_rules_are_valid_against_the_real_theory(rules, theory):
    assert rules.instrument == "readiness" and rules.version == "1" and rules.derived
    assert rules.group_share == 0.33
    assert all(r.derived and r.instrument == "readiness" and r.version == "1" for r in rules.rules)
    for rule in rules.rules:
        assert set(rule.actions) <= set(theory.action_statements)


def test_packaged_rules_validate_against_the_lead_instrument():
    # The instrument module's own item codes and scale ids, passed in, agree with ours.
    inst = load_instrument("readiness", "1")
    codes = {i.id: i.codes for i in inst.choice_items}
    assert {k: tuple(v) for k, v in codes.items()} == dict(READINESS_V1_CODES)
    assert set(inst.scales) == set(READINESS_V1_SCALES)
    assert load_rules(PACKAGED_PATH, item_codes=codes, scales=inst.scales) == rules_for(inst)


# Each line: one answer and the Table 10 statements the brief asks for (hand-read).
COVERAGE = [
    ({"Q7": 4}, ["t10.05"]),  # perceived problems with partners
    ({"Q8": 2}, ["t10.05"]),  # negative history
    ({"Q9": 5}, ["t10.05"]),  # competition
    ({"Q10": 4}, ["t10.05"]),  # high-profile failures
    ({"Q11": 1}, ["t10.21"]),  # power not balanced -> unequal power (mandated IOCs)
    ({"Q12": 2}, ["t10.09", "t10.10"]),  # not close -> face to face; distance
    ({"Q13": 1}, ["t10.21", "t10.22", "t10.23", "t10.24", "t10.25"]),
    ({"Q13": 2}, ["t10.11", "t10.12"]),  # voluntary -> autonomy; formalisation
    ({"Q14": 2}, ["t10.13"]),  # service users and front-line staff
    ({"Q15": 4}, ["t10.16"]),  # very large organisations -> complexity
    ({"Q16": 5}, ["t10.16"]),  # many partners -> complexity
    ({"Q17": 1}, ["t10.29", "t10.31"]),
    ({"Q18": 2}, ["t10.29", "t10.30", "t10.31"]),
    ({"Q19": 1}, ["t10.31"]),  # funding sourced externally
    ({"Q19": 2}, ["t10.31"]),
    ({"Q20": 4}, ["t10.08"]),  # regulatory environment
    ({"Q21": 5}, ["t10.08"]),
    ({"Q22": 4}, ["t10.03", "t10.34"]),  # culture of improvement; cultural due diligence
    ({"Q23": 1}, ["t10.33", "t10.34"]),  # cross-sector
    ({"Q24": 1}, ["t10.32", "t10.34"]),  # no cultural due diligence
    ({"Q25": 5}, ["t10.19"]),  # staff turnover
    ({"Q26": 2}, ["t10.26", "t10.27"]),  # dispute mechanisms, third party
    ({"Q27": 1}, ["t10.14", "t10.28"]),  # clear vision
    ({"Q28": 2}, ["t10.14", "t10.28"]),
    ({"Q29": 1}, ["t10.06", "t10.28"]),  # shared vision
    ({"Q30": 2}, ["t10.06", "t10.28"]),
]


@pytest.mark.parametrize(("answers", "expected"), COVERAGE)
def test_each_required_signal_selects_its_statements(rules, theory, answers, expected):
    assert ids(evaluate_respondent(rules, theory, answers, {})) == expected


@pytest.mark.parametrize(
    "answers",
    [{"Q9": 3}, {"Q12": 1}, {"Q14": 3}, {"Q19": 3}, {"Q20": 3}, {"Q23": 2}, {"Q27": 3}],
)
def test_neutral_or_favourable_answers_select_nothing(rules, theory, answers):
    assert evaluate_respondent(rules, theory, answers, {}) == []


# -------------------------------------------------------- one respondent


def test_competition_history_gives_negative_prior_experiences(rules, theory):
    recs = evaluate_respondent(rules, theory, {"Q9": 4}, {})
    assert ids(recs) == ["t10.05"]
    (rec,) = recs
    assert rec.rule_id == "competition-history" and rec.rule_ids == ("competition-history",)
    assert rec.evidence == ("You agree there is a history of competition with partners (Q9)",)
    assert rec.text.startswith(
        "If organisations work on understanding the impact of negative prior experiences"
    )
    assert rec.task == "Enhancing trust and interpersonal ties"
    statement = theory.action_statements["t10.05"]
    assert (rec.if_text, rec.then_text, rec.because_text) == (
        statement.if_text,
        statement.then_text,
        statement.because_text,
    )
    assert rec.mechanisms == statement.mechanisms
    assert [c[0] for c in rec.cmocs] == list(statement.cmocs)
    for cmoc_id, source, text in rec.cmocs:
        assert source in ("Box 1", "Box 2") and text == theory.cmocs[cmoc_id].text
    assert rec.path.startswith("A history of competition → acts through: ")


def test_mandated_respondent_gets_managing_mandated_statements(rules, theory):
    recs = evaluate_respondent(rules, theory, {"Q13": 1}, {})
    assert ids(recs) == [*MANAGING_MANDATED, "t10.24", "t10.25"]
    assert {r.task for r in recs[:3]} == {"Managing mandated collaborations"}
    assert {r.task for r in recs[3:]} == {"Confidence and formalisation"}
    assert all(r.evidence == ("You describe the collaboration as mandated (Q13)",) for r in recs)


def test_voluntary_respondent_does_not(rules, theory):
    recs = evaluate_respondent(rules, theory, {"Q13": 2}, {})
    assert not set(ids(recs)) & set(MANAGING_MANDATED)
    assert ids(recs) == ["t10.11", "t10.12"]


def test_one_action_per_statement_merging_evidence_in_file_order(rules, theory):
    # Q7 and Q9 both select t10.05; partner-perception (Q7) comes first in the file.
    recs = evaluate_respondent(rules, theory, {"Q9": 5, "Q7": 4}, {})
    assert ids(recs) == ["t10.05"]
    assert recs[0].rule_ids == ("partner-perception", "competition-history")
    assert [e[-4:] for e in recs[0].evidence] == ["(Q7)", "(Q9)"]


def test_context_when_needs_the_respondents_own_context(rules, theory):
    # Q6=1 (disagree): legal-agreements -> t10.12 always; legal-agreements-mandated ->
    # t10.24 only with Q13=1, where the mandated rule adds t10.21-t10.25 as well.
    assert ids(evaluate_respondent(rules, theory, {"Q6": 1}, {})) == ["t10.12"]
    mandated = evaluate_respondent(rules, theory, {"Q6": 1, "Q13": 1}, {})
    assert ids(mandated) == ["t10.12", "t10.21", "t10.22", "t10.23", "t10.24", "t10.25"]
    t1024 = mandated[4]
    assert t1024.rule_ids == ("legal-agreements-mandated", "mandated")
    voluntary = evaluate_respondent(rules, theory, {"Q6": 1, "Q13": 2}, {})
    assert ids(voluntary) == ["t10.11", "t10.12"]


def test_scale_rule_for_one_respondent(rules, theory):
    # initial_faith 2.75 < 3.0 -> low-initial-faith: t10.07, t10.17, t10.18.
    recs = evaluate_respondent(rules, theory, {}, {"initial_faith": 2.75, "initial_trust": 3.0})
    assert ids(recs) == ["t10.07", "t10.17", "t10.18"]
    assert recs[0].evidence == ("Your initial faith score is 2.75, below 3.00 (Q15-Q18, Q20-Q22)",)


def test_blank_and_free_text_answers_never_fire(rules, theory):
    # Q3 is free text: off the typed contract, but it must not break or match anything.
    answers: Mapping[str, Any] = {"Q3": "Riverside Trust", "Q9": None, "Q13": None}
    assert evaluate_respondent(rules, theory, answers, {"initial_trust": None}) == []


# --------------------------------------------------------------------- groups


def test_two_of_six_fires_at_a_third_without_stating_the_small_count(rules, theory):
    # 2/6 = 0.333 >= 0.33. k = 5: 2 meet (< 5), so no count is printed.
    codes = group(6, Q9=[4, 5, 1, 2, 3, 3])
    recs = evaluate_group(rules, theory, codes, no_scores(6), min_group_size=5)
    assert ids(recs) == ["t10.05"]
    assert recs[0].evidence == (
        "At least 33% of respondents agree there is a history of competition with partners (Q9)",
    )


def test_one_of_six_does_not_fire(rules, theory):
    codes = group(6, Q9=[4, 1, 2, 3, 3, 1])  # 1/6 = 0.167 < 0.33
    assert evaluate_group(rules, theory, codes, no_scores(6), min_group_size=5) == []


def test_group_smaller_than_min_group_size_gets_nothing(rules, theory):
    codes = group(4, Q9=[5, 5, 5, 5], Q13=[1, 1, 1, 1])
    scores = pd.DataFrame({"initial_trust": [1.0] * 4})
    assert evaluate_group(rules, theory, codes, scores, min_group_size=5) == []


def test_counts_are_printed_only_when_every_subgroup_is_large_enough(rules, theory):
    scores = no_scores(10)
    # 5 agree, 5 do not, all answered; k = 5 -> "5 of 10".
    recs = evaluate_group(rules, theory, group(10, Q9=[4] * 5 + [1] * 5), scores, 5)
    assert recs[0].evidence[0].startswith("5 of 10 respondents agree")
    # 6 agree, 4 do not (< 5) -> no count; 6 > 10/2 -> "Most".
    recs = evaluate_group(rules, theory, group(10, Q9=[4] * 6 + [1] * 4), scores, 5)
    assert recs[0].evidence[0].startswith("Most respondents agree")
    # 5 agree, 5 do not, 2 blank: "5 of 10" would reveal 2 blanks (< 5) -> no count;
    # 5 is not more than half of 10, so only the rule's threshold is stated.
    codes = group(12, Q9=[4] * 5 + [1] * 5 + [None] * 2)
    recs = evaluate_group(rules, theory, codes, no_scores(12), 5)
    assert recs[0].evidence[0].startswith("At least 33% of respondents agree")
    # 5 agree, 5 do not, 5 blank: every subgroup has 5 -> "5 of 10".
    codes = group(15, Q9=[4] * 5 + [1] * 5 + [None] * 5)
    recs = evaluate_group(rules, theory, codes, no_scores(15), 5)
    assert recs[0].evidence[0].startswith("5 of 10 respondents agree")


def test_unanimous_answers_are_not_counted(rules, theory):
    # 6 respondents, all Q6=2 and Q13=2. legal-agreements: 6 of 6 meet it but "6 of 6"
    # would give away everyone's answer -> "Most". voluntary: 6/6 >= 0.5 -> t10.11,
    # t10.12. legal-agreements-mandated: context 0/6 mandated -> not fired.
    codes = group(6, Q6=[2] * 6, Q13=[2] * 6)
    recs = evaluate_group(rules, theory, codes, no_scores(6), min_group_size=5)
    assert ids(recs) == ["t10.11", "t10.12"]
    assert recs[1].evidence == (
        "Most respondents disagree that the legal agreements in place suit the kind of "
        "collaboration (Q6)",
        "Most respondents describe the collaboration as voluntary (Q13)",
    )


def test_too_few_answers_to_an_item_means_no_finding(rules, theory):
    # 6 in the group but only 4 answered Q9 (< k = 5): the rule is not reported.
    codes = group(6, Q9=[4, 4, 4, 1, None, None])
    assert evaluate_group(rules, theory, codes, no_scores(6), min_group_size=5) == []


def test_group_context_takes_the_majority_view(rules, theory):
    # Q13 = 1,1,2,2,2,2: mandated 2/6 < 0.5 (no), voluntary 4/6 >= 0.5 (yes).
    # Q6 = 1 for 3 of 6: legal-agreements 3/6 >= 0.33 -> t10.12; the mandated
    # version needs its context (2/6 mandated < 0.5), so no t10.24.
    codes = group(6, Q13=[1, 1, 2, 2, 2, 2], Q6=[1, 1, 1, 4, 4, 4])
    recs = evaluate_group(rules, theory, codes, no_scores(6), min_group_size=5)
    assert ids(recs) == ["t10.11", "t10.12"]
    # A 3-3 tie: both readings hold, which is itself worth discussing.
    tie = group(6, Q13=[1, 1, 1, 2, 2, 2])
    recs = evaluate_group(rules, theory, tie, no_scores(6), min_group_size=5)
    assert ids(recs) == ["t10.11", "t10.12", *MANAGING_MANDATED, "t10.24", "t10.25"]


def test_scale_rule_for_a_group_uses_the_mean(rules, theory):
    # initial_trust 2.0, 2.5, 3.0, 3.5, 2.0, 2.5: sum 15.5, mean 2.583 -> "2.58" < 3.0.
    # initial_faith 3, 3, 3, 3, 3, NaN: mean 3.0, not below 3.0.
    scores = pd.DataFrame(
        {
            "initial_trust": [2.0, 2.5, 3.0, 3.5, 2.0, 2.5],
            "initial_faith": [3.0, 3.0, 3.0, 3.0, 3.0, math.nan],
        }
    )
    recs = evaluate_group(rules, theory, group(6), scores, min_group_size=5)
    assert ids(recs) == ["t10.07", "t10.09"]
    assert recs[0].evidence == (
        "The group's average initial trust score is 2.58, below 3.00 (Q6-Q11)",
    )


def test_min_group_size_has_the_project_floor(rules, theory):
    with pytest.raises(DisclosureError):
        evaluate_group(rules, theory, group(6), no_scores(6), min_group_size=2)


def test_scores_must_line_up_with_codes(rules, theory):
    codes = group(6).set_axis([f"r{n}" for n in range(6)])
    with pytest.raises(ValueError, match="same index"):
        evaluate_group(rules, theory, codes, no_scores(6), min_group_size=5)


# ----------------------------------------------------- combinators (fixture file)


def test_any_all_and_per_rule_share(theory):
    rules = load_rules(FIXTURES / "combinators.toml", theory=theory)
    # any(Q9 agree, Q10 agree): rows 1-3 true, row 4 false, rows 5-6 unknown and
    # left out -> 3 of 4 >= 0.5. all(Q17 disagree, Q18 disagree): only row 1 true,
    # rows 2-6 false (one false part makes "all" false) -> 1 of 6 = 0.167 < 0.25.
    codes = group(
        6,
        Q9=[4, 1, None, 1, None, None],
        Q10=[1, 5, 4, 1, None, None],
        Q17=[1, 1, 4, None, 3, 3],
        Q18=[2, 4, 1, 1, 3, 3],
    )
    recs = evaluate_group(rules, theory, codes, no_scores(6), min_group_size=3)
    # 3 met (>= 3), 1 not met (< 3) -> no count; 3 > 4/2 -> "Most".
    assert [(r.action_id, r.evidence) for r in recs] == [
        ("t10.05", ("Most respondents report competition or failures (Q9, Q10)",))
    ]
    # Row 1 again twice over: all() true for 2 of 6 = 0.333 >= 0.25 -> fires,
    # with actions in Table 10 order (t10.29 before t10.31) whatever the file says.
    codes = group(6, Q17=[1, 1, 4, 4, 3, 3], Q18=[2, 2, 1, 1, 3, 3])
    assert ids(evaluate_group(rules, theory, codes, no_scores(6), 3)) == ["t10.29", "t10.31"]


def test_scale_condition_with_context(theory):
    rules = load_rules(FIXTURES / "combinators.toml", theory=theory)
    low = {"initial_trust": 2.4}
    assert ids(evaluate_respondent(rules, theory, {"Q13": 1}, low)) == ["t10.23"]
    assert evaluate_respondent(rules, theory, {"Q13": 2}, low) == []
    assert evaluate_respondent(rules, theory, {"Q13": 1}, {"initial_trust": 2.5}) == []


# ------------------------------------------------------------ broken rule files


@pytest.mark.parametrize(
    ("name", "rule_id", "words"),
    [
        ("unknown-item.toml", "bad-item", ["condition.any[1].item", "Q31"]),
        ("code-out-of-range.toml", "bad-code", ["condition.codes", "Q12 has no code 3"]),
        ("unknown-scale.toml", "bad-scale", ["condition.scale", "'trust'"]),
        ("unknown-action.toml", "bad-action", ["actions", "t10.35"]),
        ("unknown-field.toml", "bad-field", ["acton"]),
        ("count-in-evidence.toml", "bad-evidence", ["evidence", "{n_met}"]),
        ("duplicate-id.toml", "twice", ["'id'"]),
        ("not-derived.toml", "not-derived", ["derived"]),
        ("missing-codes.toml", "no-codes", ["condition.all[1].codes"]),
    ],
)
def test_broken_rules_file_names_the_rule_and_field(theory, name, rule_id, words):
    with pytest.raises(RulesError) as err:
        load_rules(FIXTURES / name, theory=theory)
    message = str(err.value)
    assert f"rule {rule_id!r}" in message
    for word in words:
        assert word in message


def test_item_codes_can_come_from_the_caller():
    # If an instrument version gave Q9 only codes 1-3, the packaged rule asking for
    # Q9 in (4, 5) must be refused, naming it.
    narrow = {**READINESS_V1_CODES, "Q9": (1, 2, 3)}
    with pytest.raises(RulesError, match="competition-history"):
        load_rules(PACKAGED_PATH, item_codes=narrow)


# --------------------------------------------------------- stub theory plumbing


@dataclass(frozen=True)
class StubTheory:
    action_statements: dict[str, ActionStatement]
    cmocs: dict[str, CMOC]
    mechanisms: dict[str, Mechanism] = field(default_factory=dict)


def test_path_and_cmocs_come_from_the_theory_given():
    st = ActionStatement(
        "t10.05", "Task", "If a then b", "a", "b", "c", ("initial_trust", "odd_one"), ("box1.19",)
    )
    cmoc = CMOC("box1.19", "Having existing ...", "Trust", (), (), (), "Box 1")
    mech = Mechanism("initial_trust", "Initial trust, as in Table 7", "k", "e", "o")
    stub = StubTheory({"t10.05": st}, {"box1.19": cmoc}, {"initial_trust": mech})
    rules = load_rules(FIXTURES / "combinators.toml")
    (rec,) = evaluate_respondent(rules, stub, {"Q9": 4}, {})
    # Table 7 name cut at its first comma, lower-cased; an id with no entry is humanised.
    assert rec.path == "Competition or failures → acts through: initial trust; odd one"
    assert rec.cmocs == (("box1.19", "Box 1", "Having existing ..."),)
    # A statement the theory lacks is an error, not a silent gap. The rule lists
    # t10.31 first, so that is the one named.
    with pytest.raises(RulesError, match=r"'no-money-and-no-staff'.*'t10\.31'"):
        evaluate_group(rules, stub, group(6, Q17=[1] * 6, Q18=[1] * 6), no_scores(6), 3)


# ----------------------------------------------------------------- maturity


@pytest.mark.parametrize(
    ("mean", "level", "basis"),
    [
        (2.99, "pathological", "Initial trust mean 2.99 (below 3.00)"),
        (3.0, "bureaucratic", "Initial trust mean 3.00 (3.00 to below 4.00)"),
        (3.99, "bureaucratic", "Initial trust mean 3.99 (3.00 to below 4.00)"),
        (4.0, "generative", "Initial trust mean 4.00 (4.00 or above)"),
        (1.0, "pathological", "Initial trust mean 1.00 (below 3.00)"),
        (5.0, "generative", "Initial trust mean 5.00 (4.00 or above)"),
    ],
)
def test_maturity_boundaries(mean, level, basis):
    (s,) = suggest_maturity({"initial_trust": mean}, READINESS.maturity)
    assert (s.element_id, s.level, s.basis, s.label) == ("trust", level, basis, LABEL)
    assert LABEL == "A starting point for discussion, not a rating"


def test_maturity_covers_only_elements_with_a_survey_basis():
    means = {
        "shared_vision": 4.5,
        "initial_trust": 2.6,
        "initial_faith": 3.2,
        "perceived_legitimacy": None,  # no answer -> omitted
        "cultural_integration": math.nan,  # no answer -> omitted
        "clarity_of_vision": 3.5,
        "conflict_resolution": 1.0,  # no Table 11 element
    }
    out = suggest_maturity(means, READINESS.maturity)
    # Table 11 order: trust, faith, (confidence: none), cultural integration,
    # perceived legitimacy, (interpersonal: none), clarity, sharedness, (risk: none).
    assert [(s.element_id, s.level) for s in out] == [
        ("trust", "pathological"),
        ("faith", "bureaucratic"),
        ("clarity_of_vision", "bureaucratic"),
        ("shared_vision", "generative"),
    ]
    assert out[0].basis == "Initial trust mean 2.60 (below 3.00)"


def test_maturity_element_ids_exist_in_the_theory(theory):
    out = suggest_maturity(dict.fromkeys(READINESS_V1_SCALES, 3.0), READINESS.maturity)
    assert {s.element_id for s in out} <= set(theory.maturity_elements)
    assert len(out) == 6


def test_scores_just_below_a_boundary_never_print_as_the_boundary():
    # 2.996 is below 3.0, so it must not read "3.0 (below 3.0)".
    assert format_score(2.996) == "2.99"
    # Always two places, as the tables print means (issue 14: "mean 2.6", "below 3.0").
    assert (format_score(2.6), format_score(3), format_score(5.0)) == ("2.60", "3.00", "5.00")
    assert suggest_maturity({"shared_vision": 2.996}, READINESS.maturity)[0].basis == (
        "Shared vision mean 2.99 (below 3.00)"
    )
    # Floating-point noise on an exact boundary: 3 - 4e-16 is read as 3.0.
    (noisy,) = suggest_maturity({"shared_vision": 2.9999999999999996}, READINESS.maturity)
    assert noisy.level == "bureaucratic"
