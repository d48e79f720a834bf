"""The WSGI application, as gunicorn serves it (``collabdx serve``).

``collabdx serve`` runs gunicorn with ``--preload``: this module is imported once, in
the master, before it forks the workers, and ``warm_up()`` does here what each
worker's first request would otherwise pay for. It imports the URL conf and with it
every view (and scipy, pandas and networkx behind the reports: about 3 s of CPU, 20 s
and more on a busy machine), compiles the templates and loads the packaged
instruments and theory. A new or replacement worker is then a fork of a warm
process and answers at once, instead of running into gunicorn's 30 s worker timeout
with a cold import (docs/reliability.md, finding 2).

Only things that are safe to share across ``fork()`` are made here. Nothing opens a
database connection (one opened in the master would be shared by every worker), and
``warm_up`` closes any connection all the same before gunicorn forks.
"""

from __future__ import annotations

import contextlib
import os

from django.core.wsgi import get_wsgi_application

from collabdx.web.security.charset import refuse_unparseable_content_type

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "collabdx.web.settings")
# A Content-Type header Django cannot parse fails while the request is built, before
# any middleware: the wrapper flags it for a clean 400 instead (security/charset.py).
application = refuse_unparseable_content_type(get_wsgi_application())


def warm_up() -> None:
    """Load what the first request would: URL conf, views, templates, packaged data."""
    from django.db import connections
    from django.template import engines
    from django.urls import get_resolver
    from jinja2 import TemplateError

    from collabdx.core.instruments import available, load_instrument
    from collabdx.core.theory import load_theory

    resolver = get_resolver()
    resolver.url_patterns  # noqa: B018 - imports every urls.py and views module
    resolver.reverse_dict  # noqa: B018 - the table behind reverse() and url()
    for engine in engines.all():
        env = getattr(engine, "env", None)  # the Jinja2 backend's Environment
        if env is None:
            continue
        for name in env.list_templates(extensions=["jinja"]):
            # Compiled once, kept in the environment's cache. A template that does not
            # compile fails where it is used, as it would without this.
            with contextlib.suppress(TemplateError):
                env.get_template(name)
    for instrument_id, version in available():
        load_instrument(instrument_id, version)
    load_theory()
    connections.all()  # imports the database backend; does not connect
    connections.close_all()


warm_up()
