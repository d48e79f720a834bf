"""The benchmark scripts still run and still check answers (not a timed test).

A tiny version of ``python -m benchmarks.run``: 2,000 respondents, one run each
of collabdx and the floor, in fresh processes as the real benchmark does. It must
find collabdx's scores equal to the floor's; how long either takes is not asserted.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from benchmarks import bench_scoring as bs
from benchmarks import run


def test_tiny_benchmark_runs_and_agrees_with_the_floor(tmp_path: Path) -> None:
    (result,) = bs.bench([2_000], 1, tmp_path, log=lambda line: None)
    assert result.n == 2_000 and result.max_abs_diff < bs.TOLERANCE
    for kind in ("collabdx", "floor"):
        assert len(result.runs[kind]) == 1
        assert result.runs[kind][0].seconds > 0 and result.runs[kind][0].peak_mb > 0
    scores = pd.read_csv(tmp_path / "scores_collabdx_2000.csv")
    assert len(scores) == 2_000 and scores["shared_vision"].notna().any()
    # The synthetic data exercises the half-answered rule, not only complete answers.
    assert scores["initial_trust"].isna().any()

    section = run.render([result], 1, 80.0)
    assert "| 2,000 |" in section and "max abs difference" in section
    doc = tmp_path / "benchmarks.md"
    run.write_doc(section, doc)
    run.write_doc(section, doc)  # rewriting replaces the section, keeps the rest
    text = doc.read_text()
    assert text.count(run.START) == 1 and "## Web app" in text and "## Report model" in text


def test_floor_applies_the_same_rule_as_collabdx(tmp_path: Path) -> None:
    # Q7 and Q9 are reverse-keyed: (5 + 5 + 4 + 4) / 4 = 4.5, as in test_cli.py.
    answers = {"Q6": "5", "Q7": "1", "Q8": "4", "Q9": "2", "Q26": "2"}
    items = [f"Q{i}" for i in range(1, 31)]
    src = tmp_path / "in.csv"
    src.write_text(
        ",".join(["respondent_id", *items]) + "\n"
        + ",".join(["A", *(answers.get(q, "") for q in items)]) + "\n"
    )  # fmt: skip
    bs.floor_score(src, tmp_path / "out.csv")
    row = pd.read_csv(tmp_path / "out.csv").iloc[0]
    assert row["initial_trust"] == 4.5 and row["conflict_resolution"] == 2.0
    assert pd.isna(row["shared_vision"])


def test_generated_data_is_seeded(tmp_path: Path) -> None:
    bs.generate(tmp_path / "a.csv", 50)
    bs.generate(tmp_path / "b.csv", 50)
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
