"""The web benchmark's settings with the submission prototype installed
(``benchmarks/web_experiment.py``): settings are imported before the URL conf, so
the views import the prototype's functions. Used only by
``python -m benchmarks.bench_web experiment``."""

from benchmarks import web_experiment
from benchmarks.web_settings import *  # noqa: F403

web_experiment.install()
