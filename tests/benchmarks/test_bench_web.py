"""The web benchmark still runs and still checks answers (not a timed test).

A tiny version of the ``web`` part of ``python -m benchmarks.run``: one gunicorn
server with two workers on a fresh SQLite database, four clients, a few requests of
each kind and six submissions. Every reply must be the expected one and every
acknowledged submission stored once; how fast is not asserted.
"""

from __future__ import annotations

import pytest
from django.urls import Resolver404, resolve

from benchmarks import bench_web as bw


def test_tiny_web_benchmark_runs_and_stores_every_submission() -> None:
    (result,) = bw.bench(bw.TINY, log=lambda line: None)
    assert result.errors() == []
    (run,) = result.runs
    assert set(run) == set(bw.PHASES)
    for name, phase in run.items():
        assert phase.requests > 0, name  # how many per second is the benchmark's business
    assert run["submit"].requests == bw.TINY.respondents == run["submit"].stored
    assert run["paced"].stored == run["paced"].requests
    assert run["paced"].latency["all"]["count"] > run["paced"].requests
    section = bw.render([result], bw.TINY)
    assert bw.TINY.configs[0].name in section and "Goals" in section


def test_the_bench_only_views_are_not_in_the_production_url_conf() -> None:
    # collabdx.web.settings (pytest's settings) serves collabdx.web.urls.
    for path in (bw.BARE_PATH, bw.BARE_WRITE_PATH):
        with pytest.raises(Resolver404):
            resolve(path)
    assert resolve(bw.BARE_PATH, urlconf="benchmarks.web_urls").url_name == "bench_bare"


def test_the_client_keeps_and_drops_cookies_as_a_browser_does() -> None:
    client = bw.Client(port=1)
    client._cookie("sessionid=abc; expires=Thu, 01 Jan 2099 00:00:00 GMT; Path=/")
    client._cookie("csrftoken=xyz; Path=/; SameSite=Lax")
    assert client.cookies == {"sessionid": "abc", "csrftoken": "xyz"}
    client._cookie('sessionid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/')
    assert client.cookies == {"csrftoken": "xyz"}
    with pytest.raises(bw.BenchError):
        client.request("GET", "http://example.org/")
