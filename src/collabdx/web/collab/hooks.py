"""What the base app needs from the apps built on it, registered by them at start-up.

``collab`` is the base app: survey, invitations, workshop and results import it, never
the reverse (the layers contract in pyproject.toml, run by ``lint-imports``). A few
things collab shows or does need data those apps own:

* a wave's response counts per partner (the collaboration and wave pages, the
  invitations page): the survey app, which owns responses;
* what happens when a wave closes (its e-mail invitations' addresses are forgotten);
* what the daily purge deletes (``lifecycle.purge_expired``), app by app;
* what each app puts in a wave's entry in the collaboration archive (``archive.py``);
* the action statements a wave's survey selected, as its report shows them (the
  workshop's actions page): the results app, which owns the kept report model.

The owning app registers a function here from its ``AppConfig.ready()`` and collab
calls whatever is registered, in ``INSTALLED_APPS`` order. Asking for the response
counts before the survey app registered them is a start-up bug, so it fails loudly
instead of showing a zero.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from collabdx.core.data_quality import QualityCheck
from collabdx.core.rules_model import Recommendation
from collabdx.web.collab.models import Wave


@dataclass(frozen=True)
class Purge:
    """What one app deleted in the daily purge: ``counts`` by ``lifecycle.Purged``
    field name; ``held``, the expired waves that still held its respondents' data
    (so a second run the same day reports none)."""

    counts: dict[str, int]
    held: frozenset[int] = field(default_factory=frozenset)


PartnerCounts = Callable[[Wave], tuple[dict[str, int], QualityCheck]]
WaveClosed = Callable[[Wave], None]
Purger = Callable[[list[int], dt.date], Purge]  # expired wave ids, today; in the transaction
FilePurger = Callable[[list[int]], Purge]  # after the transaction commits (files on disk)
ArchivePart = Callable[[Wave, int, dict[str, bytes]], dict[str, Any]]
# None when the wave's report shows no statements (not released, too few, mixed versions)
SurveySelection = Callable[[Wave], tuple[Recommendation, ...] | None]


@dataclass
class _Registry:
    partner_counts: PartnerCounts | None = None
    wave_closed: list[WaveClosed] = field(default_factory=list)
    purgers: list[Purger] = field(default_factory=list)
    file_purgers: list[FilePurger] = field(default_factory=list)
    archive_parts: list[ArchivePart] = field(default_factory=list)
    survey_selection: SurveySelection | None = None


_registry = _Registry()


def _add[T](hooks: list[T], fn: T) -> None:
    if fn not in hooks:  # ready() may run more than once (tests); register once
        hooks.append(fn)


def register(
    *,
    partner_counts: PartnerCounts | None = None,
    wave_closed: WaveClosed | None = None,
    purger: Purger | None = None,
    file_purger: FilePurger | None = None,
    archive_part: ArchivePart | None = None,
    survey_selection: SurveySelection | None = None,
) -> None:
    if partner_counts is not None:
        _registry.partner_counts = partner_counts
    if wave_closed is not None:
        _add(_registry.wave_closed, wave_closed)
    if purger is not None:
        _add(_registry.purgers, purger)
    if file_purger is not None:
        _add(_registry.file_purgers, file_purger)
    if archive_part is not None:
        _add(_registry.archive_parts, archive_part)
    if survey_selection is not None:
        _registry.survey_selection = survey_selection


def partner_counts(wave: Wave) -> tuple[dict[str, int], QualityCheck]:
    """Responses used per partner (every partner with a link, zero included) and the
    wave's data-quality check: the survey app's ``wave_data.used_partner_counts``."""
    if _registry.partner_counts is None:
        raise RuntimeError("no app registered a wave's response counts (is survey installed?)")
    return _registry.partner_counts(wave)


def wave_closed(wave: Wave) -> None:
    """Run each app's reaction to ``wave`` closing, inside the closing transaction."""
    for fn in _registry.wave_closed:
        fn(wave)


def purgers() -> list[Purger]:
    return list(_registry.purgers)


def file_purgers() -> list[FilePurger]:
    return list(_registry.file_purgers)


def archive_parts() -> list[ArchivePart]:
    return list(_registry.archive_parts)


def survey_selection(wave: Wave) -> tuple[Recommendation, ...] | None:
    """The statements ``wave``'s survey selected, from the same kept report model as its
    report page (the results app's ``model_cache.survey_selection``)."""
    if _registry.survey_selection is None:
        raise RuntimeError("no app registered the survey's selection (is results installed?)")
    return _registry.survey_selection(wave)
