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

from collabdx.core.instrument_extras import DemoAnswer
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


def _answer(
    a: DemoAnswer, rng: np.random.Generator, leader: bool, partner: DemoPartner, p_index: int
) -> object:
    if a.kind == "leader_codes":
        return int(a.values[0] if leader else a.values[1])
    if a.kind == "partner_name":
        # Some respondents leave the optional organisation blank.
        return partner.name if rng.random() > 0.1 else ""
    if a.kind == "weights":
        return int(rng.choice(list(range(1, len(a.values) + 1)), p=list(a.values)))
    if a.kind == "by_partner":
        if p_index >= len(a.values):
            raise ValueError(f"[[demo.answers]] {a.item}: no code for demo partner {p_index + 1}")
        return int(a.values[p_index])
    return int(a.values[0])  # "code": the same for everyone


def demo_responses(seed: int = 2023, instrument: Instrument | None = None) -> ResponseSet:
    """About 65 synthetic readiness-v1 respondents across four fictional partners."""
    instrument = instrument or load_instrument("readiness", "1")
    # Which latent factor drives each scale: the instrument's ``[demo]`` table.
    factor = instrument.extras.demo_factors
    if factor is None:
        raise ValueError(f"{instrument.key} has no [demo] table: no demo data for it")
    # What each respondent answers to the questions that are not scored: the
    # instrument's ``[[demo.answers]]``, in order (each may draw from ``rng``).
    answers = instrument.extras.demo_answers
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
                a.item: _answer(a, rng, leader, partner, p_index) for a in answers
            }
            for item in instrument.scored_items:
                if rng.random() < 0.04:  # a little item non-response
                    continue
                assert item.scale is not None
                favourable = latent[factor[item.scale]] + rng.normal(0, 0.7)
                keyed = int(np.clip(np.rint(favourable), 1, 5))
                rec[item.id] = (6 - keyed) if item.reverse else keyed
            for q in instrument.extras.demo_lowered:
                if q in rec:
                    rec[q] = max(1, int(rec[q]) - 1)  # type: ignore[call-overload]
            records.append(rec)
            ids.append(f"DEMO-{p_index + 1}-{n + 1:03d}")
    return from_records(instrument, records, ids=ids)
