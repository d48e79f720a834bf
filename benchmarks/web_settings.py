"""Settings for the web benchmark only: the app's own settings, plus one URL.

``benchmarks/bench_web.py`` serves the real app with ``DJANGO_SETTINGS_MODULE`` set
to this module, so the bare view it compares against runs in the same processes,
behind the same middleware, in the same run. The production URL conf never
contains the bare view (the security suite's access matrix enumerates every
production URL).
"""

from collabdx.web.settings import *  # noqa: F403 - everything as served, then one change

ROOT_URLCONF = "benchmarks.web_urls"
