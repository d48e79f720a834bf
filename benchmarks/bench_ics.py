"""Waves the size of an ICS (issue 15): the report page, research page and CSV export
of a closed wave of N responses across 40 partners, against a bare view, in one run.

Each (database, N) runs in a fresh Python process (``python -m benchmarks.bench_ics
--n 20000 --db sqlite``): Django is set up with ``benchmarks.web_settings`` (the app's
settings plus the bare view ``/bench/bare/``), a throwaway SQLite file or PostgreSQL
database is migrated, one collaboration with 40 partners and one closed wave is
created, and N synthetic readiness v1 responses are stored with ``bulk_create``. Then
Django's test ``Client`` (in the same process, no server) requests, as a logged-in
facilitator:

* ``bare``: ``/bench/bare/`` 30 times (median): the floor, the same middleware;
* ``report``: the group report page: the first request (202 "being prepared": it
  only queues the model), the worker's batch that draws it, and the second request;
* ``research``: the research page, first and second (from the report's kept model);
* ``csv``: the CSV export: first (302 to its status page, queueing the file), the
  worker's batch, second (the kept file).

Figures are wall seconds and ratios to the bare view's median; ``uptime`` is recorded
before and after, as other work shares the machine. Entry point: ``benchmarks/run.py``
(``--only ics``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
PARTNERS = 40
SIZES = [20_000, 100_000]
GOAL_REPORT_S = 2.0  # the report page at 20,000 responses (issue 15)
PG_URL = "postgres://collabdx:collabdx@127.0.0.1:5432/collabdx_bench_ics"


def uptime() -> str:
    from benchmarks.bench_pack import uptime as _uptime

    return _uptime()


def _answers(instrument: Any, rng: random.Random, org: str) -> dict[str, object]:
    """A plausible respondent: a personal level plus noise on every choice item, ~3%
    left blank, the organisation typed in (never read: the partner link counts)."""
    level = rng.choice((2, 3, 3, 4, 4, 5))
    out: dict[str, object] = {}
    for item in instrument.choice_items:
        if rng.random() < 0.03:
            continue
        codes = item.codes
        want = min(max(level + rng.choice((-1, 0, 0, 1)), min(codes)), max(codes))
        out[item.id] = want if want in codes else rng.choice(codes)
    org_item = instrument.descriptor_item("organisation")
    if org_item is not None and org_item.type == "text":
        out[org_item.id] = org
    return out


def populate(
    n: int, partners: int = PARTNERS, seed: int = 15, username: str = "bench-ics"
) -> tuple[Any, Any, Any]:
    """One facilitator, a collaboration of ``partners`` partners, one closed wave with a
    link per partner and ``n`` responses spread over the partners (unevenly, as in an
    ICS: acute trusts answer more than small providers). Returns (user, collab, wave)."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from collabdx.core.instruments import load_instrument
    from collabdx.web.collab.models import Collaboration, Partner, PartnerLink, Wave
    from collabdx.web.survey.models import Response

    rng = random.Random(seed)  # noqa: S311 - synthetic answers, not secrets
    today = dt.date.today()
    instrument = load_instrument("readiness", "1")
    with transaction.atomic():
        user = get_user_model().objects.create_user(
            username,
            password="bench ics passphrase",  # noqa: S106 - throwaway database
        )
        collab = Collaboration.objects.create(
            name="ICS benchmark", collaboration_type="provider_collaborative", mandated=True,
            cross_sector=True, life_cycle_stage="delivery", owner=user,
        )  # fmt: skip
        orgs = Partner.objects.bulk_create(
            Partner(collaboration=collab, name=f"Partner {i:02d} NHS Trust")
            for i in range(partners)
        )
        wave = Wave.objects.create(
            collaboration=collab, name="ICS wave", instrument_id="readiness",
            instrument_version="1", opens_on=today - dt.timedelta(days=40),
            closes_on=today - dt.timedelta(days=10),
        )  # fmt: skip
        PartnerLink.objects.bulk_create(PartnerLink(wave=wave, partner=p) for p in orgs)
        weights = [1 + (i % 7) for i in range(partners)]
        chosen = rng.choices(orgs, weights=weights, k=n)
        Response.objects.bulk_create(
            (
                Response(
                    wave=wave,
                    partner=p,
                    instrument_id="readiness",
                    instrument_version="1",
                    answers=_answers(instrument, rng, p.name),
                    submitted_on=today - dt.timedelta(days=10 + rng.randrange(30)),
                )
                for p in chosen
            ),
            batch_size=2000,
        )
    return user, collab, wave


