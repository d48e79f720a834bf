"""A clean 400 for a form body Django will not read, instead of a 500 (issue 17, bug 1).

Django refuses an ``application/x-www-form-urlencoded`` body declared in any charset
but UTF-8 (``BadRequest`` when ``request.POST`` is first read), and a Content-Type
header it cannot parse (``BadRequest`` while building the request, before any
middleware). Neither refusal is remembered: every later read of ``request.POST``
raises again, and the CSRF check runs again inside Django's default error views
(``requires_csrf_token``). Anyone could get a bare gunicorn 500 and a long traceback
in the log from ``/sign-in/`` with ``charset=utf-16``.

Two pieces stop that before anything reads the body:

* ``refuse_unparseable_content_type`` wraps the WSGI application (``wsgi.py``). For a
  Content-Type header Django would fail to parse it blanks the header and sets
  ``FLAG`` in the environ, so Django builds the request and the middleware below can
  answer.
* ``FormCharsetMiddleware`` answers 400 with a plain-English page for a flagged
  request and for a form body in another charset, and logs one line (no path: survey
  and maturity paths carry their bearer tokens). A UTF-8 alias (``utf8``) is read as
  UTF-8, and a charset name Python does not know is ignored, as Django ignores it.

The project's own 400 and 500 views (``collabdx.web.pages``) do not re-run the CSRF
check either, so a refusal raised anywhere else still ends in a page, not a 500.
"""

from __future__ import annotations

import codecs
import logging
from collections.abc import Callable, Iterable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import parse_header_parameters

FLAG = "collabdx.unreadable_content_type"
FORM = "application/x-www-form-urlencoded"

log = logging.getLogger(__name__)

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def refuse_unparseable_content_type(app: WSGIApp) -> WSGIApp:
    """The WSGI ``app``, with a Content-Type header Django cannot parse blanked and
    flagged (``FLAG``) for ``FormCharsetMiddleware`` to refuse."""

    def wrapped(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        try:
            parse_header_parameters(environ.get("CONTENT_TYPE", ""))
        except ValueError:
            environ["CONTENT_TYPE"] = ""
            environ[FLAG] = "unreadable"
        return app(environ, start_response)

    wrapped.refuses_unparseable_content_type = True  # type: ignore[attr-defined]
    return wrapped


def _is_utf8(name: str) -> bool | None:
    """True for a name of UTF-8, False for another known codec, None if unknown."""
    try:
        return codecs.lookup(name).name == "utf-8"
    except LookupError:
        return None


def refusal(request: HttpRequest) -> str | None:
    """Why the body cannot be read (for the log), or None when it can."""
    if request.META.get(FLAG):
        return "a Content-Type header that cannot be parsed"
    if request.method != "POST" or request.content_type != FORM:
        return None
    declared = request.content_params.get("charset")
    if not declared:
        return None
    utf8 = _is_utf8(declared)
    if utf8 is False:
        return f"a form body declared as {declared[:40]!r}, not UTF-8"
    if utf8 and declared.lower() != "utf-8":
        # Django compares the name itself with "utf-8": read an alias as what it is.
        request.encoding = "utf-8"
    return None


class FormCharsetMiddleware:
    """400 for a body Django would refuse, before the CSRF check reads it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        why = refusal(request)
        if why is None:
            return self.get_response(request)
        log.warning("400: refused %s (only UTF-8 forms are read)", why)
        return render(request, "400_form.jinja", {}, status=400)
