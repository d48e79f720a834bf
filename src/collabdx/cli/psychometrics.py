"""``collabdx psychometrics``: the researchers' analysis of a set of responses."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import numpy as np
import typer
from rich.table import Table

from collabdx.cli.common import (
    DEFAULT_RESAMPLES,
    InstrumentOpt,
    VersionOpt,
    app,
    err,
    fail,
    load_responses,
    out,
    write_text,
)
from collabdx.core.disclosure import DEFAULT_MIN_GROUP_SIZE, DisclosureError


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
        rs, label = load_responses(responses, instrument, instrument_version)
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
        write_text(output, render_psychometrics_html(result, data_label=label, recovery=rec))
    if json_out is not None:
        data = result_to_dict(result) | {"data_label": label}
        write_text(json_out, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    if long_dir is not None:
        from collabdx.io.longformat import write_long

        long_dir.mkdir(parents=True, exist_ok=True)
        write_long(rs, long_dir)
    if syntax_dir is not None:
        from collabdx.core.psychometrics.syntax import lavaan_script, mplus_input

        write_text(syntax_dir / "collabdx-lavaan.R", lavaan_script(rs.instrument))
        write_text(syntax_dir / "collabdx-mplus.inp", mplus_input(rs.instrument))
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
