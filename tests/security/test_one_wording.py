"""Issue 12: one wording for every hidden group, "not shown", everywhere a reader looks.

Two wordings ("fewer than 5" and "hidden to protect a smaller group") told a reader
which hidden groups were under k and which were at least k, and so bounded their
sizes. This renders every page, download and the pack for a wave with hidden
groups of both kinds, and fails on any wording that says why a group is hidden.
"""

from __future__ import annotations

import io
import random
import re
import zipfile

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from collabdx.core.instruments import load_instrument
from collabdx.web.collab.models import PartnerLink
from collabdx.web.workshop.models import MaturityRating, RatingRound
from tests.security.attacker import tables, visible_text
from tests.security.conftest import signed_in, varied_answers
from tests.web.factories import (
    CollaborationFactory,
    PartnerFactory,
    ResponseFactory,
    UserFactory,
    WaveFactory,
)

pytestmark = pytest.mark.django_db

K = 5
READINESS = load_instrument("readiness", "1")
FORBIDDEN = [
    r"fewer than (5|k)\b",
    r"less than (5|k) (people|respondents|responses|answers|ratings)",
    r"to protect a smaller group",
    r"hidden to protect",
    r"hidden with them",
    r"groups hidden to protect",
    r"not shown yet",
    r"too few answers",
    r"too few (people|respondents|responses|ratings)",
]


def texts_a_facilitator_reads(owner, collab, waves) -> dict[str, str]:
    client = signed_in(owner)
    c = collab.pk
    out = {
        "home": client.get(reverse("home")),
        "collaboration": client.get(reverse("collab:detail", args=[c])),
        "trends": client.get(reverse("results:trends", args=[c])),
    }
    for w in waves:
        for name, url in (
            ("wave", reverse("collab:wave", args=[c, w.pk])),
            ("report", reverse("results:report", args=[c, w.pk])),
            ("research", reverse("results:research", args=[c, w.pk])),
            ("workshop", reverse("workshop:facilitate", args=[c, w.pk])),
        ):
            out[f"{name} {w.name}"] = client.get(url)
        for fmt in ("csv", "json"):
            out[f"{fmt} {w.name}"] = client.get(reverse("results:export", args=[c, w.pk, fmt]))
    pages = {}
    for name, r in out.items():
        body = r.getvalue() if hasattr(r, "streaming_content") else r.content
        pages[name] = body.decode("utf-8-sig", errors="replace")
    archive = client.get(reverse("collab:export_everything", args=[c])).getvalue()
    with zipfile.ZipFile(io.BytesIO(archive)) as zf:
        for name in zf.namelist():
            pages[f"archive {name}"] = zf.read(name).decode("utf-8-sig")
    big = waves[0]
    pdf = client.get(reverse("results:report_pdf", args=[c, big.pk])).getvalue()
    pages["pdf"] = " ".join((p.extract_text() or "") for p in PdfReader(io.BytesIO(pdf)).pages)
    return pages


def texts_a_respondent_reads(link: PartnerLink) -> dict[str, str]:
    client = Client()
    token = link.token
    answers = varied_answers(random.Random(3))
    for number, block in enumerate(READINESS.blocks, start=1):
        data = {i: str(answers[i]) for i in block.items if i in answers}
        client.post(f"/s/{token}/page/{number}/", data)
    check = client.get(f"/s/{token}/check/").content.decode()
    key = re.search(r'name="draft" value="([0-9a-f]{64})"', check)
    assert key
    client.post(f"/s/{token}/submit/", {"draft": key.group(1)})
    return {
        "feedback": client.get(f"/s/{token}/thank-you/").content.decode(),
        "privacy": client.get("/privacy/").content.decode(),
        "rating form": client.get(f"/m/{link.wave.maturity_token}/").content.decode(),
    }


