"""Keying and scale scores, vectorised over respondents.

The rule (issue 2, derived: the seed gives blocks but no scoring rule): a scored
item's keyed value is its code, or ``max + 1 - code`` when reverse-keyed (6 − code
on a 1–5 item). A scale score is the mean of the scale's answered keyed items, and
is missing when fewer than half of its items, rounded up, are answered.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from collabdx.core.instruments import Instrument
from collabdx.core.responses import ResponseSet


def keyed_items(responses: ResponseSet) -> pd.DataFrame:
    """Scored items only, keyed so that higher is always more favourable."""
    instrument = responses.instrument
    scored = instrument.scored_items
    codes = responses.codes
    # One copy of the scored columns, each column contiguous as pandas keeps them
    # (selecting ``codes[ids]`` first and then copying that copied twice).
    by_column = np.empty((len(scored), len(codes)), dtype=float)
    for col, item in enumerate(scored):
        by_column[col] = codes[item.id].to_numpy(dtype=float)
        if item.reverse:
            by_column[col] = (item.max_code + 1) - by_column[col]
    return pd.DataFrame(
        by_column.T, index=codes.index, columns=[i.id for i in scored], copy=False
    )


def scale_scores_from_keyed(keyed: pd.DataFrame, instrument: Instrument) -> pd.DataFrame:
    arr = keyed.to_numpy(dtype=float)
    position = {c: n for n, c in enumerate(keyed.columns)}
    out = np.full((arr.shape[0], len(instrument.scales)), np.nan)
    for s, scale in enumerate(instrument.scales.values()):
        sub = arr[:, [position[i] for i in scale.items]]
        answered = (~np.isnan(sub)).sum(axis=1)
        total = np.nansum(sub, axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = total / answered
        mean[answered < scale.min_answered] = np.nan
        out[:, s] = mean
    return pd.DataFrame(out, index=keyed.index, columns=list(instrument.scales))


def scale_scores(responses: ResponseSet) -> pd.DataFrame:
    """One row per respondent, one column per scale id; NaN where missing."""
    return scale_scores_from_keyed(keyed_items(responses), responses.instrument)


def respondent_scale_scores(
    instrument: Instrument, answers: Mapping[str, object]
) -> dict[str, float | None]:
    """One respondent's scale scores by the same rule as :func:`scale_scores` (values
    read as ``responses.from_records`` reads them), None where too few are answered.

    Why not ``scale_scores(from_records(...))``: the survey scores one submission
    for the thank-you page, and building two data frames for one row cost about
    0.9 ms of CPU per submit (issue 15, docs/benchmarks.md). The keyed values are
    whole numbers, so the mean is the same float whichever order they are summed in.
    """
    keyed: dict[str, float] = {}
    for item in instrument.scored_items:
        value = answers.get(item.id)
        if value is None or value == "":
            continue
        code = float(value)  # type: ignore[arg-type]
        if math.isnan(code):
            continue
        keyed[item.id] = (item.max_code + 1) - code if item.reverse else code
    out: dict[str, float | None] = {}
    for scale_id, scale in instrument.scales.items():
        values = [keyed[i] for i in scale.items if i in keyed]
        enough = bool(values) and len(values) >= scale.min_answered
        out[scale_id] = sum(values) / len(values) if enough else None
    return out
