"""Web: survey page views and submissions under concurrency, against a bare Django view.

Issue 8: serve the app with gunicorn on loopback, compare survey page views and
submissions with a bare Django view served the same way in the same run, on SQLite,
on PostgreSQL, and with two app servers against one PostgreSQL. Goal: submissions
reach at least 50% of the bare view's throughput, with p95 under 100 ms at 50
concurrent respondents.

The environment and the servers are the reliability harness's (``reliability.env``:
a fresh data directory or PostgreSQL database, migrated and seeded with one
collaboration and open waves, gunicorn started as ``collabdx serve`` starts it,
each server in its own process group; with two servers, a client sends each request
to the next server in turn). The only change: ``DJANGO_SETTINGS_MODULE``
is ``benchmarks.web_settings``, the app's settings plus ``/bench/bare/``
(``benchmarks/web_urls.py``), so the bare view runs in the same worker processes.

Each repeat of a configuration runs these phases, one after the other:

* ``bare``: GET ``/bench/bare/``, closed loop (every client sends its next request as
  soon as the last one is answered), ``concurrency`` clients;
* ``page``: GET a survey question page (page 1 of a partner link, as a new
  respondent sees it: the form, CSRF cookie, no session), closed loop;
* ``save``: respondents answer every page (GET page 1 for the CSRF token, then one
  POST per page, which saves the draft) and open the check page, closed loop; this
  prepares the submissions;
* ``submit``: the prepared respondents' submit POSTs, closed loop: check the draft,
  store the response and its receipt in one transaction, compute the respondent's
  feedback, cycle the session;
* ``paced``: ``concurrency`` respondents at once, each pausing ``think`` seconds
  (uniform) before every request, walking the whole survey from the start page to
  the thank-you page, then starting again, for ``paced_seconds``. That is many
  times faster than a person fills in the survey, so it is a heavy "50 people
  answering at once"; its latencies are the ones the p95 goal is about.

Throughput is requests answered / (last answer − first request) in the phase;
latency is per request, measured by the client, from connecting to the end of the
reply (gunicorn's sync workers close every connection). The client is lean on
purpose (plain sockets, no HTML parser: answers come from the instrument, the CSRF
token and draft key from one regular expression each) because it shares the
machine's CPUs with the servers and the database. CPU time is measured per phase
for the gunicorn processes (/proc, by process group), the PostgreSQL backends of
the benchmark's database (by pid from ``pg_stat_activity``, sampled), the client
process itself, and the whole machine (/proc/stat), so CPU per request is known
even when the wall clock is disturbed by other work.

Every reply is checked (status, redirect target, thank-you text); after each
submit phase the database must hold exactly one more response and receipt per
acknowledged submit. Every loop is bounded in count and in time, and every
request goes to 127.0.0.1. Entry point: ``benchmarks/run.py``.
"""

from __future__ import annotations

import contextlib
import os
import random
import re
import resource
import socket
import statistics
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from typing import Any

from reliability.client import HOST
from reliability.env import Server, Target, server_set, static_cache, target
from reliability.results import percentile

SETTINGS = "benchmarks.web_settings"
BARE_PATH = "/bench/bare/"  # benchmarks/web_urls.py
BARE_WRITE_PATH = "/bench/bare-write/"
CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
DRAFT = re.compile(rb'name="draft" value="([^"]+)"')
SENT = b"Your answers have been sent"  # survey/thanks.jinja with feedback
CLK_TCK = os.sysconf("SC_CLK_TCK")
PHASES = ("bare", "bare_write", "page", "save", "submit", "paced")


@dataclass(frozen=True)
class Config:
    """One way of serving: a database and how many gunicorn masters × workers."""

    name: str
    db: str  # sqlite | postgres
    servers: int
    workers: int  # per server


@dataclass(frozen=True)
class Profile:
    concurrency: int = 50
    bare: int = 4000  # requests
    pages: int = 2000  # requests
    respondents: int = 300  # prepared, then submitted, per repeat
    paced_seconds: float = 40.0
    think: tuple[float, float] = (0.5, 1.5)  # seconds before each paced request
    repeats: int = 3
    max_phase_seconds: float = 240.0  # every phase stops by then, finished or not
    # Journeys each paced respondent finishes even after ``paced_seconds`` (up to
    # ``max_phase_seconds``): on a busy machine a 2-second window may fit no whole journey,
    # and the CI smoke test checks that journeys are stored, not how many fit in a window.
    paced_min_journeys: int = 0
    configs: tuple[Config, ...] = (
        Config("SQLite, 1 server × 4 workers", "sqlite", 1, 4),
        Config("PostgreSQL, 1 server × 4 workers", "postgres", 1, 4),
        Config("PostgreSQL, 2 servers × 2 workers", "postgres", 2, 2),
    )


