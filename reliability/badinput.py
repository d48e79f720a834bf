"""Bad input against a live server: every case in ``reliability.cases``, sent over a real
socket to gunicorn, must get its expected status (a 4xx unless the case says why
not) and leave drafts, responses and receipts exactly as they were.

Over a socket a server may also answer early and close without reading the rest of
an oversized body; the client then sees a reset instead of the status. That is
recorded as "no reply" and counts as a failure: a clear 4xx is the requirement.
"""

from __future__ import annotations

from typing import Any

from reliability import cases, results
from reliability.client import CONNECTION_ERRORS, Browser, csrf_token, form_with_action, post_form
from reliability.env import Server, Target


def reach_check(browser: Browser, token: str) -> str:
    """Answer every page with the first option offered; returns the draft key."""
    path = f"/s/{token}/page/1/"
    for _ in range(30):
        page = browser.request("GET", path)
        form = post_form(page.body)
        fields = list(form.hidden) + [(k, v[0]) for k, v in form.radios.items()]
        saved = browser.request("POST", path, form=fields)
        if saved.status != 302:
            raise RuntimeError(f"could not save {path}: HTTP {saved.status}")
        if "/check/" in saved.location:
            break
        path = saved.location
    check = browser.request("GET", f"/s/{token}/check/")
    return dict(form_with_action(check.body, "/submit/").hidden)["draft"]


def run_case(t: Target, port: int, case: cases.Case) -> dict[str, Any]:
    token = t.tokens[-1]
    browser = Browser(port, timeout=30)
    page = browser.request("GET", f"/s/{token}/page/1/")
    csrf = csrf_token(page.body)
    draft = reach_check(browser, token) if case.needs_draft else ""
    ctx = cases.Ctx(csrf=csrf, answers=cases.page1_answers(), draft=draft)
    headers = {"X-CSRFToken": csrf} if case.header_token else {}
    before = t.snapshot()
    try:
        reply = browser.request(
            case.method,
            case.path.format(token=token),
            body=case.body(ctx),
            content_type=case.content_type,
            headers=headers,
            cookies={} if case.csrf == "none" else None,
        )
        status, note = reply.status, reply.location
    except CONNECTION_ERRORS as exc:
        status, note = 0, f"no reply: {type(exc).__name__}"
    stored = t.snapshot() != before
    ok = (status in case.expect or (status == 0 and case.closed_ok)) and not stored
    return {
        "case": case.name,
        "what": case.what,
        "expect": "/".join(map(str, case.expect)),
        "status": status,
        "note": note,
        "stored": stored,
        "ok": ok,
        "why": case.why,
        "known_issue": case.known_issue,
        "closed_ok": case.closed_ok,
    }


def run_bad_input(t: Target, srv: list[Server]) -> dict[str, Any]:
    rows = [run_case(t, srv[n % len(srv)].port, case) for n, case in enumerate(cases.CASES)]
    log_errors = [e for s in srv for e in s.log_errors()]
    failures = [
        f"{r['case']}: HTTP {r['status']} (expected {r['expect']})"
        + (", stored something" if r["stored"] else "")
        for r in rows
        if not r["ok"] and not r["known_issue"]
    ]
    failures += [f"HTTP 5xx on {r['case']}" for r in rows if r["status"] >= 500]
    logs = results.log_summary(log_errors)
    failures += [f"server log: {k} × {n}" for k, n in logs["log_counts"].items()]
    return {
        "db": t.db,
        "cases": rows,
        "known_issues_seen": sum(1 for r in rows if r["known_issue"] and not r["ok"]),
        **logs,
        "failures": failures,
    }
