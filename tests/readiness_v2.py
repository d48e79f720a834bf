"""The fixture instrument readiness v2 (tests/fixtures/readiness_v2/): readiness v1
plus one question (Q31) in a new scale, and its rules file with one changed rule
(legal-agreements also fires on "neither") and one new rule (no-staff-time, Q31).

It is reached only through ``COLLABDX_DATA_PATH``, the way a deployment would add
an instrument version: no Python in ``src/`` knows about it (issue 13).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from collabdx.core.datafiles import ENV_VAR
from collabdx.core.instruments import Instrument, load_instrument

FIXTURE_DIR = Path(__file__).resolve().parent / "fixtures" / "readiness_v2"

# Hand-read from the two rules files for answers from ``v2_answers``: Q13 = 2
# (voluntary) fires "voluntary" (t10.11, t10.12) under both versions; Q6 = 3 fires
# v2's changed "legal-agreements" (t10.12) and Q31 = 1 the new "no-staff-time"
# (t10.13). Every other answer is favourable or "neither", which no rule reads.
V1_ACTIONS = ["t10.11", "t10.12"]
V2_ACTIONS = ["t10.11", "t10.12", "t10.13"]
V2_ONLY_EVIDENCE = (
    "disagree that the organisation can give the collaboration the staff time it needs (Q31)"
)


@pytest.fixture
def readiness_v2(monkeypatch: pytest.MonkeyPatch) -> Iterator[Instrument]:
    load_instrument.cache_clear()
    monkeypatch.setenv(ENV_VAR, str(FIXTURE_DIR))
    yield load_instrument("readiness", "2")
    monkeypatch.delenv(ENV_VAR)
    load_instrument.cache_clear()


def v2_answers(instrument: Instrument, variant: int = 0) -> dict[str, object]:
    """Favourable answers (keyed 4) except Q6 = 3 and Q31 = 1; descriptors and
    context fixed (close, voluntary, Q19 = 3, Q23 = 2). ``variant`` (0-7) moves Q5
    and clarity of vision so that no two answer sets are exact repeats (the
    data-quality check counts those once) without firing any rule."""
    a: dict[str, object] = {
        "Q1": 2, "Q2": 1, "Q3": "Harbour Trust", "Q4": 4, "Q5": 4 - variant % 4,
        "Q12": 1, "Q13": 2, "Q19": 3, "Q23": 2,
    }  # fmt: skip
    for item in instrument.scored_items:
        a[item.id] = 2 if item.reverse else 4
    a["Q6"], a["Q31"] = 3, 1
    if variant >= 4:
        a["Q27"], a["Q28"] = 5, 3
    return a
