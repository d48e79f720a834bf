"""factory_boy factories for the web app's models."""

from __future__ import annotations

import datetime as dt

import factory
from django.contrib.auth import get_user_model

from collabdx.web.collab.models import Collaboration, Event, Partner, PartnerLink, Wave
from collabdx.web.survey.models import Response


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"facilitator{n}")
    password = factory.django.Password("a long enough passphrase")


class CollaborationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Collaboration

    name = factory.Sequence(lambda n: f"Collaboration {n}")
    collaboration_type = "provider_collaborative"
    mandated = True
    cross_sector = False
    life_cycle_stage = "planning"
    owner = factory.SubFactory(UserFactory)


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    collaboration = factory.SubFactory(CollaborationFactory)
    name = factory.Sequence(lambda n: f"Partner Trust {n}")


class WaveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Wave

    collaboration = factory.SubFactory(CollaborationFactory)
    name = factory.Sequence(lambda n: f"Wave {n}")
    instrument_id = "readiness"
    instrument_version = "1"
    opens_on = factory.LazyFunction(lambda: dt.date.today() - dt.timedelta(days=7))
    closes_on = factory.LazyFunction(lambda: dt.date.today() + dt.timedelta(days=14))

    class Params:
        # Results are shown only once a wave has closed (Wave.results_released).
        closed = factory.Trait(
            opens_on=factory.LazyFunction(lambda: dt.date.today() - dt.timedelta(days=28)),
            closes_on=factory.LazyFunction(lambda: dt.date.today() - dt.timedelta(days=7)),
        )


class PartnerLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerLink

    wave = factory.SubFactory(WaveFactory)
    partner = factory.SubFactory(
        PartnerFactory, collaboration=factory.SelfAttribute("..wave.collaboration")
    )


class ResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Response

    wave = factory.SubFactory(WaveFactory)
    partner = factory.SubFactory(
        PartnerFactory, collaboration=factory.SelfAttribute("..wave.collaboration")
    )
    instrument_id = factory.SelfAttribute("wave.instrument_id")
    instrument_version = factory.SelfAttribute("wave.instrument_version")
    answers = factory.LazyFunction(lambda: {"Q1": 2, "Q2": 1, "Q6": 4, "Q9": 2, "Q26": 3})
    submitted_on = factory.LazyFunction(dt.date.today)


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    collaboration = factory.SubFactory(CollaborationFactory)
    happened_on = factory.LazyFunction(dt.date.today)
    kind = "quick_win"
    description = "Shared discharge pathway went live"
