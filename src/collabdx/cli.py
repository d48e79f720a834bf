"""The ``collabdx`` command line.

Every command reads everything and computes everything before it writes
anything, and writes atomically, so bad input never leaves a half-written file.
Errors go to stderr with exit status 2 and name what is wrong and where.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import numpy as np
import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from collabdx.cli_admin import register as register_admin_commands
from collabdx.cli_pack import restores_gc
from collabdx.cli_serve import control_socket_path, gunicorn_command, start_worker
from collabdx.core.disclosure import (
    DEFAULT_MIN_GROUP_SIZE,
    MIN_GROUP_SIZE_FLOOR,
    DisclosureError,
)
from collabdx.core.instruments import InstrumentError, load_instrument, load_instrument_file

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


class ExportFormat(StrEnum):
    csv = "csv"
    xlsx = "xlsx"
    json = "json"


class TheoryFormat(StrEnum):
    json = "json"
    graphml = "graphml"


def fail(message: str) -> typer.Exit:
    err.print(f"[bold red]Error:[/bold red] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code=2)


def _load(responses: str, instrument: str, version: str | None):
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


def _write_text(path: Path, text: str) -> None:
    from collabdx.io.exporters import atomic_write_text

    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, text)


@app.command()
def score(
    responses: ResponsesArg,
    output: Annotated[Path, typer.Option("-o", "--output", help="Scores CSV to write.")],
    instrument: InstrumentOpt = "readiness",
    instrument_version: VersionOpt = None,
) -> None:
    """Score every respondent: one row each, a column per scale, blank when missing."""
    from collabdx.core.scoring import scale_scores
    from collabdx.io.exporters import scores_csv

    rs, _ = _load(responses, instrument, instrument_version)
    _write_text(output, scores_csv(scale_scores(rs)))
    out.print(f"Wrote scores for {rs.n} respondents to {output}", highlight=False)


@app.command()
@restores_gc
def report(
    responses: ResponsesArg,
    output: Annotated[Path, typer.Option("-o", "--output", help="HTML workshop pack to write.")],
    pdf: Annotated[
        Path | None, typer.Option("--pdf", help="Also write the pack as a PDF (A4).")
    ] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="Also write JSON.")] = None,
    min_group_size: Annotated[
        int, typer.Option(help="Minimum group size k (3 or more).")
    ] = DEFAULT_MIN_GROUP_SIZE,
    collaboration_name: Annotated[
        str | None, typer.Option(help="The collaboration's name (default: not recorded).")
    ] = None,
    collaboration_type: Annotated[
        str | None,
        typer.Option(help="Table 2 type, e.g. provider_collaborative (default: not recorded)."),
    ] = None,
    mandated: Annotated[
        bool | None,
        typer.Option(
            "--mandated/--voluntary", help="Mandated or voluntary (default: not recorded)."
        ),
    ] = None,
    cross_sector: Annotated[
        bool | None,
        typer.Option("--cross-sector/--single-sector",
                     help="Organisations from more than one sector (default: not recorded)."),
    ] = None,
    stage: Annotated[
        str | None,
        typer.Option(help="Life-cycle stage, e.g. planning or implementation (default: not "
                     "recorded)."),
    ] = None,
    resamples: Annotated[
        int,
        typer.Option(min=0, help="Bootstrap resamples for omega's interval in the pack's "
                     "research appendix (0: no interval)."),
    ] = PACK_RESAMPLES,
    instrument: InstrumentOpt = "readiness",
    instrument_version: VersionOpt = None,
) -> None:
    """Write the workshop pack: summary and findings, every question, perception gaps,
    action statements, the causal web, the maturity matrix and the methods, as HTML
    (and optionally PDF and JSON)."""
    from collabdx.cli_pack import context_from_options, quiet_gc, write_bytes_atomic
    from collabdx.reports.html import render_html
    from collabdx.reports.json_report import report_to_dict
    from collabdx.reports.model import build_report

    quiet_gc()
    try:
        context = context_from_options(
            collaboration_name, collaboration_type, mandated, cross_sector, stage
        )
    except ValueError as exc:
        raise fail(str(exc)) from exc
    rs, demo = _load(responses, instrument, instrument_version)
    try:
        model = build_report(
            rs, min_group_size=min_group_size, demo_label=demo, context=context,
            with_research=True, research_bootstrap_b=resamples,
        )  # fmt: skip
    except DisclosureError as exc:
        raise fail(f"--min-group-size: {exc}") from exc
    html = render_html(model)
    data = json.dumps(report_to_dict(model), indent=2, ensure_ascii=False)
    pdf_bytes = None
    if pdf is not None:
        from collabdx.reports.pdf import PdfUnavailable, html_to_pdf, import_weasyprint

        try:
            import_weasyprint()
            quiet_gc()
            pdf_bytes = html_to_pdf(html)
        except PdfUnavailable as exc:
            raise fail(str(exc)) from exc
    # Everything is computed; only now write, each file atomically.
    _write_text(output, html)
    if json_out is not None:
        _write_text(json_out, data + "\n")
    if pdf is not None and pdf_bytes is not None:
        write_bytes_atomic(pdf, pdf_bytes)
    _print_profile(model)
    written = [str(p) for p in (output, pdf, json_out) if p is not None]
    out.print("Wrote " + ", ".join(written), highlight=False)


def _print_profile(model) -> None:
    if model.withheld:
        out.print(f"Not shown: results need at least {model.min_group_size} responses.")
        return
    table = Table(title=f"{model.instrument_title}: {model.n_respondents} respondents")
    for col in ("Scale", "n", "Mean", "95% CI", "Band"):
        table.add_column(col, justify="left" if col in ("Scale", "Band") else "right")
    for row in model.scales:
        s = row.summary
        if s is None:
            table.add_row(row.name, "–", "Not shown", "", "")
            continue
        ci = f"{s.ci95[0]:.2f}–{s.ci95[1]:.2f}" if s.ci95 else "–"
        mean = "–" if s.mean is None else f"{s.mean:.2f}"
        table.add_row(row.name, str(s.n), mean, ci, s.band.label if s.band else "–")
    out.print(table)
    if model.recommendations:
        out.print(f"{len(model.recommendations)} action statements selected; see the report.")


@app.command()
def export(
    responses: ResponsesArg,
    fmt: Annotated[ExportFormat, typer.Option("--format", help="Output format.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="File to write.")],
    instrument: InstrumentOpt = "readiness",
    instrument_version: VersionOpt = None,
    k_anonymous: Annotated[
        int | None,
        typer.Option(
            "--k-anonymous",
            metavar="K",
            help="Make the file k-anonymous before sharing it: every combination of "
            "organisation and the descriptor items (role, staff group, tenure...) is "
            "shared by at least K rows (K >= 3); rare values are banded or 'not shown'. "
            "Without it the file is your own data, whole.",
        ),
    ] = None,
) -> None:
    """Export tidy data with a codebook. Cells that look like formulas are neutralised."""
    from collabdx.core.microdata import anonymise, in_content_order
    from collabdx.core.scoring import scale_scores
    from collabdx.io.exporters import export_responses

    if k_anonymous is not None and k_anonymous < MIN_GROUP_SIZE_FLOOR:
        raise fail(
            f"--k-anonymous must be at least {MIN_GROUP_SIZE_FLOOR}, got {k_anonymous}: "
            "a group of one or two people is no protection. Nothing was written."
        )
    rs, _ = _load(responses, instrument, instrument_version)
    protection = None
    if k_anonymous is not None:
        # Imported ids and row order can point at people; the shared file has neither.
        rs = in_content_order(rs)
        try:
            with err.status("Making the file k-anonymous (about a minute per 100,000 rows)…"):
                protection = anonymise(rs, k_anonymous)
        except DisclosureError as exc:
            raise fail(f"--k-anonymous {k_anonymous}: {exc}. Nothing was written.") from exc
    output.parent.mkdir(parents=True, exist_ok=True)
    export_responses(rs, output, fmt.value, scores=scale_scores(rs), protection=protection)
    out.print(f"Wrote {rs.n} responses to {output}", highlight=False)
    if protection is not None:
        hidden = sum(p.hidden_cells + p.suppressed_cells for p in protection.items)
        banded = sum(p.generalised_cells for p in protection.items)
        out.print(
            f"k-anonymous with k = {k_anonymous}: rows renumbered in no meaningful order; "
            f"{banded} answers banded and {hidden} not shown; the organisation not shown in "
            f"{protection.organisation.hidden_rows} rows. The codebook says which and why.",
            highlight=False,
        )


@app.command()
def psychometrics(
    responses: Annotated[
        str,
        typer.Argument(
            help="Responses file, 'demo' (synthetic demo data) or 'synthetic' (a large "
            "synthetic sample with a known factor structure)."
        ),
    ],
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Researchers' HTML report.")
    ] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="All statistics as JSON.")] = None,
    long_dir: Annotated[
        Path | None,
        typer.Option("--long", help="Folder for the tidy long export + Frictionless package."),
    ] = None,
    syntax_dir: Annotated[
        Path | None,
        typer.Option("--syntax", help="Folder for the lavaan script and Mplus input of the "
                     "models fitted."),
    ] = None,
    sav: Annotated[
        Path | None, typer.Option("--sav", help="The responses as an SPSS file with labels.")
    ] = None,
    dta: Annotated[
        Path | None, typer.Option("--dta", help="The responses as a Stata file with labels.")
    ] = None,
    n: Annotated[int, typer.Option(help="Respondents for 'synthetic'.")] = 2000,
    resamples: Annotated[
        int,
        typer.Option(min=0, help="Bootstrap resamples for omega's confidence interval "
                     "(0: no interval)."),
    ] = DEFAULT_RESAMPLES,
    min_group_size: Annotated[
        int, typer.Option(help="Minimum group size k (3 or more).")
    ] = DEFAULT_MIN_GROUP_SIZE,
    instrument: InstrumentOpt = "readiness",
    instrument_version: VersionOpt = None,
) -> None:
    """Reliability, agreement, group comparisons and CFA, with small-sample warnings."""
    from collabdx.core.psychometrics import result_to_dict, run_psychometrics
    from collabdx.core.psychometrics.synthetic import recovery, synthetic_responses
    from collabdx.reports.psychometrics_html import render_psychometrics_html

    label = None
    if responses == "synthetic":
        if n < 1:
            raise fail("--n must be at least 1")
        rs = synthetic_responses(n=n)
        label = (
            f"Synthetic data: {n} generated respondents from a known five-factor model "
            "(collabdx.core.psychometrics.synthetic). Not real responses."
        )
    else:
        rs, label = _load(responses, instrument, instrument_version)
    try:
        with err.status(f"Computing statistics ({resamples} bootstrap resamples for omega)…"):
            result = run_psychometrics(rs, min_group_size=min_group_size, bootstrap_b=resamples)
    except DisclosureError as exc:
        raise fail(f"--min-group-size: {exc}") from exc
    rec: tuple = ()
    s = result.structure
    if responses == "synthetic" and s is not None and s.computed:
        rec = recovery(
            {x.item_id: x.std_loading for x in s.loadings}, np.array(s.factor_correlations)
        )
    if output is not None:
        _write_text(output, render_psychometrics_html(result, data_label=label, recovery=rec))
    if json_out is not None:
        data = result_to_dict(result) | {"data_label": label}
        _write_text(json_out, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    if long_dir is not None:
        from collabdx.io.longformat import write_long

        long_dir.mkdir(parents=True, exist_ok=True)
        write_long(rs, long_dir)
    if syntax_dir is not None:
        from collabdx.core.psychometrics.syntax import lavaan_script, mplus_input

        _write_text(syntax_dir / "collabdx-lavaan.R", lavaan_script(rs.instrument))
        _write_text(syntax_dir / "collabdx-mplus.inp", mplus_input(rs.instrument))
    for path, kind in ((sav, "sav"), (dta, "dta")):
        if path is not None:
            _write_statfile(rs, path, kind)
    _print_psychometrics(result)
    written = [str(p) for p in (output, json_out, long_dir, syntax_dir, sav, dta) if p is not None]
    if written:
        out.print("Wrote " + ", ".join(written), highlight=False)


def _write_statfile(rs, path: Path, kind: str) -> None:
    """The analyst's own file, whole (as ``collabdx export``): every column, labelled."""
    from collabdx.core.scoring import scale_scores
    from collabdx.io.codebook import build_codebook
    from collabdx.io.exporters import tidy_table
    from collabdx.io.statfiles import labelled_frame, write_statfile

    header, rows = tidy_table(rs, scale_scores(rs))
    codebook = build_codebook(rs.instrument, [h for h in header if h.startswith("scale_")])
    write_statfile(labelled_frame(header, rows, codebook), codebook, path,
                   "sav" if kind == "sav" else "dta")  # fmt: skip


