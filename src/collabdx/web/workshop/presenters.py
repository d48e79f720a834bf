"""Display formatting for the maturity matrix workshop. Reads only; no writes.

Disclosure control for the private ratings (k = ``settings.MIN_GROUP_SIZE``):

* an element rated by fewer than k people shows no count and no level;
* otherwise the count per level is shown only when every level that anyone chose
  was chosen by at least k people (a level nobody chose shows 0);
* otherwise the page says the counts are withheld and, where it is safe, names
  the level chosen most often. "Safe" is checked by enumeration: given what the
  page shows (the number who rated, that counts are withheld, and the most common
  level or its absence), every split of the ratings over the three levels that
  fits must leave each level's count undetermined whenever it is between 1 and
  k - 1. (For k = 3 this rules out naming the level when 3 or 6 people rated.)
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from django.db.models import Q

from collabdx.core.disclosure import fewer_than
from collabdx.core.instruments import load_instrument
from collabdx.core.maturity import ELEMENT_SCALES
from collabdx.core.maturity import LABEL as MATURITY_LABEL
from collabdx.core.responses import from_records
from collabdx.core.scoring import scale_scores
from collabdx.core.theory import load_theory
from collabdx.core.theory_model import LEVELS, MaturityElement
from collabdx.reports.feedback import MaturityRow, maturity_rows
from collabdx.web.collab.models import Wave
from collabdx.web.results.release import results_released
from collabdx.web.survey.models import Response
from collabdx.web.workshop.models import LEVEL_CHOICES, MaturityAgreement

LEVEL_LABELS: dict[str, str] = dict(LEVEL_CHOICES)
SUGGESTION_LABEL = MATURITY_LABEL  # "A starting point for discussion, not a rating"


def format_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


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


# --- disclosure control for the private ratings -----------------------------------


def _splits(n: int) -> Iterable[tuple[int, int, int]]:
    for a in range(n + 1):
        for b in range(n - a + 1):
            yield (a, b, n - a - b)


def counts_visible(counts: Sequence[int], k: int) -> bool:
    """Counts may be shown when every level anyone chose was chosen by at least k."""
    return all(c == 0 or c >= k for c in counts)


def unique_mode(counts: Sequence[int]) -> int | None:
    """Index of the single most common level, or None on a tie."""
    top = max(counts)
    at_top = [i for i, c in enumerate(counts) if c == top]
    return at_top[0] if len(at_top) == 1 else None


def _pins_small_count(splits: list[tuple[int, int, int]], k: int) -> bool:
    """Whether the splits leave some level's count fixed at a value from 1 to k - 1."""
    for i in range(len(LEVELS)):
        values = {s[i] for s in splits}
        if len(values) == 1 and 0 < next(iter(values)) < k:
            return True
    return False


@functools.lru_cache(maxsize=512)
def mode_can_be_named(n: int, k: int) -> bool:
    """Whether naming the most common level (counts withheld) is safe for n ratings.

    By symmetry the answer is the same for every level. Both what the page says
    when it names a level and what it says when it does not (a tie, so no single
    level) must leave every small count undetermined.
    """
    withheld = [s for s in _splits(n) if not counts_visible(s, k)]
    named = [s for s in withheld if unique_mode(s) == 0]
    unnamed = [s for s in withheld if unique_mode(s) is None]
    if named and _pins_small_count(named, k):
        return False
    return not (unnamed and _pins_small_count(unnamed, k))


@dataclass(frozen=True)
class Distribution:
    """How one element's private ratings may be shown.

    ``kind`` is "too_few" (n < k: nothing shown), "counts", "mode" (counts
    withheld, most common level named) or "withheld" (counts withheld, no level).
    """

    kind: str
    n: int | None  # None when it may not be shown (n < k)
    counts: tuple[tuple[str, int], ...] = ()  # (level label, count) for "counts"
    mode: str | None = None  # level label for "mode"
    summary: str = ""
    explanation: str = ""


