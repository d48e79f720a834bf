"""What the base app needs from the apps built on it, registered by them at start-up.

``collab`` is the base app: survey, invitations, workshop and results import it, never
the reverse (the layers contract in pyproject.toml, run by ``lint-imports``). A few
things collab shows or does need data those apps own:

* a wave's response counts per partner (the collaboration and wave pages, the
  invitations page): the survey app, which owns responses;
* what happens when a wave closes (its e-mail invitations' addresses are forgotten);
* what the daily purge deletes (``lifecycle.purge_expired``), app by app;
* what each app puts in a wave's entry in the collaboration archive (``archive.py``).

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


@dataclass
class _Registry:
    partner_counts: PartnerCounts | None = None
    wave_closed: list[WaveClosed] = field(default_factory=list)
    purgers: list[Purger] = field(default_factory=list)
    file_purgers: list[FilePurger] = field(default_factory=list)
    archive_parts: list[ArchivePart] = field(default_factory=list)


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
