"""What the background worker makes, as a request sees it (issue 15): ready, being
prepared, refused, or broken.

Every kind of kept file (the pack PDF, large exports, the report model, the research
downloads) goes through :func:`ensure`: the first request queues the task, later ones
see it queued, and the task leaves either the file or a *failure marker*
(``pack_files.fail``). A refusal (under k, mixed survey versions) is final for the
stamp; a task that broke (``pack_files.BROKE``) is shown as an error page with a
"Try again" button, and is never queued again by a GET, so a task that always fails
cannot loop. Only the button (a POST, with CSRF) clears the failure (:func:`retry`).

The status pages say as little as the report's own refusal pages: the wave's name and
what is being made, never a count or anything about a respondent.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from collabdx.web.collab.models import Wave
from collabdx.web.results import pack_files, refusals

logger = logging.getLogger("collabdx.tasks")

# The HTTP status of a "being prepared" page: 202 Accepted, so the page's polite check
# (static/collabdx/init.js) can tell "still working" from "ready" without reading it.
PREPARING = 202
BROKEN = 500


@dataclass(frozen=True)
class Ready:
    path: Path


@dataclass(frozen=True)
class Preparing:
    pass


@dataclass(frozen=True)
class Broke:
    """The task stopped with an unexpected error (logged by the worker)."""


@dataclass(frozen=True)
class Refused:
    """The task would not make it: ``"refused"`` (under k) or a problem's message."""

    reason: str


State = Ready | Preparing | Broke | Refused


def _now(wave_pk: int, stamp: str, kind: str) -> State:
    path = pack_files.ready(wave_pk, stamp, kind)
    if path is not None:
        return Ready(path)
    reason = pack_files.failed(wave_pk, stamp, kind)
    if reason is None:
        return Preparing()
    if reason.startswith(pack_files.BROKE):
        return Broke()
    return Refused(reason)


def ensure(wave_pk: int, stamp: str, kind: str, enqueue: Callable[[], object]) -> State:
    """The state of ``kind`` under ``stamp``, queueing its task if nobody has (and it
    has not failed: a failure stays until "Try again")."""
    if isinstance(_now(wave_pk, stamp, kind), Preparing) and pack_files.claim_queue(
        wave_pk, stamp, kind
    ):
        try:
            enqueue()
        except Exception:
            pack_files.release_queue(wave_pk, stamp, kind)
            raise
    # Looked at after queueing: the immediate backend (tests) has run the task by now.
    return _now(wave_pk, stamp, kind)


def retry(wave_pk: int, stamp: str, kind: str) -> None:
    """Forget that the task broke, so the next GET queues it once more."""
    if isinstance(_now(wave_pk, stamp, kind), Broke):
        pack_files.clear_failure(wave_pk, stamp, kind)


def run_guarded(wave_pk: int, stamp: str, kind: str, what: str, work: Callable[[], str]) -> str:
    """Run a task's ``work``; if it raises, log it with its traceback and leave a
    failure marker (the page then says what failed and offers "Try again") instead of
    letting the next request queue it again. The queue marker is always released."""
    try:
        return work()
    except Exception:
        logger.exception("Background task failed: %s of wave %s (stamp %s)", what, wave_pk, stamp)
        pack_files.fail(wave_pk, stamp, kind, pack_files.BROKE + what)
        return "failed"
    finally:
        pack_files.release_queue(wave_pk, stamp, kind)


def status_page(request: HttpRequest, wave: Wave, state: State, *, what: str, label: str,
                status_url: str, download_url: str = "") -> HttpResponse:
    """The page of a file made in the background: being prepared (202), ready (200,
    with the download link) or broken (500, with "Try again"). ``download_url`` empty:
    the page itself (the report, the research page) appears at ``status_url`` once
    ready."""
    status = {Ready: 200, Preparing: PREPARING, Broke: BROKEN}[type(state)]
    return render(request, "results/pack_status.jinja", {
        "collab": wave.collaboration, "wave": wave, "state": type(state).__name__.lower(),
        "what": what, "label": label, "status_url": status_url, "download_url": download_url,
        "report_url": reverse("results:report", args=[wave.collaboration_id, wave.pk]),
    }, status=status)  # fmt: skip


def status_view(request: HttpRequest, wave: Wave, *, kind: str,
                state_of: Callable[[], HttpResponse | State], what: str, label: str,
                status_url: str, download_url: str) -> HttpResponse:
    """The body every background file's status URL shares: a POST ("Try again")
    forgets a broken task and comes back here, so the GET queues it once more; a GET
    shows the refusal page ``state_of`` gives, or the file's state."""
    if request.method == "POST":
        retry(wave.pk, pack_files.pack_stamp(wave, settings.MIN_GROUP_SIZE), kind)
        return redirect(status_url)
    state = state_of()
    if isinstance(state, HttpResponse):
        return state
    return status_page(request, wave, state, what=what, label=label, status_url=status_url,
                       download_url=download_url)  # fmt: skip


def file_state(request: HttpRequest, wave: Wave, kind: str,
               enqueue: Callable[[str], object]) -> HttpResponse | State:
    """The state of ``wave``'s kept file of ``kind`` under its current stamp, queueing
    its task (``enqueue(stamp)``) if needed; a refusal the task kept (too few, mixed
    versions) becomes the report's own refusal page. Callers check release first."""
    k = settings.MIN_GROUP_SIZE
    stamp = pack_files.pack_stamp(wave, k)
    state = ensure(wave.pk, stamp, kind, lambda: enqueue(stamp))
    if isinstance(state, Refused):
        if state.reason == "refused":
            return refusals.too_few(request, wave, k)
        return refusals.problem(request, wave, state.reason)
    return state
