"""Static information pages and the front door."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from collabdx.reports.model import ATTRIBUTION


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        from collabdx.web.collab.views import home as dashboard

        return dashboard(request)
    return render(request, "pages/start.jinja", {})


def about(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/about.jinja", {"attribution": ATTRIBUTION})


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/privacy.jinja", {})


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/accessibility.jinja", {})


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A plain-English page instead of Django's technical one; still a 403."""
    return render(request, "403_csrf.html", {}, status=403)
