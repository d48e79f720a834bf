"""The Jinja2 environment: our templates first, then the NHS.UK frontend macros."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.messages import get_messages
from django.templatetags.static import static
from django.urls import reverse
from jinja2 import ChainableUndefined, ChoiceLoader, Environment, FileSystemLoader, PackageLoader

from collabdx.core.disclosure import NOT_SHOWN, rule_text
from collabdx.reports.html import register as register_pack_filters
from collabdx.web.dateinput import date_items
from collabdx.web.template_cache import template_cache


def url(name: str, *args: Any, **kwargs: Any) -> str:
    return reverse(name, args=args or None, kwargs=kwargs or None)


def can(request: Any, collab: Any, action: str) -> bool:
    """Whether the signed-in user's role allows ``action`` (collab.access) in ``collab``:
    templates hide what the server would refuse anyway."""
    from collabdx.web.collab.access import can as allowed

    return allowed(request, collab, action)


def environment(**options: Any) -> Environment:
    loader = options.pop("loader", None)
    dirs = [str(d) for d in settings.TEMPLATES[0]["DIRS"]]
    options["undefined"] = ChainableUndefined  # the nhsuk macros rely on it
    options.pop("autoescape", None)
    env = Environment(
        autoescape=True,
        # The workshop pack's section partials ("pack/...") come from the reports
        # package, so the web page and the command line render the same templates.
        loader=ChoiceLoader(
            [
                loader or FileSystemLoader(dirs),
                PackageLoader("nhsuk_frontend_jinja"),
                PackageLoader("collabdx.reports", "templates"),
            ]
        ),
        extensions=["jinja2.ext.do"],
        **options,
    )
    env.bytecode_cache = template_cache(env)  # a restart compiles nothing (issue 15)
    env.globals.update(
        url=url,
        static=static,
        static_url=settings.STATIC_URL,
        get_messages=get_messages,
        service_name=settings.SERVICE_NAME,
        show_nhs_logo=settings.SHOW_NHS_LOGO,
        allow_signup=settings.ALLOW_SIGNUP,
        date_items=date_items,
        not_shown=NOT_SHOWN,
        disclosure_rule=rule_text,
        can=can,
    )
    # The same filters and globals as the standalone pack (collabdx.reports.html).
    return register_pack_filters(env)
