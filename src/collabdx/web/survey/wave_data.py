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

This is the one place the web app reads a wave's responses for results, so the
data-quality check (``core.data_quality``) is applied here: responses it sets aside
(exact repeats, straight-lining) are left out of every figure, count, k decision
and download, on every page, and open waves' counts use the same rule
(``used_partner_counts``) so they agree with the report once the wave closes.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings

from collabdx.core.answers import stored_code
from collabdx.core.data_quality import QualityCheck, Row, check_quality
from collabdx.core.instruments import Instrument, load_instrument
from collabdx.core.responses import ResponseSet, from_records
from collabdx.core.wave_counts import total_pins_a_partner
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
    rows as ``responses``. ``quality`` says how many were set aside (wave level).
    """

    responses: ResponseSet
    partner_counts: dict[str, int]
    quality: QualityCheck


def _instrument_of(wave: Wave, versions_seen: set[tuple[str, str]]) -> Instrument:
    versions = sorted(versions_seen)
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


def _record(
    instrument: Instrument, answers: object, organisation_item: str | None, organisation: str
) -> dict[str, object]:
    stored = answers if isinstance(answers, Mapping) else {}
    record: dict[str, object] = {}
    for item in instrument.choice_items:
        record[item.id] = stored_code(item, stored.get(item.id))
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


def _quality_row(instrument: Instrument, key: object, partner: str, answers: object) -> Row:
    stored = answers if isinstance(answers, Mapping) else {}
    codes = {item.id: stored_code(item, stored.get(item.id)) for item in instrument.choice_items}
    return Row(str(key), partner, codes)


def _ordered_counts(wave: Wave, partners: list[str]) -> dict[str, int]:
    counts = {link.partner.name: 0 for link in wave.links.select_related("partner")}
    for name in partners:
        counts[name] = counts.get(name, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: (kv[0].casefold(), kv[0])))


def load_wave(wave: Wave, k: int | None = None) -> WaveData:
    """The wave's responses the results use (after the data-quality check), with
    random ids in random order, and per-partner counts of the same rows.

    When the exact total would pin a partner's count (``core.wave_counts.
    total_pins_a_partner``: every partner under k, the total at its largest), the
    responses come back empty, so every page and download treats the wave as one
    too small to show; the partner counts stay, for the wave page's own decision."""
    # Plain tuples, not a model object per response: at an ICS's 20,000+ responses the
    # objects cost more than the scoring (issue 15).
    rows = list(
        Response.objects.filter(wave=wave).values_list(
            "pk", "partner__name", "instrument_id", "instrument_version", "answers"
        )
    )
    instrument = _instrument_of(wave, {(r[2], r[3]) for r in rows})
    quality = check_quality(
        instrument, [_quality_row(instrument, pk, name, a) for pk, name, _, _, a in rows]
    )
    rows = [r for r in rows if str(r[0]) in quality.kept]
    _rng.shuffle(rows)
    org = instrument.descriptor_item("organisation")
    org_item = org.id if org is not None and org.type == "text" else None
    records = [_record(instrument, a, org_item, name) for _, name, _, _, a in rows]
    counts = _ordered_counts(wave, [name for _, name, _, _, _ in rows])
    if total_pins_a_partner(counts, k or settings.MIN_GROUP_SIZE):
        records = []  # (under k, every caller refuses by itself)
    responses = from_records(instrument, records, ids=_random_ids(len(records)))
    return WaveData(responses, counts, quality)


def used_partner_counts(wave: Wave) -> tuple[dict[str, int], QualityCheck]:
    """Responses per partner (zeros included, name order) that the results use, and
    what the check set aside: the same rule as ``load_wave``, without building the
    response set, for the counts every facilitator page shows. A wave holding more
    than one survey version (refused by the results) is checked per version here, so
    its counts can still be shown."""
    rows = list(
        Response.objects.filter(wave=wave).values_list(
            "pk", "partner__name", "instrument_id", "instrument_version", "answers"
        )
    )
    kept: list[str] = []
    total = QualityCheck(frozenset(), 0, 0)
    for version in sorted({(r[2], r[3]) for r in rows}):
        instrument = load_instrument(*version)
        mine = [r for r in rows if (r[2], r[3]) == version]
        quality = check_quality(
            instrument, [_quality_row(instrument, pk, name, a) for pk, name, _, _, a in mine]
        )
        kept += [name for pk, name, _, _, _ in mine if str(pk) in quality.kept]
        total = QualityCheck(
            total.kept | quality.kept,
            total.repeats + quality.repeats,
            total.straight_lined + quality.straight_lined,
        )
    return _ordered_counts(wave, kept), total


def wave_responses(wave: Wave) -> ResponseSet:
    """The wave's responses as a ``ResponseSet``, scored against the rows' own version."""
    return load_wave(wave).responses
