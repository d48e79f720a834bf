"""Collaborations, their partners, survey waves and events.

A facilitator owns a collaboration and may give other facilitators access to it as
a co-facilitator or a viewer (``Membership``); nobody else can see it. Access is
always checked through ``collab.access`` (``Collaboration.objects.for_user`` lists
what a user may see at all).
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q


def new_token() -> str:
    # 32 random bytes: unguessable, so a partner link is the only key a respondent needs.
    return secrets.token_urlsafe(32)


class CollaborationQuerySet(models.QuerySet["Collaboration"]):
    def for_user(self, user: object) -> CollaborationQuerySet:
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(Q(owner=user) | Q(memberships__user=user)).distinct()


class Collaboration(models.Model):
    name = models.CharField(max_length=200)
    collaboration_type = models.CharField(max_length=40)  # Table 2 id
    mandated = models.BooleanField()
    cross_sector = models.BooleanField()
    life_cycle_stage = models.CharField(max_length=40)  # Chapter 2 / Figure 7 id
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="owned_collaborations"
    )
    is_demo = models.BooleanField(default=False)
    created_on = models.DateField(auto_now_add=True)

    objects = CollaborationQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """Another facilitator's access to a collaboration, with their role.

    The owner is ``Collaboration.owner`` and has no row here. What each role may do
    is decided in one place, ``collab.access``. Deleting the row takes the access
    away at the member's next request: nothing about it is cached in their session.
    """

    COFACILITATOR = "cofacilitator"
    VIEWER = "viewer"
    ROLES = [(COFACILITATOR, "Co-facilitator"), (VIEWER, "Viewer")]

    collaboration = models.ForeignKey(
        Collaboration, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=ROLES)
    added_on = models.DateField(auto_now_add=True)

    class Meta:
        ordering = ["user__username", "id"]
        constraints = [
            models.UniqueConstraint(fields=["collaboration", "user"], name="one_membership_each")
        ]


class Partner(models.Model):
    collaboration = models.ForeignKey(
        Collaboration, on_delete=models.CASCADE, related_name="partners"
    )
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["collaboration", "name"], name="unique_partner_name")
        ]

    def __str__(self) -> str:
        return self.name


class Wave(models.Model):
    """A survey round: one instrument version, planned to be open between two dates.

    ``opens_on`` and ``closes_on`` are the planned dates and never change. A
    facilitator may close the wave early: ``closed_on`` is the day they did (answers
    were taken that day until then); empty while it runs its planned course.
    """

    collaboration = models.ForeignKey(
        Collaboration, on_delete=models.CASCADE, related_name="waves"
    )
    name = models.CharField(max_length=120)
    instrument_id = models.CharField(max_length=60)
    instrument_version = models.CharField(max_length=20)
    opens_on = models.DateField()
    closes_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)  # the date only, like the others
    maturity_token = models.CharField(max_length=64, unique=True, default=new_token)
    created_on = models.DateField(auto_now_add=True)
    # How its responses came in: through the partner links, or uploaded from a file
    # collected elsewhere (survey/upload.py; the format the importer recognised).
    ONLINE = "online"
    COLLECTED = [
        (ONLINE, "Online, through the partner links"),
        ("csv", "Uploaded from a CSV file"),
        ("xlsx", "Uploaded from an Excel workbook"),
        ("qualtrics-csv", "Uploaded from a Qualtrics export (CSV)"),
        ("qualtrics-xlsx", "Uploaded from a Qualtrics export (Excel)"),
    ]
    collected = models.CharField(max_length=20, choices=COLLECTED, default=ONLINE)

    class Meta:
        ordering = ["opens_on", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def last_day(self) -> dt.date:
        """The last day answers were (or will be) taken: the early close or the plan."""
        return self.closed_on if self.closed_on is not None else self.closes_on

    def is_open_on(self, day: dt.date) -> bool:
        return self.closed_on is None and self.opens_on <= day <= self.closes_on

    def has_closed_by(self, day: dt.date) -> bool:
        """Closed early (on or before ``day``), or its planned closing date has passed."""
        if self.closed_on is not None:
            return self.closed_on <= day
        return day > self.closes_on

    # A wave's state, asked the same way everywhere: ``today`` defaults to the date now.

    def is_open(self, today: dt.date | None = None) -> bool:
        """Taking answers today: opened, not past its planned close, not closed early."""
        return self.is_open_on(today or dt.date.today())

    def is_closed(self, today: dt.date | None = None) -> bool:
        """No longer taking answers (early close or planned date passed); a wave that
        has not opened yet is neither open nor closed."""
        return self.has_closed_by(today or dt.date.today())

    def is_not_open_yet(self, today: dt.date | None = None) -> bool:
        """Before its opening date, and not closed (it may be closed before it opens)."""
        today = today or dt.date.today()
        return not self.is_closed(today) and today < self.opens_on

    @property
    def closed_before_opening(self) -> bool:
        return self.closed_on is not None and self.closed_on < self.opens_on

    def results_released(self, today: dt.date | None = None) -> bool:
        """Whether figures from this wave's responses may be shown: once it has closed.

        While a wave is open, every new submission changes the figures. A facilitator
        who reads the report before and after one more response can subtract the two
        and recover that respondent's scale scores (means times counts), however large
        the group. Disclosure control on a single report cannot stop that, so no
        figure from an open wave is shown anywhere: not the report, its PDF, the
        exports, the research section or the trends. Response counts (under the usual
        minimum group size) are still shown, because a facilitator needs them to chase
        responses and they say nothing about what anyone answered. A wave cannot be
        reopened, so once released the figures never change.
        """
        return self.is_closed(today)

    @property
    def release_date(self) -> dt.date:
        """The first day on which the wave's results are shown: the day it was closed
        early (the links stop taking answers at that moment), else the day after its
        planned closing date."""
        if self.closed_on is not None:
            return self.closed_on
        return self.closes_on + dt.timedelta(days=1)

    def earlier_waves(self, *, including_this: bool = False) -> list[Wave]:
        """The collaboration's waves before this one (and this one, if asked), oldest
        first: the waves' own order, opening date then creation."""
        same_day = {"pk__lte" if including_this else "pk__lt": self.pk}
        return list(
            Wave.objects.filter(collaboration_id=self.collaboration_id)
            .filter(Q(opens_on__lt=self.opens_on) | Q(opens_on=self.opens_on, **same_day))
            .order_by("opens_on", "pk")
        )


