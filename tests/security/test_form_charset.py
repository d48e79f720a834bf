"""A form body Django refuses to read gets a clean 400 page, not a 500 (issue 17, bug 1).

Django raises ``BadRequest`` for an ``application/x-www-form-urlencoded`` body declared
in any charset but UTF-8, and for a Content-Type header it cannot parse; the CSRF
check and its own error handlers then touch ``request.POST`` again, raise again, and
gunicorn answered a bare 500 with a long traceback. The same requests against a real
``collabdx serve`` are in tests/reliability/test_serve_live.py.
"""

from __future__ import annotations

import logging

import pytest
from django.test import Client

from collabdx.web.security import charset

pytestmark = pytest.mark.django_db

PATHS = ["/sign-in/", "/create-account/", "/s/any-token/submit/", "/m/any-token/"]
NOT_UTF8 = ["utf-16", "utf-32", "UTF-16LE", "latin-1", "us-ascii"]


def _post(path: str, content_type: str, **extra: str):
    client = Client(enforce_csrf_checks=True, raise_request_exception=True)
    client.get("/sign-in/")
    token = client.cookies["csrftoken"].value
    body = f"csrfmiddlewaretoken={token}&username=someone&password=wrong".encode()
    return client.generic("POST", path, data=body, content_type=content_type, **extra)


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("declared", NOT_UTF8)
def test_a_form_in_another_charset_is_a_clean_400(path, declared, caplog):
    caplog.set_level(logging.DEBUG)
    r = _post(path, f"application/x-www-form-urlencoded; charset={declared}")
    assert r.status_code == 400
    html = r.content.decode()
    assert "<title>Sorry, this form could not be read" in html
    assert "UTF-8" in html
    assert "Traceback" not in caplog.text
    assert len(caplog.records) <= 3, [r.getMessage() for r in caplog.records]


@pytest.mark.parametrize("declared", ["utf-8", "UTF-8", "utf8", "klingon"])
def test_utf8_and_unknown_charsets_are_read_as_utf8(declared):
    # An alias of UTF-8 is UTF-8; a name Python does not know is ignored by Django and
    # the body read as UTF-8, as a browser sends it.
    r = _post("/sign-in/", f"application/x-www-form-urlencoded; charset={declared}")
    assert r.status_code == 200
    assert "The username or password is not right" in r.content.decode()


def test_an_unparseable_content_type_flagged_by_the_wsgi_wrapper_is_a_clean_400():
    r = _post(
        "/sign-in/", "application/x-www-form-urlencoded", **{charset.FLAG: "unreadable"}
    )
    assert r.status_code == 400
    assert "Sorry, this form could not be read" in r.content.decode()


@pytest.mark.parametrize(
    "header",
    ["application/x-www-form-urlencoded; charset*=klingon''x", "text/plain; a=" + "x" * 10_001],
)
def test_the_wsgi_wrapper_blanks_a_content_type_django_cannot_parse(header):
    seen: dict[str, object] = {}

    def app(environ, start_response):
        seen.update(environ)
        start_response("200 OK", [])
        return [b""]

    wrapped = charset.refuse_unparseable_content_type(app)
    wrapped({"CONTENT_TYPE": header, "REQUEST_METHOD": "POST"}, lambda *a: None)
    assert seen["CONTENT_TYPE"] == ""
    assert seen[charset.FLAG] == "unreadable"


def test_the_wsgi_wrapper_leaves_a_good_header_alone():
    seen: dict[str, object] = {}

    def app(environ, start_response):
        seen.update(environ)
        return [b""]

    header = "application/x-www-form-urlencoded; charset=utf-16"
    charset.refuse_unparseable_content_type(app)({"CONTENT_TYPE": header}, lambda *a: None)
    assert seen["CONTENT_TYPE"] == header and charset.FLAG not in seen


def test_the_served_application_is_wrapped():
    from collabdx.web import wsgi

    assert getattr(wsgi.application, "refuses_unparseable_content_type", False)


def test_error_handlers_do_not_run_the_csrf_check_again():
    """Another BadRequest raised while reading the form must still end in the 400 page:
    the project's handlers do not re-read ``request.POST`` (Django's defaults do, through
    ``requires_csrf_token``, which raised again and gave the 500)."""
    from django.urls import get_resolver

    resolver = get_resolver()
    for status in (400, 500):
        view = resolver.resolve_error_handler(status)
        assert view.__module__ == "collabdx.web.pages", status
        assert not hasattr(view, "__wrapped__"), status  # no decorator around it
