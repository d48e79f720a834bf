"""How the data-quality check (``core.data_quality``) reads: on the wave page, the
report page and in the pack's methods section. Wave level only: a count per partner
or group of what was set aside could be a count under k."""

from __future__ import annotations

from collabdx.core.data_quality import QualityCheck

RULE = (
    "Before anything is counted or shown, collabdx sets aside responses that look made "
    "up (collabdx's rule, derived, not validated): a response through the same partner's "
    "link that repeats another one's answer to every multiple-choice question counts "
    "once, and a response that gives the same answer to every scored question (with at "
    "least half of them answered; some are reverse-worded, so this cannot be a "
    "considered view) is left out. Responses set aside are left out of every figure, "
    "count and download; their respondents still saw their own feedback."
)
RESIDUAL = (
    "This stops the cheapest way of making up answers to push a small group over the "
    "minimum size. Someone with a survey link who sends several different made-up "
    "responses from fresh browsers can still get past it, so results for a group that "
    "had only one or two real respondents can still be exposed that way; each browser "
    "can send only one response per wave."
)


def _responses(n: int) -> str:
    return f"{n} response was" if n == 1 else f"{n} responses were"


def quality_text(check: QualityCheck, *, explain: bool = True) -> str:
    """One sentence on what was set aside in this wave (counts for the wave only);
    ``explain`` adds what that means, where the rule is not stated beside it."""
    if not check.set_aside:
        return "The data-quality check set no response aside."
    parts = []
    if check.repeats:
        parts.append(
            f"{check.repeats} exact repeat{'s' if check.repeats != 1 else ''} of another "
            "response (counted once)"
        )
    if check.straight_lined:
        parts.append(f"{check.straight_lined} straight-lined (the same answer to every question)")
    text = f"{_responses(check.set_aside)} set aside by the data-quality check: "
    text += " and ".join(parts) + "."
    return text + " They are left out of every figure and count." if explain else text
