"""Administration commands of ``collabdx``: ``backup``, ``restore`` and ``field-key``.

They act on the web app's database: the one ``DATABASE_URL`` names (default: SQLite
under ``COLLABDX_DATA_DIR``), exactly as ``collabdx serve`` finds it, or the one
given with ``--database-url``. See collabdx.web.backup for how each stays consistent
and never leaves a partial file or a half-restored database.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

out = Console()
err = Console(stderr=True)

DatabaseUrlOpt = Annotated[
    str | None,
    typer.Option(
        "--database-url",
        help="The database to use (default: the web app's, from DATABASE_URL or "
        "COLLABDX_DATA_DIR). Passwords in it are passed to pg_dump/pg_restore in the "
        "environment, not on their command line.",
    ),
]


def _fail(message: str) -> typer.Exit:
    err.print(f"[bold red]Error:[/bold red] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code=2)


def _database(url: str | None) -> Any:
    from collabdx.web.backup import BackupError, Database

    if url:
        import dj_database_url

        try:
            config = dj_database_url.parse(url)
        except ValueError as exc:
            raise _fail(f"--database-url: {exc}") from exc
    else:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "collabdx.web.settings")
        import django
        from django.conf import settings

        django.setup()
        config = settings.DATABASES["default"]
    try:
        return Database.from_settings(config)
    except BackupError as exc:
        raise _fail(str(exc)) from exc


def _size(n: int) -> str:
    return f"{n / 1_048_576:.1f} MB" if n >= 1_048_576 else f"{n / 1024:.0f} kB"


def backup(
    file: Annotated[Path, typer.Argument(help="The backup file to write (must not exist).")],
    database_url: DatabaseUrlOpt = None,
) -> None:
    """Write a consistent backup of the web app's database while it keeps running."""
    from collabdx.web.backup import BackupError
    from collabdx.web.backup import backup as run_backup

    db = _database(database_url)
    err.print(f"Backing up {db.describe()} to {file} ...", highlight=False)
    try:
        done = run_backup(db, file)
    except BackupError as exc:
        raise _fail(str(exc)) from exc
    out.print(
        f"Backed up {done.tables} tables, {done.rows:,} rows, to {done.path} "
        f"({_size(done.size)}).",
        highlight=False,
    )


def restore(
    file: Annotated[Path, typer.Argument(help="A backup made by `collabdx backup`.")],
    force: Annotated[
        bool, typer.Option("--force", help="Replace a database that already holds data.")
    ] = False,
    database_url: DatabaseUrlOpt = None,
) -> None:
    """Replace the web app's database with a backup (stop the server first)."""
    from collabdx.web.backup import BackupError
    from collabdx.web.backup import restore as run_restore

    db = _database(database_url)
    err.print(f"Restoring {file} into {db.describe()} ...", highlight=False)
    try:
        done = run_restore(db, file, force=force)
    except BackupError as exc:
        raise _fail(str(exc)) from exc
    out.print(
        f"Restored {done.tables} tables, {done.rows:,} rows. Start the server with "
        "`collabdx serve` (it applies any newer migrations first).",
        highlight=False,
    )


def field_key() -> None:
    """Print a new random key for COLLABDX_FIELD_KEY (it encrypts two-factor keys)."""
    from collabdx.web.security.fieldcrypt import new_key

    out.print(new_key(), highlight=False)


def register(app: typer.Typer) -> None:
    app.command()(backup)
    app.command()(restore)
    app.command("field-key")(field_key)