def _print_psychometrics(result) -> None:
    if result.withheld:
        out.print(result.statement, highlight=False)
        return
    table = Table(title=f"Scale reliability: {result.n_respondents} respondents")
    for col in ("Scale", "Items", "n", "Alpha (95% CI)", "Omega (95% CI)",
                "Spearman–Brown (95% CI)", "Warning"):  # fmt: skip
        table.add_column(col)

    def stat(x) -> str:
        if x is None or x.value is None:
            return "–"
        ci = f" ({x.ci[0]:.2f}–{x.ci[1]:.2f})" if x.ci else ""
        return f"{x.value:.2f}{ci}"

    for r in result.reliability:
        if not r.applicable:
            table.add_row(r.name, str(len(r.items)), "", "n/a (one item)", "n/a", "n/a", "")
            continue
        # Two questions get Spearman–Brown in its own column, never under "Omega".
        two = r.spearman_brown is not None
        table.add_row(r.name, str(len(r.items)), str(r.n_complete), stat(r.alpha),
                      "n/a (2 items)" if two else stat(r.omega),
                      stat(r.spearman_brown) if two else "n/a", r.warning or "")  # fmt: skip
    out.print(table)
    s = result.structure
    if s is not None:
        if s.computed and s.fit is not None:
            f = s.fit
            out.print(
                f"CFA ({len(s.factors)} factors, n = {s.n_complete}): chi2 = {f.chi2:.1f}, "
                f"df = {f.df}, CFI = {f.cfi:.3f}, TLI = {f.tli:.3f}, RMSEA = {f.rmsea:.3f}, "
                f"SRMR = {f.srmr:.3f}",
                highlight=False,
            )
        else:
            out.print(f"CFA: {s.statement}", highlight=False)
    for inv in result.invariance:
        out.print(f"Invariance across {inv.title.lower()}: "
                  + (inv.reading.split(" Metric:")[0] if inv.computed else inv.statement),
                  highlight=False)  # fmt: skip
    if result.multilevel is not None and result.multilevel.computed:
        out.print(f"Nesting: {result.multilevel.reading}", highlight=False)
    out.print(
        f"{len(result.agreement)} agreement analyses and {len(result.comparisons)} comparison "
        "families; see the HTML or JSON for everything.",
        highlight=False,
    )


