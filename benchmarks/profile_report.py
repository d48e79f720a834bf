"""Profile the report model with pyinstrument (a dev dependency).

    .venv/bin/python -m benchmarks.profile_report 1000000   # respondents; default 100,000
    .venv/bin/python -m benchmarks.profile_report 10000 --research

Builds the report benchmark's synthetic responses (``benchmarks.bench_report.generate``),
warms up on a small set, then runs what the benchmark times (``collabdx_report``, or
with ``--research`` the research appendix) under the profiler and prints the call
tree. docs/benchmarks.md keeps the notes.
"""

from __future__ import annotations

import argparse

from benchmarks.bench_report import SEED, WARM_UP_N, generate, work


def main(argv: list[str] | None = None) -> None:
    from pyinstrument import Profiler

    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("n", type=int, nargs="?", default=100_000)
    parser.add_argument("--research", action="store_true", help="the research appendix")
    args = parser.parse_args(argv)
    kind = "research" if args.research else "collabdx"
    responses, partner_counts = generate(args.n)
    small, small_counts = generate(WARM_UP_N, seed=SEED + 1)
    work(kind, small, small_counts)  # imports and caches are not profiled
    profiler = Profiler(interval=0.001)
    with profiler:
        work(kind, responses, partner_counts)
    print(profiler.output_text(unicode=False, color=False, show_all=False))


if __name__ == "__main__":
    main()
