"""Respondents while facilitators download (issue 15): p99 of every respondent request
under 50 concurrent respondents, while facilitators download PDF packs and exports.

The server is started as ``collabdx serve`` starts it: the same command
(``python -m collabdx.cli serve``: migrate, collectstatic, the django-tasks database
worker as its child, then gunicorn with ``--preload``), in its own process group, on
a fresh environment of the reliability harness (``reliability.env.target``: a data
directory or PostgreSQL database, migrated, one collaboration with an open wave). The
settings are ``benchmarks.web_settings`` (the app's plus the bare view), so the floor
runs in the same workers. Before the server starts, a second collaboration gets a
facilitator and a closed wave of ``closed_responses`` synthetic responses
(``bench_ics.populate``), whose pack and exports the facilitators download.

Two phases of ``seconds`` each, one after the other:

* ``quiet``: ``respondents`` simulated respondents walk the whole survey (start page,
  every page viewed and saved with its CSRF token, check page, submit, thank-you page),
  each pausing ``think`` seconds before every request, journey after journey; and
  ``probes`` clients GET the bare view with the same pauses;
* ``downloads``: the same, while ``facilitators`` signed-in facilitators download the
  workshop pack PDF (queued for the background worker the first time: they follow
  the "being prepared" page until it is offered) and the CSV, XLSX and JSON exports
  (made by the worker too and kept, as the wave has at least
  ``COLLABDX_BACKGROUND_EXPORT_ROWS`` responses), again and again with a short pause.

``python -m benchmarks.bench_load compare`` runs the quick profile with the settings
before issue 15's respondent margin (the worker at the server's priority, exports
made in the request up to 2,000 responses) and after, alternating, and prints one
row per run (``--config`` also offers each change on its own).

Reported per phase and per request kind: p50 / p95 / p99 (ms, at the client, from
connect to the end of the reply) and each as a ratio to the bare view's same
percentile in the same phase. The machine's ``/proc/loadavg`` is recorded at the
start and end of each phase. Every reply is checked, and every acknowledged
submission must be stored once with its receipt. Entry point: ``benchmarks/run.py``
(``--only load``); ``python -m benchmarks.bench_load seed`` is the seeding step, run
inside the environment.
"""

from __future__ import annotations

import argparse
import functools
import json
import random
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from reliability.env import ROOT, ServeServer, Target, static_cache, target
from reliability.results import percentile

from benchmarks.bench_web import (
    BARE_PATH,
    CSRF,
    SETTINGS,
    BenchError,
    Client,
    OutOfTime,
    Recorder,
    Respondent,
    Survey,
    _path,
    _pool,
)

RESPONDENT_KINDS = ("start", "page", "save", "check", "submit", "thanks")
FACILITATOR_KINDS = ("sign_in", "pdf", "pdf_status", "export")
GOAL_P99_MS = 1000.0  # issue 15: every respondent request under 1 s at p99


@dataclass(frozen=True)
class LoadProfile:
    respondents: int = 50
    facilitators: int = 3
    probes: int = 2  # clients of the bare view
    seconds: float = 60.0  # per phase
    think: tuple[float, float] = (0.5, 1.5)  # before each respondent / probe request
    facilitator_think: tuple[float, float] = (0.2, 0.6)
    closed_responses: int = 1000  # exports made by the worker (BACKGROUND_EXPORT_ROWS)
    formats: tuple[str, ...] = ("csv", "xlsx", "json")
    workers: int = 4  # gunicorn workers (`collabdx serve --workers`)
    dbs: tuple[str, ...] = ("sqlite", "postgres")
    max_phase_seconds: float = 600.0  # hard stop, whatever is in flight
    min_rounds: int = 0  # journeys / download rounds every client finishes regardless
    env: tuple[tuple[str, str], ...] = ()  # added to the server's environment (compare)
    # Facilitators fetch the exports before the PDF: on a loaded machine the PDF can take
    # longer than a phase, and the exports would then never be asked for.
    exports_first: bool = False


FULL = LoadProfile()
QUICK = LoadProfile(seconds=30.0, dbs=("postgres",))
TINY = LoadProfile(  # the smoke test: it runs and stores every submission, nothing on speed
    respondents=3,
    facilitators=1,
    probes=1,
    seconds=1.0,
    think=(0.01, 0.05),
    facilitator_think=(0.01, 0.05),
    closed_responses=12,
    formats=("csv",),
    workers=2,
    dbs=("sqlite",),
    max_phase_seconds=300.0,
    min_rounds=1,
)


# ------------------------------------------------------------------ the server


