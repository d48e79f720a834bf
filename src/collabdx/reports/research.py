"""Research mode for the report layer: one wave's psychometrics, as the workshop pack's
"For researchers" appendix and the web app's research page both compute them.

Two things make those two agree with each other and with every reload:

* **Row order.** The omega bootstrap resamples rows by position, and the web app
  loads a wave's responses in a fresh random order on every request (so the order
  cannot be matched to submissions). The rows are therefore sorted by their answers
  first, which fixes the order without reintroducing any link to submission.
* **Disclosure.** Partners that the pack's partner table hides (under k, or hidden
  to protect one) are marked "not shown" before the analysis, so they are counted as
  left out and are never analysed or named, even when the core's own
  grouping rule would have let them through.

A closed wave never changes, and the report page, its PDF, the research page and its
JSON all need the same result, so results are memoised by a hash of the sorted data.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Mapping

import numpy as np
import pandas as pd

from collabdx.core.psychometrics import PsychometricsResult, run_psychometrics
from collabdx.core.psychometrics import thresholds as th
from collabdx.core.psychometrics.grouping import NOT_SHOWN_MARK
from collabdx.core.responses import ResponseSet
from collabdx.core.wave_counts import partner_protection

# The command line's `collabdx psychometrics` uses 1000 resamples; the web page and the
# pack use 200, so that one wave's analysis takes well under a second instead of three,
# and both say so beside the interval. On the demo, percentile limits from 200
# resamples differ from those from 1000 by up to about .02.
WEB_BOOTSTRAP_B = 200
CLI_BOOTSTRAP_B = int(th.OMEGA_BOOTSTRAP_B.value)
SEED = th.OMEGA_BOOTSTRAP_SEED

_CACHE_SIZE = 16
_cache: OrderedDict[str, PsychometricsResult] = OrderedDict()
_lock = threading.Lock()


def canonical_order(responses: ResponseSet) -> ResponseSet:
    """The same rows sorted by their answers (codes, then free text), ids 1..n.

    Identical rows are interchangeable, so the result depends only on the multiset
    of answers, never on the order they arrived in.
    """
    if responses.n == 0:
        return responses
    codes = responses.codes.reset_index(drop=True)
    text = responses.text.reset_index(drop=True)
    keys = pd.concat(
        [codes.fillna(-1.0).add_prefix("c:"), text.fillna("").astype(str).add_prefix("t:")],
        axis=1,
    )
    order = keys.sort_values(by=list(keys.columns), kind="mergesort").index.to_numpy()
    index = pd.Index([str(i + 1) for i in range(responses.n)], dtype=object, name="respondent_id")
    new_codes = codes.iloc[order].set_axis(index, axis=0)
    new_text = text.iloc[order].set_axis(index, axis=0)
    return ResponseSet(responses.instrument_id, responses.instrument_version, new_codes, new_text)


def without_hidden_partners(
    responses: ResponseSet, partner_counts: Mapping[str, int], k: int
) -> ResponseSet:
    """Mark the organisation of every partner the partner table hides (lower bound 0,
    as :func:`collabdx.reports.partners.partner_table` decides it) as "not shown": the
    analysis leaves them out and counts them, but never names them."""
    org = responses.instrument.descriptor_item("organisation")
    if org is None or org.type != "text":
        return responses
    protected = partner_protection(partner_counts, k)
    keep = {name for name in partner_counts if protected.visible(name)}
    text = responses.text.copy()
    text[org.id] = [v if v in keep else NOT_SHOWN_MARK for v in text[org.id]]
    return ResponseSet(responses.instrument_id, responses.instrument_version, responses.codes, text)


def _key(responses: ResponseSet, k: int, bootstrap_b: int, seed: int) -> str:
    h = hashlib.sha256()
    h.update(f"{responses.instrument_id}\0{responses.instrument_version}\0{k}\0{bootstrap_b}"
             f"\0{seed}\0".encode())  # fmt: skip
    h.update(np.ascontiguousarray(responses.codes.to_numpy(dtype=float)).tobytes())
    h.update("\0".join(map(str, responses.codes.columns)).encode())
    for col in responses.text.columns:
        h.update(f"\1{col}\1".encode() + "\0".join(map(str, responses.text[col])).encode())
    return h.hexdigest()


def research_result(
    responses: ResponseSet,
    k: int,
    *,
    partner_counts: Mapping[str, int] | None = None,
    bootstrap_b: int = WEB_BOOTSTRAP_B,
    seed: int = SEED,
) -> PsychometricsResult:
    """``run_psychometrics`` on the sorted responses, hidden partners left out.

    ``partner_counts`` (the web app) is the fixed partner list of the wave's links;
    without it (a file) the core's own grouping rule is the only one.
    """
    data = prepared_responses(responses, k, partner_counts)
    key = _key(data, k, bootstrap_b, seed)
    with _lock:
        hit = _cache.get(key)
        if hit is not None:
            _cache.move_to_end(key)
            return hit
    result = run_psychometrics(data, k, bootstrap_b=bootstrap_b, seed=seed)
    with _lock:
        _cache[key] = result
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return result


def prepared_responses(
    responses: ResponseSet, k: int, partner_counts: Mapping[str, int] | None = None
) -> ResponseSet:
    """Exactly the data :func:`research_result` analyses (for tests and reproduction)."""
    data = responses
    if partner_counts is not None:
        data = without_hidden_partners(data, partner_counts, k)
    return canonical_order(data)
