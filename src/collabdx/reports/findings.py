"""The summary page's three to five findings, in plain English, each with its figure.

Derived by collabdx (not from the seed report), by these rules, in this order, from
figures the report already shows, so no finding can rest on a group under k:

1. ``lowest_scale``: the scale with the lowest mean, with its 95% CI and band.
2. ``highest_scale``: the scale with the highest mean (when it differs from 1).
3. ``largest_gap``: the largest perception gap (leaders and workforce, clinical and
   managerial staff, or partners) whose 95% CI excludes 0.
4. ``split_opinion``: the question on which opinion is most evenly split (see
   ``reports.gaps``): everyone first, else the most split within one group.
5. ``action_theme``: the Table 10 task ("IOC task") that most of the selected
   action statements belong to.

When fewer than three of those apply (e.g. a one-scale survey with no gaps), the
questions with the most unfavourable and the most favourable answers fill in.
Ties go to the instrument's (or Table 10's) order, so the result is deterministic.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from collabdx.reports.fmt import ci, num, pct
from collabdx.reports.gaps import ALL_RESPONDENTS, prose
from collabdx.reports.sections import Finding, Gap, SplitItem

MAX_FINDINGS = 5
MIN_FINDINGS = 3


def _scale_finding(rule: str, word: str, row: Any) -> Finding:
    s = row.summary
    band = f", in the “{s.band.label}” band" if s.band else ""
    return Finding(
        rule,
        f"{word}: {row.name}, mean {num(s.mean)} on the 1 to 5 scale "
        f"(95% CI {ci(s.ci95)}){band}.",
        "fig-profile",
    )


def _gap_finding(gaps: Sequence[Gap]) -> Finding | None:
    clear = [g for g in gaps if g.excludes_zero]
    if not clear:
        return None
    g = max(clear, key=lambda g: abs(g.diff))  # max keeps the first of equals
    direction = "higher" if g.diff > 0 else "lower"
    return Finding(
        "largest_gap",
        f"Largest gap: {prose(g.group_a)} rated {g.scale_name.lower()} {num(abs(g.diff))} "
        f"points {direction} than {prose(g.group_b)} ({num(g.mean_a)} against {num(g.mean_b)}; "
        f"95% CI of the difference {ci(g.ci95)}).",
        "tab-gaps",
    )


def _split_finding(
    split: Sequence[SplitItem], scale_of: Mapping[str, str], reverse: frozenset[str] = frozenset()
) -> Finding | None:
    everyone = [s for s in split if s.group == ALL_RESPONDENTS]
    pool = everyone or list(split)
    if not pool:
        return None
    s = max(pool, key=lambda s: min(s.pct_favourable, s.pct_unfavourable))
    where = "" if s.group == ALL_RESPONDENTS else f" within {s.group}"
    return Finding(
        "split_opinion",
        f"Split opinion{where} on {s.item_id} “{s.item_text}”: "
        # For a reverse-worded question "favourably" means disagreeing: say so, or
        # "48% answered favourably" reads as agreement with the statement (issue 14).
        + (f"{pct(s.pct_favourable)} disagreed (favourable, as the question is "
           f"reverse-worded) and {pct(s.pct_unfavourable)} agreed"
           if s.item_id in reverse else
           f"{pct(s.pct_favourable)} answered favourably and {pct(s.pct_unfavourable)} "
           "unfavourably")
        + ", so the average hides two camps.",
        f"fig-items-{scale_of[s.item_id]}" if not where else "tab-split",
    )


def _theme_finding(recommendations: Sequence[Any]) -> Finding | None:
    tasks = [str(getattr(r, "task", "")) for r in recommendations]
    if not tasks:
        return None
    counts = Counter(tasks)
    task = max(dict.fromkeys(tasks), key=lambda t: counts[t])  # first of equals
    total = len(tasks)
    if total == 1:
        text = f"The one action statement selected is about “{task}”."
    else:
        text = f"{counts[task]} of the {total} action statements selected are about “{task}”"
        unique_top = list(counts.values()).count(counts[task]) == 1
        text += ", more than any other theme." if unique_top and counts[task] > 1 else "."
    return Finding("action_theme", text, "actions")


def _item_findings(items: Sequence[Any], scale_of: Mapping[str, str]) -> list[Finding]:
    shown = [r for r in items if r.summary is not None and r.summary.pct_favourable is not None]
    if not shown:
        return []
    worst = max(shown, key=lambda r: r.summary.pct_unfavourable)
    best = max(shown, key=lambda r: r.summary.pct_favourable)
    out = [
        Finding(
            "least_favourable_item",
            f"Least favourable question: {worst.id} “{worst.name}”, "
            f"{pct(worst.summary.pct_unfavourable)} unfavourable answers.",
            f"fig-items-{scale_of[worst.id]}",
        )
    ]
    if best.id != worst.id:
        out.append(
            Finding(
                "most_favourable_item",
                f"Most favourable question: {best.id} “{best.name}”, "
                f"{pct(best.summary.pct_favourable)} favourable answers.",
                f"fig-items-{scale_of[best.id]}",
            )
        )
    return out


def derive_findings(
    scales: Sequence[Any],
    items: Sequence[Any],
    gaps: Sequence[Gap],
    split: Sequence[SplitItem],
    recommendations: Sequence[Any],
    scale_of: Mapping[str, str],
) -> tuple[Finding, ...]:
    """``scales``/``items`` are the model's StatRows (summary None when hidden);
    ``scale_of`` maps an item id to its scale id (for the figure's anchor)."""
    out: list[Finding] = []
    shown = [r for r in scales if r.summary is not None and r.summary.mean is not None]
    if shown:
        low = min(shown, key=lambda r: r.summary.mean)
        out.append(_scale_finding("lowest_scale", "Lowest scale", low))
        high = max(shown, key=lambda r: r.summary.mean)
        if len(shown) > 1 and high.summary.mean > low.summary.mean:
            out.append(_scale_finding("highest_scale", "Highest scale", high))
    for extra in (
        _gap_finding(gaps),
        _split_finding(split, scale_of, frozenset(i.id for i in items if getattr(i, "reverse", 0))),
        _theme_finding(recommendations),
    ):  # fmt: skip
        if extra is not None:
            out.append(extra)
    if len(out) < MIN_FINDINGS:
        out += _item_findings(items, scale_of)[: MIN_FINDINGS - len(out)]
    return tuple(out[:MAX_FINDINGS])
