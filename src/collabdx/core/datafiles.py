"""Where instrument, rules and theory files are found.

The packaged files (``collabdx/data/<kind>/``) come first. ``COLLABDX_DATA_PATH``
(directories separated by ``os.pathsep``, each holding ``instruments/`` and
``rules/`` like the package does) adds more: a new instrument version, with its
rules, is then usable by the library, the CLI and the web app without any change
to Python. The tests use it to drive a fixture readiness v2 end to end.
"""

from __future__ import annotations

import os
from functools import cache
from importlib import resources
from pathlib import Path

ENV_VAR = "COLLABDX_DATA_PATH"


@cache
def packaged_dir(kind: str) -> Path:
    """Cached: where the installed package lives does not change while it runs, and
    asking importlib.resources was a tenth of a survey submission's feedback."""
    return Path(str(resources.files("collabdx.data").joinpath(kind)))


def data_dirs(kind: str) -> tuple[Path, ...]:
    """Every directory holding files of ``kind`` ("instruments", "rules"), packaged first.

    Read on every call (the environment is cheap to read), so a test that sets the
    variable sees its files; callers cache what they parse, keyed by file."""
    extra = [
        Path(entry) / kind
        for entry in os.environ.get(ENV_VAR, "").split(os.pathsep)
        if entry.strip()
    ]
    return (packaged_dir(kind), *(d for d in extra if d.is_dir()))
