"""Render the report model to a self-contained HTML page (no external requests)."""

from __future__ import annotations

from jinja2 import Environment, PackageLoader, select_autoescape

from collabdx.core.disclosure import fewer_than
from collabdx.reports.model import ReportModel


def _fmt(x: float | None, places: int = 2) -> str:
    return "–" if x is None else f"{x:.{places}f}"


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{x:.0f}%"


def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("collabdx.reports", "templates"),
        autoescape=select_autoescape(["html", "j2"], default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["fmt"] = _fmt
    env.filters["pct"] = _pct
    env.globals["fewer_than"] = fewer_than
    return env


def render_html(model: ReportModel) -> str:
    return environment().get_template("report.html.j2").render(r=model)
