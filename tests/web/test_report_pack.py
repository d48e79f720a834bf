"""The workshop pack in the web app: the report page shares the pack's templates, the
PDF download is access-checked, and the web fills in the context, the maturity
workshop and the trends across waves."""

from __future__ import annotations

import datetime as dt
import io
import re

import html5lib
import pytest
from pypdf import PdfReader

from collabdx.web.collab.models import PartnerLink
from collabdx.web.workshop.models import MaturityAgreement, MaturityRating, RatingRound
from tests.web.factories import CollaborationFactory, EventFactory, PartnerFactory, WaveFactory
from tests.web.test_results import add, body, partners, report_url

LEVELS = ("pathological", "bureaucratic", "generative")

pytestmark = pytest.mark.django_db


def pdf_url(collab, wave) -> str:
    return f"/collaborations/{collab.pk}/waves/{wave.pk}/report.pdf"



@pytest.fixture
def wave(closed_wave):
    """Results are shown only for closed waves (Wave.results_released); see test_release.py."""
    return closed_wave


@pytest.fixture
def fifteen(collab, wave):
    """As in test_results: Alpha 7, Beta 6, Gamma 2 (under k), so Beta is hidden too."""
    p = partners(collab)
    add(wave, p["Alpha Trust"], 7, trust=(4, 4, 4, 4, 4, 4))
    add(wave, p["Beta Care"], 6, trust=(3, 3, 3, 3, 3, 2))
    add(wave, p["Gamma Health"], 2, trust=(1, 1, 1, 2, 2, 3))
    return wave


def test_report_page_is_the_pack_with_web_only_parts(owner_client, collab, fifteen):
    html = owner_client.get(report_url(collab, fifteen)).content.decode()
    html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(html)
    ids = re.findall(r'<h2 id="([a-z-]+)"', html)
    assert ids == ["summary", "items", "gaps", "actions", "causal-web", "maturity", "trends",
                   "downloads", "methods", "research"]  # fmt: skip
    assert f'href="{pdf_url(collab, fifteen)}"' in html
    # The collaboration supplies the context (the factory: mandated, one sector, planning).
    assert re.search(r"Collaboration</dt><dd[^>]*>North Alliance<", html)
    assert re.search(r"Mandated or voluntary</dt><dd[^>]*>Mandated<", html)
    assert re.search(r"Life-cycle stage</dt><dd[^>]*>Planning<", html)
    assert re.search(r'<figure class="[^"]*" id="fig-causal-web">', html)
    # One wave only: the trends section says so instead of drawing.
    assert "more than one wave of this survey" in html


def test_pdf_download(owner_client, collab, fifteen):
    r = owner_client.get(pdf_url(collab, fifteen))
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert r["Content-Disposition"] == (
        'attachment; filename="collabdx-north-alliance-wave-1-workshop-pack.pdf"'
    )
    assert "no-store" in r["Cache-Control"]
    reader = PdfReader(io.BytesIO(body(r)))
    first = " ".join((reader.pages[0].extract_text() or "").split())
    assert "Wave 1: group report" in first and "15 people responded." in first
    assert f"Page 1 of {len(reader.pages)}" in first
    text = " ".join((p.extract_text() or "") for p in reader.pages)
    assert "Alpha Trust" in text
    # Beta (hidden to protect Gamma) and Gamma (under k) are named only in the partner
    # table, never beside a figure, and their figures are nowhere.
    assert "Add to action plan" not in text
    for hidden in ("2.83", "1.67", "2.54"):
        assert hidden not in text


def test_pdf_filename_is_slugified(owner_client, owner):
    collab = CollaborationFactory(owner=owner, name='Über "Care" / <Alliance>')
    wave = WaveFactory(collaboration=collab, name="Wave 1: Q&A\r\nX-Evil: 1", closed=True)
    add(wave, PartnerFactory(collaboration=collab), 5)
    r = owner_client.get(pdf_url(collab, wave))
    assert r["Content-Disposition"] == (
        'attachment; filename="collabdx-uber-care-alliance-wave-1-qa-x-evil-1-workshop-pack.pdf"'
    )


def test_pdf_is_access_checked(client, stranger_client, owner_client, stranger, collab, fifteen):
    assert stranger_client.get(pdf_url(collab, fifteen)).status_code == 404
    r = client.get(pdf_url(collab, fifteen))
    assert r.status_code == 302 and r["Location"].startswith("/sign-in/")
    theirs = WaveFactory(collaboration=CollaborationFactory(owner=stranger), closed=True)
    assert owner_client.get(pdf_url(collab, theirs)).status_code == 404
    assert owner_client.post(pdf_url(collab, fifteen)).status_code == 405


def test_pdf_under_k_is_refused(owner_client, collab, wave):
    add(wave, partners(collab)["Alpha Trust"], 4)
    r = owner_client.get(pdf_url(collab, wave))
    assert r.status_code == 409 and "Content-Disposition" not in r
    assert "no-store" in r["Cache-Control"]


def test_user_text_is_escaped_on_the_page(owner_client, owner):
    collab = CollaborationFactory(owner=owner, name="<script>alert(1)</script>")
    wave = WaveFactory(collaboration=collab, name="Wave 1", closed=True)
    evil = PartnerFactory(collaboration=collab, name='=HYPERLINK("http://evil.example/","x")')
    PartnerLink.objects.create(wave=wave, partner=evil)
    add(wave, evil, 5)
    html = owner_client.get(report_url(collab, wave)).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert '=HYPERLINK("http://evil.example/"' not in html
    assert re.search(r"=HYPERLINK\((&#34;|&quot;)http://evil\.example/", html)


