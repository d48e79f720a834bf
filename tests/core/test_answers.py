"""core.answers: the one check of answers against their instrument, with hand-worked cases
read off readiness v1 (Q1 codes 1-2 on page 1 "participants"; Q3 free text, optional;
Q6 codes 1-5 on page 2 "initial_trust"; every choice item required)."""

from __future__ import annotations

import pytest

from collabdx.core.answers import check_answers, first_incomplete_page, stored_code
from collabdx.core.instruments import Instrument, load_instrument


@pytest.fixture(scope="module")
def ins() -> Instrument:
    return load_instrument("readiness", "1")


def full_response(ins: Instrument) -> dict[str, object]:
    # The lowest code of every choice item: always offered.
    return {item.id: item.codes[0] for item in ins.choice_items}


def kinds(checked) -> list[tuple[str, str]]:
    return [(p.item_id, p.kind) for p in checked.problems]


def test_a_valid_page_is_cleaned_with_blanks_left_out(ins):
    page1 = ins.blocks[0]
    checked = check_answers(ins, {"Q1": 2, "Q2": 3, "Q3": "", "Q4": None, "Q5": 1}, block=page1)
    assert checked.ok
    assert checked.answers == {"Q1": 2, "Q2": 3, "Q5": 1}


def test_an_unknown_question_is_named(ins):
    checked = check_answers(ins, {"Q99": 1, "Q1": 1})
    assert kinds(checked) == [("Q99", "unknown_item")]
    assert checked.problems[0].message == "unknown item 'Q99'"
    assert checked.answers == {"Q1": 1}


def test_a_question_from_another_page_is_not_on_this_page(ins):
    checked = check_answers(ins, {"Q6": 4}, block=ins.blocks[0])
    assert kinds(checked) == [("Q6", "not_on_page")]
    assert checked.problems[0].message == "'Q6' is not on the page 'participants'"


@pytest.mark.parametrize("value", [3, 0, -1, True, "1", 1.0])
def test_a_choice_value_not_offered_is_a_bad_code(ins, value):
    # Q1 offers codes 1 and 2 only; True and "1" and 1.0 are not codes even where they equal 1.
    checked = check_answers(ins, {"Q1": value})
    assert kinds(checked) == [("Q1", "bad_code")]
    assert checked.problems[0].message == f"'Q1' has no code {value!r}"
    assert checked.answers == {}


def test_a_code_outside_the_five_point_scale(ins):
    checked = check_answers(ins, {"Q6": 6, "Q7": 5})
    assert kinds(checked) == [("Q6", "bad_code")]
    assert checked.answers == {"Q7": 5}


def test_free_text_must_be_text(ins):
    checked = check_answers(ins, {"Q3": 7})
    assert kinds(checked) == [("Q3", "not_text")]


def test_a_required_question_missing_is_reported_with_its_page(ins):
    answers = full_response(ins)
    del answers["Q7"]  # required, page 2
    checked = check_answers(ins, answers, complete=True)
    assert kinds(checked) == [("Q7", "missing")]
    assert checked.first_incomplete_page == 2


def test_the_optional_question_may_be_missing(ins):
    answers = full_response(ins)
    assert "Q3" not in answers
    checked = check_answers(ins, answers, complete=True)
    assert checked.ok
    assert checked.first_incomplete_page is None
    assert checked.answers == answers


def test_a_bad_code_on_a_required_question_is_not_also_reported_missing(ins):
    answers = {**full_response(ins), "Q1": 9}
    checked = check_answers(ins, answers, complete=True)
    assert kinds(checked) == [("Q1", "bad_code")]
    assert checked.first_incomplete_page == 1  # the bad answer is not kept


def test_without_complete_missing_questions_are_fine(ins):
    assert check_answers(ins, {"Q1": 1}).ok


def test_first_incomplete_page_counts_from_one(ins):
    assert first_incomplete_page(ins, {}) == 1
    assert first_incomplete_page(ins, full_response(ins)) == len(ins.blocks) + 1


@pytest.mark.parametrize(
    ("value", "expected"),
    [(2, 2), (" 2 ", 2), ("2", 2), (3, None), (True, None), (None, None), ("two", None)],
)
def test_stored_codes_are_read_leniently_but_never_outside_the_item(ins, value, expected):
    assert stored_code(ins.items["Q1"], value) == expected
