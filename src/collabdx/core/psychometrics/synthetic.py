"""Synthetic readiness-v1 responses from a known correlated-factor model.

Nothing here is real data. Each respondent has five correlated latent factors,
η ~ N(0, Φ), one per multi-item scale. Each scored item's latent response is
y* = λ η_f + √(1 − λ²) ε with ε ~ N(0, 1), cut into the five keyed categories at
``BASE_THRESHOLDS`` + the item's shift, then turned back into the printed code for
reverse-keyed items (code = 6 − keyed). The two single-item scales are generated
too (Q14 from initial faith, Q26 from initial trust) but lie outside the CFA.

Group labels depend on the factors but leave their joint distribution untouched:
the partner is drawn with probabilities that rise or fall with initial trust, and
leaders are more likely among people with high initial faith. So partners and
roles differ on average while the population model stays exactly N(0, Φ), and a
CFA on a large sample should recover ``population_structure()``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from collabdx.core.instruments import Instrument, load_instrument
from collabdx.core.psychometrics.factor import fit_ml
from collabdx.core.psychometrics.polychoric import cell_probabilities
from collabdx.core.responses import ResponseSet, from_records

SYNTHETIC_LABEL = (
    "Synthetic data from a known factor model (collabdx.core.psychometrics.synthetic): "
    "fictional partners, generated answers. Not real responses."
)

FACTORS = (
    "initial_trust",
    "initial_faith",
    "cultural_integration",
    "clarity_of_vision",
    "shared_vision",
)
# Loadings of each item's latent response on its factor (standardised).
LOADINGS: dict[str, tuple[str, float]] = {
    "Q6": ("initial_trust", 0.60),
    "Q7": ("initial_trust", 0.70),
    "Q8": ("initial_trust", 0.75),
    "Q9": ("initial_trust", 0.65),
    "Q10": ("initial_trust", 0.50),
    "Q11": ("initial_trust", 0.60),
    "Q15": ("initial_faith", 0.50),
    "Q16": ("initial_faith", 0.55),
    "Q17": ("initial_faith", 0.75),
    "Q18": ("initial_faith", 0.80),
    "Q20": ("initial_faith", 0.60),
    "Q21": ("initial_faith", 0.55),
    "Q22": ("initial_faith", 0.50),
    "Q24": ("cultural_integration", 0.70),
    "Q25": ("cultural_integration", 0.60),
    "Q27": ("clarity_of_vision", 0.85),
    "Q28": ("clarity_of_vision", 0.80),
    "Q29": ("shared_vision", 0.85),
    "Q30": ("shared_vision", 0.80),
    # Single-item scales: generated, but not part of the CFA.
    "Q14": ("initial_faith", 0.60),
    "Q26": ("initial_trust", 0.60),
}
# Factor correlations Φ, in FACTORS order.
PHI = np.array(
    [
        [1.00, 0.45, 0.40, 0.30, 0.50],
        [0.45, 1.00, 0.35, 0.40, 0.35],
        [0.40, 0.35, 1.00, 0.25, 0.30],
        [0.30, 0.40, 0.25, 1.00, 0.55],
        [0.50, 0.35, 0.30, 0.55, 1.00],
    ]
)
# Keyed category c is chosen when τ_{c−1} < y* ≤ τ_c; shifts move an item's cut points
# up (harder to endorse). Q17/Q18 (capacity) and Q9 (competition) echo the pilot.
BASE_THRESHOLDS = (-1.6, -0.7, 0.2, 1.2)
THRESHOLD_SHIFT = {"Q9": 0.3, "Q17": 0.4, "Q18": 0.4}

PARTNERS = (
    ("Partner A (synthetic)", 0.5),
    ("Partner B (synthetic)", 0.25),
    ("Partner C (synthetic)", 0.0),
    ("Partner D (synthetic)", -0.25),
    ("Partner E (synthetic)", -0.5),
)  # (name, slope of the log-odds of membership on initial trust)
LEADER_INTERCEPT, LEADER_SLOPE = -1.0, 0.5  # logit P(leader) = −1 + 0.5 η_faith


def thresholds(item_id: str) -> np.ndarray:
    return np.asarray(BASE_THRESHOLDS) + THRESHOLD_SHIFT.get(item_id, 0.0)


def synthetic_responses(
    n: int = 2000,
    seed: int = 1939,
    *,
    missing_rate: float = 0.0,
    instrument: Instrument | None = None,
) -> ResponseSet:
    """``n`` synthetic respondents to readiness v1, reproducible from ``seed``."""
    instrument = instrument or load_instrument("readiness", "1")
    rng = np.random.default_rng(seed)
    eta = rng.multivariate_normal(np.zeros(len(FACTORS)), PHI, size=n)
    col = {f: i for i, f in enumerate(FACTORS)}
    trust, faith = eta[:, col["initial_trust"]], eta[:, col["initial_faith"]]
    slopes = np.array([s for _, s in PARTNERS])
    logits = trust[:, None] * slopes[None, :]
    probs = np.exp(logits - logits.max(axis=1, keepdims=True))
    probs /= probs.sum(axis=1, keepdims=True)
    partner = (rng.random(n)[:, None] > probs.cumsum(axis=1)).sum(axis=1)
    leader = rng.random(n) < 1 / (1 + np.exp(-(LEADER_INTERCEPT + LEADER_SLOPE * faith)))
    keyed: dict[str, np.ndarray] = {}
    for item_id, (factor, lam) in LOADINGS.items():
        ystar = lam * eta[:, col[factor]] + np.sqrt(1 - lam**2) * rng.standard_normal(n)
        keyed[item_id] = 1 + np.searchsorted(thresholds(item_id), ystar)
    records: list[dict[str, object]] = []
    for r in range(n):
        rec: dict[str, object] = {
            "Q1": 1 if leader[r] else 2,
            "Q2": int(rng.choice([1, 2, 3], p=[0.5, 0.3, 0.2])),
            "Q3": PARTNERS[partner[r]][0],
            "Q4": int(rng.choice([1, 2, 3, 4], p=[0.05, 0.1, 0.25, 0.6])),
            "Q5": int(rng.choice([1, 2, 3, 4], p=[0.1, 0.3, 0.4, 0.2])),
            "Q12": 1,
            "Q13": 1,
            "Q19": 3,
            "Q23": 1,
        }
        for item in instrument.scored_items:
            if missing_rate and rng.random() < missing_rate:
                continue
            k = int(keyed[item.id][r])
            rec[item.id] = (item.max_code + 1 - k) if item.reverse else k
        records.append(rec)
    ids = [f"SYN-{r + 1:05d}" for r in range(n)]
    return from_records(instrument, records, ids=ids)


def _moments(item_id: str) -> tuple[np.ndarray, float, float]:
    tau = thresholds(item_id)
    from scipy.stats import norm

    cdf = np.concatenate([[0.0], norm.cdf(tau), [1.0]])
    p = np.diff(cdf)
    scores = np.arange(1, p.size + 1)
    mean = float((p * scores).sum())
    var = float((p * scores**2).sum() - mean**2)
    return p, mean, var


def _pearson(i: str, j: str, rho: float) -> float:
    """Exact Pearson correlation of two cut items whose latent responses correlate ρ."""
    _, mi, vi = _moments(i)
    _, mj, vj = _moments(j)
    cells = cell_probabilities(thresholds(i), thresholds(j), rho)
    s = np.arange(1, 6)
    exy = float((cells * np.outer(s, s)).sum())
    return (exy - mi * mj) / np.sqrt(vi * vj)


@dataclass(frozen=True)
class PopulationStructure:
    items: tuple[str, ...]
    std_loadings: dict[str, float]  # what a Pearson-ML CFA converges to
    factor_correlations: np.ndarray  # likewise; close to PHI
    latent_loadings: dict[str, float]  # λ of the latent responses (LOADINGS)


@lru_cache(maxsize=1)
def population_structure() -> PopulationStructure:
    """The values a CFA on item covariances converges to as n grows.

    Cutting y* into categories attenuates the item correlations, so the Pearson-based
    loadings are smaller than λ; this computes the exact population Pearson matrix
    of the cut items (bivariate normal cell probabilities) and fits the same CFA to it.
    """
    items = tuple(i for i, (f, _) in LOADINGS.items() if i not in ("Q14", "Q26"))
    col = {f: n for n, f in enumerate(FACTORS)}
    p = len(items)
    corr = np.eye(p)
    for a in range(p):
        for b in range(a + 1, p):
            fa, la = LOADINGS[items[a]]
            fb, lb = LOADINGS[items[b]]
            rho = la * lb * PHI[col[fa], col[fb]]
            corr[a, b] = corr[b, a] = _pearson(items[a], items[b], rho)
    pattern = np.zeros((p, len(FACTORS)), dtype=bool)
    for r, item in enumerate(items):
        pattern[r, col[LOADINGS[item][0]]] = True
    fit = fit_ml(corr, pattern)
    std = fit.std_loadings
    return PopulationStructure(
        items=items,
        std_loadings={item: float(std[r, pattern[r]].sum()) for r, item in enumerate(items)},
        factor_correlations=fit.phi,
        latent_loadings={item: LOADINGS[item][1] for item in items},
    )


@dataclass(frozen=True)
class RecoveryRow:
    parameter: str
    population: float
    estimate: float


def recovery(
    loadings: dict[str, float], factor_correlations: np.ndarray
) -> tuple[RecoveryRow, ...]:
    """Estimated vs population values of a CFA fitted to synthetic data (FACTORS order)."""
    pop = population_structure()
    rows = [
        RecoveryRow(
            f"Loading of {item} on {LOADINGS[item][0]}", pop.std_loadings[item], loadings[item]
        )
        for item in pop.items
        if item in loadings
    ]
    est = np.asarray(factor_correlations)
    for a in range(len(FACTORS)):
        for b in range(a + 1, len(FACTORS)):
            rows.append(
                RecoveryRow(
                    f"Correlation {FACTORS[a]} ~ {FACTORS[b]}",
                    float(pop.factor_correlations[a, b]),
                    float(est[a, b]),
                )
            )
    return tuple(rows)
