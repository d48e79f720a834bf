"""The report-model benchmark still runs and still checks answers (not a timed test).

A tiny version of the ``report`` part of ``python -m benchmarks.run``: 1,500
respondents, one run each of collabdx and the floor, in fresh processes as the real
benchmark runs them. collabdx's figures must equal the floor's and small groups must
be hidden; how long either takes is not asserted.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from benchmarks import bench_report as br
from benchmarks import run


def test_tiny_report_benchmark_agrees_with_the_floor(tmp_path: Path) -> None:
    (result,) = br.bench([1_500], 1, log=lambda line: None)
    assert result.check is not None
    # 7 scales and 21 items overall, 7 scales for every group shown, each checked.
    assert result.check.compared > 200 and result.check.max_rel_diff < br.TOLERANCE
    # The 0.1% partner has a handful of respondents at 1,500: hidden, never shown.
    assert result.check.hidden_groups > 0
    for kind in br.KINDS:
        assert result.runs[kind][0].seconds > 0 and result.traced_mb[kind] > 0
    section = br.render([result], 1)
    assert "| 1,500 |" in section and "under 2 s for 100,000: not measured" in section

    doc = tmp_path / "benchmarks.md"
    run.write_doc("scoring table", doc)
    run.write_doc(section, doc, part="report")
    run.write_doc(section, doc, part="report")  # rewriting replaces it, keeps the rest
    text = doc.read_text()
    assert text.count("| 1,500 |") == 1 and "scoring table" in text and "## Web app" in text


def _built(n: int) -> tuple[dict[br.Key, br.Figure | None], dict[br.Key, br.Figure]]:
    responses, partner_counts = br.generate(n)
    ours = br.model_figures(br.collabdx_report(responses, partner_counts))
    floor = br.floor_figures(br.floor_report(responses), responses)
    return ours, floor


def test_the_check_catches_a_wrong_figure_and_a_shown_small_group() -> None:
    ours, floor = _built(2_000)
    assert br.compare(ours, floor).compared > 0
    key = next(k for k, v in ours.items() if k[0] == "group" and v is not None)
    n, mean, sd = ours[key]  # type: ignore[misc]
    with pytest.raises(AssertionError, match="differs from the floor"):
        br.compare({**ours, key: (n, (mean or 0) + 1e-6, sd)}, floor)
    small = next(k for k, v in floor.items() if k[0] == "group" and 0 < v[0] < br.K)
    with pytest.raises(AssertionError, match="report shows it"):
        br.compare({**ours, small: floor[small]}, floor)


def test_generated_data_is_seeded_with_twenty_partners() -> None:
    a, counts = br.generate(1_000)
    b, _ = br.generate(1_000)
    assert a.codes.equals(b.codes) and a.text.equals(b.text)
    assert len(counts) == br.PARTNERS and sum(counts.values()) == 1_000
    assert set(a.text["Q3"]) <= set(counts)
    # Blank answers, and some respondents without an initial-trust score.
    assert a.codes["Q6"].isna().any() and a.codes["Q1"].isna().any()


def test_growth_is_the_log_log_slope() -> None:
    def result(n: int, seconds: float) -> br.Result:
        runs = {"collabdx": [br.Run(seconds, seconds, 0.0)], "floor": [br.Run(1, 1, 0.0)]}
        return br.Result(n, runs, {}, 0.0, None)

    linear = [result(1_000, 0.1), result(10_000, 1.0), result(100_000, 10.0)]
    assert [round(s, 6) for _, _, s in br.growth(linear)] == [1.0, 1.0]
    quadratic = [result(1_000, 0.1), result(10_000, 10.0)]
    assert math.isclose(br.growth(quadratic)[0][2], 2.0)
    goals = dict((g, met) for g, met, _ in br.goals(linear))
    assert goals["linear growth"] is True


def test_research_appendix_runs() -> None:
    # This tree has the appendix; research_available() is for benchmarking older trees.
    assert br.research_available()
    (result,) = br.bench([1_000], 1, kinds=("research",), trace=False, log=lambda line: None)
    assert result.check is None and result.runs["research"][0].seconds > 0