@theory_app.command("export")
def theory_export(
    fmt: Annotated[TheoryFormat, typer.Option("--format", help="json or graphml.")],
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="File (default: standard output).")
    ] = None,
) -> None:
    """Export the programme theory and its causal web."""
    from collabdx.core.theory import load_theory, to_json_dict, write_graphml

    theory = load_theory()
    if fmt is TheoryFormat.json:
        text = json.dumps(to_json_dict(theory), indent=2, ensure_ascii=False) + "\n"
        if output is None:
            sys.stdout.write(text)
        else:
            _write_text(output, text)
        return
    if output is None:
        raise fail("--format graphml needs -o FILE")
    output.parent.mkdir(parents=True, exist_ok=True)
    write_graphml(theory, output)
    out.print(f"Wrote {output}", highlight=False)


@instrument_app.command("show")
def instrument_show(
    instrument_id: Annotated[str, typer.Argument(help="Instrument id.")] = "readiness",
    instrument_version: VersionOpt = None,
) -> None:
    """Show an instrument's blocks, items, codes and scales."""
    try:
        ins = load_instrument(instrument_id, instrument_version)
    except InstrumentError as exc:
        raise fail(str(exc)) from exc
    out.print(f"[bold]{ins.title}[/bold] ({ins.id} v{ins.version}) – source: {ins.source}")
    if ins.derived:
        out.print(f"[yellow]Derived, not validated:[/yellow] {ins.status}")
    for block in ins.blocks:
        out.print(f"\n[bold]{block.title}[/bold]")
        for item_id in block.items:
            item = ins.items[item_id]
            flags = [item.role] + (["reverse-keyed"] if item.reverse else [])
            flags += [f"scale {item.scale}"] if item.scale else []
            out.print(f"  {item.id}. {item.text}  [dim]({', '.join(flags)})[/dim]", highlight=False)
            codes = "; ".join(f"{o.label} ({o.code})" for o in item.options) or "free text"
            out.print(f"      {codes}", highlight=False)