def seed(t: Target, responses: int) -> dict[str, Any]:
    """A facilitator and a closed wave of ``responses`` responses, in ``t``'s database."""
    done = subprocess.run(  # noqa: S603 - fixed argv, our own module
        [sys.executable, "-m", "benchmarks.bench_load", "seed", "--responses", str(responses)],
        env=t.env, cwd=ROOT, capture_output=True, text=True, timeout=900, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"seeding failed:\n{done.stderr[-4000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _seed_here(responses: int) -> dict[str, Any]:
    import django

    django.setup()
    from benchmarks.bench_ics import populate

    user, collab, wave = populate(responses, partners=6, username="bench-load")
    return {"username": user.username, "password": "bench ics passphrase",
            "collab": collab.pk, "wave": wave.pk}  # fmt: skip


# ------------------------------------------------------------------ facilitators


class Facilitator:
    """A signed-in facilitator downloading the closed wave's pack and exports."""

    def __init__(self, port: int, who: dict[str, Any], rec: Recorder, deadline: float,
                 rng: random.Random, think: tuple[float, float]) -> None:  # fmt: skip
        self.client = Client(port)
        self.who = who
        self.rec = rec
        self.deadline = deadline
        self.rng = rng
        self.think = think
        self.base = f"/collaborations/{who['collab']}/waves/{who['wave']}"
        self.downloads = 0
        # Whether to go on following a file being prepared (False once the phase is over).
        self.patient: Callable[[], bool] = lambda: True

    def send(self, kind: str, method: str, path: str,
             form: list[tuple[str, str]] | None = None) -> Any:  # fmt: skip
        time.sleep(self.rng.uniform(*self.think))
        if time.monotonic() > self.deadline:
            raise OutOfTime(kind)
        start = time.perf_counter()
        try:
            reply = self.client.request(method, path, form)
        except OSError as exc:
            self.rec.add(kind, 0, start, time.perf_counter())
            raise BenchError(f"{kind}: no reply ({type(exc).__name__})") from exc
        self.rec.add(kind, reply.status, start, time.perf_counter())
        if reply.status >= 400:
            raise BenchError(f"{kind} {path}: HTTP {reply.status}")
        return reply

    def sign_in(self) -> None:
        page = self.send("sign_in", "GET", "/sign-in/")
        found = CSRF.search(page.body)
        if found is None:
            raise BenchError("no CSRF token on the sign-in page")
        form = [
            ("csrfmiddlewaretoken", found.group(1).decode("ascii")),
            ("username", self.who["username"]),
            ("password", self.who["password"]),
        ]
        reply = self.send("sign_in", "POST", "/sign-in/", form)
        if reply.status != 302 or "/sign-in/" in reply.location:
            raise BenchError(f"sign-in refused: HTTP {reply.status} {reply.location}")

    def fetch(self, kind: str, path: str, magic: bytes) -> None:
        """GET a file; while it is being prepared, follow its status page until offered."""
        for _ in range(10_000):  # bounded; the deadline ends it sooner
            reply = self.send(kind, "GET", path)
            if reply.status == 200:
                if not reply.body.startswith(magic):
                    raise BenchError(f"{path}: not the file ({reply.body[:40]!r})")
                self.downloads += 1
                return
            if reply.status != 302:
                raise BenchError(f"{path}: HTTP {reply.status}")
            status = _path(reply.location)
            for _ in range(10_000):
                if not self.patient():
                    raise OutOfTime(kind)  # the phase is over; nobody is measured now
                page = self.send(f"{kind}_status", "GET", status)
                if page.status == 200 and b"being prepared" not in page.body:
                    break
                time.sleep(1.0)
        raise BenchError(f"{path}: never offered")

    def round(self, formats: tuple[str, ...], exports_first: bool = False) -> None:
        if not exports_first:
            self.fetch("pdf", f"{self.base}/report.pdf", b"%PDF")
        magic = {"csv": b"", "xlsx": b"PK", "json": b"{"}
        for fmt in formats:
            self.fetch("export", f"{self.base}/export.{fmt}", magic.get(fmt, b""))
        if exports_first:
            self.fetch("pdf", f"{self.base}/report.pdf", b"%PDF")


# ------------------------------------------------------------------ phases


@dataclass
class LoadPhase:
    name: str
    seconds: float
    loadavg: tuple[str, str]  # /proc/loadavg at the start and at the end
    latency: dict[str, dict[str, float]]  # per kind: count, p50/p95/p99/max ms
    submits: int
    stored: int
    receipts: int
    downloads: int
    errors: list[str] = field(default_factory=list)

    def ratio(self, kind: str, q: int) -> float:
        bare = self.latency.get("bare", {}).get(f"p{q}_ms", 0.0)
        return self.latency.get(kind, {}).get(f"p{q}_ms", 0.0) / bare if bare else 0.0


def _loadavg() -> str:
    return Path("/proc/loadavg").read_text().strip()


def _percentiles(secs: list[float]) -> dict[str, float]:
    return {
        "count": len(secs),
        "max_ms": max(secs, default=0.0) * 1000,
        **{f"p{q}_ms": percentile(secs, q) * 1000 for q in (50, 95, 99)},
    }


def _stored(t: Target) -> tuple[int, int]:
    _drafts, responses, receipts = t.snapshot()
    return int(responses[0][0]), int(receipts[0][0])


def run_phase(name: str, t: Target, port: int, p: LoadProfile, survey: Survey,
              who: dict[str, Any] | None, seed: int) -> LoadPhase:  # fmt: skip
    rec = Recorder()
    started = time.monotonic()
    soft_end = started + p.seconds
    hard_end = started + p.max_phase_seconds
    before = _stored(t)
    load0 = _loadavg()
    facilitators: list[Facilitator] = []

    def more(j: int) -> bool:
        now = time.monotonic()
        return now < hard_end and (now < soft_end or j < p.min_rounds)

    def respondent(i: int) -> None:
        rng = random.Random(seed * 7919 + i)  # noqa: S311 - test data, not security
        for j in range(10_000):
            if not more(j):
                return
            token = t.tokens[(i * 31 + j) % len(t.tokens)]
            r = Respondent(Client(port), token, survey, rng, rec, hard_end, think=p.think)
            r.start()
            r.thanks(r.submit(r.to_check(view_pages=True)))

    def probe(i: int) -> None:
        rng = random.Random(seed * 104_729 + i)  # noqa: S311
        for j in range(100_000):
            if not more(j):
                return
            time.sleep(rng.uniform(*p.think))
            start = time.perf_counter()
            reply = Client(port).request("GET", BARE_PATH)
            rec.add("bare", reply.status, start, time.perf_counter())
            if reply.status != 200:
                raise BenchError(f"bare: HTTP {reply.status}")

    def facilitator(i: int) -> None:
        assert who is not None
        f = Facilitator(port, who, rec, hard_end, random.Random(seed * 65_537 + i),  # noqa: S311
                        p.facilitator_think)  # fmt: skip
        facilitators.append(f)
        f.sign_in()
        for j in range(10_000):
            if not more(j):
                return
            f.patient = functools.partial(more, j)
            f.round(p.formats, p.exports_first)

    tasks: list[tuple[Callable[[int], None], int]] = [(respondent, i) for i in range(p.respondents)]
    tasks += [(probe, i) for i in range(p.probes)]
    if who is not None:
        tasks += [(facilitator, i) for i in range(p.facilitators)]

    errors = _pool(len(tasks), len(tasks), hard_end + 120, lambda n: tasks[n][0](tasks[n][1]))
    responses, receipts = _stored(t)
    ok = [s for s in rec.samples if s[1] in (200, 302)]
    latency = {
        kind: _percentiles([s[3] - s[2] for s in ok if s[0] == kind])
        for kind in sorted({s[0] for s in ok})
    }
    latency["respondent"] = _percentiles([s[3] - s[2] for s in ok if s[0] in RESPONDENT_KINDS])
    submits = sum(1 for s in ok if s[0] == "submit")
    phase = LoadPhase(
        name=name, seconds=time.monotonic() - started, loadavg=(load0, _loadavg()),
        latency=latency, submits=submits, stored=responses - before[0],
        receipts=receipts - before[1], downloads=sum(f.downloads for f in facilitators),
        errors=errors[:20],
    )  # fmt: skip
    if phase.stored != submits:
        phase.errors.append(f"{submits} submits acknowledged, {phase.stored} stored")
    if phase.receipts != phase.stored:
        phase.errors.append(f"{phase.receipts} receipts for {phase.stored} responses")
    return phase


@dataclass
class DbResult:
    db: str
    startup_s: float  # `collabdx serve` launched → first 200 of a respondent page
    phases: dict[str, LoadPhase]
    log_errors: list[str]

    def errors(self) -> list[str]:
        out = [f"{self.db} {n}: {e}" for n, ph in self.phases.items() for e in ph.errors]
        return out + [f"{self.db} server log: {e}" for e in self.log_errors]


def bench(p: LoadProfile, log: Callable[[str], object] = print) -> list[DbResult]:
    survey = Survey.readiness()
    results = []
    with static_cache():
        for db in p.dbs:
            log(f"load: {db}: preparing a fresh environment")
            with target(db, partners=6, waves=1) as t:
                t.env["DJANGO_SETTINGS_MODULE"] = SETTINGS
                t.env.update(p.env)
                who = seed(t, p.closed_responses)
                server = ServeServer(t, p.workers, name=f"serve-{db}")
                launched = time.perf_counter()
                try:
                    server.start(f"/s/{t.tokens[0]}/", timeout=300)
                    startup = time.perf_counter() - launched
                    server.mark_log()
                    phases = {}
                    for n, (name, fac) in enumerate((("quiet", None), ("downloads", who))):
                        log(f"load: {db}: {name} phase, {p.seconds:g} s")
                        phases[name] = run_phase(name, t, server.port, p, survey, fac, n + 1)
                        ph = phases[name]
                        log(f"  respondent p99 {ph.latency['respondent']['p99_ms']:.0f} ms, "
                            f"bare p99 {ph.latency.get('bare', {}).get('p99_ms', 0):.0f} ms, "
                            f"{ph.submits} submits, {ph.downloads} downloads, "
                            f"errors {len(ph.errors)}; loadavg {ph.loadavg[1]}")  # fmt: skip
                    log_errors = server.log_errors()
                finally:
                    server.stop()
                results.append(DbResult(db, startup, phases, log_errors))
    return results


def as_json(results: list[DbResult]) -> list[dict[str, Any]]:
    from dataclasses import asdict

    return [asdict(r) for r in results]


# ------------------------------------------------------------------ the doc section


def render(results: list[DbResult], p: LoadProfile) -> str:
    lines = [
        "**Method.** `benchmarks/bench_load.py` starts the server with `collabdx serve`",
        f"itself (`--workers {p.workers}`: migrate, collectstatic, the django-tasks worker, "
        "gunicorn",
        "with `--preload`) on a fresh database with an open wave, and a closed wave of",
        f"{p.closed_responses:,} synthetic responses in another collaboration. Two phases of "
        f"{p.seconds:g} s:",
        f"*quiet*, {p.respondents} respondents at once, each pausing {p.think[0]:g}–"
        f"{p.think[1]:g} s before every request",
        "and walking the whole survey (start page, 8 pages viewed and saved with CSRF,",
        "check page, submit, thank-you page with feedback) again and again, plus "
        f"{p.probes} clients",
        "of the bare view (`/bench/bare/`, same workers, same middleware) at the same pace;",
        f"*downloads*, the same while {p.facilitators} signed-in facilitators download the "
        "closed wave's",
        f"workshop pack PDF and its {', '.join(f.upper() for f in p.formats)} exports "
        "(the PDF queued for the worker the first time, then kept; the exports too from "
        "`COLLABDX_BACKGROUND_EXPORT_ROWS` responses, default 500)",
        f"again and again ({p.facilitator_think[0]:g}–{p.facilitator_think[1]:g} s apart). "
        "Latency per request at the client",
        "(connect to end of reply); ratio = the kind's percentile ÷ the bare view's same",
        "percentile in the same phase. Load: `/proc/loadavg` at the start → end of the phase.",
        "",
        "| database | phase | load at start → end | request | count | p50 ms | p95 ms "
        "| p99 ms | p50 ÷ bare | p99 ÷ bare |",
        "|---|---|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        for name, ph in r.phases.items():
            load = f"{ph.loadavg[0].split()[0]} → {ph.loadavg[1].split()[0]}"
            kinds = ["bare", "respondent", *RESPONDENT_KINDS, *FACILITATOR_KINDS,
                     "export_status"]  # fmt: skip
            for kind in kinds:
                if kind not in ph.latency:
                    continue
                x = ph.latency[kind]
                ratio = (f"{ph.ratio(kind, 50):.1f} | {ph.ratio(kind, 99):.1f}"
                         if kind != "bare" else "1 | 1")  # fmt: skip
                label = "**every respondent request**" if kind == "respondent" else kind
                lines.append(
                    f"| {r.db} | {name} | {load} | {label} | {x['count']:.0f} | "
                    f"{x['p50_ms']:.0f} | {x['p95_ms']:.0f} | {x['p99_ms']:.0f} | {ratio} |"
                )
                load = ""
    lines += ["", "Full `/proc/loadavg` lines (1, 5, 15 min, running/total, last pid):", ""]
    for r in results:
        for name, ph in r.phases.items():
            lines.append(f"- {r.db}, {name}: `{ph.loadavg[0]}` → `{ph.loadavg[1]}`")
    submits = sum(ph.submits for r in results for ph in r.phases.values())
    downloads = sum(ph.downloads for r in results for ph in r.phases.values())
    errors = [e for r in results for e in r.errors()]
    worst = {
        r.db: r.phases["downloads"].latency["respondent"]["p99_ms"]
        for r in results if "downloads" in r.phases
    }  # fmt: skip
    met = all(v < GOAL_P99_MS for v in worst.values())
    lines += [
        "",
        f"Correctness: {submits:,} submissions acknowledged and stored, one receipt each; "
        f"{downloads:,} files",
        f"downloaded; {len(errors)} unexpected replies or server log errors"
        + (": " + "; ".join(errors[:5]) if errors else "")
        + ".",
        "",
        f"**Goal** (issue 15): p99 of every respondent request under {GOAL_P99_MS:g} ms "
        f"while facilitators download: {'**met**' if met else '**not met**'} ("
        + "; ".join(f"{db}: {v:.0f} ms" for db, v in worst.items())
        + ").",
    ]
    return "\n".join(lines)


# ------------------------------------------------------------------ before / after

# The settings before issue 15's respondent margin: the worker at the server's own
# priority, and exports of up to 1,999 responses made in the request (never kept).
CONFIGS: dict[str, tuple[tuple[str, str], ...]] = {
    "before": (("COLLABDX_WORKER_NICE", "0"), ("COLLABDX_BACKGROUND_EXPORT_ROWS", "2000")),
    "after": (),  # the defaults
    # Each change on its own: the worker's priority only / the export threshold only.
    "nice-only": (("COLLABDX_BACKGROUND_EXPORT_ROWS", "2000"),),
    "threshold-only": (("COLLABDX_WORKER_NICE", "0"),),
}


def compare(p: LoadProfile, rounds: int, log: Callable[[str], object] = print,
            configs: tuple[str, ...] = ("before", "after")) -> str:  # fmt: skip
    """The ``configs`` in turn, ``rounds`` times each (each a fresh server and
    database), so all see the same machine; a Markdown table, one row per run."""
    rows = [
        "| run | config | load start → end (downloads phase) | respondent p99 quiet ms "
        "| bare p99 downloads ms | **respondent p99 downloads ms** | respondent p95 "
        "downloads ms | export p50 / p99 ms | pdf p50 / p99 ms | files | errors |",
        "|---:|---|---|---:|---:|---:|---:|---|---|---:|---:|",
    ]
    for i in range(rounds):
        for name in configs:
            [r] = bench(replace(p, env=CONFIGS[name]), log)
            q, d = r.phases["quiet"], r.phases["downloads"]

            def pair(kind: str, d: LoadPhase = d) -> str:
                x = d.latency.get(kind)
                return f"{x['p50_ms']:.0f} / {x['p99_ms']:.0f}" if x else "–"

            rows.append(
                f"| {i + 1} | {name} | {d.loadavg[0].split()[0]} → {d.loadavg[1].split()[0]} "
                f"| {q.latency['respondent']['p99_ms']:.0f} "
                f"| {d.latency.get('bare', {}).get('p99_ms', 0):.0f} "
                f"| {d.latency['respondent']['p99_ms']:.0f} "
                f"| {d.latency['respondent']['p95_ms']:.0f} | {pair('export')} | {pair('pdf')} "
                f"| {d.downloads} | {len(r.errors())} |"
            )
            log(rows[-1])
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_load")
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("seed", help="(inside the environment) facilitator and closed wave")
    s.add_argument("--responses", type=int, required=True)
    c = sub.add_parser("compare", help="before/after the respondent margin, alternating")
    c.add_argument("--rounds", type=int, default=2)
    c.add_argument("--seconds", type=float, default=QUICK.seconds)
    c.add_argument("--exports-first", action="store_true",
                   help="facilitators fetch the exports before the PDF")
    c.add_argument("--config", action="append", choices=tuple(CONFIGS),
                   help="configurations to alternate (repeatable; default before, after)")
    args = parser.parse_args(argv)
    if args.command == "compare":
        profile = replace(QUICK, seconds=args.seconds, exports_first=args.exports_first)
        print(compare(profile, args.rounds,
                      log=functools.partial(print, file=sys.stderr),
                      configs=tuple(args.config or ("before", "after"))))  # fmt: skip
        return
    print(json.dumps(_seed_here(args.responses)))


if __name__ == "__main__":
    main()
