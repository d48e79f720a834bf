"""Answers checked against their instrument: the one place that decides what an answer may be.

The survey page, the submit service and wave-data loading all ask this module rather
than keeping their own rules, so a change to the instrument (a new code, a question
made optional) changes every path at once. Checking returns typed problems instead of
raising: the web decides what a problem means there (400, "finish page N", skip a
stored value).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from collabdx.core.instruments import Block, Instrument, Item

ProblemKind = Literal["unknown_item", "not_on_page", "bad_code", "not_text", "missing"]


@dataclass(frozen=True)
class AnswerProblem:
    """One thing wrong with one question's answer."""

    item_id: str
    kind: ProblemKind
    message: str


@dataclass(frozen=True)
class CheckedAnswers:
    """``answers``: the valid non-blank answers (item id -> code or text).
    ``problems``: everything wrong, in the order the answers came; empty when all is well.
    ``first_incomplete_page``: 1-based page of the first missing required answer, when
    completeness was asked for and something is missing."""

    answers: dict[str, int | str]
    problems: tuple[AnswerProblem, ...]
    first_incomplete_page: int | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


def is_blank(value: object) -> bool:
    return value is None or value == ""


def _value_problem(item: Item, value: object) -> AnswerProblem | None:
    if item.type == "choice":
        # bool is an int to Python but never an answer code.
        if isinstance(value, bool) or not isinstance(value, int) or value not in item.codes:
            return AnswerProblem(item.id, "bad_code", f"{item.id!r} has no code {value!r}")
        return None
    if not isinstance(value, str):
        return AnswerProblem(item.id, "not_text", f"{item.id!r} needs text, got {value!r}")
    return None


def first_incomplete_page(instrument: Instrument, answers: Mapping[str, object]) -> int:
    """1-based number of the first page with a required answer missing, or
    ``len(blocks) + 1`` when every required answer is there."""
    for number, block in enumerate(instrument.blocks, start=1):
        for item_id in block.items:
            if not instrument.items[item_id].optional and is_blank(answers.get(item_id)):
                return number
    return len(instrument.blocks) + 1


def check_answers(
    instrument: Instrument,
    answers: Mapping[str, object],
    *,
    block: Block | None = None,
    complete: bool = False,
) -> CheckedAnswers:
    """Check ``answers`` (one page's when ``block`` is given, else a whole response's).

    Blank answers (None or "") are allowed here and left out of the cleaned answers:
    a page may clear an optional question. With ``complete``, every required
    question of the instrument must be answered; each missing one is a problem.
    """
    cleaned: dict[str, int | str] = {}
    problems: list[AnswerProblem] = []
    for item_id, value in answers.items():
        item = instrument.items.get(item_id)
        if block is not None and item_id not in block.items:
            message = f"{item_id!r} is not on the page {block.id!r}"
            problems.append(AnswerProblem(item_id, "not_on_page", message))
            continue
        if item is None:
            problems.append(AnswerProblem(item_id, "unknown_item", f"unknown item {item_id!r}"))
            continue
        if is_blank(value):
            continue
        problem = _value_problem(item, value)
        if problem is not None:
            problems.append(problem)
        else:
            cleaned[item_id] = value  # type: ignore[assignment]  # checked just above
    incomplete: int | None = None
    if complete:
        for block_ in instrument.blocks:
            for item_id in block_.items:
                if not instrument.items[item_id].optional and item_id not in cleaned:
                    if item_id in answers and not is_blank(answers[item_id]):
                        continue  # already reported as a bad value
                    problems.append(
                        AnswerProblem(item_id, "missing", f"{item_id!r} needs an answer")
                    )
        page = first_incomplete_page(instrument, cleaned)
        incomplete = page if page <= len(instrument.blocks) else None
    return CheckedAnswers(cleaned, tuple(problems), incomplete)


def stored_code(item: Item, value: object) -> int | None:
    """A stored answer as a valid code for its choice item, or None (read as unanswered).

    Stored data was checked on the way in; this is lenient on purpose (a digit string
    from an older export counts) so one odd value never loses a whole response.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, int) and _value_problem(item, value) is None:
        return value
    return None
