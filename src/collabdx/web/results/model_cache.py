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

Only the facilitator's own server process writes these files, into
``settings.GENERATED_DIR``, which nothing else writes to; the file holds exactly
what the page shows (no respondent ids, no row order), like the kept PDF.
"""

from __future__ import annotations

import functools
import hashlib
import pickle
from pathlib import Path

from collabdx.reports.model import ReportModel
from collabdx.web.collab.models import Wave
from collabdx.web.results import pack_files
from collabdx.web.results.data import load_wave
from collabdx.web.results.pack import wave_pack_model
from collabdx.web.results.release import results_released

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
            if path.is_file() and path.suffix in {".py", ".json", ".yaml", ".yml", ".csv"}:
                digest.update(path.relative_to(root).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def model_stamp(wave: Wave, k: int) -> str:
    blob = f"{pack_files.pack_stamp(wave, k)}-{_model_code()}".encode()
    return hashlib.sha256(blob).hexdigest()[:32]


def pack_model(wave: Wave, k: int) -> ReportModel:
    """``wave_pack_model(wave, load_wave(wave), k)``, from the kept file when the wave is
    released and nothing it is drawn from has changed. Raises what ``load_wave`` raises
    (a mixed-version wave is never kept)."""
    if not results_released(wave):
        return wave_pack_model(wave, load_wave(wave), k)
    stamp = model_stamp(wave, k)
    kept = pack_files.ready(wave.pk, stamp, MODEL)
    if kept is not None:
        try:
            model = pickle.loads(kept.read_bytes())  # noqa: S301 - our own file, see above
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError):
            model = None  # half-gone or from other code: draw it again
        if isinstance(model, ReportModel):
            return model
    model = wave_pack_model(wave, load_wave(wave), k)
    # Kept only if nothing changed while it was drawn (as the PDF task does).
    if model_stamp(wave, k) == stamp:
        pack_files.store(wave.pk, stamp, pickle.dumps(model, pickle.HIGHEST_PROTOCOL), MODEL)
    return model