def _time(client: Any, url: str) -> tuple[float, int, int]:
    start = time.perf_counter()
    reply = client.get(url)
    size = len(b"".join(reply.streaming_content) if reply.streaming else reply.content)
    return time.perf_counter() - start, reply.status_code, size


def _worker() -> float:
    """Run what the requests queued (``collabdx worker --batch``, in this process)."""
    from django.core.management import call_command

    start = time.perf_counter()
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    return time.perf_counter() - start


def time_pages(client: Any, collab: Any, wave: Any, bare_repeats: int = 30) -> dict[str, Any]:
    """Seconds per request and status codes; ``bare`` is the median of the floor.

    The tasks run on the database backend, as in production: the first request of the
    report (202, "being prepared") and of the CSV (302 to its status page) only queue
    the work; ``*_worker`` is the worker's batch that then does it; the second request
    is served from what the worker kept. The research page shows the report's kept
    model, so it is timed after the report's worker batch."""
    base = f"/collaborations/{collab.pk}/waves/{wave.pk}"
    bare = [_time(client, "/bench/bare/") for _ in range(bare_repeats)]
    out: dict[str, Any] = {
        "bare": statistics.median(t for t, _, _ in bare),
        "status": {"bare": sorted({s for _, s, _ in bare})},
        "bytes": {},
    }

    def timed(name: str, url: str) -> None:
        seconds, status, size = _time(client, url)
        out[name] = seconds
        out["status"][name] = status
        out["bytes"][name] = size

    timed("report_first", f"{base}/report/")
    out["report_worker"] = _worker()
    timed("report_second", f"{base}/report/")
    timed("research_first", f"{base}/research/")
    timed("research_second", f"{base}/research/")
    timed("csv_first", f"{base}/export.csv")
    out["csv_worker"] = _worker()
    timed("csv_second", f"{base}/export.csv")
    return out


def warm_up(client: Any, user: Any) -> None:
    """Request every timed page once for a small wave of another collaboration, so
    the big wave's first request pays for its own work, not for the process's first
    imports and template compilation."""
    from collabdx.web.collab.models import Collaboration

    _user, collab, wave = populate(200, partners=5, seed=1, username="bench-ics-warm")
    Collaboration.objects.filter(pk=collab.pk).update(owner=user)
    base = f"/collaborations/{collab.pk}/waves/{wave.pk}"
    for url in (f"{base}/report/", f"{base}/research/", f"{base}/export.csv", "/bench/bare/"):
        client.get(url)
    _worker()  # nothing queued at this size but the close; imports the worker's code


def _setup(db: str, tmp: Path) -> str:
    os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.web_settings"
    os.environ.setdefault("SECRET_KEY", "bench-ics-not-secret-" + "x" * 40)
    os.environ["COLLABDX_DATA_DIR"] = str(tmp)
    os.environ["COLLABDX_GENERATED_DIR"] = str(tmp / "generated")
    os.environ["COLLABDX_TASKS_BACKEND"] = "database"  # as in production: see time_pages
    os.environ["ALLOWED_HOSTS"] = "testserver,localhost,127.0.0.1"
    url = (
        os.environ.get("BENCH_ICS_PG_URL", PG_URL)
        if db == "postgres"
        else (f"sqlite:///{tmp / 'bench.sqlite3'}")
    )
    os.environ["DATABASE_URL"] = url
    if db == "postgres":
        name = url.rsplit("/", 1)[1]
        admin = url.rsplit("/", 1)[0] + "/postgres"
        import psycopg

        with psycopg.connect(admin.replace("postgres://", "postgresql://"),
                             autocommit=True) as conn:  # fmt: skip
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    # Only the URLs of static files are drawn (no collectstatic in a throwaway folder).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }

    call_command("migrate", verbosity=0)
    return url


