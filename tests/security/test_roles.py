"""Roles: the owner gives, changes and takes away access; a removal or a change takes
effect at once, in every session the member has open; a viewer reads but never sees
a key to answer with and changes nothing. (Who gets which status on every URL is in
test_access_matrix.py.)"""

from __future__ import annotations

import pytest
from django.test import Client

from collabdx.web.collab.models import Membership
from collabdx.web.security.models import SecurityEvent
from tests.security.conftest import build_world, signed_in
from tests.security.test_access_matrix import MATRIX, READ, url_for

pytestmark = pytest.mark.django_db


def test_a_removed_co_facilitator_loses_access_at_once_in_every_open_session():
    w = build_world()
    laptop, phone = signed_in(w.cofac), signed_in(w.cofac)  # two sessions already open
    page = f"/collaborations/{w.collab.pk}/"
    assert laptop.get(page).status_code == 200 and phone.get(page).status_code == 200
    member = Membership.objects.get(collaboration=w.collab, user=w.cofac)
    r = signed_in(w.owner).post(f"/collaborations/{w.collab.pk}/access/{member.pk}/remove/")
    assert r.status_code == 302
    for session in (laptop, phone):
        assert session.get(page).status_code == 404  # as if it never existed
        assert session.get(f"/collaborations/{w.collab.pk}/waves/{w.wave.pk}/").status_code == 404
        r = session.post(f"/collaborations/{w.collab.pk}/waves/{w.wave.pk}/close/")
        assert r.status_code == 404
    assert w.collab.name not in laptop.get("/").content.decode()
    event = SecurityEvent.objects.get(collaboration=w.collab, kind="member_removed")
    assert event.detail == "cofac" and event.actor_name == "owner"


def test_a_co_facilitator_made_viewer_can_no_longer_change_anything():
    w = build_world()
    session = signed_in(w.cofac)
    close = f"/collaborations/{w.collab.pk}/waves/{w.wave.pk}/close/"
    closes_on = w.wave.closes_on
    member = Membership.objects.get(collaboration=w.collab, user=w.cofac)
    r = signed_in(w.owner).post(
        f"/collaborations/{w.collab.pk}/access/{member.pk}/role/", {f"m{member.pk}-role": "viewer"}
    )
    assert r.status_code == 302
    assert Membership.objects.get(pk=member.pk).role == "viewer"
    assert session.post(close).status_code == 403
    w.wave.refresh_from_db()
    assert w.wave.closes_on == closes_on  # still open
    assert not SecurityEvent.objects.filter(kind="wave_closed").exists()
    assert SecurityEvent.objects.filter(kind="access_refused", collaboration=w.collab).exists()
    changed = SecurityEvent.objects.get(kind="role_changed")
    assert changed.detail == "cofac: co-facilitator to viewer"


def test_a_viewer_never_sees_a_partner_or_maturity_link():
    """The links are keys to answer with: a viewer could stuff the survey with them."""
    w = build_world(released=True)
    viewer = signed_in(w.viewer)
    keys = [link.token for link in w.wave.links.all()] + [w.wave.maturity_token]
    read_pages = [n for n, rows in MATRIX.items() if rows.get("GET") == READ]
    assert len(read_pages) >= 8
    for name in read_pages:
        r = viewer.get(url_for(name, w))
        assert r.status_code == 200, name
        body = b"".join(r.streaming_content) if r.streaming else r.content
        for key in keys:
            assert key.encode() not in body, name
    # ...while a co-facilitator, who runs the survey, sees them.
    page = signed_in(w.cofac).get(f"/collaborations/{w.collab.pk}/waves/{w.wave.pk}/")
    assert w.link.token in page.content.decode()


def test_the_owner_gives_access_and_it_is_logged():
    w = build_world()
    owner = signed_in(w.owner)
    access = f"/collaborations/{w.collab.pk}/access/"
    r = owner.post(access, {"username": "OTHER", "role": "viewer"})
    assert r.status_code == 302
    assert Membership.objects.get(collaboration=w.collab, user=w.other).role == "viewer"
    assert signed_in(w.other).get(f"/collaborations/{w.collab.pk}/").status_code == 200
    added = SecurityEvent.objects.get(kind="member_added")
    assert added.detail == "other as viewer" and added.collaboration == w.collab
    # Giving access twice, to nobody, or to the owner: a message, nothing written.
    for data, words in (
        ({"username": "other", "role": "cofacilitator"}, "already has access"),
        ({"username": "nobody-here", "role": "viewer"}, "no facilitator account"),
        ({"username": "owner", "role": "viewer"}, "already has full access"),
        ({"username": "cofac"}, "Select a role"),
    ):
        r = owner.post(f"/collaborations/{w.collab.pk}/access/", data)
        assert r.status_code == 200 and words in r.content.decode(), words
    assert Membership.objects.filter(collaboration=w.collab).count() == 3


def test_members_page_lists_each_member_with_a_role_form():
    w = build_world()
    html = signed_in(w.owner).get(f"/collaborations/{w.collab.pk}/access/").content.decode()
    for name in ("owner", "cofac", "viewer"):
        assert f"<h2>{name}</h2>" in html
    assert "Remove access<span class=\"nhsuk-u-visually-hidden\"> of viewer</span>" in html


def test_a_stranger_probing_a_collaboration_is_logged_for_its_owner():
    w = build_world()
    r = signed_in(w.other).get(f"/collaborations/{w.collab.pk}/")
    assert r.status_code == 404
    event = SecurityEvent.objects.get(kind="access_refused", collaboration=w.collab)
    assert event.actor_name == "other" and "no access" in event.detail
    # The log itself is the owner's alone.
    assert signed_in(w.cofac).get(f"/collaborations/{w.collab.pk}/security-log/").status_code == 403
    log = signed_in(w.owner).get(f"/collaborations/{w.collab.pk}/security-log/").content.decode()
    assert "Access refused" in log and "other" in log


def test_unknown_member_ids_are_404_for_the_owner():
    w = build_world()
    other_member = Membership.objects.create(
        collaboration=w.other_collab, user=w.cofac, role="viewer"
    )
    owner = Client()
    owner.force_login(w.owner)
    # A member of another collaboration cannot be changed through this one.
    r = owner.post(f"/collaborations/{w.collab.pk}/access/{other_member.pk}/remove/")
    assert r.status_code == 404
    assert Membership.objects.filter(pk=other_member.pk).exists()