@instrument_app.command("validate")
def instrument_validate(
    path: Annotated[
        Path | None, typer.Argument(help="An instrument TOML file (default: all bundled).")
    ] = None,
) -> None:
    """Validate an instrument file, or every bundled one."""
    from collabdx.core.instruments import available

    try:
        if path is not None:
            ins = load_instrument_file(path)
            out.print(f"OK: {ins.id} v{ins.version}, {len(ins.items)} items", highlight=False)
            return
        for iid, version in available():
            ins = load_instrument(iid, version)
            out.print(f"OK: {ins.id} v{ins.version}, {len(ins.items)} items", highlight=False)
    except (InstrumentError, OSError) as exc:
        raise fail(str(exc)) from exc


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
    call_command("collectstatic", interactive=False, verbosity=0)
    if demo:
        call_command("load_demo")
    out.print(f"Serving collabdx on http://{host}:{port}/ (Ctrl+C to stop)", highlight=False)
    control = control_socket_path(Path(settings.DATA_DIR), port)
    if control is None:
        out.print("(No gunicorn control socket: the data directory's path is too long.)")
    if background:
        out.print("Background worker started (PDF packs, e-mail).", highlight=False)
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
) -> None:
    """Run background tasks (PDF packs, e-mail) queued in the web app's database.

    `collabdx serve` starts one; run more, on this or other machines with the same
    DATABASE_URL and COLLABDX_DATA_DIR, for more throughput. Stops cleanly on Ctrl+C
    or SIGTERM after the task in hand.
    """
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "collabdx.web.settings")
    import django
    from django.core.management import call_command

    django.setup()
    options: dict[str, object] = {"queue_name": queue, "interval": interval, "reload": False}
    if batch:
        options.update(batch=True, startup_delay=False)
    call_command("db_worker", **options)


register_admin_commands(app)


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # `python -m collabdx.cli`: how `serve` starts the worker
    main()
