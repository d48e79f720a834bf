"""Profile the survey's requests with pyinstrument (a dev dependency).

    .venv/bin/python -m benchmarks.profile_web            # SQLite; 200 requests of each kind
    .venv/bin/python -m benchmarks.profile_web --db postgres --count 100

Makes the web benchmark's environment (``reliability.env.target``: a fresh
database, migrated and seeded), then, in a child process with that environment,
sends requests through Django's test client (the whole middleware stack and the
views, without gunicorn and sockets) under the profiler: the bare view, survey
page views (page 1, a new respondent), page saves, and submissions of respondents
prepared first without the profiler. Prints one call tree per kind, and each
kind's CPU time per request. docs/benchmarks.md keeps the notes.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from typing import Any

from benchmarks.bench_web import BARE_PATH, SETTINGS, Survey

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
DRAFT = re.compile(r'name="draft" value="([^"]+)"')


def _child(token: str, count: int, depth: int, flat_lines: int = 45) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    import random

    import django

    django.setup()
    from http.cookies import SimpleCookie

    from django.test import Client
    from pyinstrument import Profiler
    from pyinstrument.renderers import ConsoleRenderer

    survey = Survey.readiness()
    rng = random.Random(8)  # noqa: S311 - test data

    def answers(page: int) -> dict[str, str]:
        return {i: str(rng.choice(c)) for i, c in survey.pages[page - 1] if c is not None}

    def to_check(client: Client) -> str:
        for page in range(1, len(survey.pages) + 1):
            reply = client.post(f"/s/{token}/page/{page}/", answers(page))
            assert reply.status_code == 302, reply.status_code
        check = client.get(f"/s/{token}/check/")
        found = DRAFT.search(check.content.decode())
        assert found is not None
        return found.group(1)

    def submit(client: Client, draft: str) -> None:
        reply = client.post(f"/s/{token}/submit/", {"draft": draft})
        assert reply.status_code == 302 and "/thank-you/" in reply["Location"]

    # One test client, as one gunicorn worker has one handler (a new Client per request
    # would load the middleware every time); each respondent gets its own cookie jar.
    client = Client()

    def fresh() -> Client:
        client.cookies = SimpleCookie()
        return client

    def resume(jar: SimpleCookie) -> Client:
        client.cookies = jar
        return client

    # Warm up: every view, template and lazy import once.
    for _ in range(3):
        fresh().get(BARE_PATH)
        fresh().get(f"/s/{token}/page/1/")
        c = fresh()
        submit(c, to_check(c))

    out: dict[str, Any] = {}
    for kind in ("bare", "page", "save", "submit"):
        prepared: list[tuple[SimpleCookie, str]] = []
        if kind == "submit":
            for _ in range(count):
                c = fresh()
                draft = to_check(c)
                prepared.append((c.cookies, draft))
        jar = SimpleCookie()
        profiler = Profiler(interval=0.0005)
        cpu = time.process_time()
        with profiler:
            for i in range(count):
                if kind == "bare":
                    assert fresh().get(BARE_PATH).status_code == 200
                elif kind == "page":
                    assert fresh().get(f"/s/{token}/page/1/").status_code == 200
                elif kind == "save":
                    page = i % len(survey.pages) + 1
                    c = fresh() if page == 1 else resume(jar)
                    reply = c.post(f"/s/{token}/page/{page}/", answers(page))
                    assert reply.status_code == 302
                    jar = c.cookies
                else:
                    submit(resume(prepared[i][0]), prepared[i][1])
        cpu_ms = (time.process_time() - cpu) / count * 1000
        tree = profiler.output_text(unicode=False, color=False, show_all=False)
        flat = profiler.output(ConsoleRenderer(flat=True, show_all=True))
        out[kind] = {
            "cpu_ms": cpu_ms,
            "tree": _trim(tree, depth),
            "flat": "\n".join(flat.splitlines()[:flat_lines]),
        }
    print(json.dumps(out))


def _trim(text: str, depth: int) -> str:
    """The call tree down to ``depth`` levels (pyinstrument indents 3 per level)."""
    keep = []
    for line in text.splitlines():
        stripped = line.lstrip(" |`-")
        indent = len(line) - len(stripped)
        if indent <= 3 * depth:
            keep.append(line)
    return "\n".join(keep)


def main(argv: list[str] | None = None) -> None:
    from reliability.env import target

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--count", type=int, default=200, help="requests of each kind")
    parser.add_argument("--depth", type=int, default=14, help="call tree levels to print")
    args = parser.parse_args(argv)
    with target(args.db, partners=6, waves=1) as t:
        env = {**t.env, "DJANGO_SETTINGS_MODULE": SETTINGS}
        command = [
            sys.executable,
            "-m",
            "benchmarks.profile_web",
            "child",
            t.tokens[0],
            str(args.count),
            str(args.depth),
        ]
        proc = subprocess.run(  # noqa: S603 - our own interpreter and module
            command, env=env, capture_output=True, text=True, check=False, timeout=1800
        )
    if proc.returncode != 0:
        raise SystemExit(proc.stderr[-4000:])
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    for kind, r in result.items():
        print(f"\n===== {kind}: {r['cpu_ms']:.2f} ms CPU per request (profiled) =====")
        print(r["tree"])
        print(f"--- {kind}: functions by own time ---")
        print(r["flat"])


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "child":
        _child(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    else:
        main()
