"""The report model of a released wave, drawn once and kept (issue 15).

At an ICS's 20,000 responses drawing the model (reading the rows, the data-quality
check, scoring, reliability intervals, the research appendix) takes seconds, and a
released wave never changes: it cannot be reopened, so its responses are fixed. The
model is kept as a file beside the wave's kept PDF and exports
(``pack_files``), under the same *stamp*: the code release and everything the pack
is drawn from that can still change (the collaboration's context, partners and
links, the response counts of the waves its trends use, the workshop's rounds,
ratings and agreed levels, events, k). Any of those changing changes the stamp, so
the next request draws the model anew; retention deletes the file with the wave's
other kept files (``pack_files.delete_packs``).

Only the server's own processes write these files, into ``settings.GENERATED_DIR``;
each is sealed with a MAC under a key derived from ``SECRET_KEY`` and is unpickled only
after the MAC checks. The file holds exactly what the page shows (no respondent ids,
no row order), like the kept PDF.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import pickle
from pathlib import Path

from django.conf import settings

from collabdx.core.rules_model import Recommendation
from collabdx.reports.model import ReportModel
from collabdx.web.collab.models import Wave
from collabdx.web.results import pack_files
from collabdx.web.results.pack_loading import wave_pack_model
from collabdx.web.survey.wave_data import MixedInstrumentError, load_wave

MODEL = "model.pickle"


@functools.cache
def _model_code() -> str:
    """A hash of the code the model is drawn from beyond ``reports`` (which the pack's
    stamp covers): scoring, disclosure control, the data files and the web app's
    results and workshop code, so an edited rule in development draws models anew."""
    import collabdx

    root = Path(collabdx.__file__).parent
    digest = hashlib.sha256()
    for sub in ("core", "data", "web/results", "web/workshop"):
        for path in sorted((root / sub).rglob("*")):
            if path.is_file() and path.suffix in {".py", ".toml", ".json", ".yaml", ".yml", ".csv"}:
                digest.update(path.relative_to(root).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _mac(data: bytes) -> bytes:
    key = hashlib.sha256(b"collabdx.model_cache:" + settings.SECRET_KEY.encode()).digest()
    return hmac.new(key, data, hashlib.sha256).digest()


def _seal(model: ReportModel) -> bytes:
    data = pickle.dumps(model, pickle.HIGHEST_PROTOCOL)
    return _mac(data) + data


def _open(sealed: bytes) -> object | None:
    """The kept model, or None when the file is not one this server wrote with its
    secret key (changed on disk, cut short, or from another installation): a pickle is
    only ever read after its MAC checks, so a file dropped into the folder by anything
    else is never unpickled."""
    mac, data = sealed[:32], sealed[32:]
    if len(mac) < 32 or not hmac.compare_digest(mac, _mac(data)):
        return None
    try:
        return pickle.loads(data)  # noqa: S301  # nosec B301 - MAC checked above
    except (EOFError, pickle.UnpicklingError, AttributeError, ImportError):
        return None  # from other code: draw it again


def model_stamp(wave: Wave, k: int) -> str:
    blob = f"{pack_files.pack_stamp(wave, k)}-{_model_code()}".encode()
    return hashlib.sha256(blob).hexdigest()[:32]


def kept(wave_pk: int, stamp: str) -> ReportModel | None:
    """The model kept under ``stamp``, if there is one and its seal checks."""
    path = pack_files.ready(wave_pk, stamp, MODEL)
    if path is None:
        return None
    try:
        model = _open(path.read_bytes())
    except OSError:
        return None  # half-gone: draw it again
    return model if isinstance(model, ReportModel) else None


def draw(wave: Wave, k: int, stamp: str) -> ReportModel:
    """Draw the model from the responses and keep it under ``stamp`` if nothing changed
    while it was drawn (as the PDF task does). Raises what ``load_wave`` raises."""
    model = wave_pack_model(wave, load_wave(wave), k)
    if model_stamp(wave, k) == stamp:
        pack_files.store(wave.pk, stamp, _seal(model), MODEL)
    return model


def pack_model(wave: Wave, k: int) -> ReportModel:
    """``wave_pack_model(wave, load_wave(wave), k)``, from the kept file when the wave is
    released and nothing it is drawn from has changed. Raises what ``load_wave`` raises
    (a mixed-version wave is never kept)."""
    if not wave.results_released():
        return wave_pack_model(wave, load_wave(wave), k)
    stamp = model_stamp(wave, k)
    return kept(wave.pk, stamp) or draw(wave, k, stamp)


def survey_selection(wave: Wave) -> tuple[Recommendation, ...] | None:
    """The statements ``wave``'s survey selected, from the same kept model as its report
    page; None when its report shows none: before the results are released, when too few
    answered, or when the wave mixes instrument versions. The workshop's actions page
    asks for this through ``collab.hooks`` (workshop sits below results)."""
    if not wave.results_released():
        return None
    try:
        model = pack_model(wave, settings.MIN_GROUP_SIZE)
    except MixedInstrumentError:
        return None
    return None if model.withheld else tuple(model.recommendations)
