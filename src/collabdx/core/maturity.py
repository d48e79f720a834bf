"""A suggested starting level on the Table 11 maturity matrix, from survey means.

Derived by collabdx: Table 11 asks people to "rate for each element according to
which type of culture you perceive your organisation to have"; it gives no link
to the survey. Which scale stands for which element is the instrument's data (its
``[[maturity]]`` table, ``Instrument.maturity``). We read a scale mean (1-5, higher
is more favourable) as pathological below 3.00 (on the disagree side of "neither"),
bureaucratic from 3.00 to below 4.00, and generative from 4.00 ("agree") up. The result is offered
only as a prompt for the team's own rating, never as a rating.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from collabdx.core.instrument_extras import MaturityLink
from collabdx.core.theory_model import ActionStatement, Level

if TYPE_CHECKING:
    from collabdx.core.theory import Theory

LABEL = "A starting point for discussion, not a rating"
BUREAUCRATIC_FROM = 3.0
GENERATIVE_FROM = 4.0


@dataclass(frozen=True)
class MaturitySuggestion:
    element_id: str
    level: Level
    basis: str
    scale_id: str
    mean: float
    label: str = LABEL


def _clean(value: float) -> float:
    # Means of fractions computed in floating point can land a hair off an exact
    # boundary (2.9999999999999996 for 3); nine decimals is far below any real
    # difference between 1-5 answers.
    return round(value, 9)


def below(value: float, threshold: float) -> bool:
    """``value < threshold``, ignoring floating-point noise; False for NaN."""
    return not math.isnan(value) and _clean(value) < threshold


def format_score(value: float) -> str:
    """Two decimals, as every score and cut-off on the 1-5 scale is printed (issue 14:
    "2.82, below 3.0" and "mean 2.6" mixed decimal places with the tables' "2.60");
    truncated rather than rounded so that a score below a threshold never prints as
    the threshold (2.996 -> "2.99", not "3.00")."""
    truncated = math.floor(_clean(value) * 100 + 1e-6) / 100
    return f"{truncated:.2f}"


def maturity_level(mean: float) -> Level:
    if below(mean, BUREAUCRATIC_FROM):
        return "pathological"
    if below(mean, GENERATIVE_FROM):
        return "bureaucratic"
    return "generative"


_RANGE_TEXT: Mapping[Level, str] = {
    "pathological": f"below {format_score(BUREAUCRATIC_FROM)}",
    "bureaucratic": f"{format_score(BUREAUCRATIC_FROM)} to below {format_score(GENERATIVE_FROM)}",
    "generative": f"{format_score(GENERATIVE_FROM)} or above",
}


def suggest_maturity(
    scale_means: Mapping[str, float | None], links: Sequence[MaturityLink]
) -> list[MaturitySuggestion]:
    """One suggestion per linked Table 11 element that has a survey mean, in the
    order of the instrument's ``[[maturity]]`` table (Table 11's)."""
    out = []
    for link in links:
        element, scale, name = link.element, link.scale, link.name
        mean = scale_means.get(scale)
        if mean is None or math.isnan(mean):
            continue
        level = maturity_level(mean)
        basis = f"{name} mean {format_score(mean)} ({_RANGE_TEXT[level]})"
        out.append(MaturitySuggestion(element, level, basis, scale, float(mean)))
    return out


# --- from an agreed level to action statements (issue 14) ---------------------------

# Which agreed levels make an element "weak", so that its action statements are
# offered in the workshop. Derived by collabdx: Table 11 names no threshold.
WEAK_LEVELS: frozenset[str] = frozenset({"pathological"})
WEAK_RULE = (
    "An element is weak when the group agreed it is pathological. For each weak "
    "element collabdx lists the Table 10 action statements linked to the mechanism "
    "the element rates (collabdx's rule and links, derived; Table 10 and Table 11 "
    "do not link to each other)."
)


def is_weak(level: str | None) -> bool:
    return level in WEAK_LEVELS


def linked_statements(theory: Theory, element_id: str) -> list[ActionStatement]:
    """Table 10 statements whose mechanisms include the one the element rates, in
    Table 10 order; none for an unknown element or one linked to no mechanism."""
    element = theory.maturity_elements.get(element_id)
    if element is None or element.mechanism is None:
        return []
    return [s for s in theory.action_statements.values() if element.mechanism in s.mechanisms]
