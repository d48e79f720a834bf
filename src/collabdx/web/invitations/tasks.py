"""Sending invitations and reminders in the background (Django's tasks framework).

Arguments are ids and strings only, so the task runs the same on a worker
(`collabdx worker`, the database backend: what `collabdx serve` runs) and under the
immediate backend (in the request: the tests). Each message is sent and recorded
on its own: a refusal by the mail server marks that invitation failed with the
server's words and the send goes on; progress is counted on the ``Mailing`` as it
goes, so the wave's invitations page can show it.
"""

from __future__ import annotations

import smtplib

from django.conf import settings
from django.core.mail import EmailMessage, mailers
from django.db.models import F
from django.tasks import task
from django.urls import reverse

from collabdx.web.invitations.models import Invitation, Mailing

SUBJECTS = {
    Mailing.INVITATIONS: "Please answer the {collab} collaboration survey",
    Mailing.REMINDERS: "Reminder: the {collab} collaboration survey closes on {closes}",
}

BODY = """\
{opening}

{collab} is asking staff of its partner organisations how well the collaboration
is working. It takes about 15 minutes. Your answers are anonymous: nobody can see
who gave which answer, and results are only shown for groups of at least {k}.

Your personal link (it works once, so please do not forward it):
{url}

The survey closes on {closes}. Your e-mail address is deleted when it closes.

{service}
"""

OPENINGS = {
    Mailing.INVITATIONS: "You are invited to answer a short survey for {partner}.",
    Mailing.REMINDERS: "This is a reminder: you have not answered the survey for {partner} yet.",
}


def _recipients(mailing: Mailing) -> list[Invitation]:
    rows = Invitation.objects.filter(wave_id=mailing.wave_id, kind=Invitation.EMAIL).exclude(
        address=""
    )
    if mailing.kind == Mailing.INVITATIONS:
        rows = rows.filter(delivery=Invitation.NOT_SENT)
    else:
        # Asked again at send time: someone may have answered since the click.
        rows = rows.filter(used=False, delivery=Invitation.SENT)
    return list(rows.select_related("partner", "wave__collaboration").order_by("pk"))


def message(invitation: Invitation, kind: str, base_url: str) -> EmailMessage:
    wave = invitation.wave
    closes = f"{wave.closes_on:%-d %B %Y}"
    words = {
        "collab": wave.collaboration.name,
        "partner": invitation.partner.name,
        "closes": closes,
        "k": settings.MIN_GROUP_SIZE,
        "service": settings.SERVICE_NAME,
        "url": base_url.rstrip("/") + reverse("survey:start", args=[invitation.token]),
    }
    body = BODY.format(opening=OPENINGS[kind].format(**words), **words)
    return EmailMessage(SUBJECTS[kind].format(**words), body, to=[invitation.address])


@task()
def send_mailing(mailing_id: int, base_url: str) -> None:
    mailing = Mailing.objects.get(pk=mailing_id)
    recipients = _recipients(mailing)
    Mailing.objects.filter(pk=mailing_id).update(total=len(recipients))
    connection = mailers.default
    try:
        for invitation in recipients:
            error = ""
            try:
                connection.send_messages([message(invitation, mailing.kind, base_url)])
            except smtplib.SMTPRecipientsRefused as exc:
                error = "; ".join(
                    f"{code} {reply.decode('utf-8', 'replace')}"
                    for code, reply in exc.recipients.values()
                )
            except (smtplib.SMTPException, OSError) as exc:
                error = str(exc) or type(exc).__name__
                connection.close()  # a fresh connection for the next message
            if error:
                Invitation.objects.filter(pk=invitation.pk).update(
                    delivery=Invitation.FAILED, delivery_error=error[:300]
                )
                Mailing.objects.filter(pk=mailing_id).update(
                    done=F("done") + 1, failed=F("failed") + 1
                )
            else:
                if mailing.kind == Mailing.INVITATIONS:
                    Invitation.objects.filter(pk=invitation.pk).update(delivery=Invitation.SENT)
                Mailing.objects.filter(pk=mailing_id).update(done=F("done") + 1)
    finally:
        connection.close()
        Mailing.objects.filter(pk=mailing_id).update(finished=True)