def measure(n: int, db: str) -> dict[str, Any]:
    """One (database, N) in this process: populate, then time the pages."""
    with tempfile.TemporaryDirectory(prefix="collabdx-bench-ics-") as tmp:
        _setup(db, Path(tmp))
        from django.test import Client

        from collabdx.web.survey.models import Response

        before = uptime()
        start = time.perf_counter()
        user, collab, wave = populate(n)
        populate_s = time.perf_counter() - start
        stored = Response.objects.filter(wave=wave).count()
        client = Client()
        client.force_login(user)
        warm_up(client, user)
        out = time_pages(client, collab, wave)
        out.update(n=n, db=db, stored=stored, populate_s=populate_s,
                   uptime=[before, uptime()])  # fmt: skip
        if db == "postgres":
            from django.db import connections

            connections.close_all()
        return out


def bench(sizes: list[int], dbs: list[str]) -> list[dict[str, Any]]:
    """Each (database, N) in a fresh process, so one's caches never help the next."""
    results = []
    for db in dbs:
        for n in sizes:
            done = subprocess.run(  # noqa: S603 - our own module, fixed arguments
                [sys.executable, "-m", "benchmarks.bench_ics", "--n", str(n), "--db", db],
                cwd=REPO, capture_output=True, text=True, check=False,
            )  # fmt: skip
            if done.returncode != 0:
                print(done.stderr[-3000:], file=sys.stderr)
                raise SystemExit(f"bench_ics: {db} n={n} failed")
            results.append(json.loads(done.stdout.strip().splitlines()[-1]))
            print(f"bench_ics {db} n={n}: done", file=sys.stderr)
    return results


def render(results: list[dict[str, Any]]) -> str:
    lines = [
        f"A closed wave of N synthetic readiness v1 responses across {PARTNERS} partners,",
        "stored with `bulk_create`; Django's test `Client` in one process (no server, no",
        "network), logged in as the facilitator; tasks on the database backend, as in",
        "production. Floor: `/bench/bare/` (same middleware, median of 30). *1st*: the",
        "first request (the report: 202 \"being prepared\", the CSV: 302 to its status",
        "page; both only queue the work); *worker*: `db_worker --batch` doing it; *2nd*:",
        "the request after. The research page shows the report's kept model.",
        f"Goal: the report page under {GOAL_REPORT_S:.0f} s at 20,000.",
        "",
        "| db | N | bare ms | report 1st s | worker s | report 2nd s | research 1st s | "
        "research 2nd s | CSV 1st s | worker s | CSV 2nd s | report 1st × bare "
        "| `uptime` load (start → end) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        bare = r["bare"]
        load = " → ".join(u.split("load average:")[-1].strip() for u in r["uptime"])
        lines.append(
            f"| {r['db']} | {r['n']:,} | {bare * 1000:.1f} | {r['report_first']:.2f} | "
            f"{r['report_worker']:.1f} | {r['report_second']:.2f} | "
            f"{r['research_first']:.2f} | {r['research_second']:.2f} | "
            f"{r['csv_first']:.2f} | {r['csv_worker']:.1f} | {r['csv_second']:.2f} | "
            f"{r['report_first'] / bare:,.0f} | {load} |"
        )
    lines += ["", "Ratios of every request to the bare view's median:", ""]
    for r in results:
        ratios = ", ".join(
            f"{k.replace('_', ' ')} {r[k] / r['bare']:,.0f}×"
            for k in ("report_first", "report_second", "research_first", "research_second",
                      "csv_first", "csv_second")
        )  # fmt: skip
        lines.append(f"- {r['db']}, N = {r['n']:,}: {ratios}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description="one (database, N) of the ICS benchmark")
    parser.add_argument("--n", type=int, required=True)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    args = parser.parse_args()
    print(json.dumps(measure(args.n, args.db)))


if __name__ == "__main__":
    main()
