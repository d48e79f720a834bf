"""The app's URL conf plus two bench-only floors for the web benchmark.

* ``/bench/bare/`` (GET) does no work of its own: no template, no database, no
  session. It goes through the app's middleware like every page (security
  headers, CSRF cookie check, content security policy), so the ratio of a survey
  page to it is what the page's own work costs.
* ``/bench/bare-write/`` (POST) stores one row in one transaction (a session row:
  the table exists in every install), the least a durable submission can cost on
  this database. It is exempt from CSRF, as it takes no input.

Neither is ever in the production URL conf (``collabdx.web.urls``): the security
suite's access matrix enumerates every production URL.
"""

from django.contrib.sessions.models import Session
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from collabdx.web.urls import urlpatterns as app_urlpatterns


@require_safe
def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"bare\n", content_type="text/plain")


@csrf_exempt
@require_POST
def bare_write(request: HttpRequest) -> HttpResponse:
    with transaction.atomic():
        Session.objects.create(
            session_key=get_random_string(40), session_data="", expire_date=timezone.now()
        )
    return HttpResponse(b"stored\n", content_type="text/plain")


# benchmarks/bench_web.py requests them as BARE_PATH and BARE_WRITE_PATH.
urlpatterns = [
    path("bench/bare/", bare, name="bench_bare"),
    path("bench/bare-write/", bare_write, name="bench_bare_write"),
    *app_urlpatterns,
]
