"""Stored XSS: a payload in every free-text field, rendered on every page (and in the
PDF report, when that URL exists), only ever appears escaped.

Each field gets its own payload, so a failure names the field. The payload tries
the three ways out of a Jinja template: an element (<script>, <img onerror>), an
attribute break-out ("' then >), and a javascript: URL.
"""

from __future__ import annotations

import datetime as dt
import html as html_lib
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from collabdx.web.collab.models import ActionPlanItem, Event, Partner
from collabdx.web.collab.services import close_wave
from collabdx.web.workshop.models import MaturityAgreement
from tests.security.conftest import READINESS, build_world, full_answers
from tests.security.test_access_matrix import MATRIX, url_for
from tests.web.factories import UserFactory, WaveFactory

pytestmark = pytest.mark.django_db

FIELDS = (
    "collab", "partner", "wave", "event", "plan_note", "plan_owner", "rationale", "actions",
    "q3", "username",
)  # fmt: skip


def payload(field: str) -> str:
    return f"<script>alert('{field}')</script>\"'><img src=x onerror=alert('{field}')>javascript:"


def escaped(field: str) -> str:
    """How the payload's start looks once Jinja has escaped it."""
    return html_lib.escape(f"<script>alert('{field}')", quote=True).replace("&#x27;", "&#39;")


