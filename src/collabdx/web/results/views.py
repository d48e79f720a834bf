from django.http import HttpRequest, HttpResponse


def report(request: HttpRequest, pk: int, wave_pk: int) -> HttpResponse:
    return HttpResponse("report placeholder")


def export(request: HttpRequest, pk: int, wave_pk: int, fmt: str) -> HttpResponse:
    return HttpResponse("export placeholder")


def trends(request: HttpRequest, pk: int) -> HttpResponse:
    return HttpResponse("trends placeholder")


def plan(request: HttpRequest, pk: int) -> HttpResponse:
    return HttpResponse("plan placeholder")