FULL = Profile()
QUICK = Profile(bare=1500, pages=600, respondents=100, paced_seconds=20.0, repeats=3)
TINY = Profile(  # CI: the scripts work and the answers are right, nothing about speed
    concurrency=4,
    bare=40,
    pages=20,
    respondents=6,
    paced_seconds=2.0,
    think=(0.05, 0.1),
    repeats=1,
    max_phase_seconds=60.0,
    paced_min_journeys=1,
    configs=(Config("SQLite, 1 server × 2 workers", "sqlite", 1, 2),),
)


class BenchError(Exception):
    """A reply that was not the expected one: the run is wrong, not slow."""


class OutOfTime(Exception):
    """The phase's deadline came first."""


# ------------------------------------------------------------------ client


@dataclass(frozen=True)
class Reply:
    status: int
    location: str
    body: bytes


@dataclass
class Recorder:
    """(kind, status, start, end) of every request; list.append is atomic."""

    samples: list[tuple[str, int, float, float]] = field(default_factory=list)

    def add(self, kind: str, status: int, start: float, end: float) -> None:
        self.samples.append((kind, status, start, end))


class Client:
    """One device: a cookie jar, and one plain HTTP/1.1 request per connection.

    With several app servers, each request goes to the next server in turn, as a
    load balancer without sticky sessions would send them: a respondent's pages,
    saves and submission land on different servers, which works only if the app
    keeps no state of its own (sessions and drafts are in the database)."""

    def __init__(self, port: int | list[int], timeout: float = 60.0, start: int = 0) -> None:
        self.ports = [port] if isinstance(port, int) else list(port)
        self.turn = start
        self.timeout = timeout
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: list[tuple[str, str]] | None = None) -> Reply:
        if not path.startswith("/"):
            raise BenchError(f"not a local path: {path!r}")  # loopback only, always
        port = self.ports[self.turn % len(self.ports)]
        self.turn += 1
        head = [f"{method} {path} HTTP/1.1", f"Host: {HOST}:{port}", "Connection: close"]
        if self.cookies:
            head.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        body = b""
        if form is not None:
            body = urllib.parse.urlencode(form).encode("ascii")
            head += [
                "Content-Type: application/x-www-form-urlencoded",
                f"Content-Length: {len(body)}",
                f"Origin: http://{HOST}:{port}",
            ]
        with socket.create_connection((HOST, port), timeout=self.timeout) as s:
            s.sendall("\r\n".join(head).encode("ascii") + b"\r\n\r\n" + body)
            chunks = []
            while chunk := s.recv(262144):
                chunks.append(chunk)
        header, _, content = b"".join(chunks).partition(b"\r\n\r\n")
        lines = header.split(b"\r\n")
        if not lines[0].startswith(b"HTTP/1."):
            raise BenchError(f"{method} {path}: no HTTP reply")
        location = ""
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"location":
                location = value.strip().decode("latin-1")
            elif name == b"set-cookie":
                self._cookie(value.decode("latin-1"))
        return Reply(int(lines[0].split()[1]), location, content)

    def _cookie(self, header: str) -> None:
        first, *attributes = (p.strip() for p in header.split(";"))
        name, _, value = first.partition("=")
        gone = value in ("", '""') or any(a.lower() == "max-age=0" for a in attributes)
        if gone:
            self.cookies.pop(name, None)
        else:
            self.cookies[name] = value


def _path(location: str) -> str:
    parts = urllib.parse.urlsplit(location)
    if parts.netloc and parts.hostname != HOST:
        raise BenchError(f"redirect away from loopback: {location}")
    return parts.path + (f"?{parts.query}" if parts.query else "")


# ------------------------------------------------------------------ respondents


@dataclass(frozen=True)
class Survey:
    """What a respondent needs to answer the wave's survey without parsing forms:
    per page, the item ids and the codes each choice item accepts."""

    pages: tuple[tuple[tuple[str, tuple[int, ...] | None], ...], ...]

    @classmethod
    def readiness(cls) -> Survey:
        from collabdx.core.instruments import load_instrument

        instrument = load_instrument("readiness", "1")
        return cls(
            tuple(
                tuple(
                    (i, instrument.items[i].codes if instrument.items[i].type == "choice" else None)
                    for i in block.items
                )
                for block in instrument.blocks
            )
        )


