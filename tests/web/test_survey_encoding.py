"""Text that is not UTF-8 is refused with a 400 page and nothing saved (issue 17, bug 3).

Django decodes a form with ``errors="replace"``, so ``Q3=%FF%FE%C0%AF`` reached the
form as replacement characters and was saved in the draft.
"""

from __future__ import annotations

import pytest
from django.test import Client

from collabdx.core.instruments import load_instrument
from collabdx.web.collab.models import PartnerLink
from collabdx.web.forms import undecodable_fields
from collabdx.web.survey.models import Draft

pytestmark = pytest.mark.django_db

READINESS = load_instrument("readiness", "1")


@pytest.fixture
def link(wave) -> PartnerLink:
    return PartnerLink.objects.get(wave=wave, partner__name="Alpha Trust")


def page1(**extra: str) -> bytes:
    pairs = []
    for item_id in READINESS.blocks[0].items:
        item = READINESS.items[item_id]
        if item.type == "choice":
            pairs.append(f"{item_id}={item.options[0].code}")
    return "&".join(pairs).encode() + b"".join(
        b"&" + k.encode() + b"=" + v.encode("latin-1") for k, v in extra.items()
    )


FORM = "application/x-www-form-urlencoded"


@pytest.mark.parametrize(
    "q3",
    ["%FF%FE%C0%AF", "Harbour%20Trust%E9", "\xff\xfe", "Trust%ED%A0%80"],  # last: a surrogate
    ids=["percent-encoded", "latin-1-accent", "raw-bytes", "surrogate"],
)
def test_free_text_that_is_not_utf8_is_refused_and_nothing_saved(client: Client, link, q3):
    r = client.generic("POST", f"/s/{link.token}/page/1/", page1(Q3=q3), content_type=FORM)
    assert r.status_code == 400
    html = r.content.decode()
    assert "could not be read" in html and "Nothing was saved" in html
    assert f'href="/s/{link.token}/page/1/"' in html  # a way back to the page
    assert Draft.objects.count() == 0


def test_an_existing_draft_is_left_as_it_was(client: Client, link):
    assert client.generic(
        "POST", f"/s/{link.token}/page/1/", page1(Q3="Harbour%20Trust"), content_type=FORM
    ).status_code == 302
    before = Draft.objects.get().answers
    assert before["Q3"] == "Harbour Trust"
    r = client.generic("POST", f"/s/{link.token}/page/1/", page1(Q3="%C0%AF"), content_type=FORM)
    assert r.status_code == 400
    assert Draft.objects.get().answers == before


@pytest.mark.parametrize(
    "q3", ["Caf%C3%A9%20Trust", "%E2%80%9CTrust%E2%80%9D", "St+Mary%27s", "%F0%9F%8F%A5"]
)
def test_real_utf8_text_is_saved(client: Client, link, q3):
    r = client.generic("POST", f"/s/{link.token}/page/1/", page1(Q3=q3), content_type=FORM)
    assert r.status_code == 302
    assert Draft.objects.get().answers["Q3"] in ("Café Trust", "“Trust”", "St Mary's", "🏥")


def test_undecodable_fields_names_the_fields(rf):
    request = rf.generic("POST", "/", b"a=ok&b=%FF&c=%E2%82%AC&%FE=1", content_type=FORM)
    assert undecodable_fields(request) == ["b", "\ufffd"]
    multipart = rf.post("/", {"a": "ok", "b": "bad \ufffd"})  # decoded with "replace"
    assert undecodable_fields(multipart) == ["b"]
