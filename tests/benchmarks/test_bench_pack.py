"""The pack benchmark's harness (issue 15): what it runs and how it reports ratios.
No timing is asserted: the figures here are made up, the arithmetic is checked."""

from __future__ import annotations

from pathlib import Path

from benchmarks import bench_pack, run


def test_it_runs_score_html_and_pdf_on_the_21_respondent_file(tmp_path: Path) -> None:
    assert bench_pack.FIXTURE.is_file()
    assert len(bench_pack.FIXTURE.read_text(encoding="utf-8").splitlines()) == 22
    score, html, pdf = (bench_pack.command(k, tmp_path) for k in bench_pack.KINDS)
    assert score[2:5] == ["collabdx.cli", "score", str(bench_pack.FIXTURE)]
    assert html[3:5] == ["report", str(bench_pack.FIXTURE)] and "--pdf" not in html
    assert pdf[: len(html)] == html and pdf[-2:] == ["--pdf", str(tmp_path / "pack.pdf")]


def test_ratios_are_medians_against_score_and_land_in_their_own_section(tmp_path: Path) -> None:
    r = bench_pack.PackResult(
        3,
        wall={"score": [2.0, 1.0, 3.0], "html": [3.0, 2.0, 9.0], "pdf": [5.0, 4.0, 4.5]},
        cpu={"score": [1.0, 1.0, 1.0], "html": [2.0, 2.0, 2.0], "pdf": [3.0, 3.0, 3.0]},
        uptime=["up 1 day, load average: 0.10, 0.20, 0.30", "load average: 0.40, 0.5, 0.6"],
    )
    assert r.ratio("html") == 1.5 and r.ratio("pdf") == 2.25 and r.ratio("pdf", cpu=True) == 3
    text = bench_pack.render(r)
    assert "| `collabdx report -o pack.html` | 3.00 | 1.50 | ≤ 1.5 | 2.00 | 2.00 |" in text
    # Paired per repeat: html 3/2, 2/1, 9/3 -> median 2; pdf 2.5, 4, 1.5 -> 2.5.
    assert r.paired_ratio("html") == 2.0 and r.paired_ratio("pdf") == 2.5
    assert "median: HTML 2.00 ×, HTML+PDF 2.50 ×." in text
    assert "load average: 0.10, 0.20, 0.30" in text and "load average: 0.40" in text
    doc = tmp_path / "benchmarks.md"
    run.write_doc("scoring table", doc)
    run.write_doc(text, doc, part="pack")
    run.write_doc(text, doc, part="pack")  # rewriting replaces it, keeps the rest
    written = doc.read_text(encoding="utf-8")
    assert written.count("| `collabdx score` |") == 1 and "scoring table" in written
