"""Helpers for ``collabdx report`` (the workshop pack): its context options and atomic writes."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from collabdx.reports.sections import CollaborationContext


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """All at once or not at all: a temporary file beside ``path``, then a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(name, path)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise


def context_from_options(
    name: str | None,
    collaboration_type: str | None,
    mandated: bool | None,
    cross_sector: bool | None,
    stage: str | None,
) -> CollaborationContext:
    """The collaboration's context from the options; ValueError names a bad option.

    Type and stage are ids from the theory (Table 2, the Chapter 2 life cycle), so
    the pack can print their names; anything left out is "not recorded".
    """
    from collabdx.core.theory import load_theory

    theory = load_theory()
    for option, value, known in (
        ("--collaboration-type", collaboration_type, theory.collaboration_types),
        ("--stage", stage, theory.life_cycle_stages),
    ):
        if value is not None and value not in known:
            raise ValueError(f"{option}: unknown value {value!r}; choose one of {', '.join(known)}")
    return CollaborationContext(name or None, collaboration_type, mandated, cross_sector, stage)
