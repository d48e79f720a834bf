"""The ICS-sized wave benchmark's harness (issue 15) on a tiny wave: it stores every
response across its partners in one closed wave, every first request only queues its
work on the database backend (202 / 302), the worker does it, and every second request
answers 200. No timing is asserted."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from benchmarks import bench_ics, run
from collabdx.web.survey.models import Response


@pytest.fixture(autouse=True)
def _plain(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.GENERATED_DIR = tmp_path / "generated"
    settings.BACKGROUND_EXPORT_ROWS = 20  # the tiny wave's export goes the large way too
    settings.BACKGROUND_REPORT_ROWS = 20  # and so does its report
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.mark.django_db(transaction=True)
@pytest.mark.urls("benchmarks.web_urls")
def test_it_stores_every_response_and_every_page_answers() -> None:
    user, collab, wave = bench_ics.populate(60, partners=4)
    assert Response.objects.filter(wave=wave).count() == 60
    used = set(Response.objects.filter(wave=wave).values_list("partner__name", flat=True))
    assert used == set(collab.partners.values_list("name", flat=True))
    assert wave.links.count() == 4 and wave.results_released()
    client = Client()
    client.force_login(user)
    out = bench_ics.time_pages(client, collab, wave, bare_repeats=2)
    assert out["status"] == {
        "bare": [200], "report_first": 202, "report_second": 200, "research_first": 200,
        "research_second": 200, "csv_first": 302, "csv_second": 200,
    }  # fmt: skip
    assert out["bytes"]["csv_second"] > 0 and out["report_worker"] >= 0


def test_it_renders_ratios_into_its_own_section(tmp_path: Path) -> None:
    r = {"db": "sqlite", "n": 20_000, "bare": 0.002, "report_first": 0.2,
         "report_worker": 30.0, "report_second": 0.3, "research_first": 3.0,
         "research_second": 3.0, "csv_first": 5.0, "csv_worker": 9.0, "csv_second": 0.02,
         "uptime": ["load average: 1.00, 2.00, 3.00",
                    "load average: 4.00, 5.00, 6.00"]}  # fmt: skip
    text = bench_ics.render([r])
    assert "| sqlite | 20,000 | 2.0 | 0.20 | 30.0 | 0.30 |" in text and "| 100 |" in text
    assert "1.00, 2.00, 3.00 → 4.00, 5.00, 6.00" in text
    doc = tmp_path / "benchmarks.md"
    run.write_doc("scoring table", doc)
    run.write_doc(text, doc, part="ics")
    assert doc.read_text(encoding="utf-8").count("| sqlite | 20,000 |") == 1
