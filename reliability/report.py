"""docs/reliability.md from a run's results: machine, method, commands, tables.

The narrative that does not come from a run (findings, limits) lives in
``reliability/findings.md`` and is copied in as it is.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import platform
import sqlite3
from collections import Counter
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

from reliability import cases

FINDINGS = Path(__file__).with_name("findings.md")

METHOD = """\
Each database gets a throwaway environment: a fresh `COLLABDX_DATA_DIR` (and, on
PostgreSQL, a fresh database on the local server), migrated and given static files as
`collabdx serve` does (static files are collected once per run and copied into each
environment), with one synthetic collaboration of 6 partners and three open
readiness waves made with `collab.services.create_collaboration` and `open_wave`:
one wave per part (load, bad input, faults), so each part's rows are counted on their
own. The environment is deleted afterwards. Servers run the command line
`collabdx serve` runs (`collabdx.cli.serve.gunicorn_command`): `python -m gunicorn
collabdx.web.wsgi:application --bind 127.0.0.1:PORT --workers N --graceful-timeout 10
--preload` (sync workers; the master loads and warms the app, then forks). SQLite runs
one gunicorn against the WAL-mode file; PostgreSQL runs **two gunicorn masters on
two ports** sharing the database, with respondents split between them.

A virtual respondent is one cookie jar. It opens the partner link's start page,
follows "Start now", and on each page parses the form (CSRF token, radio groups,
text inputs) and posts a random valid answer for every radio group and a unique tag
in the optional free-text question (Q3); then the check page, whose form gives the
draft key, then the submit. 5% of respondents double-submit (two identical submit
POSTs at once, both answers applied to the cookie jar in the order they arrive; the
thank-you page must then show the feedback) and 5% replay the submit after success,
once with the new session cookie and once with the old one. **Acknowledged** means
the respondent was shown success: the submit answered with the redirect to the
thank-you page (which then renders the feedback), or with the "Your answers have
been sent … sent once" page.
A server is ready when the start page answers 200.

Afterwards every stored response is matched to its respondent by the tag:
**lost** = acknowledged but not stored; **duplicated** = a tag stored more than
once; **partial** = a stored response that `survey.services.complete_answers` does
not accept unchanged against the wave's instrument version (every required answer,
every code valid); **altered** = stored answers that differ from those sent;
**stray** = a stored response nobody in the run sent. Receipts must equal responses.

**Load**: a thread pool runs the respondents, `concurrency` at a time; nothing is
retried, so every request must be answered. Latency is per HTTP request (new
connection each, as gunicorn's sync workers close them), measured by the client.

**Faults**: respondents arrive continuously; each round, a fault thread waits until
at least one submit POST is in flight on the server it is about to kill, waits
0–30 ms more, SIGKILLs that server's whole gunicorn process group (master and all
workers), keeps it down 0.2–1 s (0.1–0.3 s in the quick run), and starts it again.
On PostgreSQL the rounds take server 1, server 2, then both. A client whose
request got no reply sends the same request again (same cookies, same form) with a
capped back-off, so an interrupted submit is retried and must be stored once. After
the last restart the run goes on until someone is acknowledged by the restarted
servers. On PostgreSQL it then also drops the database connections: with no request
in flight it terminates every idle connection the servers hold
(`pg_terminate_backend`, as a database restart, failover or idle timeout would) and
sends respondents to every worker; none may get a 5xx.

**Bad input**: each case is one request from a respondent holding a valid CSRF
cookie and token (unless the case is about CSRF), sent with `http.client`, which
sends the whole body before it reads the answer (as browsers do). The same cases run
in `tests/reliability/test_bad_input.py` through Django's test client.

