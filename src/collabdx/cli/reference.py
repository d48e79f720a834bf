"""Reference commands: ``collabdx theory export``, ``instrument show`` and ``validate``."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from collabdx.cli.common import VersionOpt, fail, instrument_app, out, theory_app, write_text
from collabdx.core.instruments import InstrumentError, load_instrument, load_instrument_file


class TheoryFormat(StrEnum):
    json = "json"
    graphml = "graphml"


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
            write_text(output, text)
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
