"""Every write of the respondent journey: drafts, submission, housekeeping.

A draft is found by ``sha256(secret)``, where the secret lives only in the
respondent's session. Submitting is idempotent: the draft's key goes into a
``SubmissionReceipt`` (unique) in the same transaction as the ``Response``, so a
replayed, double-clicked or parallel submit stores nothing more. Nothing written
here links a response to the device, the session, the receipt or the time of day.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction

from collabdx.core.answers import check_answers
from collabdx.core.instruments import Block, Instrument, load_instrument
from collabdx.web.collab.models import PartnerLink, Wave
from collabdx.web.invitations import services as invitations
from collabdx.web.survey.models import Draft, Response, SubmissionReceipt

Answer = int | str | None


class SurveyError(ValueError):
    """A request the journey cannot accept (the view decides what the user sees)."""


class WaveNotOpen(SurveyError):
    """The wave is not open today: no answers are accepted."""


class InvalidAnswers(SurveyError):
    """Answers that do not fit the instrument (unknown item, code out of range)."""


class DraftMissing(SurveyError):
    """No live draft for this secret: never started, expired, or already submitted."""


class Incomplete(SurveyError):
    """A required answer is missing; ``page`` is the first page (1-based) lacking one."""

    def __init__(self, page: int) -> None:
        super().__init__(f"page {page} has a required answer missing")
        self.page = page


@dataclass(frozen=True)
class Submitted:
    """The stored answers (for the respondent's own feedback); nothing else."""

    answers: dict[str, int | str]


@dataclass(frozen=True)
class AlreadySubmitted:
    """This draft was submitted before: nothing was stored this time."""


@dataclass(frozen=True)
class InvitationUsed:
    """The single-use invitation or code has been used: nothing was stored this time."""


@dataclass(frozen=True)
class MayAnswer:
    """Nothing stops this browser from starting or going on with a response."""


@dataclass(frozen=True)
class AnsweredHere:
    """A response to this wave has already been sent from this browser."""


StartDecision = MayAnswer | AnsweredHere


def may_start_response(link: PartnerLink, *, answered_here: Collection[int]) -> StartDecision:
    """Whether a browser may start, go on with, or send a response through ``link``.

    One place for every "may this person answer?" check, asked by the start page,
    every survey page, the check page and submit alike (issue 12, attack 1). Today
    it asks only whether this browser has answered the wave already (the signed
    cookie of ``survey.answered``); single-use invitations (a later issue) add their
    check here, as another argument and another outcome, so no view needs to change
    its order of checks. A read: it writes nothing.

    Whether a single-use invitation or code has been used is deliberately not asked
    here but only when answers are sent (``submit_response``): a facilitator holds
    the printed codes, and a start page that said "used" would let them count a
    small partner's responses while the wave is open (docs/security.md).
    """
    if link.wave_id in answered_here:
        return AnsweredHere()
    return MayAnswer()


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def draft_key(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def today() -> dt.date:
    return dt.date.today()


def wave_is_open(wave: Wave, on: dt.date | None = None) -> bool:
    return wave.is_open(on or today())


def instrument_for(wave: Wave) -> Instrument:
    """The instrument version the wave was opened with, never simply the newest."""
    return load_instrument(wave.instrument_id, wave.instrument_version)


# ------------------------------------------------------------------ validation


def check_page_answers(instrument: Instrument, block: Block, answers: Mapping[str, Answer]) -> None:
    """Every answer belongs to this block and fits its item; raises InvalidAnswers."""
    checked = check_answers(instrument, answers, block=block)
    if checked.problems:
        raise InvalidAnswers(checked.problems[0].message)


def complete_answers(instrument: Instrument, answers: Mapping[str, object]) -> dict[str, int | str]:
    """The answers to store: validated against the whole instrument, blanks left out."""
    checked = check_answers(instrument, answers, complete=True)
    wrong = [p for p in checked.problems if p.kind != "missing"]
    if wrong:
        raise InvalidAnswers(wrong[0].message)
    if checked.first_incomplete_page is not None:
        raise Incomplete(checked.first_incomplete_page)
    return checked.answers


# ------------------------------------------------------------------ drafts


def find_draft(link: PartnerLink, secret: str | None, on: dt.date | None = None) -> Draft | None:
    """The live draft for this secret and link, or None. Read-only: an expired draft
    is ignored here and deleted by the next write (``purge_expired_drafts``)."""
    if not secret:
        return None
    on = on or today()
    return Draft.objects.filter(key=draft_key(secret), link=link, expires_on__gte=on).first()


def purge_expired_drafts(on: dt.date | None = None) -> int:
    """Delete every draft past its expiry date; returns how many."""
    on = on or today()
    deleted, _ = Draft.objects.filter(expires_on__lt=on).delete()
    return deleted


@transaction.atomic
def save_page(
    link: PartnerLink,
    secret: str,
    block: Block,
    answers: Mapping[str, Answer],
    on: dt.date | None = None,
) -> Draft:
    """Save one page's answers into the draft for ``secret``, creating it if needed.

    ``answers`` has every item of the page; None removes an earlier answer (an
    optional question cleared). Expired drafts, this one included, are deleted first.
    """
    on = on or today()
    if not wave_is_open(link.wave, on):
        raise WaveNotOpen(link.wave.name)
    instrument = instrument_for(link.wave)
    if block not in instrument.blocks:
        raise InvalidAnswers(f"block {block.id!r} is not in {instrument.key}")
    check_page_answers(instrument, block, answers)
    purge_expired_drafts(on)
    key = draft_key(secret)
    expires = on + dt.timedelta(days=settings.DRAFT_DAYS)
    draft, _ = Draft.objects.get_or_create(
        key=key, defaults={"link": link, "answers": {}, "updated_on": on, "expires_on": expires}
    )
    draft = Draft.objects.select_for_update().get(pk=draft.pk)
    if draft.link_id != link.pk:
        raise DraftMissing("this draft belongs to another link")
    merged = dict(draft.answers)
    for item_id, value in answers.items():
        if value in (None, ""):
            merged.pop(item_id, None)
        else:
            merged[item_id] = value
    draft.answers = merged
    draft.updated_on = on
    draft.expires_on = expires
    draft.save(update_fields=["answers", "updated_on", "expires_on"])
    return draft


@transaction.atomic
def discard_draft(link: PartnerLink, secret: str) -> None:
    """"Start again": forget the answers saved so far."""
    Draft.objects.filter(key=draft_key(secret), link=link).delete()
    purge_expired_drafts()


# ------------------------------------------------------------------ submission


def was_submitted(key: str) -> bool:
    return SubmissionReceipt.objects.filter(key=key).exists()


def submit_response(
    link: PartnerLink,
    secret: str,
    on: dt.date | None = None,
    *,
    invitation_token: str | None = None,
) -> Submitted | AlreadySubmitted | InvitationUsed:
    """Store the draft as a Response, exactly once.

    In one transaction: lock the draft, validate it against the wave's instrument,
    lock the wave (an early close, and other submits, wait for this one), mark the
    single-use invitation used if the journey came through one (a conditional
    update: a used one stores nothing), insert the receipt (unique key: a second
    submit fails here and stores nothing), create the response with the date only,
    rewrite the wave's invitation rows (``invitations.blur``: the ballot box),
    delete the draft.
    """
    on = on or today()
    wave = link.wave
    if not wave_is_open(wave, on):
        raise WaveNotOpen(wave.name)
    key = draft_key(secret)
    instrument = instrument_for(wave)
    try:
        with transaction.atomic():
            draft = (
                Draft.objects.select_for_update()
                .filter(key=key, link=link, expires_on__gte=on)
                .first()
            )
            if draft is None:
                if was_submitted(key):
                    return AlreadySubmitted()
                raise DraftMissing("no saved answers")
            answers = complete_answers(instrument, draft.answers)
            # Only the column asked for: the lock is on the row all the same.
            locked = Wave.objects.select_for_update().filter(pk=wave.pk)
            if locked.values_list("closed_on", flat=True).get() is not None:
                # Closed early since this request read the wave: its results may be
                # showing already, and one more response would change them.
                raise WaveNotOpen(wave.name)
            if invitation_token is not None and not invitations.use(invitation_token):
                return InvitationUsed()
            SubmissionReceipt.objects.create(key=key, wave=wave)
            Response.objects.create(
                wave=wave,
                partner=link.partner,
                instrument_id=wave.instrument_id,
                instrument_version=wave.instrument_version,
                answers=answers,
                submitted_on=on,
            )
            invitations.blur(wave.pk)
            draft.delete()
    except IntegrityError:
        # A parallel submit of the same draft committed its receipt first.
        if was_submitted(key):
            return AlreadySubmitted()
        raise
    return Submitted(answers)
