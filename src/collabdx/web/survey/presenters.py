"""Display formatting for the respondent pages, and the respondent's own feedback.

The feedback kept in the session after submitting is small and holds no key to the
stored response: the instrument id and version, the respondent's scale scores and
the action statements chosen for them with the sentences saying why. Everything
else on the feedback page (the if / then / because, the CMOCs and their sources)
is looked up again from the programme theory when the page is shown.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from collabdx.core.instruments import Instrument, InstrumentError, load_instrument
from collabdx.core.stats import BAND_NOTE, band_for
from collabdx.core.theory import load_theory
from collabdx.reports.feedback import has_rules, personal_feedback

# collabdx's estimate, not the seed's: about 20 seconds a question, rounded up.
SECONDS_PER_ITEM = 20


def minutes_to_answer(instrument: Instrument) -> int:
    return max(1, math.ceil(len(instrument.items) * SECONDS_PER_ITEM / 60))


@dataclass(frozen=True)
class IntroPart:
    heading: str
    paragraphs: tuple[str, ...]


def intro_parts(instrument: Instrument) -> list[IntroPart]:
    """The instrument's own introduction; consecutive sections under one heading
    (the seed's "Background to our survey" has two paragraphs) are joined."""
    parts: list[IntroPart] = []
    for section in instrument.intro:
        if parts and parts[-1].heading == section.heading:
            last = parts.pop()
            parts.append(IntroPart(last.heading, (*last.paragraphs, section.text)))
        else:
            parts.append(IntroPart(section.heading, (section.text,)))
    return parts


def answer_text(instrument: Instrument, item_id: str, value: object) -> str:
    if value in (None, ""):
        return "Not answered"
    item = instrument.items[item_id]
    if item.type == "choice" and isinstance(value, int):
        return item.label_for(value)
    return str(value)


def check_sections(instrument: Instrument, answers: dict[str, Any], token: str) -> list[dict]:
    """One summary list per page, each answer with a "Change" link back to its page."""
    sections = []
    for number, block in enumerate(instrument.blocks, start=1):
        change = reverse("survey:page", args=[token, number]) + "?change=1"
        rows = []
        for item_id in block.items:
            item = instrument.items[item_id]
            rows.append(
                {
                    "key": {"text": item.text},
                    "value": {"text": answer_text(instrument, item_id, answers.get(item_id))},
                    "actions": {
                        "items": [
                            {
                                "href": f"{change}#{item_id}",
                                "text": "Change",
                                "visuallyHiddenText": f"your answer to: {item.text}",
                            }
                        ]
                    },
                }
            )
        sections.append({"title": block.title, "number": number, "rows": rows})
    return sections


# ------------------------------------------------------------------ feedback


def feedback_payload(instrument: Instrument, answers: dict[str, int | str]) -> dict[str, Any]:
    """What the session keeps for the thank-you page: JSON-safe and small. The
    scoring and the choice of advice are ``reports.feedback.personal_feedback``'s."""
    feedback = personal_feedback(instrument, answers)
    return {
        "instrument": instrument.id,
        "version": instrument.version,
        "scores": dict(feedback.scores),
        "actions": [
            {"id": rec.action_id, "evidence": list(rec.evidence)}
            for rec in feedback.recommendations
        ],
    }


def score_text(value: float) -> str:
    """One decimal place, cut rather than rounded, so that a score just under a band
    boundary (2.97) never prints as the boundary (3.0) beside the lower band."""
    return f"{math.floor(value * 10 + 1e-9) / 10:.1f}"


@dataclass(frozen=True)
class PersonalScaleRow:
    name: str
    score: str
    band_id: str
    band_label: str
    band_description: str


@dataclass(frozen=True)
class CmocRow:
    id: str
    source: str
    text: str


@dataclass(frozen=True)
class ActionRow:
    id: str
    number: str  # the statement's place in Table 10, e.g. "5" for t10.05
    task: str
    text: str
    if_text: str
    then_text: str
    because_text: str
    because_derived: bool
    source: str
    evidence: tuple[str, ...]
    cmocs: tuple[CmocRow, ...]


@dataclass(frozen=True)
class ActionGroup:
    """Action statements under one Table 10 "IOC task", in Table 10 order."""

    task: str
    actions: tuple[ActionRow, ...]


@dataclass(frozen=True)
class FeedbackView:
    instrument: Instrument
    scales: tuple[PersonalScaleRow, ...]
    band_note: str
    actions: tuple[ActionRow, ...]
    rules_apply: bool

    @property
    def groups(self) -> tuple[ActionGroup, ...]:
        order: dict[str, list[ActionRow]] = {}
        for action in self.actions:
            order.setdefault(action.task, []).append(action)
        return tuple(ActionGroup(task, tuple(rows)) for task, rows in order.items())


def feedback_view(payload: object) -> FeedbackView | None:
    """The thank-you page's content, or None when the session holds nothing usable."""
    if not isinstance(payload, dict):
        return None
    try:
        instrument = load_instrument(str(payload["instrument"]), str(payload["version"]))
        scores = dict(payload["scores"])
        chosen = list(payload["actions"])
    except (KeyError, TypeError, ValueError, InstrumentError):
        return None
    scales = []
    for scale in instrument.scales.values():
        raw = scores.get(scale.id)
        value = float(raw) if isinstance(raw, int | float) else None
        band = band_for(value)
        scales.append(
            PersonalScaleRow(
                name=scale.name,
                score=score_text(value) if value is not None and band else "Not enough answers",
                band_id=band.id if band else "none",
                band_label=band.label if band else "No score",
                band_description=band.description if band else "",
            )
        )
    theory = load_theory()
    actions = []
    for entry in chosen:
        statement = theory.action_statements.get(str(entry.get("id", "")))
        if statement is None:
            continue
        actions.append(
            ActionRow(
                id=statement.id,
                number=statement.id.rsplit(".", 1)[-1].lstrip("0"),
                task=statement.task,
                text=statement.text,
                if_text=statement.if_text,
                then_text=statement.then_text,
                because_text=statement.because_text,
                because_derived=statement.because_derived,
                source=statement.source,
                evidence=tuple(str(e) for e in entry.get("evidence", [])),
                cmocs=tuple(
                    CmocRow(c, theory.cmocs[c].source, theory.cmocs[c].text)
                    for c in statement.cmocs
                    if c in theory.cmocs
                ),
            )
        )
    return FeedbackView(
        instrument=instrument,
        scales=tuple(scales),
        band_note=BAND_NOTE,
        actions=tuple(actions),
        rules_apply=has_rules(instrument),
    )
