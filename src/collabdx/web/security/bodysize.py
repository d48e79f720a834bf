"""Refuse request bodies above ``REQUEST_BODY_MAX_SIZE`` with 413, before anything reads them.

No page takes more than a few kilobytes. Django's own limits (``DATA_UPLOAD_MAX_MEMORY_SIZE``,
the upload handler that refuses files) answer 400, but only once a view reads the
form, and over a socket the client rarely sees that answer for a large body: gunicorn
closes the connection while the client is still sending, and the client gets a
connection reset instead (docs/reliability.md, finding 3).

This middleware looks only at the ``Content-Length`` header. Above the limit it answers
``413 Content Too Large`` with a short plain-text message. Then, after gunicorn has
written that answer, it reads and discards the rest of the body, up to
``DRAIN_MAX_BYTES`` and ``DRAIN_SECONDS``, so that a client that sends the whole body
before reading (browsers, ``http.client``, ``requests``) gets to read the 413 instead
of a reset. Nothing of the body is kept. A body larger than that, or a client slower
than that, still gets the connection closed: the reverse proxy's limit
(``client_max_body_size`` in nginx) is the place to refuse those without tying up a
worker.

Bodies sent without ``Content-Length`` (chunked) are left to Django's limits.
"""

from __future__ import annotations

import contextlib
import socket
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve

DRAIN_MAX_BYTES = 64 * 1024 * 1024
DRAIN_SECONDS = 5.0
CHUNK = 64 * 1024
MESSAGE = "This request is too large: the limit is {mb} MB.\n"


def declared_length(meta: dict[str, Any]) -> int | None:
    raw = meta.get("CONTENT_LENGTH") or ""
    try:
        length = int(raw)
    except (TypeError, ValueError):
        return None  # Django and gunicorn refuse a malformed header themselves
    return length if length >= 0 else None


def drain(environ: dict[str, Any], length: int) -> int:
    """Read and discard up to ``length`` bytes of the body, within the caps; returns
    how many bytes were read."""
    stream = environ.get("wsgi.input")
    if stream is None:
        return 0
    sock = environ.get("gunicorn.socket")
    prior = sock.gettimeout() if isinstance(sock, socket.socket) else None
    deadline = time.monotonic() + DRAIN_SECONDS
    left = min(length, DRAIN_MAX_BYTES)
    read = 0
    try:
        while left > 0:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            if isinstance(sock, socket.socket):
                sock.settimeout(remaining)
            data = stream.read(min(CHUNK, left))
            if not data:
                break
            read += len(data)
            left -= len(data)
    except Exception:  # noqa: S110 - timed out, reset, closed: the connection closes anyway
        pass
    finally:
        if isinstance(sock, socket.socket):
            with contextlib.suppress(OSError):
                sock.settimeout(prior)
    return read


class TooLarge(HttpResponse):
    """The 413 answer; ``close()`` (called by the WSGI server once the answer is
    written) drains the unread body."""

    def __init__(self, environ: dict[str, Any], length: int, limit: int) -> None:
        mb = f"{limit / 1024 / 1024:g}"
        super().__init__(
            MESSAGE.format(mb=mb), status=413, content_type="text/plain; charset=utf-8"
        )
        self._environ = environ
        self._length = length

    def close(self) -> None:
        try:
            drain(self._environ, self._length)
        finally:
            super().close()


# The file upload of answers collected elsewhere (survey/upload_views.py) is the one
# body that may hold a file: it gets the upload limit plus room for the form around it.
UPLOAD_URL = "collab:wave_upload"
FORM_ROOM = 64 * 1024


def limit_for(request: HttpRequest) -> tuple[int, int]:
    """The largest body this request may have, and the limit to name in the 413."""
    limit = int(settings.REQUEST_BODY_MAX_SIZE)
    if request.method == "POST" and request.path_info.endswith("/upload/"):
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return limit, limit
        if match.view_name == UPLOAD_URL:
            files = int(settings.UPLOAD_MAX_BYTES)
            return max(limit, files + FORM_ROOM), max(limit, files)
    return limit, limit


class RequestBodyLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit, shown = limit_for(request)
        length = declared_length(request.META)
        if length is not None and length > limit:
            return TooLarge(request.META, length, shown)
        return self.get_response(request)
