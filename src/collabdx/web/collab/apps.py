from django.apps import AppConfig


class CollabConfig(AppConfig):
    name = "collabdx.web.collab"
    label = "collab"
    verbose_name = "Collaborations"
