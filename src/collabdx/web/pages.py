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
