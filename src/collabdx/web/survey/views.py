from django.http import HttpRequest, HttpResponse


def start(request: HttpRequest, token: str) -> HttpResponse:
    return HttpResponse("survey placeholder")
