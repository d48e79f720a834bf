"""The multilevel view: how much nesting in organisations matters for each scale.

Respondents are nested in organisations. When people in one organisation answer alike
(ICC(1) > 0), single-level statistics treat N correlated answers as N independent ones:
standard errors are too small and p-values too low. The design effect (Kish 1965)

    deff = 1 + (k̄ − 1) · ICC(1),  effective n = N / deff,

with k̄ the mean organisation size, says by how much. Muthén & Satorra (1995) found
single-level results misleading once the design effect passes 2; below that they are
usually adequate. ICC(1) is the one-way ANOVA estimate of :mod:`.agreement`.
"""

from __future__ import annotations

from dataclasses import dataclass

from collabdx.core.psychometrics.agreement import AgreementResult

DEFF_LIMIT = 2.0


@dataclass(frozen=True)
class ScaleNesting:
    scale_id: str
    name: str
    icc1: float
    mean_group_size: float
    design_effect: float
    n: int
    effective_n: float
    misleading: bool


@dataclass(frozen=True)
class MultilevelView:
    computed: bool
    statement: str
    scales: tuple[ScaleNesting, ...]
    reading: str


def design_effect(icc1: float, mean_group_size: float) -> float:
    """Kish's design effect; a negative ICC(1) is read as 0."""
    return 1.0 + (mean_group_size - 1.0) * max(icc1, 0.0)


def multilevel_view(org: AgreementResult | None) -> MultilevelView:
    if org is None or not org.computed:
        why = org.reason if org is not None else "The survey does not ask for an organisation."
        return MultilevelView(False, f"No multilevel view: {why}", (), "")
    rows = []
    for s in org.scales:
        if s.icc1 is None or s.icc1.value is None or s.df_between is None:
            continue
        groups = s.df_between + 1
        n = s.icc1.n
        kbar = n / groups
        deff = design_effect(s.icc1.value, kbar)
        rows.append(ScaleNesting(s.scale_id, s.name, s.icc1.value, kbar, deff, n, n / deff,
                                 deff > DEFF_LIMIT))  # fmt: skip
    if not rows:
        return MultilevelView(False, "No multilevel view: no scale has an ICC(1).", (), "")
    bad = [r.name for r in rows if r.misleading]
    if bad:
        reading = (
            f"Nesting matters for {', '.join(bad)}: the design effect is above "
            f"{DEFF_LIMIT:.0f}, so single-level standard errors, confidence intervals and "
            "p-values for these scales (the reliability intervals, the comparisons of "
            "roles and staff groups) are too narrow and too small; read them against the "
            "effective n, or fit a multilevel model (Muthén & Satorra 1995)."
        )
    else:
        reading = (
            f"The design effect is at most {DEFF_LIMIT:.0f} for every scale: single-level "
            "results are adequate here (Muthén & Satorra 1995)."
        )
    statement = (
        "ICC(1) by organisation, mean organisation size and Kish's design effect for each "
        f"scale, across the {len(org.groups)} organisations analysed."
    )
    return MultilevelView(True, statement, tuple(rows), reading)
