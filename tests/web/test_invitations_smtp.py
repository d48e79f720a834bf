"""E-mail invitations and reminders against a real SMTP server on loopback (aiosmtpd).

The server, started by the test, keeps every message it accepts and refuses
recipients at ``refused.example.org`` with 550, as a real relay refuses an unknown
mailbox. Sending runs as a Django task (the immediate backend in tests, after the
transaction commits), through Django's SMTP backend configured like production.
"""

from __future__ import annotations

import email
import email.policy
import re
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from aiosmtpd.controller import Controller
from django.test import Client

from collabdx.web.invitations.models import Invitation, Mailing
from collabdx.web.survey.models import Response
from tests.web.test_invitations import answer_through

pytestmark = pytest.mark.django_db


@dataclass
class Inbox:
    messages: list[email.message.Message] = field(default_factory=list)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.endswith("@refused.example.org"):
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[email.message.Message]:
        return [m for m in self.messages if m["To"] == address]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def inbox(settings) -> Iterator[Inbox]:
    box = Inbox()
    port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 10},
        }
    }
    settings.DEFAULT_FROM_EMAIL = "survey@collabdx.test"
    try:
        yield box
    finally:
        controller.stop()


def link_in(message: email.message.Message) -> str:
    body = message.get_content()
    found = re.findall(r"http://testserver/s/([A-Za-z0-9_-]{43})/", body)
    assert len(found) == 1, body
    return found[0]


ADDRESSES = "ann@alpha.example.org\nBen@alpha.example.org; cat@refused.example.org"


def test_invite_remind_and_report_failures(
    inbox, owner_client, wave, django_capture_on_commit_callbacks
):
    alpha = wave.collaboration.partners.get(name="Alpha Trust")
    url = f"/collaborations/{wave.collaboration.pk}/waves/{wave.pk}/invitations/"
    with django_capture_on_commit_callbacks(execute=True):
        r = owner_client.post(url + "email/", {"partner": alpha.pk, "addresses": ADDRESSES})
    assert r.status_code == 302, r.content.decode()[:3000]

    # Two arrive, each with its own link, which is that address's invitation.
    assert sorted(m["To"] for m in inbox.messages) == [
        "ann@alpha.example.org", "ben@alpha.example.org",
    ]  # fmt: skip
    tokens = {}
    for address in ("ann@alpha.example.org", "ben@alpha.example.org"):
        (message,) = inbox.to(address)
        assert message["From"] == "survey@collabdx.test"
        assert "Alpha Trust" in message.get_content()
        tokens[address] = link_in(message)
        assert Invitation.objects.get(address=address).token == tokens[address]
    assert tokens["ann@alpha.example.org"] != tokens["ben@alpha.example.org"]

    # The refused address is reported with the server's words.
    refused = Invitation.objects.get(address="cat@refused.example.org")
    assert refused.delivery == Invitation.FAILED
    mailing = Mailing.objects.get()
    assert (mailing.total, mailing.done, mailing.failed, mailing.finished) == (3, 3, 1, True)
    page = owner_client.get(url).content.decode()
    assert "cat@refused.example.org" in page and "No such mailbox here" in page
    assert "2 of 3 sent, 1 could not be delivered" in page

    # Ann answers with her link; the reminder goes to Ben alone.
    assert answer_through(Client(), tokens["ann@alpha.example.org"]) == 302
    assert Response.objects.count() == 1
    inbox.messages.clear()
    with django_capture_on_commit_callbacks(execute=True):
        r = owner_client.post(url + "remind/")
    assert r.status_code == 302
    assert [m["To"] for m in inbox.messages] == ["ben@alpha.example.org"]
    (reminder,) = inbox.messages
    assert str(reminder["Subject"]).strip().startswith("Reminder:")
    assert link_in(reminder) == tokens["ben@alpha.example.org"]
    assert "Reminders, " in owner_client.get(url).content.decode()


def test_a_server_that_is_down_is_reported_for_every_address(
    settings, owner_client, wave, django_capture_on_commit_callbacks
):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "timeout": 5},
        }
    }
    alpha = wave.collaboration.partners.get(name="Alpha Trust")
    url = f"/collaborations/{wave.collaboration.pk}/waves/{wave.pk}/invitations/"
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(url + "email/", {"partner": alpha.pk, "addresses": "a@b.org\nc@d.org"})
    assert set(Invitation.objects.values_list("delivery", flat=True)) == {Invitation.FAILED}
    assert Mailing.objects.get().failed == 2
    assert "2 could not be delivered" in owner_client.get(url).content.decode()


def test_bad_rows_are_named_and_nothing_is_stored(inbox, owner_client, wave):
    alpha = wave.collaboration.partners.get(name="Alpha Trust")
    url = f"/collaborations/{wave.collaboration.pk}/waves/{wave.pk}/invitations/email/"
    pasted = "ann@alpha.example.org\nnot-an-address\nann@alpha.example.org"
    r = owner_client.post(url, {"partner": alpha.pk, "addresses": pasted})
    html = r.content.decode()
    assert r.status_code == 200
    assert "There is a problem" in html
    assert "Line 2: “not-an-address” is not an e-mail address" in html
    assert "Line 3: ann@alpha.example.org is listed twice (also line 1)" in html
    assert not Invitation.objects.exists() and not Mailing.objects.exists()
    assert inbox.messages == []


def test_a_csv_file_is_read_with_errors_per_row(inbox, owner_client, wave):
    from django.core.files.uploadedfile import SimpleUploadedFile

    alpha = wave.collaboration.partners.get(name="Alpha Trust")
    url = f"/collaborations/{wave.collaboration.pk}/waves/{wave.pk}/invitations/email/"
    csv = b"name,email\nAnn,ann@alpha.example.org\nBen,ben@\n"
    upload = SimpleUploadedFile("staff.csv", csv, content_type="text/csv")
    r = owner_client.post(url, {"partner": alpha.pk, "file": upload})
    assert "Row 3: “ben@” is not an e-mail address" in r.content.decode()
    assert not Invitation.objects.exists()
    upload = SimpleUploadedFile("staff.csv", csv.replace(b"ben@", b"ben@alpha.example.org"))
    r = owner_client.post(url, {"partner": alpha.pk, "file": upload})
    assert r.status_code == 302
    assert sorted(Invitation.objects.values_list("address", flat=True)) == [
        "ann@alpha.example.org", "ben@alpha.example.org",
    ]  # fmt: skip


def test_without_a_mail_server_nothing_is_stored_and_the_page_says_why(
    settings, owner_client, wave
):
    settings.MAILERS = {}  # production without EMAIL_HOST
    alpha = wave.collaboration.partners.get(name="Alpha Trust")
    url = f"/collaborations/{wave.collaboration.pk}/waves/{wave.pk}/invitations/"
    assert "has not set EMAIL_HOST" in owner_client.get(url).content.decode()
    r = owner_client.post(url + "email/", {"partner": alpha.pk, "addresses": "a@b.org"})
    assert r.status_code == 200 and "has not set EMAIL_HOST" in r.content.decode()
    assert not Invitation.objects.exists() and not Mailing.objects.exists()