class _Injections(HTMLParser):
    """Collects what a browser would *run* or *load* because of a payload: a script
    element holding alert(, any on* attribute, an element with src=x, a javascript: URL."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_script = tag == "script"
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            if (
                name in ("src", "href", "action", "formaction")
                and value is not None
                and (value == "x" or value.strip().lower().startswith("javascript:"))
            ):
                self.found.append(f"<{tag} {name}={value!r}>")
            if "'" in name or '"' in name or "alert" in name:
                self.found.append(f"<{tag}> attribute break-out {name!r}")

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and "alert(" in data:
            self.found.append(f"<script>{data[:40]}")


def injections(html: str) -> list[str]:
    parser = _Injections()
    parser.feed(html)
    return parser.found


# Pages that must show each field (escaped): proves the test is not vacuous.
SHOWN_ON = {
    "collab": ["home", "collab:detail", "collab:edit", "collab:delete", "collab:wave",
               "results:report", "results:research", "results:plan", "workshop:facilitate",
               "workshop:rate", "workshop:actions", "survey:start"],
    "partner": ["collab:detail", "collab:wave", "survey:start", "survey:page"],
    "wave": ["collab:detail", "collab:wave", "results:report", "results:research",
             "workshop:facilitate", "workshop:rate", "workshop:actions"],
    "event": ["results:trends"],
    "plan_note": ["results:plan", "results:plan_item"],
    "plan_owner": ["results:plan", "results:plan_item"],
    "rationale": ["workshop:facilitate"],
    "actions": ["workshop:facilitate"],
    "username": ["collab:detail", "account"],
}  # fmt: skip


def poisoned_world():
    w = build_world()
    w.collab.name = payload("collab")
    w.collab.save()
    Partner.objects.filter(pk=w.link.partner_id).update(name=payload("partner"))
    w.wave.name = payload("wave")
    w.wave.save()
    Event.objects.filter(collaboration=w.collab).update(description=payload("event"))
    ActionPlanItem.objects.filter(pk=w.item.pk).update(
        note=payload("plan_note"), owner_name=payload("plan_owner")[:120]
    )
    MaturityAgreement.objects.filter(wave=w.wave).update(
        rationale=payload("rationale"), actions=payload("actions")
    )
    # A later wave, so the agreement also shows under "Agreed in earlier waves".
    WaveFactory(collaboration=w.collab, name="Later wave",
                opens_on=dt.date.today() + dt.timedelta(days=30),
                closes_on=dt.date.today() + dt.timedelta(days=40))  # fmt: skip
    # A username cannot hold "<" through sign-up; made directly, it must still be inert.
    w.owner.username = payload("username")[:150]
    w.owner.save()
    return w


def pages(w, results: bool) -> dict[str, str]:
    """Every page the owner can GET: the results pages (``results``, once the wave
    has closed, so that they show figures) or all the others (while it is open)."""
    owner = Client()
    owner.force_login(w.owner)
    out = {}
    for name, rows in MATRIX.items():
        if "GET" not in rows or rows["GET"][-1] != 200:
            continue
        if name.startswith("results:") != results:
            continue
        r = owner.get(url_for(name, w))
        assert r.status_code == 200, (name, r.status_code)
        if r["Content-Type"].startswith(("text/html", "image/svg")):
            out[name] = r.content.decode()
    return out


def test_payloads_in_every_field_render_escaped_on_every_page():
    w = poisoned_world()
    rendered = pages(w, results=False)
    rendered.update(respondent_pages(w))
    close_wave(w.wave)
    rendered.update(pages(w, results=True))
    for name, html in rendered.items():
        assert injections(html) == [], name
    for field, names in SHOWN_ON.items():
        for name in names:
            assert escaped(field) in rendered[name], f"{field} not shown (escaped) on {name}"


def respondent_pages(w) -> dict[str, str]:
    """The survey journey with a payload typed into Q3 (organisation), and the
    check-answers page that shows it back."""
    c = Client()
    token = w.link.token
    answers = full_answers(org=payload("q3"))
    for number, block in enumerate(READINESS.blocks, start=1):
        r = c.post(f"/s/{token}/page/{number}/", {i: answers[i] for i in block.items})
        assert r.status_code == 302, number
    out = {"survey:check": c.get(f"/s/{token}/check/").content.decode()}
    q3_page = next(n for n, b in enumerate(READINESS.blocks, 1) if "Q3" in b.items)
    out["survey:page-q3"] = c.get(f"/s/{token}/page/{q3_page}/").content.decode()
    assert escaped("q3") in out["survey:check"] and escaped("q3") in out["survey:page-q3"]
    return out


def test_payloads_sent_through_the_forms_are_stored_verbatim_and_shown_escaped():
    """The same through the web forms (not the ORM): nothing is stripped or mangled on
    the way in, so escaping on the way out is what protects."""
    owner = UserFactory(username="formowner")
    c = Client()
    c.force_login(owner)
    for url, data in (
        ("/collaborations/new/", {"name": payload("collab")}),
        ("/collaborations/new/partners/", {"partners": payload("partner") + "\nSecond partner"}),
        ("/collaborations/new/type/", {"collaboration_type": "provider_collaborative"}),
        ("/collaborations/new/about/", {"mandated": "mandated", "cross_sector": "no"}),
        ("/collaborations/new/stage/", {"life_cycle_stage": "planning"}),
    ):
        assert c.post(url, data).status_code == 302, url
    check = c.get("/collaborations/new/check/").content.decode()
    assert injections(check) == []
    assert escaped("collab") in check and escaped("partner") in check
    r = c.post("/collaborations/new/check/")
    assert r.status_code == 302, r.content.decode()[:500]
    detail = c.get(r["Location"]).content.decode()
    assert injections(detail) == []
    assert escaped("collab") in detail and escaped("partner") in detail


def test_pdf_report_shows_payloads_as_text():
    w = poisoned_world()
    from tests.security.conftest import full_answers as fa
    from tests.web.factories import ResponseFactory

    for _ in range(5):
        ResponseFactory(wave=w.wave, partner=w.link.partner, answers=fa())
    close_wave(w.wave)
    owner = Client()
    owner.force_login(w.owner)
    r = owner.get(reverse("results:report_pdf", args=[w.collab.pk, w.wave.pk]))
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    data = b"".join(r.streaming_content) if r.streaming else r.content
    text = pdf_text(data)
    # Escaped in the HTML source, so the PDF shows the characters, not an element.
    assert "alert('collab')" in text or "alert('wave')" in text


def pdf_text(data: bytes) -> str:
    import shutil
    import subprocess

    if shutil.which("pdftotext"):
        done = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True)
        return done.stdout.decode()
    import io

    from pypdf import PdfReader

    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


def test_the_detector_finds_what_it_looks_for():
    for field in FIELDS:
        assert injections(f"<p>{payload(field)}</p>"), field
        assert injections(f'<input value="{payload(field)}">'), field
        assert not injections(f"<p>{html_lib.escape(payload(field))}</p>"), field
