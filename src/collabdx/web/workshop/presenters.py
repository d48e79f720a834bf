"""Display formatting for the maturity matrix workshop. Reads only; no writes.

Disclosure control for the private ratings (k = ``settings.MIN_GROUP_SIZE``), issue 12:
while a round is open nothing about the levels chosen is shown anywhere (only how
many ratings have come in); a closed round's split over levels is decided by
``core.rating_disclosure.rating_split`` and worded by ``reports.workshop_ratings``,
which the pack shares.

Every hidden figure reads ``NOT_SHOWN``, whatever the reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from collabdx.core.disclosure import NOT_SHOWN
from collabdx.core.maturity import LABEL as MATURITY_LABEL
from collabdx.core.scoring import scale_scores
from collabdx.core.theory import load_theory
from collabdx.core.theory_model import LEVELS, MaturityElement
from collabdx.reports.feedback import MaturitySuggestion, maturity_rows
from collabdx.reports.fmt import long_date
from collabdx.reports.workshop_ratings import NO_ROUND, RatingDistribution, distribution
from collabdx.web.collab.models import Wave
from collabdx.web.survey.wave_data import MixedInstrumentError, load_wave
from collabdx.web.workshop.models import LEVEL_CHOICES, MaturityAgreement

LEVEL_LABELS: dict[str, str] = dict(LEVEL_CHOICES)
SUGGESTION_LABEL = MATURITY_LABEL  # "A starting point for discussion, not a rating"


def definition_text(element: MaturityElement) -> str:
    """The definition as Table 11 prints it after the element's name, or ''."""
    return f"(i.e. {element.definition})" if element.definition else ""


@dataclass(frozen=True)
class LevelOption:
    value: str
    label: str
    descriptor: str  # Table 11, verbatim


@dataclass(frozen=True)
class ElementText:
    id: str
    name: str
    definition: str
    options: tuple[LevelOption, ...]


def element_texts() -> list[ElementText]:
    """The nine Table 11 elements with their three level descriptors, in table order."""
    return [
        ElementText(
            e.id,
            e.name,
            definition_text(e),
            tuple(LevelOption(lvl, LEVEL_LABELS[lvl], e.levels[lvl]) for lvl in LEVELS),
        )
        for e in load_theory().maturity_elements.values()
    ]


# --- the survey's suggested starting level -------------------------------------------


@dataclass(frozen=True)
class SurveySuggestions:
    enough: bool  # at least k survey responses in this wave
    rows: dict[str, MaturitySuggestion] = field(default_factory=dict)
    still_open: bool = False  # no suggestion from an open wave (Wave.results_released)
    # Elements the wave's instrument links to a scale (its ``[[maturity]]`` table).
    linked: frozenset[str] = frozenset()


def survey_suggestions(wave: Wave, k: int) -> SurveySuggestions:
    """Suggested starting levels from this wave's survey, only with at least k responses.

    A scale's mean counts only when at least k people answered enough of it, and
    nothing is suggested while the wave is open: a level read before and after one
    more submission would hint at that person's answers.
    """
    if not wave.results_released():
        return SurveySuggestions(False, still_open=True)
    try:
        # The responses the results use: the data-quality check applies here too.
        responses = load_wave(wave).responses
    except MixedInstrumentError:
        return SurveySuggestions(False)
    if responses.n < k:
        return SurveySuggestions(False)
    scores = scale_scores(responses)
    means: dict[str, float | None] = {}
    for scale_id in scores.columns:
        values = scores[scale_id].to_numpy(dtype=float)
        answered = values[~np.isnan(values)]
        means[str(scale_id)] = float(answered.mean()) if answered.size >= k else None
    instrument = responses.instrument
    return SurveySuggestions(
        True,
        {row.element_id: row for row in maturity_rows(means, instrument)},
        linked=frozenset(link.element for link in instrument.maturity),
    )


def suggestion_note(suggestions: SurveySuggestions, element_id: str, k: int) -> tuple[str, str]:
    """Why there is no suggestion for an element, short and long ('' when there is one)."""
    if element_id in suggestions.rows:
        return "", ""
    if suggestions.still_open:
        return (
            "Not yet",
            "None yet: shown once the wave has closed.",
        )
    if not suggestions.enough:
        return (
            NOT_SHOWN,
            f"None: a suggestion needs at least {k} people’s answers to this wave’s survey.",
        )
    if element_id not in suggestions.linked:
        return "No survey questions", "None: the survey has no questions on this element."
    return (
        NOT_SHOWN,
        f"None: a suggestion needs at least {k} people’s answers to this element’s questions.",
    )


# --- agreed levels, this wave and earlier ones ---------------------------------------


def agreements_by_wave(waves: Sequence[Wave]) -> dict[tuple[int, str], MaturityAgreement]:
    rows = MaturityAgreement.objects.filter(wave__in=[w.pk for w in waves])
    return {(a.wave_id, a.element_id): a for a in rows}


@dataclass(frozen=True)
class EarlierAgreement:
    wave_name: str
    level: str | None  # label, or None when that wave recorded nothing for the element
    recorded_on: str = ""
    rationale: str = ""
    actions: str = ""


@dataclass(frozen=True)
class ElementSummary:
    element: ElementText
    distribution: RatingDistribution
    suggestion: MaturitySuggestion | None
    suggestion_short: str
    suggestion_note: str
    agreement: MaturityAgreement | None
    agreed_label: str | None
    agreed_on: str
    earlier: tuple[EarlierAgreement, ...]


def element_summaries(
    wave: Wave, ratings: Sequence[dict[str, str]] | None, k: int
) -> tuple[list[ElementSummary], list[Wave]]:
    """Everything the facilitator page shows per element, plus the earlier waves.

    ``ratings`` are those of one *closed* rating round (``workshop.rounds``), or None
    when no round has closed: an open round's ratings never reach this function."""
    suggestions = survey_suggestions(wave, k)
    before = wave.earlier_waves()
    agreed = agreements_by_wave([*before, wave])
    out = []
    for element in element_texts():
        if ratings is None:
            shown = NO_ROUND
        else:
            shown = distribution([r[element.id] for r in ratings if r.get(element.id) in LEVELS], k)
        now = agreed.get((wave.pk, element.id))
        earlier = []
        for w in before:
            a = agreed.get((w.pk, element.id))
            earlier.append(
                EarlierAgreement(
                    w.name,
                    LEVEL_LABELS[a.agreed_level] if a else None,
                    long_date(a.recorded_on) if a else "",
                    a.rationale if a else "",
                    a.actions if a else "",
                )
            )
        short, note = suggestion_note(suggestions, element.id, k)
        out.append(
            ElementSummary(
                element=element,
                distribution=shown,
                suggestion=suggestions.rows.get(element.id),
                suggestion_short=short,
                suggestion_note=note,
                agreement=now,
                agreed_label=LEVEL_LABELS[now.agreed_level] if now else None,
                agreed_on=long_date(now.recorded_on) if now else "",
                earlier=tuple(earlier),
            )
        )
    return out, before


def westrum_cultures() -> list[str]:
    """The report's summary of Westrum's three cultures (Chapter 7), verbatim."""
    return [
        "A pathological culture characterised by low cooperation, shirking of "
        "responsibilities and not open to change.",
        "A bureaucratic culture characterised by modest cooperation and focused responsibilities.",
        "A generative culture characterised by high degrees of cooperation and sharing of risks.",
    ]