class Respondent:
    def __init__(
        self,
        client: Client,
        token: str,
        survey: Survey,
        rng: random.Random,
        recorder: Recorder,
        deadline: float,
        think: tuple[float, float] | None = None,
    ) -> None:
        self.client = client
        self.token = token
        self.survey = survey
        self.rng = rng
        self.recorder = recorder
        self.deadline = deadline
        self.think = think
        self.csrf = ""

    def send(
        self, kind: str, method: str, path: str, form: list[tuple[str, str]] | None = None
    ) -> Reply:
        if self.think is not None:
            time.sleep(self.rng.uniform(*self.think))
        if time.monotonic() > self.deadline:
            raise OutOfTime(kind)
        start = time.perf_counter()
        try:
            reply = self.client.request(method, path, form)
        except OSError as exc:
            self.recorder.add(kind, 0, start, time.perf_counter())
            raise BenchError(f"{kind}: no reply ({type(exc).__name__})") from exc
        self.recorder.add(kind, reply.status, start, time.perf_counter())
        return reply

    def expect(self, reply: Reply, status: int, what: str, location: str = "") -> Reply:
        if reply.status != status or location not in reply.location:
            raise BenchError(f"{what}: HTTP {reply.status} {reply.location} (expected {status})")
        return reply

    def _csrf(self, reply: Reply) -> None:
        found = CSRF.search(reply.body)
        if found is None:
            raise BenchError("no CSRF token on the page")
        self.csrf = found.group(1).decode("ascii")

    def answers(self, page: int) -> list[tuple[str, str]]:
        form = [("csrfmiddlewaretoken", self.csrf)]
        for item_id, codes in self.survey.pages[page - 1]:
            if codes is None:
                continue  # the optional free text (Q3): the partner link says who it is
            form.append((item_id, str(self.rng.choice(codes))))
        return form

    def start(self) -> None:
        self.expect(self.send("start", "GET", f"/s/{self.token}/"), 200, "start page")

    def to_check(self, view_pages: bool) -> str:
        """Answer every page, open the check page; returns its draft key."""
        base = f"/s/{self.token}"
        for page in range(1, len(self.survey.pages) + 1):
            path = f"{base}/page/{page}/"
            if page == 1 or view_pages:
                self._csrf(self.expect(self.send("page", "GET", path), 200, f"GET {path}"))
            nxt = "/check/" if page == len(self.survey.pages) else f"/page/{page + 1}/"
            self.expect(
                self.send("save", "POST", path, self.answers(page)), 302, f"POST {path}", nxt
            )
        check = self.expect(self.send("check", "GET", f"{base}/check/"), 200, "check page")
        found = DRAFT.search(check.body)
        if found is None:
            raise BenchError("no draft key on the check page")
        self._csrf(check)
        return found.group(1).decode("ascii")

    def submit(self, draft: str) -> str:
        form = [("csrfmiddlewaretoken", self.csrf), ("draft", draft)]
        reply = self.send("submit", "POST", f"/s/{self.token}/submit/", form)
        return self.expect(reply, 302, "submit", "/thank-you/").location

    def thanks(self, location: str) -> None:
        page = self.expect(self.send("thanks", "GET", _path(location)), 200, "thank-you page")
        if SENT not in page.body:
            raise BenchError("thank-you page without the feedback")


# ------------------------------------------------------------------ CPU meters


def _proc_stat() -> Iterator[tuple[int, int, int]]:
    """(pid, process group, CPU ticks) of every process we can see."""
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                fields = f.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        yield int(entry.name), int(fields[2]), int(fields[11]) + int(fields[12])


def _pid_ticks(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            fields = f.read().rsplit(b")", 1)[1].split()
    except OSError:
        return None
    return int(fields[11]) + int(fields[12])


def _machine_ticks() -> tuple[int, int]:
    """(busy, total) CPU ticks of the whole machine since boot."""
    with open("/proc/stat", "rb") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)
    total = sum(values[:8])
    return total - idle, total


