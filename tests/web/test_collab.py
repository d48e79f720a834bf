"""Facilitator pages: creating collaborations and waves, and access control."""

import datetime as dt

import pytest

from collabdx.web.collab.models import Collaboration, PartnerLink, Wave

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_sign_in(client, collab):
    r = client.get(f"/collaborations/{collab.pk}/")
    assert r.status_code == 302
    assert r["Location"].startswith("/sign-in/")


def test_create_collaboration_with_partners(owner_client, owner):
    r = owner_client.post(
        "/collaborations/new/",
        {
            "name": "Coast Provider Collaborative",
            "collaboration_type": "provider_collaborative",
            "mandated": "voluntary",
            "cross_sector": "yes",
            "life_cycle_stage": "connecting",
            "partners": "Harbour Trust\n  harbour trust \nCliff Care\n\n",
        },
    )
    collab = Collaboration.objects.get(name="Coast Provider Collaborative")
    assert r.status_code == 302 and r["Location"] == f"/collaborations/{collab.pk}/"
    assert collab.owner == owner
    assert (collab.mandated, collab.cross_sector) == (False, True)
    # Duplicate partner names (ignoring case and spaces) are merged.
    assert sorted(collab.partners.values_list("name", flat=True)) == ["Cliff Care", "Harbour Trust"]


def test_create_collaboration_errors_are_summarised(owner_client):
    r = owner_client.post("/collaborations/new/", {"name": "", "partners": "Only one"})
    html = r.content.decode()
    assert r.status_code == 200
    assert "There is a problem" in html
    assert "<title>Error: " in html
    assert 'href="#name"' in html and "Enter the collaboration&#39;s name" in html
    assert "Enter at least two partner organisations" in html
    assert Collaboration.objects.count() == 0


def test_open_wave_makes_a_link_per_partner(owner_client, collab):
    today = dt.date.today()
    r = owner_client.post(
        f"/collaborations/{collab.pk}/waves/new/",
        {"name": "Baseline", "instrument": "readiness:1",
         "opens_on": today.isoformat(), "closes_on": (today + dt.timedelta(days=10)).isoformat()},
    )
    wave = Wave.objects.get(name="Baseline")
    assert r["Location"] == f"/collaborations/{collab.pk}/waves/{wave.pk}/"
    links = PartnerLink.objects.filter(wave=wave)
    assert links.count() == 3
    assert len({link.token for link in links}) == 3
    assert all(len(link.token) >= 43 for link in links)  # 32 random bytes, base64
    page = owner_client.get(r["Location"]).content.decode()
    for link in links:
        assert f"/s/{link.token}/" in page
    assert page.count("<svg") >= 3  # a QR code per partner


def test_wave_closing_before_opening_is_refused(owner_client, collab):
    r = owner_client.post(
        f"/collaborations/{collab.pk}/waves/new/",
        {"name": "Bad", "instrument": "readiness:1",
         "opens_on": "2026-05-10", "closes_on": "2026-05-01"},
    )
    assert "The closing date must be on or after the opening date" in r.content.decode()
    assert not Wave.objects.filter(name="Bad").exists()


def _facilitator_urls(collab, wave):
    c, w = collab.pk, wave.pk
    return [
        ("get", f"/collaborations/{c}/"),
        ("get", f"/collaborations/{c}/edit/"),
        ("get", f"/collaborations/{c}/delete/"),
        ("post", f"/collaborations/{c}/partners/"),
        ("post", f"/collaborations/{c}/access/"),
        ("get", f"/collaborations/{c}/events/new/"),
        ("get", f"/collaborations/{c}/waves/new/"),
        ("get", f"/collaborations/{c}/waves/{w}/"),
        ("post", f"/collaborations/{c}/waves/{w}/close/"),
    ]


def test_another_facilitator_gets_404_everywhere(stranger_client, collab, wave):
    for method, url in _facilitator_urls(collab, wave):
        r = getattr(stranger_client, method)(url, {"name": "x", "username": "stranger"})
        assert r.status_code == 404, (method, url)
    assert collab.partners.count() == 3  # nothing was changed


def test_co_facilitator_sees_the_collaboration(owner_client, stranger, stranger_client, collab):
    r = owner_client.post(
        f"/collaborations/{collab.pk}/access/", {"username": "STRANGER", "role": "cofacilitator"}
    )
    assert r.status_code == 302
    assert stranger_client.get(f"/collaborations/{collab.pk}/").status_code == 200
    # ...but may not delete it.
    stranger_client.post(f"/collaborations/{collab.pk}/delete/", {"confirm_name": collab.name})
    assert Collaboration.objects.filter(pk=collab.pk).exists()


def test_owner_deletes_everything(owner_client, collab, wave):
    r = owner_client.post(f"/collaborations/{collab.pk}/delete/", {"confirm_name": collab.name})
    assert r.status_code == 302
    assert not Collaboration.objects.exists()
    assert not Wave.objects.exists() and not PartnerLink.objects.exists()


def test_no_state_change_on_get(owner_client, collab, wave):
    owner_client.get(f"/collaborations/{collab.pk}/waves/{wave.pk}/close/")
    wave.refresh_from_db()
    assert wave.closes_on >= dt.date.today()


def test_csrf_is_enforced(owner, collab):
    from django.test import Client

    c = Client(enforce_csrf_checks=True)
    c.force_login(owner)
    r = c.post(f"/collaborations/{collab.pk}/partners/", {"name": "Sneaky"})
    assert r.status_code == 403
    assert not collab.partners.filter(name="Sneaky").exists()


def test_pages_show_attribution_and_no_external_assets(client, db):
    html = client.get("/about/").content.decode()
    assert "CC BY 4.0" in html and "Millar" in html
    home = client.get("/").content.decode()
    import re

    for attr in re.findall(r'(?:src|href)="([^"]+)"', home):
        assert not attr.startswith(("http://", "https://", "//")) or "creativecommons.org" in attr


def test_not_found_and_csrf_pages_are_plain_english(owner, client):
    from django.test import Client

    r = client.get("/s/not-a-real-token/")
    assert r.status_code == 404
    r = client.get("/collaborations/99999/")
    assert r.status_code in (302, 404)
    c = Client(enforce_csrf_checks=True)
    c.force_login(owner)
    r = c.post("/collaborations/new/", {"name": "x"})
    assert r.status_code == 403
    assert "Your form could not be sent" in r.content.decode()
