"""No request waits on heavy work (issue 15): a large closed wave's report and research
pages say they are being prepared until the worker has drawn the model (queued when
the wave closes, or by the first request); the PDF task reuses the kept model; the
row-level research downloads of a large wave are made by the worker; and a task that
breaks ends on an error page with "Try again" (a POST), logged, never re-queued by
itself."""

from __future__ import annotations

import io
import logging
import re
import zipfile

import pytest
from django.test import Client
from django_tasks_db.models import DBTaskResult
from typer.testing import CliRunner

from collabdx.cli import app
from collabdx.web.collab.services import close_wave
from collabdx.web.results import model_cache
from tests.web.test_results import add, body, partners, report_url

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def fifteen(collab, closed_wave):
    p = partners(collab)
    add(closed_wave, p["Alpha Trust"], 7, trust=(4, 4, 4, 4, 4, 4))
    add(closed_wave, p["Beta Care"], 6, trust=(3, 3, 3, 3, 3, 2))
    add(closed_wave, p["Gamma Health"], 2, trust=(1, 1, 1, 2, 2, 3))
    return closed_wave


@pytest.fixture
def drawn(monkeypatch):
    """Every time a report model is drawn from the responses (the wave's pk)."""
    calls: list[int] = []
    real = model_cache.wave_pack_model

    def counted(wave, data, k):
        calls.append(wave.pk)
        return real(wave, data, k)

    monkeypatch.setattr(model_cache, "wave_pack_model", counted)
    return calls


def research_url(collab, wave, suffix: str = "/") -> str:
    return f"/collaborations/{collab.pk}/waves/{wave.pk}/research{suffix}"


def worker() -> None:
    # --nice 0: in this process the default (+10) would lower the test run's own
    # priority for every later test (the worker's niceness: tests/reliability).
    result = CliRunner().invoke(app, ["worker", "--batch", "--nice", "0"])
    assert result.exit_code == 0, result.output


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.django_db(transaction=True)
def test_large_wave_report_is_prepared_by_the_worker(settings, owner_client, collab, fifteen,
                                                     drawn):  # fmt: skip
    settings.TASKS = DB_TASKS
    settings.BACKGROUND_REPORT_ROWS = 10  # fifteen responses count as large here
    r = owner_client.get(report_url(collab, fifteen))
    html = r.content.decode()
    assert r.status_code == 202 and "no-store" in r["Cache-Control"]
    assert "<h1>The group report is being prepared</h1>" in html
    assert re.search(r'<p role="status" id="prepared-status">[^<]*being prepared', html)
    assert f'data-prepared-poll="{report_url(collab, fifteen)}"' in html
    assert f'href="{report_url(collab, fifteen)}">Check again</a>' in html
    assert "http-equiv" not in html  # no meta refresh (WCAG 2.2.1)
    # Nothing about the responses: no count, no partner, no figure.
    page = text_of(re.search(r"<main.*</main>", html, re.S).group(0))
    assert not re.search(r"\d", page.replace(fifteen.name, "")), page
    assert "Alpha" not in page and "Gamma" not in page
    assert drawn == []  # the request drew nothing
    # The research page waits on the same model; asking again queues nothing more.
    assert owner_client.get(research_url(collab, fifteen)).status_code == 202
    owner_client.get(report_url(collab, fifteen))
    assert DBTaskResult.objects.count() == 1

    worker()
    done = DBTaskResult.objects.get()
    assert done.status == "SUCCESSFUL" and done.return_value == "stored"
    assert drawn == [fifteen.pk]
    r = owner_client.get(report_url(collab, fifteen))
    assert r.status_code == 200 and "15 people responded." in r.content.decode()
    r = owner_client.get(research_url(collab, fifteen))
    assert r.status_code == 200 and "Reliability" in r.content.decode()
    assert drawn == [fifteen.pk] and DBTaskResult.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_closing_a_wave_queues_its_model(settings, collab, wave):
    settings.TASKS = DB_TASKS
    add(wave, partners(collab)["Alpha Trust"], 6, trust=(4, 4, 4, 4, 4, 4))
    assert close_wave(wave)
    queued = DBTaskResult.objects.get()
    assert queued.task_path.endswith("build_report_model")
    assert queued.args_kwargs["args"][0] == wave.pk
    worker()
    stamp = model_cache.model_stamp(wave, settings.MIN_GROUP_SIZE)
    assert model_cache.kept(wave.pk, stamp) is not None


def test_a_small_wave_is_drawn_in_the_request(settings, owner_client, collab, fifteen, drawn):
    settings.TASKS = DB_TASKS  # a worker that never runs: the request must not wait on it
    r = owner_client.get(report_url(collab, fifteen))
    assert r.status_code == 200 and "15 people responded." in r.content.decode()
    assert drawn == [fifteen.pk]


def test_the_pdf_task_reuses_the_kept_model(owner_client, collab, fifteen, drawn):
    owner_client.get(report_url(collab, fifteen))
    r = owner_client.get(f"/collaborations/{collab.pk}/waves/{fifteen.pk}/report.pdf")
    assert r.status_code == 200 and body(r).startswith(b"%PDF-")
    assert drawn == [fifteen.pk]  # drawn once, for the page; the PDF used it


def test_the_research_page_is_kept(owner_client, collab, fifteen, drawn):
    first = owner_client.get(research_url(collab, fifteen))
    second = owner_client.get(research_url(collab, fifteen))
    assert first.status_code == second.status_code == 200
    assert drawn == [fifteen.pk]
    strip = re.compile(r'nonce="[^"]+"|name="csrfmiddlewaretoken" value="[^"]+"')
    assert strip.sub("", first.content.decode()) == strip.sub("", second.content.decode())
    assert owner_client.get(report_url(collab, fifteen)).status_code == 200
    assert drawn == [fifteen.pk]  # the report page shows the same kept model


