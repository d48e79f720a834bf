"""Research mode: omega's bootstrap and the research page of a closed wave (issues 15, 18).

Run: ``.venv/bin/python -m benchmarks.bench_research`` (a few minutes; not part of the
tests, which never time anything). Everything is measured in the same process and run,
and reported with a floor measured beside it:

1. **Omega's bootstrap**, one scale (initial trust, 6 items), B = 1,000: the previous
   method (one BFGS fit per resample, ``factor.fit_ml``, re-implemented here exactly as
   it was) against the batched fit (``onefactor.omega_bootstrap_values``) on the same
   resamples, for the 21-respondent pilot file, the 65-respondent demo and 1,500
   synthetic respondents. The two must agree (1e-6), or the run fails.
2. **The research page** of a closed 1,500-respondent wave: ``research_result`` as
   the web page calls it (200 resamples), cold (memo cleared) and warm (memoised, as a
   closed wave is on every later load), against the floor of the group report's own
   model of the same responses (``build_report`` without the appendix). Goal: under
   3 s cold.

Each timing is the best of ``REPEATS`` runs (the machine is shared); the load average
is printed with the results.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
REPEATS = 3
B = 1000
SEED = 20230611


def best(fn: Callable[[], object], repeats: int = REPEATS) -> float:
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def old_bootstrap(data: np.ndarray, b: int, seed: int) -> np.ndarray:
    """The previous ``reliability.omega_bootstrap`` loop, kept here as the baseline."""
    from collabdx.core.psychometrics.reliability import omega_total

    rng = np.random.default_rng(seed)
    n = data.shape[0]
    values = []
    for _ in range(b):
        w = omega_total(data[rng.integers(0, n, n)])
        if w is not None:
            values.append(w)
    return np.array(values)


def trust_items(responses) -> np.ndarray:
    from collabdx.core.scoring import keyed_items

    items = list(responses.instrument.scales["initial_trust"].items)
    return keyed_items(responses)[items].dropna().to_numpy(dtype=float)


def main() -> None:
    from threadpoolctl import threadpool_limits

    from collabdx.core.demo import demo_responses
    from collabdx.core.instruments import load_instrument
    from collabdx.core.psychometrics.onefactor import omega_bootstrap_values
    from collabdx.core.psychometrics.synthetic import synthetic_responses
    from collabdx.io.importers import read_responses
    from collabdx.reports import research
    from collabdx.reports.model import build_report

    print(f"load average at start: {os.getloadavg()}")
    pilot = read_responses(REPO / "tests/fixtures/reports/pilot21.csv",
                           load_instrument("readiness", "1")).responses  # fmt: skip
    sets = {"pilot (21)": pilot, "demo (65)": demo_responses(),
            "synthetic (1,500)": synthetic_responses(1500, seed=3)}  # fmt: skip
    print(f"\n1. Omega bootstrap, initial trust, B = {B} (best of {REPEATS})")
    print(f"{'data':<20}{'complete n':>11}{'one by one':>12}{'batched':>10}{'ratio':>8}")
    with threadpool_limits(limits=1, user_api="blas"):
        for name, rs in sets.items():
            data = trust_items(rs)
            old = old_bootstrap(data, B, SEED)
            new = omega_bootstrap_values(data, B, SEED)
            assert len(old) == len(new) and np.allclose(old, new, atol=1e-6), name
            t_old = best(lambda d=data: old_bootstrap(d, B, SEED), repeats=1)
            t_new = best(lambda d=data: omega_bootstrap_values(d, B, SEED))
            print(f"{name:<20}{len(data):>11}{t_old:>11.2f}s{t_new:>9.3f}s"
                  f"{t_old / t_new:>7.1f}x")  # fmt: skip

    rs = sets["synthetic (1,500)"]
    print("\n2. Research page of a closed 1,500-respondent wave (best of "
          f"{REPEATS}; web: {research.WEB_BOOTSTRAP_B} resamples)")  # fmt: skip

    def cold() -> None:
        research._cache.clear()
        research.research_result(rs, 5)

    floor = best(lambda: build_report(rs, min_group_size=5))
    t_cold = best(cold)
    t_warm = best(lambda: research.research_result(rs, 5))
    print(f"floor (group report model): {floor:.2f} s")
    print(f"research result, cold:      {t_cold:.2f} s ({t_cold / floor:.1f} x floor; goal < 3 s)")
    print(f"research result, memoised:  {t_warm * 1000:.1f} ms")
    print(f"load average at end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
