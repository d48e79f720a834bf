"""The report-model speed-ups (issue 8) changed no result.

``core.breakdowns.group_labels``, ``core.breakdowns.breakdown`` and
``core.scoring.keyed_items`` were rewritten for speed (docs/benchmarks.md, Report
model). Here the code they replaced, kept verbatim below, and the new code must give
identical results on messy random data: spellings that differ in case, spacing and
no-break spaces, blanks, missing values, ties between spellings, tiny groups.
"""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pytest

from benchmarks import bench_report as br
from collabdx.core import breakdowns as bd
from collabdx.core.disclosure import stat_visible
from collabdx.core.instruments import load_instrument
from collabdx.core.responses import ResponseSet, empty_response_set
from collabdx.core.scoring import keyed_items, scale_scores_from_keyed
from collabdx.core.stats import summarise

READINESS = load_instrument("readiness", "1")
SPELLINGS = ["Tie A", "tie a", " TIE\u00a0A ", "B", "b ", "B", "", " ", None, "C  c", "c c",
             "Straße", "STRASSE", "x" * 3]  # fmt: skip


def old_group_labels(codes: pd.DataFrame, text: pd.DataFrame, descriptor: str) -> pd.Series:
    item = READINESS.descriptor_item(descriptor)
    assert item is not None
    if item.type == "text":
        raw = text[item.id].fillna("").astype(str)
        keys = raw.map(bd.normalise_organisation)
        display = {}
        for key, spellings in raw.groupby(keys):
            display[key] = spellings.str.strip().value_counts().index[0] if key else bd.NOT_ANSWERED
        return keys.map(display)
    labels = {float(o.code): o.label for o in item.options}
    return codes[item.id].map(labels).fillna(bd.NOT_ANSWERED)


def old_groups(rs: ResponseSet, shown: list[str], k: int) -> tuple[bd.GroupResult, ...]:
    """The per-group loop of ``breakdown`` before (a mask and ``.loc`` per group), for
    the organisation groups the breakdown shows."""
    keyed = keyed_items(rs)
    scores = scale_scores_from_keyed(keyed, READINESS)
    labels = old_group_labels(rs.codes, rs.text, "organisation")
    out = []
    for g in shown:
        mask = (labels == g).to_numpy()
        per_scale = {}
        for scale in READINESS.scales.values():
            values = scores.loc[mask, scale.id].to_numpy()
            summary = summarise(values, keyed.loc[mask, list(scale.items)].to_numpy())
            per_scale[scale.id] = summary if stat_visible(summary.n, k) else None
        out.append(bd.GroupResult(g, False, None, int(mask.sum()), per_scale))
    return tuple(out)


def messy(n: int, seed: int) -> ResponseSet:
    rs, _ = br.generate(max(n, 1), seed=seed)
    rng = random.Random(seed)
    text = pd.DataFrame(
        {"Q3": pd.Series([rng.choice(SPELLINGS) for _ in range(n)], dtype=object)},
        index=rs.codes.index[:n],
    )
    return ResponseSet(rs.instrument_id, rs.instrument_version, rs.codes.iloc[:n], text)


@pytest.mark.parametrize("seed", range(40))
def test_group_labels_and_breakdowns_are_unchanged(seed: int) -> None:
    rs = messy(random.Random(seed).randint(1, 60), seed)
    for descriptor in bd.BREAKDOWN_TITLES:
        pd.testing.assert_series_equal(
            bd.group_labels(READINESS, rs.codes, rs.text, descriptor),
            old_group_labels(rs.codes, rs.text, descriptor),
            check_exact=True,
        )
    keyed = keyed_items(rs)
    scores = scale_scores_from_keyed(keyed, READINESS)
    for k in (3, 5):
        b = bd.breakdown(READINESS, rs.codes, rs.text, scores, keyed, "organisation", k)
        assert b is not None
        shown = tuple(g for g in b.groups if not g.suppressed)
        assert shown == old_groups(rs, [g.label for g in shown], k)


def test_empty_and_all_blank_organisations() -> None:
    rs = empty_response_set(READINESS)
    pd.testing.assert_series_equal(
        bd.group_labels(READINESS, rs.codes, rs.text, "organisation"),
        old_group_labels(rs.codes, rs.text, "organisation"),
    )
    blank = messy(5, 1)
    blank.text["Q3"] = None
    pd.testing.assert_series_equal(
        bd.group_labels(READINESS, blank.codes, blank.text, "organisation"),
        old_group_labels(blank.codes, blank.text, "organisation"),
    )


def test_keyed_items_is_unchanged() -> None:
    rs, _ = br.generate(500)
    scored = [i.id for i in READINESS.scored_items]
    old = rs.codes[scored].to_numpy(dtype=float, copy=True)
    for col, item in enumerate(READINESS.scored_items):
        if item.reverse:
            old[:, col] = (item.max_code + 1) - old[:, col]
    expected = pd.DataFrame(old, index=rs.codes.index, columns=scored)
    pd.testing.assert_frame_equal(keyed_items(rs), expected, check_exact=True)
    assert np.isnan(keyed_items(rs).to_numpy()).any()