**Restarts**: on one server, the whole process group is SIGKILLed and started again
(time from the launch to the first 200 of the start page), then, with the master left
running, every worker is SIGKILLed at once (as when the master aborts workers that
hit gunicorn's 30 s timeout) and as many clients as there are workers ask for the
start page at once: the time from the kill to each client's first 200 is the cost of
a replacement worker's first request. The full run does this with two extra
CPU-bound processes running (on purpose: finding 2 showed up on a busy machine).

Everything talks to 127.0.0.1 only; every loop is bounded in count and time."""

COMMANDS = """\
```sh
make setup assets                                    # once, as for make test
pg_ctlcluster 15 main start                          # PostgreSQL on 127.0.0.1:5432 (see .ci/run
                                                     # for the collabdx role, which needs CREATEDB)
.venv/bin/python -m reliability.run                  # full run, both databases: writes this file
.venv/bin/python -m reliability.run --quick          # the CI version (make reliability-quick)
.venv/bin/python -m reliability.run --db sqlite --only faults --out out/faults.md
.venv/bin/python -m reliability.run --db postgres --only restarts --out out/restarts.md
.venv/bin/python -m pytest -q tests/reliability      # the bad-input cases via the test client
```"""


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "?"


def _revision() -> str:
    import subprocess

    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607 - git from PATH
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
            cwd=FINDINGS.parent,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],  # noqa: S607
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
            cwd=FINDINGS.parent,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "?"
    return f"git {head}" + (" with uncommitted changes in the working tree" if dirty else "")


def machine(dbs: list[str]) -> dict[str, str]:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{mem_kb / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        mem = "?"
    info = {
        "code": _revision(),
        "os": platform.platform(),
        "cpu": f"{cpu}, {os.cpu_count()} cores",
        "memory": mem,
        "python": platform.python_version(),
        "django": _version("django"),
        "gunicorn": _version("gunicorn"),
        "sqlite": sqlite3.sqlite_version,
        "load average (1, 5, 15 min) at the end": ", ".join(f"{x:.1f}" for x in os.getloadavg()),
    }
    for knob in ("RELIABILITY_GUNICORN_ARGS", "RELIABILITY_WSGI_APP"):
        if os.environ.get(knob):
            info[f"experiment: {knob}"] = os.environ[knob]
    if "postgres" in dbs:
        try:
            import psycopg

            from reliability.env import pg_base_url

            with psycopg.connect(pg_base_url(), connect_timeout=5) as conn:
                row = conn.execute(b"SHOW server_version").fetchone()
                info["postgresql"] = str(row[0]) if row else "?"
        except Exception as exc:
            info["postgresql"] = f"unknown ({type(exc).__name__})"
    return info


def all_failures(results: dict[str, Any]) -> list[str]:
    out = []
    for part in ("load", "faults", "bad_input", "restarts"):
        for r in results.get(part, []):
            out += [f"{part} ({r['db']}): {f}" for f in r["failures"]]
    return out


def _ms(x: float) -> str:
    return "–" if math.isnan(x) else f"{x:.0f}"


def _lat(d: dict[str, float]) -> str:
    return f"{_ms(d['p50_ms'])} / {_ms(d['p95_ms'])} / {_ms(d['p99_ms'])}"


def _table(head: list[str], rows: Sequence[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def load_section(rs: list[dict[str, Any]]) -> str:
    head = [
        "database",
        "servers × workers",
        "respondents",
        "concurrency",
        "duration (s)",
        "acknowledged",
        "stored",
        "lost",
        "duplicated",
        "partial",
        "5xx",
        "requests/s",
        "surveys/s",
        "p50 / p95 / p99 ms (all)",
        "p50 / p95 / p99 ms (submit)",
    ]
    rows = [
        [
            r["db"],
            f"{r['servers']} × {r['workers']}",
            r["respondents"],
            r["concurrency"],
            f"{r['seconds']:.1f}",
            r["acknowledged"],
            r["stored"],
            r["lost"],
            r["duplicated"],
            r["partial"],
            r["http_5xx"],
            f"{r['requests_per_s']:.0f}",
            f"{r['surveys_per_s']:.1f}",
            _lat(r["all"]),
            _lat(r["submit"]),
        ]
        for r in rs
    ]
    extra = [
        [
            r["db"],
            r["requests"],
            r["no_reply"],
            r["http_4xx"],
            r["altered"],
            r["stray"],
            r["receipts"],
            r["drafts_left"],
            r["double_submits"],
            _counts(r["double_outcomes"]),
            r["replays"],
            _counts(r["replay_outcomes"]),
            _lat(r["page_post"]),
            f"{r['all']['max_ms']:.0f}",
        ]
        for r in rs
    ]
    extra_head = [
        "database",
        "requests",
        "no reply",
        "4xx",
        "altered",
        "stray",
        "receipts",
        "drafts left",
        "double submits",
        "double outcomes",
        "replays",
        "replay outcomes",
        "page POST p50/p95/p99 ms",
        "max ms",
    ]
    return "\n\n".join([_table(head, rows), _table(extra_head, extra), _problems(rs)])


def fault_section(rs: list[dict[str, Any]]) -> str:
    head = [
        "database",
        "servers × workers",
        "rounds",
        "kills",
        "kills mid-submit",
        "respondents",
        "acknowledged",
        "stored",
        "partial",
        "lost",
        "duplicated",
        "altered",
        "5xx",
        "submits retried",
        "acknowledged after a retry",
        "stored, not acknowledged",
        "duration (s)",
    ]
    rows = [
        [
            r["db"],
            f"{r['servers']} × {r['workers']}",
            r["rounds"],
            r["kills"],
            r["kills_mid_submit"],
            r["respondents"],
            r["acknowledged"],
            r["stored"],
            r["partial"],
            r["lost"],
            r["duplicated"],
            r["altered"],
            r["http_5xx"],
            r["submits_retried"],
            r["acked_after_retry"],
            r["stored_unacknowledged"],
            f"{r['seconds']:.1f}",
        ]
        for r in rs
    ]
    detail = [
        [
            r["db"],
            r["retries"],
            r["respondents_retrying"],
            r["no_reply"],
            r["unfinished"],
            r["receipts"],
            r["double_submits"],
            _counts(r["double_outcomes"]),
            r["replays"],
            _counts(r["replay_outcomes"]),
            r["acked_after_last_restart"],
            f"{r['connection_drop_rounds']} / {r['connections_dropped']} / "
            f"{r['http_5xx_after_drop']}"
            if r["connection_drop_rounds"]
            else "–",
        ]
        for r in rs
    ]
    detail_head = [
        "database",
        "requests retried",
        "respondents who retried",
        "requests without a reply",
        "unfinished when the run ended",
        "receipts",
        "double submits",
        "double outcomes",
        "replays",
        "replay outcomes",
        "acknowledged after the last restart",
        "connection drops: rounds / connections / 5xx",
    ]
    return "\n\n".join([_table(head, rows), _table(detail_head, detail), _problems(rs)])


def bad_input_section(rs: list[dict[str, Any]]) -> str:
    if not rs:
        return "_Not run._"
    dbs = [r["db"] for r in rs]
    by_case: dict[str, dict[str, dict[str, Any]]] = {}
    for r in rs:
        for c in r["cases"]:
            by_case.setdefault(c["case"], {})[r["db"]] = c
    rows = []
    for case in cases.CASES:
        got = by_case.get(case.name, {})
        cells = []
        for db in dbs:
            c = got.get(db)
            if c is None:
                cells.append("–")
                continue
            status = "closed" if c["status"] == 0 else str(c["status"])
            mark = "ok" if c["ok"] else ("**known issue**" if c["known_issue"] else "**FAIL**")
            cells.append(f"{status}{', stored' if c['stored'] else ''} ({mark})")
        note = case.why or (f"Finding: {case.known_issue}" if case.known_issue else "")
        if case.closed_ok:
            note = (note + " " if note else "") + CLOSED
        rows.append([f"`{case.name}`", case.what, "/".join(map(str, case.expect)), *cells, note])
    return _table(["case", "request", "expected", *dbs, "note"], rows)


def restart_section(rs: list[dict[str, Any]]) -> str:
    head = [
        "database",
        "workers",
        "CPU-bound processes added",
        "load average before / after",
        "server start (s)",
        "worker replacements",
        "clients",
        "answered",
        "5xx",
        "kill to first 200, median / max (s)",
        "that first request, median / max (s)",
    ]
    rows = [
        [
            r["db"],
            r["workers"],
            r["busy"],
            r["load_average"],
            ", ".join(f"{x:.1f}" for x in r["server_start_s"]) or "–",
            r["rounds"],
            r["clients"],
            r["answered"],
            r["http_5xx"],
            f"{r['since_kill_median_s']:.2f} / {r['since_kill_max_s']:.2f}",
            f"{r['first_request_median_s']:.2f} / {r['first_request_max_s']:.2f}",
        ]
        for r in rs
    ]
    problems = [f"- {r['db']}: {f}" for r in rs for f in r["failures"]]
    recovery = [
        [
            r["db"],
            x["mode"],
            f"{x['first_200_s']:.1f}",
            f"{x['old_processes_gone_s']:.2f}",
            f"{x.get('cpu_s', 0):.1f} / {x.get('master_cpu_s', 0):.1f}",
            f"`{x.get('loadavg', '')}`",
        ]
        for r in rs
        for x in r.get("recovery", [])
    ]
    parts = [_table(head, rows), "\n".join(problems) or "No 5xx, no server log errors."]
    if recovery:
        parts += [
            "**Recovery** (issue 15): `collabdx serve` SIGKILLed (the gunicorn master alone, or"
            " its whole process group) and started again at once; the time from the kill until"
            " the new server answers the start page 200 (counted only once every old process"
            " has exited), and the CPU the new server's processes had used by then (all / the"
            " master's serial start: on a quiet machine the wall time is close to the"
            " latter). Goal: within 5 s on a quiet machine.",
            _table(
                [
                    "database",
                    "killed",
                    "kill to first 200 (s)",
                    "old processes gone (s)",
                    "CPU s, all / master",
                    "/proc/loadavg after",
                ],
                recovery,
            ),
        ]
    return "\n\n".join(parts)


CLOSED = (
    'Over the socket, "closed" means gunicorn closed the connection while the client'
    " was still sending the body, so the client saw a reset, not the status (finding 3)."
)


def _counts(d: dict[str, int]) -> str:
    return ", ".join(f"{k or 'none'}: {v}" for k, v in sorted(d.items())) or "–"


def _problems(rs: list[dict[str, Any]], limit: int = 6) -> str:
    lines = []
    for r in rs:
        shown = [p for p in r["problems"] if not p.startswith("…")]
        lines += [f"- {r['db']}: {p}" for p in shown[:limit]]
        if len(r["problems"]) > limit:
            lines.append(f"- {r['db']}: … more respondents with problems (see the JSON output)")
        kinds = Counter(r.get("log_counts", {}))
        if kinds:
            summary = ", ".join(f"`{k}` × {n}" for k, n in kinds.most_common())
            lines.append(f"- {r['db']}: server log: {summary}")
        lines += [f"- {r['db']}: lost {t}" for t in r["lost_tags"]]
        lines += [f"- {r['db']}: partial: {p}" for p in r["partial_problems"]]
    if not lines:
        return "No respondent met an unexpected reply; no server log errors."
    return "\n".join(lines)


def render(results: dict[str, Any], argv: list[str]) -> str:
    failures = all_failures(results)
    known = sum(r.get("known_issues_seen", 0) for r in results.get("bad_input", []))
    verdict = (
        "**FAILED**:\n\n" + "\n".join(f"- {f}" for f in failures)
        if failures
        else (
            "**Passed**: 0 lost, 0 duplicated, 0 partial, 0 altered, no 5xx; every bad-input "
            "case refused with nothing stored"
            + (f", apart from {known} known issue(s) listed." if known else ".")
        )
    )
    info = results.get("machine", {})
    findings = FINDINGS.read_text() if FINDINGS.exists() else ""
    cmd = " ".join(["python -m reliability.run", *argv])
    parts = [
        "# Reliability: load, faults, bad input and restarts",
        f"_Generated by `{cmd}` on {dt.date.today().isoformat()} "
        f"({results['profile']} profile, {results['seconds']:.0f} s). Do not edit by hand: "
        "run it again; the findings are in `reliability/findings.md`._",
        "## Result\n\n" + verdict,
        "## Machine\n\n"
        + "\n".join(f"- **{k}**: {v}" for k, v in info.items())
        + "\n- The load generator runs on the same machine as the servers and the database,"
        " so the figures are a floor for this hardware, not a capacity plan.",
        "## Method\n\n" + METHOD,
        "## Reproduce\n\n" + COMMANDS,
        "## Load\n\n" + (load_section(results["load"]) if results["load"] else "_Not run._"),
        "## Faults (SIGKILL during submissions)\n\n"
        + (fault_section(results["faults"]) if results["faults"] else "_Not run._"),
        "## Bad input (live server)\n\n" + bad_input_section(results["bad_input"]),
        "## Restarts (server start, replaced workers)\n\n"
        + (restart_section(results["restarts"]) if results.get("restarts") else "_Not run._"),
    ]
    if findings:
        parts.append(findings.strip())
    return "\n\n".join(parts) + "\n"
