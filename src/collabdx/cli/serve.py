"""``collabdx serve`` and ``collabdx worker``, with what they need: the gunicorn
command line (the reliability and benchmark harnesses start the same), its control
socket, and the background worker that runs beside it."""

from __future__ import annotations

import ctypes
import hashlib
import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Annotated

import typer

from collabdx.cli.common import app, fail, out

# A Unix socket path has room for 107 bytes (sun_path); keep well inside it.
MAX_SOCKET_PATH = 100


def control_socket_path(data_dir: Path, port: int) -> Path | None:
    """This server's own gunicorn control socket (for ``gunicornc -s PATH``), in its data
    directory and named by its port, so that no two servers on a host share one.

    gunicorn 27 otherwise gives every master on the host the same path
    (``~/.gunicorn/gunicorn.ctl``): a second server took over the first one's socket
    (issue 17, bug 8). None when the path would be too long for a Unix socket; the
    server then runs without one.
    """
    path = data_dir.resolve() / "run" / f"gunicorn-{port}.ctl"
    return path if len(os.fsencode(path)) <= MAX_SOCKET_PATH else None


def gunicorn_command(
    host: str, port: int, workers: int, *, control_socket: Path | None = None
) -> list[str]:
    """The gunicorn command line ``collabdx serve`` runs (reliability/ starts the same).

    ``--preload`` imports the app once in the master, warmed up by
    ``collabdx.web.wsgi`` (URL conf, views and their scientific libraries, templates),
    and forks workers that share it: a new or replacement worker answers at once
    instead of importing for seconds on its first request (docs/reliability.md,
    finding 2). A code change therefore needs a restart of the whole server, not a
    HUP. gunicorn writes no access log unless asked, so no IP address is ever logged.
    Without ``control_socket`` the server has no control socket at all, rather than
    the one path gunicorn would share between every server on the host.
    """
    control = ["--control-socket", str(control_socket)] if control_socket else [
        "--no-control-socket"
    ]
    return [
        sys.executable, "-m", "gunicorn", "collabdx.web.wsgi:application",
        "--bind", f"{host}:{port}", "--workers", str(workers), "--graceful-timeout", "10",
        "--preload", "--config", "python:collabdx.web.gunicorn_hooks", *control,
    ]  # fmt: skip


# prctl(2) option: the signal a child receives when the thread that started it ends.
PR_SET_PDEATHSIG = 1


def worker_command(*, queue: str = "default", interval: float = 1.0,
                   batch: bool = False, nice: int | None = None) -> list[str]:
    """The background worker's command line: django-tasks-db's ``db_worker`` through
    ``collabdx worker`` (the same code whether ``serve`` starts it or an operator runs
    it on another machine). ``nice``: its niceness increment (None: the setting)."""
    cmd = [sys.executable, "-m", "collabdx.cli", "worker", "--queue", queue,
           "--interval", str(interval)]  # fmt: skip
    cmd += ["--nice", str(nice)] if nice is not None else []
    return [*cmd, "--batch"] if batch else cmd


def lower_priority(increment: int) -> int:
    """Add ``increment`` to this process's niceness (as ``nice -n``); its new niceness.

    Why: the worker that ``serve`` starts shares the web server's cores. A PDF or a
    large export is a second or more of CPU; at the same priority it takes a core from
    the respondents' requests for all that time (their p99 went from 0.14 s to about
    1 s while facilitators downloaded, docs/benchmarks.md). At a lower priority the
    scheduler gives respondents the cores first and the file is made in the time they
    leave. The facilitator follows a "being prepared" page meanwhile; on a saturated
    machine that wait grows (docs/benchmarks.md), which is the trade made on purpose."""
    return os.nice(increment) if increment > 0 else os.nice(0)


def die_with_parent() -> None:  # pragma: no cover - runs in the child
    # Linux only: SIGTERM the worker when its parent (gunicorn's master, once `serve` has
    # exec'd into it) ends, even by SIGKILL, so no worker outlives the server it serves.
    # gunicorn's own workers do the same (web/gunicorn_hooks.py, kept free of the CLI).
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    except (OSError, AttributeError):
        pass


STATIC_STAMP = ".collabdx-static-stamp"  # in STATIC_ROOT; collectstatic skips dotfiles


def static_sources_stamp() -> str:
    """A digest of what ``collectstatic`` would collect: every source file's path, size
    and modification time, the storage and STATIC_ROOT."""
    from django.conf import settings
    from django.contrib.staticfiles.finders import get_finders

    entries = [repr(settings.STORAGES.get("staticfiles")), str(settings.STATIC_ROOT)]
    for finder in get_finders():
        for path, storage in finder.list(["CVS", ".*", "*~"]):
            st = os.stat(storage.path(path))
            prefix = getattr(storage, "prefix", None) or ""
            entries.append(f"{prefix}/{path}\0{st.st_size}\0{st.st_mtime_ns}")
    return hashlib.sha256("\n".join(sorted(entries)).encode()).hexdigest()


def _collected(root: Path) -> bool:
    """Every file the manifest names is there (no manifest: nothing to check)."""
    manifest = root / "staticfiles.json"
    if not manifest.exists():
        from django.conf import settings

        backend = str(settings.STORAGES.get("staticfiles", {}).get("BACKEND", ""))
        return "Manifest" not in backend
    try:
        paths = json.loads(manifest.read_text(encoding="utf-8"))["paths"]
    except (OSError, ValueError, KeyError):
        return False
    return all((root / hashed).is_file() for hashed in paths.values())


