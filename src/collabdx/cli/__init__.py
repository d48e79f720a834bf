"""The ``collabdx`` command line (``[project.scripts]`` names ``collabdx.cli:app``).

One module per group of commands, each registering its commands on the one Typer
app in :mod:`collabdx.cli.common`, in the order ``--help`` lists them:

* ``analysis``: ``score``, ``report`` (the workshop pack) and ``export``;
* ``psychometrics``: the researchers' analysis;
* ``reference``: ``theory export``, ``instrument show`` and ``instrument validate``;
* ``serve``: ``serve`` and ``worker``;
* ``admin``: ``backup``, ``restore`` and ``field-key``.
"""

from __future__ import annotations

from collabdx.cli import analysis, psychometrics, reference, serve  # noqa: F401 - they register
from collabdx.cli.admin import register as _register_admin_commands
from collabdx.cli.common import app

_register_admin_commands(app)

__all__ = ["app"]


def main() -> None:  # pragma: no cover
    app()
