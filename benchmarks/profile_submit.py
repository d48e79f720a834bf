"""What one submission costs, and where it goes: cProfile over a few hundred submits.

    .venv/bin/python -m benchmarks.profile_submit                  # SQLite, 300 submits
    .venv/bin/python -m benchmarks.profile_submit --db postgres --count 300

Makes the web benchmark's environment (``reliability.env.target``: a fresh database,
migrated, one collaboration with an open wave), then, in a child process with that
environment, drives Django's test client in-process (the whole middleware stack and
the views, no gunicorn, no sockets). Respondents are prepared first (every page saved,
check page opened), unmeasured; then their submit POSTs are sent twice over: once
unprofiled, for the CPU time per submit of this process (``time.process_time``) and,
on PostgreSQL, of the database backend serving it (its /proc ticks), against the bare
view measured the same way in the same process; once under cProfile, whose
functions by cumulative and by own time are printed. Issue 15's figure is app + db
CPU per submit. docs/benchmarks.md keeps the notes.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import subprocess
import sys
import time
from typing import Any

from benchmarks.bench_web import BARE_PATH, CLK_TCK, SETTINGS, Survey, _pid_ticks
from benchmarks.profile_web import DRAFT


def _child(token: str, count: int, lines: int) -> dict[str, Any]:
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    import random
    from http.cookies import SimpleCookie

    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    survey = Survey.readiness()
    rng = random.Random(15)  # noqa: S311 - test data
    client = Client()  # one handler, as one gunicorn worker has

    def answers(page: int) -> dict[str, str]:
        return {i: str(rng.choice(c)) for i, c in survey.pages[page - 1] if c is not None}

    def prepare() -> tuple[SimpleCookie, str]:
        client.cookies = SimpleCookie()
        for page in range(1, len(survey.pages) + 1):
            assert client.post(f"/s/{token}/page/{page}/", answers(page)).status_code == 302
        found = DRAFT.search(client.get(f"/s/{token}/check/").content.decode())
        assert found is not None
        return client.cookies, found.group(1)

    def submit(jar: SimpleCookie, draft: str) -> None:
        client.cookies = jar
        reply = client.post(f"/s/{token}/submit/", {"draft": draft})
        assert reply.status_code == 302 and "/thank-you/" in reply["Location"], reply

    def bare(_jar: SimpleCookie, _draft: str) -> None:
        client.cookies = SimpleCookie()
        assert client.get(BARE_PATH).status_code == 200

    def db_ticks() -> int:
        if connection.vendor != "postgresql":
            return 0
        with connection.cursor() as cur:
            cur.execute("SELECT pg_backend_pid()")
            pid = cur.fetchone()[0]
        return _pid_ticks(pid) or 0

    for _ in range(3):  # warm up: every view, template and lazy import once
        submit(*prepare())
        bare(SimpleCookie(), "")

    def measure(fn: Any, jobs: list[tuple[SimpleCookie, str]]) -> dict[str, float]:
        db0, cpu0, wall0 = db_ticks(), time.process_time(), time.perf_counter()
        for jar, draft in jobs:
            fn(jar, draft)
        cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
        db = (db_ticks() - db0) / CLK_TCK
        n = len(jobs)
        return {"app_ms": cpu / n * 1000, "db_ms": db / n * 1000, "wall_ms": wall / n * 1000}

    out: dict[str, Any] = {"vendor": connection.vendor, "count": count}
    # The statements of one submit, counted as Django's test runner counts them.
    from django.test.utils import CaptureQueriesContext

    ready = prepare()
    with CaptureQueriesContext(connection) as captured:
        submit(*ready)
    out["statements"] = [q["sql"][:160] for q in captured.captured_queries]
    out["bare"] = measure(bare, [(SimpleCookie(), "")] * count)
    out["submit"] = measure(submit, [prepare() for _ in range(count)])
    jobs = [prepare() for _ in range(count)]
    profiler = cProfile.Profile()
    profiler.enable()
    for jar, draft in jobs:
        submit(jar, draft)
    profiler.disable()
    out["calls"] = pstats.Stats(profiler).total_calls / count  # type: ignore[attr-defined]
    for key in ("cumulative", "tottime"):
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).strip_dirs().sort_stats(key).print_stats(lines)
        out[key] = text.getvalue()
    return out


def main(argv: list[str] | None = None) -> None:
    from reliability.env import target

    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--count", type=int, default=300, help="submissions")
    parser.add_argument("--lines", type=int, default=40, help="functions to print")
    args = parser.parse_args(argv)
    with target(args.db, partners=6, waves=1) as t:
        env = {**t.env, "DJANGO_SETTINGS_MODULE": SETTINGS}
        argv_ = [sys.executable, "-m", "benchmarks.profile_submit", "child", t.tokens[0],
                 str(args.count), str(args.lines)]  # fmt: skip
        proc = subprocess.run(  # noqa: S603 - our own interpreter and module
            argv_, env=env, capture_output=True, text=True, check=False, timeout=3600
        )
    if proc.returncode != 0:
        raise SystemExit(proc.stderr[-4000:])
    r = json.loads(proc.stdout.strip().splitlines()[-1])
    with open("/proc/loadavg") as f:
        load = f.read().strip()
    print(f"{r['vendor']}, {r['count']} submits; /proc/loadavg at the end: {load}")
    for kind in ("bare", "submit"):
        x = r[kind]
        print(f"{kind:6}: app {x['app_ms']:.2f} ms + db {x['db_ms']:.2f} ms CPU per request "
              f"= {x['app_ms'] + x['db_ms']:.2f} ms; wall {x['wall_ms']:.2f} ms")  # fmt: skip
    print(f"per submit: {len(r['statements'])} SQL statements, "
          f"{r['calls']:,.0f} Python function calls (under cProfile)")  # fmt: skip
    for sql in r["statements"]:
        print("  " + sql)
    print("\n===== by cumulative time =====\n" + r["cumulative"])
    print("===== by own time =====\n" + r["tottime"])


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "child":
        print(json.dumps(_child(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))))
    else:
        main()
