"""What every ``collabdx`` command shares: the Typer app and its groups, the
consoles, the error exit, the options for responses and instruments, and reading
responses with a progress bar.

Every command reads everything and computes everything before it writes
anything, and writes atomically, so bad input never leaves a half-written file.
Errors go to stderr with exit status 2 and name what is wrong and where.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

from collabdx.core.instruments import InstrumentError, load_instrument

app = typer.Typer(
    help="Diagnose collaboration between health and care organisations "
    "(after Millar et al. 2023, HSDR 11(6), CC BY 4.0).",
    no_args_is_help=True,
    add_completion=False,
)
theory_app = typer.Typer(help="The programme theory: mechanisms, CMOCs, action statements.")
instrument_app = typer.Typer(help="Survey instruments bundled with collabdx.")
app.add_typer(theory_app, name="theory")
app.add_typer(instrument_app, name="instrument")

out = Console()
err = Console(stderr=True)

DEMO = "demo"
# Bootstrap resamples for omega's interval: `collabdx psychometrics` uses the
# thresholds' OMEGA_BOOTSTRAP_B and the pack uses reports.research.WEB_BOOTSTRAP_B
# (tests check they agree); written out here so `--help` needs no scipy import.
DEFAULT_RESAMPLES = 1000
PACK_RESAMPLES = 200
ResponsesArg = Annotated[
    str,
    typer.Argument(
        help="Responses file (CSV, XLSX or Qualtrics CSV export), or 'demo' for the "
        "bundled synthetic demo data."
    ),
]
InstrumentOpt = Annotated[str, typer.Option(help="Instrument id the responses answer.")]
VersionOpt = Annotated[
    str | None, typer.Option("--instrument-version", help="Instrument version (default: latest).")
]


def fail(message: str) -> typer.Exit:
    err.print(f"[bold red]Error:[/bold red] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code=2)


def load_responses(responses: str, instrument: str, version: str | None):
    """Read responses with a progress bar; return (ResponseSet, demo label or None)."""
    from collabdx.core.demo import DEMO_LABEL, demo_responses
    from collabdx.io.errors import ResponseImportError
    from collabdx.io.importers import read_responses
    from collabdx.io.xlsx_guard import XlsxLimits

    try:
        ins = load_instrument(instrument, version)
    except InstrumentError as exc:
        raise fail(str(exc)) from exc
    if responses == DEMO:
        return demo_responses(instrument=ins), DEMO_LABEL
    path = Path(responses)
    if not path.exists():
        raise fail(f"{path}: no such file")
    try:
        limits = XlsxLimits.from_env()  # a workbook's size limits (io/xlsx_guard.py)
    except ValueError as exc:
        raise fail(str(exc)) from exc
    with Progress(
        TextColumn("Reading {task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} rows"),
        TimeRemainingColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    ) as progress:
        task = progress.add_task(path.name, total=None)

        def tick(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        try:
            result = read_responses(path, ins, progress=tick, xlsx_limits=limits)
        except ResponseImportError as exc:
            raise fail(str(exc)) from exc
    for line in result.summary.lines():
        err.print(line, highlight=False)
    return result.responses, None


def write_text(path: Path, text: str) -> None:
    from collabdx.io.exporters import atomic_write_text

    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, text)
