"""Turn a wave's stored responses into a core ``ResponseSet``.

Responses are scored against the instrument id and version stored on each
response row, never the newest version and never the wave's current setting, so
an old wave keeps meaning what it meant when it was collected. A wave uses one
instrument version; rows that disagree are refused rather than mixed.

Respondent ids are drawn afresh on every call and rows are shuffled, so neither
the ids nor the order can be matched to a ``Response`` (its UUID is never used)
or to the order of submission.

The partner whose link was used is authoritative for "which organisation", so
the organisation descriptor (Q3) is filled with the partner's name; what a
respondent typed into Q3 is never read.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Mapping
from dataclasses import dataclass

from collabdx.core.instruments import Instrument, load_instrument
from collabdx.core.responses import ResponseSet, from_records
from collabdx.web.collab.models import Wave
from collabdx.web.survey.models import Response

_rng = random.SystemRandom()


class MixedInstrumentError(ValueError):
    """A wave whose responses were collected with more than one instrument version."""


@dataclass(frozen=True)
class WaveData:
    """A wave's responses, and how many came through each partner's link.

    ``partner_counts`` lists every partner that had a link in the wave (zero
    included: the list is fixed in advance), in name order, counted from the same
    rows as ``responses``.
    """

    responses: ResponseSet
    partner_counts: dict[str, int]


def _instrument_of(wave: Wave, rows: list[Response]) -> Instrument:
    versions = sorted({(r.instrument_id, r.instrument_version) for r in rows})
    if len(versions) > 1:
        found = ", ".join(f"{i} version {v}" for i, v in versions)
        raise MixedInstrumentError(
            f"{wave.name} holds responses to more than one survey version ({found}); "
            "they cannot be scored as one group"
        )
    instrument_id, version = versions[0] if versions else (
        wave.instrument_id, wave.instrument_version
    )
    return load_instrument(instrument_id, version)


def _code(value: object, allowed: tuple[int, ...]) -> int | None:
    """A stored answer as a valid code for its item, or None (treated as unanswered)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, int) and value in allowed:
        return value
    return None


def _record(
    instrument: Instrument, answers: object, organisation_item: str | None, organisation: str
) -> dict[str, object]:
    stored = answers if isinstance(answers, Mapping) else {}
    record: dict[str, object] = {}
    for item in instrument.choice_items:
        record[item.id] = _code(stored.get(item.id), item.codes)
    # Free text other than the organisation is not used by any report.
    if organisation_item is not None:
        record[organisation_item] = organisation
    return record


def _random_ids(n: int) -> list[str]:
    ids: set[str] = set()
    while len(ids) < n:
        ids.add(secrets.token_hex(6))
    out = list(ids)
    _rng.shuffle(out)
    return out


def load_wave(wave: Wave) -> WaveData:
    """The wave's responses with random ids in random order, and per-partner counts."""
    rows = list(Response.objects.filter(wave=wave).select_related("partner"))
    instrument = _instrument_of(wave, rows)
    _rng.shuffle(rows)
    org = instrument.descriptor_item("organisation")
    org_item = org.id if org is not None and org.type == "text" else None
    records = [_record(instrument, r.answers, org_item, r.partner.name) for r in rows]
    responses = from_records(instrument, records, ids=_random_ids(len(records)))

    counts = {link.partner.name: 0 for link in wave.links.select_related("partner")}
    for r in rows:
        counts[r.partner.name] = counts.get(r.partner.name, 0) + 1
    ordered = dict(sorted(counts.items(), key=lambda kv: (kv[0].casefold(), kv[0])))
    return WaveData(responses, ordered)


def wave_responses(wave: Wave) -> ResponseSet:
    """The wave's responses as a ``ResponseSet``, scored against the rows' own version."""
    return load_wave(wave).responses
