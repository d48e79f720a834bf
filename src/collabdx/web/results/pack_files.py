"""Files made in the background and kept on disk: workshop pack PDFs, and the
exports of large waves.

A PDF takes seconds of WeasyPrint; a request must not wait on it (issue 15), so the
download view asks for it here, a task (``results.tasks.render_pack_pdf``) draws it,
and the view offers the file once it is there.

A pack is kept under a *stamp*: a hash of the code release and of everything the
pack is drawn from (the wave, the collaboration's context, the response counts of
the waves its trends use, the workshop's rounds and agreed levels, events, k). A
closed wave's stamp stays the same, so its pack is drawn once and served from then
on; anything that would change the pack changes the stamp, and the old file is
replaced. Files of a wave past retention are deleted with its responses
(``collab.lifecycle.purge_expired``).

The task draws the pack exactly as the request did before (``wave_pack_model``,
``render_pack``, ``html_to_pdf``), under the same disclosure control; access checks
and the download log stay with the request that hands the file over.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import time
from importlib import metadata
from pathlib import Path

from django.conf import settings
from django.db.models import Count

from collabdx.web.collab.models import Wave
from collabdx.web.survey.models import Response
from collabdx.web.workshop.models import MaturityAgreement

# A queued marker older than this is taken as a task that died with its worker.
STALE_AFTER_SECONDS = 15 * 60


@functools.cache
def code_release() -> str:
    """The installed collabdx version plus a hash of the report code and templates: a
    new release (or an edited template in development) draws packs anew."""
    import collabdx.reports as reports

    root = Path(reports.__file__).parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix in {".py", ".jinja", ".html", ".css", ".svg"}:
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    try:
        version = metadata.version("collabdx")
    except metadata.PackageNotFoundError:  # pragma: no cover - always installed
        version = "0"
    return f"{version}-{digest.hexdigest()[:12]}"


def pack_stamp(wave: Wave, k: int) -> str:
    """The hash of everything ``wave``'s pack is drawn from (a handful of small queries)."""
    collab = wave.collaboration
    waves = list(
        Wave.objects.filter(collaboration_id=collab.pk)
        .order_by("pk")
        .values_list("pk", "name", "opens_on", "closes_on", "closed_on", "instrument_id",
                     "instrument_version")
    )  # fmt: skip
    counts = sorted(
        Response.objects.filter(wave__collaboration_id=collab.pk)
        .values_list("wave_id", "partner_id")
        .annotate(n=Count("pk"))
    )
    state = {
        "release": code_release(),
        "k": k,
        "wave": wave.pk,
        "collab": [collab.name, collab.collaboration_type, collab.mandated,
                   collab.cross_sector, collab.life_cycle_stage, collab.is_demo],
        "waves": waves,
        "partners": sorted(collab.partners.values_list("pk", "name")),
        "links": sorted(wave.links.values_list("pk", "partner_id")),
        "responses": counts,
        "rounds": sorted(wave.rating_rounds.values_list("pk", "number", "opened_on",
                                                        "closed_on")),
        "ratings": wave.maturity_ratings.count(),
        "agreed": sorted(wave.maturity_agreements.values_list(
            "element_id", "agreed_level", "rationale", "actions", "recorded_on")),
        "events": sorted(collab.events.values_list("pk", "happened_on", "kind",
                                                   "description")),
        # What moved (reports.moved): the previous waves' adopted actions and agreed levels.
        # Not this wave's own: adopting from its report must not send a large wave's
        # report back to "being prepared" (the page reads its adopted set itself).
        "plan": sorted(collab.plan_items.exclude(adopted_in_id=wave.pk).values_list(
            "action_id", "adopted_in_id", "owner_name", "due_on")),
        "agreed_all": sorted(MaturityAgreement.objects.filter(wave__collaboration_id=collab.pk)
                             .values_list("wave_id", "element_id", "agreed_level")),
    }  # fmt: skip
    blob = json.dumps(state, default=str, sort_keys=True).encode()
    return hashlib.sha256(blob).hexdigest()[:32]


# What a wave's kept files are: the pack, an export per format, the report model
# (``model_cache``) and the research downloads (``research.<format>``).
PACK = "pack.pdf"


def pack_dir() -> Path:
    return Path(settings.GENERATED_DIR) / "packs"


def pack_path(wave_pk: int, stamp: str, kind: str = PACK) -> Path:
    """``kind`` is ``pack.pdf`` or ``export.<format>``."""
    name, ext = kind.split(".")
    return pack_dir() / f"wave-{wave_pk}-{name}-{ext}-{stamp}.{ext}"


def _marker(wave_pk: int, stamp: str, kind: str, what: str = "queued") -> Path:
    path = pack_path(wave_pk, stamp, kind)
    return path.with_name(path.name + f".{what}")


def ready(wave_pk: int, stamp: str, kind: str = PACK) -> Path | None:
    path = pack_path(wave_pk, stamp, kind)
    return path if path.is_file() else None


def failed(wave_pk: int, stamp: str, kind: str = PACK) -> str | None:
    """Why the task made no file (e.g. mixed survey versions), if it said so."""
    try:
        return _marker(wave_pk, stamp, kind, "failed").read_text(encoding="utf-8")
    except FileNotFoundError:
        return None


def fail(wave_pk: int, stamp: str, kind: str, message: str) -> None:
    marker = _marker(wave_pk, stamp, kind, "failed")
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text(message, encoding="utf-8")


# A failure marker starting with this is a task that broke (an unexpected error), not a
# refusal (under k, mixed survey versions): the page offers "Try again" for it.
BROKE = "broke: "


def clear_failure(wave_pk: int, stamp: str, kind: str = PACK) -> None:
    """Forget a failure, so the next request queues the task again ("Try again")."""
    _marker(wave_pk, stamp, kind, "failed").unlink(missing_ok=True)


def claim_queue(wave_pk: int, stamp: str, kind: str = PACK) -> bool:
    """True when the caller should enqueue the task: nobody has, or the one who did
    is long gone. Creating the marker is atomic, so two requests queue one task."""
    marker = _marker(wave_pk, stamp, kind)
    marker.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        try:
            age = time.time() - marker.stat().st_mtime
        except FileNotFoundError:
            return claim_queue(wave_pk, stamp, kind)  # the task has just finished
        if age < STALE_AFTER_SECONDS:
            return False
        marker.touch()
        return True
    os.close(fd)
    return True


def release_queue(wave_pk: int, stamp: str, kind: str = PACK) -> None:
    _marker(wave_pk, stamp, kind).unlink(missing_ok=True)


def store(wave_pk: int, stamp: str, data: bytes, kind: str = PACK) -> Path:
    """Write the file atomically (a reader never sees half a file) and remove the same
    wave's files of this kind under older stamps."""
    path = pack_path(wave_pk, stamp, kind)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    name, ext = kind.split(".")
    for old in path.parent.glob(f"wave-{wave_pk}-{name}-{ext}-*"):
        if old != path and not old.name.endswith(".queued"):
            old.unlink(missing_ok=True)
    return path


def delete_packs(wave_pks: list[int]) -> int:
    """Delete every kept file (and marker) of these waves; the number of files deleted."""
    deleted = 0
    root = pack_dir()
    if not root.is_dir():
        return 0
    for pk in wave_pks:
        for path in root.glob(f"wave-{pk}-*"):
            deleted += path.suffix in {".pdf", ".csv", ".xlsx", ".json", ".zip", ".sav", ".dta"}
            path.unlink(missing_ok=True)
    return deleted