def collect_static() -> bool:
    """``collectstatic``, unless STATIC_ROOT already holds exactly these sources' files.

    Why: collectstatic with WhiteNoise's compressed manifest storage hashes and
    compresses every file again at each start, even when nothing changed: 6 s of CPU,
    more than the whole 5 s a server may take to answer again after a crash (issue 15,
    docs/reliability.md). The stamp is written only after a collection succeeds, so an
    interrupted one is done again. Returns whether it collected."""
    from django.conf import settings
    from django.core.management import call_command

    root = Path(settings.STATIC_ROOT)
    stamp_file = root / STATIC_STAMP
    stamp = static_sources_stamp()
    if stamp_file.exists() and stamp_file.read_text(encoding="utf-8") == stamp and _collected(root):
        return False
    stamp_file.unlink(missing_ok=True)
    call_command("collectstatic", interactive=False, verbosity=0)
    tmp = root / f"{STATIC_STAMP}.tmp"
    tmp.write_text(stamp, encoding="utf-8")
    tmp.replace(stamp_file)
    return True


def start_worker(log: Path | None = None) -> subprocess.Popen[bytes]:
    """Start ``collabdx worker`` as a child of this process, for ``serve``.

    ``serve`` then exec's into gunicorn, so the worker is a child of gunicorn's master
    and, through PDEATHSIG, stops when it stops: on Ctrl+C (the terminal sends SIGINT to
    the whole process group), on SIGTERM, and on SIGKILL of the master.
    """
    from django.conf import settings

    return subprocess.Popen(  # noqa: S603 - fixed argv, no shell
        worker_command(nice=settings.WORKER_NICE),
        preexec_fn=die_with_parent if sys.platform == "linux" else None, stdin=subprocess.DEVNULL,
    )  # fmt: skip


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(help="gunicorn worker processes.")] = 2,
    demo: Annotated[
        bool, typer.Option("--demo/--no-demo", help="Load the demo collaboration first.")
    ] = False,
    background: Annotated[
        bool,
        typer.Option("--worker/--no-worker",
                     help="Start a background worker beside the web server (PDF packs, "
                     "e-mail); --no-worker where `collabdx worker` runs elsewhere."),
    ] = True,
) -> None:
    """Set up the database and serve the web app with gunicorn, with a background
    worker (`collabdx worker`) that stops when the server stops."""
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "collabdx.web.settings")
    import django
    from django.conf import settings
    from django.core.management import call_command

    django.setup()
    nhsuk_css = Path(settings.STATICFILES_DIRS[0]) / "nhsuk" / "nhsuk-frontend.min.css"
    if not nhsuk_css.exists():
        raise fail("NHS.UK frontend assets are missing: run `bash scripts/assets.sh` first.")
    call_command("migrate", interactive=False, verbosity=0)
    collect_static()  # skipped when nothing changed: a restart answers sooner
    if demo:
        call_command("load_demo")
    out.print(f"Serving collabdx on http://{host}:{port}/ (Ctrl+C to stop)", highlight=False)
    control = control_socket_path(Path(settings.DATA_DIR), port)
    if control is None:
        out.print("(No gunicorn control socket: the data directory's path is too long.)")
    if background:
        out.print("Background worker started (PDF packs, large exports, e-mail; "
                  f"niceness +{settings.WORKER_NICE}).", highlight=False)
    sys.stdout.flush()
    if background:
        start_worker()
    args = gunicorn_command(host, port, workers, control_socket=control)
    os.execv(sys.executable, args)  # noqa: S606 - fixed argv, no shell


@app.command()
def worker(
    queue: Annotated[str, typer.Option(help="Queue to run ('*' for every queue).")] = "default",
    interval: Annotated[
        float, typer.Option(min=0.1, help="Seconds between looks at an empty queue.")
    ] = 1.0,
    batch: Annotated[
        bool, typer.Option("--batch", help="Run what is queued, then exit.")
    ] = False,
    nice: Annotated[
        int | None,
        typer.Option(min=0, max=19, help="Add this to the worker's niceness, so web "
                     "requests on the same machine go first (default: "
                     "COLLABDX_WORKER_NICE, 10; 0 keeps the priority it started with)."),
    ] = None,
) -> None:
    """Run background tasks (PDF packs, large exports, e-mail) queued in the web app's
    database.

    `collabdx serve` starts one; run more, on this or other machines with the same
    DATABASE_URL and COLLABDX_DATA_DIR, for more throughput. It runs at a lower CPU
    priority (--nice, COLLABDX_WORKER_NICE) so that web requests on the same machine
    go first. Stops cleanly on Ctrl+C or SIGTERM after the task in hand.
    """
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "collabdx.web.settings")
    import django
    from django.core.management import call_command

    django.setup()
    from django.conf import settings

    lower_priority(settings.WORKER_NICE if nice is None else nice)
    options: dict[str, object] = {"queue_name": queue, "interval": interval, "reload": False}
    if batch:
        options.update(batch=True, startup_delay=False)
    call_command("db_worker", **options)