def test_maturity_grid_shows_workshop_ratings_and_agreed_levels(owner_client, collab, fifteen):
    # Round 1 (closed) has 15 ratings; round 2 is open, and nothing of it may show.
    first = RatingRound.objects.create(wave=fifteen, number=1, opened_on=dt.date(2026, 3, 1),
                                       closed_on=dt.date(2026, 3, 4))  # fmt: skip
    for i in range(15):
        trust = "bureaucratic" if i < 9 else "generative" if i < 12 else "pathological"
        MaturityRating.objects.create(
            wave=fifteen, round=first, submitted_on=dt.date(2026, 3, 4),
            ratings={"trust": trust, "faith": LEVELS[i % 3], "confidence": "generative"},
        )  # fmt: skip
    second = RatingRound.objects.create(wave=fifteen, number=2, opened_on=dt.date(2026, 4, 1))
    MaturityRating.objects.create(wave=fifteen, round=second, submitted_on=dt.date(2026, 4, 1),
                                  ratings={"trust": "pathological"})  # fmt: skip
    MaturityAgreement.objects.create(
        wave=fifteen, element_id="trust", agreed_level="bureaucratic",
        rationale="Agreed <b>after</b> debate", recorded_on=dt.date(2026, 3, 4),
    )  # fmt: skip
    html = owner_client.get(report_url(collab, fifteen)).content.decode()
    assert "15 people rated the elements in private in round 1" in html
    grid = re.search(r'<table class="nhsuk-table cdx-pack-maturity">.*?</table>', html, re.S)
    assert grid is not None

    def row(name: str) -> str:
        found = re.search(rf">{name}</th>(.*?)</tr>", grid.group(0), re.S)
        assert found is not None
        return found.group(1)

    # Trust 9 / 3 / 3 (by hand): pathological 3 and generative 3 are under k, and
    # together 6 >= k, each can be 2 to 4: shown as not shown, bureaucratic 9 shown.
    trust = row("Trust")
    assert "Pathological not shown, Bureaucratic 9, Generative not shown" in trust
    assert "Bureaucratic (4 March 2026)" in trust and "Agreed &lt;b&gt;after&lt;/b&gt;" in trust
    # Faith 5 / 5 / 5: every level at k, all shown.
    assert "Pathological 5, Bureaucratic 5, Generative 5" in row("Faith")
    # Confidence: all 15 chose generative. Showing "Generative 15" would tell each of
    # them what everyone else chose, so nothing of the split is shown.
    confidence = row("Confidence")
    assert "Not shown" in confidence and "15" not in re.sub(r"<[^>]+>", "", confidence)


def test_maturity_grid_shows_no_ratings_while_the_only_round_is_open(
    owner_client, collab, fifteen
):
    rnd = RatingRound.objects.create(wave=fifteen, number=1, opened_on=dt.date(2026, 3, 1))
    for i in range(15):
        MaturityRating.objects.create(wave=fifteen, round=rnd, submitted_on=dt.date(2026, 3, 1),
                                      ratings={"faith": LEVELS[i % 3]})  # fmt: skip
    html = owner_client.get(report_url(collab, fifteen)).content.decode()
    assert "once a rating round of this wave's workshop has closed" in html.replace("&#39;", "'")
    assert "Pathological 5" not in html


def test_trends_appear_from_the_second_wave(owner_client, collab):
    p = partners(collab)["Alpha Trust"]
    first = WaveFactory(collaboration=collab, name="Wave A", opens_on=dt.date(2025, 1, 1),
                        closes_on=dt.date(2025, 1, 21))  # fmt: skip
    second = WaveFactory(collaboration=collab, name="Wave B", opens_on=dt.date(2025, 6, 1),
                         closes_on=dt.date(2025, 6, 21))  # fmt: skip
    add(first, p, 5, trust=(4,) * 6)
    add(second, p, 6, trust=(2,) * 6)
    EventFactory(collaboration=collab, happened_on=dt.date(2025, 3, 1), kind="conflict",
                 description="Dispute over the funding split")  # fmt: skip
    EventFactory(collaboration=collab, happened_on=dt.date(2025, 12, 1), kind="quick_win",
                 description="After this wave")  # fmt: skip
    html = owner_client.get(report_url(collab, second)).content.decode()
    assert '<svg class="cdx-res-chart"' in html
    table = re.search(r'<table class="nhsuk-table cdx-res-trend-table">.*?</table>', html, re.S)
    trust = re.search(r"Initial trust</th>(.*?)</tr>", table.group(0), re.S).group(1)
    assert re.findall(r"numeric\">([0-9.]+)<", trust) == ["4.00", "2.00"]
    assert "Dispute over the funding split" in html and "After this wave" not in html
    # The first wave's pack has nothing earlier to compare with.
    html = owner_client.get(report_url(collab, first)).content.decode()
    assert '<svg class="cdx-res-chart"' not in html


def test_report_page_spells_out_ioc_at_first_use(owner_client, collab, fifteen):
    """Issue 14: IOC (in Table 10's statements) spelled out where the page first uses it."""
    html = owner_client.get(report_url(collab, fifteen)).content.decode()
    text = " ".join(re.sub(r"<[^>]+>", " ", html.split("<main", 1)[1]).split())
    first = text.index("IOC")
    assert re.match(r"IOCs? \[interorganisational collaborations?\]", text[first:])
    assert text.count("[interorganisational collaboration") == 1
