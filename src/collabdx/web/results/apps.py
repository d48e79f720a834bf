from django.apps import AppConfig


class ResultsConfig(AppConfig):
    name = "collabdx.web.results"
    label = "results"
