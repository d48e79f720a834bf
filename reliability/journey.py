"""One virtual respondent: start, every page with valid answers, check, submit.

The answers come from the rendered forms (radio values, the CSRF token, the hidden
draft key), chosen at random from what the page offers. The optional free-text
question gets a unique tag, so every stored response can be traced back to the
respondent that sent it (lost, duplicated or altered answers show up by tag).

Submitting is one of: ``normal``; ``double`` (two identical POSTs at the same time,
a double click); ``replay`` (after success, the same POST again, once with the
current cookies and once with the cookies from before the submit).
"""

from __future__ import annotations

import contextlib
import random
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from reliability.client import (
    CONNECTION_ERRORS,
    Browser,
    Reply,
    form_with_action,
    link_containing,
    post_form,
)

SENT_ONCE = "They were sent once"  # survey/already.jinja
SENT = "Your answers have been sent"  # survey/thanks.jinja with feedback
MAX_PAGES = 30


class Abort(Exception):
    """The respondent stops: an unexpected reply."""


class OutOfTime(Abort):
    """The run's deadline came first (a fault run ends with respondents mid-way)."""


class Gauge:
    """How many submit POSTs are in flight, per server port (the fault injector waits
    for one on the server it is about to kill)."""

    def __init__(self) -> None:
        self._value: dict[int, int] = {}
        self._cond = threading.Condition()

    @contextlib.contextmanager
    def counting(self, port: int) -> Iterator[None]:
        with self._cond:
            self._value[port] = self._value.get(port, 0) + 1
            self._cond.notify_all()
        try:
            yield
        finally:
            with self._cond:
                self._value[port] -= 1

    def value(self, ports: Iterable[int]) -> int:
        with self._cond:
            return sum(self._value.get(p, 0) for p in ports)

    def wait_positive(self, ports: Iterable[int], timeout: float) -> bool:
        wanted = list(ports)
        with self._cond:
            return self._cond.wait_for(
                lambda: sum(self._value.get(p, 0) for p in wanted) > 0, timeout=timeout
            )


@dataclass
class Plan:
    tag: str
    token: str
    port: int
    seed: int
    submit_mode: str = "normal"  # normal | double | replay


@dataclass
class Outcome:
    tag: str
    port: int
    submit_mode: str
    answers: dict[str, int | str] = field(default_factory=dict)
    ack: str = ""  # "" (not acknowledged) | thanks | already
    submit_sent: bool = False
    extra: list[str] = field(default_factory=list)  # outcomes of the deliberate extra submits
    problems: list[str] = field(default_factory=list)
    server_errors: int = 0
    connection_errors: int = 0
    retries: int = 0
    submit_retries: int = 0  # submit POSTs sent again after getting no reply
    unfinished: str = ""  # where the run's deadline stopped this respondent
    acked_at: float = 0.0  # time.monotonic() of the acknowledgement
    seconds: float = 0.0


