"""The in-request threshold benchmark (issue 15) on tiny waves: it builds every page and
export in the request (each answers 200, or it stops), reports every kind for every
size, and renders its own section. No timing is asserted."""

from __future__ import annotations

from pathlib import Path

from benchmarks import bench_threshold, run


def test_it_measures_every_kind_at_every_size_and_renders_it(tmp_path: Path) -> None:
    result = bench_threshold.bench([12, 30], db="sqlite", repeats=1)
    assert [r["n"] for r in result["rows"]] == [12, 30]
    for row in result["rows"]:
        for kind in ("bare", *bench_threshold.KINDS):
            assert row[kind]["wall"] > 0 and row[kind]["cpu"] >= 0, (row["n"], kind)
    text = bench_threshold.render(result)
    assert "| 12 |" in text and "| 30 |" in text and "sqlite" in text
    assert "Over 1 s in the request:" in text
    doc = tmp_path / "benchmarks.md"
    run.write_doc("scoring table", doc)
    run.write_doc(text, doc, part="threshold")
    assert doc.read_text(encoding="utf-8").count("| 30 |") == 1