class PartnerLink(models.Model):
    """The anonymous survey link for one partner in one wave."""

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="links")
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="links")
    token = models.CharField(max_length=64, unique=True, default=new_token)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["wave", "partner"], name="one_link_per_partner")
        ]


class Event(models.Model):
    """A dated event on the collaboration's timeline (the seed's Figure 13)."""

    KINDS = [
        ("quick_win", "Quick win"),
        ("leadership_change", "Change of leader"),
        ("conflict", "Conflict"),
        ("funding", "Funding decision"),
        ("regulation", "Regulatory change"),
        ("other", "Other"),
    ]
    collaboration = models.ForeignKey(
        Collaboration, on_delete=models.CASCADE, related_name="events"
    )
    happened_on = models.DateField()
    kind = models.CharField(max_length=30, choices=KINDS)
    description = models.CharField(max_length=300)

    class Meta:
        ordering = ["happened_on", "id"]


class ActionPlanItem(models.Model):
    """A Table 10 action statement adopted into the collaboration's plan."""

    STATUSES = [
        ("not_started", "Not started"),
        ("in_progress", "In progress"),
        ("done", "Done"),
        ("dropped", "Dropped"),
    ]
    collaboration = models.ForeignKey(
        Collaboration, on_delete=models.CASCADE, related_name="plan_items"
    )
    adopted_in = models.ForeignKey(Wave, on_delete=models.SET_NULL, null=True, blank=True)
    action_id = models.CharField(max_length=20)  # t10.NN
    owner_name = models.CharField(max_length=120, blank=True)
    due_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=STATUSES, default="not_started")
    note = models.TextField(blank=True)
    reviewed_in = models.ForeignKey(
        Wave, on_delete=models.SET_NULL, null=True, blank=True, related_name="reviewed_items"
    )

    class Meta:
        ordering = ["action_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["collaboration", "action_id"], name="one_plan_item_per_action"
            )
        ]
