"""Reconcile what respondents were told with what the database holds, and latency figures.

A response is matched to its respondent by the unique tag in the free-text answer
(Q3), so each check is exact:

- lost: acknowledged (thank-you redirect, or "already sent" page) but not stored;
- duplicated: more stored rows for one tag than one;
- partial: a stored row that is not a complete, valid answer set for the instrument;
- altered: a stored row whose answers differ from what the respondent sent;
- stray: a stored row no respondent of this run sent.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from reliability.client import Sample
from reliability.journey import Outcome

TAG_ITEM = "Q3"


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100); NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def latency(samples: Iterable[Sample], kinds: set[str] | None = None) -> dict[str, float]:
    secs = [s.seconds for s in samples if s.status and (kinds is None or s.kind in kinds)]
    return {
        "count": len(secs),
        "p50_ms": percentile(secs, 50) * 1000,
        "p95_ms": percentile(secs, 95) * 1000,
        "p99_ms": percentile(secs, 99) * 1000,
        "max_ms": (max(secs) * 1000) if secs else math.nan,
    }


def reconcile(outcomes: Sequence[Outcome], dump: dict[str, Any]) -> dict[str, Any]:
    rows = dump["responses"]
    tags = Counter(str(r["answers"].get(TAG_ITEM, "")) for r in rows)
    by_tag = {o.tag: o for o in outcomes}
    acked = [o for o in outcomes if o.ack]
    lost = sorted(o.tag for o in acked if tags[o.tag] == 0)
    duplicated = sum(n - 1 for n in tags.values() if n > 1)
    partial = [r["problem"] for r in rows if r["problem"]]
    altered = 0
    for r in rows:
        sender = by_tag.get(str(r["answers"].get(TAG_ITEM, "")))
        if sender is not None and r["answers"] != sender.answers:
            altered += 1
    stray = sum(n for tag, n in tags.items() if tag not in by_tag)
    stored_unacked = sorted(t for t in tags if t in by_tag and not by_tag[t].ack)
    return {
        "respondents": len(outcomes),
        "acknowledged": len(acked),
        "ack_thanks": sum(1 for o in acked if o.ack == "thanks"),
        "ack_already": sum(1 for o in acked if o.ack == "already"),
        "stored": len(rows),
        "receipts": dump["receipts"],
        "lost": len(lost),
        "lost_tags": lost[:20],
        "duplicated": duplicated,
        "partial": len(partial),
        "partial_problems": partial[:20],
        "altered": altered,
        "stray": stray,
        "stored_unacknowledged": len(stored_unacked),
        "not_acknowledged": len(outcomes) - len(acked),
        "unfinished": sum(1 for o in outcomes if o.unfinished and not o.ack),
        "drafts_left": dump["drafts"],
    }


def traffic(samples: Sequence[Sample], seconds: float) -> dict[str, Any]:
    answered = [s for s in samples if s.status]
    return {
        "requests": len(samples),
        "http_5xx": sum(1 for s in samples if s.status >= 500),
        "http_4xx": sum(1 for s in samples if 400 <= s.status < 500),
        "no_reply": sum(1 for s in samples if s.status == 0),
        "requests_per_s": len(answered) / seconds if seconds else math.nan,
        "all": latency(samples),
        "page_post": latency(samples, {"page_post"}),
        "submit": latency(samples, {"submit"}),
    }


LOG_KINDS = (
    "WORKER TIMEOUT",
    "Error handling request",
    "Internal Server Error",
    "database is locked",
    "OperationalError",
    "IntegrityError",
)


def log_summary(lines: Sequence[str]) -> dict[str, Any]:
    """Server log error lines: counts by kind (tracebacks not counted apart) and the first 20."""
    counts: Counter[str] = Counter()
    for line in lines:
        kind = next((k for k in LOG_KINDS if k in line), "" if "Traceback" in line else "[ERROR]")
        if kind:
            counts[kind] += 1
    return {
        "log_errors": list(lines[:20]),
        "log_counts": dict(counts),
        "log_events": sum(counts.values()),
    }


def problems_of(outcomes: Sequence[Outcome], limit: int = 20) -> list[str]:
    out = [f"{o.tag}: {p}" for o in outcomes for p in o.problems]
    return out[:limit] + ([f"… and {len(out) - limit} more"] if len(out) > limit else [])


def extras(outcomes: Sequence[Outcome]) -> dict[str, Any]:
    """The deliberate double submits and replays, and how the server answered them."""
    double = Counter(e for o in outcomes if o.submit_mode == "double" for e in o.extra)
    replay = Counter(e for o in outcomes if o.submit_mode == "replay" for e in o.extra)
    return {
        "double_submits": sum(1 for o in outcomes if o.submit_mode == "double" and o.submit_sent),
        "double_outcomes": dict(double),
        "replays": sum(replay.values()),
        "replay_outcomes": dict(replay),
    }
