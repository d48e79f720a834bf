"""A minimal HTTP/1.1 client for the reliability scripts: loopback only, one cookie jar each.

Standard library only (``http.client``, ``html.parser``), so nothing extra is installed.
Every request goes to ``127.0.0.1``; a redirect to anywhere else is refused.
"""

from __future__ import annotations

import http.client
import socket
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie

HOST = "127.0.0.1"  # the only address these scripts ever send to

# What a killed or restarting server looks like from the client side.
CONNECTION_ERRORS: tuple[type[BaseException], ...] = (
    ConnectionError,  # refused, reset, aborted, broken pipe
    http.client.HTTPException,  # RemoteDisconnected, BadStatusLine, IncompleteRead
    TimeoutError,
    socket.timeout,
)


class NotLoopback(RuntimeError):
    """A URL that would leave 127.0.0.1."""


def local_path(url: str) -> str:
    """The path of a same-origin URL; refuses anything pointing at another host."""
    parts = urllib.parse.urlsplit(url)
    if (parts.scheme or parts.netloc) and parts.hostname != HOST:
        raise NotLoopback(url)
    if not parts.path.startswith("/"):
        raise NotLoopback(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


@dataclass
class Reply:
    method: str
    path: str
    status: int
    location: str
    body: str
    seconds: float


@dataclass
class Sample:
    kind: str
    status: int  # 0: no reply (connection refused, reset or timed out)
    seconds: float


@dataclass
class Recorder:
    """Every request's kind, status and latency (thread-safe: list.append is atomic)."""

    samples: list[Sample] = field(default_factory=list)

    def add(self, kind: str, status: int, seconds: float) -> None:
        self.samples.append(Sample(kind, status, seconds))


class Browser:
    """One respondent's device: a cookie jar and plain requests to one server port."""

    def __init__(self, port: int, recorder: Recorder | None = None, timeout: float = 60.0):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.recorder = recorder
        self.timeout = timeout
        self._lock = threading.Lock()

    def snapshot(self) -> dict[str, str]:
        with self._lock:
            return dict(self.cookies)

    def request(
        self,
        method: str,
        path: str,
        *,
        form: list[tuple[str, str]] | None = None,
        body: bytes | None = None,
        content_type: str = "",
        headers: dict[str, str] | None = None,
        cookies: dict[str, str] | None = None,
        kind: str = "",
    ) -> Reply:
        """One request, no redirect following. Raises one of CONNECTION_ERRORS when the
        server does not answer; ``cookies`` overrides the jar (a replay from an old state)."""
        path = local_path(path)
        send: dict[str, str] = {"Host": f"{HOST}:{self.port}", "Connection": "close"}
        jar = self.snapshot() if cookies is None else cookies
        if jar:
            send["Cookie"] = "; ".join(f"{k}={v}" for k, v in jar.items())
        if form is not None:
            body = urllib.parse.urlencode(form).encode("ascii")
            content_type = "application/x-www-form-urlencoded"
        if method == "POST":
            send["Origin"] = f"http://{HOST}:{self.port}"
            send["Content-Type"] = content_type or "application/x-www-form-urlencoded"
        send.update(headers or {})
        started = time.perf_counter()
        conn = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
        try:
            conn.request(method, path, body=body, headers=send)
            resp = conn.getresponse()
            data = resp.read()
        except CONNECTION_ERRORS:
            if self.recorder is not None:
                self.recorder.add(kind or method, 0, time.perf_counter() - started)
            raise
        finally:
            conn.close()
        seconds = time.perf_counter() - started
        if self.recorder is not None:
            self.recorder.add(kind or method, resp.status, seconds)
        if cookies is None:
            self._store_cookies(resp.headers.get_all("Set-Cookie") or [])
        return Reply(
            method=method,
            path=path,
            status=resp.status,
            location=resp.headers.get("Location", ""),
            body=data.decode("utf-8", errors="replace"),
            seconds=seconds,
        )

    def _store_cookies(self, headers: list[str]) -> None:
        with self._lock:
            for header in headers:
                jar: SimpleCookie = SimpleCookie()
                jar.load(header)
                for name, morsel in jar.items():
                    if morsel["max-age"] == "0" or morsel.value == "":
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value


# ------------------------------------------------------------------ HTML forms


@dataclass
class Form:
    action: str
    method: str
    hidden: list[tuple[str, str]] = field(default_factory=list)
    radios: dict[str, list[str]] = field(default_factory=dict)
    texts: list[str] = field(default_factory=list)
    selects: dict[str, list[str]] = field(default_factory=dict)
    checkboxes: dict[str, list[str]] = field(default_factory=dict)


class PageParser(HTMLParser):
    """The forms (their fields) and the link targets of one page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.links: list[str] = []
        self._form: Form | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = Form(action=a.get("action", ""), method=a.get("method", "get").lower())
            self.forms.append(self._form)
        elif tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif self._form is None:
            return
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text").lower()
            if kind == "hidden":
                self._form.hidden.append((a["name"], a.get("value", "")))
            elif kind == "radio":
                self._form.radios.setdefault(a["name"], []).append(a.get("value", ""))
            elif kind == "checkbox":
                self._form.checkboxes.setdefault(a["name"], []).append(a.get("value", ""))
            elif kind in ("text", "email", "number", "search", "tel"):
                self._form.texts.append(a["name"])
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
            self._form.selects[a["name"]] = []
        elif tag == "option" and self._select is not None:
            self._form.selects[self._select].append(a.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def parse(html: str) -> PageParser:
    parser = PageParser()
    parser.feed(html)
    parser.close()
    return parser


def post_form(html: str) -> Form:
    """The page's single POST form whose action is the page itself (the question form)."""
    for form in parse(html).forms:
        if form.method == "post" and form.action in ("", "."):
            return form
    raise ValueError("no question form on the page")


def form_with_action(html: str, fragment: str) -> Form:
    for form in parse(html).forms:
        if form.method == "post" and fragment in form.action:
            return form
    raise ValueError(f"no form posting to …{fragment}")


def link_containing(html: str, fragment: str) -> str:
    for href in parse(html).links:
        if fragment in href:
            return href
    raise ValueError(f"no link to …{fragment}")


def csrf_token(html: str) -> str:
    for form in parse(html).forms:
        for name, value in form.hidden:
            if name == "csrfmiddlewaretoken":
                return value
    raise ValueError("no CSRF token on the page")
