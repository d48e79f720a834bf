from django.apps import AppConfig


class ExplorerConfig(AppConfig):
    name = "collabdx.web.explorer"
    label = "explorer"
