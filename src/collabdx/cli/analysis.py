"""The data commands: ``collabdx score``, ``report`` (the workshop pack) and ``export``."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from collabdx.cli.common import (
    PACK_RESAMPLES,
    InstrumentOpt,
    ResponsesArg,
    VersionOpt,
    app,
    err,
    fail,
    load_responses,
    out,
    write_text,
)
from collabdx.cli.pack_options import quiet_gc, restores_gc
from collabdx.core.disclosure import (
    DEFAULT_MIN_GROUP_SIZE,
    MIN_GROUP_SIZE_FLOOR,
    DisclosureError,
)


class ExportFormat(StrEnum):
    csv = "csv"
    xlsx = "xlsx"
    json = "json"


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

    rs, _ = load_responses(responses, instrument, instrument_version)
    write_text(output, scores_csv(scale_scores(rs)))
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
    # Quiet the collector before the pack's imports as well as after them: with the
    # default thresholds, importing scipy.special, Jinja and the report modules ran
    # some fifty collections over the libraries already loaded (issue 15).
    quiet_gc()
    from collabdx.cli.pack_options import context_from_options, write_bytes_atomic
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
    rs, demo = load_responses(responses, instrument, instrument_version)
    try:
        model = build_report(
            rs, min_group_size=min_group_size, demo_label=demo, context=context,
            with_research=True, research_bootstrap_b=resamples,
        )  # fmt: skip
    except DisclosureError as exc:
        raise fail(f"--min-group-size: {exc}") from exc
    html = render_html(model)
    data = None  # only when asked for: a tenth of the pack's rendering (issue 15)
    if json_out is not None:
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
    write_text(output, html)
    if json_out is not None and data is not None:
        write_text(json_out, data + "\n")
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
    rs, _ = load_responses(responses, instrument, instrument_version)
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
