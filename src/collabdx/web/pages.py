"""Static information pages and the front door."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.views.decorators.http import require_safe

from collabdx.reports.model import ATTRIBUTION


@require_safe  # GET and HEAD only: these pages change nothing
def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        from collabdx.web.collab.views import home as dashboard

        return dashboard(request)
    return render(request, "pages/start.jinja", {})


@require_safe  # GET and HEAD only: these pages change nothing
def about(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/about.jinja", {"attribution": ATTRIBUTION})


@require_safe  # GET and HEAD only: these pages change nothing
def privacy(request: HttpRequest) -> HttpResponse:
    from django.conf import settings

    return render(
        request,
        "pages/privacy.jinja",
        {
            "min_group_size": settings.MIN_GROUP_SIZE,
            "draft_days": settings.DRAFT_DAYS,
            "session_days": settings.SESSION_COOKIE_AGE // 86400,
            "retention_days": settings.RETENTION_DAYS,
            "idle_minutes": settings.FACILITATOR_IDLE_MINUTES,
            "session_hours": settings.FACILITATOR_SESSION_HOURS,
            "require_2fa": settings.REQUIRE_2FA,
        },
    )


@require_safe  # GET and HEAD only: these pages change nothing
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/accessibility.jinja", {})


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A plain-English page instead of Django's technical one; still a 403."""
    return render(request, "403_csrf.html", {}, status=403)


# The error views. Django's defaults run the CSRF check again (``requires_csrf_token``),
# which reads ``request.POST``: when reading the form was what failed, it fails again
# inside the handler and the client gets a bare 500 (issue 17, bug 1). These do not.


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "400.jinja", {}, status=400)


def server_error(request: HttpRequest) -> HttpResponse:
    # Rendered without the request, as Django's own: whatever failed (the database,
    # the session) may fail again while the page is drawn.
    try:
        body = loader.render_to_string("500.html")
    except Exception:  # the last resort must not raise
        body = "<h1>Sorry, there is a problem with the service</h1>"
    return HttpResponseServerError(body)
