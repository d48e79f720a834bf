"""``collabdx serve`` forks warm workers (finding 2 in docs/reliability.md).

gunicorn runs with ``--preload`` and ``collabdx.web.wsgi`` warms the app up at import,
in the master, without opening a database connection that the forked workers would
share. The restart part of ``python -m reliability.run`` measures the effect live.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from reliability.env import Server, Target

from collabdx.cli.serve import control_socket_path, gunicorn_command

ROOT = Path(__file__).resolve().parents[2]


def test_serve_runs_gunicorn_with_preload() -> None:
    argv = gunicorn_command("127.0.0.1", 8123, 3)
    assert argv[:4] == [sys.executable, "-m", "gunicorn", "collabdx.web.wsgi:application"]
    assert "--preload" in argv
    assert argv[argv.index("--bind") + 1] == "127.0.0.1:8123"
    assert argv[argv.index("--workers") + 1] == "3"
    # No access log: it would record IP addresses.
    assert not any(a.startswith(("--access-log", "--access-logfile")) for a in argv)


def test_the_reliability_harness_starts_the_same_command(tmp_path: Path) -> None:
    server = Server(Target(db="sqlite", workdir=tmp_path, env={}), workers=2, name="t")
    argv = server.argv()
    expected = gunicorn_command("127.0.0.1", server.port, 2, control_socket=tmp_path / "t.ctl")
    assert argv[: len(expected)] == expected


def test_every_server_gets_its_own_control_socket_or_none(tmp_path: Path) -> None:
    """gunicorn 27's default is one socket for every server on the host (bug 8); the
    live check is tests/reliability/test_serve_live.py."""
    default = gunicorn_command("127.0.0.1", 8123, 1)
    assert "--no-control-socket" in default and "--control-socket" not in default
    own = gunicorn_command("127.0.0.1", 8123, 1, control_socket=tmp_path / "a.ctl")
    assert own[own.index("--control-socket") + 1] == str(tmp_path / "a.ctl")
    a, b = (control_socket_path(tmp_path / "data", p) for p in (8001, 8002))
    assert a and b and a != b and a.parent == (tmp_path / "data").resolve() / "run"
    assert control_socket_path(tmp_path / ("x" * 120), 8001) is None  # too long for AF_UNIX


WARM_CHECK = textwrap.dedent(
    """
    import json, sys
    import collabdx.web.wsgi
    from django.db import connections
    from django.template import engines
    from collabdx.core.instruments import load_instrument

    jinja = [e.env for e in engines.all() if hasattr(e, "env")][0]
    print(json.dumps({
        "connections": [c.connection is not None for c in connections.all()],
        "urls": "collabdx.web.urls" in sys.modules,
        "survey_views": "collabdx.web.survey.views" in sys.modules,
        "templates": len(jinja.cache or {}),
        "base_cached": any("base.jinja" in str(k) for k in (jinja.cache or {})),
        "instruments_cached": load_instrument.cache_info().currsize,
    }))
    """
)


def test_wsgi_module_warms_up_without_a_database_connection(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DEBUG")}
    env.update(
        DJANGO_SETTINGS_MODULE="collabdx.web.settings",
        COLLABDX_DATA_DIR=str(tmp_path / "data"),
        COLLABDX_ENV="development",
        PYTHONWARNINGS="ignore",
    )
    done = subprocess.run(
        [sys.executable, "-c", WARM_CHECK],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    got = json.loads(done.stdout.strip().splitlines()[-1])
    assert got["connections"] and not any(got["connections"]), got
    assert got["urls"] and got["survey_views"], got
    assert got["templates"] > 50 and got["base_cached"], got
    assert got["instruments_cached"] >= 1, got
