from django.http import HttpRequest, HttpResponse


def rate(request: HttpRequest, token: str) -> HttpResponse:
    return HttpResponse("workshop placeholder")


def facilitate(request: HttpRequest, pk: int, wave_pk: int) -> HttpResponse:
    return HttpResponse("workshop facilitator placeholder")
