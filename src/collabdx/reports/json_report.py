"""The report model as plain JSON-ready data (``collabdx report --json``)."""

from __future__ import annotations

import dataclasses
from typing import Any

from collabdx.core.breakdowns import Breakdown
from collabdx.core.stats import Summary
from collabdx.reports.model import ReportModel, StatRow


def _r(x: float | None, places: int = 4) -> float | None:
    return None if x is None else round(x, places)


def summary_dict(s: Summary | None) -> dict[str, Any] | None:
    if s is None:
        return None
    band = s.band
    return {
        "n": s.n,
        "mean": _r(s.mean),
        "sd": _r(s.sd),
        "ci95": None if s.ci95 is None else [_r(s.ci95[0]), _r(s.ci95[1])],
        "band": None if band is None else band.id,
        "band_label": None if band is None else band.label,
        "pct_favourable": _r(s.pct_favourable, 2),
        "pct_neutral": _r(s.pct_neutral, 2),
        "pct_unfavourable": _r(s.pct_unfavourable, 2),
    }


def _row(row: StatRow) -> dict[str, Any]:
    out: dict[str, Any] = {"id": row.id, "name": row.name, "source": row.source}
    stats = summary_dict(row.summary)
    out["suppressed"] = stats is None
    empty = dict.fromkeys(("n", "mean", "sd", "ci95", "band"))
    out.update(stats if stats is not None else empty)
    # Percent of keyed answers 1 (least favourable) .. 5 (most); None when suppressed.
    out["shares"] = None if row.shares is None else [_r(x, 2) for x in row.shares]
    if row.scale_id is not None:
        out["scale"] = row.scale_id
        out["reverse"] = row.reverse
    return out


def _breakdown(b: Breakdown) -> dict[str, Any]:
    return {
        "by": b.by,
        "title": b.title,
        "item": b.item,
        "withheld": b.withheld,
        "groups": [
            {
                "label": g.label,
                "suppressed": g.suppressed,  # never why: one wording (issue 12)
                "n": g.n,
                "scales": None
                if g.scales is None
                else {sid: summary_dict(s) for sid, s in g.scales.items()},
            }
            for g in b.groups
        ],
    }


def _plain(obj: Any) -> Any:
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: _plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, (list, tuple)):
        return [_plain(x) for x in obj]
    if isinstance(obj, dict):
        return {str(k): _plain(v) for k, v in obj.items()}
    return obj


def report_to_dict(model: ReportModel) -> dict[str, Any]:
    return {
        "title": model.title,
        "generated_on": model.generated_on,
        "demo": model.demo_label,
        "instrument": {
            "id": model.instrument_id,
            "version": model.instrument_version,
            "title": model.instrument_title,
            "status": model.instrument_status,
            "derived": model.instrument_derived,
            "scoring_rule": model.scoring_rule,
        },
        "min_group_size": model.min_group_size,
        "withheld": model.withheld,
        "n_respondents": model.n_respondents,
        "band_note": model.band_note,
        "scales": [_row(r) for r in model.scales],
        "items": [_row(r) for r in model.items],
        "breakdowns": [_breakdown(b) for b in model.breakdowns],
        "recommendations": _plain(model.recommendations),
        "maturity": _plain(model.maturity),
        "context": _plain(model.context),
        "responses_by": [
            {**_plain(t), "rows": [{"label": r.label, "n": r.n} for r in t.rows]}
            for t in model.responses_by
        ],
        "findings": _plain(model.findings),
        "gaps": [{**_plain(g), "excludes_zero": g.excludes_zero} for g in model.gaps],
        "split_opinion": _plain(model.split),
        "causal_web_overlay": None if model.overlay is None else {
            "marks": _plain(model.overlay.marks),
            "highlight": dict(model.overlay.highlight),
            "routes": _plain(model.overlay.routes),
        },
        "maturity_grid": _plain(model.maturity_grid),
        "trends": None if model.trends is None else _trends(model),
        "trends_note": None if model.trends is not None else model.trends_note,
        "attribution": model.attribution,
    }


def _trends(model: ReportModel) -> dict[str, Any]:
    """The trend tables and events; not the chart's drawing coordinates."""
    assert model.trends is not None
    return {
        "charts": [
            {"instrument": t.instrument_id, "title": t.title, "waves": _plain(t.waves),
             "table": _plain(t.table)}
            for t in model.trends.charts
        ],
        "events": _plain(model.trends.events),
        "skipped": _plain(model.trends.skipped),
    }  # fmt: skip
