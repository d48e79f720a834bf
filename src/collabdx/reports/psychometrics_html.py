"""Render a PsychometricsResult as one self-contained HTML page for researchers.

No external assets: styles are inline in the page, there are no scripts, fonts or
images. Every warning attached to a statistic is shown next to it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from jinja2 import Environment, PackageLoader, select_autoescape

from collabdx.core.disclosure import NOT_SHOWN, rule_text
from collabdx.core.psychometrics.analysis import PsychometricsResult
from collabdx.core.psychometrics.stat import Stat
from collabdx.core.psychometrics.synthetic import RecoveryRow
from collabdx.reports.pack_research import icc_text
from collabdx.reports.research_more import research_more


def _num(x: float | None, places: int = 2) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    text = f"{x:.{places}f}"
    if float(text) == 0:
        text = text.lstrip("-")  # no "−0.00"
    return text.replace("-", "−")


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{x:.0f}%"


def _p(x: float | None) -> str:
    if x is None:
        return "–"
    if x < 0.001:
        return "< .001"
    return f"{x:.3f}".lstrip("0") if x < 1 else "1.000"


def _ci(ci: Sequence[float] | None, places: int = 2) -> str:
    if not ci:
        return "–"
    return f"{_num(ci[0], places)} to {_num(ci[1], places)}"


def _stat(s: Stat | None, places: int = 2) -> str:
    """Value and CI, e.g. "0.84 (0.75 to 0.90)"."""
    if s is None or s.value is None:
        return "–"
    text = _num(s.value, places)
    return f"{text} ({_ci(s.ci, places)})" if s.ci else text


def _warnings(stats: Iterable[object]) -> list[str]:
    """Distinct warnings of the given objects, in first-seen order."""
    seen: dict[str, None] = {}
    for s in stats:
        w = getattr(s, "warning", None)
        if w:
            seen.setdefault(w, None)
    return list(seen)


def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("collabdx.reports", "templates"),
        autoescape=select_autoescape(["html", "j2"], default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["num"] = _num
    env.filters["pct"] = _pct
    env.filters["p"] = _p
    env.filters["ci"] = _ci
    env.filters["stat"] = _stat
    env.filters["icc"] = icc_text
    env.globals["not_shown"] = NOT_SHOWN
    env.globals["disclosure_rule"] = rule_text
    env.globals["distinct_warnings"] = _warnings
    return env


def render_psychometrics_html(
    result: PsychometricsResult,
    *,
    data_label: str | None = None,
    recovery: Sequence[RecoveryRow] = (),
) -> str:
    """The research report as HTML. ``data_label`` flags demo or synthetic data;
    ``recovery`` (synthetic data only) compares CFA estimates with the true model."""
    structure = result.structure
    factor_names = [f.name for f in structure.factors] if structure else []
    names = {s.scale_id: s.name for s in result.reliability}
    left_out = [names.get(sid, sid) for sid in structure.left_out] if structure else []
    return (
        environment()
        .get_template("psychometrics.html.j2")
        .render(
            r=result,
            data_label=data_label,
            recovery=list(recovery),
            factor_names=factor_names,
            left_out_names=left_out,
            scale_names=names,
            more=research_more(result),
        )
    )
