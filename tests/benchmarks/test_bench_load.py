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