@dataclass
class Journey:
    browser: Browser
    plan: Plan
    stop_at: float  # time.monotonic() deadline for everything this respondent does
    retry: bool  # retry a request that got no reply (fault runs); else it is a problem
    in_flight: Gauge | None = None
    outcome: Outcome = field(init=False)

    def __post_init__(self) -> None:
        self.outcome = Outcome(self.plan.tag, self.plan.port, self.plan.submit_mode)
        self.rng = random.Random(self.plan.seed)  # noqa: S311 - test data, not security

    # -------------------------------------------------------------- plumbing

    def send(
        self,
        method: str,
        path: str,
        kind: str,
        form: list[tuple[str, str]] | None = None,
        cookies: dict[str, str] | None = None,
    ) -> Reply:
        delay = 0.1
        for _attempt in range(1000):  # bounded; the deadline below ends it much sooner
            if time.monotonic() > self.stop_at:
                raise OutOfTime(f"out of time at {kind}")
            gauge: contextlib.AbstractContextManager[object] = contextlib.nullcontext()
            if kind == "submit" and self.in_flight is not None:
                gauge = self.in_flight.counting(self.browser.port)
            try:
                with gauge:
                    reply = self.browser.request(
                        method, path, form=form, kind=kind, cookies=cookies
                    )
            except CONNECTION_ERRORS as exc:
                self.outcome.connection_errors += 1
                if not self.retry:
                    raise Abort(f"{kind}: no reply ({type(exc).__name__})") from exc
                self.outcome.retries += 1
                if kind == "submit":
                    self.outcome.submit_retries += 1
                time.sleep(delay)
                delay = min(delay * 2, 1.0)
                continue
            if reply.status >= 500:
                self.outcome.server_errors += 1
                raise Abort(f"{kind}: HTTP {reply.status} on {method} {path}")
            return reply
        raise Abort(f"{kind}: too many attempts")

    def expect(self, reply: Reply, status: int, what: str) -> Reply:
        if reply.status != status:
            raise Abort(f"{what}: HTTP {reply.status} (expected {status}) {reply.location}")
        return reply

    # -------------------------------------------------------------- the journey

    def run(self) -> Outcome:
        started = time.perf_counter()
        try:
            self._run()
        except OutOfTime as exc:
            self.outcome.unfinished = str(exc)
        except Abort as exc:
            self.outcome.problems.append(str(exc))
        except ValueError as exc:  # a page without the form or link it should have
            self.outcome.problems.append(f"page content: {exc}")
        self.outcome.seconds = time.perf_counter() - started
        return self.outcome

    def _run(self) -> None:
        token = self.plan.token
        start = self.expect(self.send("GET", f"/s/{token}/", "start"), 200, "start")
        path = link_containing(start.body, "/page/1/")
        for _ in range(MAX_PAGES):
            page = self.expect(self.send("GET", path, "page_get"), 200, f"GET {path}")
            fields = self.fill(page.body)
            saved = self.expect(self.send("POST", path, "page_post", fields), 302, f"POST {path}")
            if "/check/" in saved.location:
                break
            if "/page/" not in saved.location:
                raise Abort(f"POST {path} went to {saved.location}")
            path = saved.location
        else:
            raise Abort("too many pages")
        check = self.expect(self.send("GET", f"/s/{token}/check/", "check"), 200, "check")
        form = form_with_action(check.body, "/submit/")
        self.submit(form.action, form.hidden)

    def fill(self, html: str) -> list[tuple[str, str]]:
        form = post_form(html)
        fields = list(form.hidden)
        for name, values in form.radios.items():
            value = self.rng.choice(values)
            fields.append((name, value))
            self.outcome.answers[name] = int(value)
        for name in form.texts:
            fields.append((name, self.plan.tag))
            self.outcome.answers[name] = self.plan.tag
        return fields

    def classify(self, reply: Reply) -> str:
        if reply.status == 302 and "/thank-you/" in reply.location:
            return "thanks"
        if reply.status == 200 and SENT_ONCE in reply.body:
            return "already"
        return f"HTTP {reply.status} {reply.location}".strip()

    def submit(self, action: str, form: list[tuple[str, str]]) -> None:
        before = self.browser.snapshot()
        self.outcome.submit_sent = True
        mode = self.plan.submit_mode
        if mode == "double":
            results: list[str] = []
            errors: list[str] = []

            def one() -> None:
                try:
                    results.append(self.classify(self.send("POST", action, "submit", form)))
                except Abort as exc:
                    errors.append(str(exc))

            threads = [threading.Thread(target=one) for _ in range(2)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=max(0.0, self.stop_at - time.monotonic()) + 5)
            self.outcome.extra.append("+".join(sorted(results)))
            self.outcome.problems.extend(errors)
            acks = [r for r in results if r in ("thanks", "already")]
            if not acks:
                raise Abort(f"double submit: {results}")
            self.outcome.ack = "thanks" if "thanks" in acks else "already"
            if results.count("thanks") > 1:
                self.outcome.problems.append("double submit: both were thanked")
        else:
            result = self.classify(self.send("POST", action, "submit", form))
            if result not in ("thanks", "already"):
                raise Abort(f"submit: {result}")
            self.outcome.ack = result
        if self.outcome.ack:
            self.outcome.acked_at = time.monotonic()
        if self.outcome.ack == "thanks":
            page = self.send("GET", action.replace("/submit/", "/thank-you/"), "thanks")
            if page.status != 200:
                self.outcome.problems.append(f"thank-you page: HTTP {page.status}")
            elif SENT not in page.body:
                # Also after a double submit: the losing request used to delete the
                # session cookie the winner had just set (finding 4, fixed).
                if mode == "double":
                    self.outcome.extra.append("feedback lost")
                self.outcome.problems.append("thank-you page without the feedback")
        if mode == "replay":
            for cookies in (None, before):
                result = self.classify(self.send("POST", action, "replay", form, cookies=cookies))
                self.outcome.extra.append(result)
                if result != "already":
                    self.outcome.problems.append(f"replayed submit: {result}")
