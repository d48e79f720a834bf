"""Render a PsychometricsResult as one self-contained HTML page for researchers.

No external assets: styles are inline in the page, there are no scripts, fonts or
images. Every warning attached to a statistic is shown next to it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from jinja2 import Environment, PackageLoader, select_autoescape

from collabdx.core.disclosure import NOT_SHOWN, rule_text
from collabdx.core.psychometrics.analysis import PsychometricsResult
from collabdx.core.psychometrics.stat import Stat
from collabdx.core.psychometrics.synthetic import RecoveryRow
from collabdx.reports.fmt import ci, num, p_value, pct
from collabdx.reports.pack_research import icc_text
from collabdx.reports.research_more import research_more


def _stat(s: Stat | None, places: int = 2) -> str:
    """Value and CI, e.g. "0.84 (0.75 to 0.90)"."""
    if s is None or s.value is None:
        return "–"
    text = num(s.value, places)
    return f"{text} ({ci(s.ci, places)})" if s.ci else text


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
    env.filters["num"] = num
    env.filters["pct"] = pct
    env.filters["p"] = p_value
    env.filters["ci"] = ci
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