def distribution(levels: Iterable[str], k: int) -> Distribution:
    """The shown form of one element's ratings (``levels``: one level per rating)."""
    chosen = list(levels)
    counts = tuple(chosen.count(lvl) for lvl in LEVELS)
    n = sum(counts)
    if n < k:
        return Distribution(
            "too_few",
            None,
            summary=f"{fewer_than(k).capitalize()} ratings",
            explanation=(
                f"{fewer_than(k).capitalize()} people have rated this element, so its "
                "ratings are not shown yet."
            ),
        )
    if counts_visible(counts, k):
        shown = tuple((LEVEL_LABELS[lvl], c) for lvl, c in zip(LEVELS, counts, strict=True))
        return Distribution(
            "counts",
            n,
            counts=shown,
            summary=", ".join(f"{label} {c}" for label, c in shown),
            explanation=f"{n} people rated this element.",
        )
    why = (
        f"The counts are not shown because at least one level was chosen by {fewer_than(k)} "
        "people, and showing them could reveal how individuals rated."
    )
    mode = unique_mode(counts)
    if mode is not None and mode_can_be_named(n, k):
        label = LEVEL_LABELS[LEVELS[mode]]
        return Distribution(
            "mode",
            n,
            mode=label,
            summary=f"Most often: {label} (counts not shown)",
            explanation=f"{n} people rated this element. {label} was chosen most often. {why}",
        )
    return Distribution(
        "withheld",
        n,
        summary="Views differ (counts not shown)",
        explanation=f"{n} people rated this element and chose different levels. {why}",
    )


def total_text(n: int, k: int) -> str:
    return str(n) if n >= k else fewer_than(k)


# --- the survey's suggested starting level -------------------------------------------


@dataclass(frozen=True)
class SurveySuggestions:
    enough: bool  # at least k survey responses in this wave
    rows: dict[str, MaturityRow] = field(default_factory=dict)
    still_open: bool = False  # no suggestion from an open wave (results.release)


def survey_suggestions(wave: Wave, k: int) -> SurveySuggestions:
    """Suggested starting levels from this wave's survey, only with at least k responses.

    A scale's mean counts only when at least k people answered enough of it, and
    nothing is suggested while the wave is open: a level read before and after one
    more submission would hint at that person's answers.
    """
    if not results_released(wave):
        return SurveySuggestions(False, still_open=True)
    instrument = load_instrument(wave.instrument_id, wave.instrument_version)
    answers = list(
        Response.objects.filter(
            wave=wave, instrument_id=instrument.id, instrument_version=instrument.version
        ).values_list("answers", flat=True)
    )
    if len(answers) < k:
        return SurveySuggestions(False)
    scores = scale_scores(from_records(instrument, answers))
    means: dict[str, float | None] = {}
    for scale_id in scores.columns:
        values = scores[scale_id].to_numpy(dtype=float)
        answered = values[~np.isnan(values)]
        means[str(scale_id)] = float(answered.mean()) if answered.size >= k else None
    return SurveySuggestions(True, {row.element_id: row for row in maturity_rows(means)})


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
            "Not yet",
            f"None yet: shown once at least {k} people have answered this wave’s survey.",
        )
    if element_id not in ELEMENT_SCALES:
        return "No survey questions", "None: the survey has no questions on this element."
    return (
        "Too few answers",
        f"None: {fewer_than(k)} people answered the survey questions on this element.",
    )


# --- agreed levels, this wave and earlier ones ---------------------------------------


def earlier_waves(wave: Wave) -> list[Wave]:
    """The collaboration's waves before this one, oldest first (the waves' own order)."""
    return list(
        Wave.objects.filter(collaboration_id=wave.collaboration_id)
        .filter(Q(opens_on__lt=wave.opens_on) | Q(opens_on=wave.opens_on, pk__lt=wave.pk))
        .order_by("opens_on", "pk")
    )


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
    distribution: Distribution
    suggestion: MaturityRow | None
    suggestion_short: str
    suggestion_note: str
    agreement: MaturityAgreement | None
    agreed_label: str | None
    agreed_on: str
    earlier: tuple[EarlierAgreement, ...]


def element_summaries(
    wave: Wave, ratings: Sequence[dict[str, str]], k: int
) -> tuple[list[ElementSummary], list[Wave]]:
    """Everything the facilitator page shows per element, plus the earlier waves."""
    suggestions = survey_suggestions(wave, k)
    before = earlier_waves(wave)
    agreed = agreements_by_wave([*before, wave])
    out = []
    for element in element_texts():
        levels = [r[element.id] for r in ratings if r.get(element.id) in LEVELS]
        now = agreed.get((wave.pk, element.id))
        earlier = []
        for w in before:
            a = agreed.get((w.pk, element.id))
            earlier.append(
                EarlierAgreement(
                    w.name,
                    LEVEL_LABELS[a.agreed_level] if a else None,
                    format_date(a.recorded_on) if a else "",
                    a.rationale if a else "",
                    a.actions if a else "",
                )
            )
        short, note = suggestion_note(suggestions, element.id, k)
        out.append(
            ElementSummary(
                element=element,
                distribution=distribution(levels, k),
                suggestion=suggestions.rows.get(element.id),
                suggestion_short=short,
                suggestion_note=note,
                agreement=now,
                agreed_label=LEVEL_LABELS[now.agreed_level] if now else None,
                agreed_on=format_date(now.recorded_on) if now else "",
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
