"""Synthetic demo responses, clearly labelled as such.

Nothing here is real data. The organisations are fictional and the answers come
from a seeded random model: each respondent has a latent "trust" and "faith"
level, shifted by organisation and role, and each scored item is a noisy reading
of the latent level for its block. That gives a demo report with something to
talk about (a partner with lower trust, leaders more positive than the workforce,
and one partner too small to show) without pretending to be evidence.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from collabdx.core.instruments import Instrument, load_instrument
from collabdx.core.responses import ResponseSet, from_records

DEMO_LABEL = "Synthetic demo data: fictional organisations, generated answers. Not real responses."


@dataclass(frozen=True)
class DemoPartner:
    name: str
    size: int
    trust_shift: float
    faith_shift: float


DEMO_PARTNERS = (
    DemoPartner("Northfield Mental Health NHS Trust (fictional)", 26, 0.4, 0.2),
    DemoPartner("Riverside Community Health Services (fictional)", 22, -0.6, -0.1),
    DemoPartner("Eastbrook Care Partnership (fictional)", 14, 0.0, -0.4),
    DemoPartner("Hilltop Hospice (fictional)", 3, 0.2, 0.3),
)


def demo_responses(seed: int = 2023, instrument: Instrument | None = None) -> ResponseSet:
    """About 65 synthetic readiness-v1 respondents across four fictional partners."""
    instrument = instrument or load_instrument("readiness", "1")
    # Which latent factor drives each scale: the instrument's ``[demo]`` table.
    factor = instrument.extras.demo_factors
    if factor is None:
        raise ValueError(f"{instrument.key} has no [demo] table: no demo data for it")
    rng = np.random.default_rng(seed)
    records: list[dict[str, object]] = []
    ids: list[str] = []
    for p_index, partner in enumerate(DEMO_PARTNERS):
        for n in range(partner.size):
            leader = rng.random() < 0.3
            latent = {
                "trust": 3.1 + partner.trust_shift + (0.4 if leader else 0) + rng.normal(0, 0.6),
                "faith": 2.9 + partner.faith_shift + (0.5 if leader else 0) + rng.normal(0, 0.6),
            }
            rec: dict[str, object] = {
                "Q1": 1 if leader else 2,
                "Q2": int(rng.choice([1, 2, 3], p=[0.5, 0.3, 0.2])),
                # Some respondents leave the optional organisation blank.
                "Q3": partner.name if rng.random() > 0.1 else "",
                "Q4": int(rng.choice([1, 2, 3, 4], p=[0.05, 0.1, 0.25, 0.6])),
                "Q5": int(rng.choice([1, 2, 3, 4], p=[0.1, 0.3, 0.4, 0.2])),
                "Q12": 1 if p_index != 2 else 2,
                "Q13": 1,
                "Q19": int(rng.choice([1, 2, 3], p=[0.2, 0.3, 0.5])),
                "Q23": 1,
            }
            for item in instrument.scored_items:
                if rng.random() < 0.04:  # a little item non-response
                    continue
                assert item.scale is not None
                favourable = latent[factor[item.scale]] + rng.normal(0, 0.7)
                keyed = int(np.clip(np.rint(favourable), 1, 5))
                rec[item.id] = (6 - keyed) if item.reverse else keyed
            # Capacity is the pilot's sore point (Chapter 7): pull Q17/Q18 down.
            for q in ("Q17", "Q18"):
                if q in rec:
                    rec[q] = max(1, int(rec[q]) - 1)  # type: ignore[call-overload]
            records.append(rec)
            ids.append(f"DEMO-{p_index + 1}-{n + 1:03d}")
    return from_records(instrument, records, ids=ids)