class Meter:
    """CPU seconds of the app servers, the database's backends, this process and
    the machine over one phase."""

    def __init__(self, servers: list[Server], db_url: str | None) -> None:
        self.groups = {s.proc.pid for s in servers if s.proc is not None}
        self.db_url = db_url
        self._db: dict[int, tuple[int, int]] = {}  # pid -> (first, last) ticks
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _app_ticks(self) -> int:
        return sum(t for _, group, t in _proc_stat() if group in self.groups)

    def _db_pids(self) -> list[int]:
        import psycopg

        assert self.db_url is not None
        with psycopg.connect(self.db_url, connect_timeout=10, autocommit=True) as conn:
            rows = conn.execute(
                b"SELECT pid FROM pg_stat_activity "
                b"WHERE datname = current_database() AND pid <> pg_backend_pid()"
            ).fetchall()
        return [int(pid) for (pid,) in rows]

    def _sample_db(self, first: bool = False) -> None:
        for pid in self._db_pids():
            ticks = _pid_ticks(pid)
            if ticks is None:
                continue
            start = ticks if first else self._db.get(pid, (0, 0))[0]
            self._db[pid] = (start, ticks)

    def _sampler(self) -> None:
        while not self._stop.wait(0.5):
            with contextlib.suppress(Exception):  # a sample missed only blurs the figure
                self._sample_db()

    def __enter__(self) -> Meter:
        self.app0 = self._app_ticks()
        self.client0 = _own_cpu()
        self.machine0 = _machine_ticks()
        if self.db_url:
            self._sample_db(first=True)
            self._thread = threading.Thread(target=self._sampler, daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.app = (self._app_ticks() - self.app0) / CLK_TCK
        self.client = _own_cpu() - self.client0
        busy, total = _machine_ticks()
        self.machine_busy = (busy - self.machine0[0]) / max(1, total - self.machine0[1])
        self.db = 0.0
        if self._thread is not None:
            self._stop.set()
            self._thread.join(timeout=10)
            with contextlib.suppress(Exception):
                self._sample_db()
            self.db = sum(last - first for first, last in self._db.values()) / CLK_TCK


def _own_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


# ------------------------------------------------------------------ phases


@dataclass
class Phase:
    name: str
    kind: str  # the request kind whose throughput and latency this phase measures
    requests: int  # of that kind, answered with the expected reply
    errors: list[str]
    seconds: float
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    app_cpu_ms: float  # per request of the phase (all kinds), gunicorn processes
    db_cpu_ms: float  # per request, PostgreSQL backends (0 on SQLite: it is in the app)
    client_cpu_ms: float  # per request, this process
    machine_busy: float  # share of all the machine's CPU time that was busy
    requests_all: int  # every request of the phase, any kind
    latency: dict[str, dict[str, float]] = field(default_factory=dict)  # per kind
    stored: int = 0  # responses the database gained (submit and paced)


def _summary(name: str, kind: str, rec: Recorder, errors: list[str], meter: Meter) -> Phase:
    ok = [s for s in rec.samples if s[1] in (200, 302)]  # the replies the phases expect
    mine = [s for s in ok if s[0] == kind]
    seconds = (max(s[3] for s in mine) - min(s[2] for s in mine)) if mine else 0.0
    secs = [s[3] - s[2] for s in mine]
    per_kind: dict[str, dict[str, float]] = {}
    for k in sorted({s[0] for s in ok}):
        d = [s[3] - s[2] for s in ok if s[0] == k]
        per_kind[k] = {
            "count": len(d),
            **{f"p{q}_ms": percentile(d, q) * 1000 for q in (50, 95, 99)},
        }
    n_all = max(1, len(rec.samples))
    return Phase(
        name=name,
        kind=kind,
        requests=len(mine),
        errors=errors[:20] + ([f"… and {len(errors) - 20} more"] if len(errors) > 20 else []),
        seconds=seconds,
        rps=len(mine) / seconds if seconds else 0.0,
        p50_ms=percentile(secs, 50) * 1000,
        p95_ms=percentile(secs, 95) * 1000,
        p99_ms=percentile(secs, 99) * 1000,
        max_ms=max(secs, default=0.0) * 1000,
        app_cpu_ms=meter.app / n_all * 1000,
        db_cpu_ms=meter.db / n_all * 1000,
        client_cpu_ms=meter.client / n_all * 1000,
        machine_busy=meter.machine_busy,
        requests_all=len(rec.samples),
        latency=per_kind,
    )


def _pool(count: int, concurrency: int, deadline: float, task: Callable[[int], None]) -> list[str]:
    """Run ``task(0..count-1)`` on ``concurrency`` threads; the errors, as text."""
    errors: list[str] = []

    def one(i: int) -> None:
        if time.monotonic() > deadline:
            return
        try:
            task(i)
        except OutOfTime:
            pass
        except BenchError as exc:
            errors.append(str(exc))

    pool = ThreadPoolExecutor(max_workers=concurrency)
    try:
        list(pool.map(one, range(count)))
    finally:  # on Ctrl-C or SIGTERM, drop the requests not yet sent
        pool.shutdown(wait=True, cancel_futures=True)
    return errors


@dataclass
class Env:
    """One configuration's servers, ready to take requests."""

    config: Config
    target: Target
    servers: list[Server]
    survey: Survey

    @property
    def ports(self) -> list[int]:
        return [s.port for s in self.servers]

    def client(self, i: int) -> Client:
        return Client(self.ports, start=i)

    def token(self, i: int) -> str:
        return self.target.tokens[i % len(self.target.tokens)]

    def meter(self) -> Meter:
        return Meter(self.servers, self.target.env.get("DATABASE_URL"))

    def stored(self) -> tuple[int, int]:
        """(responses, receipts) in the database."""
        _drafts, responses, receipts = self.target.snapshot()
        return int(responses[0][0]), int(receipts[0][0])


def phase_get(
    env: Env, p: Profile, name: str, count: int, path: Callable[[int], str], method: str = "GET"
) -> Phase:
    """``count`` requests, closed loop, each from a new client (no cookies); a POST
    sends a one-field form."""
    rec = Recorder()
    deadline = time.monotonic() + p.max_phase_seconds
    form = [("bench", "1")] if method == "POST" else None

    def task(i: int) -> None:
        start = time.perf_counter()
        try:
            reply = env.client(i).request(method, path(i), form)
        except OSError as exc:
            rec.add(name, 0, start, time.perf_counter())
            raise BenchError(f"{name}: no reply ({type(exc).__name__})") from exc
        rec.add(name, reply.status, start, time.perf_counter())
        if reply.status != 200:
            raise BenchError(f"{name}: HTTP {reply.status}")

    with env.meter() as meter:
        errors = _pool(count, p.concurrency, deadline, task)
    return _summary(name, name, rec, errors, meter)


def phase_save(env: Env, p: Profile, seed: int) -> tuple[Phase, list[tuple[Respondent, str]]]:
    """Respondents answer every page and reach the check page (ready to submit)."""
    rec = Recorder()
    deadline = time.monotonic() + p.max_phase_seconds
    ready: list[tuple[Respondent, str]] = []

    def task(i: int) -> None:
        r = Respondent(
            env.client(i),
            env.token(i),
            env.survey,
            random.Random(seed * 100_003 + i),  # noqa: S311
            rec,
            deadline,
        )
        ready.append((r, r.to_check(view_pages=False)))

    with env.meter() as meter:
        errors = _pool(p.respondents, p.concurrency, deadline, task)
    return _summary("save", "save", rec, errors, meter), ready


def phase_submit(env: Env, p: Profile, ready: list[tuple[Respondent, str]]) -> Phase:
    rec = Recorder()
    deadline = time.monotonic() + p.max_phase_seconds
    before = env.stored()

    def task(i: int) -> None:
        respondent, draft = ready[i]
        respondent.recorder = rec
        respondent.deadline = deadline
        respondent.submit(draft)

    with env.meter() as meter:
        errors = _pool(len(ready), p.concurrency, deadline, task)
    phase = _summary("submit", "submit", rec, errors, meter)
    return _check_stored(env, phase, before)


def phase_paced(env: Env, p: Profile, seed: int) -> Phase:
    """``concurrency`` respondents at once, with think time, start to thank-you."""
    rec = Recorder()
    started = time.monotonic()
    soft_end = started + min(p.paced_seconds, p.max_phase_seconds)
    hard_end = started + p.max_phase_seconds
    before = env.stored()

    def task(i: int) -> None:
        rng = random.Random(seed * 7919 + i)  # noqa: S311 - test data, not security
        for j in range(10_000):  # bounded; the deadline ends it far sooner
            now = time.monotonic()
            if now > hard_end or (now > soft_end and j >= p.paced_min_journeys):
                return
            r = Respondent(
                env.client(i), env.token(i * 31 + j), env.survey, rng, rec, hard_end, think=p.think
            )
            r.start()
            r.thanks(r.submit(r.to_check(view_pages=True)))

    with env.meter() as meter:
        errors = _pool(p.concurrency, p.concurrency, hard_end + 120, task)
    phase = _summary("paced", "submit", rec, errors, meter)
    # Over the whole journey, not just the submits: the p95 goal is about every reply.
    every = [s[3] - s[2] for s in rec.samples if s[1] in (200, 302)]
    phase.latency["all"] = {
        "count": len(every),
        **{f"p{q}_ms": percentile(every, q) * 1000 for q in (50, 95, 99)},
    }
    # The real length of the phase: journeys may run past the paced window to finish.
    phase.seconds = max(time.monotonic() - started, 1e-9)
    phase.rps = len(every) / phase.seconds
    return _check_stored(env, phase, before)


def _check_stored(env: Env, phase: Phase, before: tuple[int, int]) -> Phase:
    responses, receipts = env.stored()
    phase.stored = responses - before[0]
    if phase.stored != phase.requests:
        phase.errors.append(f"{phase.requests} submits acknowledged, {phase.stored} stored")
    if receipts - before[1] != phase.stored:
        phase.errors.append(f"{receipts - before[1]} receipts for {phase.stored} responses")
    return phase


def warm_up(env: Env, p: Profile) -> None:
    """Every worker serves each kind of request once before anything is measured."""
    quick = Profile(
        concurrency=min(8, p.concurrency),
        respondents=2 * sum(s.workers for s in env.servers),
        max_phase_seconds=120,
    )
    phases = [
        phase_get(env, quick, "bare", 40, lambda i: BARE_PATH),
        phase_get(env, quick, "bare_write", 40, lambda i: BARE_WRITE_PATH, method="POST"),
        phase_get(env, quick, "page", 40, lambda i: f"/s/{env.token(i)}/page/1/"),
    ]
    saved, ready = phase_save(env, quick, seed=0)
    phases += [saved, phase_submit(env, quick, ready)]
    errors = [e for ph in phases for e in ph.errors]
    if errors:
        raise BenchError("warm-up failed: " + "; ".join(errors[:5]))


def run_repeat(env: Env, p: Profile, repeat: int, log: Callable[[str], object]) -> dict[str, Phase]:
    out: dict[str, Phase] = {}
    for s in env.servers:
        s.mark_log()
    out["bare"] = phase_get(env, p, "bare", p.bare, lambda i: BARE_PATH)
    out["bare_write"] = phase_get(
        env, p, "bare_write", p.pages, lambda i: BARE_WRITE_PATH, method="POST"
    )
    out["page"] = phase_get(env, p, "page", p.pages, lambda i: f"/s/{env.token(i)}/page/1/")
    out["save"], ready = phase_save(env, p, seed=repeat + 1)
    out["submit"] = phase_submit(env, p, ready)
    out["paced"] = phase_paced(env, p, seed=repeat + 1)
    log_errors = [e for s in env.servers for e in s.log_errors()]
    if log_errors:
        out["submit"].errors += log_errors[:10]
    for name, ph in out.items():
        log(
            f"  {name:6} {ph.requests:6} {ph.kind:6} {ph.rps:7.1f}/s p50 {ph.p50_ms:6.1f} "
            f"p95 {ph.p95_ms:6.1f} p99 {ph.p99_ms:6.1f} ms; CPU/request app "
            f"{ph.app_cpu_ms:5.2f} db {ph.db_cpu_ms:5.2f} client {ph.client_cpu_ms:5.2f} ms; "
            f"machine {ph.machine_busy:4.0%}; errors {len(ph.errors)}"
        )
    return out


@dataclass
class ConfigResult:
    config: Config
    runs: list[dict[str, Phase]]

    def median(self, phase: str, attr: str) -> float:
        return statistics.median(float(getattr(r[phase], attr)) for r in self.runs)

    def ratio(self, phase: str, attr: str = "rps", over: str = "bare") -> float:
        """The median over repeats of this phase's figure / the bare view's, each
        pair measured side by side in one repeat."""
        return statistics.median(
            float(getattr(r[phase], attr)) / float(getattr(r[over], attr) or 1) for r in self.runs
        )

    def paced(self, kind: str, q: int) -> float:
        return statistics.median(
            r["paced"].latency.get(kind, {}).get(f"p{q}_ms", 0.0) for r in self.runs
        )

    def errors(self) -> list[str]:
        return [f"{name}: {e}" for r in self.runs for name, ph in r.items() for e in ph.errors]

    def cpu_per_request(self, phase: str) -> float:
        """App + database CPU per request, ms (the server side's whole cost)."""
        return statistics.median(r[phase].app_cpu_ms + r[phase].db_cpu_ms for r in self.runs)


def bench(p: Profile, log: Callable[[str], object] = print) -> list[ConfigResult]:
    """Every configuration of the profile, ``p.repeats`` times each."""
    results = []
    survey = Survey.readiness()
    with static_cache():
        for config in p.configs:
            log(f"web: {config.name}: preparing a fresh environment")
            with target(config.db, partners=6, waves=1) as t, server_set(t) as pool:
                t.env["DJANGO_SETTINGS_MODULE"] = SETTINGS
                env = Env(config, t, pool.ensure(config.servers, config.workers), survey)
                warm_up(env, p)
                runs = []
                for repeat in range(p.repeats):
                    log(f"web: {config.name}: repeat {repeat + 1}/{p.repeats}")
                    runs.append(run_repeat(env, p, repeat, log))
                results.append(ConfigResult(config, runs))
    return results


def from_json(rows: list[dict[str, Any]]) -> list[ConfigResult]:
    """Results as :func:`as_json` wrote them (``benchmarks.run --json``)."""
    return [
        ConfigResult(
            Config(**row["config"]),
            [{k: Phase(**v) for k, v in run.items()} for run in row["runs"]],
        )
        for row in rows
    ]


def as_json(results: list[ConfigResult]) -> list[dict[str, Any]]:
    return [
        {
            "config": asdict(r.config),
            "runs": [{k: asdict(v) for k, v in run.items()} for run in r.runs],
        }
        for r in results
    ]


# ------------------------------------------------------------------ the doc section

GOAL_RATIO = 0.5  # issue 8: submissions reach at least 50% of the bare view's throughput
GOAL_P95_MS = 100.0  # ... with p95 under 100 ms at 50 concurrent respondents


def goals(results: list[ConfigResult], p: Profile) -> list[tuple[str, bool, str]]:
    """(goal, met, the evidence per configuration)."""
    ratio = [(r.config.name, r.ratio("submit")) for r in results]
    p95 = [(r.config.name, r.paced("all", 95), r.paced("submit", 95)) for r in results]
    return [
        (
            f"submissions reach at least {GOAL_RATIO:.0%} of the bare view's throughput",
            all(x >= GOAL_RATIO for _, x in ratio),
            "; ".join(f"{name}: {x:.1%}" for name, x in ratio),
        ),
        (
            f"p95 under {GOAL_P95_MS:g} ms at {p.concurrency} concurrent respondents",
            all(a < GOAL_P95_MS and s < GOAL_P95_MS for _, a, s in p95),
            "; ".join(
                f"{name}: every request {a:.0f} ms, submits {s:.0f} ms" for name, a, s in p95
            ),
        ),
    ]


def render(results: list[ConfigResult], p: Profile) -> str:
    """The web section: method, throughput and ratios, latency, CPU, paced respondents."""
    median = ConfigResult.median
    lines = [
        "**Method.** `benchmarks/bench_web.py` runs the real app under gunicorn on",
        "127.0.0.1, started by the reliability harness as `collabdx serve` starts it",
        "(sync workers, `--preload`), on a fresh, migrated database with one",
        "collaboration of 6 partners and an open readiness wave; the settings are the",
        "app's plus two bench-only URLs (`benchmarks/web_settings.py`), so the floors run",
        "in the same processes: *bare*, a GET view that does nothing (it still passes the",
        "app's middleware), and *bare write*, a POST that stores one row in one",
        f"transaction. {p.concurrency} clients in a closed loop (each sends its next request as",
        "soon as the last is answered) measure, one after the other: bare GETs "
        f"({p.bare:,}), bare writes ({p.pages:,}),",
        f"survey page views ({p.pages:,} GETs of page 1, a new respondent each), page saves",
        f"({p.respondents} respondents answering all 8 pages, then the check page) and their",
        f"{p.respondents} submissions. Then *paced*: {p.concurrency} respondents at once, each "
        f"waiting {p.think[0]:g}–{p.think[1]:g} s",
        "before every request and walking the whole survey (start page, 8 pages viewed",
        "and saved, check page, submit, thank-you page with their feedback), again and",
        f"again for {p.paced_seconds:g} s: far faster than people answer (about 19 requests a",
        "minute each, where a person takes minutes), so a heavy 50-at-once. Each",
        f"configuration is repeated {p.repeats} times in one run; every figure is the median",
        "over repeats, and every ratio is taken within a repeat (side by side) before the",
        "median. Throughput: requests answered ÷ (last answer − first request).",
        "Latency: per request, from connect to the end of the reply, at the client.",
        "With two app servers, every client sends each request to the next server in",
        "turn (a load balancer without sticky sessions): one respondent's pages, saves and",
        "submission land on both, which works only because the app keeps no local state.",
        "CPU per request: gunicorn processes (app) and the PostgreSQL backends of the",
        "run's database (db), from /proc, divided by the phase's requests. The load",
        "generator (plain sockets, one thread per client) shares the 2 CPUs: its own CPU",
        "per request is in the CPU table. Every reply is checked, and after every submit",
        "phase the database must hold one new response and receipt per acknowledged submit.",
        "",
        "**Throughput** (requests/s, closed loop; ratio = phase ÷ bare in the same repeat):",
        "",
        "| configuration | bare | bare write | page view | page save | submit "
        "| page view ÷ bare | submit ÷ bare | submit ÷ bare write |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r.config.name} | {median(r, 'bare', 'rps'):,.0f} | "
            f"{median(r, 'bare_write', 'rps'):,.0f} | {median(r, 'page', 'rps'):,.1f} | "
            f"{median(r, 'save', 'rps'):,.1f} | {median(r, 'submit', 'rps'):,.1f} | "
            f"{r.ratio('page'):.1%} | {r.ratio('submit'):.1%} | "
            f"{r.ratio('submit', over='bare_write'):.1%} |"
        )
    lines += [
        "",
        f"**Latency at {p.concurrency} clients, closed loop** (ms, p50 / p95 / p99; a closed "
        "loop queues",
        f"{p.concurrency} requests on a few workers, so latency ≈ {p.concurrency} ÷ throughput):",
        "",
        "| configuration | bare | bare write | page view | page save | submit |",
        "|---|---|---|---|---|---|",
    ]
    for r in results:
        cells = [
            f"{median(r, ph, 'p50_ms'):.0f} / {median(r, ph, 'p95_ms'):.0f} / "
            f"{median(r, ph, 'p99_ms'):.0f}"
            for ph in ("bare", "bare_write", "page", "save", "submit")
        ]
        lines.append(f"| {r.config.name} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "**CPU per request** (ms; app + db = the server side's cost, client = the load",
        "generator's; machine = share of both CPUs busy during the phase, other work",
        "included):",
        "",
        "| configuration | phase | app | db | app + db | client | machine busy |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        for ph in ("bare", "bare_write", "page", "save", "submit", "paced"):
            app, db = median(r, ph, "app_cpu_ms"), median(r, ph, "db_cpu_ms")
            lines.append(
                f"| {r.config.name} | {ph.replace('_', ' ')} | {app:.2f} | {db:.2f} | "
                f"{app + db:.2f} | {median(r, ph, 'client_cpu_ms'):.2f} | "
                f"{median(r, ph, 'machine_busy'):.0%} |"
            )
    lines += [
        "",
        f"**{p.concurrency} respondents at once, paced** (ms, p50 / p95 / p99 per kind of "
        "request; requests/s offered):",
        "",
        "| configuration | requests/s | submits | every request | page view | page save "
        "| check | submit | thank-you |",
        "|---|---:|---:|---|---|---|---|---|---|",
    ]
    for r in results:
        cells = [
            f"{r.paced(k, 50):.0f} / {r.paced(k, 95):.0f} / {r.paced(k, 99):.0f}"
            for k in ("all", "page", "save", "check", "submit", "thanks")
        ]
        lines.append(
            f"| {r.config.name} | {median(r, 'paced', 'rps'):.0f} | "
            f"{sum(x['paced'].requests for x in r.runs)} | " + " | ".join(cells) + " |"
        )
    errors = [e for r in results for e in r.errors()]
    stored = sum(x[ph].stored for r in results for x in r.runs for ph in ("submit", "paced"))
    lines += [
        "",
        f"Correctness: {stored:,} submissions acknowledged and stored, one response and one",
        f"receipt each; {len(errors)} unexpected replies or server log errors"
        + (": " + "; ".join(errors[:5]) if errors else "")
        + ".",
        "",
        "**Goals** (issue 8):",
        "",
    ]
    for goal, met, evidence in goals(results, p):
        lines.append(f"- {goal}: {'**met**' if met else '**not met**'}: {evidence}.")
    return "\n".join(lines)
