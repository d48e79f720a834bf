"""The load scenario still runs and still checks answers (not a timed test).

A tiny version of ``python -m benchmarks.run --only load``: ``collabdx serve`` itself
(gunicorn and the background worker) on a fresh SQLite database, three respondents
walking the whole survey, one bare-view client and one facilitator downloading the
pack PDF (drawn by the worker) and the CSV export. Every reply must be the expected
one and every acknowledged submission stored once; how fast is never asserted.
"""

from __future__ import annotations

from benchmarks import bench_load as bl


def test_tiny_load_scenario_runs_and_stores_every_submission() -> None:
    (result,) = bl.bench(bl.TINY, log=lambda line: None)
    assert result.errors() == []
    assert set(result.phases) == {"quiet", "downloads"}
    for name, phase in result.phases.items():
        # Every respondent finished at least one whole journey, and each was stored.
        assert phase.submits >= bl.TINY.respondents, name
        assert phase.stored == phase.submits == phase.receipts, name
        for kind in ("bare", *bl.RESPONDENT_KINDS):
            assert phase.latency[kind]["count"] > 0, (name, kind)
    assert result.phases["quiet"].downloads == 0
    # The facilitator got the PDF (after the worker drew it) and the export, at least once.
    downloads = result.phases["downloads"]
    assert downloads.downloads >= 1 + len(bl.TINY.formats)
    assert downloads.latency["pdf"]["count"] >= 1 and downloads.latency["export"]["count"] >= 1
    section = bl.render([result], bl.TINY)
    assert "every respondent request" in section and "/proc/loadavg" in section


def test_compare_alternates_the_configurations_with_their_settings(monkeypatch) -> None:
    seen: list[tuple[tuple[str, str], ...]] = []

    def fake_bench(p: bl.LoadProfile, log: object = None) -> list[bl.DbResult]:
        seen.append(p.env)
        lat = {k: {"count": 1, "p50_ms": 10.0, "p95_ms": 20.0, "p99_ms": 30.0, "max_ms": 30.0}
               for k in ("bare", "respondent", "export", "pdf")}  # fmt: skip
        phase = bl.LoadPhase("x", 1.0, ("1.0 1 1 1/1 1", "2.0 1 1 1/1 1"), lat, 1, 1, 1, 4)
        return [bl.DbResult("postgres", 1.0, {"quiet": phase, "downloads": phase}, [])]

    monkeypatch.setattr(bl, "bench", fake_bench)
    table = bl.compare(bl.TINY, rounds=2, log=lambda line: None)
    assert seen == [bl.CONFIGS["before"], bl.CONFIGS["after"]] * 2
    assert ("COLLABDX_WORKER_NICE", "0") in bl.CONFIGS["before"]
    rows = [line for line in table.splitlines() if line.startswith("| ") and "config" not in line]
    assert [row.split("|")[2].strip() for row in rows] == ["before", "after"] * 2
    assert "| 1.0 → 2.0 |" in rows[0] and "| 10 / 30 |" in rows[0]