def test_a_broken_pdf_task_shows_an_error_and_is_not_requeued(
    settings, owner_client, collab, fifteen, monkeypatch, caplog
):
    import collabdx.reports.pdf as pdf

    tries: list[int] = []

    def broken(html, *a, **kw):
        tries.append(1)
        raise RuntimeError("WeasyPrint ran out of memory")

    monkeypatch.setattr(pdf, "html_to_pdf", broken)
    status = f"/collaborations/{collab.pk}/waves/{fifteen.pk}/report/pdf/"
    with caplog.at_level(logging.ERROR, logger="collabdx"):
        r = owner_client.get(f"/collaborations/{collab.pk}/waves/{fifteen.pk}/report.pdf")
    assert r.status_code == 302 and r["Location"] == status
    assert tries == [1]
    assert any("workshop pack (PDF)" in rec.getMessage() and rec.exc_info
               for rec in caplog.records)  # fmt: skip
    page = owner_client.get(status)
    html = page.content.decode()
    assert page.status_code == 500 and "no-store" in page["Cache-Control"]
    assert "<h1>The workshop pack could not be made</h1>" in html
    assert "ran out of memory" not in html  # the details go to the log, not the page
    form = re.search(rf'<form method="post" action="{status}"[^>]*>(.*?)</form>', html, re.S)
    assert form and 'name="csrfmiddlewaretoken"' in form.group(1) and "Try again" in form.group(1)
    owner_client.get(status)
    owner_client.get(f"/collaborations/{collab.pk}/waves/{fifteen.pk}/report.pdf")
    assert tries == [1]  # no loop: only "Try again" queues it again

    # Try again, with CSRF enforced: a POST without the token is refused.
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = owner_client.cookies
    assert strict.post(status).status_code == 403 and tries == [1]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    monkeypatch.undo()
    r = strict.post(status, {"csrfmiddlewaretoken": token})
    assert r.status_code == 302 and r["Location"] == status
    html = owner_client.get(status).content.decode()
    assert "<h1>The workshop pack is ready</h1>" in html


def test_a_broken_model_build_shows_an_error_with_try_again(settings, owner_client, collab,
                                                            fifteen, monkeypatch):  # fmt: skip
    settings.BACKGROUND_REPORT_ROWS = 10
    tries: list[int] = []

    def broken(wave, data, k):
        tries.append(1)
        raise ValueError("a bug")

    monkeypatch.setattr(model_cache, "wave_pack_model", broken)
    url = report_url(collab, fifteen)
    r = owner_client.get(url)
    html = r.content.decode()
    assert r.status_code == 500 and "<h1>The group report could not be made</h1>" in html
    assert f'action="{url}"' in html and "Try again" in html
    assert owner_client.get(research_url(collab, fifteen)).status_code == 500
    assert tries == [1]
    monkeypatch.undo()
    assert owner_client.post(url)["Location"] == url
    r = owner_client.get(url)
    assert r.status_code == 200 and "15 people responded." in r.content.decode()


@pytest.mark.django_db(transaction=True)
def test_large_research_downloads_are_made_by_the_worker(settings, owner_client, collab,
                                                         fifteen):  # fmt: skip
    from collabdx.web.security.models import SecurityEvent

    settings.TASKS = DB_TASKS
    settings.BACKGROUND_EXPORT_ROWS = 10
    url = research_url(collab, fifteen, ".zip")
    status = research_url(collab, fifteen, "/zip/")
    r = owner_client.get(url)
    assert r.status_code == 302 and r["Location"] == status
    page = owner_client.get(status)
    assert page.status_code == 202
    assert "<h1>The long-format data (ZIP) is being prepared</h1>" in page.content.decode()
    assert SecurityEvent.objects.filter(kind="download").count() == 0
    worker()
    assert DBTaskResult.objects.get().return_value == "stored"
    html = owner_client.get(status).content.decode()
    assert "is ready</h1>" in html and f'href="{url}"' in html
    r = owner_client.get(url)
    assert r.status_code == 200 and r["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(body(r))).namelist()
    assert any(n.endswith(".csv") for n in names) and "datapackage.json" in names
    assert SecurityEvent.objects.filter(kind="download").count() == 1
    assert owner_client.get(research_url(collab, fifteen, "/pdf/")).status_code == 404


def test_large_research_download_refused_under_k(settings, owner_client, collab, closed_wave):
    settings.BACKGROUND_EXPORT_ROWS = 1
    add(closed_wave, partners(collab)["Alpha Trust"], 3, trust=(4, 4, 4, 4, 4, 4))
    assert owner_client.get(research_url(collab, closed_wave, ".sav")).status_code == 409
    assert owner_client.get(research_url(collab, closed_wave, "/sav/")).status_code == 409


def test_adopting_from_a_large_waves_report_keeps_its_model(settings, owner_client, collab,
                                                            fifteen, drawn):  # fmt: skip
    settings.BACKGROUND_REPORT_ROWS = 10
    url = report_url(collab, fifteen)
    assert owner_client.get(url).status_code == 200 and drawn == [fifteen.pk]
    owner_client.post(url + "adopt/", {"action_id": "t10.01"})
    assert collab.plan_items.filter(action_id="t10.01").exists()
    assert owner_client.get(url).status_code == 200
    assert drawn == [fifteen.pk]  # not drawn again, not "being prepared"
