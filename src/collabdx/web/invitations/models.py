"""Single-use invitations: a ballot box, not a register (issue 16).

An ``Invitation`` is one key to answer a wave once, for one partner: sent by e-mail
(``address`` set) or printed as a code on a sheet. Submitting through it flips
``used`` in the same transaction as the response is stored, and that is all it
records: no link to the response (no foreign key, no date or time of use, nothing
in its id, which was fixed when the invitation was made). ``services.blur`` rewrites
every invitation row of the wave in each submission's transaction, so even
PostgreSQL's row versions (``xmin``) do not pair a response with the one
invitation it used. Addresses are blanked when the wave closes.

``Mailing`` is one send (invitations or reminders) run as a background task, with
its progress; per-address delivery failures sit on the invitation.
"""

from __future__ import annotations

from django.db import models

from collabdx.web.collab.models import Partner, Wave, new_token


class Invitation(models.Model):
    EMAIL = "email"
    CODE = "code"
    KINDS = [(EMAIL, "E-mail"), (CODE, "Printed code")]

    NOT_SENT = ""
    SENT = "sent"
    FAILED = "failed"

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="invitations")
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="invitations")
    kind = models.CharField(max_length=10, choices=KINDS)
    token = models.CharField(max_length=64, unique=True, default=new_token)
    address = models.EmailField(max_length=254, blank=True)  # blanked when the wave closes
    used = models.BooleanField(default=False)  # no date, no time: see the module docstring
    delivery = models.CharField(max_length=10, blank=True, default=NOT_SENT)
    delivery_error = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["wave", "address"],
                condition=~models.Q(address=""),
                name="one_invitation_per_address",
            )
        ]


class Mailing(models.Model):
    """One send of invitations or reminders for a wave, and how far it has got."""

    INVITATIONS = "invitations"
    REMINDERS = "reminders"
    KINDS = [(INVITATIONS, "Invitations"), (REMINDERS, "Reminders")]

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="mailings")
    kind = models.CharField(max_length=12, choices=KINDS)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    finished = models.BooleanField(default=False)
    created_on = models.DateField(auto_now_add=True)