@pytest.fixture
def scene():
    rng = random.Random(5)
    owner = UserFactory(username="owner")
    collab = CollaborationFactory(owner=owner, name="North Alliance")
    big = WaveFactory(collaboration=collab, name="Wave 1", closed=True)
    small = WaveFactory(collaboration=collab, name="Wave 2", closed=True)
    live = WaveFactory(collaboration=collab, name="Wave 3")
    for name, n in (("Ash Trust", 9), ("Birch Care", 6), ("Cedar Health", 2), ("Dale Trust", 0)):
        p = PartnerFactory(collaboration=collab, name=name)
        for w in (big, small, live):
            PartnerLink.objects.create(wave=w, partner=p)
        for _ in range(n):
            # Staff group "Both" (code 3) only twice: a small group in a breakdown too.
            ResponseFactory(wave=big, partner=p, answers=varied_answers(rng, Q2=rng.choice([1, 2])))
        if n:
            ResponseFactory(wave=live, partner=p, answers=varied_answers(rng))
    for _ in range(2):
        ResponseFactory(wave=big, partner=collab.partners.get(name="Ash Trust"),
                        answers=varied_answers(rng, Q2=3))  # fmt: skip
    for _ in range(3):
        ResponseFactory(wave=small, partner=collab.partners.get(name="Ash Trust"),
                        answers=varied_answers(rng))  # fmt: skip
    # A closed workshop round with hidden levels: 9 / 3 / 3 for trust, 8 of 9 one way
    # for faith, and only 3 ratings of confidence.
    rnd = RatingRound.objects.create(wave=big, number=1, opened_on=big.closes_on,
                                     closed_on=big.closes_on)  # fmt: skip
    levels = ["bureaucratic"] * 9 + ["generative"] * 3 + ["pathological"] * 3
    for i, level in enumerate(levels):
        ratings = {"trust": level, "faith": "generative" if i else "pathological"}
        if i < 3:
            ratings["confidence"] = "generative"
        MaturityRating.objects.create(wave=big, round=rnd, ratings=ratings,
                                      submitted_on=big.closes_on)  # fmt: skip
    return owner, collab, [big, small, live]


def test_no_reader_is_told_why_a_group_is_hidden(scene):
    owner, collab, waves = scene
    pages = texts_a_facilitator_reads(owner, collab, waves)
    link = PartnerLink.objects.filter(wave=waves[2]).first()
    assert link is not None
    pages.update(texts_a_respondent_reads(link))
    found = []
    for name, body in pages.items():
        text = visible_text(body) if "<html" in body[:500].lower() else body
        for pattern in FORBIDDEN:
            for m in re.finditer(pattern, text, re.I):
                found.append((name, text[max(0, m.start() - 60): m.end() + 40]))
    assert not found, "\n".join(f"{n}: …{t}…" for n, t in found[:30])


def test_hidden_partners_read_not_shown_whatever_the_reason(scene):
    owner, collab, waves = scene
    html = signed_in(owner).get(reverse("results:report", args=[collab.pk, waves[0].pk]))
    (table,) = [t for t in tables(html.content.decode())
                if t.caption.lower().startswith("responses by partner")]  # fmt: skip
    cells = {row[0]: row[1] for row in table.rows[1:]}
    assert cells["Ash Trust"] == "11"
    # Cedar (2) is under k; Dale (0) too; Birch (6) is hidden with them so that
    # nothing can be worked out by subtraction. All three read the same.
    assert {cells[n] for n in ("Birch Care", "Cedar Health", "Dale Trust")} == {"Not shown"}


def test_the_json_report_does_not_say_why_a_group_is_hidden():
    import json

    from collabdx.core.demo import demo_responses
    from collabdx.reports.json_report import report_to_dict
    from collabdx.reports.model import build_report

    model = build_report(demo_responses(), min_group_size=12)
    hidden = [g for b in model.breakdowns for g in b.groups if g.suppressed]
    assert {g.reason for g in hidden} >= {"primary", "complementary"}  # both kinds inside
    text = json.dumps(report_to_dict(model))
    assert "primary" not in text and "complementary" not in text
